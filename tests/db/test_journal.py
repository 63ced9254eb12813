"""Every change is a journaled operation, and undo has one rule for all of them: schema
changes undo across restarts like edits; an undo that no longer applies is closed, not stuck."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from annotate.commands import AddRelation, CreateSpan, DeleteSpan, relabel
from annotate.errors import ValidationError
from annotate.formats import native
from annotate.model import AnnotatedDocument, Document, Relation, Span
from annotate.schema import AttributeDef, Label, LabelSchema
from db.store import Store, UndoRefused
from db.transfer import import_paths

TEXT = "The army said the convoy was hit near the border on Monday."


def add_doc(store: Store, body: str = TEXT) -> str:
    document = Document(body, "t")
    store.import_documents([AnnotatedDocument(document)])
    return document.uid


def with_rumour(schema: LabelSchema) -> LabelSchema:
    return schema.with_label(Label("RUMOUR", "other", "#123456"))


def test_a_schema_change_is_journaled_and_undone_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    store = Store.open(path)
    before = store.schema()
    store.set_schema(with_rumour(before), by="lead")
    store.close()
    store = Store.open(path)
    try:
        [entry] = store.history(op="set_schema")
        assert (entry.annotator, entry.kind, entry.state) == ("lead", "do", "active")
        assert store.next_undo("lead") == "set_schema"
        assert store.undo("lead") is not None
        assert store.schema() == before
        assert store.next_redo("lead") == "set_schema"
        store.redo("lead")
        assert store.schema().label("RUMOUR") is not None
    finally:
        store.close()


def test_undoing_a_rename_gives_the_spans_their_old_label_back(store: Store) -> None:
    uid = add_doc(store)
    span = Span(uid, 4, 8, "ORG", "amina")
    store.apply(CreateSpan(span), "amina")
    schema = store.schema()
    org = schema.label("ORG")
    assert org is not None
    store.set_schema(schema.with_label(replace(org, name="INSTITUTION"), "ORG"),
                     {"ORG": "INSTITUTION"}, by="amina")
    assert store.span(span.id).label == "INSTITUTION"
    store.undo("amina")
    assert store.span(span.id).label == "ORG"
    assert store.schema() == schema


def test_a_schema_change_and_edits_undo_in_order_on_one_stack(store: Store) -> None:
    uid = add_doc(store)
    store.set_schema(with_rumour(store.schema()), by="amina")
    store.apply(CreateSpan(Span(uid, 4, 8, "RUMOUR", "amina")), "amina")
    assert store.next_undo("amina") == "create_span"
    store.undo("amina")
    assert store.next_undo("amina") == "set_schema"
    store.undo("amina")
    assert store.schema().label("RUMOUR") is None
    assert store.next_undo("amina") is None


def test_an_undo_that_no_longer_applies_is_closed_with_a_message(store: Store) -> None:
    uid = add_doc(store)
    kept = Span(uid, 0, 3, "ORG", "amina")
    gone = Span(uid, 4, 8, "ARMED_GROUP", "amina")
    store.apply(CreateSpan(kept), "amina")
    store.apply(CreateSpan(gone), "amina")
    store.apply(DeleteSpan(gone), "amina")
    # Someone else takes the deleted span's id: the delete can no longer be undone.
    store.apply(CreateSpan(replace(gone, annotator="bob")), "bob")
    with pytest.raises(UndoRefused, match=r"cannot undo delete_span: span .* exists already"):
        store.undo("amina")
    # The failing step is off the stack: the next undo goes on with the step before it.
    assert store.next_undo("amina") == "create_span"
    store.undo("amina")
    store.undo("amina")
    assert store.spans(uid, ["amina"]) == []
    [refused] = store.history(op="undo_refused")
    assert (refused.annotator, refused.kind, refused.documents) == ("amina", "event", (uid,))
    assert "exists already" in refused.payload["reason"]


def test_delete_then_import_the_span_then_undo_leaves_no_failing_step(
    store: Store, tmp_path: Path
) -> None:
    uid = add_doc(store)
    older = Span(uid, 0, 3, "ORG", "amina")
    span = Span(uid, 4, 8, "ARMED_GROUP", "amina")
    store.apply(CreateSpan(older), "amina")
    store.apply(CreateSpan(span), "amina")
    file = tmp_path / "back.jsonl"
    native.write(store.iter_documents(), file)
    store.apply(DeleteSpan(span), "amina")
    [result] = import_paths(store, [file])
    assert result.error is None
    # The deleted span does not come back (a tombstone), so the delete still undoes, and the
    # older steps after it: no step is offered that fails ("span ... exists already").
    assert store.next_undo("amina") == "delete_span"
    store.undo("amina")
    assert {s.id for s in store.spans(uid)} == {older.id, span.id}
    store.undo("amina")
    store.undo("amina")
    assert store.spans(uid) == [] and store.next_undo("amina") is None
    [entry] = store.history(op="import", limit=1)
    assert entry.kind == "event" and entry.documents == (uid,)
    assert entry.payload["file"] == str(file)


def test_an_undo_of_a_schema_change_another_made_obsolete_is_closed(store: Store) -> None:
    uid = add_doc(store)
    store.apply(CreateSpan(Span(uid, 0, 3, "ORG", "lead")), "lead")
    store.set_schema(with_rumour(store.schema()), by="lead")
    store.apply(CreateSpan(Span(uid, 4, 8, "RUMOUR", "amina")), "amina")
    with pytest.raises(UndoRefused, match=r"RUMOUR.*still has 1 spans"):
        store.undo("lead")
    assert store.schema().label("RUMOUR") is not None
    assert store.next_undo("lead") == "create_span"


def test_a_schema_change_that_the_annotations_do_not_fit_is_refused(store: Store) -> None:
    uid = add_doc(store)
    claim = Span(uid, 0, 8, "CLAIM", "amina", attributes={"figure": "80"})
    org = Span(uid, 14, 20, "ORG", "amina")
    store.apply(CreateSpan(claim), "amina")
    store.apply(CreateSpan(org), "amina")
    store.apply(AddRelation(uid, Relation("CLAIMED_BY", claim.id, org.id, "amina")), "amina")
    schema = store.schema()
    label = schema.label("CLAIM")
    assert label is not None
    as_number = tuple(
        AttributeDef("figure", "number") if a.name == "figure" else a for a in label.attributes
    )
    no_figure = tuple(a for a in label.attributes if a.name != "figure")
    for changed, message in (
        (schema.with_label(replace(label, attributes=as_number), "CLAIM"), "refuses values"),
        (schema.with_label(replace(label, attributes=no_figure), "CLAIM"), "loses attribute"),
        (LabelSchema(schema.labels, ()), "'CLAIMED_BY' still has 1 relations"),
        (
            LabelSchema(schema.labels, tuple(
                replace(r, target_labels=("PERSON",)) if r.name == "CLAIMED_BY" else r
                for r in schema.relations)),
            "no longer allows",
        ),
    ):
        with pytest.raises(ValidationError, match=message):
            store.set_schema(changed, by="lead")
        assert store.schema() == schema
    assert store.history(op="set_schema") == []


def test_an_edit_journals_who_when_what_and_where(store: Store) -> None:
    uid = add_doc(store)
    span = Span(uid, 4, 8, "ORG", "amina")
    store.apply(CreateSpan(span), "amina")
    store.apply(relabel(store.span(span.id), "PERSON"), "amina")
    first, second = reversed(store.history(annotator="amina"))
    assert (first.op, first.documents, first.payload["span"]["id"]) == (
        "create_span", (uid,), span.id)
    assert second.payload["after"]["label"] == "PERSON"
    assert first.at <= second.at


def test_an_import_of_several_documents_is_found_by_each(store: Store, tmp_path: Path) -> None:
    docs = [Document(f"Report {n}: the convoy was hit.", f"r{n}") for n in range(3)]
    file = tmp_path / "three.jsonl"
    native.write([AnnotatedDocument(d) for d in docs], file)
    import_paths(store, [file])
    for doc in docs:
        [entry] = store.history(document=doc.uid)
        assert entry.op == "import"
        assert set(entry.documents) == {d.uid for d in docs}
    assert store.history(document="f" * 64) == []


def test_the_log_filters_by_annotator_document_time_and_operation(store: Store) -> None:
    first, second = add_doc(store), add_doc(store, "Another report of the same day.")
    store.apply(CreateSpan(Span(first, 4, 8, "ORG", "amina")), "amina")
    store.apply(CreateSpan(Span(second, 0, 7, "ORG", "bob")), "bob")
    assert [e.annotator for e in store.history(annotator="bob")] == ["bob"]
    assert [e.documents for e in store.history(document=second)] == [(second,), (second,)]
    assert store.history(since="2999-01-01") == []
    assert len(store.history(since="2000-01-01", op="create_span")) == 2


def test_journal_payload_is_the_command_json(store: Store) -> None:
    uid = add_doc(store)
    span = Span(uid, 4, 8, "ORG", "amina")
    store.apply(CreateSpan(span), "amina")
    [entry] = store.history(annotator="amina")
    assert json.loads(json.dumps(entry.payload)) == CreateSpan(span).to_dict() | {
        "relations": []
    }
