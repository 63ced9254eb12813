"""The commands that resolve entity spans to actors: accept proposals, merge, split, rename.
Each returns one command (a Batch when it takes several steps): one journal row, one undo."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from annotate.actors import Actor, Proposal, fold
from annotate.commands import Batch, Command, CreateActor, DeleteActor, LinkActor, UpdateActor
from annotate.errors import ValidationError

Link = tuple[str, str]
"""(document uid, span id) of an entity span resolved to an actor."""


@dataclass(frozen=True, slots=True)
class EntitySpan:
    """An entity span of the corpus as resolution sees it."""

    document: str
    span: str
    text: str
    label: str
    actor: str | None = None
    """The id of the actor it is linked to, if any."""


def _with_aliases(actor: Actor, names: Iterable[str]) -> Actor:
    """``actor`` with ``names`` among its aliases (those it has, folded, left out)."""
    aliases = list(actor.aliases)
    known = {fold(n) for n in actor.names()}
    for name in names:
        if fold(name) and fold(name) not in known:
            aliases.append(name)
            known.add(fold(name))
    return replace(actor, aliases=tuple(aliases))


def rename(actor: Actor, new: str) -> UpdateActor:
    """Give ``actor`` the canonical name ``new``; its old name stays an alias, so that spans
    which say it keep matching (``new`` leaves the aliases if it was one)."""
    new = new.strip()
    if fold(new) == fold(actor.name):
        raise ValidationError(f"{actor.name!r} is named {new!r} already")
    aliases = tuple(a for a in (actor.name, *actor.aliases) if fold(a) != fold(new))
    return UpdateActor(actor, replace(actor, name=new, aliases=aliases))


def merge(target: Actor, others: Sequence[tuple[Actor, Sequence[Link]]]) -> Batch:
    """Merge ``others`` (each with its links) into ``target``: their spans link to it and
    their names become its aliases; the others are removed."""
    if not others:
        raise ValidationError("name at least one actor to merge into another")
    if any(other.id == target.id for other, _ in others):
        raise ValidationError(f"cannot merge {target.name!r} into itself")
    steps: list[Command] = []
    for other, links in others:
        steps += [LinkActor(uid, span, target.id, other.id) for uid, span in links]
        steps.append(DeleteActor(other))
    merged = _with_aliases(target, (n for other, _ in others for n in other.names()))
    steps.append(UpdateActor(target, merged))
    return Batch(tuple(steps), f"merge {', '.join(o.name for o, _ in others)} into {target.name}")


def split(actor: Actor, new: Actor, spans: Sequence[EntitySpan]) -> Batch:
    """Move the spans ``spans`` (linked to ``actor``) to the new actor ``new``; ``new``'s
    names leave ``actor``'s aliases."""
    moving = [s for s in spans if s.actor == actor.id]
    if not moving:
        raise ValidationError(f"no span of {actor.name!r} to split off")
    gone = {fold(n) for n in new.names()}
    kept = replace(actor, aliases=tuple(a for a in actor.aliases if fold(a) not in gone))
    steps: list[Command] = []
    if kept != actor:
        steps.append(UpdateActor(actor, kept))
    steps.append(CreateActor(new))
    steps += [LinkActor(s.document, s.span, new.id, actor.id) for s in moving]
    return Batch(tuple(steps), f"split {new.name} off {actor.name}")


def accept(proposals: Sequence[Proposal], spans: Sequence[EntitySpan],
           actors: Mapping[str, Actor]) -> Batch:
    """Link every unlinked span whose text a proposal names to the actor it proposes,
    creating the new actors (named by the proposal, the other texts their aliases).
    ``actors``: the existing actors by name."""
    by_surface = {p.surface: p for p in proposals}
    new: dict[str, tuple[Actor, list[Link]]] = {}
    steps: list[Command] = []
    for span in spans:
        proposal = by_surface.get(span.text)
        if span.actor is not None or proposal is None:
            continue
        if not proposal.new:
            steps.append(LinkActor(span.document, span.span, actors[proposal.actor].id))
            continue
        actor, links = new.setdefault(proposal.actor, (Actor(proposal.actor, proposal.kind), []))
        links.append((span.document, span.span))
        surfaces = [p.surface for p in proposals if p.new and p.actor == proposal.actor]
        new[proposal.actor] = (_with_aliases(actor, surfaces), links)
    creates = [CreateActor(actor, tuple(links)) for actor, links in new.values()]
    if not creates and not steps:
        raise ValidationError("no proposal to accept: every entity span is resolved")
    return Batch((*creates, *steps), "accept actor proposals")
