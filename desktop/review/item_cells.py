"""What each cell of an Adjudication table row shows: its kind shaded in the kind's colour,
each annotator's spans (or relations) side by side, and where the decision stands. Made for one
row when the view first paints it (:class:`~desktop.review.items_model.ItemsModel`), never for
every row of a long document at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from annotate import adjudication
from annotate.adjudication import Item, ItemKind
from annotate.model import Document, Span
from annotate.relation_items import RelationItem, RelationKind
from desktop.aligned_rows import Row
from desktop.plain import MESSAGE, NAME, line, tooltip, words
from desktop.review.edges import NARROWER, edge_pieces, plain, rich

KINDS: dict[ItemKind, tuple[str, str, str]] = {
    "agreed": ("✓", "#009E73", "every annotator has this span, same label, bounds and "
               "attributes"),
    "partial": ("◐", "#56B4E9", "same label and bounds, but some annotators have no span"),
    "attributes": ("≈", "#F0E442", "same label and bounds, different attributes"),
    "boundary": ("↔", "#E69F00", "same label, different bounds"),
    "label": ("≠", "#D55E00", "different labels"),
    "single": ("•", "#CC79A7", "one annotator's span only"),
}
"""Per kind: symbol, colour (Okabe-Ito) and what it means."""
RELATION_KINDS: dict[RelationKind, tuple[str, str, str]] = {
    "agreed": ("⇢✓", "#009E73", "every annotator links these two items, with the same type"),
    "type": ("⇢≠", "#D55E00", "the annotators link these two items with different types"),
    "missing": ("⇢•", "#CC79A7", "some annotators do not link these two items"),
}
"""Per relation kind: symbol, colour and what it means."""
STATUS_MARKS = {"open": "open", "accepted": "✔ accepted", "rejected": "✗ rejected"}
STATUS_COLOURS = {"accepted": "#009E73", "rejected": "#D55E00"}
"""The status cell's text colour once decided (an open item's keeps the view's)."""

def span_text(span: Span, text: str, limit: int = MESSAGE) -> str:
    """The span's text, cut to ``limit`` characters (a huge span costs no more than that)."""
    if span.end - span.start <= limit:
        return text[span.start:span.end]
    return text[span.start:span.start + limit - 1] + "…"


def span_caption(span: Span, text: str, width: int = 50) -> str:
    """``LABEL start–end “text”`` on one line, the text cut to ``width`` characters."""
    excerpt = words(text[span.start:min(span.end, span.start + 4 * width)], width)
    return f"{line(span.label, NAME)} {span.start}–{span.end} “{excerpt}”"


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its text (lines joined by newlines), tooltip, the HTML versions a boundary
    cell is painted with (widest first, see :mod:`desktop.review.edges`), and its background
    and text colours (None: the view's)."""

    text: str
    tip: str | None = None
    rich: list[str] | None = None
    background: str | None = None
    foreground: str | None = None


@dataclass(frozen=True, slots=True)
class RowCells:
    """The cells of one row: Kind, one per annotator, Status."""

    cells: tuple[Cell, ...]

    @property
    def lines(self) -> int:
        """How many lines its tallest cell has."""
        return max(cell.text.count("\n") for cell in self.cells) + 1


def row_cells(row: Row, annotators: tuple[str, ...], text: str,
              document: Callable[[str], Document | None]) -> RowCells:
    """The cells of ``row`` in a table of ``annotators``' columns, over the document ``text``;
    ``document`` finds the far document of a relation that crosses documents."""
    if isinstance(row, RelationItem):
        return _relation_cells(row, annotators, text, document)
    return _item_cells(row, annotators, text)


def _kind_cell(caption: str, colour: str, meaning: str) -> Cell:
    return Cell(caption, meaning, background=colour)


def _status_cell(status: str, decision: adjudication.Decision | None,
                 gold: str | None) -> Cell:
    mark = STATUS_MARKS[status]
    return Cell(f"{mark} by {line(decision.decided_by, NAME)}" if decision is not None else mark,
                None if gold is None else tooltip(f"gold: {gold}"),
                foreground=STATUS_COLOURS.get(status))


def _item_cells(item: Item, annotators: tuple[str, ...], text: str) -> RowCells:
    symbol, colour, meaning = KINDS[item.kind]
    cells = [_kind_cell(f"{symbol} {item.kind}", colour, meaning)]
    sides = item.by_annotator()
    differing = adjudication.attribute_choices(item) if item.kind == "attributes" else {}
    for name in annotators:
        spans = sides.get(name, [])
        tip = tooltip("\n".join(span_text(s, text) for s in spans))
        if item.kind == "boundary" and spans:
            cells.append(_boundary_cell(spans, item.spans, text, tip))
            continue
        lines = [span_caption(s, text) for s in spans]
        lines += [line(f"{attr} = {'—' if values.get(name) is None else values[name]}")
                  for attr, values in differing.items() if spans]
        cells.append(Cell("\n".join(lines) or "—", tip))
    cells.append(_status_cell(item.status, item.decision,
                              None if item.gold is None else span_caption(item.gold, text)))
    return RowCells(tuple(cells))


def _boundary_cell(spans: list[Span], every: tuple[Span, ...], text: str, tip: str) -> Cell:
    """Each of an annotator's spans in the stretch the item covers: its edges marked, ⟦ ⟧
    where another annotator's edge differs (the HTML painted in colour, as wide as the column
    allows)."""
    heads = [f"{line(s.label, NAME)} {s.start}–{s.end}  " for s in spans]
    return Cell("\n".join(head + plain(edge_pieces(s, every, text))
                          for head, s in zip(heads, spans, strict=True)), tip,
                ["<br>".join(rich(edge_pieces(s, every, text, context), head)
                             for head, s in zip(heads, spans, strict=True))
                 for context in NARROWER])


def _relation_cells(item: RelationItem, annotators: tuple[str, ...], text: str,
                    document: Callable[[str], Document | None]) -> RowCells:
    symbol, colour, meaning = RELATION_KINDS[item.kind]
    cells = [_kind_cell(f"{symbol} relation {item.kind}", colour, meaning)]
    ends = {s.id: s for s in (*item.source.spans, *item.target.spans)}
    other = document(item.target.document) if item.crosses else None
    far = (f"{line(other.title or other.uid[:12], NAME)}: " if other is not None else "")
    target_text = text if other is None else other.text
    sides = item.by_annotator()
    for name in annotators:
        cells.append(Cell("\n".join(
            f"{line(r.type, NAME)}: {span_caption(ends[r.source], text, 20)} → "
            f"{far}{span_caption(ends[r.target], target_text, 20)}"
            for r in sides.get(name, [])) or "—"))
    gold = item.gold
    cells.append(_status_cell(item.status, item.decision,
                              None if gold is None else f"{line(gold.type, NAME)} between the "
                              "gold spans of its ends"))
    return RowCells(tuple(cells))
