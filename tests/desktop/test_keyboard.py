"""The keyboard model of the window (issue 12 points 3 and 4), driven with keys and clicks on the
real widgets: label keys act only in the text, Tab walks the Span panel's fields, focus is
visible, undo and redo say what they did and show it, both edges move by word and character,
selections snap past punctuation, punctuation alone is refused, and a relabel names what it
drops and is one undo step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from window_helpers import open_window, select

from annotate.commands import AddRelation, CreateSpan, UpdateSpan, relabel
from annotate.errors import ValidationError
from annotate.model import AnnotatedDocument, Document, Relation, Span
from db.store import Store
from desktop.help_dialog import HelpDialog
from desktop.main_window import MainWindow
from desktop.shortcuts import shortcut_table

pytestmark = pytest.mark.gui

ALT, SHIFT, CTRL = (Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ShiftModifier,
                    Qt.KeyboardModifier.ControlModifier)
REPORT = Document("Rebel forces, the army said, took Kidal on Monday. Officials denied it.",
                  "Report")
LATER = Document("A second text where nothing happens at all.", "Later")
SENTENCE = "Check the figure against the ministry's own report."


@pytest.fixture
def window(qtbot, tmp_path: Path):
    path = tmp_path / "k.sqlite"
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(REPORT), AnnotatedDocument(LATER)])
    store.close()
    win = open_window(qtbot, path, tmp_path)
    win.resize(1400, 900)
    win.service.open_document(REPORT.uid)
    win.editor.view.setFocus()
    yield win
    win.service.store.close()


def select_words(window: MainWindow, words: str) -> None:
    start = REPORT.text.index(words)
    select(window, start, start + len(words))


def spans(window: MainWindow) -> list[Span]:
    return window.service.store.spans(window.service.current)


def claim_with_attributes(window: MainWindow, qtbot) -> Span:
    """A CLAIM on "the army said" made with the C key, with certainty, figure and figure_low
    set in the store; selected."""
    select_words(window, "the army said")
    qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
    claim = spans(window)[0]
    richer = replace(claim, attributes={"certainty": "asserted", "figure": "many",
                                        "figure_low": 80})
    window.service.apply(UpdateSpan(claim, richer))
    window.editor.select_span(claim.id)
    QApplication.processEvents()  # the Span panel shows its new fields
    return window.service.store.span(claim.id)


def answer_next_box(choose: str, seen: list[str]) -> None:
    """Answer the next modal message box by clicking the button whose text starts with
    ``choose``; what it said is appended to ``seen``."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen.append(box.text())
        button = next(b for b in box.buttons() if b.text().replace("&", "").startswith(choose))
        button.click()

    QTimer.singleShot(0, click)


def back_in(window: MainWindow) -> None:
    """After a modal box: the window active again (the offscreen platform does not give the
    activation back by itself, a desktop does)."""
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)


def message(window: MainWindow) -> str:
    return window.status.currentMessage()


# -- point 3: keys act where the focus is ---------------------------------------------------
def test_tab_from_an_attribute_reaches_the_note_and_typing_never_touches_the_span(window, qtbot):
    """The reported trap: select a claim, click figure_high, press Tab, type a sentence."""
    claim = claim_with_attributes(window, qtbot)
    field = window.inspector._editors["figure_high"].widget
    window.inspector.widget().ensureWidgetVisible(field)
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    assert field.hasFocus()
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    focused = QApplication.focusWidget()
    assert focused is window.inspector.note
    qtbot.keyClicks(focused, SENTENCE)
    qtbot.keyClick(focused, Qt.Key.Key_Tab)  # leaving the note saves it
    qtbot.waitUntil(lambda: window.service.store.span(claim.id).note == SENTENCE, timeout=3000)
    after = window.service.store.span(claim.id)
    assert (after.label, after.attributes) == (claim.label, claim.attributes)
    assert window.service.store.relations(REPORT.uid) == []
    assert window.editor.link_source is None  # "l" started no link
    assert len(spans(window)) == 1


