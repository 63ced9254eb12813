"""What opening the next document (Ctrl+Down) does to the window around the text (issue 17):
a title of the same height lays nothing out again, one that needs more lines makes room; the
Spans table shows the new document's spans from the top, none selected; the headers of the
Spans table and the document list, which show the same columns, are not repainted."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from window_helpers import CellsDrawn, Events, open_window, painted

from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store
from desktop.main_window import MainWindow

pytestmark = pytest.mark.gui

WHO = "amina"
TEXT = "The army denied that the convoy was ambushed near Kidal on the road north. " * 20
SPANS = (1, 3, 0, 2)
"""How many spans each document has."""
TITLES = ("Report one", "Report two", "Report three", "A title long enough to need several "
          "lines above the text, however wide the window is made by the tests " * 2)


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    docs = [Document(f"{n}. {TEXT}", title) for n, title in enumerate(TITLES)]
    store.import_documents(
        AnnotatedDocument(d, tuple(Span(d.uid, 10 * k + 3, 10 * k + 8, "ORG", WHO, f"s{n}-{k}")
                                   for k in range(SPANS[n])))
        for n, d in enumerate(docs))
    store.close()
    win = open_window(qtbot, path, tmp_path, WHO)
    win.welcome.hide()
    win.resize(900, 700)
    painted(qtbot, win)
    yield win
    win.service.store.close()


def next_document(qtbot, window: MainWindow) -> None:
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(30)


def test_a_title_of_the_same_height_lays_out_nothing(qtbot, window: MainWindow) -> None:
    assert window.editor.title.text() == TITLES[0]
    requests = Events(QEvent.Type.LayoutRequest, [window.editor.widget])
    next_document(qtbot, window)
    next_document(qtbot, window)
    assert window.editor.title.text() == TITLES[2]
    # (a relayout of the text's column goes on to the window's: other widgets, the status
    # bar's counts a job brings, may ask the window for one)
    assert requests.count[window.editor.widget] == 0


def test_a_title_surely_on_one_line_is_not_laid_out_to_find_its_height(
        qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    """A next document's title of ASCII characters whose advances add up to less than the
    room is as high as the one-line title before it: Qt's heightForWidth (the title laid
    out word-wrapped, as its paint lays it out again) is not asked for it."""
    title = window.editor.title
    asked: list[int] = []
    measure = title.heightForWidth
    monkeypatch.setattr(title, "heightForWidth", lambda width: asked.append(width) or
                        measure(width))
    next_document(qtbot, window)
    assert title.text() == TITLES[1]
    asked.clear()  # (the first title measured tells the height of one line)
    next_document(qtbot, window)
    assert title.text() == TITLES[2]
    assert asked == []
    next_document(qtbot, window)  # one that needs more lines is measured
    assert title.text() == TITLES[3]
    assert asked
    qtbot.waitUntil(lambda: title.height() >= 2 * title.fontMetrics().height())


def test_a_longer_title_makes_room_and_a_short_one_gives_it_back(qtbot, window: MainWindow,
                                                                 ) -> None:
    title, view = window.editor.title, window.editor.view
    one_line, top = title.height(), view.mapTo(window, view.rect().topLeft()).y()
    for _ in range(3):
        next_document(qtbot, window)
    assert title.text() == TITLES[3]
    # (laid out when the event loop has turned a few times: on a busy machine, later)
    qtbot.waitUntil(lambda: title.height() >= 2 * one_line)  # wrapped, and all of it shown
    assert title.height() >= title.heightForWidth(title.width())
    lower = view.mapTo(window, view.rect().topLeft()).y()
    assert lower > top  # the text moved down to make room
    qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: title.height() == one_line)
    assert view.mapTo(window, view.rect().topLeft()).y() == top


def shown_spans(window: MainWindow) -> list[str]:
    model = window.spans.model
    return [model.data(model.index(row, 0), Qt.ItemDataRole.UserRole)
            for row in range(model.rowCount())]


def test_the_spans_table_shows_the_next_documents_spans_none_selected(
        qtbot, window: MainWindow) -> None:
    window.spans.raise_()
    table = window.spans.table
    assert shown_spans(window) == ["s0-0"]
    table.selectRow(0)
    for n in (1, 2, 3):
        next_document(qtbot, window)
        assert shown_spans(window) == [f"s{n}-{k}" for k in range(SPANS[n])]
        assert not table.selectionModel().hasSelection()
        table.selectRow(SPANS[n] - 1)


def test_no_header_is_repainted(qtbot, window: MainWindow) -> None:
    window.spans.raise_()
    qtbot.wait(30)
    headers = [window.spans.table.horizontalHeader().viewport(),
               window.documents.table.horizontalHeader().viewport()]
    paints = Events(QEvent.Type.Paint, [*headers, window.editor.view.viewport()])
    for _ in range(3):
        next_document(qtbot, window)
    assert paints.count[window.editor.view.viewport()] >= 3  # the text was repainted
    assert paints.count[headers[0]] == 0
    assert paints.count[headers[1]] == 0


def test_the_spans_tables_new_cells_are_drawn_without_the_style(qtbot, window: MainWindow,
                                                                 monkeypatch) -> None:
    """A document opened shows new cells in the Spans table: each is its text drawn as the
    style would draw it (pixel for pixel: tests/desktop/test_plain_cells.py), not by the style,
    which laid the text out three times and asked the model for seven roles a cell first."""
    window.spans.raise_()
    qtbot.wait(30)
    model, table = window.spans.model, window.spans.table
    style = CellsDrawn()
    table.setStyle(style)
    asked = Counter()
    data = type(model).data
    monkeypatch.setattr(type(model), "data", lambda self, index, role=Qt.ItemDataRole.DisplayRole:
                        (asked.update([role]), data(self, index, role))[1])
    for _ in range(2):
        next_document(qtbot, window)
        table.viewport().repaint()  # (whatever the timers did: the rows drawn now)
    assert model.rowCount() == SPANS[2]
    assert style.cells == 0
    assert sum(asked.values()) == 0


def test_the_spans_tables_rows_are_painted_in_one_call(qtbot, window: MainWindow,
                                                       monkeypatch) -> None:
    """Qt's table called the Python delegate for each cell it painted (its style option and
    index converted, the model's counts asked again, ~7 µs a cell before any drawing): a
    document opened paints the rows in one call of the table (desktop/painted_rows.py), each
    cell drawn from the model's text, the delegate never called."""
    window.spans.raise_()
    qtbot.wait(30)
    model, table = window.spans.model, window.spans.table
    cells = table.itemDelegate()
    called, drawn = Counter(), Counter()
    for name, counter in (("paint", called), ("draw", drawn)):
        real = getattr(type(cells), name)
        monkeypatch.setattr(type(cells), name, lambda self, *args, real=real, counter=counter:
                            (counter.update([1]), real(self, *args))[1])
    for _ in range(2):
        next_document(qtbot, window)
        table.viewport().repaint()  # (whatever the timers did: the rows drawn now)
    assert model.rowCount() == SPANS[2]
    assert drawn[1] >= SPANS[2] * model.columnCount()
    assert called[1] == 0


