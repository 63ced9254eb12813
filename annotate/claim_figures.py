"""Figure proposals: a claim's figure fields read from its text, offered before anything is
written.

A label that declares figure fields (the default schema's CLAIM: ``figure``, ``figure_low``,
``figure_high``; a schema may add ``figure_qualifier`` and ``figure_unit``) gets, for a span
whose figure fields are all empty, one proposal per figure its text holds
(:func:`annotate.figures.find_figures`, the parser the ledger reads claims with). A proposal
gives each declared field its value: ``figure`` the words read (with the counted noun, so the
ledger reads the same unit from them), ``figure_low`` / ``figure_high`` the bounds (left empty
when open), ``figure_qualifier`` and ``figure_unit`` as read. Nothing is stored until the
annotator accepts one: :func:`accept` is one ordinary, journaled, undoable edit of the span.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from annotate.commands import UpdateSpan
from annotate.figures import Figure, find_figures
from annotate.model import Span, utc_now
from annotate.schema import Label

FIGURE, LOW, HIGH, QUALIFIER, UNIT = ("figure", "figure_low", "figure_high", "figure_qualifier",
                                      "figure_unit")
FIELDS = (FIGURE, LOW, HIGH, QUALIFIER, UNIT)
"""The figure fields a label may declare, in the order they are filled."""


@dataclass(frozen=True, slots=True)
class FigureProposal:
    """A figure read from a span's text: the ``words`` it was read from, the ``figure``, and
    the ``values`` it proposes for the label's figure fields."""

    words: str
    figure: Figure
    values: Mapping[str, Any]

    def describe(self) -> str:
        """A short reading: "81+ people (more than)"."""
        unit = f" {self.figure.unit}" if self.figure.unit else ""
        return f"{self.figure.describe()}{unit} ({self.figure.qualifier})"


def figure_fields(label: Label | None) -> tuple[str, ...]:
    """The figure fields ``label`` declares, in :data:`FIELDS` order."""
    declared = {attribute.name for attribute in label.attributes} if label else set()
    return tuple(name for name in FIELDS if name in declared)


def _values(words: str, figure: Figure, fields: Collection[str]) -> dict[str, Any]:
    read = {FIGURE: words, LOW: figure.low, HIGH: figure.high, QUALIFIER: figure.qualifier,
            UNIT: figure.unit or None}
    return {name: read[name] for name in FIELDS if name in fields}


def propose(text: str, fields: Collection[str]) -> list[FigureProposal]:
    """A proposal for each figure in ``text`` (a span's text), in order, giving values to the
    ``fields`` named; none when no figure field is named."""
    if not fields:
        return []
    return list(_proposed(text, tuple(fields)))


@lru_cache(maxsize=256)
def _proposed(text: str, fields: tuple[str, ...]) -> tuple[FigureProposal, ...]:
    """:func:`propose`'s, read once per text and fields: the Span panel asks again for the
    span it shows at each change of it (a relabel and its undo, on each key press)."""
    return tuple(FigureProposal(text[start:end], figure, _values(text[start:end], figure, fields))
                 for start, end, figure in find_figures(text, with_unit=True))


def proposals(span: Span, text: str, label: Label | None) -> list[FigureProposal]:
    """What is proposed for ``span`` (``text``: its document's), whose label is ``label``:
    nothing once any of its figure fields holds a value."""
    fields = figure_fields(label)
    if any(span.attributes.get(name) is not None for name in fields):
        return []
    return propose(span.text_in(text), fields)


def accept(span: Span, proposal: FigureProposal) -> UpdateSpan:
    """The edit that writes ``proposal``'s values into ``span``'s fields (an empty value
    leaves its field empty): one undoable step."""
    attributes = {k: v for k, v in span.attributes.items() if k not in proposal.values}
    attributes.update((k, v) for k, v in proposal.values.items() if v is not None)
    return UpdateSpan(span, replace(span, attributes=attributes, updated=utc_now()))
