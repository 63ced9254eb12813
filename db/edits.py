"""Applying edit commands to the tables, inside the caller's transaction.

``run`` checks a command against the stored state and the schema, fills in what its
inverse needs (a deleted span's relations, a status's previous value), writes it, and
returns the command as applied: that is what the journal records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from functools import singledispatch
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select

from annotate import doclabels, edges, layers
from annotate.commands import (
    AddDecision,
    AddDocLabel,
    AddRelation,
    Batch,
    Command,
    CreateSpan,
    Decision,
    DeleteSpan,
    RemoveDecision,
    RemoveDocLabel,
    RemoveRelation,
    SetSchema,
    SetStatus,
    UpdateSpan,
)
from annotate.errors import ValidationError
from annotate.model import GOLD, STATUSES, DocLabel, Relation, Span, Status, utc_now
from annotate.schema import LabelSchema
from annotate.validator import check_doc_label, check_fits, check_relation, check_span
from db import json_text, span_rows, standing, tombstones
from db.engine import chunks, execute, execute_many, marks
from db.names import Names
from db.schema_io import read_schema, usage, write_schema
from db.tables import (
    DecisionModel,
    DocLabelModel,
    DocumentModel,
    RelationModel,
    SpanModel,
    StatusModel,
)


@dataclass
class Known:
    """What edits look up again and again, for a caller to keep between transactions while
    the store is unchanged: the schema, and each document's id and length by uid (a stored
    text never changes, but reading the length column walks past the whole text)."""

    schema: LabelSchema
    documents: dict[str, tuple[int, int]] = field(default_factory=dict)
    text: tuple[str, str] = ("", "")
    """The last document whose text an edit needed (uid, text): reading a long text costs
    more than the whole rest of an edit, and edits come document by document."""


_KNOWN: ContextVar[Known | None] = ContextVar("known", default=None)
"""What the running :func:`apply` may take as known, when its caller keeps it."""
REPLAYING: ContextVar[bool] = ContextVar("replaying", default=False)
"""Whether the command running is an undo's or a redo's (:func:`db.many_edits.replay`): what
was there comes back as it was, not refused by a rule made since it was stored (an event's
dates checked against the calendar)."""

D, S, R, ST, DE, DL = (
    DocumentModel.__table__,
    SpanModel.__table__,
    RelationModel.__table__,
    StatusModel.__table__,
    DecisionModel.__table__,
    DocLabelModel.__table__,
)

_LOAD_SPAN = (
    f"SELECT d.uid, {span_rows.column_list('s')} FROM spans AS s "
    "JOIN documents AS d ON d.id = s.document_id WHERE s.id = ?"
)
"""Run on the driver (db.engine.execute): SQLAlchemy's execution costs several times SQLite's."""


def _document(conn: Connection, uid: str) -> tuple[int, int]:
    """The document's id and length (its text's code points)."""
    known = _KNOWN.get()
    if known is not None and uid in known.documents:
        return known.documents[uid]
    row = execute(conn, _LOAD_DOCUMENT, (uid,)).fetchone()
    if row is None:
        raise ValidationError(f"no document {uid}")
    if known is not None:
        known.documents[uid] = row
    return row


_LOAD_DOCUMENT = "SELECT id, length FROM documents WHERE uid = ?"


def documents(conn: Connection, uids: Iterable[str],
              known: Known | None = None) -> dict[str, tuple[int, int]]:
    """Each document's id and length by uid (those ``known`` holds, and the rest read a few
    hundred at a time); ValidationError naming the first one that is not here."""
    found = {} if known is None else known.documents
    missing = [uid for uid in dict.fromkeys(uids) if uid not in found]
    for part in chunks(missing):
        found.update({uid: (doc_id, length) for uid, doc_id, length in execute(
            conn, f"SELECT uid, id, length FROM documents WHERE uid IN ({marks(part)})", part)})
    for uid in missing:
        if uid not in found:
            raise ValidationError(f"no document {uid}")
    return found


def _document_id(conn: Connection, uid: str) -> int:
    """The document's id, found in the uid index alone (no need to read the row)."""
    found = conn.scalar(select(D.c.id).where(D.c.uid == uid))
    if found is None:
        raise ValidationError(f"no document {uid}")
    return found


