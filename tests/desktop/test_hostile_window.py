"""Data shown by the window is plain, short text (issue 10 point 8): a store whose every string
is hostile (markup such as ``<img src="file:///dev/zero">``, entities, ``&`` mnemonics, bidi
controls, line breaks, 1,000,000 characters) opens, and every dock, tab, menu and tooltip shows
it without interpreting it, in bounded length, in seconds. The window runs in a child process
(``hostile_walk.py``) so that a crash fails the test instead of killing pytest."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_store import build

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
WALK = Path(__file__).with_name("hostile_walk.py")
STEP_SECONDS = 20.0
"""Longest any one visit may take (under a loaded machine; about 1 s when idle)."""
PLACES = ("start", "open a document", "select a span", "text tooltips", "dashboard",
          "dashboard tab", "adjudication", "adjudication item", "edit dialog", "agreement",
          "history", "menus", "error box", "notice")
SHOWN = ("label", "button", "combo", "action", "window title", "status message", "legend",
         "axis tick", "axis label", "text view tooltip", "error box",
         "view QTableView DocumentListModel", "view QTableView SpansModel",
         "view QTableView ItemsModel header", "view QTableView ItemsModel",
         "view QTreeWidget QAbstractItemModel", "view QTableView HistoryModel",
         "view QListWidget QAbstractListModel", "document label rows", "attribute choices",
         "edit dialog")
"""Checks that must each have seen hostile data (the walk reached the places they cover)."""


def test_hostile_store_is_shown_as_plain_short_text_without_a_crash(tmp_path: Path) -> None:
    store = build(tmp_path / "hostile.sqlite")
    done = subprocess.run(
        [sys.executable, str(WALK), str(store), str(tmp_path / "window.ini")],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, f"the window died ({done.returncode}): {done.stderr[-3000:]}"
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["problems"] == []
    assert set(report["seconds"]) == set(PLACES)
    slow = {place: s for place, s in report["seconds"].items() if s > STEP_SECONDS}
    assert not slow
    assert not [check for check in SHOWN if not report["seen"].get(check)]