def test_label_keys_act_only_while_the_text_has_the_focus(window, qtbot):
    claim = claim_with_attributes(window, qtbot)
    for widget in (window.spans.table, window.documents.search, window.inspector.label):
        widget.setFocus()
        assert widget.hasFocus()
        for key in (Qt.Key.Key_D, Qt.Key.Key_P, Qt.Key.Key_L, Qt.Key.Key_2, Qt.Key.Key_Delete):
            qtbot.keyClick(widget, key)
        assert window.service.store.span(claim.id).label == "CLAIM"
        assert window.editor.link_source is None
    window.editor.view.setFocus()
    answer_next_box("Relabel", [])
    qtbot.keyClick(window.editor.view, Qt.Key.Key_D)
    assert window.service.store.span(claim.id).label == "DENIAL"


def test_tab_and_shift_tab_walk_the_span_fields_in_order_round_the_panel(window, qtbot):
    claim_with_attributes(window, qtbot)
    inspector = window.inspector
    editors = inspector._editors
    order = [inspector.label, editors["certainty"].widget, editors["proposition"].widget,
             editors["figure"].widget,
             editors["figure_low"].widget, editors["figure_high"].widget, inspector.note,
             inspector.links, inspector.add_link]  # no link yet: "Remove link" is disabled
    qtbot.keyClick(window.editor.view, Qt.Key.Key_F2)
    walked = [QApplication.focusWidget()]
    for _ in range(len(order)):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        walked.append(QApplication.focusWidget())
    assert walked == [*order, order[0]]
    back = [QApplication.focusWidget()]
    for _ in range(len(order)):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab, SHIFT)
        back.append(QApplication.focusWidget())
    assert back == [order[0], *reversed(order)]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # back to the text
    assert window.editor.view.hasFocus()


