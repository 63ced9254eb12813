"""Adjudication of attributes and relations: the ``attributes`` kind decided per attribute,
relations aligned through their ends' items, and what "accept agreed" takes."""

from dataclasses import replace

import pytest

from annotate.adjudication import (
    AddDecision,
    accept_agreed,
    accept_command,
    attribute_choices,
    plan_document,
    with_attributes,
)
from annotate.commands import AddRelation, CreateSpan, command_from_dict
from annotate.errors import ValidationError
from annotate.model import GOLD, Relation, Span
from annotate.relation_items import (
    accept_relation_command,
    plan_relations,
    reject_relation_command,
)

DOC = "d" * 64


def span(annotator: str, start: int, end: int, label: str = "CLAIM", **attributes: object) -> Span:
    return Span(DOC, start, end, label, annotator, f"{annotator}-{start}-{end}-{label}",
                dict(attributes))


def link(annotator: str, source: Span, target: Span, kind: str = "CLAIMED_BY") -> Relation:
    return Relation(kind, source.id, target.id, annotator, f"{annotator}-{source.id}-{kind}")


def test_matched_spans_with_different_attributes_are_an_attributes_item() -> None:
    a = span("a", 0, 10, certainty="asserted", figure="40")
    b = span("b", 0, 10, certainty="reported", figure="40")
    (item,) = plan_document({"a": [a], "b": [b]})
    assert item.kind == "attributes"
    assert attribute_choices(item) == {"certainty": {"a": "asserted", "b": "reported"}}
    # one side setting an attribute the other leaves unset differs too
    (item,) = plan_document({"a": [a], "b": [replace(b, attributes={"certainty": "asserted"})]})
    assert item.kind == "attributes"
    assert attribute_choices(item) == {"figure": {"a": "40", "b": None}}
    # equal attributes: agreed
    (item,) = plan_document({"a": [a], "b": [replace(b, attributes=dict(a.attributes))]})
    assert item.kind == "agreed" and attribute_choices(item) == {}


def test_attributes_are_decided_one_by_one() -> None:
    a = span("a", 0, 10, certainty="asserted", figure="40")
    b = span("b", 0, 10, certainty="reported", figure="41")
    (item,) = plan_document({"a": [a], "b": [b]})
    chosen = with_attributes(a, {"certainty": "reported", "figure": None})
    create, add = accept_command(item, chosen, "judge").commands
    assert isinstance(create, CreateSpan) and isinstance(add, AddDecision)
    assert create.span.attributes == {"certainty": "reported"}
    assert set(add.decision.sources) == {a.id, b.id}  # same label and bounds: both


def test_accept_agreed_leaves_attribute_disagreements_open() -> None:
    a = [span("a", 0, 10, certainty="asserted"), span("a", 20, 30, certainty="hedged")]
    b = [span("b", 0, 10, certainty="reported"), span("b", 20, 30, certainty="hedged")]
    items = plan_document({"a": a, "b": b})
    assert [i.kind for i in items] == ["attributes", "agreed"]
    batch = accept_agreed(items, "judge")
    (create,) = [c for c in batch.commands if isinstance(c, CreateSpan)]
    assert (create.span.start, create.span.attributes) == (20, {"certainty": "hedged"})


def pair(kind_b: str = "CLAIMED_BY", b_links: bool = True):  # type: ignore[no-untyped-def]
    """a and b both mark a claim (0-10) and a person (20-25); a links them CLAIMED_BY, b
    with ``kind_b`` (or not at all)."""
    ca, pa = span("a", 0, 10), span("a", 20, 25, "PERSON")
    cb, pb = span("b", 0, 10), span("b", 20, 25, "PERSON")
    items = plan_document({"a": [ca, pa], "b": [cb, pb]})
    relations = {"a": [link("a", ca, pa)], "b": [link("b", cb, pb, kind_b)] if b_links else []}
    return items, relations


def test_relations_align_through_their_ends() -> None:
    items, relations = pair()
    (agreed,) = plan_relations(items, relations)
    assert agreed.kind == "agreed" and agreed.source is items[0] and agreed.target is items[1]
    (typed,) = plan_relations(*pair("ABOUT"))
    assert typed.kind == "type" and typed.types() == ["ABOUT", "CLAIMED_BY"]
    (missing,) = plan_relations(*pair(b_links=False))
    assert missing.kind == "missing" and missing.by_annotator()["b"] == []
    # the other direction is another relation
    items, relations = pair()
    relations["b"] = [link("b", items[1].spans[1], items[0].spans[1], "ABOUT")]
    assert sorted(r.kind for r in plan_relations(items, relations)) == ["missing", "missing"]


