"""Edit commands and their inverses: the one path every change to annotations takes.

A command is a frozen value; ``inverse()`` returns the command that undoes it, and
``changes()`` says what it touches so views refresh only that. Commands that need the
state before the edit (a delete's relations, a status's previous value) carry it; the
store fills it in before applying (``Store.apply``). ``to_dict``/``command_from_dict``
give the journal's JSON form.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from operator import attrgetter
from typing import Any, ClassVar, Literal

from annotate.actors import Actor, Event
from annotate.journal_entry import JournalEntry
from annotate.model import GOLD, DocLabel, Relation, Span, Status, Verdict, clipped, utc_now
from annotate.schema import LabelSchema

DecisionKind = Literal["accept", "reject"]


SpanEdit = tuple[Span | None, Span | None]
"""A span before and after a command (None: it was not there, or is no more)."""
StatusEdit = tuple[str, str, Status, Status]
"""(document uid, annotator, status before, status after) of a status set."""


@dataclass(slots=True, unsafe_hash=True)
class ChangeSet:
    """What a command changed, so each view refreshes only what it shows. ``edits`` and
    ``statuses`` carry the values as applied (in order), so that no view reads back what
    the store just wrote.

    Treat it as a value, as a :class:`~annotate.model.Span`: never mutate one in place (not
    frozen because frozen construction costs 6x its 13 fields, and each edit of the window
    makes several; hashed by its fields as before)."""

    documents: frozenset[str] = frozenset()
    spans: frozenset[str] = frozenset()
    relations: frozenset[str] = frozenset()
    ranges: tuple[tuple[str, int, int], ...] = ()  # (document uid, start, end)
    status: bool = False
    schema: bool = False
    doc_labels: bool = False
    edits: tuple[SpanEdit, ...] = ()
    statuses: tuple[StatusEdit, ...] = ()
    ledger: bool = False
    """Actors, their links or events changed: the ledger's claimants and rows may change."""
    suggestions: bool = False
    """Whether what the suggestion layer shows someone changed (a verdict given or taken back)."""
    journal: tuple[JournalEntry, ...] = ()
    """The journal rows the change wrote, as the store holds them, oldest first (filled in by
    the store; none when it wrote several commands' rows at once)."""
    journal_states: tuple[tuple[int, str], ...] = ()
    """(id, new state) of the earlier journal rows the change moved on: the step an undo took
    back ("undone"), the undo a redo took back ("redone"), the undos a new edit closed."""

    def __or__(self, other: ChangeSet) -> ChangeSet:
        return ChangeSet(
            self.documents | other.documents,
            self.spans | other.spans,
            self.relations | other.relations,
            self.ranges + other.ranges,
            self.status or other.status,
            self.schema or other.schema,
            self.doc_labels or other.doc_labels,
            self.edits + other.edits,
            self.statuses + other.statuses,
            self.ledger or other.ledger,
            self.suggestions or other.suggestions,
            self.journal + other.journal,
            self.journal_states + other.journal_states,
        )

    def journaled(self, journal: tuple[JournalEntry, ...] | None = None,
                  states: tuple[tuple[int, str], ...] | None = None) -> ChangeSet:
        """This change with the journal rows ``journal`` and the rows' new ``states`` (None:
        its own) instead of its own, made field by field: ``dataclasses.replace`` walks the
        fields by reflection (~13 K instructions at each edit's journal row written)."""
        return ChangeSet(
            self.documents, self.spans, self.relations, self.ranges, self.status, self.schema,
            self.doc_labels, self.edits, self.statuses, self.ledger, self.suggestions,
            self.journal if journal is None else journal,
            self.journal_states if states is None else states,
        )

    def spans_after(self) -> dict[str, Span | None]:
        """Each edited span's id and its value after the change (None: deleted)."""
        after: dict[str, Span | None] = {}
        for before, now in self.edits:
            if before is not None:
                after[before.id] = now
            if now is not None:
                after[now.id] = now
        return after

    def span_delta(self, annotator: str, document: str | None = None) -> int:
        """How many spans ``annotator`` gained (negative: lost) by the change, in ``document``
        if given."""
        delta = 0  # (a loop: a press's one or two edits, a call and a generator fewer)
        for before, now in self.edits:
            if now is not None and now.annotator == annotator and \
                    document in (None, now.document):
                delta += 1
            if before is not None and before.annotator == annotator and \
                    document in (None, before.document):
                delta -= 1
        return delta

    def status_after(self, annotator: str) -> dict[str, Status]:
        """The statuses ``annotator`` was given, by document uid (the last one set)."""
        return {uid: now for uid, who, _, now in self.statuses if who == annotator}

    def done_delta(self, annotator: str) -> int:
        """How many more documents ``annotator`` has marked done after the change."""
        return sum((now == "done") - (before == "done")
                   for _, who, before, now in self.statuses if who == annotator)


def _far_documents(relations: tuple[Relation, ...]) -> frozenset[str]:
    """The other documents the links across documents among ``relations`` end in."""
    return frozenset(r.target_document for r in relations if r.target_document is not None)


_DOCUMENT, _ID = attrgetter("document"), attrgetter("id")
_RANGE = attrgetter("document", "start", "end")