def find_span(conn: Connection, names: Names, span_id: str) -> Span | None:
    """The span of id ``span_id``, or None when there is none."""
    row = execute(conn, _LOAD_SPAN, (span_id,)).fetchone()
    if row is None:
        return None
    return span_rows.from_row(
        row[1:],
        row[0],
        lambda i: names.label_name(conn, i),
        lambda i: names.annotator_name(conn, i),
    )


def load_span(conn: Connection, names: Names, span_id: str) -> Span:
    found = find_span(conn, names, span_id)
    if found is None:
        raise ValidationError(f"no span {span_id} (it may have been deleted)")
    return found


def load_status(conn: Connection, names: Names, uid: str, annotator: str) -> Status:
    doc_id = _document_id(conn, uid)
    state = conn.scalar(
        select(ST.c.state).where(
            ST.c.document_id == doc_id, ST.c.annotator_id == names.annotator_id(conn, annotator)
        )
    )
    return state or "todo"


def _span_row(conn: Connection, names: Names, span: Span, doc_id: int) -> tuple[object, ...]:
    return span_rows.to_row(
        span, doc_id, names.annotator_id(conn, span.annotator), names.label_id(conn, span.label)
    )


_RELATION = (
    "SELECT r.id, r.type, r.source_id, r.target_id, r.annotator_id, r.note, d.uid "
    "FROM relations AS r LEFT JOIN documents AS d ON d.id = r.target_document_id"
)
_RELATIONS_TOUCHING = f"{_RELATION} WHERE r.source_id = ? OR r.target_id = ? ORDER BY r.id"
_FIND_RELATION = f"{_RELATION} WHERE r.id = ?"
_DELETE_RELATION = "DELETE FROM relations WHERE id = ?"
DELETE_SPAN = "DELETE FROM spans WHERE id = ?"
"""Run on the driver (db.engine.execute), as ``_LOAD_SPAN``."""


def _relation(conn: Connection, names: Names, row: Any) -> Relation:
    """The relation of a row of ``_RELATION``."""
    relation_id, kind, source, target, annotator_id, note, far = row
    return Relation(kind, source, target, names.annotator_name(conn, annotator_id), relation_id,
                    note, far)


def _relations_touching(conn: Connection, names: Names, span: Span) -> tuple[Relation, ...]:
    rows = execute(conn, _RELATIONS_TOUCHING, (span.id, span.id)).fetchall()
    return tuple(_relation(conn, names, r) for r in rows)


def find_relation(conn: Connection, names: Names, relation_id: str) -> Relation | None:
    """The relation of id ``relation_id``, or None when there is none."""
    row = execute(conn, _FIND_RELATION, (relation_id,)).fetchone()
    return None if row is None else _relation(conn, names, row)


def _insert_relation(
    conn: Connection, names: Names, relation: Relation, uid: str | None = None
) -> None:
    """Store ``relation`` in the document of its source (which must be ``uid`` when given);
    its target is in that document too, or, for a link across documents, in its
    ``target_document``."""
    source = load_span(conn, names, relation.source)
    target = load_span(conn, names, relation.target)
    if uid is not None and source.document != uid:
        raise ValidationError(f"relation {relation.id} must start at a span of this document")
    if not relation.crosses and target.document != source.document:
        raise ValidationError(f"relation {relation.id} must join two spans of this document")
    layers.check_link(relation, source, target)
    check_relation(_schema(conn), relation, source, target)
    conn.execute(
        insert(R).values(
            id=relation.id,
            document_id=_document_id(conn, source.document),
            type=relation.type,
            source_id=relation.source,
            target_id=relation.target,
            annotator_id=names.annotator_id(conn, relation.annotator),
            note=relation.note,
            target_document_id=(_document_id(conn, target.document) if relation.crosses
                                else None),
        )
    )
    tombstones.unbury(conn, "relation", [relation.id])


@singledispatch
def run(command: Command, conn: Connection, names: Names) -> Command:
    raise TypeError(f"no store action for {type(command).__name__}")


def apply(conn: Connection, names: Names, command: Command, known: Known | None = None) -> Command:
    """Run ``command``; ``known`` is what the caller keeps of the store (else it is read from
    ``conn``), and gains the documents looked up."""
    token = _KNOWN.set(known)
    try:
        return run(command, conn, names)
    finally:
        _KNOWN.reset(token)


