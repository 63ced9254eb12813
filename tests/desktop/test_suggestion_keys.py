"""Suggestions in the window: ghosts drawn in the text (outline, no fill), Tab walks them,
Enter accepts, a label key accepts under that label, X rejects, Ctrl+Z brings one back; with
the ghosts off Tab walks the spans again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from window_helpers import open_document_window, open_window

from annotate.actors import Actor
from annotate.commands import CreateActor, CreateSpan, DeleteSpan
from annotate.model import AnnotatedDocument, Document, Span
from annotate.suggestions import Suggestion
from db.store import Store
from desktop.shortcuts import shortcut_table
from desktop.textview.legend import SUGGESTED

TEXT = "Amina Diallo said the army shelled Kidal. The army denied it.\n" * 3


@pytest.fixture
def window(qtbot, tmp_path: Path):
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    document = Document(TEXT, "report")
    store.import_documents([AnnotatedDocument(document)])
    store.put_suggestions([
        Suggestion(document.uid, 0, 12, "PERSON", "model:m 1", 0.9),
        Suggestion(document.uid, 22, 26, "ARMED_GROUP", "model:m 1", 0.3),
        Suggestion(document.uid, 35, 40, "LOCATION", "model:m 1", 0.6),
    ], "model:m 1")
    store.close()
    win = open_window(qtbot, path, tmp_path)
    win.service.open_document(document.uid)
    yield win
    win.service.store.close()


def mine(window) -> list[tuple[int, int, str]]:
    uid = window.service.current
    return [(s.start, s.end, s.label) for s in window.service.store.spans(uid, ["amina"])]


def focused(window) -> tuple[int, int] | None:
    found = window.suggestions.focused
    return None if found is None else (found.start, found.end)


def test_ghosts_are_drawn_as_outlines_without_fill(window, qtbot) -> None:
    view = window.editor.view
    qtbot.waitUntil(lambda: view.painted_span_count == 3)
    rect = view.cursorRect(view.textCursor())
    image = view.viewport().grab().toImage()
    person = QColor(window.service.schema().label("PERSON").color).darker(150)
    row = [image.pixelColor(x, y) for y in range(rect.top(), rect.bottom() + 4)
           for x in range(0, 40)]
    assert any(_near(c, person) for c in row)  # the outline
    inside = image.pixelColor(20, rect.center().y())
    assert inside.lightness() > 200 or not _near(inside, person)  # no fill


def _near(a: QColor, b: QColor) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 60


def test_tab_walks_enter_accepts_x_rejects_a_label_key_relabels(window, qtbot) -> None:
    view = window.editor.view
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert focused(window) == (0, 12)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert mine(window) == [(0, 12, "PERSON")]
    assert focused(window) == (22, 26)  # goes on to the next
    qtbot.keyClick(view, Qt.Key.Key_X)
    assert mine(window) == [(0, 12, "PERSON")]
    assert [v.kind for v in window.service.store.verdicts()] == ["accept", "reject"]
    assert focused(window) == (35, 40)
    qtbot.keyClick(view, Qt.Key.Key_O)  # ORG's key: accepted as ORG
    assert mine(window) == [(0, 12, "PERSON"), (35, 40, "ORG")]
    assert window.suggestions.shown == []
    qtbot.waitUntil(lambda: view.painted_span_count == 2)  # the two spans, no ghost
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert mine(window) == [(0, 12, "PERSON")]
    assert [(s.start, s.end) for s in window.suggestions.shown] == [(35, 40)]


def test_least_sure_first_and_shift_tab(window, qtbot) -> None:
    view = window.editor.view
    window.suggestions.least_sure_action.setChecked(True)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert focused(window) == (22, 26)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert focused(window) == (35, 40)
    qtbot.keyClick(view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert focused(window) == (22, 26)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert focused(window) is None
    qtbot.keyClick(view, Qt.Key.Key_X)  # nothing focused: X is no key of the suggestions
    assert window.service.store.verdicts() == []


def test_accept_all_above_a_score_is_one_step(window, qtbot) -> None:
    window.suggestions.accept_above(0.5)
    assert mine(window) == [(0, 12, "PERSON"), (35, 40, "LOCATION")]
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert mine(window) == []
    assert len(window.suggestions.shown) == 3


def test_with_ghosts_off_tab_walks_the_spans_again(window, qtbot) -> None:
    view = window.editor.view
    span = Span(window.service.current, 46, 50, "ARMED_GROUP", "amina")
    window.service.apply(CreateSpan(span))
    window.editor.clear_selection()
    window.suggestions.show_action.setChecked(False)
    assert window.suggestions.shown == []
    qtbot.waitUntil(lambda: view.painted_span_count == 1)
    qtbot.keyClick(view, Qt.Key.Key_X)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.selected_span() == span.id
    assert window.suggestions.focused is None
    assert window.service.store.verdicts() == []
    window.suggestions.show_action.setChecked(True)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert focused(window) == (0, 12)


def test_the_other_occurrences_of_the_selected_span_are_suggested(window, qtbot) -> None:
    uid = window.service.current
    window.service.store.clear_suggestions()
    span = Span(uid, 22, 26, "ARMED_GROUP", "amina")  # the first "army"
    window.service.apply(CreateSpan(span))
    window.editor.select_span(span.id)
    window.suggestions.occurrences_action.trigger()
    army = [m.start() for m in re.finditer("army", TEXT)]
    assert [(s.start, s.label) for s in window.suggestions.shown] == \
        [(a, "ARMED_GROUP") for a in army if a != 22]
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Tab)
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Return)
    assert (46, 50, "ARMED_GROUP") in mine(window)


def test_open_the_least_sure_document(window, qtbot) -> None:
    store = window.service.store
    first = window.service.current
    other = Document("Omar said the rebels left Gao.", "other")
    store.import_documents([AnnotatedDocument(other)])
    assert window.suggestions.open_least_sure() is None  # no other one has suggestions
    store.put_suggestions([Suggestion(other.uid, 0, 4, "PERSON", "model:m 1", 0.5)],
                          "model:m 1", uids=[other.uid])
    assert window.suggestions.open_least_sure() == other.uid
    assert window.service.current == other.uid
    assert [s.start for s in window.suggestions.shown] == [0]
    assert window.suggestions.open_least_sure() == first


def test_the_legend_names_the_ghosts_while_some_are_shown(window, qtbot) -> None:
    legend = window.editor.legend
    assert SUGGESTED in [text for _, _, text in legend.entries()]
    assert "X rejects" in legend.toolTip()
    window.suggestions.show_action.setChecked(False)
    assert SUGGESTED not in [text for _, _, text in legend.entries()]
    window.suggestions.show_action.setChecked(True)
    assert SUGGESTED in legend.accessibleDescription()


def test_f1_lists_the_suggestion_keys_and_the_menu_acts_like_them(window, qtbot) -> None:
    rows = {row.action: row for row in shortcut_table(window)}
    assert (rows["Reject suggestion"].keys, rows["Reject suggestion"].where) == \
        ("X", "in the text, while suggestions are shown")
    assert rows["Accept suggestion"].keys == "Return or Enter"
    assert rows["Next suggestion"].keys == "Tab"
    suggestions = window.suggestions
    assert not suggestions.reject_action.isEnabled()  # nothing gone to yet
    suggestions.next_action.trigger()
    assert focused(window) == (0, 12)
    assert suggestions.reject_action.isEnabled()
    suggestions.reject_action.trigger()
    assert [v.kind for v in window.service.store.verdicts()] == ["reject"]
    suggestions.accept_action.trigger()  # went on to the next: accepted
    assert mine(window) == [(22, 26, "ARMED_GROUP")]


def test_the_actors_names_are_suggested_in_the_open_document(window, qtbot) -> None:
    window.suggestions.actors_action.trigger()
    assert "no actor has a name" in window.statusBar().currentMessage()
    window.service.store.apply(CreateActor(Actor("Kidal", "place", ("the army",))), "amina")
    window.suggestions.actors_action.trigger()
    actors = [(s.start, s.end, s.label, s.score) for s in window.suggestions.shown
              if s.source == "actors"]
    kidal = [m.start() for m in re.finditer("Kidal", TEXT)]
    army = [m.start() for m in re.finditer("army", TEXT)]
    assert actors == sorted([(k, k + 5, "LOCATION", 1.0) for k in kidal]
                            + [(a - 4, a + 4, "LOCATION", 1.0 if TEXT[a - 4] == "t" else 0.8)
                               for a in army])  # "The army": matched folded


def test_spans_made_and_undone_hide_and_show_ghosts_without_reading_them(window, qtbot) -> None:
    """A span of the annotator's over a suggestion (made by hand, not by accepting it) hides
    it, its undo and its relabel show it again, another's span changes nothing: the layer
    keeps what decides its ghosts from each change set, reading none of it back."""
    service, store = window.service, window.service.store
    uid = service.current
    shown = window.suggestions.reload
    shown()
    real = Store.shown_suggestions
    reads: list[str] = []
    Store.shown_suggestions = lambda self, *a: reads.append(a[0]) or real(self, *a)
    try:
        def ghosts() -> list[int]:
            return [s.start for s in window.suggestions.shown]
        assert ghosts() == [0, 22, 35]
        span = Span(uid, 22, 26, "ARMED_GROUP", "amina")
        service.apply(CreateSpan(span))
        assert ghosts() == [0, 35]
        store.apply(CreateSpan(Span(uid, 0, 12, "PERSON", "bo")), "bo")  # not the window's
        service.undo()
        assert ghosts() == [0, 22, 35]
        service.redo()
        assert ghosts() == [0, 35]
        service.apply(DeleteSpan(service.known_span(span.id)))
        assert ghosts() == [0, 22, 35]
        assert reads == []
    finally:
        Store.shown_suggestions = real
    assert ghosts() == [s.start for s in store.suggestions(uid, "amina")]


def test_an_edit_of_a_document_without_suggestions_draws_none(qtbot, tmp_path: Path) -> None:
    """With no suggestion shown before an edit or after it, the text, the legend and the keys
    are left as they are (each edit drew the empty set of ghosts again, the keys set off)."""
    win = open_document_window(qtbot, tmp_path, TEXT)
    uid = win.service.current
    view = win.editor.view
    drawn = []
    real = view.set_ghosts
    view.set_ghosts = lambda ghosts, focused=None: drawn.append(len(ghosts)) or \
        real(ghosts, focused)
    span = Span(uid, 0, 5, "PERSON", "amina")
    win.service.apply(CreateSpan(span))
    win.service.apply(DeleteSpan(span))
    assert drawn == []
    win.service.store.put_suggestions([Suggestion(uid, 22, 26, "ARMED_GROUP",
                                                  "model:m 1", 0.3)], "model:m 1")
    win.service.suggestions_stored()  # (as the model's job tells the window, and redraws)
    win.suggestions.reload()
    assert drawn == [1]
    assert win.suggestions.next_action.isEnabled()
    win.service.apply(CreateSpan(span))
    assert drawn == [1, 1]
    del view.set_ghosts
    win.service.store.close()
