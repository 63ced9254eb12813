"""What a corpus search typed into the document list costs the window: the list's rows are
replaced in place (no model reset: the header stays, rows that did not change are not asked
for again), and the list stays right for selecting and scrolling (issue 17)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtTest import QTest
from window_helpers import Events, open_window

from annotate.model import AnnotatedDocument, Document
from db.store import Store
from desktop.documents import PAGE
from desktop.main_window import MainWindow

pytestmark = pytest.mark.gui

DOCUMENTS = 3 * PAGE


def text(n: int) -> str:
    """Every document is a report; every third tells of Kidal, every fifth of Gao."""
    return (f"Report {n}: the convoy moved at dawn." + " Kidal was quiet." * (n % 3 == 0)
            + " Gao was shelled." * (n % 5 == 0))


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents(AnnotatedDocument(Document(text(n), f"Report {n}"))
                           for n in range(DOCUMENTS))
    store.index_for_search(DOCUMENTS)  # no index job: it could queue behind other tests' jobs
    store.close()
    win = open_window(qtbot, path, tmp_path)
    yield win
    win.service.store.close()


def search(qtbot, window: MainWindow, words: str) -> None:
    """Type ``words`` and run the search at once (as the debounce's end does), then let the
    list repaint."""
    documents = window.documents
    documents.search.setText(words)
    documents.apply_filters()
    qtbot.wait(20)


def titles(window: MainWindow) -> list[str]:
    model = window.documents.model
    return [model.document_row(row).title for row in range(model.rowCount())]


def test_a_search_replaces_the_rows_in_place_and_repaints_only_what_changed(window, qtbot):
    documents = window.documents
    model = documents.model
    search(qtbot, window, "report")
    resets: list[bool] = []
    model.modelAboutToBeReset.connect(lambda: resets.append(True))
    header = documents.table.horizontalHeader().viewport()
    paints = Events(QEvent.Type.Paint, [header])
    asked: list[int] = []  # the rows whose cells are asked for, by Qt or by the list's paint
    real, texts = model.data, documents.table._row_texts
    model.data = lambda index, *role: asked.append(index.row()) or real(index, *role)
    documents.table._row_texts = lambda row: asked.append(row) or texts(row)
    current = model.row_of(window.service.current)
    try:
        search(qtbot, window, "report*")  # another search, the same documents
        assert set(asked) <= {current}  # the view scrolls to the current row: it repaints it
        asked.clear()
        search(qtbot, window, "kidal")
        shown = documents.table.rowAt(documents.table.viewport().height() - 1) + 1
        assert 0 < len(set(asked)) <= shown  # the rows in sight
        assert len(asked) <= shown * len(model.COLUMNS) * 8  # a repaint's roles per cell
    finally:
        del model.data
        documents.table._row_texts = texts
    assert resets == []
    assert paints.count[header] == 0
    assert titles(window) == [f"Report {n}" for n in range(0, DOCUMENTS, 3)][:PAGE]
    assert model.total == DOCUMENTS // 3


def test_a_narrower_search_after_scrolling_shows_its_rows_from_the_top(window, qtbot):
    """Pages fetched beyond the first leave with a search that finds fewer documents; the
    list shows its first rows, and none stays current that the search no longer holds."""
    documents = window.documents
    model = documents.model
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == DOCUMENTS
    documents.table.scrollToBottom()
    last = model.document_row(DOCUMENTS - 1)
    window.service.open_document(last.uid)
    qtbot.wait(20)
    assert documents.table.currentIndex().row() == DOCUMENTS - 1
    search(qtbot, window, "gao")
    assert titles(window) == [f"Report {n}" for n in range(0, DOCUMENTS, 5)]
    assert documents.table.verticalScrollBar().value() == 0
    assert not documents.table.currentIndex().isValid()
    assert window.service.current == last.uid  # the document shown stays
    table = documents.table
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(model.index(1, 0)).center())
    qtbot.waitUntil(lambda: window.service.current == model.document_row(1).uid)
    search(qtbot, window, "gao OR kidal")  # the document shown is among these: it stays current
    assert table.currentIndex().row() == model.row_of(window.service.current)
    assert titles(window)[:4] == ["Report 0", "Report 3", "Report 5", "Report 6"]
