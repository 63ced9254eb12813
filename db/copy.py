"""A whole store copied from one database to another (a SQLite file to a PostgreSQL server
and back): every table, row for row and id for id, read in one snapshot of the source and
written in one transaction on the target.

The search index stays behind (each engine keeps its own, and the target builds it on its
first search). The copy goes only into an empty store (no document, no journal row), and is
checked by counting the rows of every table on both sides."""

from __future__ import annotations

import filecmp
import tempfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Connection, Integer, Table

from annotate.errors import StoreError
from db.dialects.base import GENERATION
from db.engine import execute, execute_many
from db.search import INDEX_MARKS
from db.store import Store
from db.tables import Base, SettingModel
from db.transfer import export

BATCH = 1000
"""Rows per INSERT batch."""
TABLES: tuple[Table, ...] = tuple(Base.metadata.sorted_tables)
"""Every table of a store, each after the tables its rows point at."""


def _taken(table: Table) -> tuple[str, tuple[str, ...]]:
    """The FROM and WHERE of what is copied of ``table`` (every row but the search index's
    marks and the engine's generation), with its parameters."""
    if table.name == SettingModel.__tablename__:
        kept_out = (*INDEX_MARKS, GENERATION)
        return f"{table.name} WHERE key NOT IN ({', '.join('?' * len(kept_out))})", kept_out
    return table.name, ()


def counts(conn: Connection) -> dict[str, int]:
    """Rows per table that a copy takes."""
    found = {}
    for table in TABLES:
        source, params = _taken(table)
        found[table.name] = execute(conn, f"SELECT count(*) FROM {source}", params).fetchone()[0]
    return found


def copy_store(source: str, target: str) -> dict[str, int]:
    """Copy the store at ``source`` (a path or URL) into the empty store at ``target`` (made
    if needed); returns the rows copied per table. StoreError when the target is the source
    or holds documents or journal rows, or when the counts differ after the copy (nothing is
    then written)."""
    with closing(Store.open(source)) as src, closing(Store.open(target)) as dst:
        if src.location == dst.location:
            raise StoreError(f"{dst.location}: the source itself; copy into another store")
        with src.engine.connect() as reading, reading.begin(), dst._write() as out:
            held = [t for t in ("documents", "journal")
                    if execute(out, f"SELECT count(*) FROM {t}").fetchone()[0]]
            if held:
                raise StoreError(f"{dst.location}: not empty (it holds {' and '.join(held)}); "
                                 "copy into a new store")
            for table in reversed(TABLES):  # the default schema a new store starts with
                execute(out, f"DELETE FROM {table.name}")
            for table in TABLES:
                columns = ", ".join(f'"{c.name}"' for c in table.columns)
                insert = (f"INSERT INTO {table.name} ({columns}) "
                          f"VALUES ({', '.join('?' * len(table.columns))})")
                for rows in _batches(reading, table, columns):
                    execute_many(out, insert, rows)
            _restart_ids(out)
            wanted, copied = counts(reading), counts(out)
            if copied != wanted:
                raise StoreError(f"{dst.location}: the copy was undone: it held {copied} rows "
                                 f"per table, the source {wanted}")
        dst._forget()
    return copied


def _batches(conn: Connection, table: Table, columns: str) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of ``table`` to copy in key order, ``BATCH`` at a time, as the driver reads
    them: JSON as its text (SQL NULL stays NULL), booleans as bool whichever the engine."""
    source, params = _taken(table)
    order = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
    flags = {i for i, c in enumerate(table.columns) if isinstance(c.type, Boolean)}
    cursor = execute(conn, f"SELECT {columns} FROM {source} ORDER BY {order}", params)
    while part := cursor.fetchmany(BATCH):
        if flags:
            part = [tuple(bool(v) if i in flags and v is not None else v
                          for i, v in enumerate(row)) for row in part]
        yield part


def _restart_ids(conn: Connection) -> None:
    """On PostgreSQL, move each id sequence past the ids copied (SQLite takes the largest)."""
    if conn.dialect.name != "postgresql":
        return
    for table in TABLES:
        if "id" in table.c and isinstance(table.c.id.type, Integer):
            execute(conn, f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                          f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)")


def same_export(source: str, target: str) -> bool:
    """Whether the native exports of the stores at ``source`` and ``target`` are the same,
    byte for byte."""
    with tempfile.TemporaryDirectory(prefix="counterclaim-copy-") as folder:
        written = []
        for n, location in enumerate((source, target)):
            out = Path(folder) / f"{n}.jsonl"
            with closing(Store.open(location)) as store:
                export(store, out, "native")
            written.append(out)
        return filecmp.cmp(*written, shallow=False)
