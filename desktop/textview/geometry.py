"""Where text positions sit on the viewport of a QPlainTextEdit, for the visible blocks only.

Positions here are Qt positions (UTF-16 units, one per paragraph separator) of the displayed text.
Asking a line for the x of a position makes Qt shape the block's text, the costly part of a paint,
so boxes that cover whole lines of a left-to-right block take the line's own extent instead.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import NamedTuple

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QTextBlock, QTextLine
from PySide6.QtWidgets import QPlainTextEdit


class Segment(NamedTuple):
    """The part of a range on one visual line: the full line-height box and its baseline."""

    rect: QRectF
    baseline: float


_LTR = Qt.LayoutDirection.LeftToRight


class Viewport:
    """The blocks of ``view`` that meet the viewport band ``[top, bottom]`` at this moment."""

    def __init__(self, view: QPlainTextEdit, top: float, bottom: float) -> None:
        offset = view.contentOffset()
        self.left = offset.x()
        self.starts: list[int] = []  # Qt position of each block's first character
        self.tops: list[float] = []
        self.heights: list[float] = []
        self._blocks: list[QTextBlock] = []
        self._lines: dict[int, list[tuple[int, int, QTextLine]]] = {}
        self._directions: dict[int, bool] = {}
        block = view.firstVisibleBlock()
        y = view.blockBoundingGeometry(block).translated(offset).top()
        bounding = view.blockBoundingRect
        while block.isValid() and y <= bottom:
            height = bounding(block).height()
            if y + height >= top:
                self.starts.append(block.position())
                self.tops.append(y)
                self.heights.append(height)
                self._blocks.append(block)
            y += height
            block = block.next()
        self.ends = [position - 1 for position in self.starts[1:]]  # before each separator
        if self._blocks:
            self.ends.append(self.starts[-1] + self._blocks[-1].length() - 1)

    @property
    def qt_range(self) -> tuple[int, int]:
        """The Qt positions shown, ``[first, last)``, separator of the last block included."""
        return (self.starts[0], self.ends[-1] + 1) if self.starts else (0, 0)

    def blocks_meeting(self, start: int, end: int) -> range:
        """Indices of the visible blocks holding some of ``[start, end)``."""
        first = max(bisect_right(self.starts, start) - 1, 0)
        if first < len(self.ends) and self.ends[first] < start:
            first += 1
        return range(first, bisect_right(self.starts, end - 1))

    def _lines_of(self, i: int) -> list[tuple[int, int, QTextLine]]:
        """``(start, end, line)`` of block ``i``'s laid-out lines, relative to the block."""
        found = self._lines.get(i)
        if found is None:
            layout = self._blocks[i].layout()
            count = layout.lineCount()
            if count == 1:
                found = [(0, self.ends[i] - self.starts[i], layout.lineAt(0))]
            else:
                found = []
                for n in range(count):
                    line = layout.lineAt(n)
                    start = line.textStart()
                    found.append((start, start + line.textLength(), line))
            self._lines[i] = found
        return found

    def _ltr(self, i: int) -> bool:
        found = self._directions.get(i)
        if found is None:
            found = self._directions[i] = self._blocks[i].textDirection() == _LTR
        return found

    def segments(self, start: int, end: int) -> list[Segment]:
        """One box per visual line that ``[start, end)`` covers, in viewport coordinates."""
        found: list[Segment] = []
        left, starts, ends, tops = self.left, self.starts, self.ends, self.tops
        for i in self.blocks_meeting(start, end):
            position = starts[i]
            first = max(start - position, 0)
            last = min(end, ends[i]) - position
            if last <= first:
                continue
            for line_start, line_end, line in self._lines_of(i):
                if line_start >= last:
                    break
                if line_end <= first:
                    continue
                if first <= line_start and last >= line_end and self._ltr(i):
                    a = left + line.x()  # a whole line: its extent, no shaping needed
                    b = a + line.naturalTextWidth()
                else:
                    a = left + line.cursorToX(max(first, line_start))[0]
                    b = left + line.cursorToX(min(last, line_end))[0]
                if b != a:
                    y = tops[i] + line.y()
                    rect = QRectF(min(a, b), y, abs(b - a), line.height())
                    found.append(Segment(rect, y + line.ascent()))
        return found
