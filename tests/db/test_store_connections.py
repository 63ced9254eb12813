"""The Store keeps one connection for the thread that made it; other threads, transactions
begun while one is under way, failures and ``engine.dispose()`` get fresh ones."""

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import event

from annotate.commands import CreateSpan
from annotate.errors import ValidationError
from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store

TEXT = "The convoy was ambushed near the border, sources said."


def add_doc(store: Store) -> str:
    doc = Document(TEXT, "Report")
    store.import_documents([AnnotatedDocument(doc)])
    return doc.uid


def counting_checkouts(store: Store) -> Callable[[], int]:
    """A function telling how many pool checkouts ``store``'s engine made since now."""
    seen: list[int] = []
    event.listen(store.engine, "checkout", lambda *_: seen.append(threading.get_ident()))
    return lambda: len(seen)


def create(store: Store, uid: str, start: int) -> str:
    span = Span(uid, start, start + 3, "CLAIM", "amina")
    changes = store.apply(CreateSpan(span), "amina")
    return next(iter(changes.spans))


def test_edits_and_reads_on_the_owner_thread_check_out_no_connection(store: Store) -> None:
    uid = add_doc(store)
    create(store, uid, 0)
    checkouts = counting_checkouts(store)
    made = [create(store, uid, start) for start in range(4, 20, 4)]
    assert [store.span(i).start for i in made] == [4, 8, 12, 16]
    assert checkouts() == 0


def test_edits_are_committed_for_other_connections(store: Store, tmp_path: Path) -> None:
    uid = add_doc(store)
    made = create(store, uid, 5)
    other = Store.open(store.location)
    try:
        assert [s.id for s in other.spans(uid)] == [made]
    finally:
        other.close()


def test_a_failed_edit_drops_the_kept_connection_and_the_next_edit_works(store: Store) -> None:
    uid = add_doc(store)
    create(store, uid, 0)
    checkouts = counting_checkouts(store)
    with pytest.raises(ValidationError):
        store.apply(CreateSpan(Span(uid, 0, len(TEXT) + 1, "CLAIM", "amina")), "amina")
    assert checkouts() == 0
    create(store, uid, 10)
    assert checkouts() == 1  # a fresh connection, kept again
    create(store, uid, 20)
    assert checkouts() == 1
    assert sorted(s.start for s in store.spans(uid)) == [0, 10, 20]


def test_a_disposed_engine_gives_a_fresh_connection(store: Store) -> None:
    uid = add_doc(store)
    create(store, uid, 0)
    checkouts = counting_checkouts(store)
    store.engine.dispose()
    create(store, uid, 8)
    assert checkouts() == 1


def test_a_read_left_open_does_not_hold_up_an_edit(store: Store) -> None:
    uid = add_doc(store)
    reading = store.iter_documents()
    assert next(reading).document.uid == uid  # a read transaction stays open meanwhile
    made = create(store, uid, 3)
    assert list(reading) == []
    assert [s.id for s in store.spans(uid)] == [made]


def test_another_thread_writes_through_its_own_connections(store: Store) -> None:
    uid = add_doc(store)
    create(store, uid, 0)
    checkouts = counting_checkouts(store)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for start in range(5, 30, 5):
                create(store, uid, start)
        except BaseException as exc:  # reported to the test thread below
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=60)
    assert errors == []
    assert checkouts() >= 5  # one per transaction on that thread
    create(store, uid, 40)
    assert sorted(s.start for s in store.spans(uid)) == [0, 5, 10, 15, 20, 25, 40]
