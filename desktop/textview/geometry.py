"""Where text positions sit on the viewport of a QPlainTextEdit, for the visible blocks only.

Positions here are Qt positions (UTF-16 units, one per paragraph separator) of the displayed text.
A paint asks for the boxes of the few spans on screen, so the blocks are not walked: the band's
first and last blocks come from Qt, and a block is measured only when a span reaches it. Every
call into Qt that returns an object costs about a microsecond, so each block's lines are read
once per :class:`Viewport`. Asking a line for the x of a position makes Qt shape the block's text
(work the text paint that follows reuses); boxes that cover whole lines of a left-to-right block
take the line's own extent instead. What a viewport measured of a block's lines (relative to
the block's top) is kept for the next one (:class:`Shapes`): a paint after a key press or a
repaint of the same screen asks Qt for no line again.
"""

from __future__ import annotations

from bisect import bisect_right
from math import floor
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


_Line = tuple[int, int, int, float, float, float]
"""A laid-out line of a block: start and end relative to the block, its number, its top,
height and baseline (relative to the block's top in a :class:`_Shape`, on the viewport
elsewhere)."""

KEPT_BLOCKS = 512
"""Most blocks whose measured lines a view keeps (:class:`Shapes`), the first kept dropped
first."""


class _Shape:
    """What was measured of one block's layout, relative to the block's top: its lines (all,
    or some by number), which line holds an offset, the x of offsets, the extent of lines and
    the line at a height. Good while the block keeps its height and the text its width."""

    __slots__ = ("at", "count", "extents", "height", "lines", "ltr", "numbers", "some", "xs")

    def __init__(self, height: float) -> None:
        self.height = height
        self.count = 0  # lines; 0: not asked yet
        self.ltr: bool | None = None
        self.lines: list[_Line] | None = None  # all of them (of a long block, those in its band)
        self.some: dict[int, _Line] = {}  # lines read one by one, by number
        self.numbers: dict[int, int] = {}  # block offset -> the number of the line holding it
        self.xs: dict[tuple[int, int], float] = {}  # (line, block offset) -> its x
        self.extents: dict[int, tuple[float, float]] = {}  # line -> its x and natural width
        self.at: dict[tuple[float, bool], int] = {}  # position_at, by height from the top


class Shapes:
    """The lines of the blocks a view measured, kept from one :class:`Viewport` to the next
    (a paint after a key press measures the blocks the paint before measured; each line
    costs some six calls into Qt, each offset's x a shaping look-up). Kept per block while
    it has the height it had and the text the width it had (a block laid out again
    otherwise has the same lines); the view drops them all when its text or its font
    changes (:meth:`clear`). Long blocks (:data:`LONG_BLOCK`) are measured anew. The blocks
    placed on the viewport are kept too, while the view shows the text from the same place
    (:class:`_Frame`)."""

    def __init__(self) -> None:
        self._width = -1
        self._blocks: dict[int, _Shape] = {}
        self._frame: _Frame | None = None

    def clear(self) -> None:
        self._blocks.clear()
        self._frame = None

    def at_width(self, width: int) -> dict[int, _Shape]:
        """The shapes kept, by block position, for text laid out ``width`` pixels wide."""
        if width != self._width:
            self._width = width
            self._blocks.clear()
            self._frame = None
        return self._blocks

    def frame(self, key: tuple[float, float, int]) -> _Frame:
        """The blocks placed while the view shows its text at ``key`` (its content offset and
        first block shown), kept from the last :class:`Viewport` made there."""
        frame = self._frame
        if frame is None or frame.key != key:
            frame = self._frame = _Frame(key)
        return frame


