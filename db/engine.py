"""Where the store lives, and the engine and driver statements of its connections."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.engine import make_url

from annotate import exact_json
from annotate.errors import StoreError
from db import dialects
from db.dialects.base import WAITS, Cursor
from db.dialects.sqlite import OPENED, file_identity

__all__ = ["OPENED", "WAITS", "file_identity"]

ENV_VAR = "COUNTERCLAIM_DB"
BUSY_TIMEOUT_MS = 5000
"""How long a write waits for another writer's lock (SQLite's busy timeout, PostgreSQL's
lock_timeout)."""
SYNCHRONOUS = "FULL"
"""PRAGMA synchronous in WAL mode: FULL syncs the WAL at every commit, so a committed edit
survives power loss, not only a crash of the program (see README, "Durability")."""


def default_path() -> Path:
    import platformdirs  # only a start without a store named needs it

    return Path(platformdirs.user_data_dir("counterclaim")) / "default.sqlite"


def resolve_url(location: str | os.PathLike[str] | None = None) -> str:
    """A SQLAlchemy URL from a path, a URL, $COUNTERCLAIM_DB, or the default file;
    StoreError when the path cannot be resolved."""
    location = location or os.environ.get(ENV_VAR) or default_path()
    text = os.fspath(location)
    if "://" in text:
        return text
    try:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    except (OSError, RuntimeError) as exc:  # a loop of symbolic links, a home of no user
        raise StoreError(f"{text}: no store can be there ({exc})") from None


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for memory or another database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def execute(conn: Connection, sql: str, params: Any = ()) -> Cursor:
    """Run ``sql`` (``?`` placeholders) on the driver's own cursor, in ``conn``'s transaction
    (SQLAlchemy's execution of a statement costs several times SQLite's running a small one).
    Driver errors come out as SQLAlchemy's (OperationalError, IntegrityError, ...), as from
    ``conn.execute``."""
    return dialects.of(conn).execute(conn, sql, params)


T = TypeVar("T")
LOOK_UP = 500
"""Values one look-up statement binds (``IN (?, ...)``): well under SQLite's limit of
parameters."""


def marks(values: Sequence[Any]) -> str:
    """The ``?, ?, ...`` placeholders of ``values`` (for ``IN (...)``)."""
    return ", ".join("?" * len(values))


def chunks(values: Sequence[T], size: int = LOOK_UP) -> Iterator[Sequence[T]]:
    """``values`` in parts of at most ``size``, in order."""
    return (values[at : at + size] for at in range(0, len(values), size))


def inserting(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
              tail: str = "") -> tuple[str, Sequence[Sequence[Any]]]:
    """An INSERT of ``rows`` (values in ``columns`` order) into ``table``, ``tail`` after its
    VALUES (e.g. ``ON CONFLICT ...``), and the parameters to run it with: a column NULL in
    every row is written NULL in the statement, and one holding the same integer or plain
    word (:func:`_literal`: a time, a kind, an id of the names) in every row is written as
    that value, both left out of the rows, not bound. sqlite3 binds a None only after looking
    for an adapter for it, and raising and clearing an AttributeError on the way (four times
    per gold span and decision of accept-agreed), and each value bound costs a call into
    SQLite and a copy (seven more per gold span and decision: its annotator, times, kind,
    who decided and gold labels). The first column is always bound: each row's first value
    is its id, which a refusal of the row names (:func:`db.many_edits._insert_new`; a single
    row's id would be written into the statement, as the same in every row)."""
    first = rows[0] if rows else ()
    last = rows[-1] if rows else ()
    written: dict[int, str] = {}  # by column: what the statement says instead of "?"
    for i in range(1, len(first)):
        value = first[i]
        said = "NULL" if value is None else _literal(value)
        if said is not None and last[i] == value:
            column = list(map(itemgetter(i), rows))
            # the same value in every row, and of one type (1, 1.0 and True are equal)
            if column.count(value) == len(rows) and set(map(type, column)) == {type(value)}:
                written[i] = said
    values = ", ".join(written.get(i, "?") for i in range(len(columns)))
    names = ", ".join(f'"{c}"' for c in columns)  # quoted: "end" is a keyword
    sql = f"INSERT INTO {table} ({names}) VALUES ({values}){tail}"
    if not written:
        return sql, rows
    kept = [i for i in range(len(columns)) if i not in written]  # (the first among them)
    if len(kept) == 1:
        return sql, [(row[kept[0]],) for row in rows]
    return sql, list(map(itemgetter(*kept), rows))


_WORD = re.compile(r"[\w:.+-]*", re.ASCII)
"""What a string written into a statement as it is may hold: letters, digits and ``_:.+-``
(no quote, no placeholder, nothing a driver or SQL reads otherwise)."""


def _literal(value: Any) -> str | None:
    """``value`` as a SQL literal, if it is an integer SQLite stores as one (64 bits) or a
    plain word (:data:`_WORD`); else None (it is bound)."""
    if type(value) is int:
        return str(value) if -(2**63) <= value < 2**63 else None
    if type(value) is str and _WORD.fullmatch(value):
        return f"'{value}'"
    return None


def execute_many(conn: Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """Run ``sql`` (``?`` placeholders) once per row of ``rows`` on the driver's own cursor,
    in ``conn``'s transaction (errors as :func:`execute`)."""
    dialects.of(conn).execute_many(conn, sql, rows)


def wait_at_most(conn: Connection, ms: int | None = None) -> None:
    """Let ``conn`` (not in a transaction) wait up to ``ms`` (None: ``BUSY_TIMEOUT_MS``) for
    another's lock from now on (a statement only when that changes)."""
    ms = BUSY_TIMEOUT_MS if ms is None else ms
    info = conn.connection.info
    if info.get(WAITS) != ms:
        dialects.of(conn).wait_at_most(conn, ms)
        info[WAITS] = ms


def make_engine(url: str) -> Engine:
    """An engine set up by its engine's dialect (:mod:`db.dialects`): on SQLite, connections
    with foreign keys, WAL, a busy timeout and an untrusted schema (``trusted_schema=OFF``),
    noting which file they opened (``OPENED``), write transactions begun with BEGIN
    IMMEDIATE; on PostgreSQL, write transactions that exclude each other, and a connection
    checked before each use (one the network dropped is made again)."""
    parsed = make_url(url)
    dialect = dialects.of_name(parsed.get_backend_name())
    engine = create_engine(parsed, pool_pre_ping=dialect.name != "sqlite",
                           json_deserializer=exact_json.loads)
    dialect.setup(engine, sqlite_path(url), BUSY_TIMEOUT_MS, SYNCHRONOUS)
    return engine
