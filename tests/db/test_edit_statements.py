"""What one edit of a key press costs the store, counted, and what its change set carries: the
journal rows it wrote and the earlier rows it moved on, as reading the journal back gives them,
so a window shows them without that read (issue 17)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from call_counting import spans_made_plain
from sqlalchemy import event

from annotate.commands import ChangeSet, CreateSpan, DeleteSpan, relabel
from annotate.errors import ValidationError
from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store
from db.watch import Watcher

TEXT = "The convoy was ambushed near the border, sources said."
WHO = "amina"


def add_doc(store: Store) -> str:
    doc = Document(TEXT, "Report")
    store.import_documents([AnnotatedDocument(doc)])
    return doc.uid


def presses(store: Store, uid: str) -> list[tuple[str, Callable[[], ChangeSet | None]]]:
    """A label key, another label key, Ctrl+Z, Ctrl+Y, Ctrl+Z, then Delete (which closes the
    last undo's redo), each made on the span as the window shows it (nothing read first)."""
    span = Span(uid, 4, 10, "CLAIM", WHO, "s1")
    return [
        ("create", lambda: store.apply(CreateSpan(span), WHO)),
        ("relabel", lambda: store.apply(relabel(span, "DENIAL"), WHO)),
        ("undo", lambda: store.undo(WHO)),
        ("redo", lambda: store.redo(WHO)),
        ("undo again", lambda: store.undo(WHO)),
        ("delete", lambda: store.apply(DeleteSpan(span), WHO)),
    ]


def test_the_change_set_carries_the_journal_rows_as_read_back(store: Store) -> None:
    uid = add_doc(store)
    store.apply(CreateSpan(Span(uid, 15, 23, "CLAIM", WHO)), WHO)  # an older step
    for kind, press in presses(store, uid):
        before = {e.id: e.state for e in store.history(None, None)}
        changes = press()
        assert changes is not None, kind
        after = store.history(None, None)
        written = sorted((e for e in after if e.id not in before), key=lambda e: e.id)
        assert list(changes.journal) == written, kind
        moved = {e.id: e.state for e in after if e.id in before and e.state != before[e.id]}
        assert dict(changes.journal_states) == moved, kind
        if kind in ("undo", "redo", "delete"):  # each moves a row on
            assert moved, kind


@contextmanager
def sqlalchemy_statements(store: Store) -> Iterator[Counter[str]]:
    """Count the statements run through SQLAlchemy's execution (compiled, cache-keyed)."""
    seen: Counter[str] = Counter()

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen[statement.split()[0]] += 1

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", count)


def test_an_edit_runs_nothing_through_sqlalchemys_execution(store: Store) -> None:
    """On either engine, each edit's statements go to the driver as written (SQLAlchemy's
    compiling and caching of a statement cost several times SQLite's running it)."""
    uid = add_doc(store)
    for start in (15, 24):  # names and schema known
        store.apply(CreateSpan(Span(uid, start, start + 6, "CLAIM", WHO)), WHO)
    # on a server an undo or a redo is a write in no lane, after which a Store reads the
    # schema again before its next edit (another window may have undone meanwhile)
    rereads = store.engine.dialect.name != "sqlite"
    after_undo = False
    for kind, press in presses(store, uid):
        with sqlalchemy_statements(store) as seen:
            assert press() is not None, kind
        if rereads and after_undo:
            assert set(seen) == {"SELECT"}, (kind, seen)
        else:
            assert not seen, (kind, seen)
        after_undo = kind.startswith(("undo", "redo"))


LIMITS = {"create": 3, "relabel": 4, "undo": 8, "redo": 8, "undo again": 8, "delete": 6}
"""Statements of each edit besides its BEGIN and COMMIT, at most (SQLite)."""


def test_a_key_press_edit_is_one_transaction_of_few_statements(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.sqlite")
    uid = add_doc(store)
    for start in (15, 24):
        store.apply(CreateSpan(Span(uid, start, start + 6, "CLAIM", WHO)), WHO)
    statements: list[str] = []
    store.engine.dispose()  # the next edit connects anew, traced

    def run(sql: str) -> None:
        if not statements or statements[-1] != sql:  # SQLite says it again per foreign-key action
            statements.append(sql)

    @event.listens_for(store.engine, "connect")
    def trace(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.set_trace_callback(run)

    try:
        for kind, press in presses(store, uid):
            statements.clear()
            press()
            ends = [s for s in statements if s.split()[0] in ("BEGIN", "COMMIT", "ROLLBACK")]
            assert ends == ["BEGIN IMMEDIATE", "COMMIT"], (kind, statements)
            assert len(statements) - 2 <= LIMITS[kind], (kind, statements)
    finally:
        store.close()


def test_the_stores_own_commits_are_not_outside_ones_from_the_first(tmp_path: Path) -> None:
    """The watch a window polls (``data_version``) begins inside the first edit's transaction:
    that edit's commit is the Store's own, and neither it nor the next makes the window read
    the store again as if another program had written."""
    store = Store.open(tmp_path / "s.sqlite")
    try:
        uid = add_doc(store)
        store.apply(CreateSpan(Span(uid, 15, 21, "CLAIM", WHO)), WHO)
        assert store.data_version() == 0
        store.apply(CreateSpan(Span(uid, 24, 30, "CLAIM", WHO)), WHO)
        assert store.data_version() == 0
        other = Store.open(tmp_path / "s.sqlite")
        other.apply(CreateSpan(Span(uid, 33, 39, "CLAIM", "bo")), "bo")
        other.close()
        assert store.data_version() == 1
    finally:
        store.close()


def test_an_edit_asks_the_watch_for_the_files_version_before_and_after_its_commit(
        tmp_path: Path, monkeypatch) -> None:
    """The transaction's first look at the watch (holding the write lock) also says whether
    the schema kept is still current: the look that said so read the version a third time."""
    store = Store.open(tmp_path / "s.sqlite")
    try:
        uid = add_doc(store)
        store.apply(CreateSpan(Span(uid, 15, 21, "CLAIM", WHO)), WHO)  # the watch begun
        asked: list[None] = []
        real = Watcher._version
        monkeypatch.setattr(Watcher, "_version", lambda watch: asked.append(None) or real(watch))
        for kind, press in presses(store, uid):
            asked.clear()
            assert press() is not None, kind
            assert len(asked) == 2, kind
        other = Store.open(tmp_path / "s.sqlite")  # another program's edit is still noticed:
        other.apply(CreateSpan(Span(uid, 33, 39, "CLAIM", "bo")), "bo")  # the schema read anew
        other.close()
        kept = store._schema
        store.apply(CreateSpan(Span(uid, 24, 30, "CLAIM", WHO)), WHO)
        assert store._schema is not kept and store.data_version() == 1
    finally:
        store.close()


def test_a_relabel_of_the_span_as_stored_makes_no_copies_to_compare_them(
        store: Store, monkeypatch) -> None:
    """The span an update was made against is the one stored (the usual case): compared as
    it is, where two copies without their times of change were made at each relabel."""
    uid = add_doc(store)
    span = Span(uid, 4, 10, "CLAIM", WHO, "s1")
    store.apply(CreateSpan(span), WHO)
    made: list[str] = []
    real = Span.__post_init__
    monkeypatch.setattr(Span, "__post_init__", lambda s: made.append(s.label) or real(s))
    update = relabel(span, "DENIAL")
    made.clear()
    changes = store.apply(update, WHO)
    assert made.count("CLAIM") == 1  # the stored span read back, no copy of it
    assert changes.edits == ((span, update.after),)
    with pytest.raises(ValidationError, match="changed elsewhere"):
        store.apply(relabel(span, "CLAIM"), WHO)  # made against the span as it was


def test_an_edit_gives_its_change_set_its_journal_rows_without_reflection(store: Store) -> None:
    """Each press's change set gets the journal row it wrote, and the rows it moved on, by a
    ChangeSet made field by field (:meth:`ChangeSet.journaled`), not ``dataclasses.replace``,
    which walks the fields by reflection (~13 K instructions an edit); what it carries is as
    before (test_the_change_set_carries_the_journal_rows_as_read_back)."""
    import dataclasses
    import sys

    uid = add_doc(store)
    replaced: list[str] = []

    def profile(frame, event: str, _arg: object) -> None:
        code = frame.f_code
        if event == "call" and code.co_name == "replace" and \
                code.co_filename == dataclasses.__file__ and \
                isinstance(frame.f_locals.get("obj"), ChangeSet):
            replaced.append(frame.f_back.f_code.co_name)

    for kind, press in presses(store, uid):
        sys.setprofile(profile)
        try:
            assert press() is not None, kind
        finally:
            sys.setprofile(None)
    assert replaced == []


def test_a_change_set_journaled_is_the_change_set_with_those_rows() -> None:
    from dataclasses import fields, replace

    from annotate.journal_entry import JournalEntry

    every = {f.name: f"value of {f.name}" for f in fields(ChangeSet)}
    changes = ChangeSet(**every)  # type: ignore[arg-type]
    entry = JournalEntry(3, "2026-01-01T00:00:00Z", WHO, "create_span", "do", "active", {},
                         ("d",), None, {})
    assert changes.journaled((entry,)) == replace(changes, journal=(entry,))
    assert changes.journaled(states=((2, "closed"),)) == \
        replace(changes, journal_states=((2, "closed"),))
    assert changes.journaled((entry,), ((2, "undone"),)) == \
        replace(changes, journal=(entry,), journal_states=((2, "undone"),))


def test_an_edits_statements_reach_the_sqlite3_connection_through_no_property(
        tmp_path: Path, monkeypatch) -> None:
    """Each statement of an edit runs on the sqlite3 connection taken from the pool's proxy
    as its ``dbapi_connection`` (a slot), not through its ``driver_connection`` property (the
    same object, reached through the pool's record and the dialect: three calls into Python
    at each statement); the edit is stored as before. (A SQLite store whatever store the run
    tests: psycopg's statements go through the driver's connection, a cursor made per
    statement.)"""
    from sqlalchemy.pool.base import _ConnectionFairy

    store = Store.open(tmp_path / "s.sqlite")
    try:
        uid = add_doc(store)
        asked: list[str] = []
        real = _ConnectionFairy.driver_connection
        monkeypatch.setattr(_ConnectionFairy, "driver_connection",
                            property(lambda fairy: asked.append("driver") or real.fget(fairy)))
        for kind, press in presses(store, uid):
            assert press() is not None, kind
        assert asked == []
        assert store.history(WHO, 1)[0].op == "delete_span" and store.spans(uid) == []
    finally:
        store.close()


def test_a_key_press_edit_makes_each_span_of_its_journal_row_plain_once(
        store: Store, monkeypatch) -> None:
    """A journal row holds the command's form and its inverse's, the same spans in both: a
    span made, deleted or relabelled was made plain for each (the span's dict, its
    attributes copied), now once a span (:meth:`Command.journal_forms`); an undo's and a
    redo's rows too. The rows read back are as before
    (test_the_change_set_carries_the_journal_rows_as_read_back)."""
    uid = add_doc(store)
    made = spans_made_plain(monkeypatch)
    spans = {"create": 1, "relabel": 2, "undo": 2, "redo": 2, "undo again": 2, "delete": 1}
    for kind, press in presses(store, uid):
        made.clear()
        assert press() is not None, kind
        assert len(made) == spans[kind], kind


def test_edits_in_one_lane_set_the_kept_connections_options_once(
        store: Store, monkeypatch) -> None:
    """The connection the Store keeps is told each transaction's options (a write, its lane)
    only when they change: setting them again, the same, dispatched SQLAlchemy's events at
    each edit (~20 K instructions a key press). A write in another lane still gets its own
    (the connection's BEGIN goes by them)."""
    from sqlalchemy import Connection

    uid = add_doc(store)
    store.apply(CreateSpan(Span(uid, 15, 21, "CLAIM", WHO)), WHO)
    told: list[dict[str, object]] = []
    real = Connection.execution_options

    def execution_options(conn: Connection, **options: object) -> Connection:
        told.append(options)
        return real(conn, **options)

    monkeypatch.setattr(Connection, "execution_options", execution_options)
    span = Span(uid, 24, 30, "CLAIM", WHO)
    store.apply(CreateSpan(span), WHO)
    store.apply(relabel(span, "DENIAL"), WHO)
    store.apply(DeleteSpan(span), WHO)
    assert told == []
    store.apply(CreateSpan(Span(uid, 33, 39, "CLAIM", "bo")), "bo")
    assert told == [{"write": True, "lane": "bo"}]
    assert [s.annotator for s in store.spans(uid)] == [WHO, "bo"]
