"""Suggestions in the window: ghosts drawn in the text (outline, no fill), Tab walks them,
Enter accepts, a label key accepts under that label, X rejects, Ctrl+Z brings one back; with
the ghosts off Tab walks the spans again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from window_helpers import open_window

from annotate.commands import CreateSpan
from annotate.model import AnnotatedDocument, Document, Span
from annotate.suggestions import Suggestion
from db.store import Store

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
