"""A plain-text label drawn as a plain one until the mouse presses it, then selectable.

A label selectable by the mouse keeps its text in a document, laid out and drawn through it
at each paint: the Span panel's offsets, new at each span made, cost ~0.15 M instructions of a
create that way (a plain label's line is drawn by the style). :class:`SelectOnPress` keeps a
label plain until pressed: the press that would start a selection (or a double-click's first,
or the right button's, for the Copy menu) makes it selectable first, so the mouse selects as in
a selectable label; a new text makes it plain again (the selection goes with the old text).
The press gives the label the focus, as a click gives it to a selectable label, whose focus
policy (Qt's ClickFocus) the plain label does not take before: measured by callgrind, a plain
label with that policy cost a create as much as a selectable one.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel

SELECTABLE = Qt.TextInteractionFlag.TextSelectableByMouse
PLAIN = Qt.TextInteractionFlag.NoTextInteraction
PRESSES = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick)


class SelectOnPress(QObject):
    """Shows ``label``'s text literally (plain text), selectable from the first mouse press
    on it until a new text is set with :meth:`set_text`."""

    def __init__(self, label: QLabel) -> None:
        super().__init__(label)
        self.label = label
        self.selectable = False
        """Whether the label is selectable now (pressed since its text was last set)."""
        label.setTextFormat(Qt.TextFormat.PlainText)
        self._interact(PLAIN)
        label.installEventFilter(self)

    def _interact(self, flags: Qt.TextInteractionFlag) -> None:
        self.selectable = flags != PLAIN
        self.label.setTextInteractionFlags(flags)  # (and its focus policy)

    def set_text(self, text: str) -> None:
        """Show ``text``; a new one plain again."""
        if self.selectable and text != self.label.text():
            self._interact(PLAIN)
        self.label.setText(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.selectable and event.type() in PRESSES:
            self._interact(SELECTABLE)  # before the label takes the press
            self.label.setFocus(Qt.FocusReason.MouseFocusReason)  # (given before the press
            # reached the label, had it been selectable)
        return False
