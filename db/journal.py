"""The journal: one row per operation (who, when, what, on which documents), the undo and redo
stacks it holds per annotator, and the audit trail read back from it.

Every row is written by :func:`write`, in the transaction of the operation it records. The
undo rule (Anki's): one operation is one transaction, one row and one undo step of the
annotator who made it. An operation that cannot be undone is an ``event`` row and closes the
stacks of the annotators it affects (:func:`close_stacks`).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, func, or_, select

from annotate.journal_entry import JournalEntry
from annotate.model import utc_now
from db import dialects, json_text
from db.engine import execute, execute_many, marks
from db.tables import AnnotatorModel, JournalDocumentModel, JournalModel

J, JD, A = JournalModel.__table__, JournalDocumentModel.__table__, AnnotatorModel.__table__

UNDOABLE = ("do", "redo")
"""Kinds of rows an undo answers (while active); an active ``undo`` row is what a redo answers."""


_INSERT_ONE = (
    "INSERT INTO journal (at, annotator_id, op, document_uid, payload, inverse, kind, target, "
    "state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT = f"{_INSERT_ONE} RETURNING id"
_INSERT_DOCUMENTS = (
    "INSERT INTO journal_documents (journal_id, document_uid) SELECT ?, value FROM {} "
    "WHERE true ON CONFLICT DO NOTHING"  # WHERE: SQLite's reading of an upsert's SELECT
)
"""The documents of a journal row, bound as one JSON array (:attr:`Dialect.json_strings`):
a statement's run per document cost 5x (accept-agreed's 9,820 documents: 0.05 s)."""
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
    by: str,
    kind: str = "do",
    target: int | None = None,
    documents: Collection[str] = (),
    state: str | None = None,
    native: bool = False,
) -> JournalEntry:
    """Write one journal row of ``by`` (whose id is ``annotator_id``) and return it as
    :func:`entries` would read it back. ``inverse`` (a command's dict) is what an undo
    applies; None for an operation that cannot be undone, which must be an ``event`` (closed
    from the start). ``documents``: the uids touched; one is kept in the row itself.
    ``native``: ``payload`` holds JSON values only
    (:attr:`~annotate.commands.Command.JSON_NATIVE`), which the entry keeps as they are."""
    if (inverse is None) != (kind == "event"):
        raise ValueError("an event has no inverse, and every other row has one")
    state = state or ("closed" if kind == "event" else "active")
    at = utc_now()
    # the JSON as written, parsed as a read parses it (a tuple comes back a list)
    payload_text, payload_read = json_text.dumps_read(payload, read=not native)
    if native:
        payload_read = payload
    inverse_text, inverse_read = json_text.dumps_read(inverse or {}, read=kind == "undo")
    row = _row(at, annotator_id, op, documents, payload_text, inverse_text, kind, target, state)
    row_id = _insert(conn, row, documents)
    return JournalEntry(row_id, at, by, op, kind, state, payload_read,
                        tuple(sorted(documents)), target, inverse_read)


def _insert(conn: Connection, row: tuple[Any, ...], documents: Collection[str]) -> int:
    """Insert the journal row ``row`` (:func:`_row`) and the documents it touched; its id."""
    row_id: int = execute(conn, _INSERT, row).fetchone()[0]
    if len(documents) > 1:
        # in uid order: appended to both indexes of the table, not scattered through them
        execute(conn, _INSERT_DOCUMENTS.format(dialects.of(conn).json_strings),
                (row_id, json_text.dumps(sorted(documents))))
    return row_id


def _row(at: str, annotator_id: int, op: str, documents: Collection[str], payload: str,
         inverse: str, kind: str, target: int | None, state: str) -> tuple[Any, ...]:
    """The parameters of :data:`_INSERT` (``payload`` and ``inverse`` as JSON text, as the
    columns' JSON type writes them: :func:`db.json_text.dumps`); the one document touched is
    kept in the row."""
    only = next(iter(documents)) if len(documents) == 1 else None
    return (at, annotator_id, op, only, payload, inverse, kind, target, state)


def last_id(conn: Connection) -> int:
    """The id of the journal's last entry (0: none)."""
    return int(conn.execute(select(func.max(J.c.id))).scalar() or 0)


def documents_since(conn: Connection, entry: int) -> set[str] | None:
    """The documents of the journal entries after ``entry``; None when one of them names
    none (a change of the schema, of the actors: what it touched is not known). One query:
    an entry's own document, or those of ``journal_documents`` where it touched several."""
    rows = conn.execute(
        select(func.coalesce(J.c.document_uid, JD.c.document_uid))
        .select_from(J.outerjoin(JD, JD.c.journal_id == J.c.id))
        .where(J.c.id > entry))
    touched: set[str] = set()
    for (uid,) in rows:
        if uid is None:
            return None
        touched.add(uid)
    return touched


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
        row = _row(at, annotator_id, op, documents, json_text.dumps(payload),
                   json_text.dumps(inverse), "do", None, "active")
        if len(documents) > 1:
            if pending:
                execute_many(conn, _INSERT_ONE, pending)
                pending = []
            _insert(conn, row, documents)
        else:
            pending.append(row)
    if pending:
        execute_many(conn, _INSERT_ONE, pending)


def close_stacks(conn: Connection, annotator_ids: Iterable[int]) -> None:
    """Close every open undo and redo step of these annotators: what an operation that cannot
    be undone does to the stacks it affects (their older steps may no longer apply)."""
    for who in set(annotator_ids):
        execute(conn, _CLOSE, (who,))


class Step(NamedTuple):
    """An annotator's newest active row of some kinds: what an undo or a redo answers."""

    id: int
    op: str
    inverse: dict[str, Any]
    document_uid: str | None


_LATEST = (
    "SELECT id, op, inverse, document_uid FROM journal WHERE annotator_id = ? "
    "AND kind IN ({kinds}) AND state = 'active' ORDER BY id DESC LIMIT 1"
)
_SET_STATE = "UPDATE journal SET state = ? WHERE id = ?"
_CLOSE_UNDOS = (
    "UPDATE journal SET state = 'closed' WHERE annotator_id = ? AND kind = 'undo' "
    "AND state = 'active' RETURNING id"
)


def latest(conn: Connection, annotator_id: int, kinds: tuple[str, ...]) -> Step | None:
    """The annotator's newest active row of ``kinds``, or None."""
    row = execute(conn, _LATEST.format(kinds=marks(kinds)), (annotator_id, *kinds)).fetchone()
    return None if row is None else Step(row[0], row[1], json.loads(row[2]), row[3])


def set_state(conn: Connection, row_id: int, state: str) -> None:
    """Move the row ``row_id`` on to ``state`` (undone, redone, closed)."""
    execute(conn, _SET_STATE, (state, row_id))


def close_undos(conn: Connection, annotator_id: int) -> list[int]:
    """Close the annotator's active undos (a new edit takes their redo away); their ids."""
    return [row[0] for row in execute(conn, _CLOSE_UNDOS, (annotator_id,)).fetchall()]


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
