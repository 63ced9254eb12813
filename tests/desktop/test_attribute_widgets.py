"""The Span panel's attribute fields show a value without emitting an edit; shown again as it
is, a text field is left alone (it was set again on every key press in the text: its caret
sent to the end, its undo steps dropped)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit

from annotate.schema import AttributeDef
from desktop.attribute_widgets import make_editor

pytestmark = pytest.mark.gui


def test_a_text_field_shown_its_value_again_is_left_as_it_is(qtbot):
    edits = []
    editor = make_editor(AttributeDef("proposition", "text"), edits.append)
    field = editor.widget
    assert isinstance(field, QLineEdit)
    qtbot.addWidget(field)
    with qtbot.waitExposed(field):
        field.show()
    editor.show_value("the convoy was ambushed")
    field.setCursorPosition(4)
    editor.show_value("the convoy was ambushed")
    assert field.text() == "the convoy was ambushed" and field.cursorPosition() == 4
    field.setText("typed, not finished")  # what the panel shows is the stored value
    editor.show_value("the convoy was ambushed")
    assert field.text() == "the convoy was ambushed"
    editor.show_value(None)
    assert field.text() == "" and edits == []