def test_the_focus_on_the_text_is_visible(window, qtbot):
    claim_with_attributes(window, qtbot)
    frame = window.editor.frame
    highlight = frame.palette().color(QPalette.ColorRole.Highlight)

    def edge_colour() -> object:
        frame.repaint()
        return frame.grab().toImage().pixelColor(QPoint(0, frame.height() // 2))

    assert frame.focused and window.editor.keys_hint.text().startswith("label keys act")
    assert edge_colour() == highlight
    window.inspector.note.setFocus()
    assert not frame.focused and "off" in window.editor.keys_hint.text()
    assert edge_colour() != highlight


def test_f1_says_where_each_key_acts_and_what_it_does(window):
    rows = {row.action: row for row in shortcut_table(window)}
    assert rows["CLAIM"].where == "in the text" and "Label the selection" in rows["CLAIM"].what
    assert rows["Undo"].where == "anywhere"
    assert rows["Back to the text"].keys == "Esc"
    edges = [row for row in rows.values() if row.action.startswith("Move span")]
    assert {row.keys for row in edges} == {"Alt+Right", "Alt+Left", "Alt+Shift+Right",
                                          "Alt+Shift+Left", "Alt+Up", "Alt+Down",
                                          "Alt+Shift+Up", "Alt+Shift+Down"}
    assert all(row.where == "in the text" and row.what for row in edges)
    assert not any("<" in row.what for row in rows.values())  # plain text, never markup
    table = HelpDialog(window).shortcuts.table
    assert table.columnCount() == 4
    assert table.rowCount() == len(rows)


# -- point 3: undo and redo say what they did and show it ---------------------------------
def test_undo_in_another_document_opens_it_says_what_it_did_and_selects_the_span(window, qtbot):
    select_words(window, "Rebel forces")
    qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
    claim = spans(window)[0]
    qtbot.keyClick(window.editor.view, Qt.Key.Key_D)  # no attributes, no links: no question
    assert window.service.store.span(claim.id).label == "DENIAL"
    window.service.open_document(LATER.uid)
    window.documents.search.setFocus()  # Ctrl+Z acts anywhere but in a text field
    window.spans.table.setFocus()
    qtbot.keyClick(window.spans.table, Qt.Key.Key_Z, CTRL)
    assert window.service.store.span(claim.id).label == "CLAIM"
    assert window.service.current == REPORT.uid
    assert window.editor.view.selected_span() == claim.id
    assert message(window) == "undid: relabel CLAIM → DENIAL [0, 12) in Report"
    window.service.open_document(LATER.uid)
    qtbot.keyClick(window.spans.table, Qt.Key.Key_Z, CTRL | SHIFT)
    assert window.service.store.span(claim.id).label == "DENIAL"
    assert window.service.current == REPORT.uid
    assert message(window) == "redid: relabel CLAIM → DENIAL [0, 12) in Report"


def test_undo_of_a_creation_shows_where_the_span_was(window, qtbot):
    select_words(window, "Officials")
    qtbot.keyClick(window.editor.view, Qt.Key.Key_P)
    window.service.open_document(LATER.uid)
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    assert spans(window) == [] and window.service.current == REPORT.uid
    start = REPORT.text.index("Officials")
    assert message(window) == (f"undid: create PERSON [{start}, {start + 9}) and status "
                               "todo → in_progress in Report")
    assert window.editor.view.textCursor().position() == start


# -- point 3: edges, snapping, punctuation ----------------------------------------------------
def test_both_edges_move_by_word_and_by_character(window, qtbot):
    select_words(window, "army")
    qtbot.keyClick(window.editor.view, Qt.Key.Key_O)
    org = spans(window)[0]
    view = window.editor.view

    def moved(key: Qt.Key, modifiers: Qt.KeyboardModifier) -> str:
        qtbot.keyClick(view, key, modifiers)
        span = window.service.store.span(org.id)
        return REPORT.text[span.start:span.end]

    assert moved(Qt.Key.Key_Right, ALT) == "army said"
    assert moved(Qt.Key.Key_Up, ALT) == "the army said"
    assert moved(Qt.Key.Key_Up, ALT) == "forces, the army said"  # the comma is inside
    assert moved(Qt.Key.Key_Down, ALT | SHIFT) == "orces, the army said"
    assert moved(Qt.Key.Key_Up, ALT | SHIFT) == "forces, the army said"
    assert moved(Qt.Key.Key_Left, ALT) == "forces, the army"
    assert moved(Qt.Key.Key_Left, ALT | SHIFT) == "forces, the arm"
    assert moved(Qt.Key.Key_Down, ALT) == "the arm"
    assert moved(Qt.Key.Key_Right, ALT | SHIFT) == "the army"
    assert moved(Qt.Key.Key_Down, ALT) == "army"
    assert moved(Qt.Key.Key_Down, ALT) == "army"  # the start cannot pass the end
    assert "cannot move" in message(window)


def test_a_selection_snaps_past_the_punctuation_around_it(window, qtbot):
    start = REPORT.text.index("forces,")
    select(window, start + 2, start + len("forces, "))  # "rces, ": inside a word to a space
    qtbot.keyClick(window.editor.view, Qt.Key.Key_A)
    span = spans(window)[0]
    assert REPORT.text[span.start:span.end] == "forces"
    start = REPORT.text.index('said,')
    select(window, start - 1, start + len("said, took"))
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Escape)  # drops the selection...
    select(window, start - 1, start + len("said, took"))
    qtbot.keyClick(window.editor.view, Qt.Key.Key_T)
    assert sorted(REPORT.text[s.start:s.end] for s in spans(window)) == ["forces",
                                                                        "said, took"]


def test_a_span_of_punctuation_alone_is_refused_with_a_message(window, qtbot):
    comma = REPORT.text.index(",")
    select(window, comma, comma + 2)  # ", "
    qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
    assert spans(window) == []
    assert "only punctuation or spaces" in message(window)
    select_words(window, "Monday")
    qtbot.keyClick(window.editor.view, Qt.Key.Key_T)
    date = spans(window)[0]
    for _ in range(len("Monday")):  # the start walks right a character at a time
        qtbot.keyClick(window.editor.view, Qt.Key.Key_Down, ALT | SHIFT)
    span = window.service.store.span(date.id)
    assert REPORT.text[span.start:span.end] == "y"
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Right, ALT | SHIFT)  # "y." holds a letter
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Down, ALT | SHIFT)  # "." alone: refused
    span = window.service.store.span(date.id)
    assert REPORT.text[span.start:span.end] == "y."
    assert "only punctuation or spaces" in message(window)


