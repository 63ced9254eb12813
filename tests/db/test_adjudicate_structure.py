"""Adjudicating attributes and relations on a store: per-attribute decisions, relations into
gold through the one write path (journaled, undoable), accept agreed over the corpus, the
command line, and gold exports that carry what was decided."""

import json
from pathlib import Path

import pytest

from annotate import formats
from annotate.adjudication import accept_command, attribute_choices, with_attributes
from annotate.commands import AddDecision, Decision
from annotate.errors import ValidationError
from annotate.formats.base import ImportOptions
from annotate.model import GOLD, AnnotatedDocument, Document, Relation, Span
from annotate.relation_items import accept_relation_command, reject_relation_command
from db.review import accept_agreed, relation_review_items, review_items
from db.store import Store
from db.transfer import ExportFilter, export
from desktop.cli import main

TEXT = "The ministry said 40 people died. The rebels denied any attack on the town."


def seed(store: Store) -> Document:
    """amina and bo agree on a CLAIM (0-33) but not on its certainty, agree on the ORG (4-12)
    and link them CLAIMED_BY alike; they agree on a DENIAL (34-51) and the rebels (38-44) in
    every way, but link them differently (DENIED_BY and DENIES-less ABOUT: a type
    disagreement is not possible there, so bo leaves the link out)."""
    doc = Document(TEXT, "Report")
    u = doc.uid
    spans = (
        Span(u, 0, 33, "CLAIM", "amina", "a1", {"certainty": "asserted", "figure": "40"}),
        Span(u, 0, 33, "CLAIM", "bo", "b1", {"certainty": "reported", "figure": "40"}),
        Span(u, 4, 12, "ORG", "amina", "a2"),
        Span(u, 4, 12, "ORG", "bo", "b2"),
        Span(u, 34, 51, "DENIAL", "amina", "a3", {"certainty": "asserted"}),
        Span(u, 34, 51, "DENIAL", "bo", "b3", {"certainty": "asserted"}),
        Span(u, 38, 44, "ARMED_GROUP", "amina", "a4"),
        Span(u, 38, 44, "ARMED_GROUP", "bo", "b4"),
    )
    relations = (
        Relation("CLAIMED_BY", "a1", "a2", "amina", "ra1"),
        Relation("CLAIMED_BY", "b1", "b2", "bo", "rb1"),
        Relation("DENIED_BY", "a3", "a4", "amina", "ra2"),
    )
    store.import_documents([AnnotatedDocument(doc, spans, relations)])
    return doc


def test_attribute_disagreement_decided_per_attribute_and_undone(store: Store) -> None:
    doc = seed(store)
    items = review_items(store, doc.uid)
    assert [i.kind for i in items] == ["attributes", "agreed", "agreed", "agreed"]
    claim = items[0]
    assert attribute_choices(claim) == {"certainty": {"amina": "asserted", "bo": "reported"}}
    chosen = with_attributes(claim.spans[0], {"certainty": "reported"})
    store.apply(accept_command(claim, chosen, "judge"), "judge")
    (gold,) = store.spans(doc.uid, [GOLD])
    assert gold.attributes == {"certainty": "reported", "figure": "40"}
    assert review_items(store, doc.uid)[0].status == "accepted"
    store.undo("judge")
    assert store.spans(doc.uid, [GOLD]) == [] and store.decisions(doc.uid) == []


