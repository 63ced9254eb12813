"""A label whose new text relays out the window only when it needs other room.

Qt's :class:`QLabel` asks its parent's layout to be done again at every ``setText``; in a
layout that reaches up to the main window, each new document title laid out every dock of
the window again (a fifth of a millisecond, and a new geometry animation object per dock),
and each span made laid out the Span panel's form for its new offsets (~0.3 M instructions).
:class:`SteadyLabel` holds the label outside any layout and passes a relayout on only when
the label needs other room: word-wrapped, when its height for the width it gets changes; on
one line, when its text no longer fits that width or its height changes. The label fills its
own background, so a new text repaints it alone, not the window under it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QFontMetrics, QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class SteadyLabel(QWidget):
    """Holds :attr:`label` (as wide as this widget is). Word-wrapped (``wrap``), this
    widget's height for a width is the label's; on one line, its sizes are the label's."""

    def __init__(self, parent: QWidget | None = None, wrap: bool = True,
                 label: QLabel | None = None) -> None:
        """``label``: the label to hold (a new one if None)."""
        super().__init__(parent)
        self.label = QLabel(self) if label is None else label
        self.label.setParent(self)
        self.label.setWordWrap(wrap)
        self.label.setAutoFillBackground(True)  # a new text repaints the label, not the
        # window under it; the label, over all of this widget, is painted alone (this widget
        # behind it was given a paint event of its own, with nothing to show)
        if wrap:
            policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            policy.setHeightForWidth(True)
            self.setSizePolicy(policy)
        self._height = -1
        """The label's height (for this widget's width, word-wrapped) when last measured."""
        self._room = 0
        """The width of the label's contents, as it was last resized (asked of Qt at each new
        text, ~6 K instructions)."""
        self._metrics: QFontMetrics | None = None
        """The label's font's metrics when its texts were last measured (on one line)."""
        self._line = 0  # the height of a line in that font
        self._tabular = False  # whether that font's digits are all as wide
        self._advances = Advances(self._measure)
        """How far texts reach in that font, by text, or by shape (:meth:`_advance`)."""
        self._ascii: list[float] = []  # the advance of each ASCII character in that font
        self._widest = 0.0  # and its widest character's
        self._one_line = (-1, 0)
        """The room (:attr:`_room`) a word-wrapped label's text last surely fitted on one
        line of, and its height then (:meth:`_wrapped_height`)."""

    def hasHeightForWidth(self) -> bool:
        return self.label.wordWrap()

    def heightForWidth(self, width: int) -> int:
        return self.label.heightForWidth(width) if self.label.wordWrap() else -1

    def sizeHint(self) -> QSize:
        return self.label.sizeHint()

    def minimumSizeHint(self) -> QSize:
        return self.label.minimumSizeHint()

    def event(self, event: QEvent) -> bool:
        """The label's text or font changed (it asks its parent for a relayout): passed on
        only when it needs other room (see the class)."""
        if event.type() == QEvent.Type.LayoutRequest:
            if not self._steady():
                self.updateGeometry()
            return True
        return super().event(event)

    def _steady(self) -> bool:
        """Whether the label needs the room it had (its height noted for the next call).
        Word-wrapped: its height for this widget's width is the same. On one line: its line
        is as high and its text surely fits this width (measured without laying it out: a
        selectable label's size hint lays its text out in a document, ~0.15 M instructions)."""
        metrics = self.label.fontMetrics()
        if self._metrics is None or metrics != self._metrics:
            self._measure_in(metrics)
        if self.label.wordWrap():
            height, fits = self._wrapped_height(), True
        else:
            height, fits = self._line, surely_fits(self.label, advance=self._advance,
                                                   room=self._room)
        steady = fits and height == self._height
        self._height = height
        return steady

    def _wrapped_height(self) -> int:
        """The word-wrapped label's height for this widget's width. A text of ASCII
        characters that surely fits on one line (their advances, each as the font gives it,
        add up to the room less a widest character) is as high as the last such text
        measured, and is not laid out: Qt's ``heightForWidth`` lays the text out
        word-wrapped (~0.1 M instructions a next document's title, callgrind), which the
        label's paint then does again."""
        text = self.label.text()
        one_line = text.isascii() and "\n" not in text and \
            sum(map(self._ascii.__getitem__, text.encode())) + self._widest <= self._room
        if one_line and self._one_line[0] == self._room:
            return self._one_line[1]
        height = self.label.heightForWidth(self.width())
        if one_line:
            self._one_line = (self._room, height)
        return height

    def _measure_in(self, metrics: QFontMetrics) -> None:
        """The label's font is now that of ``metrics``: what was measured before is stale."""
        self._metrics, self._line = metrics, metrics.height()
        exact = QFontMetricsF(self.label.font())
        self._ascii = [exact.horizontalAdvance(chr(code)) if code >= 32 else math.inf
                       for code in range(128)]
        self._widest = exact.maxWidth()
        self._one_line = (-1, 0)
        self._tabular = len({exact.horizontalAdvance(digit) for digit in DIGITS}) == 1
        self._advances.clear()

    def _advance(self, text: str) -> int:
        """How far ``text`` reaches on one line in the label's font. In a font whose digits
        are all as wide (most fonts' are), a text reaches as far as its shape, its digits all
        made zeros: measured once per shape (the offsets of each span made were measured
        anew, laid out as the label's paint lays them out again, ~68 K instructions; they
        take a few shapes), else once per text."""
        return self._advances.of(text.encode().translate(ZEROS) if self._tabular else text,
                                 text)

    def _measure(self, text: str) -> int:
        assert self._metrics is not None
        return self._metrics.horizontalAdvance(text)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.label.setGeometry(self.rect())
        self._room = self.label.contentsRect().width()
        self._steady()
        super().resizeEvent(event)


DIGITS = "0123456789"
ZEROS = bytes.maketrans(DIGITS[1:].encode(), b"0" * 9)
"""Makes a text's UTF-8 its shape (:meth:`SteadyLabel._advance`): no byte of a character
past ASCII is one of an ASCII digit."""
MEASURED = 256
"""Most texts or shapes whose advance is kept (all forgotten when more come)."""


class Advances:
    """How far texts reach on one line, each measured once by ``measure`` and kept by a key
    (the text, or its shape): :data:`MEASURED` at most, all forgotten when more come."""

    def __init__(self, measure: Callable[[str], int]) -> None:
        self._measure = measure
        self._kept: dict[str | bytes, int] = {}

    def of(self, key: str | bytes, text: str) -> int:
        """The advance of ``text``, kept under ``key``."""
        advance = self._kept.get(key)
        if advance is None:
            if len(self._kept) >= MEASURED:
                self._kept.clear()
            advance = self._kept[key] = self._measure(text)
        return advance

    def clear(self) -> None:
        self._kept.clear()

SLACK = 3
"""Pixels a line's size hint may exceed its characters' advance by (a glyph's overhang, the
rounding up): a text within its label's room by this much surely fits it."""


def surely_fits(label: QLabel, text: str | None = None,
                advance: Callable[[str], int] | None = None, room: int | None = None) -> bool:
    """Whether ``text`` (default: ``label``'s), on one line, fits ``label``'s room (the width
    of its contents, unless known: ``room``), measured by its characters' ``advance``
    (default: the label's font's), without the label's size hint, which lays the text out
    again."""
    text = label.text() if text is None else text
    if "\n" in text:
        return False
    reach = label.fontMetrics().horizontalAdvance(text) if advance is None else advance(text)
    return reach + SLACK <= (label.contentsRect().width() if room is None else room)
