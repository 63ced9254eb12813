"""The service between the widgets and the Store: plain dataclasses out, commands in, and every
resulting ChangeSet re-emitted through the :class:`~desktop.hub.Hub`.

Widgets never see SQL, sessions or ORM objects. Errors of the store never escape as exceptions:
a rule broken (ValidationError) becomes a status-bar notice, a store that cannot be written
(StoreError) a dialog; the caller gets None and keeps whatever the user typed. An edit that
meets a store another program is writing waits (:mod:`desktop.pending`) instead of holding
up the window; the caller gets None for it too.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QTimer

from annotate.actors import Actor, Event, Proposal
from annotate.assignment import QueueRow
from annotate.collector import collector_paused
from annotate.commands import (
    ChangeSet,
    Command,
    CreateSpan,
    DeleteSpan,
    SetStatus,
    UpdateSpan,
    update_on,
)
from annotate.errors import (
    CounterclaimError,
    StoreBusy,
    StoreClosed,
    StoreError,
    StoreFileGone,
    ValidationError,
)
from annotate.history import describe, place
from annotate.journal_entry import JournalEntry
from annotate.model import DocLabel, Document, Relation, Span, Status
from annotate.progress import with_progress
from annotate.resolving import EntitySpan
from annotate.schema import LabelSchema
from annotate.suggestions import Shown, Suggestion
from db.backup import BackupInfo, backup, backup_due, list_backups
from db.bulk import DocumentView
from db.review import DocumentReview, document_review
from db.schema_io import RelationTypeUse
from db.store import DocumentRow, Store
from desktop.hub import Hub
from desktop.jobs import (
    PAUSE_S,
    DailyBackupJob,
    Latest,
    PageCheckJob,
    Running,
    SearchIndexJob,
    SpanReachJob,
    document_opened,
    refuse_writes,
    vet_anew,
    window_paused,
    window_writing,
    worker_location,
)
from desktop.pending import WAIT_MS, Edit, Pending
from desktop.textview.regions import CHUNK
from desktop.when_paused import WhenPaused

if TYPE_CHECKING:  # the ledger's, the gazetteer's and the roster's: imported when first used
    from annotate.gazetteer import Gazetteer
    from annotate.ledger import ClaimRecord
    from desktop.roster import Roster

T = TypeVar("T")

WATCH_MS = 1000
"""How often the store is asked whether someone else (another window or program) wrote to it."""
BACKUP_CHECK_MS = 60 * 60 * 1000
"""How often a daily backup is checked for while the window is open (and once at start)."""
WHOLE_FILE_PAUSE_S = 2.0
"""How long the analyst must have neither written nor opened a document before the window
reads the store file whole (:class:`~desktop.when_paused.WhenPaused`): the daily backup's
copy and its check, or the check of the file's pages. Taken at once at the start, on a store
of 100,000 documents (500 MB) they kept a core and the disk busy for ~10 s, and the first
key presses took up to a third longer (issue 17: key_growth)."""
WHOLE_FILE_LATEST_S = 5 * 60.0
"""When no such pause comes, how long after it was due the store file is read whole anyway."""
AHEAD = 8
"""How many documents a step through the list reads ahead (:meth:`Service.open_document`),
each of at most ``CHUNK // AHEAD`` code points: what is read ahead holds at most the text of
one document read whole (a region), however long the documents of the list."""
NO_BACKUPS = "only a store file has backups to restore"
"""What a restore on a store that is not a file (in memory, a server) is refused with."""


@dataclass(frozen=True, slots=True)
class Progress:
    """What the status bar says: documents done of all, the annotator's spans."""

    done: int
    total: int
    spans: int


def read_progress(store: Store, annotator: str) -> Progress:
    """``annotator``'s progress as ``store`` holds it (counts over the whole store)."""
    return Progress(store.done_count(annotator), store.count_documents(),
                    store.span_count(annotator))


@dataclass(frozen=True, slots=True)
class Filters:
    """The document list's filters (empty = all)."""

    search: str = ""
    status: Status | None = None
    label: str | None = None
    mine: bool = False
    """Only the documents assigned to the current annotator (their queue)."""