def test_relation_accepted_between_gold_ends_journaled_and_undoable(store: Store) -> None:
    doc = seed(store)
    items = review_items(store, doc.uid)
    (claimed, denied) = relation_review_items(store, doc.uid, items)
    assert (claimed.kind, denied.kind) == ("agreed", "missing")
    with pytest.raises(ValidationError, match="accept both linked spans"):
        accept_relation_command(denied, "DENIED_BY", "judge")
    for item in items[2:]:  # the DENIAL and the rebels
        store.apply(accept_command(item, item.spans[0], "judge"), "judge")
    items = review_items(store, doc.uid)
    (_, denied) = relation_review_items(store, doc.uid, items)
    store.apply(accept_relation_command(denied, "DENIED_BY", "judge"), "judge")
    (gold_relation,) = store.relations(doc.uid, [GOLD])
    ends = {s.id: s.label for s in store.spans(doc.uid, [GOLD])}
    assert gold_relation.type == "DENIED_BY"
    assert (ends[gold_relation.source], ends[gold_relation.target]) == ("DENIAL", "ARMED_GROUP")
    (decision,) = [d for d in store.decisions(doc.uid) if d.sources == ("ra2",)]
    assert decision.gold_relation == gold_relation and decision.kind == "accept"
    assert decision.decided_by == "judge"
    (_, denied) = relation_review_items(store, doc.uid, review_items(store, doc.uid))
    assert denied.status == "accepted" and denied.gold == gold_relation
    store.undo("judge")
    assert store.relations(doc.uid, [GOLD]) == []
    assert all(d.gold_relation is None for d in store.decisions(doc.uid))
    store.redo("judge")
    assert store.relations(doc.uid, [GOLD]) == [gold_relation]
    # the decision survives a reopen (its gold relation is stored)
    location = store.location
    store.close()
    again = Store.open(location)
    try:
        assert gold_relation in [d.gold_relation for d in again.decisions(doc.uid)]
    finally:
        again.close()


def test_relation_rejected_and_bad_decisions_refused(store: Store) -> None:
    doc = seed(store)
    items = review_items(store, doc.uid)
    (_, denied) = relation_review_items(store, doc.uid, items)
    store.apply(reject_relation_command(denied, "judge"), "judge")
    (_, denied) = relation_review_items(store, doc.uid, review_items(store, doc.uid))
    assert denied.status == "rejected"
    stranger = Relation("ABOUT", "a1", "a2", GOLD, "nowhere")
    with pytest.raises(ValidationError, match="not in this document"):
        store.apply(AddDecision(Decision("d1", doc.uid, "accept", ("ra1",), None, "judge",
                                         gold_relation=stranger)), "judge")
    with pytest.raises(ValidationError, match="needs the gold relation"):
        store.apply(AddDecision(Decision("d2", doc.uid, "accept", ("ra1",), None, "judge",
                                         gold_relation=Relation("ABOUT", "a1", "a2",
                                                                "amina", "ra1"))), "judge")


def test_accept_agreed_takes_only_what_is_fully_agreed(store: Store) -> None:
    doc = seed(store)
    # two agreed spans (ORG, DENIAL, ARMED_GROUP: three), no attribute disagreement, no
    # CLAIMED_BY (its CLAIM end is not agreed), no DENIED_BY (bo has none)
    assert accept_agreed(store, "judge") == 3
    gold = store.spans(doc.uid, [GOLD])
    assert sorted(s.label for s in gold) == ["ARMED_GROUP", "DENIAL", "ORG"]
    assert store.relations(doc.uid, [GOLD]) == []
    # the claim decided, the agreed CLAIMED_BY follows on the next accept agreed
    claim = review_items(store, doc.uid)[0]
    store.apply(accept_command(claim, claim.spans[1], "judge"), "judge")
    assert accept_agreed(store, "judge") == 1
    (relation,) = store.relations(doc.uid, [GOLD])
    assert relation.type == "CLAIMED_BY"
    assert accept_agreed(store, "judge") == 0


def test_accept_agreed_takes_a_relation_with_its_ends_in_one_step(store: Store) -> None:
    doc = Document("Rebels said the army fled.")
    u = doc.uid
    spans = [Span(u, 0, 25, "CLAIM", who, f"{who}1", {"certainty": "reported"})
             for who in ("amy", "ben")]
    spans += [Span(u, 0, 6, "ARMED_GROUP", who, f"{who}2") for who in ("amy", "ben")]
    relations = [Relation("CLAIMED_BY", f"{who}1", f"{who}2", who, f"r{who}")
                 for who in ("amy", "ben")]
    store.import_documents([AnnotatedDocument(doc, tuple(spans), tuple(relations))])
    assert accept_agreed(store, "judge") == 3
    assert [r.type for r in store.relations(u, [GOLD])] == ["CLAIMED_BY"]
    store.undo("judge")  # one step for the document
    assert store.spans(u, [GOLD]) == [] and store.relations(u, [GOLD]) == []