def test_relation_goes_to_gold_only_between_gold_ends() -> None:
    items, relations = pair("ABOUT")
    (item,) = plan_relations(items, relations)
    with pytest.raises(ValidationError, match="accept both linked spans"):
        accept_relation_command(item, "ABOUT", "judge")
    gold_claim = replace(items[0].spans[0], annotator=GOLD, id="g1")
    gold_person = replace(items[1].spans[0], annotator=GOLD, id="g2")
    items = [replace(items[0], status="accepted", gold=gold_claim),
             replace(items[1], status="accepted", gold=gold_person)]
    (item,) = plan_relations(items, relations)
    batch = accept_relation_command(item, "ABOUT", "judge")
    add, decide = batch.commands
    assert isinstance(add, AddRelation) and isinstance(decide, AddDecision)
    assert (add.relation.source, add.relation.target, add.relation.type) == ("g1", "g2", "ABOUT")
    assert add.relation.annotator == GOLD
    assert decide.decision.gold_relation == add.relation
    assert decide.decision.sources == (relations["b"][0].id,)
    # the journal's form keeps the gold relation
    again = command_from_dict(batch.to_dict())
    assert again.commands[1].decision.gold_relation == add.relation  # type: ignore[attr-defined]
    # settled by its decision; a reject settles it too
    (accepted,) = plan_relations(items, relations, [add.relation], [decide.decision])
    assert accepted.status == "accepted" and accepted.gold == add.relation
    reject = reject_relation_command(item, "judge")
    (rejected,) = plan_relations(items, relations, (), [reject.decision])  # type: ignore[attr-defined]
    assert rejected.status == "rejected"
    with pytest.raises(ValidationError, match="rejected already"):
        reject_relation_command(rejected, "judge")


def test_accept_agreed_takes_agreed_relations_with_their_agreed_ends() -> None:
    items, relations = pair()
    batch = accept_agreed(items, "judge", (), plan_relations(items, relations))
    creates = [c.span for c in batch.commands if isinstance(c, CreateSpan)]
    (added,) = [c.relation for c in batch.commands if isinstance(c, AddRelation)]
    by_label = {s.label: s.id for s in creates}
    assert (added.source, added.target) == (by_label["CLAIM"], by_label["PERSON"])
    assert sum(isinstance(c, AddDecision) for c in batch.commands) == 3


@pytest.mark.parametrize("b_kind, b_links", [("ABOUT", True), ("CLAIMED_BY", False)])
def test_accept_agreed_skips_relations_not_fully_agreed(b_kind: str, b_links: bool) -> None:
    items, relations = pair(b_kind, b_links)
    batch = accept_agreed(items, "judge", (), plan_relations(items, relations))
    assert not any(isinstance(c, AddRelation) for c in batch.commands)
    assert sum(isinstance(c, CreateSpan) for c in batch.commands) == 2


def test_accept_agreed_skips_relation_whose_end_is_not_agreed() -> None:
    ca, pa = span("a", 0, 10, certainty="asserted"), span("a", 20, 25, "PERSON")
    cb, pb = span("b", 0, 10, certainty="reported"), span("b", 20, 25, "PERSON")
    items = plan_document({"a": [ca, pa], "b": [cb, pb]})
    relations = {"a": [link("a", ca, pa)], "b": [link("b", cb, pb)]}
    (item,) = plan_relations(items, relations)
    assert item.kind == "agreed"  # the link agrees, its claim end does not
    batch = accept_agreed(items, "judge", (), [item])
    assert not any(isinstance(c, AddRelation) for c in batch.commands)
    # once the claim is in gold (with another label than the annotators linked), still not
    gold = replace(ca, annotator=GOLD, id="g1", label="DENIAL")
    items = [replace(items[0], status="accepted", gold=gold), items[1]]
    batch = accept_agreed(items, "judge", (), plan_relations(items, relations))
    assert not any(isinstance(c, AddRelation) for c in batch.commands)
