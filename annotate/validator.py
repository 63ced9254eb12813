"""The rules every way into a store passes: an edit, each import format, a peer's store and a
schema change are checked here, against the schema, by the same code.

A span lies in its text and has a label the schema knows, whose attributes it fits; a relation
has a type the schema knows, joins two distinct spans of one document (or, when its type lets
it, links to a span of another document), and starts and ends at labels its type allows. A
schema change must keep fitting what the store already holds (:class:`Usage`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field, replace
from typing import Any

from annotate.errors import InputError, ValidationError
from annotate.model import DocLabel, Relation, Span, fragments_problem
from annotate.schema import (
    OKABE_ITO,
    AttributeDef,
    AttributeType,
    DocCategory,
    DocValue,
    Label,
    LabelSchema,
    RelationType,
)
from annotate.strings import listed, shown


def check_span(schema: LabelSchema, span: Span, length: int) -> None:
    """Raise ValidationError unless ``span`` lies in a text of ``length`` code points and fits
    the schema (its label known, its attributes defined for the label and of their type)."""
    if not (type(span.start) is int and type(span.end) is int):
        raise ValidationError(f"span {span.id}: offsets must be integers")
    if not 0 <= span.start < span.end <= length:
        raise ValidationError(
            f"span [{span.start}, {span.end}) lies outside the text (length {length})"
        )
    problem = fragments_problem(span.fragments, span.start, span.end)
    if problem:
        raise ValidationError(f"span [{span.start}, {span.end}): {problem}")
    schema.check_span(span)


def check_spans(schema: LabelSchema, spans: Iterable[tuple[Span, int]]) -> None:
    """:func:`check_span` of each (span, length of its text) of ``spans``, in one pass: the
    usual span (integer bounds in its text, a label the schema knows, no attributes, note or
    fragments) passes there, any other is checked by :func:`check_span` (accept-agreed
    checks tens of thousands at once)."""
    known = frozenset(schema.label_names)
    for span, length in spans:
        start, end = span.start, span.end
        if (type(start) is not int or type(end) is not int or not 0 <= start < end <= length
                or span.label not in known or span.attributes or span.note is not None
                or span.fragments):
            check_span(schema, span, length)


def check_relation(schema: LabelSchema, relation: Relation, source: Span, target: Span) -> None:
    """Raise ValidationError unless ``relation`` joins two distinct spans of one document and
    its type, known to the schema, allows their labels."""
    if source.id != relation.source or target.id != relation.target:
        raise ValidationError(f"relation {relation.id}: its ends are not the spans given")
    if relation.source == relation.target:
        raise ValidationError("a span cannot be linked to itself")
    schema.check_relation(relation, source, target)


def check_doc_label(schema: LabelSchema, label: DocLabel) -> None:
    """Raise ValidationError unless the schema has the label's document category and value."""
    schema.check_doc_label(label)


@dataclass(slots=True)
class Usage:
    """What a store holds that its schema must keep describing: spans per label, the distinct
    values each (label, attribute) holds, relations per (type, source label, target label),
    document labels per (category, value), and the categories where one annotator gives a
    document several values (which must stay multi-choice)."""

    spans: Mapping[str, int] = field(default_factory=dict)
    values: Mapping[tuple[str, str], list[Any]] = field(default_factory=dict)
    relations: Mapping[tuple[str, str, str], int] = field(default_factory=dict)
    doc_labels: Mapping[tuple[str, str], int] = field(default_factory=dict)
    several: frozenset[str] = frozenset()
    across: Mapping[str, int] = field(default_factory=dict)
    """Links across documents per relation type (whose type must keep allowing them)."""


def check_fits(schema: LabelSchema, usage: Usage, renames: Mapping[str, str],
               relation_renames: Mapping[str, str] | None = None) -> None:
    """Raise ValidationError, naming every offender, unless the data ``usage`` describes fits
    ``schema`` once the labels in ``renames`` (old name -> new name), and the relation types in
    ``relation_renames``, carry their new names."""
    relation_renames = relation_renames or {}

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
    for (stored, source, target), n in sorted(usage.relations.items()):
        rtype = relation_renames.get(stored, stored)
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
    for stored, n in sorted(usage.across.items()):
        relation_type = schema.relation_type(relation_renames.get(stored, stored))
        if relation_type is not None and not relation_type.across:
            problems.append(f"{n} {relation_type.name!r} relations link across documents, which "
                            "the type no longer allows")
    gone: dict[str, int] = {}
    for (category, value), n in sorted(usage.doc_labels.items()):
        defined = schema.doc_category(category)
        if defined is None:
            gone[category] = gone.get(category, 0) + n
        elif defined.value(value) is None:
            problems.append(f"value {value!r} of document category {category!r} is still "
                            f"given {n} times")
    problems.extend(f"document category {category!r} still has {n} labels"
                    for category, n in gone.items())
    for category in sorted(usage.several):
        defined = schema.doc_category(category)
        if defined is not None and not defined.multi:
            problems.append(f"document category {category!r} must stay multi-choice: some "
                            "documents hold several of its values by one annotator")
    if problems:
        raise ValidationError("the schema does not fit the stored annotations: "
                              + "; ".join(problems))


