"""Assignments and blind mode in the store: reading them, and the store actions of their
commands (registered on :func:`db.edits.run`: the one write path and the journal).

On a team's PostgreSQL store the server lets only a lead write assignments and the blind
setting (:mod:`db.team`); on a file they are the lead's own data."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import ColumnElement, Connection, delete, func, insert, select

from annotate.assignment import QueueRow, in_review
from annotate.commands import Assign, Command, SetBlind, Unassign
from annotate.errors import StoreError, ValidationError
from annotate.model import Status, utc_now
from db.edits import run
from db.names import Names
from db.tables import (
    AnnotatorModel,
    AssignmentModel,
    DocumentModel,
    SettingModel,
    SpanModel,
    StatusModel,
)

AS, D, AN, ST = (AssignmentModel.__table__, DocumentModel.__table__, AnnotatorModel.__table__,
                 StatusModel.__table__)
BLIND = "blind"
"""The settings key of blind mode ("on" while on)."""


def _keys(conn: Connection, names: Names, pairs: Sequence[tuple[str, str]],
          create: bool) -> list[tuple[int, int]]:
    """(document id, annotator id) of each pair; ValidationError for a document not stored."""
    uids = sorted({uid for uid, _ in pairs})
    ids = {uid: i for uid, i in conn.execute(select(D.c.uid, D.c.id).where(D.c.uid.in_(uids)))}
    missing = [uid for uid in uids if uid not in ids]
    if missing:
        raise ValidationError(f"no document {', '.join(missing)}")
    return [(ids[uid], names.annotator_id(conn, name, create)) for uid, name in pairs]


PART = 500
"""Documents named in one statement."""


def _among(keys: Sequence[tuple[int, int]]) -> Iterator[ColumnElement[bool]]:
    """Conditions on assignments rows that together pick those of ``keys``: one a part of
    ``PART`` documents of one annotator (not one a key; and not row values, which SQLite
    matches by a scan of the table)."""
    documents: dict[int, list[int]] = {}
    for document_id, annotator_id in keys:
        documents.setdefault(annotator_id, []).append(document_id)
    for annotator_id, ids in documents.items():
        for at in range(0, len(ids), PART):
            yield (AS.c.annotator_id == annotator_id) & AS.c.document_id.in_(ids[at:at + PART])


def _held(conn: Connection, keys: Sequence[tuple[int, int]]) -> set[tuple[int, int]]:
    found: set[tuple[int, int]] = set()
    for among in _among(keys):
        found.update((d, a) for d, a in conn.execute(
            select(AS.c.document_id, AS.c.annotator_id).where(among)))
    return found


@run.register
def _(command: Assign, conn: Connection, names: Names) -> Command:
    if len(set(command.pairs)) != len(command.pairs):
        raise ValidationError("an assignment is named twice")
    keys = _keys(conn, names, command.pairs, create=True)
    held = _held(conn, keys)
    if held:
        pair = command.pairs[keys.index(min(held))]
        raise ValidationError(f"document {pair[0]} is assigned to {pair[1]} already")
    at = utc_now()
    conn.execute(insert(AS), [{"document_id": d, "annotator_id": a, "at": at} for d, a in keys])
    return command


@run.register
def _(command: Unassign, conn: Connection, names: Names) -> Command:
    keys = _keys(conn, names, command.pairs, create=False)
    held = _held(conn, keys)
    for key, (uid, name) in zip(keys, command.pairs, strict=True):
        if key not in held:
            raise ValidationError(f"document {uid} is not assigned to {name}")
    for among in _among(keys):
        conn.execute(delete(AS).where(among))
    return command


@run.register
def _(command: SetBlind, conn: Connection, names: Names) -> Command:
    previous = blind(conn)
    gone = conn.execute(delete(SettingModel).where(SettingModel.key == BLIND)).rowcount
    if previous and not gone:  # a server's row-level security hid the row from this role
        raise StoreError("the server refused the change: only a lead turns blind mode off")
    if command.on:
        conn.execute(insert(SettingModel).values(key=BLIND, value="on"))
    return SetBlind(command.on, previous)


def blind(conn: Connection) -> bool:
    """Whether blind mode is on."""
    return conn.scalar(select(SettingModel.value).where(SettingModel.key == BLIND)) == "on"


def assignments(conn: Connection, annotator: str | None = None,
                uids: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """(document uid, annotator) of every assignment (of ``annotator``, of ``uids``), in
    store order, then by name."""
    query = (select(D.c.uid, AN.c.name).select_from(AS)
             .join(D, D.c.id == AS.c.document_id).join(AN, AN.c.id == AS.c.annotator_id)
             .order_by(D.c.id, AN.c.name))
    if annotator is not None:
        query = query.where(AN.c.name == annotator)
    if uids is not None:
        query = query.where(D.c.uid.in_(uids))
    return [(uid, name) for uid, name in conn.execute(query)]


def queue(conn: Connection, annotator: str) -> list[QueueRow]:
    """The documents assigned to ``annotator``, in store order, with their status and span
    count in ``annotator``'s layer, and whether each went to review."""
    me = select(AN.c.id).where(AN.c.name == annotator).scalar_subquery()
    spans = (select(func.count()).select_from(SpanModel.__table__)
             .where(SpanModel.document_id == D.c.id, SpanModel.annotator_id == me)
             .scalar_subquery())
    state = (select(ST.c.state)
             .where(ST.c.document_id == D.c.id, ST.c.annotator_id == me)
             .scalar_subquery())
    rows = conn.execute(
        select(D.c.uid, D.c.title, state, spans).select_from(AS)
        .join(D, D.c.id == AS.c.document_id)
        .where(AS.c.annotator_id == me).order_by(D.c.id)).all()
    review = _in_review(conn, [uid for uid, *_ in rows])
    return [QueueRow(uid, title, status or "todo", n, review[uid])
            for uid, title, status, n in rows]


def _in_review(conn: Connection, uids: Sequence[str]) -> dict[str, bool]:
    """Whether each of the documents ``uids`` went to review."""
    assignees: dict[str, list[str]] = {uid: [] for uid in uids}
    status: dict[str, dict[str, Status]] = {uid: {} for uid in uids}
    for at in range(0, len(uids), 500):
        part = uids[at:at + 500]
        for uid, name in assignments(conn, uids=part):
            assignees[uid].append(name)
        for uid, name, state in conn.execute(
                select(D.c.uid, AN.c.name, ST.c.state).select_from(ST)
                .join(D, D.c.id == ST.c.document_id).join(AN, AN.c.id == ST.c.annotator_id)
                .where(D.c.uid.in_(part))):
            status[uid][name] = state
    return {uid: in_review(assignees[uid], status[uid]) for uid in uids}
