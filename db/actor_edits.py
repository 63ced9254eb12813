"""Actors, their links from entity spans, and events: reading them, and the store actions of
their commands (registered on :func:`db.edits.run`, so they take the one write path and the
journal like every edit).

The rules checked here, whoever applies the command: an actor's names (canonical and aliases)
are unique across actors once folded (:func:`annotate.actors.fold`); only an entity span links
to an actor, and to one; an actor with links is not deleted alone (its links go with it, and
come back with an undo); an event's name is unique and its window in order.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Connection, delete, func, insert, select, update

from annotate.actors import Actor, Event, check_actor, check_event, fold
from annotate.commands import (
    Command,
    CreateActor,
    CreateEvent,
    DeleteActor,
    DeleteEvent,
    LinkActor,
    SetEventDocument,
    UpdateActor,
    UpdateEvent,
)
from annotate.errors import ValidationError
from annotate.resolving import EntitySpan
from db.edits import REPLAYING, find_span, run
from db.names import Names
from db.schema_io import read_schema
from db.tables import (
    ActorLinkModel,
    ActorModel,
    DocumentModel,
    EventDocumentModel,
    EventModel,
    LabelModel,
    SpanModel,
)

A, AL, EV, ED = (ActorModel.__table__, ActorLinkModel.__table__, EventModel.__table__,
                 EventDocumentModel.__table__)
D, S, L = DocumentModel.__table__, SpanModel.__table__, LabelModel.__table__


def _actor(row: object) -> Actor:
    return Actor(row.name, row.kind, tuple(row.aliases or ()), row.id)  # type: ignore[attr-defined]


def load_actors(conn: Connection) -> list[Actor]:
    """Every actor, by name."""
    return [_actor(r) for r in conn.execute(select(A).order_by(A.c.name))]


def load_links(conn: Connection) -> dict[str, str]:
    """Actor ids by the id of the entity span linked to them (spans that still exist)."""
    query = select(AL.c.span_id, AL.c.actor_id).join(S, S.c.id == AL.c.span_id)
    return {span: actor for span, actor in conn.execute(query)}


def links_of(conn: Connection, actor_id: str) -> tuple[tuple[str, str], ...]:
    """The (document uid, span id) links of one actor, in span id order."""
    return tuple((uid, span) for uid, span in conn.execute(
        select(D.c.uid, AL.c.span_id).join(D, D.c.id == AL.c.document_id)
        .where(AL.c.actor_id == actor_id).order_by(AL.c.span_id)))


def linked_labels(conn: Connection) -> dict[str, dict[str, int]]:
    """By actor id, how many of the spans linked to it carry each label."""
    query = (select(AL.c.actor_id, L.c.name, func.count())
             .select_from(AL.join(S, S.c.id == AL.c.span_id).join(L, L.c.id == S.c.label_id))
             .group_by(AL.c.actor_id, L.c.name))
    found: dict[str, dict[str, int]] = {}
    for actor, label, count in conn.execute(query):
        found.setdefault(actor, {})[label] = count
    return found


def entity_spans(conn: Connection) -> list[EntitySpan]:
    """Every entity span of every layer, with its text and the actor it is linked to."""
    query = (
        select(D.c.uid, S.c.id, func.substr(D.c.text, S.c.start + 1, S.c.end - S.c.start),
               L.c.name, AL.c.actor_id)
        .select_from(S.join(D, D.c.id == S.c.document_id).join(L, L.c.id == S.c.label_id)
                     .outerjoin(AL, AL.c.span_id == S.c.id))
        .where(L.c.category == "entity")
        .order_by(D.c.uid, S.c.start, S.c.id)
    )
    return [EntitySpan(*row) for row in conn.execute(query)]


def load_events(conn: Connection) -> list[tuple[Event, tuple[str, ...]]]:
    """Every event, by name, with the uids of its documents."""
    members: dict[str, list[str]] = {}
    for event_id, uid in conn.execute(
        select(ED.c.event_id, D.c.uid).join(D, D.c.id == ED.c.document_id).order_by(D.c.uid)
    ):
        members.setdefault(event_id, []).append(uid)
    return [(Event(r.name, r.start, r.end, r.place, r.id), tuple(members.get(r.id, ())))
            for r in conn.execute(select(EV).order_by(EV.c.name))]


def _document_id(conn: Connection, uid: str) -> int:
    found = conn.scalar(select(D.c.id).where(D.c.uid == uid))
    if found is None:
        raise ValidationError(f"no document {uid}")
    return found


def _check_names_free(conn: Connection, actor: Actor) -> None:
    check_actor(actor)
    mine = {fold(n): n for n in actor.names()}
    for other in load_actors(conn):
        if other.id == actor.id:
            continue
        for name in other.names():
            if fold(name) in mine:
                raise ValidationError(
                    f"{mine[fold(name)]!r} already names the actor {other.name!r} "
                    f"(merge the two actors instead)")


def _stored_actor(conn: Connection, actor_id: str) -> Actor:
    row = conn.execute(select(A).where(A.c.id == actor_id)).first()
    if row is None:
        raise ValidationError(f"no actor {actor_id} (it may have been deleted or merged)")
    return _actor(row)


def _link(conn: Connection, names: Names, uid: str, span_id: str, actor_id: str) -> None:
    """Link an entity span to an actor (the span has no link now)."""
    span = find_span(conn, names, span_id)
    if span is None or span.document != uid:
        raise ValidationError(f"no span {span_id} in document {uid} (it may have been deleted)")
    label = read_schema(conn).label(span.label)
    if label is None or label.category != "entity":
        raise ValidationError(f"span {span_id} is a {span.label}: only an entity span names "
                              "an actor")
    conn.execute(insert(AL).values(span_id=span_id, document_id=_document_id(conn, uid),
                                   actor_id=actor_id))


@run.register
def _(command: CreateActor, conn: Connection, names: Names) -> Command:
    actor = command.actor
    if conn.scalar(select(A.c.id).where(A.c.id == actor.id)) is not None:
        raise ValidationError(f"actor {actor.id} exists already")
    _check_names_free(conn, actor)
    conn.execute(insert(A).values(id=actor.id, name=actor.name, kind=actor.kind,
                                  aliases=list(actor.aliases)))
    for uid, span_id in command.links:
        if conn.scalar(select(AL.c.actor_id).where(AL.c.span_id == span_id)) is not None:
            raise ValidationError(f"span {span_id} names another actor already")
        _link(conn, names, uid, span_id, actor.id)
    return command


@run.register
def _(command: DeleteActor, conn: Connection, names: Names) -> Command:
    stored = _stored_actor(conn, command.actor.id)
    links = links_of(conn, stored.id)
    conn.execute(delete(AL).where(AL.c.actor_id == stored.id))
    conn.execute(delete(A).where(A.c.id == stored.id))
    return DeleteActor(stored, links)


@run.register
def _(command: UpdateActor, conn: Connection, names: Names) -> Command:
    if _stored_actor(conn, command.before.id) != command.before:
        raise ValidationError(f"actor {command.before.name!r} has changed since (reload)")
    after = command.after
    _check_names_free(conn, after)
    conn.execute(update(A).where(A.c.id == after.id).values(
        name=after.name, kind=after.kind, aliases=list(after.aliases)))
    return command


@run.register
def _(command: LinkActor, conn: Connection, names: Names) -> Command:
    previous = conn.scalar(select(AL.c.actor_id).where(AL.c.span_id == command.span))
    if previous == command.actor:
        raise ValidationError(f"span {command.span} names that actor already")
    conn.execute(delete(AL).where(AL.c.span_id == command.span))
    if command.actor is not None:
        _stored_actor(conn, command.actor)
        _link(conn, names, command.document, command.span, command.actor)
    return replace(command, previous=previous)


def _stored_event(conn: Connection, event_id: str) -> Event:
    row = conn.execute(select(EV).where(EV.c.id == event_id)).first()
    if row is None:
        raise ValidationError(f"no event {event_id} (it may have been deleted)")
    return Event(row.name, row.start, row.end, row.place, row.id)


def _check_event_free(conn: Connection, event: Event) -> None:
    check_event(event, calendar=not REPLAYING.get())
    other = conn.scalar(select(EV.c.id).where(EV.c.name == event.name, EV.c.id != event.id))
    if other is not None:
        raise ValidationError(f"there is an event {event.name!r} already")


@run.register
def _(command: CreateEvent, conn: Connection, names: Names) -> Command:
    event = command.event
    if conn.scalar(select(EV.c.id).where(EV.c.id == event.id)) is not None:
        raise ValidationError(f"event {event.id} exists already")
    _check_event_free(conn, event)
    conn.execute(insert(EV).values(id=event.id, name=event.name, start=event.start,
                                   end=event.end, place=event.place))
    for uid in dict.fromkeys(command.documents):
        conn.execute(insert(ED).values(event_id=event.id, document_id=_document_id(conn, uid)))
    return command


@run.register
def _(command: DeleteEvent, conn: Connection, names: Names) -> Command:
    stored = _stored_event(conn, command.event.id)
    documents = tuple(conn.scalars(
        select(D.c.uid).join(ED, ED.c.document_id == D.c.id)
        .where(ED.c.event_id == stored.id).order_by(D.c.uid)))
    conn.execute(delete(ED).where(ED.c.event_id == stored.id))
    conn.execute(delete(EV).where(EV.c.id == stored.id))
    return DeleteEvent(stored, documents)


@run.register
def _(command: UpdateEvent, conn: Connection, names: Names) -> Command:
    if _stored_event(conn, command.before.id) != command.before:
        raise ValidationError(f"event {command.before.name!r} has changed since (reload)")
    after = command.after
    _check_event_free(conn, after)
    conn.execute(update(EV).where(EV.c.id == after.id).values(
        name=after.name, start=after.start, end=after.end, place=after.place))
    return command


@run.register
def _(command: SetEventDocument, conn: Connection, names: Names) -> Command:
    event = _stored_event(conn, command.event)
    doc_id = _document_id(conn, command.document)
    where = (ED.c.event_id == event.id) & (ED.c.document_id == doc_id)
    present = conn.scalar(select(ED.c.event_id).where(where)) is not None
    if present == command.member:
        state = "is in" if present else "is not in"
        raise ValidationError(f"document {command.document} {state} the event {event.name!r}")
    if command.member:
        conn.execute(insert(ED).values(event_id=event.id, document_id=doc_id))
    else:
        conn.execute(delete(ED).where(where))
    return command