class _Block:
    """One measured block: its Qt range ``[start, end]`` (end = its separator) and its lines
    (with a ``band``, a long block's, only those meeting that band of the viewport)."""

    __slots__ = ("_layout", "_read", "band", "block", "end", "height", "lines", "shape", "start",
                 "top")

    def __init__(self, block: QTextBlock, top: float, height: float,
                 band: tuple[float, float], kept: dict[int, _Shape] | None) -> None:
        self.block = block
        self.start = block.position()
        length = block.length()
        self.end = self.start + length - 1
        self.top = top
        self.height = height
        self.band = band if length > LONG_BLOCK else None
        self.lines: list[_Line] | None = None  # on the viewport, read on first use
        shape = kept.get(self.start) if kept is not None and self.band is None else None
        if shape is None or shape.height != height:
            shape = _Shape(height)
            if kept is not None and self.band is None:
                kept[self.start] = shape
                if len(kept) > KEPT_BLOCKS:
                    del kept[next(iter(kept))]
        self.shape = shape
        self._layout: QTextLayout | None = None
        self._read: dict[int, QTextLine] = {}
        """The lines asked of Qt for this viewport, by number (for their x where the shape
        has none yet)."""

    def again(self) -> _Block:
        """This block as placed, without what was asked of Qt for a viewport: a frame keeps
        it, so no wrapper of Qt's (the layout's, owned by the document) outlives the viewport
        (one held past its object's end is handed back for whatever Qt puts at its address)."""
        again = _Block.__new__(_Block)
        again.block, again.start, again.end = self.block, self.start, self.end
        again.top, again.height, again.band = self.top, self.height, self.band
        again.shape, again.lines = self.shape, self.lines
        again._layout, again._read = None, {}
        return again

    def _laid_out(self) -> tuple[QTextLayout, int]:
        """The block's layout and its count of lines, asked once (each span's lines asked
        for them again: two calls into Qt a span painted)."""
        layout = self._layout
        if layout is None:
            layout = self._layout = self.block.layout()
            if not self.shape.count:
                self.shape.count = layout.lineCount()
        return layout, self.shape.count

    def ltr(self) -> bool:
        shape = self.shape
        if shape.ltr is None:
            shape.ltr = self.block.textDirection() == _LTR
        return shape.ltr

    def _placed(self, lines: list[_Line]) -> list[_Line]:
        """``lines`` of the shape moved to the block's top on the viewport."""
        top = self.top
        return [(start, end, n, top + y, height, top + baseline)
                for start, end, n, y, height, baseline in lines]

    def measure(self) -> list[_Line]:
        shape = self.shape
        if shape.lines is None:
            shape.lines = self._measured()
        self.lines = self._placed(shape.lines)
        return self.lines

    def _measured(self) -> list[_Line]:
        layout, count = self._laid_out()
        read = self._read
        if count == 1:
            line = read[0] = layout.lineAt(0)
            y = line.y()
            return [(0, self.end - self.start, 0, y, line.height(), y + line.ascent())]
        first, bottom = 0, float("inf")
        if self.band is not None:
            first, bottom = self._line_at(layout, count, self.band[0]), self.band[1] - self.top
        found = []
        for n in range(first, count):
            line = read[n] = layout.lineAt(n)
            start = line.textStart()
            y = line.y()
            if y > bottom and found:
                break
            found.append((start, start + line.textLength(), n, y, line.height(),
                          y + line.ascent()))
        return found

    def lines_for(self, first: int, last: int) -> list[_Line]:
        """The lines holding block offsets ``[first, last)``, or more: a block of a few
        lines, or a long one (its lines meeting the band), is measured whole; of a block of
        many lines (a paragraph on screen), only those lines are read."""
        if self.lines is not None or self.band is not None or self.shape.lines is not None:
            return self.lines or self.measure()
        if (self.shape.count or self._laid_out()[1]) <= SOME_LINES:
            return self.measure()
        top, line = self._number(first)
        bottom = top if last - 1 <= first else self._number(last - 1)[0]
        some = self.shape.some
        found = []
        for n in range(top, bottom + 1):  # (one offset, a link's end: its line found once)
            known = some.get(n)
            if known is None:
                if n != top or line is None:
                    line = self._laid_out()[0].lineAt(n)
                self._read[n] = line
                start, y = line.textStart(), line.y()
                known = some[n] = (start, start + line.textLength(), n, y, line.height(),
                                   y + line.ascent())
            found.append(known)
        return self._placed(found)

    def _number(self, offset: int) -> tuple[int, QTextLine | None]:
        """The number of the line holding block offset ``offset`` (the last past the end),
        and that line when it was asked of Qt now (None past the end, or when known)."""
        numbers = self.shape.numbers
        n = numbers.get(offset)
        if n is not None:
            return n, None
        layout, count = self._laid_out()
        line = layout.lineForTextPosition(offset)
        if not line.isValid():
            numbers[offset] = count - 1
            return count - 1, None
        numbers[offset] = n = line.lineNumber()
        return n, line

    def extent(self, n: int) -> tuple[float, float]:
        """The x of line ``n`` and its natural width (relative to the layout)."""
        extents = self.shape.extents
        found = extents.get(n)
        if found is None:
            line = self._line(n)
            found = extents[n] = (line.x(), line.naturalTextWidth())
        return found

    def x_at(self, n: int, offset: int) -> float:
        """The x of block offset ``offset`` on line ``n`` (relative to the layout)."""
        xs = self.shape.xs
        key = (n, offset)
        x = xs.get(key)
        if x is None:
            x = xs[key] = self._line(n).cursorToX(offset)[0]
        return x

    def _line(self, n: int) -> QTextLine:
        line = self._read.get(n)
        if line is None:
            line = self._read[n] = self._laid_out()[0].lineAt(n)
        return line

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
        at = self.shape.at
        key = (y - self.top, after)
        found = at.get(key)
        if found is None:
            layout, count = self._laid_out()
            n = self._line_at(layout, count, y)
            line = layout.lineAt(n)
            if not after:
                found = self.start + line.textStart()
            else:
                found = self.end + 1 if n == count - 1 else self.start + line.textStart() + \
                    line.textLength()
            at[key] = found
        return found

    def shown_range(self) -> tuple[int, int]:
        """The Qt positions of the lines measured, ``[first, end)``, separator included when
        the last line of the block is among them."""
        lines = self.lines or self.measure()
        end = self.start + lines[-1][1]
        return self.start + lines[0][0], self.end + 1 if end >= self.end else end


