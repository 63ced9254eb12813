"""The Store: edits with their journal, undo/redo across restarts, reads, pragmas."""

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from annotate.commands import (
    AddRelation,
    Batch,
    CreateSpan,
    DeleteSpan,
    SetStatus,
    relabel,
    resize,
    set_attribute,
    set_note,
)
from annotate.errors import InputError, StoreError, ValidationError
from annotate.model import AnnotatedDocument, Document, Relation, Span
from annotate.query import QueryError
from db.store import Store

TEXT = "Rebels said 80 soldiers died.\r\nThe army denied it 😀 entirely."


def add_doc(store: Store, body: str = TEXT) -> Document:
    doc = Document(body, "Report", {"source": "wire"})
    store.import_documents([AnnotatedDocument(doc)])
    return doc


def test_new_store_has_default_schema_and_its_engine_settings(store: Store) -> None:
    assert {"CLAIM", "DENIAL", "PERSON", "ORG"} <= set(store.schema().label_names)
    with store.engine.connect() as conn:
        if conn.dialect.name == "postgresql":  # a write waits for another's lock, not forever
            assert conn.execute(text("SHOW lock_timeout")).scalar() == "5s"
            return
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def test_document_text_stored_once_by_uid(store: Store) -> None:
    doc = add_doc(store)
    add_doc(store)
    assert store.count_documents() == 1
    assert store.document(doc.uid).text == TEXT  # CRLF and emoji kept exactly


def test_create_relabel_resize_attribute_note_and_undo_each(store: Store) -> None:
    doc = add_doc(store)
    span = Span(doc.uid, 0, 6, "PERSON", "amina")
    store.apply(CreateSpan(span), "amina")
    steps = [
        lambda s: relabel(s, "CLAIM"),
        lambda s: resize(s, 0, 28),
        lambda s: set_attribute(s, "certainty", "reported"),
        lambda s: set_note(s, "check the figure"),
    ]
    history = [store.span(span.id)]
    for step in steps:
        store.apply(step(history[-1]), "amina")
        history.append(store.span(span.id))
    final = history[-1]
    assert (final.label, final.start, final.end, final.attributes, final.note) == (
        "CLAIM",
        0,
        28,
        {"certainty": "reported"},
        "check the figure",
    )
    assert TEXT[final.start : final.end] == "Rebels said 80 soldiers died"
    for expected in reversed(history[:-1]):
        assert store.undo("amina") is not None
        assert replace(store.span(span.id), updated="") == replace(expected, updated="")
    assert store.undo("amina") is not None  # the create
    assert store.spans(doc.uid) == []
    assert store.undo("amina") is None


def test_undo_redo_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    doc = add_doc(store)
    span = Span(doc.uid, 0, 6, "PERSON", "amina")
    store.apply(CreateSpan(span), "amina")
    store.close()
    store = Store.open(path)
    store.undo("amina")
    assert store.spans(doc.uid) == []
    store.close()
    store = Store.open(path)
    store.redo("amina")
    assert [s.id for s in store.spans(doc.uid)] == [span.id]
    store.close()


def test_new_edit_clears_redo_and_undo_is_per_annotator(store: Store) -> None:
    doc = add_doc(store)
    a = Span(doc.uid, 0, 6, "PERSON", "amina")
    b = Span(doc.uid, 12, 14, "CLAIM", "bo")
    store.apply(CreateSpan(a), "amina")
    store.apply(CreateSpan(b), "bo")
    store.undo("amina")
    assert [s.id for s in store.spans(doc.uid)] == [b.id]
    store.apply(CreateSpan(Span(doc.uid, 15, 23, "PERSON", "amina")), "amina")
    assert store.redo("amina") is None
    assert store.can_undo("bo")


def test_delete_span_takes_its_relations_and_undo_restores_them(store: Store) -> None:
    doc = add_doc(store)
    claim = Span(doc.uid, 0, 28, "CLAIM", "amina")
    group = Span(doc.uid, 0, 6, "ARMED_GROUP", "amina")
    rel = Relation("CLAIMED_BY", claim.id, group.id, "amina")
    for command in (CreateSpan(claim), CreateSpan(group), AddRelation(doc.uid, rel)):
        store.apply(command, "amina")
    changes = store.apply(DeleteSpan(group), "amina")
    assert rel.id in changes.relations
    assert store.relations(doc.uid) == []
    store.undo("amina")
    assert store.relations(doc.uid) == [rel]


def test_invalid_commands_write_nothing(store: Store) -> None:
    doc = add_doc(store)
    before = store.history()
    with pytest.raises(ValidationError, match="outside"):
        store.apply(CreateSpan(Span(doc.uid, 5, len(TEXT) + 1, "CLAIM", "amina")), "amina")
    with pytest.raises(ValidationError, match="unknown label"):
        store.apply(CreateSpan(Span(doc.uid, 0, 3, "NOPE", "amina")), "amina")
    with pytest.raises(ValidationError, match="certainty"):
        store.apply(
            CreateSpan(Span(doc.uid, 0, 3, "CLAIM", "amina", attributes={"certainty": "maybe"})),
            "amina",
        )
    claim = Span(doc.uid, 0, 6, "CLAIM", "amina")
    person = Span(doc.uid, 7, 11, "PERSON", "amina")
    store.apply(CreateSpan(claim), "amina")
    store.apply(CreateSpan(person), "amina")
    with pytest.raises(ValidationError, match="cannot start"):
        store.apply(
            AddRelation(doc.uid, Relation("CLAIMED_BY", person.id, claim.id, "amina")), "amina"
        )
    assert len(store.history()) == len(before) + 2