def _span_changes(spans: tuple[Span, ...], edits: tuple[SpanEdit, ...],
                  relations: tuple[Relation, ...] = ()) -> ChangeSet:
    """What placing, moving or removing ``spans`` changes, with ``relations`` (the links
    made or removed with them), in one ChangeSet (a union of two made three). Its sets are
    made by ``map`` and attrgetters, in C: a comprehension is a frame of its own, and a key
    press makes its change twice (five frames each, ~22 K instructions a change before)."""
    documents = frozenset(map(_DOCUMENT, spans))
    return ChangeSet(
        documents=documents | _far_documents(relations) if relations else documents,
        spans=frozenset(map(_ID, spans)),
        relations=frozenset(map(_ID, relations)),
        ranges=tuple(map(_RANGE, spans)),
        edits=edits,
    )


_AS_IS = frozenset({str, int, float, bool})


def _plain(value: Any) -> Any:
    """A command's field as plain data: spans, relations and decisions as dicts (their fields
    in order, attributes copied), tuples item by item; anything else as it is."""
    if value is None or type(value) in _AS_IS:  # most fields: no look at the classes below
        return value
    if isinstance(value, Span):
        return {
            "document": value.document,
            "start": value.start,
            "end": value.end,
            "label": value.label,
            "annotator": value.annotator,
            "id": value.id,
            "attributes": dict(value.attributes),
            "note": value.note,
            "created": value.created,
            "updated": value.updated,
            "fragments": [list(f) for f in value.fragments],  # as JSON holds them
        }
    if isinstance(value, Relation):
        return {
            "type": value.type,
            "source": value.source,
            "target": value.target,
            "annotator": value.annotator,
            "id": value.id,
            "note": value.note,
            "target_document": value.target_document,
        }
    if isinstance(value, Decision):
        return {
            "id": value.id,
            "document": value.document,
            "kind": value.kind,
            "sources": tuple(value.sources),
            "gold_span": _plain(value.gold_span),
            "category": value.category,
            "gold_labels": _plain(value.gold_labels),
            "gold_relation": _plain(value.gold_relation),
            "decided_by": value.decided_by,
            "at": value.at,
        }
    if isinstance(value, DocLabel):
        return {
            "document": value.document,
            "category": value.category,
            "value": value.value,
            "annotator": value.annotator,
            "created": value.created,
        }
    if isinstance(value, Actor):
        return {"name": value.name, "kind": value.kind, "aliases": list(value.aliases),
                "id": value.id}
    if isinstance(value, Event):
        return {"name": value.name, "start": value.start, "end": value.end,
                "place": value.place, "id": value.id}
    if isinstance(value, Verdict):
        return {
            "document": value.document,
            "annotator": value.annotator,
            "start": value.start,
            "end": value.end,
            "label": value.label,
            "kind": value.kind,
            "source": value.source,
            "score": value.score,
            "chosen": value.chosen,
            "at": value.at,
        }
    if isinstance(value, LabelSchema):
        return value.to_json()
    if isinstance(value, tuple):
        return tuple(_plain(item) for item in value)
    return value