class _Frame:
    """The blocks placed on a viewport (no long one: they are measured per band), where the
    text is shown from one place (``key``: the content offset and the first block shown, at
    the width of :class:`Shapes`), and the first block shown, its top and height. A key
    press makes two :class:`Viewport` of one place (the repaint it asks for, then its paint)
    and the next press two more: each found its blocks and their places of Qt again (some
    twenty calls, ~86 K instructions a viewport); they now share them."""

    __slots__ = ("blocks", "first", "key", "starts", "tops")

    def __init__(self, key: tuple[float, float, int]) -> None:
        self.key = key
        self.first: tuple[QTextBlock, float, float] | None = None
        self.starts: list[int] = []  # of the blocks placed, ascending (so are their tops)
        self.tops: list[float] = []
        self.blocks: list[_Block] = []

    def keep(self, measured: _Block) -> None:
        k = bisect_right(self.starts, measured.start)
        if k and self.starts[k - 1] == measured.start:
            return
        self.starts.insert(k, measured.start)
        self.tops.insert(k, measured.top)
        self.blocks.insert(k, measured.again())

    def holding(self, position: int) -> _Block | None:
        """The block placed holding Qt ``position``, if any (for one viewport)."""
        k = bisect_right(self.starts, position) - 1
        if k >= 0 and position <= self.blocks[k].end:
            return self.blocks[k].again()
        return None

    def at(self, y: float) -> _Block | None:
        """The block placed at viewport height ``y``, if any (for one viewport)."""
        k = bisect_right(self.tops, y) - 1
        if k >= 0 and y < self.tops[k] + self.blocks[k].height:
            return self.blocks[k].again()
        return None