def check_placed(conn: Connection, command: Command, known: Known | None = None) -> None:
    """Refuse ``command`` when a span it creates or moves would hold only punctuation and
    spaces (:func:`annotate.edges.check_ink`). ``known`` keeps the text read (else each
    span reads just its own characters)."""
    for span in edges.placed(command):
        if known is None:
            text = conn.scalar(
                select(func.substr(D.c.text, span.start + 1, span.end - span.start)).where(
                    D.c.uid == span.document
                )
            )
        else:
            if known.text[0] != span.document:
                found = conn.scalar(select(D.c.text).where(D.c.uid == span.document))
                known.text = (span.document, found or "")
            text = known.text[1][span.start:span.end]
        if text:
            edges.check_ink(text)


def known(conn: Connection) -> Known:
    """A fresh :class:`Known` of the store ``conn`` is on."""
    return Known(read_schema(conn))


def _schema(conn: Connection) -> LabelSchema:
    found = _KNOWN.get()
    return read_schema(conn) if found is None else found.schema


@run.register
def _(command: CreateSpan, conn: Connection, names: Names) -> Command:
    doc_id, length = _document(conn, command.span.document)
    check_span(_schema(conn), command.span, length)
    row = _span_row(conn, names, command.span, doc_id)
    if not execute(conn, span_rows.INSERT_NEW, row).rowcount:
        raise ValidationError(f"span {command.span.id} exists already")
    tombstones.unbury(conn, "span", [command.span.id])
    for relation in command.relations:  # a link from another document starts there
        _insert_relation(conn, names, relation, None if relation.crosses else
                         command.span.document)
    return command


@run.register
def _(command: DeleteSpan, conn: Connection, names: Names) -> Command:
    current = load_span(conn, names, command.span.id)
    relations = _relations_touching(conn, names, current)
    if relations:
        execute_many(conn, _DELETE_RELATION, [(r.id,) for r in relations])
    execute(conn, DELETE_SPAN, (current.id,))
    tombstones.bury(conn, "span", [current.id])
    tombstones.bury(conn, "relation", [r.id for r in relations])
    return DeleteSpan(current, relations)


@run.register
def _(command: UpdateSpan, conn: Connection, names: Names) -> Command:
    current = load_span(conn, names, command.before.id)
    if current != command.before and \
            replace(current, updated="") != replace(command.before, updated=""):  # time aside
        raise ValidationError("the span was changed elsewhere since it was shown; look again")
    doc_id, length = _document(conn, current.document)
    after = (
        command.after
        if command.after.updated != current.updated
        else replace(command.after, updated=utc_now())
    )
    schema = _schema(conn)
    check_span(schema, after, length)
    if after.label != current.label:
        _check_links_after_relabel(conn, names, schema, after)
    execute(conn, span_rows.UPDATE, span_rows.update_params(_span_row(conn, names, after, doc_id)))
    return UpdateSpan(current, after)


def _check_links_after_relabel(
    conn: Connection, names: Names, schema: LabelSchema, after: Span
) -> None:
    """Refuse a relabel that would leave links of the span the schema does not allow (the
    window removes them in the same step, :mod:`annotate.relabel`)."""
    refused = []
    for relation in _relations_touching(conn, names, after):
        source = after if relation.source == after.id else load_span(conn, names, relation.source)
        target = after if relation.target == after.id else load_span(conn, names, relation.target)
        try:
            schema.check_relation(relation, source, target)
        except ValidationError:
            refused.append(relation.type)
    if refused:
        raise ValidationError(
            f"a {after.label} span cannot keep its links {', '.join(refused)}: remove them "
            "in the same step"
        )


@run.register
def _(command: AddRelation, conn: Connection, names: Names) -> Command:
    if conn.scalar(select(R.c.id).where(R.c.id == command.relation.id)):
        raise ValidationError(f"relation {command.relation.id} exists already")
    _insert_relation(conn, names, command.relation, command.document)
    return command


@run.register
def _(command: RemoveRelation, conn: Connection, names: Names) -> Command:
    current = find_relation(conn, names, command.relation.id)
    if current is None:
        raise ValidationError(f"no relation {command.relation.id} (it may have been removed)")
    execute(conn, _DELETE_RELATION, (current.id,))
    tombstones.bury(conn, "relation", [current.id])
    return RemoveRelation(command.document, current)