def test_stale_update_is_refused(store: Store) -> None:
    doc = add_doc(store)
    span = Span(doc.uid, 0, 6, "PERSON", "amina")
    store.apply(CreateSpan(span), "amina")
    store.apply(relabel(span, "ORG"), "amina")
    with pytest.raises(ValidationError, match="changed elsewhere"):
        store.apply(relabel(span, "CLAIM"), "amina")  # built from the old state
    assert store.span(span.id).label == "ORG"


def test_batch_is_one_undo_step(store: Store) -> None:
    doc = add_doc(store)
    spans = [Span(doc.uid, i, i + 2, "PERSON", "amina") for i in (0, 3, 7)]
    store.apply(Batch(tuple(CreateSpan(s) for s in spans), "three spans"), "amina")
    assert len(store.spans(doc.uid)) == 3
    store.undo("amina")
    assert store.spans(doc.uid) == []


def test_status_and_document_list(store: Store) -> None:
    doc = add_doc(store)
    other = add_doc(store, "A second text about Kidal and the convoy.")
    store.apply(SetStatus(doc.uid, "amina", "done"), "amina")
    store.apply(CreateSpan(Span(other.uid, 2, 8, "ORG", "amina")), "amina")
    assert store.status(doc.uid, "amina") == "done"
    assert store.status(doc.uid, "bo") == "todo"
    assert [r.uid for r in store.list_documents("amina", status="done")] == [doc.uid]
    assert [r.uid for r in store.list_documents("amina", label="ORG")] == [other.uid]
    assert [r.uid for r in store.list_documents("amina", search_text="kidal conv*")] == [other.uid]
    with pytest.raises(QueryError, match="OR needs something"):  # not an FTS syntax error
        store.count_documents("amina", search_text='"quoted" OR')
    rows = store.list_documents("amina")
    assert [(r.span_count, r.status) for r in rows] == [(0, "done"), (1, "todo")]
    store.undo("amina")
    store.undo("amina")
    assert store.status(doc.uid, "amina") == "todo"


def test_search_index_catches_up_with_later_imports(store: Store) -> None:
    add_doc(store, "First text mentions Tinzaouaten.")
    assert store.count_documents(search_text="tinzaouaten") == 1
    add_doc(store, "Second text also names Tinzaouaten.")
    assert store.count_documents(search_text="Tinzaouaten") == 2


def test_import_is_all_or_nothing(store: Store) -> None:
    good = Document("Good text here.")

    def records():
        yield AnnotatedDocument(good)
        raise ValueError("bad line")

    with pytest.raises(ValueError):
        store.import_documents(records())
    assert store.count_documents() == 0


def test_import_lists_every_unknown_label_and_adds_them_on_request(store: Store) -> None:
    doc = Document("Alpha beta gamma.")
    record = AnnotatedDocument(
        doc, (Span(doc.uid, 0, 5, "FOO", "x"), Span(doc.uid, 6, 10, "BAR", "x"))
    )
    with pytest.raises(InputError, match=r"labels not in the schema: FOO \(first at document "
                                         rf"{doc.uid}\), BAR"):
        store.import_documents([record])
    assert store.count_documents() == 0
    summary = store.import_documents([record], add_labels=True)
    assert summary.labels_added == ["FOO", "BAR"]
    assert {"FOO", "BAR"} <= set(store.schema().label_names)


def test_import_twice_adds_nothing_and_existing_document_gains_spans(store: Store) -> None:
    doc = Document("Alpha beta gamma.")
    first = AnnotatedDocument(doc, (Span(doc.uid, 0, 5, "PERSON", "amina"),))
    second = AnnotatedDocument(
        Document(doc.text, "other title"),
        (Span(doc.uid, 6, 10, "ORG", "bo"),),
        status={"bo": "done"},
    )
    s1 = store.import_documents([first])
    s2 = store.import_documents([first])
    s3 = store.import_documents([second])
    assert (s1.documents_added, s1.by_annotator) == (1, {"amina": {"spans": {"added": 1}}})
    assert (s2.documents_added, s2.by_annotator) == (0, {"amina": {"spans": {"unchanged": 1}}})
    assert s3.documents_existing == 1 and s3.gained("bo", "spans") == 1
    assert store.document(doc.uid).title == ""  # never replaced
    assert store.status(doc.uid, "bo") == "done"


def test_schema_rename_keeps_spans_and_drop_with_spans_is_refused(store: Store) -> None:
    doc = add_doc(store)
    span = Span(doc.uid, 0, 6, "PERSON", "amina")
    store.apply(CreateSpan(span), "amina")
    schema = store.schema()
    person = schema.label("PERSON")
    assert person is not None
    store.set_schema(
        schema.with_label(replace(person, name="INDIVIDUAL"), "PERSON"), {"PERSON": "INDIVIDUAL"}
    )
    assert store.span(span.id).label == "INDIVIDUAL"
    shrunk = type(schema)(tuple(lb for lb in store.schema().labels if lb.name != "INDIVIDUAL"), ())
    with pytest.raises(ValidationError, match="still has 1 spans"):
        store.set_schema(shrunk)


def test_not_a_store_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "garbage.sqlite"
    bad.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match=r"garbage\.sqlite"):
        Store.open(bad)
    with pytest.raises(StoreError, match="folder"):
        Store.open(tmp_path)


def test_stats(store: Store) -> None:
    doc = add_doc(store)
    store.apply(CreateSpan(Span(doc.uid, 0, 6, "PERSON", "amina")), "amina")
    stats = store.stats()
    assert stats["documents"] == 1
    assert stats["characters"] == len(TEXT)
    assert stats["spans_per_label"]["PERSON"] == 1
    assert stats["spans_per_annotator"] == {"amina": 1}
