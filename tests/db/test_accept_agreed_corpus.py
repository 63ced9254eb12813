"""Accept-agreed over a corpus: read in bulk, written in one transaction and ONE undo step,
with the same gold spans and decisions as accepting document by document."""

import random
from pathlib import Path

from annotate import adjudication
from annotate.model import GOLD, AnnotatedDocument, Document, Span
from db import review
from db.store import Store

LABELS = ("CLAIM", "DENIAL", "PERSON", "ORG")
WHO = ("amina", "bo", "chen")


def corpus(documents: int = 40, seed: int = 5) -> list[AnnotatedDocument]:
    """Annotators who mostly copy each other, some documents left untouched or not done."""
    rng = random.Random(seed)
    records = []
    for n in range(documents):
        doc = Document(f"Report {n}: " + "the ministry said forty people died " * 3, f"r{n}")
        base = [(12 + 30 * i, 20 + 30 * i + rng.randrange(5), rng.choice(LABELS))
                for i in range(3)]
        spans = []
        for who in WHO[: rng.choice((1, 2, 3, 3))]:
            for i, (start, end, label) in enumerate(base):
                roll = rng.random()
                if roll < 0.1:
                    end += 1
                elif roll < 0.2:
                    label = LABELS[(LABELS.index(label) + 1) % len(LABELS)]
                elif roll < 0.25:
                    continue
                spans.append(Span(doc.uid, start, end, label, who, f"{n}-{who}-{i}"))
        status = {who: "done" for who in WHO if rng.random() < 0.8}
        records.append(AnnotatedDocument(doc, tuple(spans), (), status))
    return records


def seeded(path: Path) -> Store:
    """A store of the corpus where a few items were decided already (a reject, an accept)."""
    store = Store.open(path)
    store.import_documents(corpus())
    for row in store.list_documents()[:6]:
        items = [i for i in review.review_items(store, row.uid) if i.status == "open"]
        if items:
            first = items[0]
            store.apply(adjudication.reject_command(first, "lead") if row.span_count % 2
                        else adjudication.accept_command(first, first.spans[0], "lead"), "lead")
    return store


def one_by_one(store: Store, decided_by: str) -> int:
    """The per-document path: each document read and accepted in its own transaction."""
    accepted = 0
    for row in store.list_documents():
        batch = adjudication.accept_agreed(review.review_items(store, row.uid), decided_by,
                                           review.doc_review_items(store, row.uid))
        if batch.commands:
            store.apply(batch, decided_by)
            accepted += sum(isinstance(c, adjudication.AddDecision) for c in batch.commands)
    return accepted


def adjudicated(store: Store) -> tuple[list[tuple], list[tuple]]:
    """The gold layer and decisions, without the ids and times each run makes anew."""
    gold, decisions = [], []
    for row in store.list_documents():
        gold += [(s.document, s.start, s.end, s.label, tuple(sorted(s.attributes.items())))
                 for s in store.spans(row.uid, [GOLD])]
        decisions += [(d.document, d.kind, tuple(sorted(d.sources)), d.decided_by,
                       None if d.gold_span is None else (d.gold_span.start, d.gold_span.end,
                                                         d.gold_span.label))
                      for d in store.decisions(row.uid)]
    return sorted(gold), sorted(decisions)


def steps(store: Store, annotator: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(e.op, e.documents) for e in store.history(annotator, limit=None)]


def test_corpus_accept_equals_accepting_document_by_document(tmp_path: Path) -> None:
    by_document = seeded(tmp_path / "a.sqlite")
    in_bulk = seeded(tmp_path / "b.sqlite")
    before = adjudicated(in_bulk)
    accepted = one_by_one(by_document, "judge")
    assert accepted > 20
    assert review.accept_agreed(in_bulk, "judge") == accepted
    assert adjudicated(in_bulk) == adjudicated(by_document) != before
    touched = sorted({uid for _, documents in steps(by_document, "judge") for uid in documents})
    assert steps(in_bulk, "judge") == [("accept_agreed", tuple(touched))]
    assert review.accept_agreed(in_bulk, "judge") == 0  # nothing agreed is left open
    after = adjudicated(in_bulk)
    assert in_bulk.undo("judge") is not None  # one step for the whole corpus
    assert adjudicated(in_bulk) == before
    assert in_bulk.undo("judge") is None
    assert in_bulk.redo("judge") is not None
    assert adjudicated(in_bulk) == after
    by_document.close()
    in_bulk.close()


def test_corpus_accept_is_one_write_transaction(tmp_path: Path, monkeypatch) -> None:
    store = seeded(tmp_path / "s.sqlite")
    writes = []
    write = Store._write

    def counted(self: Store, *args, **kwargs):
        writes.append(1)
        return write(self, *args, **kwargs)

    monkeypatch.setattr(Store, "_write", counted)
    assert review.accept_agreed(store, "judge") > 20
    assert len(writes) == 1
    store.close()
