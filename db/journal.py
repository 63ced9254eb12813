"""The journal: one row per operation (who, when, what, on which documents), the undo and redo
stacks it holds per annotator, and the audit trail read back from it.

Every row is written by :func:`write`, in the transaction of the operation it records. The
undo rule (Anki's): one operation is one transaction, one row and one undo step of the
annotator who made it. An operation that cannot be undone is an ``event`` row and closes the
stacks of the annotators it affects (:func:`close_stacks`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, or_, select

from annotate.model import utc_now
from db import json_text
from db.engine import execute, execute_many
from db.tables import AnnotatorModel, JournalDocumentModel, JournalModel

J, JD, A = JournalModel.__table__, JournalDocumentModel.__table__, AnnotatorModel.__table__

UNDOABLE = ("do", "redo")
"""Kinds of rows an undo answers (while active); an active ``undo`` row is what a redo answers."""


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One row of the audit trail. ``documents``: the uids the operation touched (none for a
    change of the whole store, such as the schema)."""

    id: int
    at: str
    annotator: str
    op: str
    kind: str
    state: str
    payload: dict[str, Any]
    documents: tuple[str, ...] = ()
    target: int | None = None
    undone: dict[str, Any] | None = None
    """For an undo: the step it took back (a command's dict); its op is what the user undid."""
    touched: int | None = None
    """How many documents the operation touched, when ``documents`` holds only the first of
    them (``entries(..., first_document=True)``); None when it holds them all."""

    @property
    def step(self) -> tuple[str, dict[str, Any]]:
        """The operation as a person names it, and its payload: an undo names the step it
        took back (the undo of a delete is "undo delete_span", though it created the span)."""
        if self.kind == "undo" and self.undone:
            return self.undone.get("op", self.op), self.undone
        return self.op, self.payload

    @property
    def document(self) -> str | None:
        """The first document touched, the place to go to."""
        return self.documents[0] if self.documents else None


