"""Edits are checked against the current schema, also when it changed since the last edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.commands import CreateSpan
from annotate.errors import ValidationError
from annotate.model import AnnotatedDocument, Document, Span
from annotate.schema import Label
from db.store import Store

TEXT = "The army said the convoy was hit near the border."


def stored(store: Store) -> str:
    document = Document(TEXT, "t")
    store.import_documents([AnnotatedDocument(document)])
    return document.uid


def create(store: Store, uid: str, label: str) -> None:
    store.apply(CreateSpan(Span(uid, 4, 8, label, "amina")), "amina")


def test_a_label_added_by_this_store_is_accepted_at_once(store):
    uid = stored(store)
    create(store, uid, "CLAIM")
    with pytest.raises(ValidationError):
        create(store, uid, "RUMOUR")
    store.set_schema(store.schema().with_label(Label("RUMOUR", "other", "#123456")))
    create(store, uid, "RUMOUR")
    assert {s.label for s in store.spans(uid)} == {"CLAIM", "RUMOUR"}


def test_a_label_added_by_another_program_is_accepted(store, tmp_path: Path):
    uid = stored(store)
    with pytest.raises(ValidationError, match="RUMOUR"):
        create(store, uid, "RUMOUR")
    create(store, uid, "DATE")  # the schema is now at hand
    other = Store.open(store.location)
    try:
        other.set_schema(other.schema().with_label(Label("RUMOUR", "other", "#123456")))
    finally:
        other.close()
    create(store, uid, "RUMOUR")
    assert {s.label for s in store.spans(uid)} == {"DATE", "RUMOUR"}


def test_spans_past_the_text_are_refused_also_once_the_document_is_known(store):
    uid = stored(store)
    create(store, uid, "CLAIM")
    with pytest.raises(ValidationError, match="outside the text"):
        store.apply(CreateSpan(Span(uid, 40, len(TEXT) + 1, "CLAIM", "amina")), "amina")
    store.apply(CreateSpan(Span(uid, 40, len(TEXT), "CLAIM", "amina")), "amina")
    assert len(store.spans(uid)) == 2
