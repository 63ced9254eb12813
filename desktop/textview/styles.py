"""What the text view needs to know about one span or link to draw it: :class:`SpanStyle`,
:class:`LinkStyle`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from annotate.model import Relation, Span
from annotate.schema import Category, Label

NEUTRAL = "#9E9E9E"
"""Colour of spans whose label is unknown to the schema, and of find hits."""
LINK_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9")
"""Colours of the relation types, in schema order (Okabe-Ito, darkest first)."""
LINK_NEUTRAL = "#595959"
"""Colour of links whose type is unknown to the schema."""


@dataclass(slots=True, unsafe_hash=True)
class SpanStyle:
    """One drawable span. ``start``/``end`` are code points into the stored text, end-exclusive.

    A value: never changed in place, compared and hashed by its fields (not frozen: frozen
    construction sets each of its 9 fields through ``object.__setattr__``, some 2.5 times
    the cost, and each document opened styles every span it shows)."""

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


@dataclass(slots=True, unsafe_hash=True)
class LinkStyle:
    """One drawable link: a typed, directed relation from span ``source`` to span ``target``.
    A value, as :class:`SpanStyle` (made at each document opened, for each of its links)."""

    id: str
    type: str
    source: str  # span id
    target: str  # span id
    color: str = LINK_NEUTRAL  # "#RRGGBB"
    layer: int = 0  # annotator layer, as for spans: its pen's dash pattern


def link_style_for(relation: Relation, types: Sequence[str], layer: int = 0) -> LinkStyle:
    """A relation drawn in the colour of its type's place among the schema's ``types``."""
    color = (LINK_COLORS[types.index(relation.type) % len(LINK_COLORS)]
             if relation.type in types else LINK_NEUTRAL)
    return LinkStyle(relation.id, relation.type, relation.source, relation.target, color, layer)
