"""Checks run on a store file before any of its SQL is used: a .sqlite file may come from
anyone, and its schema is code SQLite would run (triggers, views, virtual tables).

A store holds only what the migrations create: tables, their indexes, and the FTS5 search
index ``documents_fts`` (with its shadow tables). Anything else, and any damaged page that
``PRAGMA quick_check`` finds, makes the file refused before the migrations or an edit touch
it. quick_check reads the whole file once (about 0.4 s for 140 MB, measured; see README,
"Reliability report"), so it runs on every open.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection
from sqlalchemy.exc import DatabaseError, OperationalError

from annotate.errors import StoreError

OUR_VIRTUAL_TABLES = {"documents_fts": re.compile(r"CREATE VIRTUAL TABLE \"?documents_fts\"? "
                                                  r"USING fts5\(", re.I)}
QUICK_CHECK_LINES = 3
"""How many of quick_check's problems the refusal quotes."""


def foreign_objects(conn: Connection) -> list[str]:
    """Schema objects no migration of ours creates: triggers, views, other virtual tables."""
    found = []
    rows = conn.exec_driver_sql("SELECT type, name, sql FROM sqlite_master ORDER BY rowid")
    for kind, name, sql in rows:
        if kind in ("trigger", "view"):
            found.append(f"{kind} {name}")
        elif kind == "table" and (sql or "").lstrip().upper().startswith("CREATE VIRTUAL"):
            pattern = OUR_VIRTUAL_TABLES.get(name)
            if pattern is None or not pattern.match(sql.strip()):
                found.append(f"virtual table {name}")
    return found


def damage(conn: Connection) -> list[str]:
    """What ``PRAGMA quick_check`` reports (empty when the file is sound), or the error that
    stopped it (a page too damaged to be walked)."""
    try:
        lines = [row[0] for row in
                 conn.exec_driver_sql(f"PRAGMA quick_check({QUICK_CHECK_LINES})")]
    except DatabaseError as exc:
        if isinstance(exc, OperationalError):  # busy, locked, unreachable: not damage
            raise
        return [str(exc.orig)]
    return [] if lines == ["ok"] else lines


def vet(conn: Connection, name: str, pages: bool = True) -> None:
    """StoreError naming the file ``name`` unless it is sound and holds only our objects;
    ``pages=False`` leaves out reading every page (quick_check) for a later call."""
    problems = damage(conn) if pages else []
    if problems:
        raise StoreError(f"{name}: the store file is damaged ({'; '.join(problems)}); "
                         "restore a copy from its backups folder")
    foreign = foreign_objects(conn)
    if foreign:
        raise StoreError(f"{name}: not opened: the file holds {', '.join(foreign)}, which "
                         "Counterclaim never creates (a store from elsewhere may carry code "
                         "that would run on every edit)")