@run.register
def _(command: SetStatus, conn: Connection, names: Names) -> Command:
    if command.state not in STATUSES:
        raise ValidationError(f"status {command.state!r} is not one of {', '.join(STATUSES)}")
    doc_id = _document_id(conn, command.document)
    who = names.annotator_id(conn, command.annotator)
    previous = load_status(conn, names, command.document, command.annotator)
    conn.execute(delete(ST).where(ST.c.document_id == doc_id, ST.c.annotator_id == who))
    conn.execute(
        insert(ST).values(
            document_id=doc_id, annotator_id=who, state=command.state, updated=utc_now()
        )
    )
    return replace(command, previous=previous)


def load_doc_labels(conn: Connection, names: Names, uid: str,
                    annotators: Sequence[str] | None = None) -> list[DocLabel]:
    """The document's labels (of ``annotators``, if given), by annotator, category, value."""
    doc_id = _document_id(conn, uid)
    rows = conn.execute(
        select(DL.c.annotator_id, DL.c.category, DL.c.value, DL.c.created)
        .where(DL.c.document_id == doc_id)
    )
    found = [DocLabel(uid, r.category, r.value, names.annotator_name(conn, r.annotator_id),
                      r.created) for r in rows]
    if annotators is not None:
        found = [d for d in found if d.annotator in annotators]
    return sorted(found, key=lambda d: (d.annotator, d.category, d.value))


def _doc_label_where(conn: Connection, names: Names, label: DocLabel) -> tuple[int, Any]:
    doc_id = _document_id(conn, label.document)
    who = names.annotator_id(conn, label.annotator)
    return doc_id, and_(DL.c.document_id == doc_id, DL.c.annotator_id == who,
                        DL.c.category == label.category)


@run.register
def _(command: AddDocLabel, conn: Connection, names: Names) -> Command:
    label = command.label
    check_doc_label(_schema(conn), label)
    doc_id, same_category = _doc_label_where(conn, names, label)
    values = list(conn.scalars(select(DL.c.value).where(same_category)))
    if label.value in values:
        raise ValidationError(
            f"{label.annotator} has {label.category}:{label.value} on this document already")
    doclabels.check_single(_schema(conn), label, values)
    conn.execute(insert(DL).values(
        document_id=doc_id, annotator_id=names.annotator_id(conn, label.annotator),
        category=label.category, value=label.value, created=label.created,
    ))
    tombstones.unbury(conn, "doclabel", [label.id])
    return command


@run.register
def _(command: RemoveDocLabel, conn: Connection, names: Names) -> Command:
    label = command.label
    _, same_category = _doc_label_where(conn, names, label)
    row = conn.execute(select(DL.c.created).where(same_category, DL.c.value == label.value)).first()
    if row is None:
        raise ValidationError(f"{label.annotator} has no {label.category}:{label.value} on this "
                              "document (it may have been removed)")
    conn.execute(delete(DL).where(same_category, DL.c.value == label.value))
    tombstones.bury(conn, "doclabel", [label.id])
    return RemoveDocLabel(replace(label, created=row.created))


@run.register
def _(command: SetSchema, conn: Connection, names: Names) -> Command:
    command.after.validate()
    renames, relation_renames = dict(command.renames), dict(command.relation_renames)
    check_fits(command.after, usage(conn), renames, relation_renames)
    before = read_schema(conn)
    write_schema(conn, command.after, renames, relation_renames)
    names.clear()  # label ids by name changed
    return SetSchema(command.after, command.renames, before, command.relation_renames)


@run.register
def _(command: Batch, conn: Connection, names: Names) -> Command:
    decisions = [c.decision for c in command.commands if isinstance(c, AddDecision)]
    if decisions:  # first: a reviewer whose list was out of date is told so
        docs = documents(conn, (d.document for d in decisions), _KNOWN.get())
        standing.check_open_many(conn, names, [(docs[uid][0], mine) for uid, mine
                                               in standing.by_document(decisions).items()])
    return Batch(tuple(_add_decision(c, conn, names, checked=True) if isinstance(c, AddDecision)
                       else run(c, conn, names) for c in command.commands), command.title)