def _native(value: Any) -> Any:
    """``value`` (a command's dict) as JSON holds it: tuples as lists, at any depth."""
    if isinstance(value, dict):
        return {key: _native(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_native(item) for item in value]
    return value


def _span_from(data: dict[str, Any]) -> Span:
    fragments = tuple(tuple(f) for f in data.get("fragments") or ())
    return Span(**(data | {"fragments": fragments}))


def _relation_from(data: dict[str, Any]) -> Relation:
    return Relation(**data)


class _CommandType(ABCMeta):
    """The commands' metaclass: abstract methods refused at instantiation as an ABC's, but
    ``isinstance`` and ``issubclass`` answered in C, as for a plain class, not by ABCMeta's
    Python ``__instancecheck__`` (a frame each: 15 checks of a command at each span made by
    the window's key press). No command class is registered as a virtual subclass."""

    __instancecheck__ = type.__instancecheck__
    __subclasscheck__ = type.__subclasscheck__


class Command(metaclass=_CommandType):
    """Base of every edit command."""

    __slots__ = ()
    op: ClassVar[str]
    JSON_NATIVE: ClassVar[bool] = False
    """Whether :meth:`to_dict` gives JSON values only (lists, never tuples): what parsing its
    JSON text gives back, so the journal need not parse it to say what it wrote."""

    @abstractmethod
    def inverse(self) -> Command:
        """The command that undoes this one."""

    @abstractmethod
    def changes(self) -> ChangeSet:
        """What applying this command touches."""

    def to_dict(self) -> dict[str, Any]:
        """The journal's JSON form: what ``dataclasses.asdict`` gives, with "op" first, built
        field by field (asdict deep-copies by reflection, a cost felt on every edit)."""
        data: dict[str, Any] = {"op": self.op}
        for name in self.__dataclass_fields__:  # type: ignore[attr-defined]
            data[name] = _plain(getattr(self, name))
        return data

    def journal_forms(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """:meth:`to_dict` of this command and of its :meth:`inverse`: what its journal row
        holds (the two may share values: they are written as JSON text, never changed)."""
        return self.to_dict(), self.inverse().to_dict()


@dataclass(frozen=True, slots=True)
class CreateSpan(Command):
    op: ClassVar[str] = "create_span"
    span: Span
    relations: tuple[Relation, ...] = ()

    def inverse(self) -> DeleteSpan:
        return DeleteSpan(self.span, self.relations)

    def changes(self) -> ChangeSet:
        return _span_changes((self.span,), ((None, self.span),), self.relations)

    def journal_forms(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Its inverse's form is its own under the inverse's op (the same fields): the span
        and its relations made plain once, not twice (~20 K instructions a span made)."""
        data = self.to_dict()
        return data, {**data, "op": DeleteSpan.op}


@dataclass(frozen=True, slots=True)
class DeleteSpan(Command):
    """Removes a span and the relations that touch it (the store fills ``relations``)."""

    op: ClassVar[str] = "delete_span"
    span: Span
    relations: tuple[Relation, ...] = ()

    def inverse(self) -> CreateSpan:
        return CreateSpan(self.span, self.relations)

    def changes(self) -> ChangeSet:
        return _span_changes((self.span,), ((self.span, None),), self.relations)

    def journal_forms(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """As :meth:`CreateSpan.journal_forms`, the other way."""
        data = self.to_dict()
        return data, {**data, "op": CreateSpan.op}


@dataclass(frozen=True, slots=True)
class UpdateSpan(Command):
    """Replaces a span's label, bounds, attributes or note; ``before`` must be current."""

    op: ClassVar[str] = "update_span"
    before: Span
    after: Span

    def __post_init__(self) -> None:
        if self.before.id != self.after.id or self.before.document != self.after.document:
            raise ValueError("an update keeps the span's id and document")

    def inverse(self) -> UpdateSpan:
        return UpdateSpan(self.after, self.before)

    def journal_forms(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Its inverse's form is its own with the two spans swapped: each made plain once."""
        data = self.to_dict()
        return data, {"op": self.op, "before": data["after"], "after": data["before"]}

    def changes(self) -> ChangeSet:
        return _span_changes((self.before, self.after), ((self.before, self.after),))

    @property
    def kind(self) -> str:
        """What the update does, for the journal and the history list."""
        b, a = self.before, self.after
        if (b.start, b.end) != (a.start, a.end):
            return "resize"
        if b.label != a.label:
            return "relabel"
        if b.attributes != a.attributes:
            return "set_attribute"
        if b.note != a.note:
            return "set_note"
        return "touch"


def relabel(span: Span, label: str, schema: LabelSchema | None = None) -> UpdateSpan:
    """Give ``span`` another label. It keeps the attributes that label defines in ``schema``
    and whose values fit it (:meth:`annotate.schema.Label.kept`); without a schema, none. Undo
    restores the rest."""
    target = schema.label(label) if schema is not None else None
    attributes = target.kept(span.attributes) if target is not None else {}
    return UpdateSpan(span, replace(span, label=label, attributes=attributes, updated=utc_now()))


def resize(span: Span, start: int, end: int) -> UpdateSpan:
    """Give ``span`` new bounds; a discontinuous span keeps the fragments within them."""
    return UpdateSpan(span, replace(span, start=start, end=end, updated=utc_now(),
                                    fragments=clipped(span.fragments, start, end)))


def set_attribute(span: Span, name: str, value: Any) -> UpdateSpan:
    """Set (or, with None, clear) one attribute."""
    attributes = {k: v for k, v in span.attributes.items() if k != name}
    if value is not None:
        attributes[name] = value
    return UpdateSpan(span, replace(span, attributes=attributes, updated=utc_now()))


def set_note(span: Span, note: str | None) -> UpdateSpan:
    return UpdateSpan(span, replace(span, note=note or None, updated=utc_now()))


def set_relation_note(document: str, relation: Relation, note: str | None) -> Batch:
    """Give ``relation`` of ``document`` the ``note`` ("" or None clears it): taken out and put
    back with the note, its id kept, in one step (undone as one)."""
    return Batch((RemoveRelation(document, relation),
                  AddRelation(document, replace(relation, note=note or None))),
                 f"note on a {relation.type} link")


def update_on(update: UpdateSpan, base: Span) -> UpdateSpan | None:
    """``update``, made against ``update.before``, put on the same span as it is now
    (``base``): the fields it changes take its values, the others keep ``base``'s; None when
    that changes nothing (``base`` has them already)."""
    changed = {f.name: getattr(update.after, f.name) for f in fields(Span)
               if f.name != "updated"
               and getattr(update.after, f.name) != getattr(update.before, f.name)}
    after = replace(base, **changed)
    if replace(after, updated=base.updated) == base:
        return None
    return UpdateSpan(base, replace(after, updated=update.after.updated))


def _relation_changes(document: str, relation: Relation) -> ChangeSet:
    """The relation and the documents it lies in: its own and, for a link across documents,
    its target's."""
    documents = {document} if relation.target_document is None else {
        document, relation.target_document}
    return ChangeSet(documents=frozenset(documents), relations=frozenset({relation.id}))


@dataclass(frozen=True, slots=True)
class AddRelation(Command):
    op: ClassVar[str] = "add_relation"
    document: str
    relation: Relation

    def inverse(self) -> RemoveRelation:
        return RemoveRelation(self.document, self.relation)

    def changes(self) -> ChangeSet:
        return _relation_changes(self.document, self.relation)


@dataclass(frozen=True, slots=True)
class RemoveRelation(Command):
    op: ClassVar[str] = "remove_relation"
    document: str
    relation: Relation

    def inverse(self) -> AddRelation:
        return AddRelation(self.document, self.relation)

    def changes(self) -> ChangeSet:
        return _relation_changes(self.document, self.relation)


@dataclass(frozen=True, slots=True)
class SetStatus(Command):
    """Set an annotator's status on a document; ``previous`` is filled in by the store."""

    op: ClassVar[str] = "set_status"
    document: str
    annotator: str
    state: Status
    previous: Status = "todo"

    def inverse(self) -> SetStatus:
        return SetStatus(self.document, self.annotator, self.previous, self.state)

    def changes(self) -> ChangeSet:
        return ChangeSet(documents=frozenset({self.document}), status=True,
                         statuses=((self.document, self.annotator, self.previous, self.state),))


@dataclass(frozen=True, slots=True)
class AddDocLabel(Command):
    """Give a document a label of a document category (see :mod:`annotate.doclabels` for the
    commands a toggle makes)."""

    op: ClassVar[str] = "add_doc_label"
    label: DocLabel

    def inverse(self) -> RemoveDocLabel:
        return RemoveDocLabel(self.label)

    def changes(self) -> ChangeSet:
        return ChangeSet(documents=frozenset({self.label.document}), doc_labels=True)


@dataclass(frozen=True, slots=True)
class RemoveDocLabel(Command):
    op: ClassVar[str] = "remove_doc_label"
    label: DocLabel

    def inverse(self) -> AddDocLabel:
        return AddDocLabel(self.label)

    def changes(self) -> ChangeSet:
        return ChangeSet(documents=frozenset({self.label.document}), doc_labels=True)


def _verdict_changes(verdict: Verdict) -> ChangeSet:
    return ChangeSet(documents=frozenset({verdict.document}),
                     ranges=((verdict.document, verdict.start, verdict.end),), suggestions=True)


@dataclass(frozen=True, slots=True)
class AddVerdict(Command):
    """Record what an annotator made of a suggestion (an accept goes in one Batch with the
    CreateSpan of the span it gives)."""

    op: ClassVar[str] = "add_verdict"
    verdict: Verdict

    def inverse(self) -> RemoveVerdict:
        return RemoveVerdict(self.verdict)

    def changes(self) -> ChangeSet:
        return _verdict_changes(self.verdict)


@dataclass(frozen=True, slots=True)
class RemoveVerdict(Command):
    op: ClassVar[str] = "remove_verdict"
    verdict: Verdict

    def inverse(self) -> AddVerdict:
        return AddVerdict(self.verdict)

    def changes(self) -> ChangeSet:
        return _verdict_changes(self.verdict)


@dataclass(frozen=True, slots=True)
class Batch(Command):
    """Several commands applied, and undone, as one step (e.g. accept all agreed spans)."""

    op: ClassVar[str] = "batch"
    commands: tuple[Command, ...] = field(default=())
    title: str = ""

    def inverse(self) -> Batch:
        return Batch(tuple(c.inverse() for c in reversed(self.commands)), self.title)

    def changes(self) -> ChangeSet:
        result = ChangeSet()
        for command in self.commands:
            result = result | command.changes()
        return result

    def to_dict(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "title": self.title,
            "commands": [c.to_dict() for c in self.commands],
        }


@dataclass(slots=True, unsafe_hash=True)
class Decision:
    """An adjudicator's verdict on aligned spans, on aligned relations, or on the document
    labels of one category, of one document.

    Treat it as a value, as a :class:`~annotate.model.Span`: never mutate one in place (not
    frozen because frozen construction costs 4x, and accepting the agreed items of a corpus
    makes one per item; hashed by its fields as before).

    ``sources`` are the ids of the annotators' spans (or document labels, :attr:`DocLabel.id`)
    it rules on: for an accept, those the gold span (labels) was taken from; for a reject,
    every one of the rejected group. ``gold_span`` is the span an accept put into the gold
    layer (None for a reject, a decision on document labels, or when that gold span was
    deleted since). A decision on document labels names their ``category``; ``gold_labels``
    are the labels of that category an accept put into the gold layer. A decision on relations
    has the annotators' relation ids as ``sources``; an accept's ``gold_relation`` is the
    relation it put into the gold layer (None when deleted since)."""

    id: str
    document: str
    kind: DecisionKind
    sources: tuple[str, ...]
    gold_span: Span | None
    decided_by: str
    at: str = field(default_factory=utc_now)
    category: str | None = None
    gold_labels: tuple[DocLabel, ...] = ()
    gold_relation: Relation | None = None


def _doc_label_from(data: dict[str, Any]) -> DocLabel:
    return DocLabel(**data)


def _decision_from(data: dict[str, Any]) -> Decision:
    gold = data["gold_span"]
    return Decision(
        data["id"],
        data["document"],
        data["kind"],
        tuple(data["sources"]),
        None if gold is None else _span_from(gold),
        data["decided_by"],
        data["at"],
        data.get("category"),
        tuple(_doc_label_from(d) for d in data.get("gold_labels", ())),
        None if data.get("gold_relation") is None else _relation_from(data["gold_relation"]),
    )


def _decision_changes(decision: Decision) -> ChangeSet:
    if decision.category is not None:
        return ChangeSet(documents=frozenset({decision.document}), doc_labels=True)
    return ChangeSet(
        documents=frozenset({decision.document}), spans=frozenset(decision.sources)
    )


@dataclass(frozen=True, slots=True)
class AddDecision(Command):
    """Record an adjudication decision (its gold span is created by a CreateSpan before it)."""

    op: ClassVar[str] = "add_decision"
    decision: Decision

    def inverse(self) -> RemoveDecision:
        return RemoveDecision(self.decision)

    def changes(self) -> ChangeSet:
        return _decision_changes(self.decision)


@dataclass(frozen=True, slots=True)
class RemoveDecision(Command):
    op: ClassVar[str] = "remove_decision"
    decision: Decision

    def inverse(self) -> AddDecision:
        return AddDecision(self.decision)

    def changes(self) -> ChangeSet:
        return _decision_changes(self.decision)


Parts = tuple[list[Span], list[Decision], list[Command]]
"""An AcceptAgreed's gold spans, span decisions and other commands (:func:`gold_parts`)."""


_GIVEN, _GIVE = Batch.commands.__get__, Batch.commands.__set__  # type: ignore[attr-defined]
"""A Batch's ``commands`` slot itself, read and set (:attr:`AcceptAgreed.commands`)."""


@dataclass(frozen=True, slots=True)
class AcceptAgreed(Batch):
    """The agreed items of many documents (a corpus) accepted into gold as ONE step, undone
    as one (by :class:`WithdrawAgreed`). Its ``commands`` come in the order :meth:`of` puts
    them: the gold spans' CreateSpan, the span decisions' AddDecision, then the rest
    (relations, document labels and their decisions) as made. The journal holds it compactly:
    a row per gold span and per span decision, not a command each."""

    op: ClassVar[str] = "accept_agreed"
    JSON_NATIVE: ClassVar[bool] = True  # parsing 4 MB back at 10,000 documents: ~2% of a run
    _parts: Parts | None = field(default=None, compare=False, repr=False)
    """:func:`gold_parts` of ``commands``, once asked (the journal, the undo and the layer
    rules each ask)."""
    read_after: int | None = field(default=None, compare=False, repr=False)
    """The id of the journal's last entry before the items it accepts were read (None: not
    known, as for a redo): the store checks that the sources of its decisions agree still in
    the documents changed since, in every document when it cannot tell which."""

    def _commands(self) -> tuple[Command, ...]:
        """Its ``commands`` (a property, set below the class): those it was given, or (made
        of its parts: :meth:`made_of`) a CreateSpan per gold span and an AddDecision per span
        decision, then the rest, made when first asked. The store writes a step from its
        parts and never asks: at 10,000 documents, 43,712 frozen commands were made and freed
        for nothing (~3% of accept-agreed's instructions)."""
        given = _GIVEN(self)
        if given is None:
            spans, decisions, rest = self._parts  # type: ignore[misc]
            given = (*map(CreateSpan, spans), *map(AddDecision, decisions), *rest)
            _GIVE(self, given)
        return given  # type: ignore[no-any-return]

    def parts(self) -> Parts:
        """:func:`gold_parts` of its ``commands``."""
        if self._parts is None:
            object.__setattr__(self, "_parts", gold_parts(self.commands))
        return self._parts  # type: ignore[return-value]

    @classmethod
    def of(cls, commands: Sequence[Command], title: str = "accept agreed items") -> AcceptAgreed:
        """The step of ``commands`` (those of per-document accepts), in its order."""
        return cls.made_of(gold_parts(commands), title)

    @classmethod
    def made_of(cls, parts: Parts, title: str = "accept agreed items",
                read_after: int | None = None) -> AcceptAgreed:
        """The step of its ``parts`` (as :func:`gold_parts` gives them), found in what was
        read after journal entry ``read_after``."""
        return cls(None, title, parts, read_after)  # type: ignore[arg-type]

    def inverse(self) -> WithdrawAgreed:
        spans, decisions, rest = self.parts()
        return WithdrawAgreed(tuple([s.id for s in spans]), tuple([d.id for d in decisions]),
                              tuple(c.inverse() for c in reversed(rest)), self.title, self)

    def changes(self) -> ChangeSet:
        return _many_changes(self.parts(), created=True)

    def to_dict(self) -> dict[str, Any]:
        """Its journal JSON: the documents once; a row per gold span, [document's index,
        start, end, label, id, attributes, note, fragments] (then created and updated, when
        not ``at``); a row per span decision, [id, sources, its gold span's index] for an
        accept of ``by`` at ``at`` in that span's document, else [id, document, kind,
        sources, gold span id, decided_by, at]; the rest, a command each."""
        spans, decisions, rest = self.parts()
        at = spans[0].created if spans else decisions[0].at if decisions else ""
        by = decisions[0].decided_by if decisions else ""
        documents = {uid: n for n, uid in enumerate(dict.fromkeys([s.document for s in spans]))}
        place = {s.id: n for n, s in enumerate(spans)}
        rows = [[documents[s.document], s.start, s.end, s.label, s.id, s.attributes, s.note,
                 [list(f) for f in s.fragments] if s.fragments else [],
                 *(() if s.created == at == s.updated else (s.created, s.updated))]
                for s in spans]
        decided = [[d.id, list(d.sources), place[d.gold_span.id]]
                   if d.gold_span is not None and d.kind == "accept" and d.decided_by == by
                   and d.at == at and d.gold_span.document == d.document
                   else [d.id, d.document, d.kind, list(d.sources),
                         None if d.gold_span is None else d.gold_span.id, d.decided_by, d.at]
                   for d in decisions]
        return {"op": self.op, "title": self.title, "at": at, "by": by,
                "documents": list(documents), "spans": rows, "decisions": decided,
                "commands": [_native(c.to_dict()) for c in rest]}


# after the class: its dataclass would take a property of a Batch's field out of its body
AcceptAgreed.commands = property(AcceptAgreed._commands, _GIVE)  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class WithdrawAgreed(Command):
    """The undo of an :class:`AcceptAgreed`: its other ``commands`` (relations, document
    labels and their decisions) taken back, then the span decisions of ids ``decisions``,
    then the gold spans of ids ``spans``. ``taken`` is the AcceptAgreed that puts back what it
    took (the store fills it in): what a redo applies. The journal holds the ids alone."""

    op: ClassVar[str] = "withdraw_agreed"
    spans: tuple[str, ...]
    decisions: tuple[str, ...]
    commands: tuple[Command, ...] = ()
    title: str = ""
    taken: AcceptAgreed | None = None

    def inverse(self) -> AcceptAgreed:
        if self.taken is None:
            raise ValueError("what was taken back is not known: apply the command first")
        return self.taken

    def changes(self) -> ChangeSet:
        if self.taken is None:
            return ChangeSet(spans=frozenset(self.spans))
        return _many_changes(self.taken.parts(), created=False)

    def to_dict(self) -> dict[str, Any]:
        return {"op": self.op, "title": self.title, "spans": list(self.spans),
                "decisions": list(self.decisions),
                "commands": [c.to_dict() for c in self.commands]}


def gold_parts(commands: Sequence[Command]) -> Parts:
    """The parts of an AcceptAgreed's ``commands``: the gold spans they create (without
    relations), the span decisions they add (whose gold span is one of those, or none), and
    the rest, each in order."""
    spans: dict[str, Span] = {}
    decisions: list[Decision] = []
    rest: list[Command] = []
    for command in commands:  # by type, not isinstance: tens of thousands of commands
        if type(command) is CreateSpan and not command.relations \
                and command.span.annotator == GOLD:
            spans[command.span.id] = command.span
    for command in commands:
        kind = type(command)
        if kind is CreateSpan and spans.get(command.span.id) is command.span:  # type: ignore[attr-defined]
            continue
        if kind is AddDecision and _span_decision(command.decision, spans):  # type: ignore[attr-defined]
            decisions.append(command.decision)  # type: ignore[attr-defined]
        else:
            rest.append(command)
    return list(spans.values()), decisions, rest


def _span_decision(decision: Decision, spans: dict[str, Span]) -> bool:
    """Whether ``decision`` is on spans and its gold span (if any) is one of ``spans``."""
    gold = decision.gold_span
    return (decision.category is None and decision.gold_relation is None
            and not decision.gold_labels
            and (gold is None or spans.get(gold.id) is gold or spans.get(gold.id) == gold))


def _accept_agreed_from(data: dict[str, Any]) -> AcceptAgreed:
    """An AcceptAgreed from its journal JSON (:meth:`AcceptAgreed.to_dict`; or as written
    before, with each span's document and times and each decision whole)."""
    if "documents" not in data:  # the journal of earlier versions
        spans = [Span(uid, start, end, label, GOLD, span_id, attributes, note, created, updated,
                      tuple(tuple(f) for f in fragments))
                 for uid, start, end, label, span_id, attributes, note, created, updated,
                 fragments in data["spans"]]
    else:
        uids, at = data["documents"], data["at"]
        spans = []
        for row in data["spans"]:
            doc, start, end, label, span_id, attributes, note, fragments, *made = row
            created, updated = made or (at, at)
            spans.append(Span(uids[doc], start, end, label, GOLD, span_id, attributes, note,
                              created, updated, tuple(tuple(f) for f in fragments)))
    by_id = {s.id: s for s in spans}
    decisions = []
    for row in data["decisions"]:
        if len(row) == 3:
            decision_id, sources, gold = row
            span = spans[gold]
            decisions.append(Decision(decision_id, span.document, "accept", tuple(sources), span,
                                      data["by"], data["at"]))
        else:
            decision_id, uid, kind, sources, gold_id, by, made_at = row
            decisions.append(Decision(decision_id, uid, kind, tuple(sources),
                                      None if gold_id is None else by_id[gold_id], by, made_at))
    return AcceptAgreed((*(CreateSpan(s) for s in spans), *(AddDecision(d) for d in decisions),
                         *(command_from_dict(c) for c in data["commands"])), data["title"])


def _many_changes(parts: Parts, created: bool) -> ChangeSet:
    """What an AcceptAgreed (``created``) or WithdrawAgreed changes, by the AcceptAgreed's
    ``parts``: in one pass over its gold spans and span decisions, the rest's own ChangeSets
    joined to it."""
    spans, decisions, rest = parts
    result = ChangeSet(
        documents=frozenset([s.document for s in spans]).union([d.document for d in decisions]),
        spans=frozenset([s.id for s in spans]).union([i for d in decisions for i in d.sources]),
        ranges=tuple([(s.document, s.start, s.end) for s in spans]),
        edits=tuple([(None, s) for s in spans] if created else [(s, None) for s in spans]),
    )
    for command in rest:
        result = result | command.changes()
    return result


@dataclass(frozen=True, slots=True)
class SetSchema(Command):
    """Replace the label schema. ``renames`` pairs (old name, new name) of labels whose spans
    follow them, ``relation_renames`` of relation types whose relations follow them; ``before``
    is the schema replaced (the store fills it in), what undo puts back."""

    op: ClassVar[str] = "set_schema"
    after: LabelSchema
    renames: tuple[tuple[str, str], ...] = ()
    before: LabelSchema | None = None
    relation_renames: tuple[tuple[str, str], ...] = ()

    def inverse(self) -> SetSchema:
        if self.before is None:
            raise ValueError("the schema replaced is not known: apply the command first")
        return SetSchema(self.before, tuple((new, old) for old, new in self.renames), self.after,
                         tuple((new, old) for old, new in self.relation_renames))

    def changes(self) -> ChangeSet:
        return ChangeSet(schema=True)


_LEDGER = ChangeSet(ledger=True)


@dataclass(frozen=True, slots=True)
class CreateActor(Command):
    """Add an actor, and link the entity spans ``links`` names ((document uid, span id)) to it:
    what an undo of :class:`DeleteActor` restores."""

    op: ClassVar[str] = "create_actor"
    actor: Actor
    links: tuple[tuple[str, str], ...] = ()

    def inverse(self) -> DeleteActor:
        return DeleteActor(self.actor, self.links)

    def changes(self) -> ChangeSet:
        return _links_changes(self.links)


@dataclass(frozen=True, slots=True)
class DeleteActor(Command):
    """Remove an actor and its links (the store fills ``links`` and the actor as stored)."""

    op: ClassVar[str] = "delete_actor"
    actor: Actor
    links: tuple[tuple[str, str], ...] = ()

    def inverse(self) -> CreateActor:
        return CreateActor(self.actor, self.links)

    def changes(self) -> ChangeSet:
        return _links_changes(self.links)


@dataclass(frozen=True, slots=True)
class UpdateActor(Command):
    """Rename an actor, or change its kind or aliases; ``before`` must be current."""

    op: ClassVar[str] = "update_actor"
    before: Actor
    after: Actor

    def __post_init__(self) -> None:
        if self.before.id != self.after.id:
            raise ValueError("an update keeps the actor's id")

    def inverse(self) -> UpdateActor:
        return UpdateActor(self.after, self.before)

    def changes(self) -> ChangeSet:
        return _LEDGER


@dataclass(frozen=True, slots=True)
class LinkActor(Command):
    """Resolve the entity span ``span`` of ``document`` to the actor of id ``actor`` (None:
    to none); ``previous`` is the actor it named before (the store fills it in)."""

    op: ClassVar[str] = "link_actor"
    document: str
    span: str
    actor: str | None
    previous: str | None = None

    def inverse(self) -> LinkActor:
        return LinkActor(self.document, self.span, self.previous, self.actor)

    def changes(self) -> ChangeSet:
        return _links_changes(((self.document, self.span),))


def _links_changes(links: tuple[tuple[str, str], ...]) -> ChangeSet:
    return ChangeSet(documents=frozenset(uid for uid, _ in links),
                     spans=frozenset(span for _, span in links), ledger=True)


@dataclass(frozen=True, slots=True)
class CreateEvent(Command):
    """Add an event and put the ``documents`` (uids) in it: what undoing a delete restores."""

    op: ClassVar[str] = "create_event"
    event: Event
    documents: tuple[str, ...] = ()

    def inverse(self) -> DeleteEvent:
        return DeleteEvent(self.event, self.documents)

    def changes(self) -> ChangeSet:
        return ChangeSet(documents=frozenset(self.documents), ledger=True)


@dataclass(frozen=True, slots=True)
class DeleteEvent(Command):
    """Remove an event (the store fills ``documents`` and the event as stored)."""

    op: ClassVar[str] = "delete_event"
    event: Event
    documents: tuple[str, ...] = ()

    def inverse(self) -> CreateEvent:
        return CreateEvent(self.event, self.documents)

    def changes(self) -> ChangeSet:
        return ChangeSet(documents=frozenset(self.documents), ledger=True)


@dataclass(frozen=True, slots=True)
class UpdateEvent(Command):
    """Rename an event or change its window or place; ``before`` must be current."""

    op: ClassVar[str] = "update_event"
    before: Event
    after: Event

    def __post_init__(self) -> None:
        if self.before.id != self.after.id:
            raise ValueError("an update keeps the event's id")

    def inverse(self) -> UpdateEvent:
        return UpdateEvent(self.after, self.before)

    def changes(self) -> ChangeSet:
        return _LEDGER


@dataclass(frozen=True, slots=True)
class SetEventDocument(Command):
    """Put the document ``document`` in the event of id ``event`` (``member``), or take it out."""

    op: ClassVar[str] = "set_event_document"
    event: str
    document: str
    member: bool = True

    def inverse(self) -> SetEventDocument:
        return SetEventDocument(self.event, self.document, not self.member)

    def changes(self) -> ChangeSet:
        return ChangeSet(documents=frozenset({self.document}), ledger=True)


Pairs = tuple[tuple[str, str], ...]
"""(document uid, annotator) pairs: who is assigned which document."""


def _pairs_changes(pairs: Pairs) -> ChangeSet:
    return ChangeSet(documents=frozenset(uid for uid, _ in pairs), status=True)


@dataclass(frozen=True, slots=True)
class Assign(Command):
    """Assign each document to each annotator of ``pairs`` (a lead's step; none assigned yet)."""

    op: ClassVar[str] = "assign"
    pairs: Pairs

    def inverse(self) -> Unassign:
        return Unassign(self.pairs)

    def changes(self) -> ChangeSet:
        return _pairs_changes(self.pairs)


@dataclass(frozen=True, slots=True)
class Unassign(Command):
    """Take back the assignments ``pairs`` names (each of them held)."""

    op: ClassVar[str] = "unassign"
    pairs: Pairs

    def inverse(self) -> Assign:
        return Assign(self.pairs)

    def changes(self) -> ChangeSet:
        return _pairs_changes(self.pairs)


@dataclass(frozen=True, slots=True)
class SetBlind(Command):
    """Turn blind mode on or off (``previous`` is filled in by the store): while on, an
    annotator sees only their own layer of a document until it goes to review."""

    op: ClassVar[str] = "set_blind"
    on: bool
    previous: bool = False

    def inverse(self) -> SetBlind:
        return SetBlind(self.previous, self.on)

    def changes(self) -> ChangeSet:
        return ChangeSet(status=True)


def _actor_from(data: dict[str, Any]) -> Actor:
    return Actor(data["name"], data["kind"], tuple(data["aliases"]), data["id"])


def _links_from(data: list[Any]) -> tuple[tuple[str, str], ...]:
    return tuple((str(uid), str(span)) for uid, span in data)


def command_from_dict(data: dict[str, Any]) -> Command:
    """Rebuild a command from its journal JSON."""
    data = dict(data)
    op = data.pop("op")
    if op in ("create_span", "delete_span"):
        cls = CreateSpan if op == "create_span" else DeleteSpan
        return cls(_span_from(data["span"]), tuple(_relation_from(r) for r in data["relations"]))
    if op == "update_span":
        return UpdateSpan(_span_from(data["before"]), _span_from(data["after"]))
    if op in ("add_relation", "remove_relation"):
        cls2 = AddRelation if op == "add_relation" else RemoveRelation
        return cls2(data["document"], _relation_from(data["relation"]))
    if op in ("add_doc_label", "remove_doc_label"):
        cls4 = AddDocLabel if op == "add_doc_label" else RemoveDocLabel
        return cls4(_doc_label_from(data["label"]))
    if op == "set_status":
        return SetStatus(**data)
    if op in ("add_verdict", "remove_verdict"):
        cls5 = AddVerdict if op == "add_verdict" else RemoveVerdict
        return cls5(Verdict(**data["verdict"]))
    if op in ("add_decision", "remove_decision"):
        cls3 = AddDecision if op == "add_decision" else RemoveDecision
        return cls3(_decision_from(data["decision"]))
    if op == "set_schema":
        before = data.get("before")
        return SetSchema(
            LabelSchema.from_json(data["after"]),
            tuple((str(old), str(new)) for old, new in data.get("renames", ())),
            None if before is None else LabelSchema.from_json(before),
            tuple((str(old), str(new)) for old, new in data.get("relation_renames", ())),
        )
    if op in ("create_actor", "delete_actor"):
        cls5 = CreateActor if op == "create_actor" else DeleteActor
        return cls5(_actor_from(data["actor"]), _links_from(data["links"]))
    if op == "update_actor":
        return UpdateActor(_actor_from(data["before"]), _actor_from(data["after"]))
    if op == "link_actor":
        return LinkActor(**data)
    if op in ("create_event", "delete_event"):
        cls6 = CreateEvent if op == "create_event" else DeleteEvent
        return cls6(Event(**data["event"]), tuple(data["documents"]))
    if op == "update_event":
        return UpdateEvent(Event(**data["before"]), Event(**data["after"]))
    if op == "set_event_document":
        return SetEventDocument(**data)
    if op in ("assign", "unassign"):
        cls7 = Assign if op == "assign" else Unassign
        return cls7(tuple((str(uid), str(name)) for uid, name in data["pairs"]))
    if op == "set_blind":
        return SetBlind(bool(data["on"]), bool(data["previous"]))
    if op == AcceptAgreed.op:
        return _accept_agreed_from(data)
    if op == WithdrawAgreed.op:
        return WithdrawAgreed(tuple(data["spans"]), tuple(data["decisions"]),
                              tuple(command_from_dict(c) for c in data["commands"]),
                              data["title"])
    if op == "batch":
        return Batch(tuple(command_from_dict(c) for c in data["commands"]), data.get("title", ""))
    raise ValueError(f"unknown command {op!r}")
