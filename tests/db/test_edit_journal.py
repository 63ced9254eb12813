"""The journal rows of an edit, and the redo an edit closes, also when the undo came from
another program or the edit failed."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from server_store import query
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from annotate.commands import CreateSpan, command_from_dict, set_attribute
from annotate.errors import StoreError, ValidationError
from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store

TEXT = "Rebels said the convoy was hit near the border 😀 on Monday."


def stored(store: Store) -> str:
    document = Document(TEXT, "t")
    store.import_documents([AnnotatedDocument(document)])
    return document.uid


def create(store: Store, uid: str, start: int, annotator: str = "amina") -> Span:
    span = Span(uid, start, start + 4, "CLAIM", annotator)
    store.apply(CreateSpan(span), annotator)
    return span


def journal(store: Store) -> list[tuple]:
    return query(
        store,
        "SELECT op, document_uid, CAST(payload AS TEXT), CAST(inverse AS TEXT), kind, target, "
        "state FROM journal WHERE kind != 'event' ORDER BY id",
    )


def test_an_edit_journals_its_command_and_inverse(store: Store) -> None:
    uid = stored(store)
    span = create(store, uid, 0)
    store.apply(set_attribute(store.span(span.id), "certainty", "reported"), "amina")
    rows = journal(store)
    assert [(r[0], r[1], r[4], r[5], r[6]) for r in rows] == [
        ("create_span", uid, "do", None, "active"),
        ("update_span", uid, "do", None, "active"),
    ]
    payload, inverse = json.loads(rows[0][2]), json.loads(rows[0][3])
    assert command_from_dict(payload) == CreateSpan(span)
    assert command_from_dict(inverse).op == "delete_span"
    assert json.loads(rows[1][2])["after"]["attributes"] == {"certainty": "reported"}


def test_a_span_id_taken_is_refused_and_nothing_is_written(store: Store) -> None:
    uid = stored(store)
    span = create(store, uid, 0)
    with pytest.raises(ValidationError, match="exists already"):
        store.apply(CreateSpan(Span(uid, 5, 9, "CLAIM", "amina", span.id)), "amina")
    assert [(s.start, s.end) for s in store.spans(uid)] == [(0, 4)]
    assert len(journal(store)) == 1


def test_each_new_edit_closes_the_redo_of_undos_since_the_last(store: Store) -> None:
    uid = stored(store)
    for round_ in range(3):
        create(store, uid, 10 * round_)
        create(store, uid, 10 * round_ + 5)
        store.undo("amina")
        assert store.can_redo("amina")
        create(store, uid, 10 * round_ + 5)
        assert not store.can_redo("amina"), round_


def test_an_undo_by_another_program_is_closed_by_the_next_edit(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    store = Store.open(path)
    try:
        uid = stored(store)
        create(store, uid, 0)
        create(store, uid, 10)
        other = Store.open(path)
        try:
            other.undo("amina")
            assert other.can_redo("amina")
        finally:
            other.close()
        create(store, uid, 20)
        assert not store.can_redo("amina")
        assert store.redo("amina") is None
    finally:
        store.close()


@pytest.mark.parametrize("where", ["file", "memory"])
def test_a_redo_closed_by_an_edit_whose_commit_failed_is_closed_by_the_next(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(tmp_path / "store.sqlite" if where == "file" else "sqlite://")
    uid = stored(store)
    create(store, uid, 0)
    create(store, uid, 10)
    store.undo("amina")
    commit = Connection.commit

    def fail(conn: Connection) -> None:
        monkeypatch.setattr(Connection, "commit", commit)
        raise OperationalError("COMMIT", {}, sqlite3.OperationalError("disk I/O error"))

    monkeypatch.setattr(Connection, "commit", fail)
    with pytest.raises(StoreError):
        create(store, uid, 20)  # closed the undo, then rolled back
    assert store.can_redo("amina")
    create(store, uid, 30)
    assert not store.can_redo("amina")
    store.close()
