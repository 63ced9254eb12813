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

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextBlock, QTextLayout, QTextLine
from PySide6.QtWidgets import QPlainTextEdit

_LTR = Qt.LayoutDirection.LeftToRight
LONG_BLOCK = 10_000
"""A block (paragraph) longer than this many Qt positions is measured, and shown, only in
the lines that meet the viewport band: a 2 MB paragraph has some 20,000 lines."""


SOME_LINES = 4
"""A block of more lines than this has only the lines asked about read (each line costs some
calls into Qt)."""


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


_Line = tuple[int, int, QTextLine, float, float, float]
"""A laid-out line of a block: start and end relative to the block, the line, its viewport top,
height and baseline."""


class _Block:
    """One measured block: its Qt range ``[start, end]`` (end = its separator) and its lines
    (with a ``band``, a long block's, only those meeting that band of the viewport)."""

    __slots__ = ("_count", "_layout", "_ltr", "_some", "band", "block", "end", "height", "lines",
                 "start", "top")

    def __init__(self, block: QTextBlock, top: float, height: float,
                 band: tuple[float, float] | None = None) -> None:
        self.block = block
        self.start = block.position()
        self.end = self.start + block.length() - 1
        self.top = top
        self.height = height
        self.band = band
        self.lines: list[_Line] | None = None  # read on first use
        self._some: dict[int, _Line] = {}  # lines read one by one, by number
        self._ltr: bool | None = None
        self._layout: QTextLayout | None = None
        self._count = 0
        """The block's layout and its count of lines, asked once (each span's lines asked
        for them again: two calls into Qt a span painted)."""

    def _laid_out(self) -> tuple[QTextLayout, int]:
        layout = self._layout
        if layout is None:
            layout = self._layout = self.block.layout()
            self._count = layout.lineCount()
        return layout, self._count

    def ltr(self) -> bool:
        if self._ltr is None:
            self._ltr = self.block.textDirection() == _LTR
        return self._ltr

    def measure(self) -> list[_Line]:
        layout, count = self._laid_out()
        top = self.top
        if count == 1:
            line = layout.lineAt(0)
            y = top + line.y()
            self.lines = [(0, self.end - self.start, line, y, line.height(), y + line.ascent())]
            return self.lines
        first, bottom = 0, float("inf")
        if self.band is not None:
            first, bottom = self._line_at(layout, count, self.band[0]), self.band[1]
        found = []
        for n in range(first, count):
            line = layout.lineAt(n)
            start = line.textStart()
            y = top + line.y()
            if y > bottom and found:
                break
            found.append((start, start + line.textLength(), line, y, line.height(),
                          y + line.ascent()))
        self.lines = found
        return found

    def lines_for(self, first: int, last: int) -> list[_Line]:
        """The lines holding block offsets ``[first, last)``, or more: a block of a few
        lines, or a long one (its lines meeting the band), is measured whole; of a block of
        many lines (a paragraph on screen), only those lines are read."""
        if self.lines is not None or self.band is not None:
            return self.lines or self.measure()
        layout, count = self._laid_out()
        if count <= SOME_LINES:
            return self.measure()
        top, line = self._number(layout, count, first)
        bottom = top if last - 1 <= first else self._number(layout, count, last - 1)[0]
        found = []
        for n in range(top, bottom + 1):  # (one offset, a link's end: its line found once)
            known = self._some.get(n)
            if known is None:
                if n != top or line is None:
                    line = layout.lineAt(n)
                start, y = line.textStart(), self.top + line.y()
                known = self._some[n] = (start, start + line.textLength(), line, y,
                                         line.height(), y + line.ascent())
            found.append(known)
        return found

    @staticmethod
    def _number(layout: QTextLayout, count: int, offset: int) -> tuple[int, QTextLine | None]:
        """The number of the line holding block offset ``offset`` (the last past the end),
        and that line (None past the end)."""
        line = layout.lineForTextPosition(offset)
        return (line.lineNumber(), line) if line.isValid() else (count - 1, None)

    def _line_at(self, layout: QTextLayout, count: int, y: float) -> int:
        """The number of the line at viewport height ``y`` (the first above the block, the
        last below it): guessed as if the lines were of one height, and walked to."""
        height = layout.lineAt(0).height()
        n = min(max(int((y - self.top) / height), 0), count - 1) if height > 0 else 0
        while n > 0 and self.top + layout.lineAt(n).y() > y:
            n -= 1
        while n + 1 < count and self.top + layout.lineAt(n + 1).y() <= y:
            n += 1
        return n

    def position_at(self, y: float, after: bool) -> int:
        """The Qt position where the visual line at viewport height ``y`` begins (with
        ``after``: where it ends, the block's separator included for its last line); a
        height above the block gives its first line, one below it its last."""
        layout, count = self._laid_out()
        n = self._line_at(layout, count, y)
        line = layout.lineAt(n)
        if not after:
            return self.start + line.textStart()
        return self.end + 1 if n == count - 1 else self.start + line.textStart() + \
            line.textLength()

    def shown_range(self) -> tuple[int, int]:
        """The Qt positions of the lines measured, ``[first, end)``, separator included when
        the last line of the block is among them."""
        lines = self.lines or self.measure()
        end = self.start + lines[-1][1]
        return self.start + lines[0][0], self.end + 1 if end >= self.end else end


