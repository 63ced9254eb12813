"""Layers enforced by the store: nobody writes another annotator's layer, gold is written only
by adjudication, and relations stay within one layer, whatever the caller."""

import pytest

from annotate.commands import (
    AddDecision,
    AddRelation,
    Batch,
    CreateSpan,
    Decision,
    DeleteSpan,
    RemoveRelation,
    SetStatus,
    relabel,
    set_attribute,
)
from annotate.errors import ValidationError
from annotate.model import GOLD, AnnotatedDocument, Document, Relation, Span
from db.store import Store

TEXT = "Rebels said that 80 soldiers died near Kidal; the army denied it."


@pytest.fixture
def doc(store: Store) -> Document:
    doc = Document(TEXT, "Report")
    claim, army = (0, 33), (50, 54)  # "Rebels said ... died", "army"
    spans = (
        Span(doc.uid, *claim, "CLAIM", "alice", "a1"),
        Span(doc.uid, *army, "ORG", "alice", "a2"),
        Span(doc.uid, *claim, "CLAIM", "bob", "b1"),
        Span(doc.uid, *army, "ORG", "bob", "b2"),
    )
    store.import_documents([AnnotatedDocument(doc, spans)])
    return doc


@pytest.mark.parametrize(
    "make",
    [
        lambda s: relabel(s.span("b2"), "PERSON"),
        lambda s: set_attribute(s.span("b1"), "certainty", "reported"),
        lambda s: DeleteSpan(s.span("b1")),
        lambda s: CreateSpan(Span(s.span("b1").document, 7, 11, "ORG", "bob")),
        lambda s: SetStatus(s.span("b1").document, "bob", "done"),
        lambda s: AddRelation(s.span("b1").document, Relation("ABOUT", "b1", "b2", "bob")),
    ],
    ids=["relabel", "attribute", "delete", "create", "status", "relation"],
)
def test_nobody_writes_another_annotators_layer(store: Store, doc: Document, make) -> None:
    before = store.spans(doc.uid), store.relations(doc.uid), store.status(doc.uid, "bob")
    with pytest.raises(ValidationError, match="bob's layer"):
        store.apply(make(store), "alice")
    assert (store.spans(doc.uid), store.relations(doc.uid), store.status(doc.uid, "bob")) == before
    assert not store.can_undo("alice")


def test_a_relation_joining_another_layer_is_refused(store: Store, doc: Document) -> None:
    across = Relation("ABOUT", "a1", "b2", "alice")
    with pytest.raises(ValidationError, match="within one layer"):
        store.apply(AddRelation(doc.uid, across), "alice")
    with pytest.raises(ValidationError, match="within one layer"):  # two others' spans
        store.apply(AddRelation(doc.uid, Relation("ABOUT", "b1", "b2", "alice")), "alice")
    assert store.relations(doc.uid) == []
    own = Relation("ABOUT", "a1", "a2", "alice")
    store.apply(AddRelation(doc.uid, own), "alice")
    assert store.relations(doc.uid) == [own]
    with pytest.raises(ValidationError, match="alice's layer"):
        store.apply(RemoveRelation(doc.uid, own), "bob")


def test_gold_is_written_only_by_adjudication(store: Store, doc: Document) -> None:
    gold = Span(doc.uid, 50, 54, "ORG", GOLD, "g1")
    for actor in ("alice", GOLD):
        with pytest.raises(ValidationError, match="only by adjudication"):
            store.apply(CreateSpan(gold), actor)
    decision = Decision("d1", doc.uid, "accept", ("a2",), gold, "alice")
    store.apply(Batch((CreateSpan(gold), AddDecision(decision)), "accept span"), "alice")
    assert [s.id for s in store.spans(doc.uid, [GOLD])] == ["g1"]
    with pytest.raises(ValidationError, match="only by adjudication"):
        store.apply(relabel(store.span("g1"), "PERSON"), "alice")
    store.undo("alice")  # the decision's inverse removes its gold span
    assert store.spans(doc.uid, [GOLD]) == []
