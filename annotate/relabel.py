"""A relabel as one step: what it keeps, what it drops, and the command that does it.

A span that takes another label keeps the attributes that label defines (with values that fit
it, :meth:`annotate.schema.Label.kept`); its other attributes go, and so do its links that the
schema does not allow for the new label. What goes is named before it happens
(:attr:`Relabel.losses`); the update and the removal of those links are one command, so one
undo step brings all of it back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from annotate.commands import Batch, Command, RemoveRelation, UpdateSpan, relabel
from annotate.errors import ValidationError
from annotate.model import Relation, Span
from annotate.schema import LabelSchema

TITLE = "update_span"
"""The batch's title: the history describes it as the relabel it holds."""


@dataclass(frozen=True, slots=True)
class Relabel:
    """A planned relabel of one span."""

    update: UpdateSpan
    dropped: Mapping[str, Any]
    """The attributes (name: value) the new label cannot hold."""
    unlinked: tuple[Relation, ...]
    """The span's links the schema does not allow once it has the new label."""

    @property
    def command(self) -> Command:
        """What to apply: the update alone, or the links' removal and the update as one step."""
        if not self.unlinked:
            return self.update
        removals = tuple(RemoveRelation(self.update.before.document, r) for r in self.unlinked)
        return Batch((*removals, self.update), TITLE)

    def losses(self, spans: Mapping[str, Span]) -> list[str]:
        """One line per thing the relabel drops, e.g. ``attribute certainty = 'asserted'`` or
        ``link CLAIMED_BY → PERSON`` (``spans`` by id name the other ends)."""
        lines = [f"attribute {name} = {value!r}" for name, value in self.dropped.items()]
        span_id = self.update.before.id
        for relation in self.unlinked:
            outgoing = relation.source == span_id
            other = spans.get(relation.target if outgoing else relation.source)
            arrow = "→" if outgoing else "←"
            lines.append(f"link {relation.type} {arrow} {other.label if other else '?'}")
        return lines


def plan_relabel(span: Span, label: str, schema: LabelSchema, relations: Iterable[Relation],
                 spans: Mapping[str, Span]) -> Relabel:
    """The relabel of ``span`` to ``label``: ``relations`` are those of its document (the ones
    touching ``span`` are checked against the schema with the new label), ``spans`` its
    document's spans by id."""
    update = relabel(span, label, schema)
    dropped = {k: v for k, v in span.attributes.items() if k not in update.after.attributes}
    renamed = {span.id: update.after}
    unlinked = []
    for relation in relations:
        if span.id not in (relation.source, relation.target):
            continue
        source = renamed.get(relation.source) or spans.get(relation.source)
        target = renamed.get(relation.target) or spans.get(relation.target)
        if source is None or target is None:
            continue
        try:
            schema.check_relation(relation, source, target)
        except ValidationError:
            unlinked.append(relation)
    return Relabel(update, dropped, tuple(unlinked))

