"""The Adjudication tab on attributes and relations, driven offscreen by keys and mouse: an
attributes disagreement decided per attribute, relations accepted between gold ends or
rejected, a boundary row showing both spans with the differing edges marked, edit-and-accept
by selecting text and setting attributes, and the Agreement tab counting what the table
shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QDialog, QInputDialog
from window_helpers import aligned

from annotate.model import GOLD, AnnotatedDocument, Document, Relation, Span
from db.store import Store
from desktop.main_window import MainWindow
from desktop.review.edges import DIFFERS, RICH_ROLE
from desktop.review.edit_dialog import EditDialog
from desktop.service import Service

pytestmark = pytest.mark.gui

REVIEWER = "chen"
TEXT = "The ministry said 40 people died in the raid. The rebels denied any attack on the town."


def at(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


@pytest.fixture
def window(qtbot, tmp_path: Path):
    """amina and bo: the claim matched but certainty differs; the ministry agreed and linked
    CLAIMED_BY by both; the denial's bounds differ; the rebels agreed, linked DENIED_BY by
    amina only."""
    doc = Document(TEXT, "Raid")
    u = doc.uid
    claim, ministry = at("The ministry said 40 people died"), at("ministry")
    spans = (
        Span(u, *claim, "CLAIM", "amina", "a1", {"certainty": "asserted", "figure": "40"}),
        Span(u, *claim, "CLAIM", "bo", "b1", {"certainty": "reported", "figure": "40"}),
        Span(u, *ministry, "ORG", "amina", "a2"),
        Span(u, *ministry, "ORG", "bo", "b2"),
        Span(u, *at("The rebels denied any attack"), "DENIAL", "amina", "a3"),
        Span(u, *at("The rebels denied any attack on the town"), "DENIAL", "bo", "b3"),
        Span(u, *at("rebels"), "ARMED_GROUP", "amina", "a4"),
        Span(u, *at("rebels"), "ARMED_GROUP", "bo", "b4"),
    )
    relations = (Relation("CLAIMED_BY", "a1", "a2", "amina", "ra1"),
                 Relation("CLAIMED_BY", "b1", "b2", "bo", "rb1"),
                 Relation("DENIED_BY", "a3", "a4", "amina", "ra2"))
    path = tmp_path / "structure.sqlite"
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(doc, spans, relations)])
    store.close()
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Service(Store.open(path), REVIEWER), settings)
    qtbot.addWidget(win)
    win.show()
    assert QTest.qWaitForWindowActive(win)
    win.service.open_document(u)
    win.review.open_panel()
    win.review.tabs.setCurrentWidget(win.review.adjudication)
    aligned(qtbot, win.review.adjudication)
    yield win
    win.service.store.close()


def rows(tab) -> list[str]:  # type: ignore[no-untyped-def]
    return [tab.model.index(r, 0).data() for r in range(tab.model.rowCount())]


def row_named(tab, kind: str) -> int:  # type: ignore[no-untyped-def]
    return next(r for r, text in enumerate(rows(tab)) if text.endswith(kind))


def click_row(qtbot, tab, row: int) -> None:  # type: ignore[no-untyped-def]
    table = tab.table
    table.scrollTo(tab.model.index(row, 0))
    rect = table.visualRect(tab.model.index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert tab.selected_row() == tab.rows[row]


def gold(window) -> tuple[list[Span], list[Relation]]:  # type: ignore[no-untyped-def]
    store, uid = window.service.store, window.service.current
    return store.spans(uid, [GOLD]), store.relations(uid, [GOLD])


def test_table_lists_attribute_and_relation_disagreements(window):
    tab = window.review.adjudication
    assert rows(tab) == ["≈ attributes", "✓ agreed", "↔ boundary", "✓ agreed",
                         "⇢✓ relation agreed", "⇢• relation missing"]
    attributes = row_named(tab, "attributes")
    assert tab.model.index(attributes, 1).data().splitlines()[1] == "certainty = asserted"
    assert tab.model.index(attributes, 2).data().splitlines()[1] == "certainty = reported"
    missing = row_named(tab, "relation missing")
    assert tab.model.index(missing, 1).data().startswith("DENIED_BY: DENIAL")
    assert tab.model.index(missing, 2).data() == "—"
    assert tab.progress_text.text() == "0 of 6 decided"


def test_attributes_are_chosen_one_by_one_then_accepted_and_undone(window, qtbot):
    tab = window.review.adjudication
    panel = tab.attribute_choices
    assert not panel.isVisible()
    click_row(qtbot, tab, row_named(tab, "attributes"))
    assert panel.isVisible() and list(panel.boxes) == ["certainty"]  # figure agrees
    box: QComboBox = panel.boxes["certainty"]
    assert [box.itemText(i) for i in range(box.count())] == ["amina: asserted", "bo: reported"]
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)  # bo's value
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    aligned(qtbot, tab)
    (span,), _ = gold(window)
    assert (span.label, span.attributes) == ("CLAIM", {"certainty": "reported", "figure": "40"})
    assert tab.items[0].status == "accepted" and not panel.isVisible()
    window.service.undo()
    aligned(qtbot, tab)
    assert gold(window) == ([], [])
    assert tab.items[0].status == "open"


def test_relation_goes_to_gold_once_both_ends_are_there(window, qtbot):
    tab = window.review.adjudication
    click_row(qtbot, tab, row_named(tab, "relation missing"))
    assert not tab.side_buttons["amina"].isEnabled()  # its ends are not in gold yet
    assert tab.reject_button.isEnabled()
    assert tab.accept_agreed() == 2  # the ORG and the rebels; no relation: CLAIMED_BY's claim
    aligned(qtbot, tab)
    boundary = row_named(tab, "boundary")
    click_row(qtbot, tab, boundary)
    qtbot.mouseClick(tab.side_buttons["bo"], Qt.MouseButton.LeftButton)  # the denial
    aligned(qtbot, tab)
    click_row(qtbot, tab, row_named(tab, "relation missing"))
    assert tab.side_buttons["amina"].isEnabled() and not tab.side_buttons["bo"].isEnabled()
    qtbot.mouseClick(tab.side_buttons["amina"], Qt.MouseButton.LeftButton)
    aligned(qtbot, tab)
    spans, (relation,) = gold(window)
    labels = {s.id: s.label for s in spans}
    assert (relation.type, labels[relation.source], labels[relation.target]) == \
        ("DENIED_BY", "DENIAL", "ARMED_GROUP")
    assert tab.model.index(row_named(tab, "relation missing"),
                           len(tab.annotators) + 1).data() == f"✔ accepted by {REVIEWER}"
    # the claim decided (by the keyboard: bo's span), the agreed CLAIMED_BY follows
    click_row(qtbot, tab, row_named(tab, "attributes"))
    qtbot.keyClick(tab.table, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    aligned(qtbot, tab)
    assert tab.accept_agreed() == 1
    aligned(qtbot, tab)
    assert sorted(r.type for r in gold(window)[1]) == ["CLAIMED_BY", "DENIED_BY"]
    assert tab.progress_text.text() == "6 of 6 decided"


def test_relation_rejected_and_edited_type(window, qtbot, monkeypatch):
    tab = window.review.adjudication
    click_row(qtbot, tab, row_named(tab, "relation missing"))
    qtbot.mouseClick(tab.reject_button, Qt.MouseButton.LeftButton)
    aligned(qtbot, tab)
    assert tab.relation_items[1].status == "rejected"
    assert [d.kind for d in window.service.store.decisions(window.service.current)] == ["reject"]
    # edit and accept the agreed one with another type the schema allows between its ends
    tab.accept_agreed()
    aligned(qtbot, tab)
    click_row(qtbot, tab, row_named(tab, "attributes"))
    tab.accept_side("amina")
    aligned(qtbot, tab)
    asked = []

    def choose(parent, title, label, items, current, editable):  # type: ignore[no-untyped-def]
        asked.append(list(items))
        return "ABOUT", True

    monkeypatch.setattr(QInputDialog, "getItem", choose)
    click_row(qtbot, tab, row_named(tab, "relation agreed"))
    qtbot.keyClick(tab.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert asked == [["CLAIMED_BY", "ABOUT"]]  # the annotators' type first
    assert [r.type for r in gold(window)[1]] == ["ABOUT"]


def test_boundary_row_shows_both_spans_with_the_differing_edge_marked(window, qtbot):
    tab = window.review.adjudication
    row = row_named(tab, "boundary")
    amina, bo = tab.model.index(row, 1), tab.model.index(row, 2)
    assert amina.data() == "DENIAL 46–74  [The rebels denied any attack⟧ on the town"
    assert bo.data() == "DENIAL 46–86  [The rebels denied any attack on the town⟧"
    for version in amina.data(RICH_ROLE):  # widest first; the widest that fits is painted
        assert '<b class="differs">⟧</b>' in version
    assert '<b class="differs">' not in bo.data(RICH_ROLE)[0].split("</u>")[0]  # start agrees
    # on screen: the marked edge is painted in vermilion
    tab.table.scrollTo(amina)
    rect = tab.table.visualRect(amina)
    image = tab.table.viewport().grab(rect).toImage()
    target = QColor(DIFFERS)
    near = [
        (x, y) for x in range(image.width()) for y in range(image.height())
        if abs(image.pixelColor(x, y).red() - target.red()) < 40
        and abs(image.pixelColor(x, y).green() - target.green()) < 40
        and abs(image.pixelColor(x, y).blue() - target.blue()) < 40
    ]
    assert near, "the differing edge is not drawn in its colour"


def test_edit_and_accept_by_selecting_text_and_setting_attributes(window, qtbot, monkeypatch):
    tab = window.review.adjudication
    seen = {}

    def fill_in(dialog: EditDialog) -> int:
        context = dialog.context
        shown = context.toPlainText()
        start = shown.index("denied")
        cursor = context.textCursor()
        cursor.setPosition(start)
        context.setTextCursor(cursor)
        context.setFocus()
        for _ in range(len("denied any attack")):
            QTest.keyClick(context, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
        seen["bounds"] = (dialog.start.value(), dialog.end.value())
        seen["preview"] = dialog.preview.toPlainText()
        combo = dialog.editors["certainty"].widget
        combo.setFocus()
        QTest.keyClick(combo, Qt.Key.Key_Down)  # the first choice: asserted
        QTest.keyClick(combo, Qt.Key.Key_Down)  # reported
        seen["combo"] = combo.currentText()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(EditDialog, "exec", fill_in)
    click_row(qtbot, tab, row_named(tab, "boundary"))
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    assert seen == {"bounds": at("denied any attack"), "preview": "denied any attack",
                    "combo": "reported"}
    (span,), _ = gold(window)
    assert (span.start, span.end, span.label) == (*at("denied any attack"), "DENIAL")
    assert span.attributes == {"certainty": "reported"}


def test_edit_dialog_drag_selects_the_bounds(qtbot):
    from annotate.schema import default_schema

    spans = [Span("d", *at("The rebels denied any attack"), "DENIAL", "amina", "a3")]
    dialog = EditDialog(TEXT, spans, default_schema())
    qtbot.addWidget(dialog)
    dialog.show()
    context = dialog.context
    assert QTest.qWaitForWindowExposed(dialog)

    def point(offset: int) -> QPoint:
        cursor = context.textCursor()
        cursor.setPosition(offset)
        return context.cursorRect(cursor).center()

    start, end = at("any attack")
    viewport = context.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=point(start))
    QTest.mouseMove(viewport, point(end))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=point(end))
    assert (dialog.start.value(), dialog.end.value()) == (start, end)
    assert dialog.edited().start == start and dialog.edited().end == end
    assert dialog.context.extraSelections()  # the bounds are highlighted


def test_agreement_tab_counts_the_attribute_disagreement_the_table_shows(window, qtbot):
    table_tab = window.review.adjudication
    assert sum(item.kind == "attributes" for item in table_tab.items) == 1
    tab = window.review.agreement
    window.review.tabs.setCurrentWidget(tab)
    qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.report is not None and not tab.busy, timeout=10000)
    # certainty is set on the one claim pair and differs there; figure agrees
    assert tab.cell(0, "attribute certainty", 1).startswith("0.000")
    assert tab.cell(0, "attribute figure", 1).startswith("1.000")
    relations = tab.report.pairs[0].relations
    assert (relations.a, relations.b, relations.matches) == (2, 1, 1)
    assert tab.cell(0, "relations", 1).startswith("0.667")
