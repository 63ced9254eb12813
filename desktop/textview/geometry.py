"""Where text positions sit on the viewport of a QPlainTextEdit, for the visible blocks only.

Positions here are Qt positions (UTF-16 units, one per paragraph separator) of the displayed text.
A paint asks for the boxes of the few spans on screen, so the blocks are not walked: the band's
first and last blocks come from Qt, and a block is measured only when a span reaches it. Every
call into Qt that returns an object costs about a microsecond, so each block's lines are read
once per :class:`Viewport`. Asking a line for the x of a position makes Qt shape the block's text
(work the text paint that follows reuses); boxes that cover whole lines of a left-to-right block
take the line's own extent instead.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import NamedTuple

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextBlock, QTextLine
from PySide6.QtWidgets import QPlainTextEdit

_LTR = Qt.LayoutDirection.LeftToRight


class Segment(NamedTuple):
    """The part of a range on one visual line, in viewport coordinates: the full line-height box
    ``(x, y, width, height)`` and the line's baseline."""

    x: float
    y: float
    width: float
    height: float
    baseline: float

    def contains(self, x: float, y: float) -> bool:
        return self.x <= x < self.x + self.width and self.y <= y < self.y + self.height


class _Line(NamedTuple):
    start: int  # relative to the block
    end: int
    line: QTextLine
    top: float  # viewport y
    height: float
    baseline: float


class _Block:
    """One measured block: its Qt range ``[start, end]`` (end = its separator) and its lines."""

    __slots__ = ("_lines", "_ltr", "block", "end", "height", "start", "top")

    def __init__(self, block: QTextBlock, top: float, height: float) -> None:
        self.block = block
        self.start = block.position()
        self.end = self.start + block.length() - 1
        self.top = top
        self.height = height
        self._lines: list[_Line] | None = None
        self._ltr: bool | None = None

    def ltr(self) -> bool:
        if self._ltr is None:
            self._ltr = self.block.textDirection() == _LTR
        return self._ltr

    def lines(self) -> list[_Line]:
        if self._lines is None:
            layout, top = self.block.layout(), self.top
            count = layout.lineCount()
            found = []
            for n in range(count):
                line = layout.lineAt(n)
                if count == 1:
                    start, end = 0, self.end - self.start
                else:
                    start = line.textStart()
                    end = start + line.textLength()
                y = top + line.y()
                found.append(_Line(start, end, line, y, line.height(), y + line.ascent()))
            self._lines = found
        return self._lines

    def segments(self, left: float, first: int, last: int, found: list[Segment]) -> None:
        """Append the boxes of ``[first, last)`` (relative to the block, non-empty) to ``found``."""
        for start, end, line, top, height, baseline in self.lines():
            if start >= last:
                break
            if end <= first:
                continue
            if first <= start and last >= end and self.ltr():
                a = left + line.x()  # a whole line: its extent, no shaping needed
                b = a + line.naturalTextWidth()
            else:
                a = left + line.cursorToX(max(first, start))[0]
                b = left + line.cursorToX(min(last, end))[0]
            if b != a:
                found.append(Segment(min(a, b), top, abs(b - a), height, baseline))


class Viewport:
    """The blocks of ``view`` that meet the viewport band ``[top, bottom]`` at this moment."""

    def __init__(self, view: QPlainTextEdit, top: float, bottom: float) -> None:
        self._view = view
        self._document = view.document()
        offset = view.contentOffset()
        self.left, self._dy = offset.x(), offset.y()
        self._starts: list[int] = []  # of the measured blocks, ascending
        self._blocks: list[_Block] = []
        first = view.cursorForPosition(QPoint(0, int(top))).block() if top > 0 else None
        if first is None or not first.isValid():
            first = view.firstVisibleBlock()
        if not first.isValid():
            self.qt_range = (0, 0)
            return
        last = view.cursorForPosition(QPoint(0, int(bottom) + 1)).block()
        if not last.isValid() or last.position() < first.position():
            last = first
        self.qt_range = (first.position(), last.position() + last.length())
        """The Qt positions shown, ``[first, end)``, separator of the last block included."""

    def _block(self, position: int) -> _Block:
        """The measured block holding ``position`` (inside :attr:`qt_range`)."""
        k = bisect_right(self._starts, position) - 1
        if k >= 0 and position <= self._blocks[k].end:
            return self._blocks[k]
        block = self._document.findBlock(position)
        rect = self._view.blockBoundingGeometry(block)
        return self._keep(_Block(block, rect.top() + self._dy, rect.height()))

    def _next(self, previous: _Block) -> _Block:
        """The measured block after ``previous``; it sits right below it."""
        k = bisect_right(self._starts, previous.end + 1) - 1
        if self._starts[k] == previous.end + 1:
            return self._blocks[k]
        block = previous.block.next()
        height = self._view.blockBoundingRect(block).height()
        return self._keep(_Block(block, previous.top + previous.height, height))

    def _keep(self, measured: _Block) -> _Block:
        k = bisect_right(self._starts, measured.start)
        self._starts.insert(k, measured.start)
        self._blocks.insert(k, measured)
        return measured

    def _blocks_meeting(self, start: int, end: int) -> list[_Block]:
        """The shown blocks holding some of ``[start, end)``, in order."""
        stop = min(end, self.qt_range[1])
        position = max(start, self.qt_range[0])
        if position >= stop:
            return []
        block = self._block(position)
        found = [block]
        while block.end + 1 < stop:
            block = self._next(block)
            found.append(block)
        return found

    def bands(self, start: int, end: int) -> list[tuple[float, float]]:
        """``(top, height)`` of each shown block holding some of ``[start, end)``."""
        return [(block.top, block.height) for block in self._blocks_meeting(start, end)]

    def segments(self, start: int, end: int) -> list[Segment]:
        """One box per visual line that ``[start, end)`` covers, in viewport coordinates."""
        found: list[Segment] = []
        for block in self._blocks_meeting(start, end):
            first = max(start - block.start, 0)
            last = min(end, block.end) - block.start
            if last > first:
                block.segments(self.left, first, last, found)
        return found