def test_the_document_lists_rows_are_drawn_in_one_call_without_the_style(
        qtbot, window: MainWindow, monkeypatch) -> None:
    """A step down the document list repaints the row left and the row reached: each was a
    call of the delegate per cell, the style laying its text out three times and asking the
    model for some ten roles (~80 µs a cell); the rows are drawn in one call of the table
    (desktop/painted_rows.py), each cell from the model's text, its numbers at the right and
    its mark in the middle as the model's alignment says (pixel for pixel:
    tests/desktop/test_painted_rows.py)."""
    model, table = window.documents.model, window.documents.table
    style = CellsDrawn()
    table.setStyle(style)
    asked, rows = Counter(), Counter()
    data = type(model).data
    monkeypatch.setattr(type(model), "data", lambda self, index, role=Qt.ItemDataRole.DisplayRole:
                        (asked.update([role]), data(self, index, role))[1])
    cells = table.itemDelegate()
    draw_row = getattr(type(cells), "draw_row", None)
    monkeypatch.setattr(type(cells), "draw_row", lambda self, *args:
                        (rows.update([self is cells]), draw_row(self, *args))[1], raising=False)
    for _ in range(2):
        next_document(qtbot, window)
    table.viewport().repaint()  # (whatever the timers did: the rows drawn now)
    assert style.cells == 0
    assert sum(asked.values()) == 0
    assert rows[True] >= 3  # the rows repainted, drawn by the table