def decision_from_row(conn: Connection, names: Names, row: object, uid: str,
                      spans: Mapping[str, Span] | None = None,
                      relations: Mapping[str, Relation] | None = None) -> Decision:
    """A stored decision; its gold span (relation) is None when that span (relation) no longer
    exists. ``spans`` and ``relations``: the document's by id, when the caller has read them
    (else the gold span or relation is read)."""
    gold_id = row.gold_span_id  # type: ignore[attr-defined]
    relation_id = row.gold_relation_id  # type: ignore[attr-defined]
    category = row.category  # type: ignore[attr-defined]
    gold = (None if gold_id is None
            else find_span(conn, names, gold_id) if spans is None else spans.get(gold_id))
    gold_relation = (None if relation_id is None
                     else find_relation(conn, names, relation_id) if relations is None
                     else relations.get(relation_id))
    return Decision(
        row.id,  # type: ignore[attr-defined]
        uid,
        row.kind,  # type: ignore[attr-defined]
        tuple(row.sources),  # type: ignore[attr-defined]
        gold,
        names.annotator_name(conn, row.decided_by_id),  # type: ignore[attr-defined]
        row.at,  # type: ignore[attr-defined]
        category,
        tuple(DocLabel(uid, c, v, GOLD, at)
              for c, v, at in row.gold_labels or ()),  # type: ignore[attr-defined]
        gold_relation,
    )


def load_decisions(conn: Connection, names: Names, uid: str) -> list[Decision]:
    """A document's decisions, oldest first."""
    doc_id = _document_id(conn, uid)
    rows = conn.execute(select(DE).where(DE.c.document_id == doc_id).order_by(DE.c.at, DE.c.id))
    return [decision_from_row(conn, names, row, uid) for row in rows.all()]


def _check_doc_decision(conn: Connection, names: Names, decision: Decision) -> None:
    """A decision on the document labels of one category: an accept names the gold labels
    it wrote, of that category, on its document, and they are there."""
    if decision.gold_span is not None:
        raise ValidationError("a decision on document labels puts no span into the gold layer")
    if decision.kind == "reject" and decision.gold_labels:
        raise ValidationError("a reject puts no label into the gold layer")
    if decision.kind == "accept" and not decision.gold_labels:
        raise ValidationError("an accept needs the gold document labels it wrote")
    held = {d.value for d in load_doc_labels(conn, names, decision.document, [GOLD])
            if d.category == decision.category}
    for label in decision.gold_labels:
        if (label.annotator != GOLD or label.document != decision.document
                or label.category != decision.category or label.value not in held):
            raise ValidationError(f"the gold label {label.category}:{label.value} of the "
                                  "decision is not in this document's gold layer")


def _check_decision(conn: Connection, names: Names, decision: Decision) -> None:
    check_decision_shape(decision)
    if decision.category is not None:
        _check_doc_decision(conn, names, decision)
    elif decision.gold_relation is not None:
        _check_relation_decision(conn, names, decision)
    else:
        check_span_decision(decision, lambda span_id: load_span(conn, names, span_id).document)


def check_decision_shape(decision: Decision) -> None:
    """The rules every decision meets: it accepts or rejects, rules on something, and puts
    document labels into gold only when it is on a document category."""
    if decision.kind not in ("accept", "reject"):
        raise ValidationError(f"a decision accepts or rejects, not {decision.kind!r}")
    if not decision.sources:
        raise ValidationError("a decision needs the spans or document labels it rules on")
    if decision.category is None and decision.gold_labels:
        raise ValidationError("a decision on spans puts no document label into the gold layer")


def check_span_decision(decision: Decision, document_of: Callable[[str], str]) -> None:
    """The rules of a decision on spans (not on relations or document labels): a reject has
    no gold span; an accept has the gold span it created, in its document (``document_of``:
    the uid of the document holding a span id; ValidationError when there is none)."""
    gold = decision.gold_span
    if decision.kind == "reject" and gold is not None:
        raise ValidationError("a reject puts no span into the gold layer")
    if decision.kind == "accept":
        if gold is None or gold.annotator != GOLD:
            raise ValidationError("an accept needs the gold span it created")
        if document_of(gold.id) != decision.document:
            raise ValidationError("the gold span belongs to another document")


def check_span_decisions(decisions: Iterable[Decision], documents: Mapping[str, str]) -> None:
    """:func:`check_decision_shape` and :func:`check_span_decision` of each of the span
    ``decisions``, the document of each gold span by its id in ``documents`` (a span not
    there: ValidationError, as :func:`load_span` says it), in one pass: the usual accept (of
    some sources, its gold span in its document) passes there, any other is checked by them
    (accept-agreed checks tens of thousands at once)."""
    def document_of(span_id: str) -> str:
        if span_id not in documents:
            raise ValidationError(f"no span {span_id} (it may have been deleted)")
        return documents[span_id]

    for decision in decisions:
        gold = decision.gold_span
        if (decision.kind != "accept" or not decision.sources or decision.gold_labels
                or gold is None or gold.annotator != GOLD
                or documents.get(gold.id) != decision.document):
            check_decision_shape(decision)
            check_span_decision(decision, document_of)


