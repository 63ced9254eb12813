"""A relabel's plan (annotate.relabel): what stays, what goes, and one command for all of it."""

from __future__ import annotations

from annotate.commands import Batch, RemoveRelation, UpdateSpan
from annotate.model import Relation, Span
from annotate.relabel import plan_relabel
from annotate.schema import default_schema

SCHEMA = default_schema()
CLAIM = Span("d", 0, 10, "CLAIM", "amina", "c",
             {"certainty": "asserted", "figure": "many", "figure_low": 80})
PERSON = Span("d", 20, 25, "PERSON", "amina", "p")
DENIAL = Span("d", 30, 40, "DENIAL", "amina", "n")
SPANS = {s.id: s for s in (CLAIM, PERSON, DENIAL)}
CLAIMED_BY = Relation("CLAIMED_BY", "c", "p", "amina", "r1")
DENIES = Relation("DENIES", "n", "c", "amina", "r2")
ABOUT_ELSEWHERE = Relation("DENIED_BY", "n", "p", "amina", "r3")


def test_relabel_keeps_what_the_new_label_takes_and_names_the_rest():
    plan = plan_relabel(CLAIM, "DENIAL", SCHEMA, [CLAIMED_BY, DENIES, ABOUT_ELSEWHERE], SPANS)
    assert plan.update.after.label == "DENIAL"
    assert plan.update.after.attributes == {"certainty": "asserted"}
    assert plan.dropped == {"figure": "many", "figure_low": 80}
    assert plan.unlinked == (CLAIMED_BY, DENIES)  # DENIED_BY does not touch the span
    assert plan.losses(SPANS) == ["attribute figure = 'many'", "attribute figure_low = 80",
                                  "link CLAIMED_BY → PERSON", "link DENIES ← DENIAL"]
    command = plan.command
    assert isinstance(command, Batch)
    assert command.commands == (RemoveRelation("d", CLAIMED_BY), RemoveRelation("d", DENIES),
                                plan.update)
    undo = command.inverse().commands
    assert isinstance(undo[0], UpdateSpan) and undo[0].after == CLAIM  # label first, then links


def test_relabel_that_loses_nothing_is_the_update_alone():
    plan = plan_relabel(PERSON, "ORG", SCHEMA, [CLAIMED_BY], SPANS)  # CLAIMED_BY may end at ORG
    assert (plan.dropped, plan.unlinked, plan.losses(SPANS)) == ({}, (), [])
    assert plan.command == plan.update
    plan = plan_relabel(PERSON, "LOCATION", SCHEMA, [CLAIMED_BY], SPANS)
    assert plan.unlinked == (CLAIMED_BY,)
