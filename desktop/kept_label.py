"""A one-line label that lays each of its recent texts out once.

Qt's :class:`QLabel` lays its plain text out at each paint (shaped, its glyphs found, then
drawn), and a check that a new text fits its room measured it again. The status bar's counts
change at each key press, mostly back to a text shown a press or two before (a span made, then
deleted; an undo): the label's paint cost ~0.18 M instructions and the measure ~0.07 M each
time. :class:`KeptLabel` keeps each text's advance (measured once) and, once a text is shown
a second time, its picture as a :class:`~desktop.caption.Caption` draws it (as Qt's label
does), copied at later paints. A text shown once is painted by Qt's label as before (most
texts of a count that only grows are).
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtGui import QPainter, QPaintEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

from desktop.caption import Caption
from desktop.steady_label import Advances

KEPT = 8
"""Most pictures kept (the least recently shown go first; a status bar's ~25 KB each)."""


class KeptLabel(Caption):
    """A :class:`~desktop.caption.Caption` keeping the pictures of its recent texts, each by
    its text, size, pixel ratio and window activation (which no event tells a child), and
    their advances (:meth:`advance`); all dropped at any change of its font, palette, style,
    direction, state, alignment, wrap or buddy."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.shown = ""
        """The text shown (as :meth:`text` says, without asking Qt)."""
        self._looks: OrderedDict[tuple, QPixmap] = OrderedDict()
        self._seen: set[tuple] = set()
        """Looks shown once and not kept yet (kept when shown again)."""
        self._advances = Advances(lambda text: self.fontMetrics().horizontalAdvance(text))
        self._line = 0
        """The font's line height, as :meth:`line` measured it (0: not since a change)."""
        self._size = (0, 0)
        """The label's width and height, as it was last resized (asked of Qt at each paint,
        two calls, ~5 K instructions)."""

    def room(self) -> int:
        """The width of the label's contents (as a caption's: no frame, margin or indent)."""
        return self._size[0]

    def resizeEvent(self, event: QResizeEvent) -> None:
        size = event.size()
        self._size = (size.width(), size.height())
        super().resizeEvent(event)

    def setText(self, text: str) -> None:
        self.shown = text
        super().setText(text)

    def advance(self, text: str) -> int:
        """How far ``text`` reaches in the label's font (measured once per text)."""
        return self._advances.of(text, text)

    def line(self) -> int:
        """The height of a line in the label's font (measured once per font)."""
        if not self._line:
            self._line = self.fontMetrics().height()
        return self._line

    def paintEvent(self, event: QPaintEvent) -> None:
        key = (self.shown, *self._size, self.devicePixelRatioF(), self.isActiveWindow())
        look = self._looks.get(key)
        if look is None:
            if key not in self._seen:  # shown once: laid out by Qt's label, noted
                if len(self._seen) >= KEPT * 4:
                    self._seen.clear()
                self._seen.add(key)
                QLabel.paintEvent(self, event)
                return
            self._seen.discard(key)
            look = self._looks[key] = self._drawn(key[3])
            if len(self._looks) > KEPT:
                self._looks.popitem(last=False)
        else:
            self._looks.move_to_end(key)
        painter = QPainter(self)
        painter.drawPixmap(0, 0, look)
        painter.end()

    def _restyled(self) -> None:
        """(See :meth:`Caption._restyled`.) Every picture and measure kept is stale."""
        super()._restyled()
        self._looks.clear()
        self._seen.clear()
        self._advances.clear()
        self._line = 0
