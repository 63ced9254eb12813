"""Applying edit commands to the tables, inside the caller's transaction.

``run`` checks a command against the stored state and the schema, fills in what its
inverse needs (a deleted span's relations, a status's previous value), writes it, and
returns the command as applied: that is what the journal records.
"""

from __future__ import annotations

from dataclasses import replace
from functools import singledispatch

from sqlalchemy import Connection, delete, insert, or_, select, update

from annotate.commands import (
    AddRelation,
    Batch,
    Command,
    CreateSpan,
    DeleteSpan,
    RemoveRelation,
    SetStatus,
    UpdateSpan,
)
from annotate.errors import ValidationError
from annotate.model import STATUSES, Relation, Span, Status, utc_now
from db.names import Names
from db.schema_io import read_schema
from db.tables import DocumentModel, RelationModel, SpanModel, StatusModel

D, S, R, ST = (
    DocumentModel.__table__,
    SpanModel.__table__,
    RelationModel.__table__,
    StatusModel.__table__,
)


def _document(conn: Connection, uid: str) -> tuple[int, int]:
    row = conn.execute(select(D.c.id, D.c.length).where(D.c.uid == uid)).first()
    if row is None:
        raise ValidationError(f"no document {uid}")
    return row.id, row.length


def span_from_row(conn: Connection, names: Names, row: object, uid: str) -> Span:
    return Span(
        uid,
        row.start,
        row.end,
        names.label_name(conn, row.label_id),  # type: ignore[attr-defined]
        names.annotator_name(conn, row.annotator_id),
        row.id,
        row.attributes or {},  # type: ignore[attr-defined]
        row.note,
        row.created,
        row.updated,
    )  # type: ignore[attr-defined]


def load_span(conn: Connection, names: Names, span_id: str) -> Span:
    row = conn.execute(select(S, D.c.uid).join(D).where(S.c.id == span_id)).first()
    if row is None:
        raise ValidationError(f"no span {span_id} (it may have been deleted)")
    return span_from_row(conn, names, row, row.uid)


def load_status(conn: Connection, names: Names, uid: str, annotator: str) -> Status:
    doc_id, _ = _document(conn, uid)
    state = conn.scalar(
        select(ST.c.state).where(
            ST.c.document_id == doc_id, ST.c.annotator_id == names.annotator_id(conn, annotator)
        )
    )
    return state or "todo"


def _check_span(conn: Connection, span: Span, length: int) -> None:
    if not (0 <= span.start < span.end <= length):
        raise ValidationError(
            f"span [{span.start}, {span.end}) lies outside the text (length {length})"
        )
    read_schema(conn).check_span(span)


def _span_values(conn: Connection, names: Names, span: Span, doc_id: int) -> dict[str, object]:
    return {
        "id": span.id,
        "document_id": doc_id,
        "annotator_id": names.annotator_id(conn, span.annotator),
        "label_id": names.label_id(conn, span.label),
        "start": span.start,
        "end": span.end,
        "attributes": span.attributes,
        "note": span.note,
        "created": span.created,
        "updated": span.updated,
    }


def _relations_touching(conn: Connection, names: Names, span: Span) -> tuple[Relation, ...]:
    rows = conn.execute(
        select(R).where(or_(R.c.source_id == span.id, R.c.target_id == span.id)).order_by(R.c.id)
    )
    return tuple(
        Relation(r.type, r.source_id, r.target_id, names.annotator_name(conn, r.annotator_id), r.id)
        for r in rows
    )


def _insert_relation(conn: Connection, names: Names, relation: Relation, uid: str) -> None:
    source = load_span(conn, names, relation.source)
    target = load_span(conn, names, relation.target)
    if source.document != uid or target.document != uid:
        raise ValidationError(f"relation {relation.id} must join two spans of this document")
    if relation.source == relation.target:
        raise ValidationError("a span cannot be linked to itself")
    read_schema(conn).check_relation(relation, source, target)
    doc_id, _ = _document(conn, uid)
    conn.execute(
        insert(R).values(
            id=relation.id,
            document_id=doc_id,
            type=relation.type,
            source_id=relation.source,
            target_id=relation.target,
            annotator_id=names.annotator_id(conn, relation.annotator),
        )
    )


@singledispatch
def run(command: Command, conn: Connection, names: Names) -> Command:
    raise TypeError(f"no store action for {type(command).__name__}")


def apply(conn: Connection, names: Names, command: Command) -> Command:
    return run(command, conn, names)


@run.register
def _(command: CreateSpan, conn: Connection, names: Names) -> Command:
    doc_id, length = _document(conn, command.span.document)
    _check_span(conn, command.span, length)
    if conn.scalar(select(S.c.id).where(S.c.id == command.span.id)):
        raise ValidationError(f"span {command.span.id} exists already")
    conn.execute(insert(S).values(_span_values(conn, names, command.span, doc_id)))
    for relation in command.relations:
        _insert_relation(conn, names, relation, command.span.document)
    return command


@run.register
def _(command: DeleteSpan, conn: Connection, names: Names) -> Command:
    current = load_span(conn, names, command.span.id)
    relations = _relations_touching(conn, names, current)
    conn.execute(delete(R).where(R.c.id.in_([r.id for r in relations])))
    conn.execute(delete(S).where(S.c.id == current.id))
    return DeleteSpan(current, relations)


@run.register
def _(command: UpdateSpan, conn: Connection, names: Names) -> Command:
    current = load_span(conn, names, command.before.id)
    if replace(current, updated="") != replace(command.before, updated=""):
        raise ValidationError("the span was changed elsewhere since it was shown; look again")
    doc_id, length = _document(conn, current.document)
    after = (
        command.after
        if command.after.updated != current.updated
        else replace(command.after, updated=utc_now())
    )
    _check_span(conn, after, length)
    conn.execute(
        update(S).where(S.c.id == current.id).values(_span_values(conn, names, after, doc_id))
    )
    return UpdateSpan(current, after)


@run.register
def _(command: AddRelation, conn: Connection, names: Names) -> Command:
    if conn.scalar(select(R.c.id).where(R.c.id == command.relation.id)):
        raise ValidationError(f"relation {command.relation.id} exists already")
    _insert_relation(conn, names, command.relation, command.document)
    return command


@run.register
def _(command: RemoveRelation, conn: Connection, names: Names) -> Command:
    row = conn.execute(select(R).where(R.c.id == command.relation.id)).first()
    if row is None:
        raise ValidationError(f"no relation {command.relation.id} (it may have been removed)")
    conn.execute(delete(R).where(R.c.id == row.id))
    return RemoveRelation(
        command.document,
        Relation(
            row.type,
            row.source_id,
            row.target_id,
            names.annotator_name(conn, row.annotator_id),
            row.id,
        ),
    )


@run.register
def _(command: SetStatus, conn: Connection, names: Names) -> Command:
    if command.state not in STATUSES:
        raise ValidationError(f"status {command.state!r} is not one of {', '.join(STATUSES)}")
    doc_id, _ = _document(conn, command.document)
    who = names.annotator_id(conn, command.annotator)
    previous = load_status(conn, names, command.document, command.annotator)
    conn.execute(delete(ST).where(ST.c.document_id == doc_id, ST.c.annotator_id == who))
    conn.execute(
        insert(ST).values(
            document_id=doc_id, annotator_id=who, state=command.state, updated=utc_now()
        )
    )
    return replace(command, previous=previous)


@run.register
def _(command: Batch, conn: Connection, names: Names) -> Command:
    return Batch(tuple(run(c, conn, names) for c in command.commands), command.title)
