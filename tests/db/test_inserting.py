"""db.engine.inserting: a column NULL in every row is written NULL in the INSERT rather than
bound (sqlite3 looks for an adapter for each None it binds, raising and clearing an
AttributeError on the way), one holding the same integer or plain word in every row is
written as that value, and accept-agreed's bulk write binds no None and no such value."""

import sqlite3
from typing import Any

import pytest

from annotate.model import AnnotatedDocument, Document, Span
from db import many_edits
from db.engine import inserting
from db.review import accept_agreed
from db.store import Store

COLUMNS = ("id", "note", "start", "end")


def _stored(sql: str, rows: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(":memory:")
    conn.execute('CREATE TABLE t (id TEXT PRIMARY KEY, note TEXT, start INT, "end" INT)')
    conn.executemany(sql, rows)
    return conn.execute("SELECT * FROM t ORDER BY id").fetchall()


@pytest.mark.parametrize("rows", [
    [("a", None, 1, 2), ("b", None, 3, None)],  # note NULL in every row, "end" in one only
    [("a", "seen", 1, 2), ("b", None, 3, 4)],  # NULL in some rows only: bound
    [("a", None, None, None)],  # every column written but the id, always bound
    [("a", "it's", 7, 2), ("b", "it's", 7, 4)],  # a quote: bound; 7 in every row: written
    [("a", "x?", 1.5, -1), ("b", "x?", 1.5, -1)],  # a placeholder, a float: bound
    [("a", "2026-12-07T15:59:34Z", 1, 2), ("b", "2026-12-07T15:59:34Z", 1, 3)],
])
def test_the_rows_stored_are_the_rows_given(rows: list[tuple[Any, ...]]) -> None:
    sql, params = inserting("t", COLUMNS, rows)
    assert _stored(sql, params) == sorted(rows)
    def written(value: Any) -> bool:  # NULL, or an integer or plain word: in the statement
        return value is None or type(value) is int or (
            type(value) is str and value.replace("-", "").replace(":", "").isalnum())
    same = [i for i in range(1, len(COLUMNS))  # (the first, a row's id, always bound)
            if len({r[i] for r in rows}) == 1 and written(rows[0][i])]
    assert sql.count("?") == len(COLUMNS) - len(same)
    assert all(len(row) == len(COLUMNS) - len(same) for row in params)


def test_values_equal_but_of_other_types_are_bound() -> None:
    """1, 1.0 and True are equal, not the same value: a column holding them in turn is
    bound, and stored as each row gives it (written as the first row's 1, a TEXT column held
    '1' where the row gave 1.0)."""
    rows = [("a", 1, 1, 2), ("b", 1.0, 1, 2), ("c", True, 1, 2)]
    sql, params = inserting("t", COLUMNS, rows)
    assert _stored(sql, params) == _stored("INSERT INTO t VALUES (?, ?, ?, ?)", rows)
    assert sql.count("?") == 2  # the id, the note; start and end written


def test_a_column_null_in_every_row_is_not_bound() -> None:
    sql, params = inserting("t", COLUMNS, [("a", None, 1, 2), ("b", None, 3, 4)], " -- tail")
    assert sql == 'INSERT INTO t ("id", "note", "start", "end") VALUES (?, NULL, ?, ?) -- tail'
    assert params == [("a", 1, 2), ("b", 3, 4)]
    assert inserting("t", COLUMNS, []) == (
        'INSERT INTO t ("id", "note", "start", "end") VALUES (?, ?, ?, ?)', [])


def test_accept_agreed_binds_no_none(tmp_path, monkeypatch) -> None:
    """The gold spans' note and fragments and the decisions' category and gold relation are
    NULL for every accept of agreed spans: none of them is bound."""
    store = Store.open(tmp_path / "s.sqlite")
    doc = Document("The ministry said forty people died.", "r")
    spans = tuple(Span(doc.uid, 4, 12, "ORG", who, f"{who}1") for who in ("amina", "bo"))
    store.import_documents([AnnotatedDocument(doc, spans, (), {})])
    bound: list[tuple[Any, ...]] = []
    insert = many_edits._insert_new

    def seen(conn, sql, rows, what):  # type: ignore[no-untyped-def]
        bound.extend(rows)
        return insert(conn, sql, rows, what)

    monkeypatch.setattr(many_edits, "_insert_new", seen)
    assert accept_agreed(store, "judge") == 1
    assert len(bound) == 2 and not any(None in row for row in bound)
    store.close()


def test_accept_agreed_binds_what_differs_from_item_to_item(tmp_path, monkeypatch) -> None:
    """A gold span binds its id, document, label, bounds and attributes, a decision its id,
    document, sources and gold span: the annotator (gold), the times, the kind, who decided
    and the gold labels are the same for every item and written in the statements (9 and 8
    bound before)."""
    store = Store.open(tmp_path / "s.sqlite")
    docs = [Document(f"The ministry said {n} people died.", f"r{n}") for n in range(3)]
    store.import_documents([
        AnnotatedDocument(doc, tuple(Span(doc.uid, start, end, label, who, f"{who}{n}{label}")
                                     for who in ("amina", "bo")
                                     for start, end, label in ((4, 12, "ORG"), (0, 3, "CLAIM"))),
                          (), {}) for n, doc in enumerate(docs)])
    statements: list[tuple[str, int]] = []
    insert = many_edits._insert_new

    def seen(conn, sql, rows, what):  # type: ignore[no-untyped-def]
        statements.append((sql.split(" (")[0], {len(row) for row in rows}))
        return insert(conn, sql, rows, what)

    monkeypatch.setattr(many_edits, "_insert_new", seen)
    assert accept_agreed(store, "judge") == 6
    assert statements == [("INSERT INTO spans", {6}), ("INSERT INTO decisions", {4})]
    assert len(store.spans(docs[1].uid, ["gold"])) == 2
    store.close()
