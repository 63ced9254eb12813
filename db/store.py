"""The Store: every read and write of annotations goes through here.

Each edit command is applied in one transaction together with its journal row, so a
committed edit is durable and undo/redo survive a restart. Reads return plain dataclasses
of :mod:`annotate`, never ORM objects.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    delete,
    exists,
    func,
    insert,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, DataError, DBAPIError, IntegrityError, OperationalError

from annotate import layers
from annotate.actors import LABEL_KINDS, Actor, Event, Proposal, definitions_in, propose
from annotate.agreement_outline import Outline
from annotate.assignment import QueueRow
from annotate.collector import collector_paused
from annotate.commands import (
    Batch,
    ChangeSet,
    Command,
    Decision,
    SetSchema,
    command_from_dict,
)
from annotate.errors import StoreBusy, StoreClosed, StoreError, StoreFileGone, ValidationError
from annotate.inputs import file_kind
from annotate.journal_entry import JournalEntry
from annotate.model import (
    SYSTEM,
    AnnotatedDocument,
    DocLabel,
    Document,
    Relation,
    Span,
    Status,
    Verdict,
    utc_now,
)
from annotate.resolving import EntitySpan
from annotate.schema import LabelSchema, default_schema
from annotate.suggestions import Shown, Suggestion
from annotate.validator import Incoming
from db import (
    actor_edits,
    assignments,
    bulk,
    dialects,
    edits,
    journal,
    many_edits,
    search,
    suggestions,
)
from db.dialects.base import Watch
from db.engine import (
    OPENED,
    execute,
    file_identity,
    make_engine,
    resolve_url,
    sqlite_path,
    wait_at_most,
)
from db.merge import ImportSummary
from db.migrate import upgrade
from db.names import Names
from db.schema_io import RelationTypeUse, read_schema, relation_type_use, write_schema
from db.tables import (
    AnnotatorModel,
    DocumentModel,
    JournalModel,
    LabelModel,
    RelationModel,
    SettingModel,
    SpanModel,
    StatusModel,
)

if TYPE_CHECKING:  # the ledger's and the gazetteer's modules: imported when first used
    from annotate.gazetteer import Gazetteer
    from annotate.ledger import ClaimRecord

REFUSED = "42501"
"""The SQLSTATE of a write a server's privileges or row-level security refuse (PostgreSQL)."""

D, S, R, ST, J = (
    DocumentModel.__table__,
    SpanModel.__table__,
    RelationModel.__table__,
    StatusModel.__table__,
    JournalModel.__table__,
)


def _make_room(path: Path) -> None:
    """Make the folders of a store file at ``path``; StoreError naming it when the place is
    a folder, a device, FIFO or socket, or cannot be made (a file where a folder goes, a name
    too long, no permission). SQLite opens a device as a store: ``--db /dev/null`` failed as
    "the migration failed and was undone (disk I/O error)" and left ``/dev/null-journal``."""
    try:
        if path.exists() and not path.is_file():
            raise StoreError(f"{path}: is {file_kind(path.stat().st_mode)}, not a store file")
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        held = next(folder for folder in path.parents if folder.exists())
        raise StoreError(f"{path}: {held} is a file, not a folder") from None
    except OSError as exc:
        raise StoreError(f"{path}: no store can be there ({exc.strerror or exc})") from None


@dataclass(frozen=True, slots=True)
class DocumentRow:
    """One row of the document list."""

    uid: str
    title: str
    source: str
    length: int
    span_count: int
    status: Status


