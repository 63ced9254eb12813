"""Layers: every span, relation, status and document label belongs to one annotator, who
alone writes it.

The rule the store enforces on every edit (``Store.apply``) and the editor asks before it
offers one: nobody writes another annotator's layer; the gold layer is written only by
adjudication (a Batch that records a decision along with its gold span); a relation joins two
spans of its own annotator's layer. Each function returns why an edit is refused, or None.
"""

from __future__ import annotations

from operator import attrgetter

from annotate.commands import (
    AcceptAgreed,
    AddDecision,
    AddDocLabel,
    AddRelation,
    AddVerdict,
    Assign,
    Batch,
    Command,
    CreateActor,
    CreateEvent,
    CreateSpan,
    DeleteActor,
    DeleteEvent,
    DeleteSpan,
    LinkActor,
    RemoveDecision,
    RemoveDocLabel,
    RemoveRelation,
    RemoveVerdict,
    SetBlind,
    SetEventDocument,
    SetSchema,
    SetStatus,
    Unassign,
    UpdateActor,
    UpdateEvent,
    UpdateSpan,
    WithdrawAgreed,
)
from annotate.errors import ValidationError
from annotate.model import GOLD, Relation, Span
from annotate.stable_ids import stable_id


def copy_id(item_id: str, annotator: str) -> str:
    """The id a span or relation gets in ``annotator``'s layer when its own id is another
    layer's here (an import bringing a peer's copy, or an import mapped to another name): the
    same every time, so bringing the same file again finds it."""
    return stable_id("mapped", item_id, annotator)


def owner_refusal(owner: str, actor: str, adjudicating: bool = False) -> str | None:
    """Why ``actor`` may not write ``owner``'s layer (``adjudicating``: as part of a decision);
    the editor asks it of a span before offering to change it."""
    if owner == GOLD:
        return None if adjudicating else "the gold layer is written only by adjudication"
    if owner != actor:
        return f"that is {owner}'s layer: edits go to your own layer ({actor})"
    return None


def link_refusal(annotator: str, source: Span, target: Span) -> str | None:
    """Why ``annotator`` may not link ``source`` to ``target``: links stay within one layer."""
    for end in (source, target):
        if end.annotator != annotator:
            return f"that span is {end.annotator}'s: links stay within one layer ({annotator})"
    return None


_ANNOTATOR = attrgetter("annotator")
_DECIDED_BY = attrgetter("decided_by")


def command_refusal(command: Command, actor: str, adjudicating: bool = False) -> str | None:
    """Why ``actor`` may not apply ``command``: the first layer it would write that is not
    theirs (gold only within a decision's Batch)."""
    if isinstance(command, AcceptAgreed):  # as a Batch, each owner asked once
        spans, decisions, rest = command.parts()
        within = adjudicating or bool(decisions) or any(
            isinstance(c, AddDecision | RemoveDecision) for c in rest)
        owners = dict.fromkeys(map(_ANNOTATOR, spans))  # in order, each once
        owners.update(dict.fromkeys(map(_DECIDED_BY, decisions)))
        return next(filter(None, (*(owner_refusal(o, actor, within) for o in owners),
                                  *(command_refusal(c, actor, within) for c in rest))), None)
    if isinstance(command, WithdrawAgreed):  # gold spans and decisions, then these
        return next(filter(None, (command_refusal(c, actor, True) for c in command.commands)),
                    None)
    if isinstance(command, Batch):
        within = adjudicating or any(
            isinstance(c, AddDecision | RemoveDecision) for c in command.commands
        )
        for part in command.commands:
            found = command_refusal(part, actor, within)
            if found is not None:
                return found
        return None
    for owner in _owners(command):
        found = owner_refusal(owner, actor, adjudicating)
        if found is not None:
            return found
    return None


def check_command(command: Command, actor: str) -> None:
    """ValidationError unless ``actor`` may apply ``command``."""
    found = command_refusal(command, actor)
    if found is not None:
        raise ValidationError(found)


def check_link(relation: Relation, source: Span, target: Span) -> None:
    """ValidationError unless ``relation`` joins two spans of its own layer."""
    found = link_refusal(relation.annotator, source, target)
    if found is not None:
        raise ValidationError(f"relation {relation.id}: {found}")


LANE_COMMANDS = (CreateSpan, DeleteSpan, UpdateSpan, AddRelation, RemoveRelation, AddDocLabel,
                 RemoveDocLabel, SetStatus)
"""Commands that write one annotator's layer and nothing else of the store."""


def _owners(command: Command) -> list[str]:
    """The annotators whose layers ``command`` (not a Batch) writes."""
    if isinstance(command, CreateSpan | DeleteSpan):
        return [command.span.annotator, *(r.annotator for r in command.relations)]
    if isinstance(command, UpdateSpan):
        return [command.before.annotator, command.after.annotator]
    if isinstance(command, AddRelation | RemoveRelation):
        return [command.relation.annotator]
    if isinstance(command, AddDocLabel | RemoveDocLabel):
        return [command.label.annotator]
    if isinstance(command, SetStatus):
        return [command.annotator]
    if isinstance(command, AddVerdict | RemoveVerdict):
        return [command.verdict.annotator]
    if isinstance(command, AddDecision | RemoveDecision):
        return [command.decision.decided_by]
    if isinstance(command, SetSchema | CreateActor | DeleteActor | UpdateActor | LinkActor
                    | CreateEvent | DeleteEvent | UpdateEvent | SetEventDocument
                    | Assign | Unassign | SetBlind):
        return []  # the schema, actors, events and assignments: the corpus's, no one's layer
    raise TypeError(f"no layer rule for {type(command).__name__}")


def lane(command: Command) -> str | None:
    """The one annotator's layer ``command`` writes, when it writes nothing else (no schema,
    no corpus, no gold, no decision): edits in different lanes cannot touch the same rows."""
    if isinstance(command, AcceptAgreed | WithdrawAgreed):
        return None  # gold and decisions
    if isinstance(command, Batch):
        found = {lane(part) for part in command.commands}
        return found.pop() if len(found) == 1 else None  # None among them: None
    if not isinstance(command, LANE_COMMANDS):
        return None
    owners = set(_owners(command))
    return owners.pop() if len(owners) == 1 and GOLD not in owners else None