def _check_relation_decision(conn: Connection, names: Names, decision: Decision) -> None:
    """An accept on relations names the gold relation it wrote, on its document, and it is
    there."""
    relation = decision.gold_relation
    if decision.kind != "accept" or decision.gold_span is not None:
        raise ValidationError("a decision on relations accepts one gold relation, nothing else")
    if relation is None or relation.annotator != GOLD:
        raise ValidationError("an accept on relations needs the gold relation it created")
    uid = conn.scalar(select(D.c.uid).join(R, D.c.id == R.c.document_id)
                      .where(R.c.id == relation.id))
    if uid != decision.document:
        raise ValidationError("the gold relation of the decision is not in this document")


@run.register
def _(command: AddDecision, conn: Connection, names: Names) -> Command:
    return _add_decision(command, conn, names)


def add_checked_decision(conn: Connection, names: Names, command: AddDecision) -> Command:
    """Run ``command``, whose item :func:`db.standing.check_open` found open already in this
    transaction."""
    return _add_decision(command, conn, names, checked=True)


def _add_decision(command: AddDecision, conn: Connection, names: Names,
                  checked: bool = False) -> Command:
    """Record the decision (``checked``: its item was found open already, in this
    transaction)."""
    decision = command.decision
    doc_id, _ = _document(conn, decision.document)
    if execute(conn, _DECISION_EXISTS, (decision.id,)).fetchone():
        raise ValidationError(f"decision {decision.id} exists already")
    _check_decision(conn, names, decision)
    if not checked:
        standing.check_open(conn, names, decision, doc_id)
    execute(conn, INSERT_DECISION, decision_row(conn, names, decision, doc_id))
    return command


def decision_row(conn: Connection, names: Names, decision: Decision,
                 doc_id: int) -> tuple[Any, ...]:
    """The parameters of :data:`INSERT_DECISION` for ``decision`` of document ``doc_id``."""
    return decision_rows(conn, names, [(decision, doc_id)])[0]


def decision_rows(conn: Connection, names: Names,
                  placed: Iterable[tuple[Decision, int]]) -> list[tuple[Any, ...]]:
    """:func:`decision_row` of each (decision, id of its document) of ``placed`` (those
    who decided looked up once each: accept-agreed writes tens of thousands)."""
    placed = list(placed)
    sources = json_text.dumps_each([decision.sources for decision, _ in placed])
    by: dict[str, int] = {}
    rows = []
    for (decision, doc_id), sourced in zip(placed, sources, strict=True):
        who = by.get(decision.decided_by)
        if who is None:
            who = by[decision.decided_by] = names.annotator_id(conn, decision.decided_by)
        rows.append((
            decision.id, doc_id, decision.kind, sourced,
            None if decision.gold_span is None else decision.gold_span.id, decision.category,
            "null" if decision.category is None else json_text.dumps(
                [[d.category, d.value, d.created] for d in decision.gold_labels]),
            who, decision.at,
            None if decision.gold_relation is None else decision.gold_relation.id,
        ))
    return rows


# On the driver, as JSON text (db.json_text: read back parsed; None as 'null').
_DECISION_EXISTS = "SELECT 1 FROM decisions WHERE id = ?"
DECISION_ROW = ("id", "document_id", "kind", "sources", "gold_span_id", "category",
                "gold_labels", "decided_by_id", "at", "gold_relation_id")
"""The columns of a :func:`decision_row`, in its order."""
INSERT_DECISION = (
    f"INSERT INTO decisions ({', '.join(DECISION_ROW)}) "
    f"VALUES ({', '.join('?' * len(DECISION_ROW))})"
)
DELETE_DECISION = "DELETE FROM decisions WHERE id = ?"


@run.register
def _(command: RemoveDecision, conn: Connection, names: Names) -> Command:
    row = conn.execute(
        select(DE, D.c.uid).join(D).where(DE.c.id == command.decision.id)
    ).first()
    if row is None:
        raise ValidationError(f"no decision {command.decision.id} (it may have been undone)")
    current = decision_from_row(conn, names, row, row.uid)
    conn.execute(delete(DE).where(DE.c.id == row.id))
    return RemoveDecision(current)
