"""A plain-text label drawn as a plain one until the mouse presses it, then selectable.

A label selectable by the mouse keeps its text in a document, laid out and drawn through it
at each paint: the Span panel's offsets, new at each span made, cost ~0.15 M instructions of a
create that way (a plain label's line is drawn by the style). :class:`SelectOnPress` stays
plain until pressed: the press that would start a selection (or a double-click's first, or the
right button's, for the Copy menu) makes it selectable first, so the mouse selects as in a
selectable label; a new text makes it plain again (the selection goes with the old text).
The press gives the label the focus, as a click gives it to a selectable label, whose focus
policy (Qt's ClickFocus) the plain label does not take before: measured by callgrind, a plain
label with that policy cost a create as much as a selectable one.

The label takes its presses in its own handlers: an event filter watching for them, written in
Python, was called for every event the label got (its paint at each span made, ~14 K
instructions a create).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QWidget

SELECTABLE = Qt.TextInteractionFlag.TextSelectableByMouse
PLAIN = Qt.TextInteractionFlag.NoTextInteraction


class SelectOnPress(QLabel):
    """Shows its text literally (plain text), selectable from the first mouse press on it
    until a new text is set with :meth:`set_text`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selectable = False
        """Whether the label is selectable now (pressed since its text was last set)."""
        self.shown = ""
        """The text shown (as :meth:`text` says, without asking Qt)."""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._interact(PLAIN)

    def _interact(self, flags: Qt.TextInteractionFlag) -> None:
        self.selectable = flags != PLAIN
        self.setTextInteractionFlags(flags)  # (and its focus policy)

    def setText(self, text: str) -> None:
        self.shown = text
        super().setText(text)

    def set_text(self, text: str) -> None:
        """Show ``text``; a new one plain again (the text shown already: nothing to do)."""
        if text == self.shown:
            return
        if self.selectable:
            self._interact(PLAIN)
        self.setText(text)

    def _pressed(self) -> None:
        """A press on the label: selectable before Qt's label takes it."""
        if not self.selectable:
            self._interact(SELECTABLE)
            self.setFocus(Qt.FocusReason.MouseFocusReason)  # (given before the press reached
            # the label, had it been selectable)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._pressed()
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self._pressed()
        super().mouseDoubleClickEvent(event)
