"""Which span marks of a block Qt can draw itself, as formats of the block's text layout.

A mark given to the layout is drawn by the text paint in C++, with no shaping of its own; painting
it from Python needs the x of its ends, which makes Qt shape the line again on every paint. A
layout holds one background and one underline per character, though, so a mark is handed over only
when no other mark of its kind (area: claim fill, denial hatch; line: underlines) overlaps it in
the block, and only on the first annotator layer; the others are painted as before.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QTextLayout

from desktop.textview.paint import Marks
from desktop.textview.styles import SpanStyle

_KIND = {"claim": "area", "denial": "area", "entity": "line", "other": "line"}

Placed = tuple[SpanStyle, int, int]
"""A span with its Qt range ``[start, end)``."""


def split_block(
    placed: Sequence[Placed], start: int, end: int, marks: Marks
) -> tuple[list[QTextLayout.FormatRange], list[Placed]]:
    """The layout formats for the block ``[start, end)`` (Qt positions, separator excluded) and
    the spans left to paint with the part of the block they cover, from the spans meeting it
    (with their Qt ranges) ordered by start."""
    clipped = [
        (span, max(a, start), min(b, end), _KIND[span.category])
        for span, a, b in placed
        if min(b, end) > max(a, start)
    ]
    painted: set[int] = set()
    for i, (_, _, end_i, kind) in enumerate(clipped):
        for j in range(i + 1, len(clipped)):
            _, start_j, _, kind_j = clipped[j]
            if start_j >= end_i:
                break
            if kind_j == kind:
                painted.update((i, j))
    ranges = []
    for i, (span, a, b, _) in enumerate(clipped):
        if span.layer:
            painted.add(i)
        if i in painted:
            continue
        found = QTextLayout.FormatRange()
        found.start, found.length, found.format = a - start, b - a, marks.char_format(span)
        ranges.append(found)
    return ranges, [clipped[i][:3] for i in sorted(painted)]
