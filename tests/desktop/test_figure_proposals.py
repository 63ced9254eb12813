"""Figure proposals in the Span panel: a claim's figures read from its text are offered as
buttons, nothing is written until one is used (a click, or Shift+F in the text), using one is
one journaled edit that Ctrl+Z takes back, and a filled-in figure is proposed no more."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from window_helpers import open_document_window

from annotate.commands import CreateSpan
from annotate.model import Span

TEXT = "The army said about 80 Malian soldiers died and more than 12 vehicles burned."


@pytest.fixture
def window(qtbot, tmp_path: Path):
    win = open_document_window(qtbot, tmp_path, TEXT)
    yield win
    win.service.store.close()


def claim(window, label: str = "CLAIM") -> Span:
    span = Span(window.service.current, 14, 77, label, "amina")
    window.service.apply(CreateSpan(span))
    window.editor.select_span(span.id)
    return span


def stored(window, span: Span) -> dict:
    return dict(window.service.store.span(span.id).attributes)


def test_the_panel_proposes_each_figure_and_a_click_writes_one(window, qtbot) -> None:
    span = claim(window)
    inspector = window.inspector
    assert [b.text() for b in inspector._figure_buttons] == ["Use (Shift+F)", "Use"]
    read = [label.text() for label in inspector.figures.findChildren(QLabel)]
    assert read == ["“about 80 Malian soldiers”: ~80 people (about)",
                    "“more than 12 vehicles”: ≥13 vehicles (more than)"]
    assert "figure_high = (empty)" in inspector._figure_buttons[1].toolTip()
    assert inspector.figures.isVisibleTo(inspector)
    assert inspector._figure_buttons[0] in inspector.fields()
    assert stored(window, span) == {}  # proposed, not written
    inspector._figure_buttons[1].click()
    assert stored(window, span) == {"figure": "more than 12 vehicles", "figure_low": 13}
    assert not inspector.figures.isVisibleTo(inspector)  # filled in: proposed no more
    assert not set(inspector._figure_buttons) & set(inspector.fields())
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(window, span) == {}
    assert len(inspector._figure_buttons) == 2
    assert inspector.figures.isVisibleTo(inspector)
    assert inspector._figure_buttons[0] in inspector.fields()


def test_shift_f_in_the_text_uses_the_first_as_one_journaled_step(window, qtbot) -> None:
    span = claim(window)
    window.editor.view.setFocus()
    qtbot.keyClick(window.editor.view, Qt.Key.Key_F, Qt.KeyboardModifier.ShiftModifier)
    assert stored(window, span) == {"figure": "about 80 Malian soldiers", "figure_low": 80,
                                    "figure_high": 80}
    newest = window.service.store.history(limit=1)[0]
    assert (newest.op, newest.annotator) == ("update_span", "amina")
    assert newest.payload["after"]["attributes"]["figure_low"] == 80
    assert window.service.store.span(span.id).label == "CLAIM"  # no label key was pressed


def test_a_label_without_figure_fields_is_proposed_nothing(window, qtbot) -> None:
    claim(window, "DENIAL")
    assert window.inspector._figure_buttons == []
    assert not window.inspector.use_figure()
    assert "no figure proposed" in window.statusBar().currentMessage()


def test_a_relabel_and_its_undo_show_the_same_figure_row_and_move_no_field(window, qtbot):
    """A denial has no figure fields, its claim again the same figures: the row made for them
    is hidden and shown again, not made anew, and the fields keep their places whether it
    shows or not (its label widened the labels' column, moving and repainting every field of
    the panel, on each relabel and undo)."""
    span = claim(window)
    inspector = window.inspector
    window.editor.view.setFocus()
    buttons = list(inspector._figure_buttons)
    assert len(buttons) == 2
    places = []
    for key, modifiers in ((Qt.Key.Key_D, Qt.KeyboardModifier.NoModifier),
                           (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)) * 2:
        qtbot.keyClick(window.editor.view, key, modifiers)
        qtbot.wait(20)
        places.append((inspector.figures.isVisibleTo(inspector), inspector.label.x(),
                       inspector.note.x()))
    assert window.service.store.span(span.id).label == "CLAIM"
    assert [shown for shown, _, _ in places] == [False, True, False, True]
    assert len({(label, note) for _, label, note in places}) == 1, places
    assert inspector._figure_buttons == buttons


def test_shift_f_writes_the_figure_with_the_panel_closed(window, qtbot) -> None:
    """The Span panel closed fills nothing for the span selected; Shift+F in the text reads
    the proposals then and writes the first, as with the panel shown."""
    inspector = window.inspector
    inspector.close()
    qtbot.waitUntil(lambda: not inspector.isVisible())
    span = claim(window)
    assert inspector.span is None  # (not shown: the panel is closed)
    window.editor.view.setFocus()
    qtbot.keyClick(window.editor.view, Qt.Key.Key_F, Qt.KeyboardModifier.ShiftModifier)
    assert stored(window, span) == {"figure": "about 80 Malian soldiers", "figure_low": 80,
                                    "figure_high": 80}
