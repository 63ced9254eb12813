"""The spans dock's model sorts and filters in Python: order, filter and edits as the sortable,
filterable table showed them through a proxy, and only the shown rows asked for."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QTableView
from window_helpers import Looked, shown_spans_dock

from annotate.commands import CreateSpan, DeleteSpan, UpdateSpan
from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store
from desktop.plain import NAME
from desktop.spans_table import COLUMNS, SpansModel, SpansTable

pytestmark = pytest.mark.gui

TEXT = "The army denied that rebels took Kidal; the ministry said the convoy was ambushed."


def span(start: int, end: int, label: str, span_id: str, annotator: str = "amina") -> Span:
    return Span("d", start, end, label, annotator, span_id)


SPANS = [span(4, 8, "ORG", "army"), span(9, 15, "DENIAL", "denied"),
         span(21, 27, "ARMED_GROUP", "rebels"), span(33, 38, "LOCATION", "kidal"),
         span(44, 52, "ORG", "ministry")]


def column(model: SpansModel, number: int) -> list:
    return [model.index(row, number).data() for row in range(model.rowCount())]


def test_sorted_filtered_and_kept_in_order_through_edits(qtbot):
    model = SpansModel()
    model.set_spans(TEXT, SPANS)
    assert column(model, 3) == ["army", "denied", "rebels", "Kidal", "ministry"]  # by start
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert column(model, 0) == ["ORG", "ORG", "LOCATION", "DENIAL", "ARMED_GROUP"]
    model.sort(1)
    model.set_filter("org")
    assert column(model, 3) == ["army", "ministry"]
    model.set_filter("KID")  # any column, case aside
    assert column(model, 3) == ["Kidal"]
    model.set_filter("")
    model.put(span(0, 3, "DATE", "the"))  # a new span goes to its place
    model.put(span(62, 68, "ORG", "army"))  # moved: "convoy", now last
    assert column(model, 3) == ["The", "denied", "rebels", "Kidal", "ministry", "convoy"]
    model.drop("rebels")
    assert column(model, 3) == ["The", "denied", "Kidal", "ministry", "convoy"]
    assert model.row_of("kidal") == 2


def test_a_move_keeps_the_row_selected(qtbot):
    model = SpansModel()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    with qtbot.waitExposed(view):
        view.show()
    model.set_spans(TEXT, SPANS)
    # Selected through the selection model: QTableView.selectRow reads the keyboard's modifier
    # state, which QTest's key clicks in earlier tests can leave set (Ctrl toggles, Shift extends).
    view.selectionModel().select(
        model.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert [r.row() for r in view.selectionModel().selectedRows()] == [0]
    model.put(span(73, 81, "ORG", "army"))  # "ambushed"
    rows = view.selectionModel().selectedRows()
    assert [model.data(rows[0], Qt.ItemDataRole.UserRole)] == ["army"]
    assert rows[0].row() == model.rowCount() - 1


def test_a_change_of_a_span_tells_its_changed_cells_alone(qtbot):
    """A span relabelled tells the view its label's cell alone changed (the view repaints
    what it is told: each cell draws its text again, and a relabel and its undo told the
    whole row); an edge moved tells the cells from its end to its text; a change shown
    nowhere in the row (a note) tells nothing; a move tells the row."""
    model = SpansModel()
    model.set_spans(TEXT, SPANS)
    told: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda first, last, *_roles: told.append(
        (first.row(), first.column(), last.row(), last.column())))
    denied = SPANS[1]
    model.put(replace(denied, label="CLAIM"))
    model.put(replace(denied, label="CLAIM", end=20))  # "denied that"
    model.put(replace(denied, label="CLAIM", end=20, note="their word"))
    model.put(replace(denied, start=62, end=68))  # "convoy": moved last
    assert told == [(1, 0, 1, 0), (1, 2, 1, 3), (4, 0, 4, len(COLUMNS) - 1)]
    assert column(model, 0)[4] == "DENIAL" and column(model, 3)[4] == "convoy"


def test_a_relabel_makes_no_cell_texts_to_find_its_changed_cells(qtbot, monkeypatch):
    """The cells a change tells are found from the span's fields, not by making every cell
    of the old span and the new (an excerpt of its text and its attributes' text each: ~5 µs
    at each relabel and undo); a relabel tells its label's cell alone, as before."""
    import desktop.spans_table as spans_table

    model = SpansModel()
    model.set_spans(TEXT, SPANS)
    made = []
    for name in ("words", "attributes_text"):
        real = getattr(spans_table, name)
        monkeypatch.setattr(spans_table, name, lambda *args, real=real, name=name:
                            made.append(name) or real(*args))
    told = []
    model.dataChanged.connect(lambda first, last, *_roles: told.append(
        (first.column(), last.column())))
    model.put(replace(SPANS[1], label="CLAIM"))
    model.put(replace(SPANS[1], label="CLAIM", attributes={"certainty": "reported"}))
    assert made == [] and told == [(0, 0), (5, 5)]


