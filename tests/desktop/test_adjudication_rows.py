"""Issue 17: the Adjudication tab on a long document. An edit tells the table of the rows it
changed alone (a new alignment is applied as the one stretch that differs, never the whole
table again), the selected item stays selected, and rows make their cells when the view shows
them: what a key press costs with the tab in front does not grow with the document's items."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from window_helpers import aligned, alignments_ended, open_window

from annotate.adjudication import Item
from annotate.commands import CreateSpan, DeleteSpan
from annotate.model import AnnotatedDocument, Document, Span
from annotate.relation_items import RelationItem
from annotate.review_columns import ItemColumns
from annotate.review_plan import DocumentPlan
from db.review import DocumentReview
from db.store import Store
from desktop.aligned_rows import Rows, plan_rows
from desktop.main_window import MainWindow
from desktop.review.item_cells import Cell, RowCells
from desktop.review.items_model import ItemsModel

pytestmark = pytest.mark.gui

WORDS = 600
"""Words of the long document, each a CLAIM of amina and bo: 600 agreed items."""
WORD = "claim "


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    """The window (amina's) on a document of :data:`WORDS` agreed items, its first word's
    CLAIM certain for amina and reported for bo (an attributes item, two lines a cell), the
    Adjudication tab in front and aligned."""
    doc = Document(WORD * WORDS, "Long")
    spans = []
    for n in range(WORDS):
        start = n * len(WORD)
        mine, theirs = ({"certainty": "asserted"}, {"certainty": "reported"}) if n == 0 else ({},
                                                                                         {})
        spans += [Span(doc.uid, start, start + 5, "CLAIM", "amina", f"a{n}", mine),
                  Span(doc.uid, start, start + 5, "CLAIM", "bo", f"b{n}", theirs)]
    path = tmp_path / "long.sqlite"
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(doc, tuple(spans))])
    store.close()
    win = open_window(qtbot, path, tmp_path,
                      before_close=lambda window: alignments_ended(qtbot, window))
    win.review.open_panel()
    win.review.tabs.setCurrentWidget(win.review.adjudication)
    aligned(qtbot, win.review.adjudication)
    yield win
    win.service.store.close()


def announced(model) -> Counter:  # type: ignore[no-untyped-def]
    """Rows the table's model tells its view of, by how (a reset counts every row)."""
    told: Counter = Counter()
    model.modelReset.connect(lambda: told.update(reset=model.rowCount()))
    model.rowsInserted.connect(lambda _p, first, last: told.update(inserted=last - first + 1))
    model.rowsRemoved.connect(lambda _p, first, last: told.update(removed=last - first + 1))
    model.dataChanged.connect(lambda top, bottom, *_: told.update(
        changed=bottom.row() - top.row() + 1))
    return told


def realigned(qtbot, tab, edit) -> None:  # type: ignore[no-untyped-def]
    """Apply ``edit`` and wait until the tab has followed it (or aligned the document again:
    it is planning from the edit on)."""
    edit()
    assert tab.planning
    qtbot.waitUntil(lambda: not tab.planning, timeout=10_000)


def test_an_edit_of_a_long_document_tells_the_table_of_its_rows_alone(window, qtbot):
    tab = window.review.adjudication
    uid = window.service.current
    assert len(tab.rows) == WORDS
    tab.select(300)
    chosen = tab.selected()
    scrolled = window.editor.view.verticalScrollBar().value()
    told = announced(tab.table.model())
    mine = Span(uid, 7 * len(WORD), 7 * len(WORD) + 5, "DENIAL", "amina", "new")
    realigned(qtbot, tab, lambda: window.service.apply(CreateSpan(mine)))
    # amina's DENIAL over the 8th word: the agreed CLAIM item and a single DENIAL item there
    assert len(tab.rows) == WORDS + 1 and tab.rows[8].ids == {"new"}
    assert sum(told.values()) == 1, told
    assert tab.selected().ids == chosen.ids  # the row moved down one, still selected
    assert window.editor.view.verticalScrollBar().value() == scrolled  # the text stayed
    told.clear()
    tab.select(8)  # the new item, gone with its span: no row is left selected
    realigned(qtbot, tab, lambda: window.service.apply(DeleteSpan(mine)))
    assert len(tab.rows) == WORDS and told == Counter(removed=1), told
    assert tab.selected_row() is None and not tab.reject_button.isEnabled()
    told.clear()
    tab.select(5)
    assert tab.accept_side("bo")  # a decision: its row's status alone
    qtbot.waitUntil(lambda: tab.rows[5].status == "accepted" and not tab.planning)
    assert told == Counter(changed=1), told
    assert tab.model.index(5, 3).data() == "✔ accepted by amina"
    assert tab.selected() == tab.rows[5]


def test_rows_make_their_cells_when_shown_and_are_as_tall_as_their_lines(window, qtbot,
                                                                        monkeypatch):
    tab = window.review.adjudication
    table = tab.table
    made: list[Item | RelationItem] = []
    cells = tab.model._make
    monkeypatch.setattr(tab.model, "_make", lambda row, annotators: (
        made.append(row), cells(row, annotators))[1])
    tab.model.show(tab.rows, tab.annotators)  # shown anew: no row's cells kept
    qtbot.wait(50)
    in_sight = table.rowAt(table.viewport().height() - 1) - table.rowAt(0) + 1
    assert 0 < len(made) <= in_sight < WORDS / 10
    # the attributes item's cells hold two lines (the span, then the certainty): its row is
    # as tall as that, the others as one line
    assert tab.model.index(0, 1).data().count("\n") == 1
    assert table.rowHeight(0) > table.rowHeight(1) == table.verticalHeader().defaultSectionSize()
    made.clear()
    table.scrollTo(tab.model.index(WORDS - 1, 0))
    qtbot.wait(50)
    assert 0 < len(made) <= in_sight + 1
    bottom = tab.rows[WORDS - 2 * in_sight:]
    assert all(row in bottom for row in made)


def spans_item(uid: str, n: int, label: str = "CLAIM") -> Item:
    span = Span(uid, n, n + 1, label, "amina", f"s{n}", {}, None, "t")
    return Item(uid, "single", (span,), ("amina",))


def test_plan_rows_keeps_the_rows_around_the_one_stretch_that_differs():
    base = [spans_item("d", n) for n in range(10)]
    found = [spans_item("d", n) for n in range(10)]
    found[4:6] = [spans_item("d", 4, "DENIAL"), spans_item("d", 5, "DENIAL"),
                  spans_item("d", 50)]
    planned = plan_rows(base, DocumentReview(found, [], []))
    assert (planned.first, planned.removed, planned.added) == (4, 2, 3)
    assert list(planned.rows) == found
    assert planned.rows[:4] == base[:4] and planned.rows[7:] == base[6:]
    assert (planned.decided, planned.total, planned.agreed_open) == (0, 11, False)
    same = plan_rows(planned.rows, DocumentReview(list(found), [], []))
    assert (same.removed, same.added) == (0, 0) and list(same.rows) == found
    gone = plan_rows(found, DocumentReview([], [], []))
    assert (gone.first, gone.removed, gone.added, gone.total) == (0, 11, 0, 0)


def test_cells_made_move_with_their_rows_and_the_changed_rows_are_made_anew(qtbot):
    """The model keeps the cells it made by row: rows put in or taken out before a row move
    its cells with it, the rows changed are made again."""
    made: list[Item] = []
    model = ItemsModel(lambda row, annotators: (made.append(row), RowCells((
        Cell(row.spans[0].label),)))[1])
    items = [spans_item("d", n) for n in range(6)]
    model.show(Rows(items), ("amina",))
    assert [model.index(n, 0).data() for n in range(6)] == ["CLAIM"] * 6 and len(made) == 6
    new = [*items[:1], spans_item("d", 1, "DENIAL"), spans_item("d", 10, "PERSON"), *items[2:]]
    with model.changing(1, 1, 2):
        model.rows = Rows(new)
    assert [model.index(n, 0).data() for n in range(7)] == [
        "CLAIM", "DENIAL", "PERSON", "CLAIM", "CLAIM", "CLAIM", "CLAIM"]
    assert made[6:] == new[1:3]  # the others' cells kept
    with model.changing(0, 3, 0):
        model.rows = Rows(new[3:])
    assert [model.index(n, 0).data() for n in range(4)] == ["CLAIM"] * 4 and len(made) == 8


def test_cells_asked_for_while_rows_change_are_not_kept(qtbot):
    """The view asks for cells while rows are taken out or put in (its selection moved, the
    rows in sight fitted to their lines), when the model's rows are still the old ones but
    the kept cells already numbered anew: cells made then are not kept (they were, for the
    new rows: the table showed another item's cells in a row until it was made again)."""
    model = ItemsModel(lambda row, annotators: RowCells((Cell(row.spans[0].label),)))
    labels = ["CLAIM", "DENIAL", "PERSON", "ORG", "DATE"]
    items = [spans_item("d", n, label) for n, label in enumerate(labels)]
    model.show(Rows(items), ("amina",))

    def asked(*_: object) -> None:
        for row in range(model.rowCount()):
            model.cells(row)

    model.rowsAboutToBeRemoved.connect(asked)
    model.rowsAboutToBeInserted.connect(asked)
    fewer = [items[0], spans_item("d", 9, "LOCATION"), *items[3:]]
    with model.changing(1, 2, 1):  # DENIAL and PERSON become one LOCATION row
        model.rows = Rows(fewer)
    assert [model.index(n, 0).data() for n in range(4)] == ["CLAIM", "LOCATION", "ORG", "DATE"]
    with model.changing(0, 1, 2):  # CLAIM becomes two rows
        model.rows = Rows([spans_item("d", 7, "ORG"), spans_item("d", 8, "DATE"), *fewer[1:]])
    assert [model.index(n, 0).data() for n in range(5)] == [
        "ORG", "DATE", "LOCATION", "ORG", "DATE"]


def test_plan_rows_tells_two_plans_items_apart_by_their_columns(monkeypatch):
    """Rows of a plan's columns against those of a new plan of the same document: the one
    item that differs is found without making an Item of the others."""
    spans = [Span("d", 2 * n, 2 * n + 1, "CLAIM", "amina", f"s{n}", {}, None, "t")
             for n in range(10)]
    shown = DocumentPlan("d", {"amina": spans})
    spans[4] = Span("d", 8, 9, "DENIAL", "amina", "s4", {}, None, "t")
    new = DocumentPlan("d", {"amina": spans})
    made: list[int] = []
    real = ItemColumns._item
    monkeypatch.setattr(ItemColumns, "_item", lambda self, index: (
        made.append(index), real(self, index))[1])
    planned = plan_rows(Rows(shown.items), DocumentReview(new.items, [], []))
    assert (planned.first, planned.removed, planned.added) == (4, 1, 1) and made == []
    assert list(planned.rows) == list(new.items)
