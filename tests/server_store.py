"""Where a test's store lives: a fresh SQLite file, or, when $COUNTERCLAIM_TEST_DB names a
PostgreSQL database (``postgresql+psycopg://USER@HOST/DB``), that database emptied."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
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


@contextmanager
def password_role(url: str) -> Iterator[tuple[str, str]]:
    """A new role with a password (one a URL must quote) that may build a store in the test
    server's database, emptied; yields the URL it connects with (over TCP, the password in
    it) and the password. The role and what it made are dropped after."""
    import secrets

    import psycopg

    name, password = f"pw_{secrets.token_hex(4)}", f"p@ss w/rd:{secrets.token_hex(4)}"
    url = emptied(url)
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        database = conn.info.dbname
        conn.execute(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}'")
        conn.execute(f'GRANT ALL ON SCHEMA public TO "{name}"')
        conn.execute(f'GRANT CREATE ON DATABASE "{database}" TO "{name}"')
    try:
        yield member_url(url, name, password), password
    finally:
        with psycopg.connect(conninfo(url), autocommit=True) as conn:
            conn.execute(f'DROP OWNED BY "{name}"')
            conn.execute(f'DROP ROLE "{name}"')


def named_url(name: str) -> str:
    """The test server's database, emptied, its connections named ``name`` on the server."""
    url = make_url(emptied(server_url() or ""))
    return url.update_query_dict({"application_name": name}).render_as_string(
        hide_password=False)


def connections(name: str, settle_s: float = 2.0) -> int:
    """How many connections named ``name`` the server holds, once those closing are gone (a
    backend ends a moment after its client closed it)."""
    with closing(Store.open(server_url())) as seer:
        deadline = time.monotonic() + settle_s
        while True:
            found = query(seer, "SELECT count(*) FROM pg_stat_activity "
                                "WHERE application_name = ?", (name,))[0][0]
            if not found or time.monotonic() > deadline:
                return int(found)
            time.sleep(0.05)