def test_only_the_rows_shown_are_asked_for(qtbot, tmp_path):
    """The dock loading a document of 5,000 spans, then a new span, asks data() for the rows
    on screen only (through a sorting, filtering proxy it asked for every row, many times)."""
    text = "word " * 5_000
    document = Document(text, "many spans")
    spans = tuple(Span(document.uid, 5 * n, 5 * n + 4, "ORG", "amina", f"s{n}")
                  for n in range(5_000))
    store = Store.open(tmp_path / "s.sqlite")
    store.import_documents([AnnotatedDocument(document, spans)])
    dock = shown_spans_dock(qtbot, store)
    model = dock.model
    calls = []
    real = model.data
    model.data = lambda *args: calls.append(args) or real(*args)  # Qt calls the instance's
    dock.service.open_document(document.uid)
    changes = store.apply(CreateSpan(Span(document.uid, 2, 9, "DATE", "amina", "new")), "amina")
    dock.service.hub.changed.emit(changes)
    dock.table.viewport().repaint()
    del model.data
    assert model.rowCount() == 5_001 and model.row_of("new") == 1
    assert len(calls) < 1_000, len(calls)
    store.close()


def test_an_edit_finds_its_row_without_walking_the_rows(qtbot):
    """A put, a move and a drop in a table of 20,000 spans look at a few dozen rows (a
    binary search of the sort order), not at every row before the span's."""
    text = "word " * 20_000
    spans = [Span("d", 5 * n, 5 * n + 4, "ORG", "amina", f"s{n:05}") for n in range(20_000)]
    model = SpansModel()
    model.set_spans(text, spans)
    model._rows = rows = Looked(model._rows)
    model.put(span(5 * 19_990, 5 * 19_990 + 4, "DATE", "s19990"))  # relabelled in place
    model.put(span(3, 4, "DATE", "s19995"))  # moved to the top
    model.put(span(5 * 19_000 + 1, 5 * 19_000 + 3, "DATE", "new"))
    model.drop("s19999")
    assert rows.looked < 200, rows.looked
    assert [model.index(r, 3).data() for r in (1, model.row_of("new"))] == ["d", "or"]
    assert model.row_of("new") == 19_002 and model.row_of("s19999") is None
    assert model.index(model.row_of("s19990"), 0).data() == "DATE"
    assert model.rowCount() == 20_000