def test_cli_review_shows_attributes_and_relations(store: Store,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    doc = seed(store)
    location = store.location
    store.close()
    assert main(["review", doc.uid[:12], "--db", location]) == 0
    shown = capsys.readouterr().out
    assert "0 of 6 decided" in shown
    assert "#1 attributes" in shown and "certainty: amina asserted | bo reported" in shown
    assert "relation CLAIMED_BY agreed" in shown and "relation DENIED_BY missing" in shown
    assert main(["adjudicate", "--accept-agreed", "--by", "judge", "--db", location]) == 0
    said = capsys.readouterr().out
    assert "3 agreed items accepted into gold by judge (only what is fully agreed" in said


def _adjudicated(store: Store) -> Document:
    """Everything of :func:`seed` decided: the claim with bo's certainty, every relation."""
    doc = seed(store)
    accept_agreed(store, "judge")
    claim = review_items(store, doc.uid)[0]
    store.apply(accept_command(claim, with_attributes(claim.spans[0],
                                                      {"certainty": "reported"}), "judge"),
                "judge")
    items = review_items(store, doc.uid)
    for item in relation_review_items(store, doc.uid, items):
        store.apply(accept_relation_command(item, item.types()[0], "judge"), "judge")
    return doc


CARRYING = [name for name in formats.EXPORT_FORMATS
            if {"relations", "attributes"} & set(formats.get(name).carries) and name != "spacy"]


@pytest.mark.parametrize("name", CARRYING)
def test_gold_export_carries_decided_attributes_and_relations(store: Store, tmp_path: Path,
                                                              name: str) -> None:
    doc = _adjudicated(store)
    fmt = formats.get(name)
    out = tmp_path / f"gold{fmt.suffix}"
    export(store, out, name, ExportFilter(annotators=[], gold=True))
    module = formats.module(name)
    if name == "native":
        (back,) = module.read(out)
    elif name == "csv":
        (back,) = module.read(out, store.schema(), ImportOptions(), lambda uid: TEXT)
    else:
        (back,) = module.read(out, store.schema(), ImportOptions())
    labels = {s.id: s.label for s in back.spans}
    assert sorted(labels.values()) == ["ARMED_GROUP", "CLAIM", "DENIAL", "ORG"]
    if "attributes" in fmt.carries:
        (claim,) = [s for s in back.spans if s.label == "CLAIM"]
        assert claim.attributes == {"certainty": "reported", "figure": "40"}
    if "relations" in fmt.carries:
        assert sorted((r.type, labels[r.source], labels[r.target]) for r in back.relations) == [
            ("CLAIMED_BY", "CLAIM", "ORG"), ("DENIED_BY", "DENIAL", "ARMED_GROUP")]
    assert doc.uid


def test_conll_gold_export_carries_the_decided_labels(store: Store, tmp_path: Path) -> None:
    _adjudicated(store)
    out = tmp_path / "gold.conll"
    export(store, out, "conll", ExportFilter(annotators=[], gold=True))
    tags = {line.split()[-1] for line in out.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}
    assert {"B-CLAIM", "B-DENIAL"} <= tags


def test_native_gold_export_is_json_with_gold_relations(store: Store, tmp_path: Path) -> None:
    _adjudicated(store)
    out = tmp_path / "gold.jsonl"
    export(store, out, "native", ExportFilter(annotators=[], gold=True))
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {s["annotator"] for s in record["spans"]} == {GOLD}
    assert {r["annotator"] for r in record["relations"]} == {GOLD}