class Service:
    """Holds the open store and the current annotator and document."""

    def __init__(self, store: Store, annotator: str, hub: Hub | None = None,
                 opener: Callable[[str | None, int | None], Store] = Store.open) -> None:
        self.hub = hub or Hub()
        self.store = store
        self.annotator = annotator
        self.current = ""  # uid of the document in the editor
        self._opener = opener
        self._schema: LabelSchema | None = None
        self._document: Document | None = None
        self._spans: tuple[tuple[str, tuple[str, ...]], dict[str, Span]] | None = None
        """The last spans read (document, annotators) by id, kept current from each change."""
        self._in_order: list[Span] | None = None
        """Those spans in text order (made again after a change, when asked for)."""
        self._last_changed: dict[str, Span | None] = {}
        """The spans the last change left (by id; None: deleted), for showing them: a big
        document's spans are not all kept, and the Span panel showed each span just made by
        reading it back."""
        self._relations: tuple[tuple[str, tuple[str, ...]], list[Relation]] | None = None
        """The last relations read (document, annotators), until a change of relations."""
        self._links_into: tuple[str, list[tuple[str, Relation]]] | None = None
        """The last links across documents read that end in a document (its uid), until a
        change of relations."""
        self._doc_labels: tuple[str, list[DocLabel]] | None = None
        """The document labels read with the document being opened (its uid), while the views
        load it."""
        self.layers: tuple[str, ...] = ()
        """Annotators (or gold) whose spans the text shows, one layer each; empty: the
        current one (:meth:`shown_layers`)."""
        self._statuses: dict[tuple[str, str], Status] = {}
        """Statuses read (by document uid and annotator), kept current from each change."""
        self._suggested: Shown | None = None
        """What decides the suggestions last read (a document, an annotator), kept current from
        each change of spans; forgotten at a change of suggestions or verdicts."""
        self._ahead: dict[str, DocumentView] = {}
        """Documents read ahead (by uid) with one opened by a step through the list, for the
        steps after it; for the key :attr:`_ahead_for`, dropped at any change."""
        self._ahead_for: tuple[Store, tuple[str, ...], str, int] | None = None
        """What the views read ahead are of: the store, the layers shown, the annotator, and
        the store's version as others left it (:meth:`Store.data_version`)."""
        self.pending = Pending(self.hub, self._write_now)
        self._expected: dict[str, Span] = {}
        """Spans as the waiting edits will leave them (the window shows them as stored)."""
        self.hub.waiting.connect(lambda count: count or self._expected.clear())
        store.patience_ms = WAIT_MS
        vet_anew(store)
        try:
            store.ensure_annotator(annotator)
        except StoreBusy:
            self._ensure_annotator(annotator)
        self.hub.storeChanged.connect(self._forget)
        self._outside = self._outside_version()
        self._watch = QTimer(self.hub, interval=WATCH_MS)
        self._watch.timeout.connect(self.notice_outside_changes)
        self._watch.start()
        self._backup_job: DailyBackupJob | None = None
        self._checked_by_backup: Store | None = None
        """The store whose page check waits for the daily backup's check of its copy."""
        self._index: Latest[SearchIndexJob] = Latest()
        self._index_later = QTimer(self.hub, singleShot=True, interval=round(PAUSE_S * 1000))
        self._index_later.timeout.connect(self.index_for_search)  # in the analyst's pause
        self._reach_jobs = Running()
        self.hub.storeChanged.connect(self.index_for_search)  # imports, others' commits
        self._backups = QTimer(self.hub, interval=BACKUP_CHECK_MS)
        self._backups.timeout.connect(self.backup_if_due)
        self._backups.start()
        self._page_checks = Running()
        self._whole_file = WhenPaused(self.hub, WHOLE_FILE_PAUSE_S, WHOLE_FILE_LATEST_S,
                                      self._read_whole_file)
        self._backup_wanted = self._check_wanted = False  # what the pause is waited for
        QTimer.singleShot(0, self.hub, self.backup_if_due)  # once the window is being shown
        QTimer.singleShot(0, self.hub, self._check_pages)
        QTimer.singleShot(0, self.hub, self.index_for_search)

    def _forget(self) -> None:
        """Drop what is cached from the store (an import may have added labels; another store
        has other documents)."""
        self._schema = None
        self._document = None
        self._spans = None
        self._last_changed = {}
        self._relations = None
        self._links_into = None
        self._doc_labels = None
        self._statuses.clear()
        self._suggested = None
        self._ahead.clear()

    # -- failures --------------------------------------------------------------------------
    @contextmanager
    def _reporting(self) -> Iterator[None]:
        """Turn the store's errors into hub notices instead of exceptions."""
        try:
            yield
        except ValidationError as exc:
            self.hub.failed.emit(str(exc), False)
        except StoreError as exc:
            self._refused(exc)

    def _refused(self, exc: StoreError) -> None:
        """Report a store that refused: its file gone (``storeLost``), closed (a plain notice:
        the window that used it is going, or already said why no store is open) or else
        (``failed``)."""
        if isinstance(exc, StoreFileGone):
            self.hub.storeLost.emit(str(exc))
        elif isinstance(exc, StoreClosed):
            self.hub.failed.emit(str(exc), False)
        else:
            self.hub.failed.emit(str(exc), True)

    def _guarded(self, call: Callable[[], T]) -> T | None:
        """``call()``, or None when the store refused (the refusal is reported)."""
        result: T | None = None
        with self._reporting():
            result = call()
        return result

    def _write_now(self, edit: Edit, wait_ms: int) -> bool:
        """Write ``edit``, waiting at most ``wait_ms`` for the lock, and report its outcome;
        False when the store was busy (nothing written, nothing reported)."""
        store = self.store
        store.patience_ms = wait_ms
        try:
            with self._reporting(), window_writing():
                try:
                    changes = edit.run()
                except StoreBusy:
                    return False
                edit.done(changes)
            return True
        finally:
            store.patience_ms = WAIT_MS

    @property
    def waiting(self) -> int:
        """How many edits wait for another program to finish writing to the store."""
        return len(self.pending)

    def _refuse_while_waiting(self) -> bool:
        """True (and said why) when edits still wait: the store may not be switched or its
        schema changed under them."""
        if not self.pending:
            return False
        self.hub.failed.emit(f"{self.waiting} edits still wait for another program to finish "
                             "writing to the store: wait until they are saved (status bar)",
                             True)
        return True

    def _attempt(self, call: Callable[[], object]) -> bool:
        """Run ``call``; False when the store refused (the refusal is reported)."""
        with self._reporting():
            call()
            return True
        return False

    # -- the store -------------------------------------------------------------------------
    @property
    def location(self) -> str:
        return self.store.location

    @property
    def commits_in_order(self) -> bool:
        """Whether the journal's entries become visible in the order of their ids."""
        return self.store.commits_in_order

    @property
    def store_name(self) -> str:
        path = self.store.path
        return path.name if path is not None else self.store.location

    def open_store(self, location: str) -> bool:
        """Switch to the store at ``location``; on failure (or while edits wait for this one)
        say why and keep the current one."""
        if self._refuse_while_waiting():
            return False
        store = self._guarded(lambda: self._opener(location, WAIT_MS))
        if store is None:
            return False
        self.store.close()
        self.store = store
        vet_anew(store)
        self.current = ""
        self._ensure_annotator(self.annotator)
        self._outside = self._outside_version()
        self.backup_if_due()
        self._check_pages()
        self._index.cancel()  # it indexes the other store: this one's starts with the views'
        self._watch.start()
        self.hub.storeChanged.emit()
        return True

    def save_store_as(self, location: str) -> bool:
        """Write the open store into the new file ``location`` (SQLite's backup API, from the
        connection that still holds it, whatever became of its file) and go on working there;
        False (and said why) when it could not be written."""
        if not self._attempt(lambda: self.store.save_copy(Path(location))):
            return False
        return self.open_store(location)

    def _outside_version(self) -> int | None:
        try:
            return self.store.data_version()
        except StoreError:
            return None

    def notice_outside_changes(self) -> bool:
        """Reload every view (``storeChanged``) when another window or program wrote to the
        store since the last look; polled by a timer, which stops once the store is closed
        (opening another starts it again). True when something was noticed."""
        if self.store.closed:
            self._watch.stop()
            return False
        version = self._outside_version()
        if version is None or version == self._outside:
            return False
        self._outside = version
        self.hub.storeChanged.emit()
        return True

    def _check_pages(self) -> None:
        """Have every page of the store file that opening it left out checked, in the
        analyst's next pause (:meth:`_read_whole_file`); a damaged file is then said, and
        written no more."""
        store = self.store
        if not store.pages_checked and store.path is not None:
            self._check_wanted = True
            self._whole_file.ask()

    def backup_if_due(self) -> bool:
        """Have the daily backup taken in a worker thread in the analyst's next pause
        (:meth:`_read_whole_file`) when the newest one is a day old (quietly: a failure is
        said in the status bar, and the next check tries again); whether one is due and not
        under way."""
        path = self.store.path
        if path is None or self.store.closed or self._backup_job is not None or \
                not backup_due(path):
            return False
        self._backup_wanted = True
        self._whole_file.ask()
        return True

    def _read_whole_file(self) -> None:
        """In the analyst's pause: start the daily backup when it is due, else the check of
        the store file's pages when it is left to do (a worker reads the whole file). While
        the backup this Store started copies the file, the check of its copy stands for the
        page check (:meth:`_backup_ended`; a copy of the file a restore replaced stands for
        nothing): a page is copied as it is, so a damaged one fails there too,
        and the window's start read a store of 100,000 documents (500 MB) whole twice at once,
        its first key presses taking ~15 % longer for the second read."""
        store = self.store
        backup, check = self._backup_wanted, self._check_wanted
        self._backup_wanted = self._check_wanted = False
        if store.closed or store.path is None:
            return
        copying = self._backup_job
        if backup and copying is None and backup_due(store.path):
            self._start_backup(store)
        elif check and not store.pages_checked and self._checked_by_backup is not store:
            job = PageCheckJob(store.location)
            job.signals.finished.connect(lambda problem: self._pages_checked(job, store,
                                                                             problem))
            job.signals.failed.connect(lambda message: self._pages_checked(job, store, None,
                                                                           message))
            self._page_checks.add(job)
            job.start()

    def _pages_checked(self, job: PageCheckJob, store: Store, problem: str | None,
                       failure: str | None = None) -> None:
        self._page_checks.ended(job.signals)
        if failure is not None:
            self.hub.message.emit(f"the store file's check could not run: {failure}")
        elif problem is None:
            store.pages_checked = True
        elif store is self.store:
            refuse_writes(store, problem)
            self.hub.failed.emit(problem, True)

    def _start_backup(self, store: Store) -> None:
        job = DailyBackupJob(store)
        job.signals.finished.connect(self._backup_ended)
        job.signals.failed.connect(lambda message: self._backup_ended(None))
        job.signals.failed.connect(lambda message: self.hub.message.emit(
            f"daily backup failed: {message}"))
        self._backup_job = job
        if not store.pages_checked:
            self._checked_by_backup = store
        job.start()

    def _backup_ended(self, copy: Path | None) -> None:
        """The daily backup ended, with its ``copy`` checked whole or None: a page check
        left to it is made now (in a pause) if there is no such copy to stand for it."""
        self._backup_job = None
        store, self._checked_by_backup = self._checked_by_backup, None
        if store is None or store is not self.store or store.closed:
            return
        if copy is None:
            self._check_pages()
        else:
            store.pages_checked = True

    def backup(self) -> Path | None:
        """Copy the store into backups/ beside it; None for a store that is not a file."""
        return self._guarded(lambda: backup(self.store.engine, reason="manual"))

    def backups(self) -> list[BackupInfo]:
        """The backups of the store, newest first (none for a store that is not a file)."""
        path = self.store.path
        return list_backups(path) if path is not None else []

    def restore_backup(self, chosen: Path) -> bool:
        """Put the store back to the backup ``chosen``: the current state is backed up first
        (reason "pre-restore", pruning nothing, so ``chosen`` survives), the store is closed,
        the backup copied over it and the store opened again, so every view reloads. A
        backup that does not open as a store is undone with the pre-restore copy. False (and
        said why) when nothing was restored."""
        from db.restore import restore  # reads backups as peers' stores: not at start

        target = self.store.path
        if target is None:
            self.hub.message.emit(NO_BACKUPS)
            return False
        if self._refuse_while_waiting():
            return False
        saved = self._guarded(lambda: backup(self.store.engine, reason="pre-restore",
                                             keep=sys.maxsize))
        if saved is None:
            return False
        uid = self.current
        self.store.close()
        restored = self._attempt(lambda: restore(chosen, target))
        if restored and not self.open_store(str(target)):
            self._attempt(lambda: restore(saved, target))
            restored = False
        if not restored:
            self.open_store(str(target))
        if uid and self._has_document(uid):
            self.open_document(uid)  # the document shown before, when the store has it
        if restored:
            self._attempt(lambda: self.store.record(
                "restore", self.annotator, {"backup": chosen.name, "pre_restore": saved.name}))
            self.hub.message.emit(f"restored {chosen.name}; the state before is in "
                                  f"{saved.name}")
        return restored

    def _has_document(self, uid: str) -> bool:
        try:
            self.store.document(uid)
        except StoreError:
            return False
        return True

    # -- annotator and document ----------------------------------------------------------
    def annotators(self) -> list[str]:
        return self._guarded(self.store.annotators) or []

    def set_annotator(self, name: str) -> None:
        name = name.strip()
        if not name or name == self.annotator:
            return
        if not self._ensure_annotator(name):
            return
        self.annotator = name
        self.hub.annotatorChanged.emit(name)

    def _ensure_annotator(self, name: str) -> bool:
        """Add ``name`` to the store unless known (waiting, like an edit, when it is busy);
        False when the store refused it (said why)."""
        store, added = self.store, []
        waits = not self.pending.write(Edit(lambda: store.ensure_annotator(name), added.append,
                                            ("annotator", name)))
        return waits or bool(added)

    def shown_layers(self) -> tuple[str, ...]:
        """The annotators whose spans the text shows: :attr:`layers`, or the current one."""
        return self.layers or (self.annotator,)

    def open_document(self, uid: str, ahead: Sequence[str] = ()) -> None:
        """Show document ``uid`` in every view: the document and what the views show of it
        are read in one transaction and kept (:meth:`_read_view`), and read and styled with
        the cyclic garbage collector paused (a document of 200,000 spans: 3-4x faster).
        ``ahead``: the documents likely opened next (the next ones of the list a step went
        through), read in the same transaction unless they were read ahead already."""
        if uid != self.current:
            self.current = uid
            document_opened()  # the store file's whole reads wait for a pause (WhenPaused)
            with collector_paused():
                if uid:
                    self._read_view(uid, ahead)
                try:
                    self.hub.documentChanged.emit(uid)
                finally:  # nothing keeps them current
                    self._doc_labels = None

    def _read_view(self, uid: str, ahead: Sequence[str]) -> None:
        """Read document ``uid`` with the shown layers' spans (a text longer than a region:
        none, the views read it a region at a time) and relations, its document labels and
        what decides the current annotator's suggestions, in one read, and keep them for the
        views (the labels while they load it); a refusal is reported (the views then read
        what they show themselves). A document read ahead is taken as it was read, unless
        the store changed since (this window's change, or another program's commit) or it
        was read for other layers or another annotator; with it the documents ``ahead`` are
        read too (those not too long for it: :data:`AHEAD`), for the next steps: stepping
        through the list reads the store once every :data:`AHEAD` documents, not at each
        (~0.3 ms a step)."""
        who = self.shown_layers()
        key = (self.store, who, self.annotator, self._outside_version())
        view = self._ahead.pop(uid, None) if key == self._ahead_for else None
        if view is None:
            views = self._guarded(lambda: self.store.document_views(
                [uid, *ahead[:AHEAD]], who, self.annotator, CHUNK, CHUNK // AHEAD))
            if views is None:
                return
            view = views.pop(uid)
            self._ahead = {u: views[u] for u in ahead if u in views}  # in the steps' order
            self._ahead_for = key if key[3] is not None else None
        self._document = view.document
        if view.spans is not None:
            self._spans, self._in_order = ((uid, who), {s.id: s for s in view.spans}), view.spans
        self._relations = ((uid, who), view.relations)
        self._doc_labels = (uid, view.doc_labels)
        self._suggested = view.suggestions

    def read_ahead(self) -> DocumentView | None:
        """The document a step through the list opens next, as read ahead with the current
        one (:meth:`_read_view`), while it is still as stored for the layers shown and the
        annotator; None when there is none (not stepping, or the store changed since)."""
        if not self._ahead or self._ahead_for != (self.store, self.shown_layers(),
                                                  self.annotator, self._outside_version()):
            return None
        return next(iter(self._ahead.values()))

    # -- reads -----------------------------------------------------------------------------
    def schema(self) -> LabelSchema:
        if self._schema is None:
            self._schema = self.store.schema()
        return self._schema

    def documents(self, filters: Filters, offset: int, limit: int) -> list[DocumentRow]:
        """A page of the documents matching ``filters``; a search covers the documents the
        background job has indexed so far (:attr:`indexing`)."""
        return self._guarded(lambda: self.store.list_documents(
            self.annotator, filters.search or None, filters.status, filters.label, offset,
            limit, index=False, assigned=filters.mine)) or []

    def document_page(self, filters: Filters, limit: int) -> tuple[int, list[DocumentRow]]:
        """How many documents match ``filters`` and the first ``limit`` of them, in one read
        (a search covers the documents indexed so far)."""
        return self._guarded(lambda: self.store.document_page(
            self.annotator, filters.search or None, filters.status, filters.label,
            limit, filters.mine)) or (0, [])

    def queue(self) -> list[QueueRow]:
        """The documents assigned to the current annotator, with how far they got."""
        return self._guarded(lambda: self.store.queue(self.annotator)) or []

    def blind(self) -> bool:
        """Whether blind mode is on (a lead's setting)."""
        return bool(self._guarded(self.store.blind))

    def assignments(self) -> list[tuple[str, str]]:
        """(document uid, annotator) of every assignment, in store order."""
        return self._guarded(self.store.assignments) or []

    def roster(self) -> Roster | None:
        """Who may be assigned documents and whether the window's user may assign them
        (:mod:`desktop.roster`); None when the store cannot be read (said why)."""
        from desktop.roster import read_roster  # the Team menu's, when first opened

        return self._guarded(lambda: read_roster(self.store))

    @property
    def indexing(self) -> bool:
        """The search index is being brought up to date in the background (or will be in
        the analyst's next pause)."""
        return self._index.job is not None or self._index_later.isActive()

    def index_for_search(self) -> bool:
        """Start bringing the search index up to date in a worker thread, when it is behind
        (it never is built on the GUI thread; a job under way goes on, taking in what was
        added meanwhile); whether a job is under way. ``searchIndexed`` says when it is done.
        The window asks once it is shown, and after a store is opened, an import or another
        program's commit: the index is kept current without waiting for a search (whose
        first on 100,000 documents waited ~4 s for it); the job writes in the analyst's
        pauses, and starts in the next one if the window wrote less than :data:`PAUSE_S`
        ago. A store no job can open is indexed here, at once."""
        if self._index.job is not None:
            return True
        if self.store.closed:
            return False
        if not self._guarded(self.store.search_index_behind):
            return False
        try:
            location = worker_location(self.store)
        except CounterclaimError:
            if self._attempt(lambda: self.store.index_for_search(sys.maxsize)):
                self.hub.searchIndexed.emit()
            return False
        if not window_paused(PAUSE_S):
            self._index_later.start()
            return True
        job = SearchIndexJob(location, self.store)
        job.signals.finished.connect(partial(self._indexed, job, None))
        job.signals.failed.connect(lambda message: self._indexed(job, message))
        self._index.start(job)  # another store cancels it: it works on the one left
        return True

    def _indexed(self, job: SearchIndexJob, failure: str | None, done: bool = False) -> None:
        """A search index job ended (a dropped one, or one of a store closed since, is let go
        unheard: the window may be gone)."""
        if not self._index.ended(job.signals) or self.store.closed:
            return
        if failure is None and done:
            self.hub.searchIndexed.emit()
            self.index_for_search()  # what came since
        elif failure is None:  # the window wrote, or another program: the rest in a pause
            self._index_later.start()
        else:
            self.hub.message.emit(f"the search index could not be brought up to date: "
                                  f"{failure}")

    def document(self, uid: str) -> Document | None:
        """Document ``uid``; the last one read is kept (stored texts never change), so the
        views loading the same document read it once, but not in place of the current one
        (the History's titles of other documents do not make an edit read it again)."""
        kept = self._document
        if kept is None or kept.uid != uid:
            read = self._guarded(lambda: self.store.document(uid))
            if read is not None and (kept is None or kept.uid != self.current):
                self._document = read
            return read
        return kept

    def spans(self, uid: str, annotators: Sequence[str] = ()) -> list[Span]:
        """The spans of document ``uid`` by ``annotators`` (default: the current annotator)."""
        kept = self._kept_spans(uid, annotators)
        if kept is None:
            return []
        if self._in_order is None:
            self._in_order = sorted(kept.values(), key=lambda s: s.start)
        return list(self._in_order)

    def span_map(self, uid: str) -> Mapping[str, Span]:
        """The current annotator's spans of document ``uid`` by id (read-only; as
        :meth:`spans` keeps them: a lookup costs the same whatever the document's size)."""
        return MappingProxyType(self._kept_spans(uid, ()) or {})

    def _kept_spans(self, uid: str, annotators: Sequence[str]) -> dict[str, Span] | None:
        """The spans of ``uid`` by ``annotators`` kept, read first unless they are the last
        read (the views loading a document share one read); None when the store refused."""
        who = tuple(annotators) or (self.annotator,)
        if self._spans is None or self._spans[0] != (uid, who):
            read = self._guarded(lambda: self.store.spans(uid, who))
            if read is None:
                return None
            self._spans, self._in_order = ((uid, who), {s.id: s for s in read}), read
        return self._spans[1]

    def spans_within(self, uid: str, annotators: Sequence[str], start: int, end: int,
                     starting: bool = False, reach: int | None = None) -> list[Span]:
        """The spans of document ``uid`` by ``annotators`` meeting code points
        ``[start, end)`` (with ``starting``: starting in them), by position: a part of a big
        document (``reach``: see :meth:`Store.spans_within`)."""
        return self._guarded(lambda: self.store.spans_within(uid, annotators, start, end,
                                                             starting, reach)) or []

    def measure_reach(self, uid: str, annotators: Sequence[str],
                      done: Callable[[int], None]) -> None:
        """Find the longest span's length in document ``uid`` by ``annotators`` in a worker
        thread (a read of all its spans), then call ``done`` with it; a store no job can open
        is read here, at once. A failure leaves ``done`` uncalled."""
        try:
            location = worker_location(self.store)
        except CounterclaimError:
            reach = self._guarded(lambda: self.store.span_reach(uid, annotators))
            if reach is not None:
                done(reach)
            return
        job = SpanReachJob(location, uid, annotators)
        jobs = self._reach_jobs
        job.signals.finished.connect(lambda reach: (jobs.ended(job.signals), done(reach)))
        job.signals.failed.connect(lambda _message: jobs.ended(job.signals))
        jobs.add(job)  # referenced until it ends
        job.start()

    def suggestions(self, uid: str) -> list[Suggestion]:
        """The suggestions of document ``uid`` the current annotator has not judged yet; what
        decides them is read once and then kept current from each change of spans."""
        kept = self._suggested
        if kept is None or (kept.document, kept.annotator) != (uid, self.annotator):
            kept = self._guarded(lambda: self.store.shown_suggestions(uid, self.annotator))
            if kept is None:
                return []
            self._suggested = kept
        return kept.visible()

    def suggestions_stored(self) -> None:
        """A worker stored suggestions through a connection of its own: what decides the
        ghosts is read again at the next :meth:`suggestions`."""
        self._suggested = None
        self._ahead.clear()

    def least_sure_documents(self, limit: int) -> list[str]:
        """Up to ``limit`` documents with suggestions the current annotator has not judged,
        the model's closest calls first (active learning)."""
        found = self._guarded(lambda: self.store.least_sure_documents(self.annotator, limit))
        return [uid for uid, _ in found or []]

    def put_suggestions(self, found: list[Suggestion], source: str, uids: Sequence[str]) -> bool:
        """Replace ``source``'s suggestions in the documents ``uids`` by ``found`` (done by
        the current annotator); whether it was written. The views hear of it as a change of
        those documents' suggestions."""
        with window_writing():
            written = self._guarded(
                lambda: self.store.put_suggestions(found, source, self.annotator, uids))
        if written is None:
            return False
        self._emit(ChangeSet(documents=frozenset(uids), suggestions=True))
        return True

    def doc_labels(self, uid: str) -> list[DocLabel]:
        """Document ``uid``'s labels, every annotator's (while the views load it, those read
        with it)."""
        kept = self._doc_labels
        if kept is not None and kept[0] == uid:
            return list(kept[1])
        return self._guarded(lambda: self.store.doc_labels(uid)) or []

    def relations(self, uid: str, annotators: Sequence[str] = ()) -> list[Relation]:
        """The relations of document ``uid`` by ``annotators`` (default: the current one);
        the last ones read are kept until a change of relations (the views showing a span,
        and a relabel, share one read)."""
        who = tuple(annotators) or (self.annotator,)
        if self._relations is None or self._relations[0] != (uid, who):
            read = self._guarded(lambda: self.store.relations(uid, list(who)))
            if read is None:
                return []
            self._relations = ((uid, who), read)
        return list(self._relations[1])

    def links_into(self, uid: str) -> list[tuple[str, Relation]]:
        """The links across documents that end in document ``uid`` (every annotator's), each
        with the uid of the document it starts in; the last ones read are kept until a change
        of relations."""
        if self._links_into is None or self._links_into[0] != uid:
            read = self._guarded(lambda: self.store.links_into(uid))
            if read is None:
                return []
            self._links_into = (uid, read)
        return list(self._links_into[1])

    def span(self, span_id: str) -> Span | None:
        """The span as stored now, or None when it is gone."""
        try:
            return self.store.span(span_id)
        except ValidationError:
            return None

    def known_span(self, span_id: str) -> Span | None:
        """Span ``span_id`` as the last change left it when it is among the spans kept
        (:meth:`spans`), else as stored now: for showing it, not for editing it."""
        kept = self._spans[1].get(span_id) if self._spans is not None else None
        if kept is not None:
            return kept
        if span_id in self._last_changed:
            return self._last_changed[span_id]
        return self.span(span_id)

    def claim_records(self, event: str | None = None, annotator: str | None = None,
                      documents: Sequence[str] | None = None,
                      spans: Sequence[str] | None = None) -> list[ClaimRecord] | None:
        """The claims the ledger is built from (see :meth:`Store.claim_records`); None when
        the store refused the read (said why)."""
        return self._guarded(lambda: self.store.claim_records(event, annotator, documents,
                                                              spans))

    def seeded(self) -> bool:
        """True when the store was seeded with the samples and their example layer
        (:meth:`Store.seed_once`); False when it refused the read."""
        return bool(self._guarded(lambda: self.store.setting("seeded")))

    def actors(self) -> list[Actor]:
        return self._guarded(self.store.actors) or []

    def gazetteer(self) -> Gazetteer | None:
        """The actors' names as a suggester (None when the store could not be read)."""
        return self._guarded(self.store.gazetteer)

    def actor_links(self) -> dict[str, str]:
        """Actor ids by the id of the entity span linked to them."""
        return self._guarded(self.store.actor_links) or {}

    def actor_proposals(self) -> list[Proposal]:
        return self._guarded(self.store.actor_proposals) or []

    def entity_spans(self) -> list[EntitySpan]:
        return self._guarded(self.store.entity_spans) or []

    def events(self) -> list[tuple[Event, tuple[str, ...]]]:
        """Every event with the uids of its documents."""
        return self._guarded(self.store.events) or []

    def document_review(self, uid: str) -> DocumentReview:
        """Document ``uid``'s review items of every annotator but gold (the Adjudication tab
        reads them in a worker, unless the store is held in memory)."""
        return self._guarded(lambda: document_review(self.store, uid)) or \
            DocumentReview([], [], [])

    def history(self, annotator: str | None = None, document: str | None = None,
                op: str | None = None, limit: int | None = None,
                after: int | None = None) -> list[JournalEntry]:
        """The journal, newest first, filtered (None: no filter; ``after``: only the entries
        written after that one); an entry of several documents names the first and counts
        them (``touched``)."""
        return self._guarded(lambda: self.store.history(
            annotator, limit, document=document, op=op, first_document=True,
            after=after)) or []

    def journal_states(self, ids: Collection[int]) -> dict[int, str]:
        """The states of the journal entries ``ids`` no longer active (undone, closed...)."""
        return self._guarded(lambda: self.store.journal_states(ids)) or {}

    def operations(self) -> list[str]:
        return self._guarded(self.store.operations) or []

    def status(self, uid: str) -> Status:
        return self._guarded(lambda: self._status_of(uid, self.annotator)) or "todo"

    def _status_of(self, uid: str, annotator: str) -> Status:
        """``annotator``'s status of document ``uid``, read once and then kept current from
        each change (an edit's progress check reads nothing back); the store's errors pass."""
        key = (uid, annotator)
        if key not in self._statuses:
            self._statuses[key] = self.store.status(uid, annotator)
        return self._statuses[key]

    def progress(self) -> Progress:
        return self._guarded(lambda: read_progress(self.store, self.annotator)) or \
            Progress(0, 0, 0)

    # -- writes ----------------------------------------------------------------------------
    def _write(self, run: Callable[[], ChangeSet | None],
               done: Callable[[ChangeSet | None], object], key: object) -> ChangeSet | None:
        """Write now, or (the store busy, or edits waiting) after the edits waiting: the
        ChangeSet when written now, else None (refused and reported, or waiting)."""
        outcome: list[ChangeSet | None] = []

        def finish(changes: ChangeSet | None) -> None:
            outcome.append(changes)
            done(changes)

        self.pending.write(Edit(run, finish, key))
        return outcome[0] if outcome else None

    def apply(self, command: Command) -> ChangeSet | None:
        """Apply one edit as the current annotator; their first edit of a document still to do
        also marks it in progress (:mod:`annotate.progress`; one undo step for both)."""
        who = self.annotator
        waiting = self._after_waiting(command)
        if waiting is None:
            return None

        def run() -> ChangeSet:
            return self.store.apply(
                with_progress(waiting, who, lambda uid: self._status_of(uid, who)), who)
        changes = self._write(run, self._emit, (who, waiting))
        if changes is None and self.pending:
            self._expect(waiting)
        return changes

    def _after_waiting(self, command: Command) -> Command | None:
        """``command`` made against the span as stored, put after the waiting edits of that
        span (an edit made twice while it waits is one); None when it changes nothing then."""
        if isinstance(command, UpdateSpan) and command.before.id in self._expected:
            return update_on(command, self._expected[command.before.id])
        return command

    def _expect(self, command: Command) -> None:
        """Note what the waiting ``command`` will leave of its span."""
        if isinstance(command, UpdateSpan):
            self._expected[command.after.id] = command.after
        elif isinstance(command, CreateSpan):
            self._expected[command.span.id] = command.span
        elif isinstance(command, DeleteSpan):
            self._expected.pop(command.span.id, None)

    def set_status(self, uid: str, state: Status) -> ChangeSet | None:
        return self.apply(SetStatus(uid, self.annotator, state))

    def undo(self) -> ChangeSet | None:
        """Undo the annotator's last step (whichever document it was in), say what it undid
        and show it (:meth:`reveal`)."""
        who = self.annotator
        return self._step(lambda: self.store.undo(who), "undo")

    def redo(self) -> ChangeSet | None:
        who = self.annotator
        return self._step(lambda: self.store.redo(who), "redo")

    def _step(self, run: Callable[[], ChangeSet | None], name: str) -> ChangeSet | None:
        changes = self._write(run, partial(self._stepped, name), object())
        if changes is None and self.pending:
            self._expected.clear()  # which spans it will change is known only then
        return changes

    def _stepped(self, name: str, changes: ChangeSet | None) -> None:
        """An undo or redo landed (or found nothing to do): tell the views, then say what it
        did ("undid: relabel CLAIM → DENIAL [4, 9) in Report") and bring it into view."""
        self._emit(changes, empty=name)
        if changes is None:
            return
        entry = changes.journal[-1]  # the undo's (or redo's) own row
        where = self.reveal(entry)
        document = self.document(where) if where else None
        title = f" in {document.title or where[:12]}" if document and where else ""
        verb = "undid" if name == "undo" else "redid"
        self.hub.message.emit(f"{verb}: {describe(*entry.step)}{title}")

    def reveal(self, entry: JournalEntry) -> str | None:
        """Show what journal ``entry`` is about: its document (the current one when the entry
        touched it, else the first it touched) and its span, selected, or where the span was
        when it is gone. The uid shown, or None for a change of the whole store."""
        if not entry.documents:
            return None
        uid = self.current if self.current in entry.documents else entry.documents[0]
        self.open_document(uid)
        found = place(*entry.step)
        if found.span is not None and self.known_span(found.span) is not None:
            self.hub.spanRequested.emit(found.span)
        elif found.start is not None:
            self.hub.offsetRequested.emit(found.start)
        return uid

    def next_undo(self) -> str | None:
        """The operation Undo would take back (None: nothing to undo)."""
        return self._guarded(lambda: self.store.next_undo(self.annotator))

    def next_redo(self) -> str | None:
        return self._guarded(lambda: self.store.next_redo(self.annotator))

    def _follow(self, changes: ChangeSet) -> None:
        """Keep the spans read last, and the change's own, as it left them (its values: no
        read)."""
        self._last_changed = changes.spans_after() if changes.edits else {}
        if self._spans is None or not changes.edits:
            return
        (uid, who), kept = self._spans
        for span_id, span in self._last_changed.items():
            if span is not None and span.document == uid and span.annotator in who:
                kept[span_id] = span
            else:
                kept.pop(span_id, None)
        self._in_order = None

    def _emit(self, changes: ChangeSet | None, empty: str = "") -> ChangeSet | None:
        if changes is not None:
            self._ahead.clear()
            if changes.schema:
                self._spans, self._last_changed = None, {}  # labels renamed
            else:
                self._follow(changes)
            if changes.schema or changes.relations:
                self._relations = None
                self._links_into = None
            for uid, who, _, now in changes.statuses:
                self._statuses[(uid, who)] = now
            if changes.suggestions or changes.schema:
                self._suggested = None
            elif self._suggested is not None:
                self._suggested.follow(changes)
            if changes.schema:
                self._schema = None
            self.hub.changed.emit(changes)
            if changes.schema:
                self.hub.schemaChanged.emit()
        elif empty:
            self.hub.message.emit(f"nothing to {empty}")
        return changes

    # -- schema ----------------------------------------------------------------------------
    def set_schema(self, schema: LabelSchema, renames: dict[str, str] | None = None,
                   relation_renames: dict[str, str] | None = None) -> bool:
        """Replace the schema (labels and relation types renamed keep their spans and
        relations): one undo step of the annotator, kept across restarts. Raises
        ValidationError (a rule broken, nothing written) so the schema editor can show it
        inline; a StoreError is reported and gives False."""
        if self._refuse_while_waiting():
            return False
        try:
            with window_writing():
                changes = self.store.set_schema(schema, renames, by=self.annotator,
                                                relation_renames=relation_renames)
        except StoreError as exc:
            self._refused(exc)
            return False
        self._emit(changes)
        return True

    def relation_type_use(self) -> dict[str, RelationTypeUse]:
        """How much each relation type is used (none said when the store cannot be read)."""
        return self._guarded(self.store.relation_type_use) or {}

    @property
    def can_undo_schema(self) -> bool:
        """Whether the annotator's last step (what Undo takes back) is a schema change."""
        return self.next_undo() == "set_schema"

    def undo_schema(self) -> bool:
        """Undo the annotator's last step when it is a schema change."""
        return self.can_undo_schema and self.undo() is not None