def test_a_span_put_in_text_order_makes_no_cell_to_find_its_place(qtbot):
    """The rows in text order (the table's own): a span put finds its row by a binary search
    of the spans' starts, its keys made without a cell of each span looked at (one call of
    ``_cell`` a step before, a dozen and more at each span made in a big document); in
    another order, either way, the cells are the keys, and each span goes to its place."""
    text = "word " * 2_000
    spans = [Span("d", 5 * n, 5 * n + 4, "ORG" if n % 3 else "DATE", "amina", f"s{n:04}")
             for n in range(2_000)]
    model = SpansModel()
    model.set_spans(text, spans)
    made = []
    cell = model._cell
    model._cell = lambda one, number: made.append(number) or cell(one, number)
    model.put(span(5 * 700 + 1, 5 * 700 + 3, "DATE", "new"))
    assert made == [] and model.row_of("new") == 701
    for descending in (False, True):
        model.sort(0, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
        model.put(span(5 * 900 + 1, 5 * 900 + 3, "LOCATION", f"new {descending}"))
        keys = [model._key(one) for one in model._rows]
        assert keys == sorted(keys, reverse=descending) and len(keys) == 2_002 + descending
    del model._cell


def test_a_span_put_in_text_order_calls_no_python_for_its_keys(qtbot):
    """In text order (the table's own) a span put, and the rows arranged, make each span's
    key in C (the start, the start again and the id, as :meth:`SpansModel._key` makes it):
    no call of ``_key`` at each step of the binary search; in another order ``_key`` makes
    them, and the rows are in the same order as the keys it makes."""
    text = "word " * 2_000
    spans = [Span("d", 5 * n, 5 * n + 4, "ORG" if n % 3 else "DATE", "amina", f"s{n:04}")
             for n in range(2_000)]
    model = SpansModel()
    keyed = []
    key = model._key
    model._key = lambda one: keyed.append(one.id) or key(one)
    model.set_spans(text, spans)
    model.put(span(5 * 700 + 1, 5 * 700 + 3, "DATE", "new"))
    model.put(span(5 * 90, 5 * 90 + 4, "DATE", "s0090"))  # relabelled in place
    assert keyed == [] and model.row_of("new") == 701 and model.row_of("s0090") == 90
    assert [key(one) for one in model._rows] == sorted(key(one) for one in model._rows)
    model.sort(0)
    model.put(span(5 * 900 + 1, 5 * 900 + 3, "LOCATION", "by label"))
    assert keyed and [key(one) for one in model._rows] == sorted(key(one)
                                                                 for one in model._rows)
    del model._key


def test_a_span_put_then_selected_has_its_row_found_once(qtbot):
    """Each press puts its span in the rows, then selects its row (and a relabel or undo
    selects it again): the row the put found is looked at and taken, not searched for anew
    (a binary search of the sort order, its key made at each step); a row moved or taken
    away since is searched for as before."""
    text = "word " * 2_000
    spans = [Span("d", 5 * n, 5 * n + 4, "ORG", "amina", f"s{n:04}") for n in range(2_000)]
    model = SpansModel()
    model.set_spans(text, spans)
    model._rows = rows = Looked(model._rows)
    for put in (span(5 * 700 + 1, 5 * 700 + 3, "DATE", "new"),  # made
                span(5 * 900, 5 * 900 + 4, "DATE", "s0900")):  # relabelled in place
        model.put(put)
        rows.looked = 0
        found = [model.row_of(put.id), model.row_of(put.id)]
        assert rows.looked == 2, rows.looked
        assert found == [model._place(put)] * 2 and rows[found[0]] is put
    model.drop("s0100")  # the rows below move up one
    rows.looked = 0
    assert model.row_of("s0900") == 900 and rows.looked > 1


def opened_dock(qtbot, tmp_path: Path) -> tuple[SpansTable, Store]:
    """The Spans dock shown on a store holding TEXT with amina's SPANS, the document open."""
    document = Document(TEXT, "one")
    store = Store.open(tmp_path / "s.sqlite")
    store.import_documents([AnnotatedDocument(document, tuple(
        Span(document.uid, s.start, s.end, s.label, "amina", s.id) for s in SPANS))])
    dock = shown_spans_dock(qtbot, store)
    dock.service.open_document(document.uid)
    return dock, store


def test_a_span_announced_again_is_not_selected_again(qtbot, tmp_path):
    """The editor announces its selected span again after each change of it (a relabel, its
    undo): the row selected already is kept as it is, not selected anew; another span's row
    is selected."""
    dock, store = opened_dock(qtbot, tmp_path)
    calls = []
    selection = dock.table.selectionModel()
    real = selection.setCurrentIndex
    selection.setCurrentIndex = lambda index, how: calls.append(index.row()) or real(index, how)
    hub = dock.service.hub
    hub.spanSelected.emit("rebels")
    hub.spanSelected.emit("rebels")
    hub.spanSelected.emit("kidal")
    del selection.setCurrentIndex
    assert calls == [2, 3]
    assert [index.row() for index in dock.table.selectionModel().selectedRows()] == [3]
    store.close()


def test_the_selected_span_deleted_leaves_no_row_selected(qtbot, tmp_path):
    """Deleting the selected span (the editor announces no span, then the change drops its
    row) leaves no row selected: Qt moved the selection to the next row, a span the text and
    the Span panel do not show as selected."""
    dock, store = opened_dock(qtbot, tmp_path)
    hub = dock.service.hub
    hub.spanSelected.emit("rebels")
    rebels = store.span("rebels")
    hub.spanSelected.emit("")
    hub.changed.emit(store.apply(DeleteSpan(rebels), "amina"))
    assert dock.table.selectionModel().selectedRows() == []
    assert dock.model.row_of("rebels") is None and dock.model.rowCount() == 4
    store.close()


def test_the_selected_span_stays_selected_through_the_filter(qtbot, tmp_path):
    """Typing in the filter keeps the selected span's row selected while the filter shows
    it, and selects it again when it comes back: the rows' reset left none selected, while
    the text and the Span panel still showed the span selected."""
    dock, store = opened_dock(qtbot, tmp_path)
    dock.service.hub.spanSelected.emit("rebels")

    def selected() -> list[str]:
        return [dock.model.data(index, Qt.ItemDataRole.UserRole)
                for index in dock.table.selectionModel().selectedRows()]

    assert selected() == ["rebels"]
    dock.filter.setText("r")  # army, rebels, ministry
    assert selected() == ["rebels"]
    dock.filter.setText("kid")
    assert selected() == []
    dock.filter.setText("")
    assert selected() == ["rebels"]
    dock.service.hub.spanSelected.emit("")
    dock.filter.setText("r")
    assert selected() == []
    store.close()


def test_the_selected_span_brought_into_the_filter_by_an_edit_is_selected(qtbot, tmp_path):
    """An edit that brings the selected span into the filter's rows (relabelled to what the
    filter holds) selects its row: the editor announces the span again before the table
    takes the change in, when it has no row yet."""
    dock, store = opened_dock(qtbot, tmp_path)
    dock.filter.setText("org")
    hub = dock.service.hub
    hub.spanSelected.emit("rebels")  # an ARMED_GROUP: not shown
    assert dock.table.selectionModel().selectedRows() == []
    rebels = store.span("rebels")
    changes = store.apply(UpdateSpan(rebels, replace(rebels, label="ORG")), "amina")
    hub.spanSelected.emit("rebels")  # the editor's, first
    hub.changed.emit(changes)
    assert [dock.model.data(index, Qt.ItemDataRole.UserRole)
            for index in dock.table.selectionModel().selectedRows()] == ["rebels"]
    store.close()


def test_a_row_painted_makes_its_cells_in_one_call(qtbot, tmp_path, monkeypatch):
    """The table's paint asks the model for a row's cells in one call (``texts``, made by
    ``_cells``), not in six calls of ``_cell`` (a row made so ~30 K -> ~16 K instructions: a
    span made, each row of a document opened). Fails on 7a5a122: the paint of the five rows
    made each of their six cells by ``_cell``. The cells are ``_cell``'s, column by column,
    for spans with attributes and fragments too."""
    dock, store = opened_dock(qtbot, tmp_path)
    model, table = dock.model, dock.table
    asked: list[int] = []
    real = SpansModel._cell
    monkeypatch.setattr(SpansModel, "_cell", lambda self, span, column, text=None:
                        asked.append(column) or real(self, span, column, text))
    assert not table._painted_by_qt()  # (Qt's paint asks data(), which asks _cell)
    table.viewport().repaint()
    assert asked == []
    monkeypatch.undo()
    assert [model.texts(row) for row in range(5)] == [
        [model._cell(model._rows[row], c) for c in range(len(COLUMNS))] for row in range(5)]
    odd = [replace(SPANS[1], attributes={"certainty": "reported", "source": None}),
           replace(SPANS[3], attributes={"source": None}),
           replace(SPANS[2], fragments=((21, 23), (24, 27)))]
    for one in odd:
        assert model._cells(one) == [model._cell(one, c) for c in range(len(COLUMNS))]
    assert model._cells(odd[1])[5] == ""
    store.close()


def test_a_name_shown_again_is_not_made_again(monkeypatch):
    """Each row shows a label and an annotator, the same few names in every document opened:
    each name is made fit for a cell (one line, cut) once, not at each paint of a row."""
    import desktop.spans_table as spans_table

    kept = getattr(spans_table, "_name", None)
    if kept is not None:
        kept.cache_clear()  # (names other tests made)
    made = []
    monkeypatch.setattr(spans_table, "line", lambda text, limit=160: made.append(text) or text)
    model = SpansModel()
    model.set_spans(TEXT, SPANS)
    for _ in range(2):  # (a document opened, then another with the same labels)
        assert [model.text(row, 0) for row in range(5)] == [
            "ORG", "DENIAL", "ARMED_GROUP", "LOCATION", "ORG"]
        assert {model.text(row, 4) for row in range(5)} == {"amina"}
    assert sorted(made) == ["ARMED_GROUP", "DENIAL", "LOCATION", "ORG", "amina"]


def test_a_long_name_shown_is_not_kept_whole_after_its_document():
    """A hostile store's label of millions of characters is shown cut; the names kept for
    the next document (at most 1,024) are what a cell reads of them, not the whole names."""
    import tracemalloc

    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        model = SpansModel()
        model.set_spans(TEXT, [replace(span, label=f"{n}" + "L" * 2_000_000)
                               for n, span in enumerate(SPANS)])
        assert all(len(model.text(row, 0)) <= NAME for row in range(len(SPANS)))
        model.set_spans("", [])
        del model
        assert tracemalloc.get_traced_memory()[0] - before < 1_000_000
    finally:
        tracemalloc.stop()


def test_a_change_leaving_the_announced_row_in_place_selects_nothing_again(qtbot, tmp_path):
    """The editor announces its span before the change of it reaches the table (a relabel,
    its undo): the row it left in place, selected and in view, is not looked for, selected
    and measured again (each relabel and undo did both); a change moving the row selects it
    where it went."""
    dock, store = opened_dock(qtbot, tmp_path)
    service, hub = dock.service, dock.service.hub
    selected: list[str] = []
    real = dock._select
    dock._select = lambda span_id: selected.append(span_id) or real(span_id)
    denied = service.span("denied")
    relabelled = replace(denied, label="CLAIM")
    hub.spanSelected.emit("denied")  # (as the editor: its span, announced before the change)
    service.apply(UpdateSpan(denied, relabelled))
    assert selected == ["denied"]
    moved = replace(relabelled, start=62, end=68)  # "convoy": last
    service.apply(UpdateSpan(relabelled, moved))
    assert selected == ["denied", "denied"]
    rows = dock.table.selectionModel().selectedRows()
    assert [index.row() for index in rows] == [len(SPANS) - 1]
    assert dock.model.text(len(SPANS) - 1, 0) == "CLAIM"
    del dock._select
    store.close()


def test_a_row_in_view_is_scrolled_to_once_by_qt_and_not_again(qtbot, tmp_path):
    """A row made current is scrolled to by Qt (its view's auto-scroll); the dock asked it
    again, and again each time the span was announced anew (after each change of it: a
    relabel, its undo), though it showed whole and there was nothing to scroll. A row out of
    view is still brought into it."""
    dock, store = opened_dock(qtbot, tmp_path)
    table, hub = dock.table, dock.service.hub
    table.setFixedHeight(table.horizontalHeader().height() + 3 * table.rowHeight(0) + 4)
    qtbot.waitUntil(lambda: table.viewport().height() < 4 * table.rowHeight(0))
    asked = []
    real = table.scrollTo
    table.scrollTo = lambda index, hint=table.ScrollHint.EnsureVisible: \
        asked.append(index.row()) or real(index, hint)  # (Qt's own calls come here too)
    hub.spanSelected.emit("denied")  # row 1, shown
    hub.spanSelected.emit("denied")
    hub.spanSelected.emit("army")  # row 0
    assert asked == [1, 0]
    hub.spanSelected.emit("ministry")  # row 4, below the rows shown
    assert asked[2:] == [4]
    assert table.rowViewportPosition(4) + table.rowHeight(4) <= table.viewport().height()
    del table.scrollTo
    store.close()


def test_a_row_made_current_is_not_measured_again_for_a_scroll(qtbot, tmp_path):
    """A row selected anew is made current, and Qt's view scrolls to it itself: the dock then
    asked where the row was, to scroll to it if out of view (seven calls into Qt at each span
    made), for nothing. A row selected and current already (its span announced again after a
    change of it) is measured, as the test above scrolls to it when out of view."""
    dock, store = opened_dock(qtbot, tmp_path)
    table, hub = dock.table, dock.service.hub
    measured = []
    real = table.rowViewportPosition
    table.rowViewportPosition = lambda row: measured.append(row) or real(row)
    hub.spanSelected.emit("army")  # row 0, made current
    hub.spanSelected.emit("ministry")  # row 4
    assert measured == []
    hub.spanSelected.emit("ministry")
    assert measured == [4]
    assert [index.row() for index in table.selectionModel().selectedRows()] == [4]
    del table.rowViewportPosition
    store.close()


def test_changes_out_of_sight_wait_for_the_table_to_be_shown(qtbot, tmp_path):
    """With the dock behind another tab, a span made, one relabelled and one deleted tell the
    table's model nothing (each row put in or taken out moved a hidden view's rows and laid it
    out again, at each key press); shown, it holds the rows a fresh load shows, the span
    announced meanwhile selected."""
    dock, store = opened_dock(qtbot, tmp_path)
    uid = dock.service.current
    told = []
    for signal in (dock.model.rowsInserted, dock.model.rowsRemoved, dock.model.dataChanged,
                   dock.model.rowsMoved, dock.model.modelReset):
        signal.connect(lambda *_args, told=told: told.append(1))
    dock.hide()
    hub = dock.service.hub
    made = Span(uid, 60, 68, "ORG", "amina", "made")
    rebels, kidal = store.span("rebels"), store.span("kidal")
    hub.changed.emit(store.apply(CreateSpan(made), "amina"))
    hub.spanSelected.emit("made")
    hub.changed.emit(store.apply(UpdateSpan(rebels, replace(rebels, label="ORG")), "amina"))
    hub.changed.emit(store.apply(DeleteSpan(kidal), "amina"))
    hub.changed.emit(store.apply(CreateSpan(Span(uid, 70, 75, "ORG", "bob", "bobs")), "bob"))
    assert told == []
    with qtbot.waitExposed(dock):
        dock.show()
    assert [dock.model.data(index, Qt.ItemDataRole.UserRole)
            for index in dock.table.selectionModel().selectedRows()] == ["made"]
    shown = [column(dock.model, c) for c in range(len(COLUMNS))]
    assert shown[0] == ["ORG", "DENIAL", "ORG", "ORG", "ORG"]
    fresh = SpansModel()
    fresh.set_spans(TEXT, [s for s in store.spans(uid) if s.annotator == "amina"])
    assert shown == [column(fresh, c) for c in range(len(COLUMNS))]
    store.close()


def test_a_current_row_selected_again_out_of_view_is_scrolled_to(qtbot, tmp_path):
    """A row current but no longer selected (Ctrl+click takes the selection off and leaves
    the row current), then scrolled out of view: its span announced again selects it, and
    Qt's view, its current row unchanged, does not scroll to it; the dock brings it into
    view itself, as it did before select_row told whether it selected anything."""
    dock, store = opened_dock(qtbot, tmp_path)
    table, hub = dock.table, dock.service.hub
    table.setFixedHeight(table.horizontalHeader().height() + 3 * table.rowHeight(0) + 4)
    qtbot.waitUntil(lambda: table.viewport().height() < 4 * table.rowHeight(0))
    hub.spanSelected.emit("ministry")  # row 4, scrolled to
    selection = table.selectionModel()
    selection.select(dock.model.cell(4, 0), QItemSelectionModel.SelectionFlag.Deselect
                     | QItemSelectionModel.SelectionFlag.Rows)
    assert selection.currentIndex().row() == 4 and not selection.selectedRows()
    table.verticalScrollBar().setValue(0)
    assert table.rowViewportPosition(4) + table.rowHeight(4) > table.viewport().height()
    hub.spanSelected.emit("ministry")
    assert [index.row() for index in selection.selectedRows()] == [4]
    assert table.rowViewportPosition(4) >= 0
    assert table.rowViewportPosition(4) + table.rowHeight(4) <= table.viewport().height()
    store.close()
