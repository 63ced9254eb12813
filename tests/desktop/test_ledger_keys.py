"""A key press with the Ledger in front, on a store of many claims in one row (issue 17): the
edit reads its own claim and no other of the ledger, and costs the GUI thread about
what the same press costs with the Spans in front; the model stays consistent through edits
under an expanded row."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication
from window_helpers import open_window, select

from annotate import ledger
from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store
from desktop.main_window import MainWindow

pytestmark = pytest.mark.gui

CLAIMS = 600
"""One claim per document, none linked to a subject: one row of the ledger holds them all."""


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    records = []
    for n in range(CLAIMS):
        figure = f"at least {n}" if n % 2 else f"{n}"
        text = f"Report {n}: the army said {figure} soldiers were killed near Kidal."
        doc = Document(text, f"Report {n}", {"published": f"2024-07-{1 + n % 28:02}"})
        start = text.index(figure)
        records.append(AnnotatedDocument(doc, (
            Span(doc.uid, start, text.index(" near"), "CLAIM", "amina", f"c{n}"),)))
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents(records)
    store.close()
    win = open_window(qtbot, path, tmp_path)
    win.ledger.raise_()
    qtbot.waitUntil(lambda: len(win.ledger.ledger.claims) == CLAIMS, timeout=30_000)
    yield win
    win.service.store.close()


def press(qtbot, window: MainWindow, key: Qt.Key) -> float:
    """The GUI thread's CPU seconds of a key press on the text and what it posts."""
    start = time.thread_time()
    qtbot.keyClick(window.editor.view, key)
    QApplication.processEvents()
    return time.thread_time() - start


def near_kidal(window: MainWindow) -> None:
    text = window.editor.text
    select(window, text.index("near"), text.index("Kidal") + 5)


def test_a_claim_made_and_deleted_reads_no_other_claim_of_its_row(window, qtbot,
                                                                 monkeypatch) -> None:
    read = []
    figure_of = ledger.figure_of
    monkeypatch.setattr(ledger, "figure_of", lambda record: read.append(record.id)
                        or figure_of(record))
    near_kidal(window)
    press(qtbot, window, Qt.Key.Key_C)
    made = window.editor.selected()
    assert made is not None and made.label == "CLAIM"
    qtbot.waitUntil(lambda: made.id in window.ledger.ledger.claims)
    press(qtbot, window, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: made.id not in window.ledger.ledger.claims)
    assert read == [made.id]  # its figure, once: no other claim of its row or its document


def test_a_key_press_costs_about_what_it_costs_with_the_spans_in_front(window, qtbot) -> None:
    costs: dict[str, list[float]] = {}
    for front in (window.spans, window.ledger, window.spans, window.ledger):
        front.raise_()
        qtbot.wait(100)
        for _ in range(3):
            near_kidal(window)
            costs.setdefault(front.objectName(), []).append(
                press(qtbot, window, Qt.Key.Key_C) + press(qtbot, window, Qt.Key.Key_Delete))
    spans, ledger_front = (statistics.median(costs[name]) for name in ("spans", "ledger"))
    assert ledger_front <= 2 * spans + 0.01, costs


def test_edits_under_an_expanded_row_keep_the_model_consistent(window, qtbot, qtlog) -> None:
    dock = window.ledger
    tester = QAbstractItemModelTester(
        dock.model, QAbstractItemModelTester.FailureReportingMode.Warning)
    row = dock.model.index(0, 0)
    dock.tree.expand(row)
    assert dock.model.rowCount(row) == CLAIMS
    near_kidal(window)
    for key in (Qt.Key.Key_C, Qt.Key.Key_D, Qt.Key.Key_Delete):
        press(qtbot, window, key)
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dock.model.rowCount(row) == CLAIMS + 1)
    assert not [r.message for r in qtlog.records if "FAIL" in r.message], tester
