"""Two reviewers adjudicating one document at once (two Stores on the same file, or two
connections to the same server): a decision on an item the other decided meanwhile is refused
with a plain message, whatever the kind of item, and never overrides the first."""

from __future__ import annotations

import threading

import pytest

from annotate.adjudication import (
    accept_command,
    accept_doc_command,
    reject_command,
    reject_doc_command,
)
from annotate.commands import AddDecision, AddDocLabel, AddRelation, Batch, CreateSpan, Decision
from annotate.errors import ValidationError
from annotate.model import GOLD, AnnotatedDocument, DocLabel, Document, Relation, Span, new_id
from annotate.relation_items import accept_relation_command, reject_relation_command
from annotate.schema import DocCategory, DocValue, LabelSchema
from db import standing
from db.review import doc_review_items, relation_review_items, review_items
from db.standing import DecidedMeanwhile
from db.store import Store

STANCE = DocCategory("stance", (DocValue("supports", "1"), DocValue("disputes", "2")))
TEXT = "The ministry said 40 people died. The rebels denied any attack on the town."


@pytest.fixture
def reviewers(store: Store) -> tuple[Store, Store, str]:
    """The store as reviewer "rita" has it open, a second Store on it for "rémi", and the
    uid of a document two annotators worked on (spans, a relation each, a document label)."""
    doc = Document(TEXT, "Report")
    store.import_documents([AnnotatedDocument(doc)])
    for who in ("amina", "bo"):
        store.apply(CreateSpan(Span(doc.uid, 0, 33, "CLAIM", who, f"{who}-c")), who)
        store.apply(CreateSpan(Span(doc.uid, 4, 12, "ORG", who, f"{who}-o")), who)
        store.apply(AddRelation(doc.uid, Relation("CLAIMED_BY", f"{who}-c", f"{who}-o", who,
                                                  f"{who}-r")), who)
    schema = store.schema()
    store.set_schema(LabelSchema(schema.labels, schema.relations, (STANCE,)), by="lead")
    for who in ("amina", "bo"):
        store.apply(AddDocLabel(DocLabel(doc.uid, "stance", "disputes", who)), who)
    other = Store.open(store.location)
    yield store, other, doc.uid
    other.close()


def test_the_second_reviewer_to_decide_an_item_is_refused_and_the_first_decision_stands(
        reviewers) -> None:
    rita, remi, uid = reviewers
    seen_by_rita, seen_by_remi = review_items(rita, uid), review_items(remi, uid)  # both open
    claim = seen_by_rita[0]
    rita.apply(accept_command(claim, claim.spans[0], "rita"), "rita")
    for late in (accept_command(seen_by_remi[0], seen_by_remi[0].spans[1], "rémi"),
                 reject_command(seen_by_remi[0], "rémi")):
        with pytest.raises(DecidedMeanwhile, match=r"^rita accepted this item already .* your "
                                                   r"decision was not saved"):
            remi.apply(late, "rémi")
    (decision,) = rita.decisions(uid)
    assert decision.decided_by == "rita" and len(rita.spans(uid, [GOLD])) == 1
    remi.apply(reject_command(seen_by_remi[1], "rémi"), "rémi")  # another item: no conflict
    assert [i.status for i in review_items(rita, uid)] == ["accepted", "rejected"]

    rita.undo("rita")  # the accept undone, the item is open: rémi may decide it now
    remi.apply(reject_command(review_items(remi, uid)[0], "rémi"), "rémi")
    with pytest.raises(ValidationError, match="rémi rejected this item already"):
        rita.redo("rita")
    assert rita.spans(uid, [GOLD]) == []


def test_relations_and_document_labels_are_guarded_alike(reviewers) -> None:
    rita, remi, uid = reviewers
    items = review_items(rita, uid)
    for item in items:
        rita.apply(accept_command(item, item.spans[0], "rita"), "rita")
    items = review_items(rita, uid)
    rita_relations = relation_review_items(rita, uid, items)
    remi_relations = relation_review_items(remi, uid, review_items(remi, uid))
    rita.apply(accept_relation_command(rita_relations[0], "CLAIMED_BY", "rita"), "rita")
    with pytest.raises(DecidedMeanwhile, match="rita accepted this item already"):
        remi.apply(reject_relation_command(remi_relations[0], "rémi"), "rémi")

    rita_labels, remi_labels = doc_review_items(rita, uid), doc_review_items(remi, uid)
    rita.apply(reject_doc_command(rita_labels[0], "rita"), "rita")
    with pytest.raises(DecidedMeanwhile, match="rita rejected this item already"):
        remi.apply(accept_doc_command(remi_labels[0], remi_labels[0].values(), "rémi"), "rémi")
    assert [d.decided_by for d in rita.decisions(uid)] == ["rita"] * 4


def test_two_reviewers_deciding_at_the_same_moment_one_wins(reviewers) -> None:
    rita, remi, uid = reviewers
    item = review_items(rita, uid)[0]
    start = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def decide(store: Store, who: str) -> None:
        command = accept_command(item, item.spans[0], who)
        start.wait()
        try:
            store.apply(command, who)
            outcome[who] = "saved"
        except DecidedMeanwhile:
            outcome[who] = "refused"

    threads = [threading.Thread(target=decide, args=(s, w))
               for s, w in ((rita, "rita"), (remi, "rémi"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcome.values()) == ["refused", "saved"]
    (decision,) = rita.decisions(uid)
    assert outcome[decision.decided_by] == "saved" and len(rita.spans(uid, [GOLD])) == 1


def test_a_batch_of_decisions_checks_its_items_in_one_read_and_refuses_one_decided_meanwhile(
        store: Store, monkeypatch) -> None:
    """A Batch of rejects over many documents (as one step) finds its items open with one
    read of their documents' decisions, not one per decision; an item another reviewer
    decided meanwhile is refused as one decision alone is, and nothing of the Batch is
    written."""
    docs = [Document(f"Report {n}: the army denied it.", f"r{n}") for n in range(40)]
    store.import_documents([AnnotatedDocument(d, (Span(d.uid, 0, 8, "CLAIM", "amina", f"s{n}"),))
                            for n, d in enumerate(docs)])
    rejects = [AddDecision(Decision(new_id(), d.uid, "reject", (f"s{n}",), None, "rémi"))
               for n, d in enumerate(docs)]
    store.apply(AddDecision(Decision(new_id(), docs[7].uid, "reject", ("s7",), None, "rita")),
                "rita")
    reads = []
    real = standing.execute
    monkeypatch.setattr(standing, "execute", lambda conn, sql, *args: (
        reads.append(sql) if "FROM decisions" in sql else None, real(conn, sql, *args))[1])
    with pytest.raises(DecidedMeanwhile, match=r"^rita rejected this item already"):
        store.apply(Batch(tuple(rejects), "reject all"), "rémi")
    assert len(store.decisions(docs[8].uid)) == 0
    reads.clear()
    store.apply(Batch(tuple(rejects[:7] + rejects[8:]), "reject all"), "rémi")
    assert len(reads) == 1, reads
    assert [len(store.decisions(d.uid)) for d in docs] == [1] * 40
