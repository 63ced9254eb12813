"""Agreement reads a document fewer than two chosen annotators count as its outline only
(issue 17 point 3): the same figures as reading every document whole, on generated corpora and
for every choice of annotators and labels; a one-annotator document's spans are never read."""

from __future__ import annotations

import random
import sys
import tracemalloc
from pathlib import Path

import pytest

from annotate.agreement import compute_agreement
from annotate.agreement_outline import Outline, compared
from annotate.model import GOLD, AnnotatedDocument, DocLabel, Document, Relation, Span
from annotate.schema import DocCategory, DocValue, LabelSchema
from db.store import Store

sys.path.insert(0, str(Path(__file__).parents[1] / "annotate"))
from test_agreement import make_corpus  # the generated corpora of the figures' tests

STANCE = DocCategory("stance", (DocValue("supports", "1"), DocValue("disputes", "2")))


def with_links_and_doc_labels(seed: int, docs: list[AnnotatedDocument]) -> list[AnnotatedDocument]:
    """``docs`` with some relations (a claim about a person) between each annotator's spans
    and some document labels."""
    rng = random.Random(seed)
    out = []
    for doc in docs:
        relations = []
        by: dict[str, list[Span]] = {}
        for s in doc.spans:
            by.setdefault(s.annotator, []).append(s)
        for who, spans in by.items():
            sources = [s for s in spans if s.label in ("CLAIM", "DENIAL")]
            targets = [s for s in spans if s.label == "PERSON"]
            if sources and targets and rng.random() < 0.7:
                relations.append(Relation("ABOUT", rng.choice(sources).id,
                                          rng.choice(targets).id, who))
        labels = tuple(DocLabel(doc.document.uid, "stance", rng.choice(["supports", "disputes"]),
                                who)
                       for who in ("ann", "bo", "cy", "dee") if rng.random() < 0.3)
        out.append(AnnotatedDocument(doc.document, doc.spans, tuple(relations), doc.status,
                                     labels))
    return out


def filled(store: Store, seed: int) -> Store:
    schema = store.schema()
    store.set_schema(LabelSchema(schema.labels, schema.relations, (STANCE,)), by="lead")
    docs = make_corpus(seed, n_docs=14)
    # documents only one annotator (or gold) worked on, or none: to be outlined
    lone = Document(f"Only dee marked this one {seed}.")
    docs.append(AnnotatedDocument(lone, (Span(lone.uid, 0, 4, "CLAIM", "dee"),
                                         Span(lone.uid, 5, 8, "ORG", "dee")), (), {"dee": "done"}))
    empty = Document(f"Nobody read this {seed}.")
    docs.append(AnnotatedDocument(empty, (Span(empty.uid, 0, 6, "PERSON", GOLD),)))
    store.import_documents(with_links_and_doc_labels(seed, docs), add_labels=True)
    return store


CHOICES = [(None, None), (["ann", "bo"], None), (["ann"], None), (["bo", "cy", "dee"], None),
           (None, ["CLAIM"]), (["ann", "cy"], ["DENIAL", "ORG"]), (["ann", GOLD], None)]


@pytest.mark.parametrize("seed", range(4))
def test_outlines_give_the_same_figures_as_whole_documents(store, seed):
    filled(store, seed)
    categories = store.schema().documents
    for annotators, labels in CHOICES:
        whole = compute_agreement(store.iter_documents(), annotators, labels,
                                  categories=categories)
        outlined = list(store.iter_outlined(lambda o, chosen=annotators: compared(o, chosen)))
        skipped = [d for d in outlined if isinstance(d, Outline)]
        assert skipped  # some documents were not read whole
        fast = compute_agreement(outlined, annotators, labels, categories=categories)
        assert fast.to_json() == whole.to_json(), (annotators, labels)
        assert fast.format_table() == whole.format_table()


def test_an_outline_lists_who_has_spans_of_which_labels(store):
    doc = Document("Amina says the army fled; Bo says not.")
    store.import_documents([AnnotatedDocument(doc, (
        Span(doc.uid, 0, 5, "PERSON", "amina"), Span(doc.uid, 15, 19, "ORG", "amina"),
        Span(doc.uid, 26, 28, "PERSON", "amina")), (), {"amina": "done", "bo": "todo"})])
    (outline,) = store.iter_outlined(lambda _o: False)
    assert outline == Outline(doc.uid, {"amina": frozenset({"PERSON", "ORG"})},
                              {"amina": "done", "bo": "todo"}, ())
    assert not compared(outline, None)
    (whole,) = store.iter_outlined(lambda _o: True)
    assert isinstance(whole, AnnotatedDocument) and len(whole.spans) == 3


def test_an_outline_of_a_compared_document_is_refused():
    outline = Outline("d1", {"amina": frozenset({"CLAIM"}), "bo": frozenset({"CLAIM"})}, {})
    assert compared(outline, None)
    with pytest.raises(ValueError, match="d1"):
        compute_agreement([outline])


def test_a_one_annotator_document_costs_its_outline_not_its_spans(tmp_path):
    """The Agreement tab's job on a store whose big document only one annotator worked on:
    its spans are never read, so the peak stays small whatever their number."""
    from desktop.review.agreement_tab import AgreementJob

    text = "The army said the rebels fled the town. " * 5000
    big = Document(text)
    spans = tuple(Span(big.uid, k * 4, k * 4 + 3, "CLAIM", "amina") for k in range(40_000))
    pair = Document("Bo and Amina both read this.")
    path = tmp_path / "one.sqlite"
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(big, spans), AnnotatedDocument(pair, (
        Span(pair.uid, 0, 2, "PERSON", "bo"), Span(pair.uid, 0, 2, "PERSON", "amina")))])
    job = AgreementJob(str(path), None, None)
    tracemalloc.start()
    try:
        report = job.work(store)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        store.close()
    assert report is not None and report.documents == 2
    assert report.pair("amina", "bo").exact_micro.matches == 1
    assert peak < 3_000_000, peak  # read whole, the old way: 22 MB