def _attribute_type(value: Any) -> AttributeType | None:
    """The attribute type a value found in a file belongs to (None: no attribute type holds it)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    return None


class Incoming:
    """What an import brings in, checked against the schema by the rules of :func:`check_span`
    and :func:`check_relation`: the import's side of the one validator.

    Labels, relation types and attributes the schema lacks are collected, each with the first
    place it was met, and refused together by :meth:`finish`. With ``grow`` they are added to
    :attr:`schema` instead, defined as ``declared`` (what the file says of its own schema, e.g.
    a brat ``annotation.conf``) defines them, else from the values found; the caller stores the
    grown schema as one schema change. Any other breach is an InputError at once, at ``where``.
    """

    def __init__(
        self, schema: LabelSchema, grow: bool = False, declared: LabelSchema | None = None
    ) -> None:
        self.schema = schema
        self.grow = grow
        self.declared = declared or LabelSchema()
        self.unknown: dict[str, dict[str, str]] = {
            "labels": {}, "relation types": {}, "attributes": {}, "document labels": {}
        }
        self.grown = False
        """Whether :attr:`schema` grew since the caller last cleared this."""
        self._fits: set[tuple[Any, ...]] = set()  # (label, *attribute items) found to fit
        self._labels: tuple[LabelSchema | None, frozenset[str]] = (None, frozenset())
        """The schema last checked against, and its label names."""
        if grow:
            self._take_declared()

    def spans(self, spans: Iterable[Span], where: str) -> list[Span]:
        """The ``spans`` that :meth:`span` lets in, in order: an import's hot loop, where
        most spans have a known label and no attributes."""
        if self._labels[0] is not self.schema:
            self._labels = (self.schema, frozenset(self.schema.label_names))
        known = self._labels[1]  # of the schema at the start; :meth:`span` sees growth
        check = self.span
        return [s for s in spans if (s.label in known and not s.attributes) or check(s, where)]

    def span(self, span: Span, where: str) -> bool:
        """Check ``span``'s label and attributes; False when it names something unknown (it
        cannot be stored, and :meth:`finish` will say why)."""
        label = self.schema.label(span.label)
        if label is not None and not span.attributes:
            return True  # the common case, without more look-ups
        try:
            key: tuple[Any, ...] | None = (span.label, *span.attributes.items())
            if key in self._fits:
                return True
        except TypeError:  # an unhashable value: check it the long way
            key = None
        if label is None:
            if not self.grow:
                self.unknown["labels"].setdefault(span.label, where)
                return False
            label = self._add_label(span.label, where)
        fits = True
        for name, value in span.attributes.items():
            attribute = label.attribute(name)
            if attribute is None:
                if not self.grow:
                    self.unknown["attributes"].setdefault(f"{label.name}.{name}", where)
                    fits = False
                    continue
                label = self._add_attribute(label, name, value, where)
                attribute = label.attribute(name)
                assert attribute is not None
            try:
                attribute.check(value)
            except ValidationError as exc:
                raise InputError(f"span [{span.start}, {span.end}) {label.name}: {exc}",
                                 None, where) from None
        if fits and key is not None:
            self._fits.add(key)
        return fits

    def relation(self, relation: Relation, source: Span, target: Span, where: str) -> bool:
        """Check ``relation`` between its two spans; False when its type (or a label at one
        of its ends) is unknown."""
        if self.schema.relation_type(relation.type) is None:
            if not self.grow:
                self.unknown["relation types"].setdefault(relation.type, where)
                return False
            self._add_relation_type(relation.type, where, relation.crosses)
        if self.schema.label(source.label) is None or self.schema.label(target.label) is None:
            return False  # said of the span
        try:
            check_relation(self.schema, relation, source, target)
        except ValidationError as exc:
            raise InputError(str(exc), None, where) from None
        return True

    def doc_label(self, label: DocLabel, where: str) -> bool:
        """Check a document label's category and value; False when the schema lacks one (and
        does not grow)."""
        category = self.schema.doc_category(label.category)
        if category is not None and category.value(label.value) is not None:
            return True
        if not self.grow:
            self.unknown["document labels"].setdefault(f"{label.category}:{label.value}", where)
            return False
        self._add_doc_value(label.category, label.value, where)
        return True

    def finish(self) -> None:
        """Raise one InputError listing every unknown name and where it was first met."""
        problems = [
            f"{kind} not in the schema: "
            + ", ".join(f"{listed(name)} (first at {where})" for name, where in found.items())
            for kind, found in self.unknown.items()
            if found
        ]
        if problems:
            raise InputError(
                "; ".join(problems) + " (map labels with a label map, --map THEIRS=OURS, or "
                "let the import add them: --add-labels)"
            )

    # -- growing ---------------------------------------------------------------------------
    def _take_declared(self) -> None:
        """Add every label and relation type ``declared`` defines and the schema lacks (a
        name the schema cannot hold is left to be refused if the data uses it)."""
        for label in self.declared.labels:
            if self.schema.label(label.name) is None:
                with suppress(InputError):
                    self._add_label(label.name, "")
        for rtype in self.declared.relations:
            if self.schema.relation_type(rtype.name) is None:
                with suppress(InputError):
                    self._add_relation_type(rtype.name, "")

    def _grow(self, schema: LabelSchema, where: str) -> None:
        try:
            schema.validate()
        except ValidationError as exc:
            raise InputError(f"cannot add it to the schema: {exc} (map the name to another "
                             "with a label map, --map THEIRS=OURS)", None, where) from None
        self.schema = schema
        self.grown = True

    def _add_label(self, name: str, where: str) -> Label:
        declared = self.declared.label(name)
        color = OKABE_ITO[len(self.schema.labels) % len(OKABE_ITO)]
        label = (Label(name, "other", color) if declared is None
                 else replace(declared, color=color, hotkey=None))
        self._grow(self.schema.with_label(label), where)
        return label

    def _add_attribute(self, label: Label, name: str, value: Any, where: str) -> Label:
        declared = self.declared.label(label.name)
        attribute = None if declared is None else declared.attribute(name)
        if attribute is None:
            kind = _attribute_type(value)
            if kind is None:
                raise InputError(
                    f"attribute {shown(name)} of {label.name} holds {shown(value)}: an "
                    "attribute holds text, a number or a flag", None, where)
            attribute = AttributeDef(name, kind)
        grown = replace(label, attributes=(*label.attributes, attribute))
        self._grow(self.schema.with_label(grown, label.name), where)
        return grown

    def _add_doc_value(self, name: str, value: str, where: str) -> None:
        """Add ``value`` to the document category ``name``, and the category if need be: as
        ``declared`` defines it, else multi-choice (no import is refused for holding several
        values of it)."""
        category = self.schema.doc_category(name)
        if category is None:
            declared = self.declared.doc_category(name)
            category = (DocCategory(name, (), multi=True) if declared is None
                        else DocCategory(name, (), declared.multi, declared.description))
        found = self.declared.doc_category(name)
        defined = None if found is None else found.value(value)
        color = OKABE_ITO[(len(category.values) + 1) % len(OKABE_ITO)]
        new = (DocValue(value, None, color) if defined is None
               else replace(defined, hotkey=None))
        grown = replace(category, values=(*category.values, new))
        schema = self.schema
        documents = tuple(grown if c.name == name else c for c in schema.documents)
        if self.schema.doc_category(name) is None:
            documents = (*documents, grown)
        self._grow(LabelSchema(schema.labels, schema.relations, documents), where)

    def _add_relation_type(self, name: str, where: str, across: bool = False) -> None:
        """Add relation type ``name`` as ``declared`` defines it, else joining any labels and
        crossing documents when the link met (``across``) does."""
        declared = self.declared.relation_type(name)
        schema = self.schema
        if declared is None:
            declared = RelationType(name, across=across)
        for label in (*declared.source_labels, *declared.target_labels):
            if schema.label(label) is None:  # the type names a label the file declares
                self._add_label(label, where)
                schema = self.schema
        self._grow(LabelSchema(schema.labels, (*schema.relations, declared), schema.documents),
                   where)
