"""Adjudication planning: item kinds across 2 and 3 annotators, statuses, and the commands."""

import random
from dataclasses import replace

import pytest

from annotate.adjudication import (
    AddDecision,
    Decision,
    DocumentSpans,
    accept_agreed,
    accept_command,
    plan_document,
    plan_documents,
    progress,
    reject_command,
)
from annotate.commands import Batch, CreateSpan, command_from_dict
from annotate.errors import ValidationError
from annotate.model import GOLD, Span

DOC = "d" * 64


def span(annotator: str, start: int, end: int, label: str = "CLAIM") -> Span:
    return Span(DOC, start, end, label, annotator, f"{annotator}-{start}-{end}-{label}")


def kinds(items) -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    return [(item.kind, item.start, item.end) for item in items]


def test_two_annotators_agreed_boundary_label_single() -> None:
    a = [span("a", 0, 5), span("a", 10, 20), span("a", 30, 35, "PERSON"), span("a", 50, 55)]
    b = [span("b", 0, 5), span("b", 12, 20), span("b", 30, 35, "ORG"), span("b", 60, 70)]
    items = plan_document({"a": a, "b": b})
    assert kinds(items) == [
        ("agreed", 0, 5),
        ("boundary", 10, 20),
        ("label", 30, 35),
        ("single", 50, 55),
        ("single", 60, 70),
    ]
    assert items[1].by_annotator() == {"a": [a[1]], "b": [b[1]]}
    assert items[3].by_annotator() == {"a": [a[3]], "b": []}
    assert progress(items) == (0, 5)


def test_three_annotators_partial_agreement_is_not_agreed() -> None:
    a = [span("a", 0, 5), span("a", 10, 15)]
    b = [span("b", 0, 5), span("b", 10, 15)]
    c = [span("c", 0, 5), span("c", 10, 14)]
    items = plan_document({"a": a, "b": b, "c": c})
    assert kinds(items) == [("agreed", 0, 5), ("boundary", 10, 15)]
    assert len(items[1].spans) == 3
    # c worked on the document (no spans) but did not mark 0-5: agreement of a and b is partial
    items = plan_document({"a": a[:1], "b": b[:1], "c": []})
    assert kinds(items) == [("partial", 0, 5)]


def test_nested_spans_of_each_annotator_stay_separate_items() -> None:
    a = [span("a", 0, 20), span("a", 2, 6, "PERSON")]
    b = [span("b", 0, 20), span("b", 2, 6, "PERSON")]
    items = plan_document({"a": a, "b": b})
    assert kinds(items) == [("agreed", 0, 20), ("agreed", 2, 6)]


def test_accept_copies_span_into_gold_with_provenance() -> None:
    a, b = span("a", 10, 20), span("b", 12, 20)
    a = replace(a, attributes={"certainty": "reported"}, note="check")
    (item,) = plan_document({"a": [a], "b": [b]})
    batch = accept_command(item, b, "judge")
    create, add = batch.commands
    assert isinstance(create, CreateSpan) and isinstance(add, AddDecision)
    gold = create.span
    assert (gold.annotator, gold.start, gold.end, gold.label) == (GOLD, 12, 20, "CLAIM")
    assert gold.id not in {a.id, b.id}
    decision = add.decision
    assert decision.kind == "accept" and decision.decided_by == "judge"
    assert decision.sources == (b.id,) and decision.gold_span == gold
    # undo removes the decision first, then the gold span
    inverse = batch.inverse()
    assert [c.op for c in inverse.commands] == ["remove_decision", "delete_span"]
    assert command_from_dict(batch.to_dict()) == batch
    # accepting an edited copy keeps its edits and rules on every span
    edited = replace(a, start=11)
    decision = accept_command(item, edited, "judge").commands[1].decision
    assert decision.gold_span.start == 11 and decision.gold_span.note == "check"
    assert decision.sources == (a.id,)


def test_decisions_and_gold_set_status() -> None:
    a, b = span("a", 0, 5), span("b", 0, 6)
    (item,) = plan_document({"a": [a], "b": [b]})
    reject = reject_command(item, "judge")
    assert isinstance(reject, AddDecision)
    assert set(reject.decision.sources) == {a.id, b.id}
    (rejected,) = plan_document({"a": [a], "b": [b]}, decisions=[reject.decision])
    assert rejected.status == "rejected" and progress([rejected]) == (1, 1)
    with pytest.raises(ValidationError):
        reject_command(rejected, "judge")
    gold = Span(DOC, 0, 6, "CLAIM", GOLD, "g1")
    (accepted,) = plan_document({"a": [a], "b": [b]}, gold_spans=[gold])
    assert accepted.status == "accepted" and accepted.gold == gold
    # an accept whose gold span is gone (None) no longer decides the item
    gone = Decision("x", DOC, "accept", (a.id,), None, "judge")
    (reopened,) = plan_document({"a": [a], "b": [b]}, decisions=[gone])
    assert reopened.status == "open"


def test_accept_agreed_takes_only_open_agreed_items() -> None:
    a = [span("a", 0, 5), span("a", 10, 15), span("a", 20, 25)]
    b = [span("b", 0, 5), span("b", 10, 16), span("b", 20, 25)]
    items = plan_document({"a": a, "b": b})
    done = accept_command(items[2], items[2].spans[0], "judge").commands[1].decision
    items = plan_document({"a": a, "b": b}, decisions=[done])
    batch = accept_agreed(items, "judge")
    assert isinstance(batch, Batch)
    created = [c.span for c in batch.commands if isinstance(c, CreateSpan)]
    assert [(s.start, s.end, s.annotator) for s in created] == [(0, 5, GOLD)]
    decision = batch.commands[1].decision
    assert set(decision.sources) == {a[0].id, b[0].id}
    assert accept_agreed(plan_document({"a": a[1:2], "b": b[1:2]}), "judge").commands == ()


def _random_document(rng: random.Random, n: int, names: list[str]) -> dict[str, list[Span]]:
    """Spans of ``names`` in document ``n``: many copies of a few places, some moved or
    relabelled, some overlapping others (dense clusters included)."""
    uid = f"{n:064d}"
    places = [(rng.randrange(0, 80), rng.randrange(1, 15)) for _ in range(rng.randrange(1, 6))]
    by_annotator: dict[str, list[Span]] = {}
    for name in names:
        mine = []
        for k in range(rng.randrange(0, 9)):
            start, length = rng.choice(places)
            start += rng.choice((0, 0, 0, 1, -1)) if start else 0
            label = rng.choice(("CLAIM", "CLAIM", "ACTOR"))
            attributes = {"certainty": "reported"} if rng.random() < 0.2 else {}
            mine.append(Span(uid, start, start + length, label, name, f"{n}-{name}-{k}",
                             attributes))
        if mine or rng.random() < 0.5:
            by_annotator[name] = mine
    return by_annotator


def test_documents_planned_together_are_planned_as_alone() -> None:
    rng = random.Random(5)
    names = ["a", "b", "c"]
    documents = [_random_document(rng, n, names) for n in range(300)]
    gold = Span(f"{3:064d}", 0, 5, "CLAIM", GOLD, "gold-3")
    together = plan_documents(names, [DocumentSpans(d, [gold] if n == 3 else [])
                                      for n, d in enumerate(documents)])
    alone = [plan_document(d, [gold] if n == 3 else []) for n, d in enumerate(documents)]
    assert together == alone
    assert {item.kind for items in alone for item in items} == {
        "agreed", "partial", "attributes", "boundary", "label", "single"}
