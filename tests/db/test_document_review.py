"""One read of a document's review items (issue 17 point 3: what the Adjudication tab's worker
reads): :func:`db.review.document_review` finds what the three reads it replaces find, on a
document with every kind of item, in two transactions; and :meth:`Store.attach`, the worker's
Store, reads what the store holds."""

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import event

from annotate.adjudication import accept_command, accept_doc_command, reject_command
from annotate.commands import AddDocLabel, AddRelation, RemoveRelation, SetStatus
from annotate.errors import StoreError
from annotate.model import AnnotatedDocument, DocLabel, Document, Relation, Span
from annotate.schema import DocCategory, DocValue, LabelSchema
from db import bulk, span_rows
from db.review import (
    DocumentReview,
    doc_review_items,
    document_review,
    relation_review_items,
    review_items,
)
from db.store import Store

TEXT = "The mayor said the bridge collapsed on Monday. Officials denied any damage. Rebels fled."
ELSEWHERE = Document("The rebels said the bridge stood.", "Elsewhere")
STANCE = DocCategory("stance", (DocValue("supports"), DocValue("disputes")))


def _span(doc: Document, words: str, label: str, who: str, extra: int = 0) -> Span:
    start = doc.text.index(words)
    return Span(doc.uid, start, start + len(words) + extra, label, who,
                f"{doc.title}-{who}-{start}-{label}")


@pytest.fixture
def reviewed(store: Store) -> tuple[Store, str]:
    """A document with partial, boundary, label and single items, a decision of each kind,
    relations of both annotators (one a link to another document), disagreeing document
    labels, and a third annotator who marked it done without a span."""
    doc = Document(TEXT, "Bridge")
    spans = (
        _span(doc, "The mayor said", "CLAIM", "amina"), _span(doc, "The mayor said", "CLAIM", "bo"),
        _span(doc, "the bridge collapsed", "CLAIM", "amina"),
        _span(doc, "the bridge collapsed", "CLAIM", "bo", len(" on Monday")),
        _span(doc, "Officials denied", "DENIAL", "amina"),
        _span(doc, "Officials denied", "CLAIM", "bo"),
        _span(doc, "Rebels", "ARMED_GROUP", "bo"),
    )
    far = _span(ELSEWHERE, "The rebels said", "CLAIM", "amina")
    store.import_documents([AnnotatedDocument(doc, spans), AnnotatedDocument(ELSEWHERE, (far,))])
    schema = store.schema()
    store.set_schema(LabelSchema(schema.labels, schema.relations, (STANCE,)), by="lead")
    for who, value in (("amina", "supports"), ("bo", "disputes")):
        store.apply(AddDocLabel(DocLabel(doc.uid, "stance", value, who)), who)
    store.apply(AddRelation(doc.uid, Relation("CONTRADICTS", spans[0].id, far.id, "amina",
                                              "link", target_document=ELSEWHERE.uid)), "amina")
    store.apply(SetStatus(doc.uid, "carol", "done"), "carol")
    items = review_items(store, doc.uid)
    store.apply(accept_command(items[0], items[0].spans[0], "chen"), "chen")
    store.apply(reject_command(items[-1], "chen"), "chen")
    labels = doc_review_items(store, doc.uid)
    store.apply(accept_doc_command(labels[0], ["disputes"], "chen"), "chen")
    return store, doc.uid


def test_one_read_finds_what_the_three_reads_find(reviewed):
    store, uid = reviewed
    items = review_items(store, uid)
    expected = DocumentReview(items, relation_review_items(store, uid, items),
                              doc_review_items(store, uid))
    found = document_review(store, uid)
    assert found._replace(plan=None) == expected
    assert found.plan is not None and found.relation_items is found.plan.relation_items
    assert {i.kind for i in found.items} == {"partial", "boundary", "label", "single"}
    assert {i.status for i in found.items} == {"accepted", "rejected", "open"}
    assert found.items[0].annotators == ("amina", "bo", "carol")  # carol: done, no span
    assert [(r.kind, r.crosses) for r in found.relation_items] == [("missing", True)]
    assert [(d.category, d.status) for d in found.doc_items] == [("stance", "accepted")]


def test_one_read_is_two_transactions(reviewed):
    """Who is an annotator, then the document's rows (one query per table): before, five
    reads and a count, each a transaction, and one more per annotator's status. (A link to
    another document reads that one's span items too: here there is none.)"""
    store, uid = reviewed
    (link,) = store.relations(uid)
    store.apply(RemoveRelation(uid, link), "amina")
    seen: Counter[str] = Counter()

    def begun(_conn: object) -> None:
        seen["transactions"] += 1

    event.listen(store.engine, "begin", begun)
    try:
        found = document_review(store, uid)
    finally:
        event.remove(store.engine, "begin", begun)
    assert found.items and found.doc_items and not found.relation_items
    assert seen["transactions"] == 2


def test_a_document_not_there_has_no_items(reviewed):
    store, _ = reviewed
    assert document_review(store, "0" * 32) == DocumentReview([], [], [])


def test_an_attached_store_reads_what_the_open_one_holds(reviewed, tmp_path: Path):
    store, uid = reviewed
    attached = Store.attach(store.address)
    try:
        seen, held = document_review(attached, uid), document_review(store, uid)
        assert seen._replace(plan=None) == held._replace(plan=None)
    finally:
        attached.close()
    assert document_review(store, uid).items  # closing it left the open store's engine alone
    gone = tmp_path / "gone.sqlite"
    with pytest.raises(StoreError, match="the store file is gone"):
        Store.attach(str(gone))
    assert not gone.exists()  # no empty store made in its place


class _Stop(Exception):
    pass


def test_a_cancel_stops_the_read_of_a_long_document(store: Store, monkeypatch):
    """One annotator's spans align nothing, so no alignment ever heard ``progress``: a
    cancelled review of a document of 200,000 spans read them all and planned them (seconds
    and some 200 MB in the worker) before it stopped. Now the read hears it every
    HEARD_EVERY spans and stops."""
    text = "word " * 60
    doc = Document(text, "Long")
    spans = tuple(Span(doc.uid, n * 5, n * 5 + 4, "CLAIM", "amina", f"s{n}") for n in range(60))
    store.import_documents([AnnotatedDocument(doc, spans)])
    monkeypatch.setattr(bulk, "HEARD_EVERY", 10)
    made = Counter[str]()
    real = span_rows.from_row

    def counted(*args: object) -> Span:
        made["spans"] += 1
        return real(*args)

    monkeypatch.setattr(span_rows, "from_row", counted)
    heard: list[tuple[int, int]] = []
    found = document_review(store, doc.uid, lambda done, total: heard.append((done, total)))
    assert len(found.items) == 60
    assert heard  # told during the read, uncancelled: the same items

    def cancelled(_done: int, _total: int) -> None:
        raise _Stop

    made.clear()
    with pytest.raises(_Stop):
        document_review(store, doc.uid, cancelled)
    assert made["spans"] <= 10  # the first check came after the first ten spans read
