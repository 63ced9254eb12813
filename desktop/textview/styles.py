"""What the text view needs to know about one span to draw it: :class:`SpanStyle`."""

from __future__ import annotations

from dataclasses import dataclass

from annotate.model import Span
from annotate.schema import Category, Label

NEUTRAL = "#9E9E9E"
"""Colour of spans whose label is unknown to the schema, and of find hits."""


@dataclass(frozen=True, slots=True)
class SpanStyle:
    """One drawable span. ``start``/``end`` are code points into the stored text, end-exclusive."""

    id: str
    start: int
    end: int
    label: str
    category: Category = "other"
    color: str = NEUTRAL  # "#RRGGBB"
    layer: int = 0  # annotator layer; underlines of higher layers sit lower
    tooltip: str = ""  # plain text shown under the label on hover
    fragments: tuple[tuple[int, int], ...] = ()  # a discontinuous span's pieces, drawn alone


def style_for(span: Span, label: Label | None, layer: int = 0) -> SpanStyle:
    """A span of the store drawn with its label's category and colour; the tooltip lists the
    annotator, attributes and note (plain text, the view escapes it)."""
    lines = [f"annotator: {span.annotator}"]
    lines += [f"{name}: {value}" for name, value in span.attributes.items() if value is not None]
    if span.note:
        lines.append(f"note: {span.note}")
    return SpanStyle(
        id=span.id,
        start=span.start,
        end=span.end,
        label=span.label,
        category=label.category if label else "other",
        color=label.color if label else NEUTRAL,
        layer=layer,
        tooltip="\n".join(lines),
        fragments=span.fragments,
    )
