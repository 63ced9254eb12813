"""The store on a PostgreSQL server (psycopg 3): advisory locks for writers, full-text
search on tsvector, LISTEN/NOTIFY for live updates.

A write transaction first takes a transaction-level advisory lock on the store, so the store's
check-then-write steps see every earlier commit and no other writer's (READ COMMITTED, with
the lock held, reads a consistent store), as SQLite's BEGIN IMMEDIATE serialises writers. An
edit of one annotator's layer alone (a lane: :func:`annotate.layers.lane`) takes that lock
shared, and the lane's own lock exclusively: annotators edit at once, as no lane's rows are
another's, while any other write (the schema, documents, adjudication, an undo) still has the
store to itself, and bumps the store's ``generation`` so that lanes know to read again what
they keep of it. A read transaction is REPEATABLE READ: one snapshot, as a SQLite read
transaction.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import psycopg
from psycopg import IsolationLevel
from psycopg.conninfo import make_conninfo
from psycopg.types.string import TextLoader
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError

from annotate.errors import StoreClosed
from annotate.query import Not, Or, Query, Term
from db.dialects import index_parts
from db.dialects.base import GENERATION, WAITS, Dialect

WRITE_LOCK = 0x636F756E746572  # the advisory lock every write transaction takes ("counter")
LANE_LOCKS = 0x636C  # the first key of a lane's lock (pairs of int4 keys: another key space)
_BUMP = (
    f"INSERT INTO settings (key, value) VALUES ('{GENERATION}', '1') ON CONFLICT (key) "
    "DO UPDATE SET value = (CAST(settings.value AS bigint) + 1)::text"
)
CHANNEL = "counterclaim"
"""The NOTIFY channel a write announces its commit on (payload: the writing Store's token)."""
BUSY_STATES = frozenset({"55P03", "40001", "40P01"})
"""SQLSTATEs of a wait that ran out (lock_not_available), a serialisation failure and a
deadlock: another writer was in the way, worth a retry."""


@lru_cache(maxsize=512)
def placeholders(sql: str) -> str:
    """``sql`` with qmark placeholders (``?``) in psycopg's style (``%s``, a ``%`` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


def conninfo(url: URL) -> str:
    """What psycopg.connect takes for the SQLAlchemy ``url`` (the password, if the URL has
    one, included: libpq's password file is the way to keep it out of URLs), each part quoted
    as libpq reads it (a rendered URL leaves a password's space bare, which libpq refuses)."""
    parts = url.translate_connect_args(username="user", database="dbname")
    return make_conninfo(**parts, **url.query)


QUOTE_PREFIX = (
    "to_tsquery('simple', '''' || replace(replace(unaccent({}), '\\', '\\\\'), '''', '''''') "
    "|| ''':*')"
)
"""A tsquery of the prefix of one word (a bind parameter), folded, quoted as a tsquery's
lexeme (a quote doubled, a backslash escaped): the folding may make either of a letter."""


def lane_key(lane: str) -> int:
    """The second key of ``lane``'s lock: a signed 32-bit hash of its name (two lanes that
    share one only take turns)."""
    return zlib.crc32(lane.encode()) - 2**31


def _beginning(lane: str | None) -> str:
    """The statements that begin a write transaction: in ``lane`` (the store's lock shared, the
    lane's own, then the generation read once both are held), or in none (the store's lock)."""
    begin = "BEGIN ISOLATION LEVEL READ COMMITTED; "
    if lane is None:
        return begin + f"SELECT pg_advisory_xact_lock({WRITE_LOCK})"
    return begin + (
        f"SELECT pg_advisory_xact_lock_shared({WRITE_LOCK}), "
        f"pg_advisory_xact_lock({LANE_LOCKS}, {lane_key(lane)}); "
        f"SELECT value FROM settings WHERE key = '{GENERATION}'"
    )


def tsquery(tree: Query, words: dict[str, str]) -> str:
    """``tree`` as an SQL expression of a tsquery, each term's words a bind parameter (put
    in ``words``) folded by ``unaccent`` and split by the parser that made the index, as the
    index's text was: a term is a phrase (``<->``), its last word a prefix (``:*``) after a
    ``*``; ``&&``, ``||`` and ``!!`` with every group in parentheses. It is matched
    against each part of a document (:mod:`db.dialects.index_parts`)."""
    if isinstance(tree, Term):
        *head, last = tree.words
        if not tree.prefix:
            return _phrase(tree.words, words)
        prefix = QUOTE_PREFIX.format(_bind(last, words))
        return f"tsquery_phrase({_phrase(head, words)}, {prefix})" if head else prefix
    if isinstance(tree, Not):
        return f"(!! {tsquery(tree.part, words)})"
    joint = " || " if isinstance(tree, Or) else " && "
    return "(" + joint.join(tsquery(part, words) for part in tree.parts) + ")"


def _bind(value: str, words: dict[str, str]) -> str:
    """``value`` as a new bind parameter (put in ``words``): its placeholder."""
    key = f"w{len(words)}"
    words[key] = value
    return f":{key}"


def _phrase(phrase: Sequence[str], words: dict[str, str]) -> str:
    """A tsquery of ``phrase``'s words one after the other, folded and split as indexed."""
    return f"phraseto_tsquery('simple', unaccent({_bind(' '.join(phrase), words)}))"


def _matching_parts(tree: Query, words: dict[str, str]) -> str:
    """The documents with a part matching ``tree`` (a term, an OR of terms), whole in the
    index."""
    return (f"SELECT DISTINCT document_id AS id FROM document_words WHERE words @@ "
            f"{tsquery(tree, words)} AND {index_parts.whole('document_id')}")


class PostgreSQL(Dialect):
    name = "postgresql"
    holds_nul = False
    commits_in_order = False

    def setup(self, engine: Engine, path: Path | None, wait_ms: int, synchronous: str) -> None:
        @event.listens_for(engine, "connect")
        def _session(dbapi_conn, record) -> None:  # type: ignore[no-untyped-def]
            record.info[WAITS] = wait_ms
            dbapi_conn.execute(f"SET lock_timeout = {int(wait_ms)}")
            dbapi_conn.commit()

        @event.listens_for(engine, "begin")
        def _begin(conn) -> None:  # type: ignore[no-untyped-def]
            options = conn.get_execution_options()
            driver = conn.connection.driver_connection
            info = conn.connection.info
            info[GENERATION] = None
            if not options.get("write", False):
                driver.autocommit = False
                driver.isolation_level = IsolationLevel.REPEATABLE_READ
                return
            # Begun here, with its locks (and a lane's generation), in one round trip to the
            # server: psycopg, in autocommit, sends no BEGIN of its own; its commit() and
            # rollback() end the transaction all the same.
            driver.autocommit = True
            begun = self.execute(conn, _beginning(options.get("lane")))
            if options.get("lane") is not None:
                begun.nextset()
                begun.nextset()
                found = begun.fetchone()
                info[GENERATION] = 0 if found is None else int(found[0])

        @event.listens_for(engine, "before_cursor_execute", retval=True)
        def _qmarks(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            if context is not None and context.compiled is None and parameters:
                statement = placeholders(statement)  # exec_driver_sql, written for both engines
            return statement, parameters

    def execute(self, conn: Connection, sql: str, params: Any = ()) -> psycopg.Cursor[Any]:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.adapters.register_loader("json", TextLoader)
        try:
            return cursor.execute(placeholders(sql) if params else sql, params or None)
        except psycopg.Error as exc:
            raise DBAPIError.instance(sql, params, exc, psycopg.Error) from exc

    def execute_many(self, conn: Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(placeholders(sql), rows)
        except psycopg.Error as exc:
            raise DBAPIError.instance(sql, rows, exc, psycopg.Error) from exc

    def wait_at_most(self, conn: Connection, ms: int) -> None:
        driver = conn.connection.driver_connection
        driver.execute(f"SET lock_timeout = {int(ms)}")  # type: ignore[union-attr]
        driver.commit()  # type: ignore[union-attr]

    def busy(self, exc: OperationalError) -> bool:
        return getattr(exc.orig, "sqlstate", None) in BUSY_STATES

    def generation(self, conn: Connection) -> int:
        """As read when a lane's transaction began; else read now."""
        begun = conn.connection.info.get(GENERATION)
        if begun is not None:
            return int(begun)
        found = self.execute(conn, "SELECT value FROM settings WHERE key = ?",
                             (GENERATION,)).fetchone()
        return 0 if found is None else int(found[0])

    def vet(self, conn: Connection, name: str, pages: bool = True) -> None:
        """Nothing to check: the server keeps its own catalog, and only its roles change it."""

    @contextmanager
    def migrating(self, conn: Connection, name: str) -> Iterator[None]:
        """Keys are checked by the server as each statement runs: one transaction is enough."""
        with conn.begin():
            yield

    json_strings = "json_array_elements_text(CAST(? AS json)) AS strings (value)"
    attribute_values = (
        "SELECT DISTINCT l.name, a.key, 'json', a.value::text FROM spans AS s "
        "JOIN labels AS l ON l.id = s.label_id CROSS JOIN LATERAL json_each(s.attributes) AS a "
        "WHERE s.attributes::text != '{}'"
    )

    def has_search_index(self, conn: Connection) -> bool:
        return bool(conn.scalar(text("SELECT to_regclass('document_words') IS NOT NULL")))

    def fill_search_index(self, conn: Connection, done: int, newest: int) -> None:
        conn.execute(
            text(
                "INSERT INTO document_words (document_id, part, words) "
                "SELECT id, 0, to_tsvector('simple', unaccent(title || ' ' || text)) "
                "FROM documents WHERE id > :done AND id <= :newest AND length <= :part "
                "ON CONFLICT DO NOTHING"  # another window indexed them first (it waited)
            ),
            {"done": done, "newest": newest, "part": index_parts.PART},
        )

    def add_parts(self, conn: Connection, doc_id: int, title: str,
                  parts: Sequence[tuple[int, str]]) -> None:
        self.execute_many(
            conn,
            "INSERT INTO document_words (document_id, part, words) VALUES "
            "(?, ?, to_tsvector('simple', unaccent(?))) ON CONFLICT DO NOTHING",
            [(doc_id, n, f"{title} {part}" if n == 0 else part) for n, part in parts],
        )

    def search_ids(self, tree: Query, parted: bool) -> tuple[str, dict[str, str]]:
        words: dict[str, str] = {}
        if not parted:
            return (f"SELECT document_id AS id FROM document_words WHERE words @@ "
                    f"{tsquery(tree, words)}", words)
        return index_parts.documents(tree, _matching_parts, words), words

    def watch(self, engine: Engine, path: Path | None, token: str) -> Listener:
        return Listener(conninfo(engine.url), token)

    def announce(self, conn: Connection, token: str) -> None:
        """Notify the watches (after bumping the generation, for a write in no lane) and
        commit, in one round trip: the caller's commit then finds nothing left to do."""
        bump = _BUMP + "; " if conn.get_execution_options().get("lane") is None else ""
        assert token.isalnum()  # a Store's token: hex digits, safe as a literal
        self.execute(conn, f"{bump}SELECT pg_notify('{CHANNEL}', '{token}'); COMMIT")


class Listener:
    """Counts commits announced on ``CHANNEL`` by other stores than the one of ``token``
    (thread-safe). A lost connection is made again; as commits may have gone unheard
    meanwhile, that counts as one. Once closed, it connects no more."""

    def __init__(self, info: str, token: str) -> None:
        self._info = info
        self._token = token
        self._lock = threading.Lock()
        self._conn: psycopg.Connection[Any] | None = None
        self._outside = 0
        self._closed = False

    def _listening(self) -> psycopg.Connection[Any]:
        if self._closed:
            raise StoreClosed("the store's watch was closed")
        if self._conn is None or self._conn.closed:
            lost = self._conn is not None
            conn = psycopg.connect(self._info, autocommit=True)
            conn.execute(f"LISTEN {CHANNEL}")
            self._conn = conn
            self._outside += lost
        return self._conn

    def outside(self) -> int:
        """How many commits someone else made since the watch began (0, 1, 2, ...); as many
        as before when the server cannot be reached."""
        with self._lock:
            try:
                heard = self._listening().notifies(timeout=0)
                self._outside += sum(1 for note in heard if note.payload != self._token)
            except psycopg.OperationalError:
                if self._conn is not None:
                    self._conn.close()
            return self._outside

    def begin(self) -> None:
        """A write transaction of the Store began: the commits heard so far are counted."""
        self.outside()

    def abandon(self) -> None:
        """Nothing to do: a Store's own commits carry its token, which is left out."""

    def absorb(self, missed: Callable[[], bool], begun: bool = True) -> None:
        """Nothing to do, as for :meth:`abandon`."""

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None


DIALECT = PostgreSQL()
