"""One input widget per attribute type of the schema (choice, text, number, bool).

Each editor calls ``commit(value)`` when the user finishes a change (None clears the
attribute) and shows a stored value with :meth:`AttributeEditor.show_value` without
committing it back.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from annotate.schema import AttributeDef
from desktop.choices import ValueRows
from desktop.plain import EDITABLE, NAME, line, too_long, tooltip

Commit = Callable[[Any], None]


def parse_number(text: str) -> int | float | None:
    """``"80"`` -> 80, ``"2.5"`` -> 2.5, ``""`` -> None; anything else raises ValueError."""
    text = text.strip().replace(",", "")
    if not text:
        return None
    number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(text)
    return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() \
        else number


class AttributeEditor(ABC):
    """Base: the widget and how to show a value in it."""

    widget: QWidget

    @abstractmethod
    def show_value(self, value: Any) -> None:
        """Show ``value`` (None: no value) without emitting an edit."""


class ChoiceEditor(AttributeEditor):
    def __init__(self, attr: AttributeDef, commit: Commit,
                 box: type[QComboBox] = QComboBox) -> None:
        self.widget = combo = box()
        self._choices = ValueRows(combo)
        self._choices.add(None, "")
        for choice in attr.choices:
            self._choices.add(choice, line(choice, NAME))
        combo.activated.connect(lambda _i: commit(combo.currentData()))

    def show_value(self, value: Any) -> None:
        """Choose ``value``'s row (the empty one for None or a value not among the choices)."""
        self._choices.show(value)


class TextEditor(AttributeEditor):
    def __init__(self, attr: AttributeDef, commit: Commit,
                 parse: Callable[[str], Any] | None = None) -> None:
        self.widget = field = QLineEdit()
        field.setMaxLength(EDITABLE)
        self._shown = ""  # the value the field was last given (read-only when too long)
        self._typed = False  # changed since (typed in: the changes made here are not signalled)

        def finished() -> None:
            if field.isReadOnly() or field.text() == self._shown:
                return
            try:
                value = parse(field.text()) if parse else (field.text() or None)
            except ValueError:
                field.setStyleSheet("QLineEdit { border: 1px solid #D55E00; }")
                field.setToolTip(tooltip(f"{attr.name} takes a number, like 80 or 2.5"))
                return
            field.setStyleSheet("")
            field.setToolTip("")
            commit(value)

        field.editingFinished.connect(finished)
        field.textChanged.connect(self._changed)

    def _changed(self, _text: str) -> None:
        self._typed = True

    def show_value(self, value: Any) -> None:
        field = self.widget
        assert isinstance(field, QLineEdit)
        shown = "" if value is None else str(value)
        long = len(shown) > EDITABLE
        if shown == self._shown and (not self._typed or
                                     field.text() == (line(shown) if long else shown)):
            return  # as it is (set again, its caret went to the end, its undo steps lost;
            # untyped in, known without asking the field its text and state, ~6 K instr.)
        self._shown, self._typed = shown, False
        with QSignalBlocker(field):
            field.setReadOnly(long)
            field.setText(line(shown) if long else shown)
            field.setToolTip(too_long(len(shown)) if long else "")
            field.setStyleSheet("")


class BoolEditor(AttributeEditor):
    def __init__(self, attr: AttributeDef, commit: Commit) -> None:
        self.widget = box = QCheckBox()
        box.clicked.connect(lambda checked: commit(bool(checked)))

    def show_value(self, value: Any) -> None:
        box = self.widget
        assert isinstance(box, QCheckBox)
        with QSignalBlocker(box):
            box.setChecked(bool(value))


def make_editor(attr: AttributeDef, commit: Commit,
                box: type[QComboBox] = QComboBox) -> AttributeEditor:
    """The editor for ``attr``'s type (a choice's drop-down of class ``box``)."""
    if attr.type == "choice":
        return ChoiceEditor(attr, commit, box)
    if attr.type == "bool":
        return BoolEditor(attr, commit)
    if attr.type == "number":
        editor = TextEditor(attr, commit, parse_number)
        editor.widget.setPlaceholderText("number")  # type: ignore[attr-defined]
        return editor
    return TextEditor(attr, commit)