# -- point 4: relabel keeps what stays valid and names what it drops ------------------------
def linked_claim(window: MainWindow, qtbot) -> tuple[Span, Span, Relation]:
    claim = claim_with_attributes(window, qtbot)
    select_words(window, "Officials")
    qtbot.keyClick(window.editor.view, Qt.Key.Key_P)
    person = next(s for s in spans(window) if s.label == "PERSON")
    relation = Relation("CLAIMED_BY", claim.id, person.id, "amina")
    window.service.apply(AddRelation(REPORT.uid, relation))
    window.editor.select_span(claim.id)
    QApplication.processEvents()  # the Span panel shows its new fields
    return window.service.store.span(claim.id), person, relation


@pytest.mark.parametrize("how", ["key", "panel"])
def test_relabel_names_what_it_drops_and_is_one_undo_step(window, qtbot, how):
    claim, _person, relation = linked_claim(window, qtbot)
    relabel: Callable[[], None]
    if how == "key":
        def relabel() -> None:
            qtbot.keyClick(window.editor.view, Qt.Key.Key_D)
    else:
        def relabel() -> None:
            combo = window.inspector.label
            combo.setFocus()
            qtbot.keyClick(combo, Qt.Key.Key_Down)  # CLAIM -> DENIAL, the next label
    seen: list[str] = []
    answer_next_box("Cancel", seen)
    relabel()
    back_in(window)
    assert window.service.store.span(claim.id) == claim
    assert window.service.store.relations(REPORT.uid) == [relation]
    assert window.inspector.label.currentData() == "CLAIM"
    question = seen[0]
    assert "Relabel CLAIM → DENIAL" in question
    assert "attribute figure = 'many'" in question and "attribute figure_low = 80" in question
    assert "link CLAIMED_BY → PERSON" in question
    assert "certainty" not in question  # DENIAL has it: kept

    window.editor.select_span(claim.id)
    answer_next_box("Relabel", seen)
    relabel()
    back_in(window)
    after = window.service.store.span(claim.id)
    assert (after.label, after.attributes) == ("DENIAL", {"certainty": "asserted"})
    assert window.service.store.relations(REPORT.uid) == []
    assert window.service.next_undo() == "batch"
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)  # one step brings all of it back
    back = window.service.store.span(claim.id)
    assert (back.label, back.attributes) == ("CLAIM", claim.attributes)
    assert window.service.store.relations(REPORT.uid) == [relation]
    assert message(window) == ("undid: relabel CLAIM → DENIAL [14, 27) and unlink "
                               "CLAIMED_BY in Report")


def test_relabel_that_keeps_everything_asks_nothing(window, qtbot):
    select_words(window, "Officials")
    qtbot.keyClick(window.editor.view, Qt.Key.Key_P)
    person = spans(window)[0]
    qtbot.keyClick(window.editor.view, Qt.Key.Key_O)  # no attributes, no links
    assert window.service.store.span(person.id).label == "ORG"
    assert QApplication.activeModalWidget() is None


def test_the_store_refuses_a_relabel_that_leaves_a_link_the_schema_forbids(window):
    store = window.service.store
    claim = Span(REPORT.uid, 0, 12, "CLAIM", "amina")
    person = Span(REPORT.uid, 51, 60, "PERSON", "amina")
    store.apply(CreateSpan(claim), "amina")
    store.apply(CreateSpan(person), "amina")
    store.apply(AddRelation(REPORT.uid, Relation("CLAIMED_BY", claim.id, person.id, "amina")),
                "amina")
    with pytest.raises(ValidationError, match="cannot keep its links CLAIMED_BY"):
        store.apply(relabel(claim, "DENIAL"), "amina")
    assert store.span(claim.id).label == "CLAIM"
