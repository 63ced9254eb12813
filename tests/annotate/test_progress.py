"""The first edit of a document still to do marks it in progress, as one step (Qt-free)."""

from annotate.commands import (
    AddDecision,
    Assign,
    Batch,
    CreateSpan,
    Decision,
    SetBlind,
    SetStatus,
    Unassign,
)
from annotate.model import GOLD, Span
from annotate.progress import with_progress

SPAN = Span("doc", 0, 4, "ORG", "amy", "s1")


def test_a_first_edit_also_marks_the_document_in_progress():
    command = CreateSpan(SPAN)
    marked = with_progress(command, "amy", {"doc": "todo"}.__getitem__)
    assert marked == Batch((command, SetStatus("doc", "amy", "in_progress")), command.op)


def test_a_document_already_started_or_done_is_left_as_it_is():
    command = CreateSpan(SPAN)
    for state in ("in_progress", "done"):
        assert with_progress(command, "amy", {"doc": state}.__getitem__) is command


def test_a_status_or_an_adjudication_is_not_a_first_edit():
    todo = {"doc": "todo"}.__getitem__
    status = SetStatus("doc", "amy", "done")
    assert with_progress(status, "amy", todo) is status
    gold = Span("doc", 0, 4, "ORG", GOLD, "g1")
    accept = Decision("k", "doc", "accept", ("s1",), gold, "amy")
    decision = Batch((CreateSpan(gold), AddDecision(accept)))
    assert with_progress(decision, "amy", todo) is decision


def test_a_leads_assignment_or_blind_mode_is_not_a_first_edit():
    todo = {"doc": "todo"}.__getitem__
    for command in (Assign((("doc", "ben"),)), Unassign((("doc", "ben"),)), SetBlind(True)):
        assert with_progress(command, "amy", todo) is command
