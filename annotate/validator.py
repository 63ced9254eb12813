"""The rules every way into a store passes: an edit, each import format, a peer's store and a
schema change are checked here, against the schema, by the same code.

A span lies in its text and has a label the schema knows, whose attributes it fits; a relation
has a type the schema knows, joins two distinct spans of one document, and starts and ends at
labels its type allows. A schema change must keep fitting what the store already holds
(:class:`Usage`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from annotate.errors import ValidationError
from annotate.model import Relation, Span
from annotate.schema import LabelSchema


def check_span(schema: LabelSchema, span: Span, length: int) -> None:
    """Raise ValidationError unless ``span`` lies in a text of ``length`` code points and fits
    the schema (its label known, its attributes defined for the label and of their type)."""
    if not (type(span.start) is int and type(span.end) is int):
        raise ValidationError(f"span {span.id}: offsets must be integers")
    if not 0 <= span.start < span.end <= length:
        raise ValidationError(
            f"span [{span.start}, {span.end}) lies outside the text (length {length})"
        )
    schema.check_span(span)


def check_relation(schema: LabelSchema, relation: Relation, source: Span, target: Span) -> None:
    """Raise ValidationError unless ``relation`` joins two distinct spans of one document and
    its type, known to the schema, allows their labels."""
    if source.id != relation.source or target.id != relation.target:
        raise ValidationError(f"relation {relation.id}: its ends are not the spans given")
    if relation.source == relation.target:
        raise ValidationError("a span cannot be linked to itself")
    schema.check_relation(relation, source, target)


@dataclass(slots=True)
class Usage:
    """What a store holds that its schema must keep describing: spans per label, the distinct
    values each (label, attribute) holds, and relations per (type, source label, target
    label)."""

    spans: Mapping[str, int] = field(default_factory=dict)
    values: Mapping[tuple[str, str], list[Any]] = field(default_factory=dict)
    relations: Mapping[tuple[str, str, str], int] = field(default_factory=dict)


def check_fits(schema: LabelSchema, usage: Usage, renames: Mapping[str, str]) -> None:
    """Raise ValidationError, naming every offender, unless the data ``usage`` describes fits
    ``schema`` once the labels in ``renames`` (old name -> new name) carry their new names."""

    def now(label: str) -> str:
        return renames.get(label, label)

    problems = []
    for label, n in sorted(usage.spans.items()):
        if n and schema.label(now(label)) is None:
            problems.append(
                f"label {label!r} still has {n} spans: relabel or delete them first, or "
                "rename the label"
            )
    for (label, name), values in sorted(usage.values.items()):
        defined = schema.label(now(label))
        if defined is None:
            continue  # said above
        attribute = defined.attribute(name)
        if attribute is None:
            problems.append(f"label {now(label)!r} loses attribute {name!r}, which spans hold")
            continue
        refused = []
        for value in values:
            try:
                attribute.check(value)
            except ValidationError:
                refused.append(value)
        if refused:
            shown = ", ".join(map(repr, refused[:5])) + (", …" if len(refused) > 5 else "")
            problems.append(
                f"attribute {name!r} of {now(label)!r} ({attribute.type}) refuses values spans "
                f"hold: {shown}"
            )
    for (rtype, source, target), n in sorted(usage.relations.items()):
        relation_type = schema.relation_type(rtype)
        if relation_type is None:
            problems.append(f"relation type {rtype!r} still has {n} relations")
            continue
        for end, label, allowed in (
            ("start", now(source), relation_type.source_labels),
            ("end", now(target), relation_type.target_labels),
        ):
            if allowed and label not in allowed:
                problems.append(
                    f"{n} {rtype!r} relations {end} at {label!r}, which the type no longer allows"
                )
    if problems:
        raise ValidationError("the schema does not fit the stored annotations: "
                              + "; ".join(problems))