class Store:
    """A Counterclaim store on one database (a SQLite file by default)."""

    BUSY_RETRIES = 3
    """Write transactions that find the store busy past the busy timeout are tried again this
    many times (each waits up to ``BUSY_TIMEOUT_MS`` again) before the edit is refused."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.names = Names()
        self._indexed: bool | None = None  # whether the store has its search index (asked once)
        self._long_text = search.LongText()  # the document indexed in parts, between chunks
        self._path = sqlite_path(str(engine.url))
        self._identity = None if self._path is None else file_identity(self._path)
        """The store file's identity when it was opened: a write finding another (or none)
        is refused (the file was moved, deleted or replaced under the open store)."""
        self._dialect = dialects.of(engine)
        self._token = uuid.uuid4().hex
        """Tells this Store's commits from others' where a watch hears of every commit."""
        self._watcher: Watch | None = None
        self._watch_owned = True
        """Whether :attr:`_watcher` is this Store's own (else :meth:`commit_as` lent it)."""
        self._schema: tuple[int, edits.Known] | None = None  # (data_version, known) for edits
        self._owner = threading.get_ident()
        self.patience_ms: int | None = None
        """When set, a write on the thread that made this Store waits at most this long for
        another program's write lock, once, and else is refused at once (StoreBusy): a window
        keeps turning and queues the edit. None: the busy timeout and ``BUSY_RETRIES``."""
        self._kept: Connection | None = None
        """The connection the thread that made this Store reads and writes through, kept
        between transactions: a pool checkout costs more than a small edit's statements, and
        its page cache stays warm. Dropped when a transaction on it fails, and when the
        engine's pool is replaced (``engine.dispose()``: connections are to be made anew)."""
        self._kept_pool = engine.pool
        self.pages_checked = True
        """Whether the check of every page of the file was made (see :meth:`open`)."""
        self._refusal: str | None = None
        """Why every write is refused, once the late check of the pages found damage."""
        self._closed = False
        self._no_open_undos: set[int] = set()
        """Annotators (ids) known to have no active undo for a new edit to close: each joins
        once the closing statement ran for them, and leaves when this Store journals an undo of
        theirs; all leave when a write fails or anyone else commits to the file."""

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, location: str | os.PathLike[str] | None = None,
             patience_ms: int | None = None, check_pages: bool = True) -> Store:
        """Open (creating it if needed) and migrate the store at ``location``. With
        ``patience_ms`` (kept as the Store's), a store another program is writing is refused
        after that long, instead of after the busy timeout and its retries.
        ``check_pages=False`` leaves out the check that reads every page of the file
        (quick_check, about 0.4 s per 140 MB) for :meth:`check_pages` to make later, on
        another thread (the window's start): until then ``pages_checked`` is False."""
        url = resolve_url(location)
        path = sqlite_path(url)
        shown = str(path or make_url(url))  # a URL's password is not shown
        if path is not None:
            _make_room(path)
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                dialects.of(conn).vet(conn, shown, check_pages)
            store = cls(engine)
            store.pages_checked = check_pages
            store.patience_ms = patience_ms
            if patience_ms is not None:
                with store._write():
                    pass  # another program writing says so now, not after a migration's wait
            upgrade(engine, shown)
            if not store._has_labels():  # a write only when needed: a busy store opens
                with store._write() as conn:
                    if not store._has_labels(conn):
                        write_schema(conn, default_schema(), {})
        except (OperationalError, StoreBusy) as exc:
            engine.dispose()
            if isinstance(exc, StoreBusy) or dialects.of(engine).busy(exc):
                raise StoreError(
                    f"{shown}: the store is locked by another program; "
                    "try again when it is done"
                ) from None
            raise StoreError(f"{shown}: cannot open the store ({exc.orig})") from None
        except DatabaseError as exc:
            engine.dispose()
            raise StoreError(
                f"{shown}: not a Counterclaim store or damaged ({exc.orig})"
            ) from None
        except BaseException:
            engine.dispose()
            raise
        return store

    @classmethod
    def attach(cls, location: str) -> Store:
        """Another Store on a store this program has open (checked and migrated when it was
        opened), for a worker's reads: none of :meth:`open`'s checks, migration or writes
        (a tenth of the cost). StoreError when its file is gone."""
        url = resolve_url(location)
        path = sqlite_path(url)
        if path is not None and not path.is_file():
            raise StoreError(f"{path}: the store file is gone")
        return cls(make_engine(url))

    def _has_labels(self, conn: Connection | None = None) -> bool:
        if conn is None:
            with self._read() as conn:
                return self._has_labels(conn)
        return bool(conn.execute(select(func.count()).select_from(LabelModel)).scalar())

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def identity(self) -> tuple[int, int] | None:
        """What told the store's file from another put in its place when it was opened
        (:func:`file_identity`); None for a server or a store in memory."""
        return self._identity

    @property
    def location(self) -> str:
        """Where the store is, as shown: a server URL's password masked (``***``)."""
        return str(self.path or self.engine.url)

    @property
    def address(self) -> str:
        """Where another Store opens this same store (a worker's own): :attr:`location` with
        the password of a server's URL, if it has one, in the clear. Held in memory only:
        show, log or save :attr:`location`, never this."""
        return str(self.path or self.engine.url.render_as_string(hide_password=False))

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called: the Store is then used no more."""
        return self._closed

    @property
    def commits_in_order(self) -> bool:
        """Whether journal entries become visible in the order of their ids
        (:attr:`db.dialects.base.Dialect.commits_in_order`)."""
        return self._dialect.commits_in_order

    def close(self) -> None:
        """Let go of every connection, the watch's included, for good: a closed Store makes
        none again (its use raises StoreClosed). Closing it again does nothing."""
        if self._closed:
            return
        self._closed = True
        if self._file_gone():
            self._settle()
        if self._watcher is not None and self._watch_owned:
            self._watcher.close()
        if self._kept is not None:
            self._kept.close()
            self._kept = None
        self.engine.dispose()

    def commit_as(self, other: Store) -> None:
        """Commit as ``other`` does: its watch (:meth:`data_version`, once made) then never
        takes this Store's commits for another program's. For a worker of the same program
        whose writes change nothing ``other``'s readers show (the search index brought up to
        date). The watch stays ``other``'s: closing this Store leaves it open."""
        self._token = other._token
        self._watcher, self._watch_owned = other._watcher, False

    def data_version(self) -> int:
        """A number that changes when another Store or program commits to this store (never
        for this Store's own writes): poll it to notice that a view is stale. Always 0 for a
        store in memory."""
        self._check_open()
        if self._watcher is None:
            self._watcher = self._dialect.watch(self.engine, self.path, self._token)
            if self._watcher is None:
                return 0
        return self._watcher.outside()

    def _begin(self, lane: str | None = None) -> Connection:
        """A connection inside a new write transaction (in ``lane``, if one: see
        :meth:`_write`): BEGIN IMMEDIATE waits up to the busy timeout for the write lock, and
        is tried again ``BUSY_RETRIES`` times (or, with ``patience_ms`` on the Store's own
        thread, waits that long once)."""
        quick = self.patience_ms is not None and threading.get_ident() == self._owner
        retries = 0 if quick else self.BUSY_RETRIES
        for attempt in range(retries + 1):
            conn = self._connection(write=True, lane=lane)
            try:
                wait_at_most(conn, self.patience_ms if quick else None)
                conn.begin()
                return conn
            except OperationalError as exc:
                self._drop(conn)
                if attempt == retries or not self._dialect.busy(exc):
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _connection(self, write: bool, lane: str | None = None) -> Connection:
        """A connection for a new transaction: the kept one on the thread that made this
        Store, unless a transaction is under way on it; else a new one."""
        self._check_open()
        kept = self._kept
        if threading.get_ident() != self._owner or (kept is not None and kept.in_transaction()):
            return self.engine.connect().execution_options(write=write, lane=lane)
        if kept is not None and self._kept_pool is not self.engine.pool:
            self._drop(kept)
            kept = None
        if kept is None:
            self._kept_pool = self.engine.pool
            kept = self._kept = self.engine.connect()
        options = kept.get_execution_options()
        if options.get("write") is write and options.get("lane") == lane:
            return kept  # (as set: setting them again dispatches events, ~20 K instructions)
        return kept.execution_options(write=write, lane=lane)

    def _drop(self, conn: Connection) -> None:
        """Close ``conn`` (rolling back its transaction), and stop keeping it."""
        if conn is self._kept:
            self._kept = None
        conn.close()

    def _done(self, conn: Connection) -> None:
        """Close ``conn`` after its transaction ended, unless it is the kept one."""
        if conn is not self._kept:
            conn.close()

    @contextmanager
    def _write(self, lane: str | None = None) -> Iterator[Connection]:
        """One write transaction (BEGIN IMMEDIATE on SQLite), committed on success; refused
        (StoreFileGone) when the store file is no longer the one opened. ``lane``: the
        annotator whose layer alone the transaction writes (:func:`annotate.layers.lane`),
        which lets an engine run it along with other lanes' writes."""
        self._check_file()
        try:
            conn = self._begin(lane)
            watcher = None
            try:
                if self._watcher is not None:
                    self._watcher.begin()  # others' commits before ours: we hold the lock
                    watcher = self._watcher
                yield conn
                self._dialect.announce(conn, self._token)
                seen = None if self._watch_owned else self._dialect.seen(conn)  # commit_as
                conn.commit()
            except BaseException:
                if watcher is not None:
                    watcher.abandon()
                self._drop(conn)
                raise
            try:
                if self._watcher is not None:  # also one made in the transaction
                    self._watcher.absorb(lambda: seen is not None and
                                         self._dialect.seen(conn) != seen,
                                         begun=self._watcher is watcher)
            finally:
                self._done(conn)
        except OperationalError as exc:
            self._forget()
            message = str(exc.orig)
            if self._dialect.busy(exc):
                raise StoreBusy(
                    "the store is busy (another program is writing); your edit "
                    "was not saved, try again"
                ) from None
            if "full" in message:
                raise StoreError("the disk is full: your edit was not saved") from None
            raise StoreError(f"the store could not be written: {message}") from None
        except DataError as exc:  # a value the engine refuses that no rule caught first
            self._forget()
            raise StoreError(f"the store refused a value ({_reason(exc)}): nothing was "
                             "saved") from None
        except DBAPIError as exc:
            self._forget()
            if not _refused(exc):
                raise
            raise StoreError(f"the server refused the change ({_reason(exc)}): your role may not "
                             "make it, and nothing was saved") from None
        except BaseException:
            self._forget()
            raise

    def check_pages(self) -> None:
        """The check of every page that :meth:`open` was asked to leave out: StoreError
        saying what is damaged."""
        with self._read() as conn:
            self._dialect.vet(conn, self.location)

    def refuse_writes(self, reason: str) -> None:
        """Refuse every write from now on (StoreError ``reason``): the file failed the check
        of its pages made after it was opened."""
        self._refusal = reason

    def _check_open(self) -> None:
        if self._closed:
            raise StoreClosed(f"{self.location}: the store was closed; open it again to use it")

    def _check_file(self) -> None:
        if self._refusal is not None:
            raise StoreError(self._refusal)
        if self._file_gone():
            self._settle()
            raise StoreFileGone(
                f"{self._path}: the store file was moved, deleted or replaced while it was open: "
                "your edit was not saved; save the open store elsewhere (File ▸ Save store "
                "as…) to go on working"
            )

    def _file_gone(self) -> bool:
        path = self._path
        return path is not None and file_identity(path) != self._identity

    def _settle(self) -> None:
        """After the store file went: move what the WAL holds into the file the connections
        have open (a moved file thus gets every committed edit) and empty the WAL, which is
        still at the old name, where another store put there would take its pages for its
        own. On the kept connection only (a new one would open whatever is there now)."""
        kept = self._kept
        if kept is not None and not kept.in_transaction():
            driver = kept.connection.driver_connection
            assert isinstance(driver, sqlite3.Connection)
            with suppress(sqlite3.Error):
                driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def save_copy(self, target: Path) -> None:
        """Write the store, as this Store holds it, into the file ``target`` with SQLite's
        backup API, through a connection opened before: it still reads the store whatever
        became of its file. StoreError when ``target`` is the store's own file or that of a
        store in use, when no connection to the file as it was opened is left, or when
        ``target`` cannot be written (a file already there is then left as it was)."""
        if self._dialect.name != "sqlite":
            raise StoreError(f"{self.location}: a server's store is copied with "
                             "counterclaim copy, not saved as a file")
        target = target.resolve()
        if target == self.path:
            raise StoreError(f"{target}: the open store's own file: choose another name")
        if Path(f"{target}-wal").exists():
            raise StoreError(f"{target}: a store in use (it has a -wal file): choose another name")
        created = not target.exists()
        conn = self._connection(write=False)
        try:
            if conn.connection.info.get(OPENED) != self._identity:
                raise StoreError(f"{self.location}: no connection to the store as it was opened "
                                 "is left: it cannot be copied")
            source = conn.connection.driver_connection
            assert isinstance(source, sqlite3.Connection)
            with closing(sqlite3.connect(target)) as copy:
                source.backup(copy)
        except (OSError, sqlite3.Error) as exc:
            if created:
                target.unlink(missing_ok=True)
            raise StoreError(f"{target}: the store could not be saved there ({exc})") from None
        finally:
            self._done(conn)

    def _forget(self) -> None:
        """Drop what this Store keeps of the store's state: after a failed write, whose rolled
        back transaction may have added some of it."""
        self.names.clear()
        self._schema = None
        self._no_open_undos.clear()

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """One read transaction; StoreError when the store cannot be read (a server that
        cannot be reached, or that dropped the connection)."""
        try:
            conn = self._connection(write=False)
            try:
                with conn.begin():
                    yield conn
            except BaseException:
                self._drop(conn)
                raise
        except OperationalError as exc:
            raise StoreError(f"the store could not be read ({_reason(exc)}): nothing was saved; "
                             "try again when it can be reached") from None
        except DBAPIError as exc:
            if not _refused(exc):
                raise
            raise StoreError("the server refused to let your role read the store "
                             f"({_reason(exc)}): ask a lead to run counterclaim team init "
                             "again") from None
        self._done(conn)

    # -- settings --------------------------------------------------------------------------
    def setting(self, key: str) -> str | None:
        with self._read() as conn:
            return conn.scalar(select(SettingModel.value).where(SettingModel.key == key))

    def set_setting(self, key: str, value: str) -> None:
        with self._write() as conn:
            conn.execute(delete(SettingModel).where(SettingModel.key == key))
            conn.execute(insert(SettingModel).values(key=key, value=value))

    def seed_once(self, documents: Iterable[Document | AnnotatedDocument],
                  setup: Sequence[Command] = (), by: str = SYSTEM) -> bool:
        """Import ``documents`` (and their annotation) if this store was never seeded and
        holds no document, then apply ``setup`` (e.g. the example layer's actors) as one
        step of ``by``."""
        if self.setting("seeded") or self.count_documents():
            return False
        self.import_documents(doc if isinstance(doc, AnnotatedDocument) else AnnotatedDocument(doc)
                              for doc in documents)
        if setup:
            self.apply(Batch(tuple(setup), "seed the samples"), by)
        self.set_setting("seeded", utc_now())
        return True

    # -- schema ----------------------------------------------------------------------------
    def schema(self) -> LabelSchema:
        with self._read() as conn:
            return read_schema(conn)

    def set_schema(
        self, schema: LabelSchema, renames: dict[str, str] | None = None, by: str = SYSTEM,
        relation_renames: dict[str, str] | None = None,
    ) -> ChangeSet:
        """Replace the schema as ``by``, one journaled and undoable operation. ``renames`` maps
        old label names to new ones, keeping their spans, ``relation_renames`` old relation type
        names to new ones, keeping their relations; the stored annotations must fit the new
        schema (a label with spans cannot go, nor an attribute or relation type in use)."""
        return self.apply(SetSchema(schema, tuple((renames or {}).items()), None,
                                    tuple((relation_renames or {}).items())), by)

    def relation_type_use(self) -> dict[str, RelationTypeUse]:
        """How much each relation type that has relations is used (by annotator, documents)."""
        with self._read() as conn:
            return relation_type_use(conn)

    # -- annotators ------------------------------------------------------------------------
    def annotators(self) -> list[str]:
        """Everyone who can own annotations (the gold layer included), by name."""
        with self._read() as conn:
            return list(
                conn.scalars(
                    select(AnnotatorModel.name)
                    .where(AnnotatorModel.name != SYSTEM)
                    .order_by(AnnotatorModel.name)
                )
            )

    def ensure_annotator(self, name: str) -> None:
        """Add the annotator ``name`` unless known (a write only then)."""
        with self._read() as conn:
            if self.names.find_annotator(conn, name) is not None:
                return
        with self._write() as conn:
            self.names.annotator_id(conn, name)

    # -- documents -------------------------------------------------------------------------
    def list_documents(
        self,
        annotator: str | None = None,
        search_text: str | None = None,
        status: Status | None = None,
        label: str | None = None,
        offset: int = 0,
        limit: int | None = None,
        index: bool = True,
        assigned: bool = False,
    ) -> list[DocumentRow]:
        """The documents matching the filters (``assigned``: only those assigned to
        ``annotator``), in store order. A search first brings the search index up to date,
        unless ``index`` is False (the window indexes in the background: a search then covers
        the documents indexed so far)."""
        if index:
            self._refresh_search(search_text)
        with self._read() as conn:
            found = self._listing(conn, annotator, search_text, status, label, assigned)
            return _document_rows(found.rows(conn, limit, offset))

    def document_page(
        self,
        annotator: str | None,
        search_text: str | None,
        status: Status | None,
        label: str | None,
        limit: int,
        assigned: bool = False,
    ) -> tuple[int, list[DocumentRow]]:
        """How many documents match the filters and the first ``limit`` of them, read
        together (the window's list on new filters). A search covers the documents indexed
        so far: the window brings the index up to date in the background."""
        with self._read() as conn:
            found = self._listing(conn, annotator, search_text, status, label, assigned)
            return found.count(conn), _document_rows(found.rows(conn, limit))

    def _listing(self, conn: Connection, annotator: str | None, search_text: str | None,
                 status: Status | None, label: str | None,
                 assigned: bool = False) -> search.Listing:
        if self._indexed is None:
            self._indexed = self._dialect.has_search_index(conn)
        return search.listing(conn, self.names, annotator, search_text, status, label,
                              self._indexed, assigned)

    def count_documents(
        self,
        annotator: str | None = None,
        search_text: str | None = None,
        status: Status | None = None,
        label: str | None = None,
        index: bool = True,
    ) -> int:
        """How many documents match the filters (``index``: see :meth:`list_documents`)."""
        if index:
            self._refresh_search(search_text)
        with self._read() as conn:
            return self._listing(conn, annotator, search_text, status, label).count(conn)

    def _refresh_search(self, search_text: str | None) -> None:
        """Bring the search index up to date; the write lock only when it is behind."""
        if not (search_text and search_text.strip()):
            return
        with self._read() as conn:
            if search.unindexed(conn) is None:
                return
        with self._write() as conn:
            search.refresh_index(conn)

    def index_for_search(self, limit: int, characters: int | None = None) -> bool:
        """Add at most ``limit`` documents to the search index, and no more once their texts
        reach ``characters`` (a long document's parts, ``characters`` of them at a time), in
        one write transaction; whether some still wait (a caller in the background holds the
        lock briefly)."""
        return self.read_ahead_for_index() and self.index_chunk(limit, characters)

    def index_chunk(self, limit: int, characters: int | None = None) -> bool:
        """The write transaction of :meth:`index_for_search`, after
        :meth:`read_ahead_for_index` (a long document's text, read then, is not read while
        the lock is held)."""
        with self._write() as conn:
            return search.refresh_index(conn, limit, characters, self._long_text)

    def read_ahead_for_index(self) -> bool:
        """Read the text of the next document to index when it has several parts, unless it
        is held already (kept between the transactions of :meth:`index_chunk`); whether
        documents wait to be indexed."""
        with self._read() as conn:
            if search.unindexed(conn) is None:
                return False
            search.read_ahead(conn, self._long_text)
            return True

    def search_index_behind(self) -> bool:
        """Whether documents wait to be added to the search index."""
        with self._read() as conn:
            return search.unindexed(conn) is not None

    def document(self, uid: str) -> Document:
        with self._read() as conn:
            row = conn.execute(
                select(D.c.uid, D.c.title, D.c.text, D.c.meta).where(D.c.uid == uid)
            ).first()
        if row is None:
            raise StoreError(f"no document {uid}")
        return Document(row.text, row.title, row.meta or {}, row.uid)

    def iter_texts(self, uids: Sequence[str] | None = None,
                   batch: int = 500) -> Iterator[Document]:
        """The documents ``uids`` (default: all) without their annotations, in store order."""
        query = select(D.c.uid, D.c.title, D.c.text, D.c.meta).order_by(D.c.id)
        with self._read() as conn:
            if uids is None:
                rows: Iterable[Any] = conn.execute(query.execution_options(yield_per=batch))
                for row in rows:
                    yield Document(row.text, row.title, row.meta or {}, row.uid)
                return
            for at in range(0, len(uids), batch):
                for row in conn.execute(query.where(D.c.uid.in_(uids[at:at + batch]))):
                    yield Document(row.text, row.title, row.meta or {}, row.uid)

    def spans(self, uid: str, annotators: Sequence[str] | None = None) -> list[Span]:
        with self._read() as conn:
            return bulk.spans_of(conn, self.names, [uid], annotators).get(uid, [])

    def spans_within(self, uid: str, annotators: Sequence[str] | None, start: int, end: int,
                     starting: bool = False, reach: int | None = None) -> list[Span]:
        """The spans of document ``uid`` (by ``annotators``, if given) meeting code points
        ``[start, end)``, or with ``starting`` those starting in them, by position: a part of a
        big document read alone. ``reach`` (:meth:`span_reach`) bounds how far back a span
        meeting the range may start: the read is as quick far into the document as at its
        start."""
        with self._read() as conn:
            return bulk.spans_within(conn, self.names, uid, annotators,
                                     "starting" if starting else "meeting", start, end, reach)

    def span_reach(self, uid: str, annotators: Sequence[str] | None = None) -> int:
        """The length of the longest span of document ``uid`` (by ``annotators``, if given),
        in code points; 0 when it has none."""
        with self._read() as conn:
            return bulk.span_reach(conn, self.names, uid, annotators)

    def relations(self, uid: str, annotators: Sequence[str] | None = None) -> list[Relation]:
        with self._read() as conn:
            return bulk.relations_of(conn, self.names, [uid], annotators).get(uid, [])

    def links_into(self, uid: str) -> list[tuple[str, Relation]]:
        """The links across documents that end in document ``uid``, each with the uid of the
        document it starts in."""
        with self._read() as conn:
            return bulk.links_into(conn, self.names, uid)

    def doc_labels(self, uid: str, annotators: Sequence[str] | None = None) -> list[DocLabel]:
        """The document's labels (of ``annotators``, if given), by annotator, category, value."""
        with self._read() as conn:
            return edits.load_doc_labels(conn, self.names, uid, annotators)

    def document_views(self, uids: Sequence[str], annotators: Sequence[str], viewer: str,
                       whole_up_to: int, ahead_up_to: int) -> dict[str, bulk.DocumentView]:
        """Documents ``uids`` as a window shows them, in one read transaction: the first, and
        the others whose text is at most ``ahead_up_to`` code points long (see
        :func:`db.bulk.document_views`); StoreError when there is no document ``uids[0]``."""
        with self._read() as conn:
            views = bulk.document_views(conn, self.names, uids, annotators, viewer,
                                        whole_up_to, ahead_up_to)
        if uids[0] not in views:
            raise StoreError(f"no document {uids[0]}")
        return views

    def span(self, span_id: str) -> Span:
        with self._read() as conn:
            return edits.load_span(conn, self.names, span_id)

    def status(self, uid: str, annotator: str) -> Status:
        with self._read() as conn:
            return edits.load_status(conn, self.names, uid, annotator)

    # -- edits ----------------------------------------------------------------------------
    def apply(self, command: Command, annotator: str) -> ChangeSet:
        """Apply ``command`` and journal it, in one transaction: one undo step of
        ``annotator``. Raises ValidationError when the command breaks a rule (nothing is
        written), among them writing a layer that is not the ``annotator``'s
        (:mod:`annotate.layers`) or placing a span on punctuation alone
        (:mod:`annotate.edges`), and StoreError when the store cannot be written."""
        return self.apply_each([command], annotator)[0]

    def apply_each(self, commands: Sequence[Command], annotator: str) -> list[ChangeSet]:
        """Apply every command of ``commands`` in ONE transaction, each journaled as its own
        row: one undo step of ``annotator`` per command, as :meth:`apply` would make them
        one by one. All of them are written, or (a command breaking a rule: ValidationError)
        none."""
        for command in commands:
            layers.check_command(command, annotator)
        lanes = {layers.lane(command) for command in commands}
        with self._write(lanes.pop() if len(lanes) == 1 else None) as conn, collector_paused():
            who = self.names.annotator_id(conn, annotator)
            done = many_edits.apply_many(conn, self.names, commands, self._edit_schema(conn))
            every = [command.changes() for command in done]
            if len(done) == 1:  # a key press: its row goes back with the change
                every[0] = self._journal(conn, done[0], every[0], who, annotator)
            else:
                journal.write_many(conn, who, [
                    (c.op, *c.journal_forms(), changes.documents)
                    for c, changes in zip(done, every, strict=True)
                ])
            if who not in self._no_open_undos:  # a new edit closes the redo of past undos
                closed = tuple((row_id, "closed") for row_id in journal.close_undos(conn, who))
                every[-1] = every[-1].journaled(states=closed)
                self._no_open_undos.add(who)
        if any(changes.schema for changes in every):
            self._schema_changed()
        return every

    def undo(self, annotator: str) -> ChangeSet | None:
        """Undo the annotator's latest step still in effect; None when there is none. A step
        whose inverse no longer applies is closed (:class:`UndoRefused` says why)."""
        return self._replay(annotator, journal.UNDOABLE, "undo", "undone")

    def redo(self, annotator: str) -> ChangeSet | None:
        """Redo the annotator's latest undo, unless an edit came after it."""
        return self._replay(annotator, ("undo",), "redo", "redone")

    def can_undo(self, annotator: str) -> bool:
        return self.next_undo(annotator) is not None

    def can_redo(self, annotator: str) -> bool:
        return self.next_redo(annotator) is not None

    def next_undo(self, annotator: str) -> str | None:
        """The operation an undo would take back (e.g. "set_schema"), or None."""
        row = self._latest(annotator, journal.UNDOABLE)
        return None if row is None else row.op

    def next_redo(self, annotator: str) -> str | None:
        """The operation a redo would apply again, or None."""
        row = self._latest(annotator, ("undo",))
        return None if row is None else row.inverse["op"]  # an undo row's inverse: the step

    def _latest(self, annotator: str, kinds: tuple[str, ...]) -> journal.Step | None:
        with self._read() as conn:
            who = self.names.find_annotator(conn, annotator)
            return None if who is None else journal.latest(conn, who, kinds)

    def _replay(
        self, annotator: str, kinds: tuple[str, ...], kind: str, new_state: str
    ) -> ChangeSet | None:
        refused: str | None = None
        with self._write() as conn, collector_paused():  # a step may hold 100,000 changes
            who = self.names.annotator_id(conn, annotator)
            row = journal.latest(conn, who, kinds)
            if row is None:
                return None
            inverse = command_from_dict(row.inverse)
            step = row.op if kind == "undo" else inverse.op  # what the user did, or undid
            execute(conn, "SAVEPOINT replay")
            try:
                done = many_edits.replay(conn, self.names, inverse, self._edit_schema(conn))
            except (ValidationError, IntegrityError) as exc:
                execute(conn, "ROLLBACK TO replay")
                self._forget()  # the rolled back part may have added names
                reason = str(exc) if isinstance(exc, ValidationError) else "the store refuses it"
                refused = f"cannot {kind} {step}: {reason}"
                journal.set_state(conn, row.id, "closed")
                journal.write(
                    conn, who, f"{kind}_refused", {"op": step, "reason": reason}, by=annotator,
                    kind="event", target=row.id,
                    documents=journal.documents_of(conn, row.id, row.document_uid),
                )
            else:
                execute(conn, "RELEASE replay")
                changes = self._journal(conn, done, done.changes(), who, annotator, kind, row.id)
                if kind == "undo":
                    self._no_open_undos.discard(who)
                journal.set_state(conn, row.id, new_state)
                changes = changes.journaled(states=((row.id, new_state),))
        if refused is not None:
            raise UndoRefused(
                f"{refused}. That step is closed: it is off the {kind} history, and "
                f"{kind} goes on with the step before it."
            )
        if changes.schema:
            self._schema_changed()
        return changes

    def _schema_changed(self) -> None:
        """Forget the names and schema kept: this Store just changed the schema."""
        self.names.clear()
        self._schema = None

    def _edit_schema(self, conn: Connection) -> edits.Known | None:
        """The schema (and documents) edits are checked against, read inside the write
        transaction ``conn`` and kept until this Store changes the schema, a write fails or
        the store changes otherwise: anyone else commits to the file, or, on a server, a
        write in no lane commits (its :meth:`Dialect.generation`). None for a store in
        memory: read each time, and the undos of others' edits closed again, as another
        program may have undone."""
        if self.path is None:
            version = self._dialect.generation(conn)
        elif self._watcher is not None:  # asked by _write, holding the lock: asked once
            version = self._watcher.counted()
        else:
            version = self.data_version()
        if version is None:
            self._no_open_undos.clear()
            return None
        if self._schema is None or self._schema[0] != version:
            self._no_open_undos.clear()  # someone else may have undone since
            self.names.clear()  # or renamed or removed a label
            self._schema = (version, edits.known(conn))
        return self._schema[1]

    def _journal(
        self, conn: Connection, command: Command, changes: ChangeSet, annotator_id: int,
        annotator: str, kind: str = "do", target: int | None = None,
    ) -> ChangeSet:
        """Write the journal row of ``command`` as applied, which made ``changes``; returns
        them with the row."""
        payload, inverse = command.journal_forms()
        entry = journal.write(
            conn, annotator_id, command.op, payload, inverse, by=annotator, kind=kind,
            target=target, documents=changes.documents, native=command.JSON_NATIVE,
        )
        return changes.journaled((entry,))

    def record(
        self,
        op: str,
        by: str,
        payload: dict[str, Any],
        documents: Collection[str] = (),
        closes: Iterable[str] = (),
    ) -> None:
        """Journal an operation that cannot be undone (e.g. a restore), done by ``by``; the
        undo stacks of the annotators ``closes`` names are closed."""
        with self._write() as conn:
            who = self.names.annotator_id(conn, by)
            journal.write(conn, who, op, payload, by=by, kind="event", documents=documents)
            journal.close_stacks(conn, [self.names.annotator_id(conn, n) for n in closes])
        self._no_open_undos.clear()

    def history(
        self,
        annotator: str | None = None,
        limit: int | None = 200,
        *,
        document: str | None = None,
        since: str | None = None,
        op: str | None = None,
        first_document: bool = False,
        after: int | None = None,
    ) -> list[JournalEntry]:
        """The newest journal entries first: the audit trail of who changed what, when, on
        which documents (see :func:`db.journal.entries` for the filters)."""
        with self._read() as conn:
            return journal.entries(
                conn, annotator=annotator, document=document, since=since, op=op, limit=limit,
                first_document=first_document, after=after,
            )

    def last_journal_id(self) -> int:
        """The id of the journal's last entry (0: none): what is written after it comes
        after it (where :attr:`commits_in_order`)."""
        with self._read() as conn:
            return journal.last_id(conn)

    def journal_states(self, ids: Collection[int]) -> dict[int, str]:
        """The states of the journal rows ``ids`` that are no longer active (undone, redone,
        closed): what a list of entries needs to bring its markers up to date."""
        with self._read() as conn:
            return journal.states(conn, ids)

    def operations(self) -> list[str]:
        """The names of the operations the journal holds."""
        with self._read() as conn:
            return journal.operations(conn)

    # -- bulk ------------------------------------------------------------------------------
    def import_documents(
        self,
        records: Iterable[AnnotatedDocument],
        progress: Callable[[int], None] | None = None,
        add_labels: bool = False,
        dry_run: bool = False,
        by: str = SYSTEM,
        source: str | None = None,
        declared: LabelSchema | None = None,
        not_imported: Mapping[str, int] | None = None,
    ) -> ImportSummary:
        """Import every record in ONE transaction: all of it lands, or (on any error, also
        one raised by the iterator) none of it. Documents already stored (same uid) keep
        their text; spans, relations and statuses are merged by :mod:`db.merge` (added,
        changed, unchanged or skipped, per annotator). ``dry_run``: checked and counted as
        usual, then rolled back.

        Every span and relation passes the schema's rules (:class:`annotate.validator.
        Incoming`); labels, relation types and attributes it lacks are refused together, or
        with ``add_labels`` added (as ``declared`` defines them, else from the values) as ONE
        schema change, journaled (done by ``by``) just before the import.

        The import is one journal row, done by ``by`` (``source``: the file read), which
        cannot be undone: it closes the undo and redo stacks of every annotator whose layer
        it changed (their older steps might no longer apply over it), and of ``by`` when it
        changed the schema (that change cannot be undone without undoing the import).

        ``not_imported``: where the reader of ``records`` counts what it read but could not
        keep; read once ``records`` is exhausted, into the summary (and the journal)."""
        try:
            with self._write() as conn:
                before = read_schema(conn)
                incoming = Incoming(before, add_labels, declared)
                summary = bulk.import_records(conn, self.names, records, progress, incoming)
                summary.not_imported = dict(sorted((not_imported or {}).items()))
                if dry_run:
                    raise _RolledBack(summary)
                who = self.names.annotator_id(conn, by)
                closed = [self.names.annotator_id(conn, n) for n in summary.annotators]
                if incoming.schema != before:
                    schema_change = SetSchema(incoming.schema, (), before)
                    self._journal(conn, schema_change, schema_change.changes(), who, by)
                    closed.append(who)
                payload = summary.to_json() | ({"file": source} if source else {})
                journal.write(conn, who, "import", payload, by=by, kind="event",
                              documents=summary.documents)
                journal.close_stacks(conn, closed)
        except _RolledBack as rolled_back:
            return rolled_back.summary
        self._forget()  # the import may have added labels, and closed undo stacks
        return summary

    def iter_documents(
        self,
        annotators: Sequence[str] | None = None,
        labels: Sequence[str] | None = None,
        status: Status | None = None,
        uids: Sequence[str] | None = None,
        batch: int = 200,
    ) -> Iterator[AnnotatedDocument]:
        """Stream annotated documents in store order, filtered by annotator, label, and the
        status some selected annotator gave them."""
        with self._read() as conn:
            yield from bulk.iter_records(conn, self.names, annotators, labels, status, uids, batch)

    def iter_outlined(self, wanted: Callable[[Outline], bool],
                      batch: int = 200) -> Iterator[AnnotatedDocument | Outline]:
        """Every document in store order, whole where ``wanted`` says so of its outline, else
        its :class:`~annotate.agreement_corpus.Outline` (no text or spans read)."""
        with self._read() as conn:
            yield from bulk.iter_outlined(conn, self.names, wanted, batch)

    def iter_review(self, uids: Sequence[str] | None = None, batch: int = 500,
                    heard: Callable[[int], object] | None = None, columns: bool = False,
                    ) -> Iterator[bulk.ReviewMaterial]:
        """Stream what adjudication reads of the documents ``uids`` (default: all), in store
        order: spans, statuses, decisions and document labels, a few queries per ``batch``;
        ``heard`` is told the spans read every few thousand (an exception it raises stops the
        read); with ``columns``, each document's spans as columns
        (:class:`~annotate.review_columns.SpanColumns`)."""
        with self._read() as conn:
            yield from bulk.iter_review(conn, self.names, uids, batch, heard, columns)

    def iter_review_rows(self, uids: Sequence[str] | None, annotators: Collection[str],
                         batch: int = 500) -> Iterator[bulk.ReviewRows]:
        """Stream the :class:`~db.bulk.ReviewRows` of the documents ``uids`` (all: None), in
        store order, a few queries per ``batch``, for comparing ``annotators``
        (:func:`db.bulk.iter_review_rows`)."""
        with self._read() as conn:
            yield from bulk.iter_review_rows(conn, self.names, uids, batch, annotators)

    def stats(self) -> dict[str, Any]:
        with self._read() as conn:
            return bulk.stats(conn)

    def has_document(self, uid: str) -> bool:
        with self._read() as conn:
            return bool(conn.scalar(select(exists().where(D.c.uid == uid))))

    def span_count(self, annotator: str | None = None, uid: str | None = None) -> int:
        """How many spans the store holds (of ``annotator``, in document ``uid``, if given)."""
        query = select(func.count()).select_from(S)
        if annotator is not None:
            query = query.join(AnnotatorModel.__table__).where(AnnotatorModel.name == annotator)
        if uid is not None:
            query = query.join(D, S.c.document_id == D.c.id).where(D.c.uid == uid)
        with self._read() as conn:
            return conn.scalar(query) or 0

    def done_count(self, annotator: str) -> int:
        with self._read() as conn:
            return (
                conn.scalar(
                    select(func.count())
                    .select_from(ST)
                    .join(AnnotatorModel.__table__)
                    .where(and_(AnnotatorModel.name == annotator, ST.c.state == "done"))
                )
                or 0
            )

    def done_per_day(self) -> dict[str, list[tuple[str, int]]]:
        """For each annotator with a document marked done: (YYYY-MM-DD, documents whose done
        mark was set that day, UTC), oldest day first. A document counts once, on the day of
        its current done mark."""
        day = func.substr(ST.c.updated, 1, 10)
        query = (
            select(AnnotatorModel.name, day, func.count())
            .join(ST, ST.c.annotator_id == AnnotatorModel.id)
            .where(ST.c.state == "done")
            .group_by(AnnotatorModel.name, day)
            .order_by(AnnotatorModel.name, day)
        )
        result: dict[str, list[tuple[str, int]]] = {}
        with self._read() as conn:
            for name, when, n in conn.execute(query):
                result.setdefault(name, []).append((when, n))
        return result

    # -- actors and events (the ledger) ----------------------------------------------------
    def actors(self) -> list[Actor]:
        """Every actor, by name."""
        with self._read() as conn:
            return actor_edits.load_actors(conn)

    def actor_links(self) -> dict[str, str]:
        """Actor ids by the id of the entity span resolved to them."""
        with self._read() as conn:
            return actor_edits.load_links(conn)

    def actor_links_of(self, actor_id: str) -> tuple[tuple[str, str], ...]:
        """One actor's links: (document uid, span id) pairs."""
        with self._read() as conn:
            return actor_edits.links_of(conn, actor_id)

    def gazetteer(self) -> Gazetteer:
        """The actors' names and aliases as a suggester (:func:`annotate.gazetteer.
        from_actors`), each under the label its linked spans carry most, else its kind's."""
        from annotate.gazetteer import from_actors

        with self._read() as conn:
            actors = actor_edits.load_actors(conn)
            linked = actor_edits.linked_labels(conn)
            labels = read_schema(conn).label_names
        return from_actors(actors, linked, labels)

    def entity_spans(self) -> list[EntitySpan]:
        """Every entity span of every layer, with its text and the id of its actor."""
        with self._read() as conn:
            return actor_edits.entity_spans(conn)

    def actor_proposals(self) -> list[Proposal]:
        """What :func:`annotate.actors.propose` proposes for the entity spans not linked to
        any actor (acronyms defined in their documents' texts taken into account)."""
        spans = [s for s in self.entity_spans() if s.actor is None]
        if not spans:
            return []
        kinds = {s.text: LABEL_KINDS.get(s.label, "other") for s in spans}
        texts = (self.document(uid).text for uid in dict.fromkeys(s.document for s in spans))
        return propose(kinds.items(), self.actors(), definitions_in(texts))

    def events(self) -> list[tuple[Event, tuple[str, ...]]]:
        """Every event, by name, with the uids of the documents that report it."""
        with self._read() as conn:
            return actor_edits.load_events(conn)

    def claim_records(self, event: str | None = None, annotator: str | None = None,
                      documents: Sequence[str] | None = None,
                      spans: Sequence[str] | None = None) -> list[ClaimRecord]:
        """The claims and denials the ledger is built from (of ``event``'s documents, of
        ``annotator``'s layer, of ``documents``, of ``spans`` (ids), when given);
        ValidationError for an event that does not exist."""
        from db import ledger_rows

        with self._read() as conn:
            return ledger_rows.claim_records(conn, event, annotator, documents, spans)
    # -- assignments (a lead's; Assign, Unassign and SetBlind take the one write path) ---------
    def assignments(self, annotator: str | None = None,
                    uids: Sequence[str] | None = None) -> list[tuple[str, str]]:
        """(document uid, annotator) of every assignment (of ``annotator``, of ``uids``), in
        store order."""
        with self._read() as conn:
            return assignments.assignments(conn, annotator, uids)

    def queue(self, annotator: str) -> list[QueueRow]:
        """The documents assigned to ``annotator``, with their status and span count."""
        with self._read() as conn:
            return assignments.queue(conn, annotator)

    def blind(self) -> bool:
        """Whether blind mode is on."""
        with self._read() as conn:
            return assignments.blind(conn)

    # -- suggestions -----------------------------------------------------------------------
    def put_suggestions(self, found: Sequence[Suggestion], source: str, by: str = SYSTEM,
                        uids: Iterable[str] = (), replaces: Collection[str] = ()) -> int:
        """Replace what ``source`` (and the sources ``replaces`` names: an older version of
        the same model) suggests in the documents ``uids`` and in those ``found`` names, in
        one transaction journaled as one "suggest" event done by ``by`` (nobody's layer
        changes: no undo stack is closed). All of ``found`` is checked
        (:func:`db.suggestions.put`) and stored, or none. Returns how many were stored."""
        with self._write() as conn:
            documents = suggestions.put(conn, found, source, uids, replaces)
            journal.write(conn, self.names.annotator_id(conn, by), "suggest",
                          {"source": source, "suggestions": len(found),
                           "documents": len(documents)},
                          by=by, kind="event", documents=documents)
        return len(found)

    def clear_suggestions(self, source: str | None = None, by: str = SYSTEM) -> int:
        """Remove every suggestion (of ``source``, if given), journaled; how many went."""
        with self._write() as conn:
            gone = suggestions.clear(conn, source)
            journal.write(conn, self.names.annotator_id(conn, by), "clear_suggestions",
                          {"source": source, "suggestions": gone}, by=by, kind="event")
        return gone

    def suggestions(self, uid: str, annotator: str) -> list[Suggestion]:
        """The suggestions ``annotator`` is shown in document ``uid``: not judged by them, not
        in their layer already (:func:`annotate.suggestions.visible`), in text order."""
        return self.shown_suggestions(uid, annotator).visible()

    def shown_suggestions(self, uid: str, annotator: str) -> Shown:
        """What decides the suggestions ``annotator`` is shown in document ``uid`` (their
        verdicts and spans are not read when it has none)."""
        with self._read() as conn:
            return bulk.shown_suggestions(conn, self.names, uid, annotator)

    def verdicts(self, uid: str | None = None, annotator: str | None = None) -> list[Verdict]:
        """The verdicts given on suggestions (in ``uid``, by ``annotator``, if given)."""
        with self._read() as conn:
            return suggestions.verdicts(conn, self.names, uid, annotator)

    def least_sure_documents(self, annotator: str,
                             limit: int | None = None) -> list[tuple[str, float]]:
        """Documents with suggestions ``annotator`` has not judged, those whose closest call
        (a score nearest 0.5) is closest first: (uid, its distance from 0.5)."""
        with self._read() as conn:
            return suggestions.least_sure(conn, self.names, annotator, limit)

    def record_model(self, path: str, scores: Mapping[str, Sequence[float]]) -> None:
        """Remember the model just trained on this store (its folder) and its held-out
        scores ({label: (precision, recall, F1)}), in one transaction."""
        with self._write() as conn:
            for key, value in ((suggestions.MODEL_SETTING, path),
                               (suggestions.SCORES_SETTING, json.dumps(dict(scores)))):
                conn.execute(delete(SettingModel).where(SettingModel.key == key))
                conn.execute(insert(SettingModel).values(key=key, value=value))

    def model_record(self) -> tuple[str, dict[str, list[float]]] | None:
        """The folder and held-out scores of the model last trained on this store, if any."""
        path = self.setting(suggestions.MODEL_SETTING)
        if path is None:
            return None
        try:
            scores = json.loads(self.setting(suggestions.SCORES_SETTING) or "{}")
        except ValueError:
            scores = {}
        return path, scores if isinstance(scores, dict) else {}

    def suggestion_sources(self) -> dict[str, int]:
        """How many suggestions each source has in the store."""
        with self._read() as conn:
            return suggestions.sources(conn)

    # -- peer review -----------------------------------------------------------------------
    def decisions(self, uid: str) -> list[Decision]:
        """The document's adjudication decisions, oldest first."""
        with self._read() as conn:
            return edits.load_decisions(conn, self.names, uid)

    def work_by_annotator(self) -> dict[str, dict[str, int]]:
        """For each annotator with any work: counts of their ``spans``, ``relations`` and
        ``statuses`` (documents they gave a status)."""
        with self._read() as conn:
            return _work_by_annotator(conn)

    def uids_starting(self, prefix: str, limit: int = 2) -> list[str]:
        """Uids of documents that start with ``prefix`` (at most ``limit``); uids are hex."""
        prefix = prefix.lower()
        if not prefix or prefix.strip("0123456789abcdef"):
            return []
        with self._read() as conn:
            query = select(D.c.uid).where(D.c.uid.like(f"{prefix}%")).limit(limit)
            return list(conn.scalars(query))


