"""The engine-specific part of a store, as one interface each engine's module fills in."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

if TYPE_CHECKING:
    from annotate.query import Query

GENERATION = "generation"
"""The settings row holding :meth:`Dialect.generation` where an engine keeps it in the store
(a fact of that database, not copied with the store)."""
WAITS = "busy_timeout"
"""Key of a pooled connection's ``info``: how long (ms) it waits for another's lock now."""


class Cursor(Protocol):
    """What callers use of a driver's cursor (sqlite3's and psycopg's both have it)."""

    rowcount: int

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def fetchmany(self, size: int) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Watch(Protocol):
    """Counts commits made to the store by anyone else (see :mod:`db.watch`)."""

    def outside(self) -> int: ...
    def begin(self) -> None: ...
    def abandon(self) -> None: ...
    def absorb(self, missed: Callable[[], bool], begun: bool = True) -> None: ...
    def close(self) -> None: ...


class Dialect(ABC):
    name: str
    holds_nul: bool = True
    """Whether its text columns hold a NUL character (U+0000): an import into one that does
    not refuses it naming file, line and field."""
    commits_in_order: bool = True
    """Whether journal entries become visible in the order of their ids (one writer at a
    time). A server's writers commit at once, so a reader may see a newer entry first."""

    @abstractmethod
    def setup(self, engine: Engine, path: Path | None, wait_ms: int, synchronous: str) -> None:
        """Set up every connection ``engine`` makes (of the file ``path``, if one; waiting up
        to ``wait_ms`` for another's lock; ``synchronous``: SQLite's durability level), and how
        its transactions begin: a write transaction (execution option ``write``) excludes
        every other writer until it ends, unless the engine runs lanes at once: a write in
        a lane (execution option ``lane``: the annotator whose layer alone it writes) then
        excludes only writes in the same lane and writes in none."""

    @abstractmethod
    def execute(self, conn: Connection, sql: str, params: Any = ()) -> Cursor:
        """Run ``sql`` (``?`` placeholders) on the driver's own cursor, in ``conn``'s
        transaction; JSON columns read as their text, as SQLite stores them. Driver errors come
        out as SQLAlchemy's (OperationalError, IntegrityError, ...)."""

    @abstractmethod
    def execute_many(self, conn: Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run ``sql`` once per row of ``rows`` on the driver's own cursor (as :meth:`execute`)."""

    @abstractmethod
    def wait_at_most(self, conn: Connection, ms: int) -> None:
        """Let ``conn`` (not in a transaction) wait up to ``ms`` for another's write lock."""

    @abstractmethod
    def busy(self, exc: OperationalError) -> bool:
        """Whether ``exc`` says another writer held the store too long (worth a retry)."""

    @abstractmethod
    def generation(self, conn: Connection) -> int | None:
        """In a write transaction: a number that changes whenever a write in no lane commits
        (the schema, the documents, an undo...), so what was read of those may be kept while
        it stays; None when the engine keeps no such number."""

    def seen(self, conn: Connection) -> int | None:
        """A number that changes when ``conn`` sees another connection's commit: read in a
        write transaction and again after its commit, it tells a watch whether someone
        committed in between (:meth:`Watch.absorb`; asked only for a Store committing as
        another, :meth:`Store.commit_as`: a worker's thread may wait long between the two).
        None where a watch tells the commits apart by their writer (a server's:
        :meth:`announce`'s token)."""
        return None

    @abstractmethod
    def vet(self, conn: Connection, name: str, pages: bool = True) -> None:
        """StoreError naming ``name`` unless the database may be opened as a store;
        ``pages=False`` leaves out what reads the whole database (for a later call)."""

    @abstractmethod
    def migrating(self, conn: Connection, name: str) -> AbstractContextManager[None]:
        """Around the transaction (begun inside) that runs the migrations on ``conn``:
        whatever the engine needs so a migration that breaks a key is undone."""

    json_strings: str
    """A table of one column, ``value``: the strings of the JSON array bound as its one
    parameter, in order (rows inserted by one statement, not a statement's run each)."""

    attribute_values: str
    """SELECT of (label, attribute name, kind, value) for every distinct attribute value the
    stored spans use; :func:`db.schema_io.json_value` reads kind and value as Python."""

    @abstractmethod
    def has_search_index(self, conn: Connection) -> bool:
        """Whether this store has its full-text index (a store made by the migrations has)."""

    @abstractmethod
    def fill_search_index(self, conn: Connection, done: int, newest: int) -> None:
        """Index the documents whose id is in (``done``, ``newest``] and whose text is one
        part (:data:`db.dialects.index_parts.PART` characters at most)."""

    @abstractmethod
    def add_parts(self, conn: Connection, doc_id: int, title: str,
                  parts: Sequence[tuple[int, str]]) -> None:
        """Index ``parts``, (number, text) of document ``doc_id``'s parts
        (:func:`db.dialects.index_parts.part_text`); ``title`` goes with part 0."""

    @abstractmethod
    def search_ids(self, tree: Query, parted: bool) -> tuple[str, dict[str, str]]:
        """A SELECT of the ids (column ``id``, each once) of the indexed documents matching
        the search ``tree`` (:mod:`annotate.query`), case and accents aside as far as the
        engine can: its SQL, whose ``:name`` parameters hold the search's words (the SQL is
        the same for every search of the same form), and their values. ``parted``: whether a
        document is indexed in several parts (:data:`db.search.PARTED`); without one, a
        single full-text query, streamed in id order."""

    @abstractmethod
    def watch(self, engine: Engine, path: Path | None, token: str) -> Watch | None:
        """A watch for others' commits, or None when there is no way to watch (memory)."""

    @abstractmethod
    def announce(self, conn: Connection, token: str) -> None:
        """In a write transaction about to commit: let other stores' watches see the commit
        (``token``: the writing Store's own, which its watch leaves out), and, for a write in
        no lane, move the :meth:`generation` on. An engine may commit there, in the same
        round trip: the caller's commit then has nothing left to do."""