_INSERT_ONE = (
    "INSERT INTO journal (at, annotator_id, op, document_uid, payload, inverse, kind, target, "
    "state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT = f"{_INSERT_ONE} RETURNING id"
_INSERT_DOCUMENT = (
    "INSERT INTO journal_documents (journal_id, document_uid) VALUES (?, ?) "
    "ON CONFLICT DO NOTHING"
)
_CLOSE = (
    "UPDATE journal SET state = 'closed' WHERE annotator_id = ? AND state = 'active' "
    "AND kind IN ('do', 'undo', 'redo')"
)


def write(
    conn: Connection,
    annotator_id: int,
    op: str,
    payload: dict[str, Any],
    inverse: dict[str, Any] | None = None,
    *,
    kind: str = "do",
    target: int | None = None,
    documents: Collection[str] = (),
    state: str | None = None,
) -> int:
    """Write one journal row and return its id. ``inverse`` (a command's dict) is what an undo
    applies; None for an operation that cannot be undone, which must be an ``event`` (closed
    from the start). ``documents``: the uids touched; one is kept in the row itself."""
    if (inverse is None) != (kind == "event"):
        raise ValueError("an event has no inverse, and every other row has one")
    state = state or ("closed" if kind == "event" else "active")
    row = _row(utc_now(), annotator_id, op, documents, payload, inverse or {}, kind, target, state)
    row_id = execute(conn, _INSERT, row).fetchone()[0]
    if len(documents) > 1:
        # in uid order: appended to both indexes of the table, not scattered through them
        execute_many(conn, _INSERT_DOCUMENT, [(row_id, uid) for uid in sorted(documents)])
    return row_id


def _row(at: str, annotator_id: int, op: str, documents: Collection[str],
         payload: dict[str, Any], inverse: dict[str, Any], kind: str, target: int | None,
         state: str) -> tuple[Any, ...]:
    """The parameters of :data:`_INSERT`; the one document touched is kept in the row."""
    only = next(iter(documents)) if len(documents) == 1 else None
    # as the columns' JSON type writes them
    return (at, annotator_id, op, only, json_text.dumps(payload), json_text.dumps(inverse), kind,
            target, state)


def write_many(
    conn: Connection,
    annotator_id: int,
    steps: Sequence[tuple[str, dict[str, Any], dict[str, Any], Collection[str]]],
) -> None:
    """Write one ``do`` row per step (op, payload, inverse, documents touched), in order, as
    :func:`write` would one by one: those touching one document or none together."""
    at = utc_now()
    pending: list[tuple[Any, ...]] = []
    for op, payload, inverse, documents in steps:
        if len(documents) > 1:
            if pending:
                execute_many(conn, _INSERT_ONE, pending)
                pending = []
            write(conn, annotator_id, op, payload, inverse, documents=documents)
            continue
        pending.append(_row(at, annotator_id, op, documents, payload, inverse, "do", None,
                            "active"))
    if pending:
        execute_many(conn, _INSERT_ONE, pending)


def close_stacks(conn: Connection, annotator_ids: Iterable[int]) -> None:
    """Close every open undo and redo step of these annotators: what an operation that cannot
    be undone does to the stacks it affects (their older steps may no longer apply)."""
    for who in set(annotator_ids):
        execute(conn, _CLOSE, (who,))


def latest(conn: Connection, annotator: str, kinds: tuple[str, ...]) -> Any:
    """The annotator's newest active row of ``kinds`` (id, op, inverse), or None."""
    return conn.execute(
        select(J.c.id, J.c.op, J.c.inverse, J.c.document_uid)
        .join(A)
        .where(A.c.name == annotator, J.c.kind.in_(kinds), J.c.state == "active")
        .order_by(J.c.id.desc())
        .limit(1)
    ).first()


def documents_of(conn: Connection, row_id: int, only: str | None) -> tuple[str, ...]:
    """The documents the row ``row_id`` touched (``only``: its own ``document_uid``)."""
    if only is not None:
        return (only,)
    return tuple(conn.scalars(select(JD.c.document_uid).where(JD.c.journal_id == row_id)))


def entries(
    conn: Connection,
    *,
    annotator: str | None = None,
    document: str | None = None,
    since: str | None = None,
    op: str | None = None,
    limit: int | None = 200,
    first_document: bool = False,
    after: int | None = None,
) -> list[JournalEntry]:
    """The audit trail, newest first, filtered by who, which document (the entries that
    touched it), from when (``since``: an ISO UTC time or its start, e.g. ``2026-12-04``),
    which operation and, with ``after``, only the rows written after the row of that id.
    ``first_document``: an entry of several documents names only the first
    (in uid order) and counts them all (``touched``): an import's row may name 100,000."""
    query = (
        select(J.c.id, J.c.at, A.c.name, J.c.op, J.c.kind, J.c.state, J.c.payload,
               J.c.document_uid, J.c.target, J.c.inverse)
        .join(A)
        .order_by(J.c.id.desc())
        .limit(limit)
    )
    if annotator is not None:
        query = query.where(A.c.name == annotator)
    if document is not None:
        query = query.where(
            or_(
                J.c.document_uid == document,
                J.c.id.in_(select(JD.c.journal_id).where(JD.c.document_uid == document)),
            )
        )
    if since is not None:
        query = query.where(J.c.at >= since)
    if op is not None:
        query = query.where(J.c.op == op)
    if after is not None:
        query = query.where(J.c.id > after)
    rows = conn.execute(query).all()
    several: dict[int, list[str]] = {r.id: [] for r in rows if r.document_uid is None}
    touched: dict[int, int] = {}
    if several and first_document:
        for row_id, uid, count in conn.execute(
            select(JD.c.journal_id, func.min(JD.c.document_uid), func.count())
            .where(JD.c.journal_id.in_(list(several)))
            .group_by(JD.c.journal_id)
        ):
            several[row_id], touched[row_id] = [uid], count
    elif several:
        for row_id, uid in conn.execute(
            select(JD.c.journal_id, JD.c.document_uid)
            .where(JD.c.journal_id.in_(list(several)))
            .order_by(JD.c.journal_id, JD.c.document_uid)
        ):
            several[row_id].append(uid)
    return [
        JournalEntry(
            r.id, r.at, r.name, r.op, r.kind, r.state, r.payload or {},
            (r.document_uid,) if r.document_uid is not None else tuple(several[r.id]),
            r.target,
            r.inverse if r.kind == "undo" else None,
            touched.get(r.id),
        )
        for r in rows
    ]


def states(conn: Connection, ids: Collection[int]) -> dict[int, str]:
    """The state of each row of ``ids`` that is no longer ``active`` (undone, redone, closed):
    an active row is the only kind whose state still changes."""
    if not ids:
        return {}
    return dict(conn.execute(select(J.c.id, J.c.state).where(J.c.id.in_(list(ids)),
                                                            J.c.state != "active")).all())


def operations(conn: Connection) -> list[str]:
    """Every operation name the journal holds, for a filter's choices."""
    return list(conn.scalars(select(J.c.op).distinct().order_by(J.c.op)))