class Viewport:
    """The blocks of ``view`` that meet the viewport band ``[top, bottom]`` at this moment."""

    def __init__(self, view: QPlainTextEdit, top: float, bottom: float,
                 shapes: Shapes | None = None) -> None:
        """With ``shapes``, the blocks' lines are taken from those kept there, and kept, and
        so are the blocks placed (:class:`_Frame`)."""
        self._view = view
        self._band = (top, bottom)
        self._kept = shapes.at_width(view.viewport().width()) if shapes is not None else None
        offset = view.contentOffset()
        self.left, self._dy = offset.x(), offset.y()
        self._starts: list[int] = []  # of the measured blocks, ascending
        self._blocks: list[_Block] = []
        first = view.firstVisibleBlock()
        key = (self.left, self._dy, first.blockNumber())  # (-1: no block, no text)
        self._frame = shapes.frame(key) if shapes is not None else _Frame(key)
        if key[2] < 0:
            self.qt_range = (0, 0)
            return
        known = self._frame.first
        if known is None:
            rect = view.blockBoundingGeometry(first)
            known = self._frame.first = (first, rect.top() + self._dy, rect.height())
        # the two blocks are measured where they were found (each asked of Qt again later)
        first_measured = self._keep(self._measured_at(floor(top) if top else None, known))
        last_measured = self._measured_at(int(bottom) + 1, known)
        if last_measured.start <= first_measured.start:
            last_measured = first_measured
        else:
            self._keep(last_measured)
        start, end = first_measured.start, last_measured.end + 1
        if first_measured.band is not None:
            start = first_measured.shown_range()[0]
        if last_measured.band is not None:
            end = last_measured.shown_range()[1]
        self.qt_range = (start, end)
        """The Qt positions shown, ``[first, end)``, separator of the last block included (of
        a long block, only its lines that meet the band)."""

    def blocks(self) -> list[_Block]:
        """The blocks shown (:attr:`qt_range`), measured, in order: each block's first
        position and its last (``start``, ``end``: its separator), the ``block``, and a
        ``band`` unless the block is whole (a long one's)."""
        return self._blocks_meeting(*self.qt_range)

    def lines_between(self, top: float, bottom: float) -> tuple[int, int]:
        """The Qt positions ``[start, end)`` of the visual lines that meet the viewport band
        ``[top, bottom]``, within :attr:`qt_range` (its first line, or its last, where the
        band reaches past it)."""
        start, end = self.qt_range
        if start >= end:
            return start, end
        return (self._block(start).position_at(top, False),
                self._block(end - 1).position_at(bottom, True))

    def _measured_at(self, y: int | None, known: tuple[QTextBlock, float, float]) -> _Block:
        """The block at viewport height ``y`` (None: the ``known`` one), as :meth:`_block_at`
        finds it, measured: a block placed on the frame already is taken from there."""
        frame = self._frame
        placed = frame.at(known[1] if y is None else y)
        if placed is None:  # (above the text's top or below its end: the block found there)
            found = known if y is None else self._block_at(y, known)
            placed = frame.at(found[1]) or self._made(*found)
        return placed

    def _block_at(self, y: float, known: tuple[QTextBlock, float, float],
                  ) -> tuple[QTextBlock, float, float]:
        """The block at viewport height ``y`` (the last block below the text), its top and
        height, found from a ``known`` block, its top and height: guessed as if the blocks
        between were as high, and walked to from there. (Qt's own hit test shapes the line it
        lands on: 40 µs.)"""
        block, block_top, height = known
        if height > 0 and y >= block_top + height:
            document = self._view.document()
            guess = document.findBlockByNumber(block.blockNumber() + int((y - block_top) / height))
            block, block_top, height = self._placed(
                guess if guess.isValid() else document.lastBlock())
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
        placed = self._frame.holding(position)
        if placed is not None:
            return self._keep(placed)
        return self._keep(self._made(*self._placed(self._view.document().findBlock(position))))

    def _next(self, previous: _Block) -> _Block:
        """The measured block after ``previous``; it sits right below it."""
        k = bisect_right(self._starts, previous.end + 1) - 1
        if self._starts[k] == previous.end + 1:
            return self._blocks[k]
        placed = self._frame.holding(previous.end + 1)
        if placed is not None:
            return self._keep(placed)
        block = previous.block.next()
        height = self._view.blockBoundingRect(block).height()
        return self._keep(self._made(block, previous.top + previous.height, height))

    def _made(self, block: QTextBlock, top: float, height: float) -> _Block:
        return _Block(block, top, height, self._band, self._kept)

    def _keep(self, measured: _Block) -> _Block:
        k = bisect_right(self._starts, measured.start)
        self._starts.insert(k, measured.start)
        self._blocks.insert(k, measured)
        if measured.band is None:
            self._frame.keep(measured)
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
            for line_start, line_end, n, top, height, baseline in block.lines_for(first, last):
                if line_start >= last:
                    break
                if line_end <= first:
                    continue
                if first <= line_start and last >= line_end and block.ltr():
                    a, width = block.extent(n)  # a whole line: its extent, no shaping needed
                    a += left
                    b = a + width
                else:
                    a = left + block.x_at(n, first if first > line_start else line_start)
                    b = left + block.x_at(n, last if last < line_end else line_end)
                if b > a:
                    found.append(Segment(a, top, b - a, height, baseline))
                elif a > b:
                    found.append(Segment(b, top, a - b, height, baseline))
        return found