def many_documents(qtbot, tmp_path: Path) -> MainWindow:
    """A window on a store of 80 documents, more than its list shows."""
    path = tmp_path / "many.sqlite"
    store = Store.open(path)
    store.import_documents(AnnotatedDocument(Document(f"{n}. {TEXT}", f"Report {n}"), ())
                           for n in range(80))
    store.close()
    window = open_window(qtbot, path, tmp_path, WHO)
    window.welcome.hide()
    window.resize(900, 700)
    qtbot.wait(50)
    return window


def test_stepping_through_the_document_list_scrolls_it_once_every_half_page(
        qtbot, tmp_path: Path) -> None:
    """A step onto a row the list does not show whole scrolls that row to the list's middle:
    the next steps, down or up, find their rows shown and scroll nothing (Qt's own scroll
    to the current row moved the list by a row at each step past its edge)."""
    window = many_documents(qtbot, tmp_path)
    table = window.documents.table
    bar = table.verticalScrollBar()
    shown = table.viewport().height() // table.rowHeight(0)
    assert 4 <= shown < 40
    moves: list[int] = []
    bar.valueChanged.connect(moves.append)
    for step in range(40):
        next_document(qtbot, window)
        row = table.currentIndex().row()
        assert row == step + 1
        top = table.rowViewportPosition(row)
        assert top >= 0 and top + table.rowHeight(row) <= table.viewport().height()
    assert bar.value() > 0
    assert len(moves) <= 40 // (shown // 2 - 1) + 1  # a row at each step: some 40 - shown
    moved = len(moves)
    for _ in range(shown // 2 - 1):  # back up: the rows above the middle are shown
        qtbot.keyClick(window.editor.view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
        qtbot.wait(30)
    assert len(moves) == moved
    window.service.store.close()


def test_a_row_clicked_half_shown_scrolls_the_document_list_by_a_row_at_most(
        qtbot, tmp_path: Path) -> None:
    """A click on the list's last row, half shown, opens its document and shows the row whole
    as Qt does, moving the list as little as that takes: not to the list's middle, which
    moved the row from under the pointer (a double click's second click then opened another
    document)."""
    window = many_documents(qtbot, tmp_path)
    table = window.documents.table
    viewport, bar = table.viewport(), table.verticalScrollBar()
    last = table.rowAt(viewport.height() - 1)
    if table.rowViewportPosition(last) + table.rowHeight(last) <= viewport.height():
        window.resize(900, 700 + table.rowHeight(0) // 2)  # the last row shown whole: halve it
        qtbot.wait(50)
        last = table.rowAt(viewport.height() - 1)
    assert table.rowViewportPosition(last) + table.rowHeight(last) > viewport.height()
    before = bar.value()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton,
                     pos=QPoint(5, viewport.height() - 2))
    qtbot.wait(30)
    assert window.service.current == window.documents.model.document_row(last).uid
    assert 0 < bar.value() - before <= 1  # (rows: the list scrolls per row)
    window.service.store.close()


def test_a_step_that_scrolls_the_document_list_repaints_the_list_alone(qtbot, tmp_path: Path,
                                                                        ) -> None:
    """Stepping past the last row the document list shows scrolls it: its scroll bar is
    repainted over a background of its own, not over the dock (whose title's paint reads the
    style's icons from their files), which it paints itself (its container, filled with that
    colour, was painted under it at each step)."""
    window = many_documents(qtbot, tmp_path)
    dock, table = window.documents, window.documents.table
    bar = table.verticalScrollBar()
    paints = Events(QEvent.Type.Paint, [dock, table, table.viewport(), bar, bar.parentWidget()])
    for _ in range(40):
        next_document(qtbot, window)
    assert bar.value() > 0  # the list scrolled
    assert paints.count[table.viewport()] >= 40
    assert paints.count[bar] >= 1
    assert paints.count[dock] == 0
    assert paints.count[table] == 0  # (its frame)
    assert paints.count[bar.parentWidget()] == 0  # the bar paints what is under it
    window.service.store.close()


def test_the_title_and_the_texts_scroll_bar_repaint_over_their_own_background(
        qtbot, window: MainWindow) -> None:
    """A new title and the text's scroll bar (a new document's length) are drawn over what is
    behind them: they fill it themselves, so neither the window nor the frame round the text,
    nor the bar's own container, is repainted under them at each document opened."""
    frame = window.editor.view.parentWidget()
    bar = window.editor.view.verticalScrollBar()
    title = window.editor.title
    behind = [window, window.centralWidget(), frame, window.editor.view, bar.parentWidget(),
              title.parentWidget()]  # (the label's holder: the label fills its background)
    paints = Events(QEvent.Type.Paint, [*behind, title])
    for _ in range(2):  # (the third title takes more lines: the window is laid out again)
        next_document(qtbot, window)
    assert paints.count[title] >= 1
    assert [paints.count[widget] for widget in behind] == [0] * len(behind)


def test_the_texts_events_pass_through_no_python_filter(qtbot, window: MainWindow) -> None:
    """The frame round the text follows its focus from the view's focus events, and the
    suggestions watch the view's events only while some are shown: each event of the view
    (a dozen a key press) went through two Python filters, ~20 K instructions each."""
    view = window.editor.view
    if window.welcome is not None:  # (the first run's note, placed as the view resizes)
        view.removeEventFilter(window.welcome)
    filtered = Counter()

    def profile(frame, event: str, _arg: object) -> None:
        if event == "call" and frame.f_code.co_name == "eventFilter" and \
                frame.f_locals.get("watched") is view:
            filtered.update([frame.f_code.co_filename])

    sys.setprofile(profile)
    try:
        for _ in range(2):
            next_document(qtbot, window)
        window.inspector.note.setFocus()
        view.setFocus()
    finally:
        sys.setprofile(None)
    assert window.editor.frame.focused
    assert not filtered


def test_the_document_lists_row_is_selected_without_asking_its_model_for_counts(
        qtbot, window: MainWindow) -> None:
    """The document list selects the row of the document opened through its selection model,
    the row's cells made by the model (RowsModel.cell): the view's setCurrentIndex and the
    model's index() asked the Python model for its row and column counts 18 times a row
    selected (each a call from Qt into Python); now 9, the view's own as it repaints the
    selection. A row selected and current already asks nothing."""
    model, table = window.documents.model, window.documents.table
    asked = Counter()

    def profile(frame, event: str, _arg: object) -> None:
        if event == "call" and frame.f_code.co_name in ("rowCount", "columnCount") and \
                frame.f_locals.get("self") is model:
            asked.update([frame.f_code.co_name])

    for row in (1, 2, 2):
        asked.clear()
        sys.setprofile(profile)
        try:
            window.documents._show_current(model.document_row(row).uid)
        finally:
            sys.setprofile(None)
        assert table.selectionModel().selectedRows() == [model.cell(row, 0)]
        assert table.currentIndex().row() == row
        assert sum(asked.values()) <= 9
    assert not asked  # (the last: row 2 again)
