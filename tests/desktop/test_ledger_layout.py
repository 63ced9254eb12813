"""The ledger's place in the window: in front on a first run on the samples (its timeline
drawing a row), and in the whole window on Ctrl+Shift+M, the layout brought back on the way out."""

from __future__ import annotations

from pathlib import Path

import pytest
from ledger_corpus import annotate
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDockWidget
from window_helpers import open_window

from annotate.samples import example_layer
from db.store import Store
from desktop.ledger.model import CLAIM

pytestmark = pytest.mark.gui
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    annotate(store)
    store.close()
    return path


def in_front(dock) -> bool:
    return not dock.visibleRegion().isEmpty()


def docks(window) -> list[QDockWidget]:
    return window.findChildren(QDockWidget)


def layout(window) -> dict[str, tuple[bool, object]]:
    """Each dock: shown or not, and its place when in front (a tab behind keeps a stale one)."""
    return {d.objectName(): (d.isVisible(), d.geometry() if in_front(d) else None)
            for d in docks(window)}


def test_a_first_run_on_the_samples_shows_their_ledger_and_a_row_on_its_timeline(
        qtbot, tmp_path) -> None:
    path = tmp_path / "samples.sqlite"
    store = Store.open(path)
    example = example_layer()
    assert store.seed_once(example.documents, example.actors, example.annotator)
    store.close()
    window = open_window(qtbot, path, tmp_path)
    dock = window.ledger
    qtbot.waitUntil(lambda: dock.model.rowCount() > 0)
    assert in_front(dock) and not in_front(window.spans)
    current = dock.ledger.row(dock.tree.currentIndex().data(CLAIM))
    assert current is not None and current.conflicting
    assert len({name for name, *_ in dock.timeline.drawn}) >= 2
    window.service.store.close()


def test_a_first_run_on_another_store_keeps_the_spans_in_front(qtbot, path, tmp_path) -> None:
    window = open_window(qtbot, path, tmp_path)  # claims, but not the seeded samples
    assert in_front(window.spans) and not in_front(window.ledger)
    window.service.store.close()


def test_the_ledger_takes_the_whole_window_and_gives_it_back(qtbot, path, tmp_path) -> None:
    window = open_window(qtbot, path, tmp_path)
    dock, whole = window.ledger, window.whole_ledger
    before = layout(window)
    QTest.keyClick(window.editor.view, Qt.Key.Key_M, CTRL_SHIFT)
    qtbot.waitUntil(lambda: dock.height() > window.height() * 0.7)
    assert whole.action.isChecked()
    assert not window.centralWidget().isVisible()
    assert [d.objectName() for d in docks(window) if d.isVisible()] == ["ledger"]
    assert dock.width() > window.width() * 0.9
    assert dock.timeline.isVisible() and dock.timeline.width() > window.width() * 0.3
    QTest.keyClick(dock.tree, Qt.Key.Key_M, CTRL_SHIFT)
    qtbot.waitUntil(lambda: window.centralWidget().isVisible())
    assert not whole.action.isChecked()
    qtbot.waitUntil(lambda: layout(window) == before)
    window.service.store.close()


def test_closing_the_whole_window_ledger_brings_the_layout_back(qtbot, path, tmp_path) -> None:
    window = open_window(qtbot, path, tmp_path)
    window.whole_ledger.toggle()
    window.ledger.close()
    assert window.centralWidget().isVisible() and window.documents.isVisible()
    assert not window.whole_ledger.action.isChecked()
    window.service.store.close()


def test_quitting_with_the_ledger_in_the_whole_window_keeps_the_panels(
        qtbot, path, tmp_path) -> None:
    window = open_window(qtbot, path, tmp_path)
    window.whole_ledger.toggle()
    window.close()
    window.service.store.close()
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    again = open_window(qtbot, path, tmp_path)
    assert settings.value("state") is not None
    assert again.documents.isVisible() and again.inspector.isVisible()
    assert again.centralWidget().isVisible() and not again.whole_ledger.action.isChecked()
    again.service.store.close()
