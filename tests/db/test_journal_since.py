"""journal.documents_since: the documents the journal's entries after a given one touched,
read in one query; unknown (None) once an entry names none, as a schema change."""

from __future__ import annotations

from pathlib import Path

from annotate.model import AnnotatedDocument, Document
from db import journal
from db.store import Store


def since(store: Store, entry: int) -> set[str] | None:
    with store._read() as conn:
        return journal.documents_since(conn, entry)


def test_entries_after_one_name_their_documents_or_say_unknown(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.sqlite")
    start = store.last_journal_id()
    docs = [AnnotatedDocument(Document(f"Text number {n}.", f"T{n}")) for n in range(3)]
    store.import_documents(docs)  # one entry, several documents
    uids = {d.document.uid for d in docs}
    assert since(store, start) == uids
    imported = store.last_journal_id()
    assert since(store, imported) == set()
    store.set_schema(store.schema())  # names no document: what it touched is unknown
    assert since(store, imported) is None
    assert since(store, store.last_journal_id()) == set()
    store.close()
