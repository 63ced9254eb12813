"""Tombstones: ids of spans, relations and document labels (``DocLabel.id``) deleted here (the
``deleted`` table).

A journaled delete buries the ids it removes; creating an id again (the delete undone, or
redone the other way) raises it. An import skips a buried id instead of bringing it back.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Literal

from sqlalchemy import Connection

from db.engine import chunks, execute, execute_many, marks

Kind = Literal["span", "relation", "doclabel"]
_BURY = "INSERT INTO deleted (kind, id) VALUES (?, ?) ON CONFLICT DO NOTHING"
_RAISE = "DELETE FROM deleted WHERE kind = ? AND id = ?"
_ANY = "SELECT 1 FROM deleted LIMIT 1"


def bury(conn: Connection, kind: Kind, ids: Iterable[str]) -> None:
    rows = [(kind, item_id) for item_id in ids]
    if rows:
        execute_many(conn, _BURY, rows)


def unbury(conn: Connection, kind: Kind, ids: Iterable[str]) -> None:
    rows = [(kind, item_id) for item_id in ids]
    if rows:
        execute_many(conn, _RAISE, rows)


def any_buried(conn: Connection) -> bool:
    """Whether anything was ever deleted here (else an import need not look)."""
    return execute(conn, _ANY).fetchone() is not None


def buried(conn: Connection, kind: Kind, ids: Collection[str]) -> set[str]:
    """Those of ``ids`` deleted here."""
    found: set[str] = set()
    items = list(ids)
    for part in chunks(items):
        sql = f"SELECT id FROM deleted WHERE kind = ? AND id IN ({marks(part)})"
        found.update(row[0] for row in execute(conn, sql, (kind, *part)))
    return found
