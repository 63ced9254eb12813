"""Commands' journal form: to_dict gives what dataclasses.asdict gives (op first), as fresh
data, and command_from_dict rebuilds the command."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from annotate.actors import Actor, Event
from annotate.commands import (
    AddDecision,
    AddRelation,
    AddVerdict,
    Assign,
    Batch,
    Command,
    CreateActor,
    CreateEvent,
    CreateSpan,
    Decision,
    DeleteActor,
    DeleteEvent,
    DeleteSpan,
    LinkActor,
    RemoveDecision,
    RemoveRelation,
    RemoveVerdict,
    SetBlind,
    SetEventDocument,
    SetStatus,
    Unassign,
    UpdateActor,
    UpdateEvent,
    UpdateSpan,
    command_from_dict,
)
from annotate.model import Relation, Span, Verdict

SPAN = Span("doc", 3, 9, "CLAIM", "amina", "s1", {"certainty": "reported", "n": 2}, "a note")
MOVED = Span("doc", 3, 12, "CLAIM", "amina", "s1", {}, None, SPAN.created, "2030-01-01T00:00:00Z",
             ((3, 5), (7, 12)))
LINK = Relation("CLAIMED_BY", "s1", "s2", "amina", "r1", "a note")
ACCEPT = Decision("d1", "doc", "accept", ("s1", "s2"), SPAN, "judge", "2030-01-01T00:00:00Z")
REJECT = Decision("d2", "doc", "reject", ("s3",), None, "judge", "2030-01-01T00:00:00Z")
ACTOR = Actor("CSP", "armed group", ("Permanent Strategic Framework",))
EVENT = Event("Tinzaouaten ambush", "2024-07-25", "2024-07-27", "Tinzaouaten")
VERDICT = Verdict("doc", "amina", 3, 9, "CLAIM", "accept", "pattern:p.jsonl", 0.5, "DENIAL")
COMMANDS: list[Command] = [
    CreateSpan(SPAN, (LINK,)),
    DeleteSpan(SPAN),
    UpdateSpan(SPAN, MOVED),
    AddRelation("doc", LINK),
    RemoveRelation("doc", LINK),
    SetStatus("doc", "amina", "done", "in_progress"),
    AddDecision(ACCEPT),
    RemoveDecision(REJECT),
    CreateActor(ACTOR, (("doc", "s2"),)),
    DeleteActor(ACTOR),
    UpdateActor(ACTOR, Actor("CSP-PSD", "armed group", ("CSP",), ACTOR.id)),
    LinkActor("doc", "s2", ACTOR.id, None),
    CreateEvent(EVENT, ("doc",)),
    DeleteEvent(EVENT),
    UpdateEvent(EVENT, Event("Tinzaouaten", "2024-07-25", "", "", EVENT.id)),
    SetEventDocument(EVENT.id, "doc", False),
    AddVerdict(VERDICT),
    RemoveVerdict(VERDICT),
    Assign((("doc", "amina"), ("doc", "ben"))),
    Unassign((("doc", "ben"),)),
    SetBlind(True, False),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.op)
def test_to_dict_is_asdict_with_op_first(command: Command) -> None:
    data = command.to_dict()
    # as JSON holds them (a span's fragments, a tuple of pairs in asdict, are lists here)
    expected = {"op": command.op, **asdict(command)}  # type: ignore[call-overload]
    assert json.loads(json.dumps(data)) == json.loads(json.dumps(expected))
    assert data.keys() == expected.keys()
    assert next(iter(data)) == "op"
    assert command_from_dict(data) == command
    assert command_from_dict(json.loads(json.dumps(data))) == command  # as the journal reads it


def test_to_dict_copies_the_attributes() -> None:
    data = CreateSpan(SPAN).to_dict()
    data["span"]["attributes"]["certainty"] = "changed"
    assert SPAN.attributes["certainty"] == "reported"


def test_a_batch_round_trips() -> None:
    batch = Batch(tuple(COMMANDS), "all")
    assert command_from_dict(batch.to_dict()) == batch
