"""The suggestion layer in the store: a table of its own that nothing counting or exporting
spans sees; accept and reject are journaled, undoable steps of the annotator; fills are checked
and journaled as events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate import suggestions
from annotate.errors import ValidationError
from annotate.model import AnnotatedDocument, Document, Span
from annotate.suggestions import Suggestion
from db.store import Store
from db.transfer import export

TEXT = "Amina Diallo said the army shelled Kidal. The army denied it."


@pytest.fixture
def uid(store: Store) -> str:
    document = Document(TEXT, "report")
    store.import_documents([AnnotatedDocument(document)])
    return document.uid


def found(uid: str) -> list[Suggestion]:
    return [
        Suggestion(uid, 0, 12, "PERSON", "model:m 1", 0.9),
        Suggestion(uid, 22, 26, "ARMED_GROUP", "model:m 1", 0.4),
        Suggestion(uid, 35, 40, "LOCATION", "model:m 1", 0.7),
    ]


def test_suggestions_count_nowhere_until_accepted(store: Store, uid: str, tmp_path: Path) -> None:
    assert store.put_suggestions(found(uid), "model:m 1", by="amina") == 3
    assert store.span_count() == 0
    assert store.work_by_annotator() == {}
    assert [r.spans for r in store.iter_documents()] == [()]
    assert store.list_documents("amina")[0].span_count == 0
    target = tmp_path / "out.jsonl"
    export(store, target, "native")
    assert json.loads(target.read_text(encoding="utf-8"))["spans"] == []
    assert store.suggestion_sources() == {"model:m 1": 3}
    event = store.history("amina")[0]
    assert (event.op, event.kind, event.documents) == ("suggest", "event", (uid,))


def test_accept_is_one_undoable_step_that_hides_the_suggestion(store: Store, uid: str) -> None:
    store.put_suggestions(found(uid), "model:m 1")
    first = store.suggestions(uid, "amina")[0]
    changes = store.apply(suggestions.accept_one(first, "amina"), "amina")
    assert changes.suggestions and changes.span_delta("amina") == 1
    assert [(s.start, s.end, s.label) for s in store.spans(uid, ["amina"])] == [(0, 12, "PERSON")]
    assert [s.start for s in store.suggestions(uid, "amina")] == [22, 35]
    assert [s.start for s in store.suggestions(uid, "omar")] == [0, 22, 35]  # only mine
    assert [v.kind for v in store.verdicts(uid, "amina")] == ["accept"]
    store.undo("amina")
    assert store.spans(uid) == [] and store.verdicts() == []
    assert [s.start for s in store.suggestions(uid, "amina")] == [0, 22, 35]
    store.redo("amina")
    assert len(store.spans(uid, ["amina"])) == 1


def test_accept_under_another_label(store: Store, uid: str) -> None:
    store.put_suggestions(found(uid), "model:m 1")
    army = store.suggestions(uid, "amina")[1]
    store.apply(suggestions.accept_one(army, "amina", "ORG"), "amina")
    assert [s.label for s in store.spans(uid)] == ["ORG"]
    (verdict,) = store.verdicts(uid, "amina")
    assert (verdict.label, verdict.chosen) == ("ARMED_GROUP", "ORG")
    assert [s.start for s in store.suggestions(uid, "amina")] == [0, 35]


def test_reject_is_remembered_across_fills_and_undone(store: Store, uid: str) -> None:
    store.put_suggestions(found(uid), "model:m 1")
    army = store.suggestions(uid, "amina")[1]
    store.apply(suggestions.reject(army, "amina"), "amina")
    assert store.span_count() == 0
    assert [s.start for s in store.suggestions(uid, "amina")] == [0, 35]
    store.put_suggestions(found(uid), "model:m 1")  # the model suggests it again
    assert [s.start for s in store.suggestions(uid, "amina")] == [0, 35]
    assert store.history("amina")[0].op == "add_verdict"
    store.undo("amina")
    assert [s.start for s in store.suggestions(uid, "amina")] == [0, 22, 35]


def test_accept_all_above_a_score_is_one_step(store: Store, uid: str) -> None:
    store.put_suggestions(found(uid), "model:m 1")
    batch = suggestions.accept_above(store.suggestions(uid, "amina"), "amina", 0.5)
    store.apply(batch, "amina")
    assert [s.start for s in store.spans(uid)] == [0, 35]
    assert [s.start for s in store.suggestions(uid, "amina")] == [22]
    store.undo("amina")
    assert store.spans(uid) == []


def test_no_one_judges_for_someone_else(store: Store, uid: str) -> None:
    store.put_suggestions(found(uid), "model:m 1")
    first = store.suggestions(uid, "amina")[0]
    with pytest.raises(ValidationError, match="layer"):
        store.apply(suggestions.reject(first, "amina"), "omar")
    store.apply(suggestions.reject(first, "amina"), "amina")
    with pytest.raises(ValidationError, match="already"):
        store.apply(suggestions.reject(first, "amina"), "amina")


@pytest.mark.parametrize("bad, message", [
    (Suggestion("0" * 64, 0, 5, "PERSON", "model:m 1"), "not in the store"),
    (Suggestion("UID", 0, 500, "PERSON", "model:m 1"), "outside the text"),
    (Suggestion("UID", 0, 5, "NOT_A_LABEL", "model:m 1"), "not in the schema"),
    (Suggestion("UID", 0, 5, "PERSON", "model:m 1", -0.1), "between 0 and 1"),
    (Suggestion("UID", 0, 5, "PERSON", "pattern:other"), "among"),
])
def test_a_bad_fill_stores_nothing(store: Store, uid: str, bad: Suggestion, message: str) -> None:
    store.put_suggestions(found(uid), "model:m 1")
    bad = Suggestion(uid if bad.document == "UID" else bad.document, bad.start, bad.end,
                     bad.label, bad.source, bad.score)
    with pytest.raises(ValidationError, match=message):
        store.put_suggestions([*found(uid), bad], "model:m 1")
    assert len(store.suggestions(uid, "amina")) == 3


def test_a_fill_replaces_its_source_only(store: Store, uid: str) -> None:
    store.put_suggestions(found(uid), "model:m 1")
    store.put_suggestions([Suggestion(uid, 42, 50, "ARMED_GROUP", "pattern:p", 1.0)], "pattern:p")
    store.put_suggestions([], "model:m 1", uids=[uid])
    assert [s.source for s in store.suggestions(uid, "amina")] == ["pattern:p"]
    assert store.clear_suggestions() == 1
    assert store.suggestions(uid, "amina") == []


def test_a_span_of_mine_hides_the_same_suggestion(store: Store, uid: str) -> None:
    store.put_suggestions(found(uid), "model:m 1")
    store.import_documents([AnnotatedDocument(Document(TEXT, "report"),
                                              (Span(uid, 35, 40, "LOCATION", "amina"),))])
    assert [s.start for s in store.suggestions(uid, "amina")] == [0, 22]


def test_least_sure_documents_first_judged_ones_left_out(store: Store) -> None:
    docs = [Document(f"Report {n}: Amina Diallo said so.", f"r{n}") for n in range(3)]
    store.import_documents(AnnotatedDocument(d) for d in docs)
    for doc, score in zip(docs, (0.95, 0.55, 0.2), strict=True):
        store.put_suggestions([Suggestion(doc.uid, 10, 22, "PERSON", "model:m@1", score)],
                              "model:m@1", uids=[doc.uid])
    ranked = store.least_sure_documents("amina")
    assert [uid for uid, _ in ranked] == [docs[1].uid, docs[2].uid, docs[0].uid]
    assert [round(d, 2) for _, d in ranked] == [0.05, 0.3, 0.45]
    (closest,) = store.suggestions(docs[1].uid, "amina")
    store.apply(suggestions.reject(closest, "amina"), "amina")
    assert [uid for uid, _ in store.least_sure_documents("amina", 1)] == [docs[2].uid]
    assert [uid for uid, _ in store.least_sure_documents("omar", 1)] == [docs[1].uid]


def test_the_model_last_trained_is_remembered(store: Store) -> None:
    assert store.model_record() is None
    store.record_model("/models/m", {"PERSON": (0.5, 0.25, 1 / 3)})
    assert store.model_record() == ("/models/m", {"PERSON": [0.5, 0.25, 1 / 3]})
