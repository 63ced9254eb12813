"""Where a test's store lives: a fresh SQLite file, or, when $COUNTERCLAIM_TEST_DB names a
PostgreSQL database (``postgresql+psycopg://USER@HOST/DB``), that database emptied."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from annotate.model import AnnotatedDocument
from db.store import Store

TEST_DB = "COUNTERCLAIM_TEST_DB"


def server_url() -> str | None:
    """The PostgreSQL database the tests may empty and use, if one is given."""
    return os.environ.get(TEST_DB) or None


def conninfo(url: str) -> str:
    """``url`` as psycopg takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def emptied(url: str) -> str:
    """``url``, its database emptied: everything in its public schema dropped."""
    import psycopg  # an optional extra: only a run with a server needs it

    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return url


def fresh_store_location(tmp_path: Path) -> str | Path:
    """A new empty store: the server's database emptied, else a file in ``tmp_path``."""
    url = server_url()
    return emptied(url) if url else tmp_path / "store.sqlite"


def query(store: Store, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` (``?`` placeholders) on ``store``'s database, read apart from it."""
    with store.engine.connect() as conn:
        return [tuple(row) for row in conn.exec_driver_sql(sql, params).fetchall()]


@contextmanager
def team_store(documents: Iterable[AnnotatedDocument]) -> Iterator[tuple[Store, str]]:
    """The test server's database emptied, holding ``documents`` and set up for a team by
    its role (the tables' owner), and its URL; the roles made for it (the team's groups and
    members named ``tm_...``) are dropped after."""
    from db import team

    url = emptied(server_url() or "")
    store = Store.open(url)
    try:
        store.import_documents(documents)
        team.init(store)
        yield store, url
    finally:
        with store._read() as conn:
            made = [*team.groups(conn).values()]
        store.close()
        import psycopg

        with psycopg.connect(conninfo(url), autocommit=True) as conn:
            found = [r[0] for r in conn.execute(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE 'tm\\_%%' OR rolname = ANY(%s)",
                (made,))]
            for name in found:
                conn.execute(f'DROP OWNED BY "{name}"')
                conn.execute(f'DROP ROLE "{name}"')


def member_url(url: str, name: str, password: str) -> str:
    """``url`` as the member ``name`` connects to it: over TCP, with their password."""
    return make_url(url).set(username=name, password=password, host="localhost",
                             query={}).render_as_string(hide_password=False)
