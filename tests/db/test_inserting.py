"""db.engine.inserting: a column NULL in every row is written NULL in the INSERT rather than
bound (sqlite3 looks for an adapter for each None it binds, raising and clearing an
AttributeError on the way), and accept-agreed's bulk write binds no None."""

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
    [("a", None, None, None)],  # one column left to bind
])
def test_the_rows_stored_are_the_rows_given(rows: list[tuple[Any, ...]]) -> None:
    sql, params = inserting("t", COLUMNS, rows)
    assert _stored(sql, params) == sorted(rows)
    every_row_null = [c for i, c in enumerate(COLUMNS) if all(r[i] is None for r in rows)]
    assert sql.count("NULL") == len(every_row_null)
    assert all(len(row) == len(COLUMNS) - len(every_row_null) for row in params)


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
