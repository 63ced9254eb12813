"""Which span marks of a block Qt can draw itself, as formats of the block's text layout.

A mark given to the layout is drawn by the text paint in C++, with no shaping of its own; painting
it from Python needs the x of its ends, which makes Qt shape the line again on every paint. A
layout holds one background and one underline per character, though, so a mark is handed over only
when no other mark of its kinds (area: claim fill, denial tint; line: underlines, and the rules
above and below a denial) overlaps it in the block (for areas: nor touches it, so the brackets and
frames of the painted marks can show where one ends and the next begins), and only on the first
annotator layer; the others are painted.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QTextLayout

from desktop.textview.paint import Marks
from desktop.textview.styles import SpanStyle

_KINDS = {"claim": frozenset({"area"}), "denial": frozenset({"area", "line"}),
          "entity": frozenset({"line"}), "other": frozenset({"line"})}
_AREA = frozenset({"area"})

Placed = tuple[SpanStyle, int, int]
"""A span with its Qt range ``[start, end)``."""


def split_block(
    placed: Sequence[Placed], start: int, end: int, marks: Marks, paint_all: bool = False
) -> tuple[list[QTextLayout.FormatRange], list[Placed]]:
    """The layout formats for the block ``[start, end)`` (Qt positions, separator excluded) and
    the spans left to paint with the part of the block they cover, from the spans meeting it
    (with their Qt ranges) ordered by start; with ``paint_all``, no formats: all painted."""
    clipped = [
        (span, max(a, start), min(b, end), _KINDS[span.category])
        for span, a, b in placed
        if min(b, end) > max(a, start)
    ]
    if paint_all:
        return [], [c[:3] for c in clipped]
    painted: set[int] = set()
    for i, (_, _, end_i, kinds) in enumerate(clipped):
        for j in range(i + 1, len(clipped)):
            _, start_j, _, kinds_j = clipped[j]
            if start_j > end_i:
                break
            shared = kinds & kinds_j
            if shared and (start_j < end_i or shared & _AREA):
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
