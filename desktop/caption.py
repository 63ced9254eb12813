"""A form's caption drawn once and copied at each paint after.

A :class:`QLabel` lays its text out again at every paint (some 0.06 M instructions a
caption): each span made after none uncovered the Span panel's form and painted its captions
that way, and a selectable label laid its text out in a document at each paint (the panel's
note for no span, at each span deleted). A :class:`Caption` keeps the picture of its text
over its background colour (the window's, as under it) and copies it while its text, size,
font, palette, state and pixel ratio stay the same, drawn as Qt's label draws plain text, on
one line or word-wrapped.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import QFormLayout, QLabel, QStyle, QWidget

from desktop.plain import NAME, mnemonic

_REDRAWN = frozenset({QEvent.Type.FontChange, QEvent.Type.PaletteChange,
                      QEvent.Type.EnabledChange, QEvent.Type.StyleChange,
                      QEvent.Type.LayoutDirectionChange})
"""Changes that make the kept picture stale."""


class Caption(QLabel):
    """A label of plain text (on one line or word-wrapped), with no frame, margin or indent
    (what a :class:`QFormLayout` makes of a row's caption), painted from a kept picture: its text
    over its background colour, for a caption over a parent of that colour (not declared
    opaque, so Qt neither fills it first nor takes it out of what its parent paints)."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._look: QPixmap | None = None
        self._ratio = 0.0
        """The pixel ratio :attr:`_look` was drawn at (kept: asking the picture for it, at
        each paint, was a call into Qt, ~4 K instructions)."""

    def setText(self, text: str) -> None:
        self._look = None
        super().setText(text)

    def setAlignment(self, alignment: Qt.AlignmentFlag) -> None:
        self._restyled()
        super().setAlignment(alignment)

    def setWordWrap(self, on: bool) -> None:
        self._restyled()
        super().setWordWrap(on)

    def setBuddy(self, buddy: QWidget | None) -> None:
        self._restyled()  # (a buddy's caption shows its ``&`` as Qt's label does)
        super().setBuddy(buddy)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in _REDRAWN:
            self._restyled()
        super().changeEvent(event)

    def _restyled(self) -> None:
        """How the text is drawn changed (alignment, wrap, buddy, font, palette, style,
        state, direction): what was drawn of it is stale."""
        self._look = None

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._look = None
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        look = self._look
        ratio = self.devicePixelRatioF()
        if look is None or self._ratio != ratio:
            look = self._look = self._drawn(ratio)
            self._ratio = ratio
        painter = QPainter(self)
        painter.drawPixmap(0, 0, look)
        painter.end()

    def _drawn(self, ratio: float) -> QPixmap:
        """The caption as :class:`QLabel` paints it, at pixel ratio ``ratio``."""
        look = QPixmap(self.size() * ratio)
        look.setDevicePixelRatio(ratio)
        palette = self.palette()
        look.fill(palette.color(self.backgroundRole()))
        text = self.text()
        backwards = right_to_left(text)  # the text's own direction, as the label goes by
        direction = Qt.LayoutDirection.RightToLeft if backwards else \
            Qt.LayoutDirection.LeftToRight
        flags = QStyle.visualAlignment(direction, self.alignment()).value | (
            Qt.TextFlag.TextForceRightToLeft if backwards
            else Qt.TextFlag.TextForceLeftToRight).value
        if self.wordWrap():
            flags |= Qt.TextFlag.TextWordWrap.value
        style = self.style()
        if self.buddy() is not None and "&" in text:  # a mnemonic, as QLabel draws it
            flags |= Qt.TextFlag.TextShowMnemonic.value
            if not style.styleHint(QStyle.StyleHint.SH_UnderlineShortcut, None, self):
                flags |= Qt.TextFlag.TextHideMnemonic.value
        painter = QPainter(look)
        try:
            style.drawItemText(painter, self.contentsRect(), flags, palette, self.isEnabled(),
                               text, self.foregroundRole())
        finally:
            painter.end()
        return look


def add_named_row(form: QFormLayout, name: str, field: QWidget, kept: bool = False) -> QLabel:
    """Add ``field``'s row to ``form``, captioned by ``name`` from the data (an attribute's):
    shown as written on one line, cut (no markup rendered, an ``&`` no shortcut key: the
    layout's own caption of a string is a rich-text label with a mnemonic), its buddy
    ``field`` as the layout's own. ``kept``: a :class:`Caption`, for a form over the window's
    colour only (a group box in a tab page is lighter: its picture would show as a patch)."""
    caption = (Caption if kept else QLabel)(mnemonic(name, NAME))
    caption.setTextFormat(Qt.TextFormat.PlainText)
    caption.setBuddy(field)
    form.addRow(caption, field)
    return caption


_ISOLATES = frozenset({"LRI", "RLI", "FSI"})
"""Bidirectional classes that open an isolate (closed by a PDI)."""


def right_to_left(text: str) -> bool:
    """Whether ``text``'s first strongly directed character outside any isolate (LRI, RLI or
    FSI ... PDI) is written right to left (as Qt's ``QString::isRightToLeft``)."""
    isolated = 0
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in _ISOLATES:
            isolated += 1
        elif kind == "PDI":
            isolated = max(isolated - 1, 0)
        elif not isolated and kind in ("R", "AL", "L"):
            return kind != "L"
    return False
