"""A big document opens without reading all its spans: the text view reads the regions it
shows, the spans dock the rows it is scrolled to; stepping, selecting and editing reach every
span all the same."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from window_helpers import open_window, select, shown_spans_dock

from annotate.commands import CreateSpan
from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store
from desktop.spans_table import PAGE
from desktop.textview.regions import CHUNK

pytestmark = pytest.mark.gui

WORDS = 40_000
TEXT = "word " * WORDS  # 200,000 code points: several regions
LABELS = ("ORG", "LOCATION", "DATE")


def big_store(tmp_path) -> tuple[Store, Document]:
    """A store holding TEXT with a span on every word, and a small document before it."""
    document = Document(TEXT, "big")
    spans = [Span(document.uid, 5 * n, 5 * n + 4, LABELS[n % 3], "amina", f"s{n:05}")
             for n in range(WORDS)]
    spans.append(Span(document.uid, 50_001, 150_004, "CLAIM", "amina", "long"))
    store = Store.open(tmp_path / "big.sqlite")
    store.import_documents([AnnotatedDocument(Document("a small one", "small")),
                            AnnotatedDocument(document, tuple(spans))])
    return store, document


def test_the_window_reads_the_spans_it_shows_and_reaches_the_rest(qtbot, tmp_path):
    store, document = big_store(tmp_path)
    store.close()
    window = open_window(qtbot, tmp_path / "big.sqlite", tmp_path)
    editor, view = window.editor, window.editor.view
    window.service.open_document(document.uid)
    view.viewport().repaint()
    held = len(editor.spans())
    assert 0 < held <= CHUNK // 5 + 1, held  # the first region's, not 40,000
    assert view.painted_span_count > 0
    assert 0 < window.spans.model.rowCount() < WORDS
    window.service.hub.spanRequested.emit("s39990")  # from afar: its region is read
    assert view.selected_span() == "s39990"
    QTest.keyClick(view, Qt.Key.Key_Tab)
    assert view.selected_span() == "s39991"
    for _ in range(9):
        QTest.keyClick(view, Qt.Key.Key_Tab)
    assert view.selected_span() == "s00000"  # round the end
    QTest.keyClick(view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert view.selected_span() == "s39999"
    assert len(editor.spans()) < WORDS // 2
    qtbot.waitUntil(lambda: editor._reach is not None)  # measured by a worker
    assert editor._reach == 100_003
    view.read_region(120_000, 120_010)  # a region far from the long span's start
    assert view.span("long") is not None and "s24000" in {s.id for s in editor.spans()}
    window.service.hub.spanRequested.emit("s20000")
    view.select_span(None)
    select(window, 5 * 20_000 + 1, 5 * 20_000 + 3)  # inside a word: snapped to it
    QTest.keyClick(view, Qt.Key.Key_1)
    created = view.selected_span()
    assert created and created not in {"s20000"} and editor.selected().start == 100_000
    read_whole = []
    window.service.store.spans = lambda *args: read_whole.append(args) or []
    label = editor.selected().label
    QTest.keyClick(view, Qt.Key.Key_2)  # a relabel: its links' other ends only are looked up
    assert editor.selected().label != label and read_whole == []
    window.service.store.close()


def test_the_dock_reads_rows_as_it_is_scrolled_and_all_to_sort_or_filter(qtbot, tmp_path):
    store, document = big_store(tmp_path)
    dock = shown_spans_dock(qtbot, store)
    model = dock.model
    dock.service.open_document(document.uid)
    first = model.rowCount()
    assert PAGE <= first < WORDS // 2
    assert model.index(first - 1, 0).data(Qt.ItemDataRole.UserRole) == f"s{first - 1:05}"
    far = Span(document.uid, 199_990, 199_994, "DATE", "amina", "far")
    changes = store.apply(CreateSpan(far), "amina")
    dock.service.hub.changed.emit(changes)
    assert model.rowCount() == first and model.row_of("far") is None  # read with its rows
    near = store.apply(CreateSpan(Span(document.uid, 0, 3, "DATE", "amina", "near")), "amina")
    dock.service.hub.changed.emit(near)
    assert model.row_of("near") == 0 and model.rowCount() == first + 1
    dock.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > first + 1)
    while model.canFetchMore():
        model.fetchMore()
    ids = [model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(model.rowCount())]
    assert len(ids) == WORDS + 3 == len(set(ids))
    assert ids[-3:] == ["far", "s39998", "s39999"]  # in its place among the rows read
    dock.service.open_document("")
    dock.service.open_document(document.uid)
    assert model.rowCount() < WORDS
    model.sort(0)  # by label: every row read
    assert model.rowCount() == WORDS + 3 and not model.canFetchMore()
    model.sort(1)
    dock.service.open_document("")
    dock.service.open_document(document.uid)
    dock.filter.setText("DATE")
    assert model.rowCount() == WORDS // 3 + 2
    store.close()
