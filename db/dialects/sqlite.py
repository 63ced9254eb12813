"""The store on a SQLite file: pragmas, BEGIN IMMEDIATE, FTS5, ``PRAGMA data_version``."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError

from annotate.errors import StoreError
from db import trust
from db.dialects import index_parts
from db.dialects.base import WAITS, Dialect
from db.watch import Watcher

if TYPE_CHECKING:
    from annotate.query import Query

OPENED = "opened"
"""Key of a pooled connection's ``info``: the :func:`file_identity` of the file it opened."""


def file_identity(path: Path) -> tuple[int, int] | None:
    """What tells the file at ``path`` from another put in its place (device and inode), or
    None when there is none. One os.stat: cheap enough to ask before every write."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino


def fts_query(tree: Query) -> str:
    """``tree`` as an FTS5 query: every term a quoted string (no word of the user's acts as
    an operator), every group in parentheses (no precedence rule of FTS5's matters)."""
    from annotate.query import And, Not, Or, Term  # a search's: not the window's start

    if isinstance(tree, Term):
        words = " ".join(tree.words).replace('"', '""')
        return f'"{words}"' + "*" * tree.prefix
    if isinstance(tree, Or):
        return "(" + " OR ".join(fts_query(part) for part in tree.parts) + ")"
    assert isinstance(tree, And), "parse() puts a Not only inside an And"
    wanted = [fts_query(p) for p in tree.parts if not isinstance(p, Not)]
    unwanted = [fts_query(p.part) for p in tree.parts if isinstance(p, Not)]
    return "(" + " AND ".join(wanted) + ")" + "".join(f" NOT {u}" for u in unwanted)


PART_SHIFT = 40
LONG = 1 << PART_SHIFT
"""A document of one part is the index's row of its id; part ``n`` of a longer one is row
``(n + 1) << PART_SHIFT | id`` (from ``LONG`` on). A search then reads the short documents'
rows, below ``LONG``, as one full-text query, and the long documents' as parts."""
ID = LONG - 1
"""The document's id in a row's number (``rowid & ID``)."""


def _matching_parts(tree: Query, words: dict[str, str]) -> str:
    """The long documents with a part matching ``tree`` (a term, an OR of terms), whole in
    the index."""
    key = f"w{len(words)}"
    words[key] = fts_query(tree)
    return (f"SELECT DISTINCT rowid & {ID} AS id FROM documents_fts "
            f"WHERE documents_fts MATCH :{key} AND rowid >= {LONG} "
            f"AND {index_parts.whole(f'(rowid & {ID})')}")


class SQLite(Dialect):
    name = "sqlite"

    def setup(self, engine: Engine, path: Path | None, wait_ms: int, synchronous: str) -> None:
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, record) -> None:  # type: ignore[no-untyped-def]
            record.info[OPENED] = None if path is None else file_identity(path)
            record.info[WAITS] = wait_ms
            dbapi_conn.isolation_level = None  # transactions are begun below, explicitly
            cursor = dbapi_conn.cursor()
            # A store file may come from anyone: its schema may not call functions with side
            # effects, and damaged pages are caught as they are read instead of trusted.
            cursor.execute("PRAGMA trusted_schema=OFF")
            cursor.execute("PRAGMA cell_size_check=ON")
            cursor.execute(f"PRAGMA busy_timeout={wait_ms}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={synchronous}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn) -> None:  # type: ignore[no-untyped-def]
            write = conn.get_execution_options().get("write", False)
            self.execute(conn, "BEGIN IMMEDIATE" if write else "BEGIN")

    def execute(self, conn: Connection, sql: str, params: Any = ()) -> sqlite3.Cursor:
        """Run ``sql`` on ``conn``'s sqlite3 connection, taken from the pool's proxy of it as
        its ``dbapi_connection`` (a slot), which pysqlite's ``driver_connection`` is too:
        that property reaches it through the pool's record and the dialect, three calls into
        Python more at each statement (four statements an edit of a key press)."""
        try:
            return conn.connection.dbapi_connection.execute(sql, params)  # type: ignore[union-attr]
        except sqlite3.Error as exc:
            raise DBAPIError.instance(sql, params, exc, sqlite3.Error) from exc

    def execute_many(self, conn: Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        try:
            conn.connection.dbapi_connection.executemany(sql, rows)  # type: ignore[union-attr]
        except sqlite3.Error as exc:
            raise DBAPIError.instance(sql, rows, exc, sqlite3.Error) from exc

    def wait_at_most(self, conn: Connection, ms: int) -> None:
        self.execute(conn, f"PRAGMA busy_timeout={int(ms)}")

    def busy(self, exc: OperationalError) -> bool:
        message = str(exc.orig)
        return "locked" in message or "busy" in message

    def generation(self, conn: Connection) -> None:
        """None: a write excludes every other, and a file's watch sees others' commits."""

    def seen(self, conn: Connection) -> int:
        return int(self.execute(conn, "PRAGMA data_version").fetchone()[0])

    def vet(self, conn: Connection, name: str, pages: bool = True) -> None:
        trust.vet(conn, name, pages)

    @contextmanager
    def migrating(self, conn: Connection, name: str) -> Iterator[None]:
        """Foreign keys off (a table rebuilt does not cascade to the rows pointing at it),
        then ``PRAGMA foreign_key_check`` before the commit: a broken key undoes it all."""
        driver = conn.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        driver.execute("PRAGMA foreign_keys=OFF")  # takes effect outside a transaction only
        try:
            with conn.begin():  # alembic sees it and runs every migration inside it
                yield
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    table, rowid, parent, _ = broken[0]
                    raise StoreError(
                        f"{name}: the migration was undone: it broke {len(broken)} foreign "
                        f"key(s), e.g. {table} row {rowid} points at a missing {parent} row"
                    )
        finally:
            driver.execute("PRAGMA foreign_keys=ON")

    json_strings = "json_each(?)"
    attribute_values = (
        "SELECT DISTINCT l.name, a.key, a.type, a.value FROM spans AS s "
        "JOIN labels AS l ON l.id = s.label_id, json_each(s.attributes) AS a "
        "WHERE s.attributes != '{}'"
    )

    def has_search_index(self, conn: Connection) -> bool:
        return bool(conn.scalar(
            text("SELECT count(*) FROM sqlite_master WHERE name = 'documents_fts'")))

    def fill_search_index(self, conn: Connection, done: int, newest: int) -> None:
        conn.execute(
            text(
                "INSERT INTO documents_fts(rowid, title, text) SELECT id, title, text "
                "FROM documents WHERE id > :done AND id <= :newest AND length <= :part"
            ),
            {"done": done, "newest": newest, "part": index_parts.PART},
        )

    def add_parts(self, conn: Connection, doc_id: int, title: str,
                  parts: Sequence[tuple[int, str]]) -> None:
        self.execute_many(conn, "INSERT INTO documents_fts(rowid, title, text) VALUES (?, ?, ?)",
                          [((n + 1) << PART_SHIFT | doc_id, title if n == 0 else "", part)
                           for n, part in parts])

    def search_ids(self, tree: Query, parted: bool) -> tuple[str, dict[str, str]]:
        """Without long documents, one full-text query (its matches streamed in id order);
        with some, the same over the short documents' rows, and the long documents matched
        as wholes (:func:`db.dialects.index_parts.documents`)."""
        whole = "SELECT rowid AS id FROM documents_fts WHERE documents_fts MATCH :q"
        words = {"q": fts_query(tree)}
        if not parted:
            return whole, words
        long = index_parts.documents(tree, _matching_parts, words)
        return f"{whole} AND rowid < {LONG} UNION ALL SELECT id FROM ({long}) AS parted", words

    def watch(self, engine: Engine, path: Path | None, token: str) -> Watcher | None:
        return None if path is None else Watcher(path)

    def announce(self, conn: Connection, token: str) -> None:
        """Nothing to do: every commit changes the file's ``PRAGMA data_version``."""


SQLITE = SQLite()