def _work_by_annotator(conn: Connection) -> dict[str, dict[str, int]]:
    result: dict[str, dict[str, int]] = {}
    for kind, table in (("spans", S), ("relations", R), ("statuses", ST)):
        rows = conn.execute(
            select(AnnotatorModel.name, func.count())
            .join(table, table.c.annotator_id == AnnotatorModel.id)
            .group_by(AnnotatorModel.id)
        )
        for name, n in rows:
            result.setdefault(name, {"spans": 0, "relations": 0, "statuses": 0})[kind] = n
    return result


class _RolledBack(Exception):
    """Raised inside an import's transaction to roll it back (a dry run), with its summary."""

    def __init__(self, summary: ImportSummary):
        super().__init__()
        self.summary = summary


class UndoRefused(ValidationError):
    """An undo or redo whose step no longer applies; the step was closed (it is off the
    stack), so the next undo or redo goes on with the one before it."""


def _reason(exc: DBAPIError) -> str:
    """The first line of what the driver said."""
    return str(exc.orig).splitlines()[0]


def _refused(exc: DBAPIError) -> bool:
    """Whether the server refused the statement to this role (row-level security, grants)."""
    return getattr(exc.orig, "sqlstate", None) == REFUSED


def _document_rows(rows: Iterable[tuple]) -> list[DocumentRow]:
    """Rows of (uid, title, source, length, span_count, state) as DocumentRows."""
    return [DocumentRow(uid, title, source or "", length, span_count, state or "todo")
            for uid, title, source, length, span_count, state in rows]