class Viewport:
    """The blocks of ``view`` that meet the viewport band ``[top, bottom]`` at this moment."""

    def __init__(self, view: QPlainTextEdit, top: float, bottom: float) -> None:
        self._view = view
        self._band = (top, bottom)
        self._document = view.document()
        offset = view.contentOffset()
        self.left, self._dy = offset.x(), offset.y()
        self._starts: list[int] = []  # of the measured blocks, ascending
        self._blocks: list[_Block] = []
        first = view.firstVisibleBlock()
        if not first.isValid():
            self.qt_range = (0, 0)
            return
        rect = view.blockBoundingGeometry(first)
        known = (first, rect.top() + self._dy, rect.height())
        at_top = self._block_at(int(top), known) if top > 0 else known
        at_bottom = self._block_at(int(bottom) + 1, known)
        first, last = at_top[0], at_bottom[0]
        if last.position() < first.position():
            last, at_bottom = first, at_top
        start, end = first.position(), last.position() + last.length()
        # the two blocks are measured where they were found (each asked of Qt again later)
        first_measured = self._keep(self._made(*at_top))
        last_measured = first_measured if last == first else self._keep(self._made(*at_bottom))
        if first.length() > LONG_BLOCK:
            start = first_measured.shown_range()[0]
        if last.length() > LONG_BLOCK:
            end = last_measured.shown_range()[1]
        self.qt_range = (start, end)
        """The Qt positions shown, ``[first, end)``, separator of the last block included (of
        a long block, only its lines that meet the band)."""

    def lines_between(self, top: float, bottom: float) -> tuple[int, int]:
        """The Qt positions ``[start, end)`` of the visual lines that meet the viewport band
        ``[top, bottom]``, within :attr:`qt_range` (its first line, or its last, where the
        band reaches past it)."""
        start, end = self.qt_range
        if start >= end:
            return start, end
        return (self._block(start).position_at(top, False),
                self._block(end - 1).position_at(bottom, True))

    def _block_at(self, y: float, known: tuple[QTextBlock, float, float],
                  ) -> tuple[QTextBlock, float, float]:
        """The block at viewport height ``y`` (the last block below the text), its top and
        height, found from a ``known`` block, its top and height: guessed as if the blocks
        between were as high, and walked to from there. (Qt's own hit test shapes the line it
        lands on: 40 µs.)"""
        block, block_top, height = known
        if height > 0 and y >= block_top + height:
            guess = self._document.findBlockByNumber(
                block.blockNumber() + int((y - block_top) / height)
            )
            block, block_top, height = self._placed(
                guess if guess.isValid() else self._document.lastBlock())
        while True:
            if y < block_top:
                step = block.previous()
            elif y >= block_top + height:
                step = block.next()
            else:
                return block, block_top, height
            if not step.isValid():
                return block, block_top, height
            block, block_top, height = self._placed(step)

    def _placed(self, block: QTextBlock) -> tuple[QTextBlock, float, float]:
        """``block``, its top on the viewport and its height."""
        rect = self._view.blockBoundingGeometry(block)
        return block, rect.top() + self._dy, rect.height()

    def _block(self, position: int) -> _Block:
        """The measured block holding ``position`` (inside :attr:`qt_range`)."""
        k = bisect_right(self._starts, position) - 1
        if k >= 0 and position <= self._blocks[k].end:
            return self._blocks[k]
        return self._keep(self._made(*self._placed(self._document.findBlock(position))))

    def _next(self, previous: _Block) -> _Block:
        """The measured block after ``previous``; it sits right below it."""
        k = bisect_right(self._starts, previous.end + 1) - 1
        if self._starts[k] == previous.end + 1:
            return self._blocks[k]
        block = previous.block.next()
        height = self._view.blockBoundingRect(block).height()
        return self._keep(self._made(block, previous.top + previous.height, height))

    def _made(self, block: QTextBlock, top: float, height: float) -> _Block:
        return _Block(block, top, height, self._band if block.length() > LONG_BLOCK else None)

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

    def line_bands(self, start: int, end: int) -> list[tuple[float, float]]:
        """``(top, height)`` of each shown visual line holding some of ``[start, end)``."""
        found = []
        for block in self._blocks_meeting(start, end):
            first = max(start - block.start, 0)
            last = max(min(end, block.end) - block.start, first + 1)
            for line_start, line_end, _, top, height, _ in block.lines_for(first, last):
                if line_start >= last:
                    break
                if line_end > first:
                    found.append((top, height))
        return found

    def line_box(self, position: int) -> tuple[float, float] | None:
        """``(top, height)`` of the visual line holding Qt ``position``; None when its block is
        not shown."""
        if not self.qt_range[0] <= position < self.qt_range[1]:
            return None
        block = self._block(position)
        offset = position - block.start
        lines = block.lines_for(offset, offset + 1)
        found = lines[0]
        for line in lines:
            if line[0] > offset:
                break
            found = line
        return found[3], found[4]

    def segments(self, start: int, end: int) -> list[Segment]:
        """One box per visual line that ``[start, end)`` covers, in viewport coordinates.
        (The paint's inner loop: kept flat, as every Python call here is felt.)"""
        found: list[Segment] = []
        left = self.left
        for block in self._blocks_meeting(start, end):
            offset = block.start
            first = start - offset if start > offset else 0
            last = (end if end < block.end else block.end) - offset
            if last <= first:
                continue
            for line_start, line_end, line, top, height, baseline in block.lines_for(first, last):
                if line_start >= last:
                    break
                if line_end <= first:
                    continue
                if first <= line_start and last >= line_end and block.ltr():
                    a = left + line.x()  # a whole line: its extent, no shaping needed
                    b = a + line.naturalTextWidth()
                else:
                    a = left + line.cursorToX(first if first > line_start else line_start)[0]
                    b = left + line.cursorToX(last if last < line_end else line_end)[0]
                if b > a:
                    found.append(Segment(a, top, b - a, height, baseline))
                elif a > b:
                    found.append(Segment(b, top, a - b, height, baseline))
        return found
