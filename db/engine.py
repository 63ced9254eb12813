"""Where the store lives and how its SQLite connections are set up."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

ENV_VAR = "COUNTERCLAIM_DB"
BUSY_TIMEOUT_MS = 5000
SYNCHRONOUS = "FULL"
"""PRAGMA synchronous in WAL mode: FULL syncs the WAL at every commit, so a committed edit
survives power loss, not only a crash of the program (see README, "Durability")."""


OPENED = "opened"
"""Key of a pooled connection's ``info``: the :func:`file_identity` of the file it opened."""
WAITS = "busy_timeout"
"""Key of a pooled connection's ``info``: its busy timeout (ms) now."""


def default_path() -> Path:
    return Path(platformdirs.user_data_dir("counterclaim")) / "default.sqlite"


def resolve_url(location: str | os.PathLike[str] | None = None) -> str:
    """A SQLAlchemy URL from a path, a URL, $COUNTERCLAIM_DB, or the default file."""
    location = location or os.environ.get(ENV_VAR) or default_path()
    text = os.fspath(location)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for memory or another database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def file_identity(path: Path) -> tuple[int, int] | None:
    """What tells the file at ``path`` from another put in its place (device and inode), or
    None when there is none. One os.stat: cheap enough to ask before every write."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino


def execute(conn: Connection, sql: str, params: Any = ()) -> sqlite3.Cursor:
    """Run ``sql`` on the driver's own cursor, in ``conn``'s transaction (SQLAlchemy's
    execution of a statement costs several times SQLite's running a small one). Driver errors
    come out as SQLAlchemy's (OperationalError, IntegrityError, ...), as from ``conn.execute``."""
    try:
        return conn.connection.driver_connection.execute(sql, params)  # type: ignore[union-attr]
    except sqlite3.Error as exc:
        raise DBAPIError.instance(sql, params, exc, sqlite3.Error) from exc


def wait_at_most(conn: Connection, ms: int | None = None) -> None:
    """Let ``conn`` (not in a transaction) wait up to ``ms`` (None: ``BUSY_TIMEOUT_MS``) for
    another's lock from now on (a statement only when that changes)."""
    ms = BUSY_TIMEOUT_MS if ms is None else ms
    info = conn.connection.info
    if info.get(WAITS) != ms:
        execute(conn, f"PRAGMA busy_timeout={int(ms)}")
        info[WAITS] = ms


def make_engine(url: str) -> Engine:
    """An engine whose SQLite connections have foreign keys, WAL, a busy timeout and an
    untrusted schema (``trusted_schema=OFF``) on, note which file they opened (``OPENED``), and
    whose write transactions start with BEGIN IMMEDIATE (no lock upgrade deadlocks)."""
    engine = create_engine(url)
    if engine.dialect.name != "sqlite":
        return engine
    path = sqlite_path(url)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, record) -> None:  # type: ignore[no-untyped-def]
        record.info[OPENED] = None if path is None else file_identity(path)
        record.info[WAITS] = BUSY_TIMEOUT_MS
        dbapi_conn.isolation_level = None  # transactions are begun below, explicitly
        cursor = dbapi_conn.cursor()
        # A store file may come from anyone: its schema may not call functions with side
        # effects, and damaged pages are caught as they are read instead of trusted.
        cursor.execute("PRAGMA trusted_schema=OFF")
        cursor.execute("PRAGMA cell_size_check=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # type: ignore[no-untyped-def]
        write = conn.get_execution_options().get("write", False)
        execute(conn, "BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
