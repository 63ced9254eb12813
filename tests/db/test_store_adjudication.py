"""Adjudication on a store: accept/reject decisions with provenance, undo, progress, export."""

import json
from pathlib import Path

import pytest

from annotate.adjudication import accept_command, progress, reject_command
from annotate.errors import InputError
from annotate.model import GOLD, AnnotatedDocument, Document, Span
from db.review import accept_agreed, resolve_uid, review_items
from db.store import Store
from db.transfer import ExportFilter, export
from desktop.cli import main

TEXT = "The ministry said 40 people died. The rebels denied any attack on the town."


def seed(store: Store) -> Document:
    doc = Document(TEXT, "Report")
    spans = (
        Span(doc.uid, 0, 33, "CLAIM", "amina", "a1"),
        Span(doc.uid, 0, 33, "CLAIM", "bo", "b1"),
        Span(doc.uid, 34, 75, "DENIAL", "amina", "a2"),
        Span(doc.uid, 34, 64, "DENIAL", "bo", "b2"),
        Span(doc.uid, 4, 12, "ORG", "amina", "a3"),
        Span(doc.uid, 4, 12, "PERSON", "bo", "b3"),
    )
    store.import_documents([AnnotatedDocument(doc, spans)])
    return doc


def test_accept_records_gold_span_and_decision_and_undo_removes_both(store: Store) -> None:
    doc = seed(store)
    items = review_items(store, doc.uid)
    assert [i.kind for i in items] == ["agreed", "label", "boundary"]
    boundary = items[2]
    chosen = boundary.by_annotator()["bo"][0]
    store.apply(accept_command(boundary, chosen, "judge"), "judge")
    (gold,) = store.spans(doc.uid, [GOLD])
    assert (gold.start, gold.end, gold.label) == (34, 64, "DENIAL")
    (decision,) = store.decisions(doc.uid)
    assert decision.kind == "accept" and decision.decided_by == "judge"
    assert decision.sources == ("b2",) and decision.gold_span == gold
    items = review_items(store, doc.uid)
    assert [i.status for i in items] == ["open", "open", "accepted"]
    assert progress(items) == (1, 3)
    store.undo("judge")
    assert store.spans(doc.uid, [GOLD]) == [] and store.decisions(doc.uid) == []
    assert progress(review_items(store, doc.uid)) == (0, 3)
    store.redo("judge")
    assert len(store.spans(doc.uid, [GOLD])) == 1 and len(store.decisions(doc.uid)) == 1


def test_reject_is_recorded_and_undoable(store: Store) -> None:
    doc = seed(store)
    label_item = review_items(store, doc.uid)[1]
    store.apply(reject_command(label_item, "judge"), "judge")
    (decision,) = store.decisions(doc.uid)
    assert decision.kind == "reject" and set(decision.sources) == {"a3", "b3"}
    assert decision.gold_span is None
    assert review_items(store, doc.uid)[1].status == "rejected"
    store.undo("judge")
    assert store.decisions(doc.uid) == []


def test_accept_agreed_then_export_gold_writes_exactly_the_accepted(
    store: Store, tmp_path: Path
) -> None:
    doc = seed(store)
    other = Document("Nobody agreed on anything in this second text at all.")
    store.import_documents(
        [AnnotatedDocument(other, (Span(other.uid, 0, 6, "PERSON", "amina", "a9"),))]
    )
    assert accept_agreed(store, "judge") == 1
    assert accept_agreed(store, "judge") == 0  # already accepted: nothing more
    boundary = review_items(store, doc.uid)[2]
    store.apply(accept_command(boundary, boundary.spans[0], "judge"), "judge")
    out = tmp_path / "gold.jsonl"
    export(store, out, "native", ExportFilter(gold=True))
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    exported = {(s["start"], s["end"], s["label"], s["annotator"])
                for r in records for s in r["spans"]}
    assert exported == {(0, 33, "CLAIM", GOLD), (34, 75, "DENIAL", GOLD)}
    store.undo("judge")
    store.undo("judge")  # the accept-agreed batch of the document is one step
    assert store.spans(doc.uid, [GOLD]) == []


def test_annotators_filter_and_unknown_names(store: Store) -> None:
    doc = seed(store)
    assert {i.kind for i in review_items(store, doc.uid, ["amina"])} == {"single"}
    with pytest.raises(InputError, match="nobody"):
        review_items(store, doc.uid, ["nobody"])
    assert resolve_uid(store, doc.uid[:10]) == doc.uid
    with pytest.raises(InputError):
        resolve_uid(store, "zz")


def test_cli_review_and_adjudicate(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    doc = seed(store)
    location = store.location
    store.close()
    assert main(["review", doc.uid[:12], "--db", location]) == 0
    shown = capsys.readouterr().out
    assert "0 of 3 decided" in shown and "#3 boundary" in shown and '"The ministry' in shown
    assert main(["adjudicate", "--accept-agreed", "--by", "judge", "--db", location]) == 0
    assert "1 agreed items accepted into gold by judge" in capsys.readouterr().out
    assert main(["review", doc.uid, "--db", location]) == 0
    assert "1 of 3 decided" in capsys.readouterr().out
