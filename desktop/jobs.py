"""Work off the GUI thread: the GUI thread only starts a job and listens.

A job runs on ``QThreadPool.globalInstance()`` and opens its OWN :class:`Store` on the
location of the GUI's store (SQLite connections must not cross threads); it closes it at the
end. It reports through :class:`JobSignals`, delivered to the GUI thread as queued signals.
Cancelling (``job.cancel()``, thread-safe) is checked whenever the job reports progress, which
then raises :class:`annotate.errors.Cancelled`. A job still running when the window closes
or the program ends is cancelled and waited for (:func:`stop_jobs`). Import and export are in
:mod:`desktop.transfer_jobs`. While the window starts, jobs are held and started once it has
painted (:func:`hold_jobs`, :func:`release_jobs`). A worker never lets go of the work it ran:
the GUI thread does (:func:`start_work`).
"""

from __future__ import annotations

import atexit
import itertools
import math
import os
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from annotate.errors import (
    Cancelled,
    CounterclaimError,
    StoreBusy,
    StoreError,
    StoreFileGone,
    plain_message,
)
from db.backup import backup
from db.engine import file_identity
from db.store import Store

REPORT_EVERY_S = 0.05
"""At most one progress signal per this many seconds (plus one at the start of each file),
so a fast job cannot flood the GUI thread's event queue."""


class JobSignals(QObject):
    """What a job tells the GUI thread. ``finished`` carries a list of :class:`FileResult`
    (import) or :class:`ExportOutcome` (export); ``failed`` a plain-text message when the job
    could not run at all."""

    planned = Signal(int)  # import: how many files will be read
    progress = Signal(str, int)  # file, documents read from it so far
    stepped = Signal(int, int)  # a computation: done, total
    fileDone = Signal(object)  # import: FileResult
    finished = Signal(object)
    failed = Signal(str)


def worker_location(store: Store) -> str:
    """Where a worker opens its own store (:attr:`Store.address`: a server's password in the
    clear, so a job's :attr:`Job.location` is never to be shown); an in-memory store has no
    second connection."""
    if store.path is None and store.location.startswith("sqlite"):
        raise CounterclaimError("a store held in memory cannot be used by a background job")
    return store.address


_files: dict[str, tuple[int, int]] = {}
"""The file the window opened at each location (its :func:`worker_location`), as
:attr:`Store.identity` tells it: a job opens that one or none."""
_damaged: dict[str, str] = {}
"""Why the store at each location (its :func:`worker_location`) is written no more: the
window's check of its pages found them damaged."""
_opened: weakref.WeakSet[Store] = weakref.WeakSet()
"""The stores jobs opened (:meth:`Job.open_store`): one open when the check ends is told too."""
_damage_lock = threading.Lock()
"""Guards :data:`_files`, :data:`_damaged` and :data:`_opened` (jobs open stores on the
pool's threads)."""


def refuse_writes(store: Store, reason: str) -> None:
    """Write no more to ``store`` (StoreError ``reason``), nor from a job on its file: those
    opening it from now on, and those under way (the check ends after the window's start
    started the search index job)."""
    store.refuse_writes(reason)
    with _damage_lock:
        _damaged[store.address] = reason
        under_way = [job_store for job_store in _opened if job_store.address == store.address]
    for job_store in under_way:
        job_store.refuse_writes(reason)


def vet_anew(store: Store) -> None:
    """The window opened ``store``: what the check of an earlier store on its file found is
    forgotten (a backup restored over a damaged file is sound); this one's check decides.
    Jobs open this file from now on, and no other put in its place."""
    with _damage_lock:
        _damaged.pop(store.address, None)
        if store.identity is not None:
            _files[store.address] = store.identity


def _same_file(location: str, identity: tuple[int, int] | None) -> None:
    """Refuse (StoreFileGone) a job's store at ``location`` when the file there (its
    ``identity``: None, none) is not the one the window opened: the window's own writes are
    refused then, and a job would read or write another store (or make an empty one where
    the file was deleted)."""
    with _damage_lock:
        opened = _files.get(location)
    if opened is not None and identity != opened:
        raise StoreFileGone(f"{location}: the store file was moved, deleted or replaced while "
                            "the window had it open: nothing is read from it or written to it "
                            "in the background")


def _still_the_windows(location: str) -> None:
    """Refuse (StoreFileGone) the file now at ``location`` unless it is the window's."""
    _same_file(location, file_identity(Path(location)))


def _on_the_windows_file(location: str, make: Callable[[], Store]) -> Store:
    """``make()``, a Store at ``location``, refused (StoreFileGone) unless the file there is
    the one the window opened, before and after it was made (it may be replaced meanwhile)."""
    _still_the_windows(location)
    store = make()
    try:
        _same_file(location, store.identity)
    except StoreFileGone:
        store.close()
        raise
    return store


class Job(QRunnable):
    """Common part of the jobs: the signals, the cancel flag, throttled progress, and the
    worker's own store."""

    def __init__(self, location: str):
        super().__init__()
        self.setAutoDelete(False)  # the dialog's reference keeps it; Qt must not delete it
        self.location = location
        self.signals = JobSignals()
        self._cancel = threading.Event()
        self.report_every = REPORT_EVERY_S
        self._last_report = 0.0

    def cancel(self) -> None:
        """Ask the job to stop at its next progress report (callable from any thread)."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    held_at_start = True
    """Whether the window's start holds the job until its first paint (:func:`hold_jobs`):
    not a job whose findings that paint shows."""

    def start(self) -> None:
        _started.add(self)
        start_work(self, self.held_at_start)

    def _due(self, force: bool) -> bool:
        """Whether a progress signal may go out now (throttled unless ``force``)."""
        now = time.monotonic()
        if force or now - self._last_report >= self.report_every:
            self._last_report = now
            return True
        return False

    def _stop_if_cancelled(self) -> None:
        if self._cancel.is_set():
            raise Cancelled("cancelled")

    def report(self, file: str, documents: int, *, force: bool = False) -> None:
        """Emit progress (throttled unless ``force``), then raise Cancelled if asked to stop."""
        if self._due(force):
            self.signals.progress.emit(file, documents)
        self._stop_if_cancelled()

    def step(self, done: int, total: int) -> None:
        """Emit a computation's ``(done, total)`` (throttled), then raise Cancelled if asked to
        stop: an :data:`annotate.overlap_matching.Progress`."""
        if self._due(False):
            self.signals.stepped.emit(done, total)
        self._stop_if_cancelled()

    def run(self) -> None:
        try:
            store = self.open_store()
        except Exception as exc:  # the GUI must hear of every failure, whatever it is
            self.signals.failed.emit(plain_message(exc))
            return
        try:
            result = self.work(store)
        except Exception as exc:
            self.signals.failed.emit(plain_message(exc))
        else:
            self.signals.finished.emit(result)
        finally:
            store.close()

    def open_store(self) -> Store:
        """The job's own Store on the window's store: its schema vetted and migrated as any
        open's, but its pages not walked again (quick_check reads the whole file: ~0.9 s on a
        500 MB store, paid by each job, and the status bar's counts start one after every
        commit another program makes). The window has them checked once, by a
        :class:`PageCheckJob`; a file found damaged is written no more (:func:`refuse_writes`)."""
        store = _on_the_windows_file(self.location,
                                     lambda: Store.open(self.location, check_pages=False))
        with _damage_lock:
            _opened.add(store)
            reason = _damaged.get(self.location)
        if reason is not None:
            store.refuse_writes(reason)
        return store

    def attach_store(self) -> Store:
        """The job's own Store for reads alone (:meth:`Store.attach`: none of an open's checks
        or migration, a tenth of its cost), on the file the window opened or none."""
        return _on_the_windows_file(self.location, lambda: Store.attach(self.location))

    def work(self, store: Store) -> Any:
        raise NotImplementedError


class ChildJob(Job):
    """A job whose pure-Python work runs in a child process (:meth:`apart`,
    :mod:`desktop.child_process`): in a thread of the window it would hold the window's GIL,
    and each key press would wait for it. A cancel kills the child at once."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self._child: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def cancel(self) -> None:
        super().cancel()
        with self._lock:
            if self._child is not None:
                self._child.kill()

    def _started(self, child: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._child = child
            if self.cancelled:
                child.kill()

    def apart(self, work: Callable[..., Any], *args: Any) -> Any:
        """``work(store, *args, progress=...)`` on a Store of a child process's own on the
        job's location, its steps reported as the job's (:meth:`step`); Cancelled once the job
        is cancelled (the child killed), CounterclaimError when the child failed; no child is
        started on a file other than the window's (StoreFileGone)."""
        from desktop import child_process  # a worker's alone, when a child is started

        _still_the_windows(self.location)
        try:
            return child_process.in_child(work, self.location, args, self.step,
                                          self._started)
        except Exception:
            self._stop_if_cancelled()  # what a killed child's end looked like
            raise


_started: weakref.WeakSet[Job] = weakref.WeakSet()
"""The jobs started and not yet let go of (a running job is held by :data:`_working`)."""

Work = QRunnable | Callable[[], object]
_working: dict[int, Work] = {}
"""The work given to the pool, by the number it was started under, until the GUI thread lets
go of it (:class:`_Ended`)."""
_numbers = itertools.count()
_held: list[Work] | None = None
"""Work asked for while the window starts, to be started once it has painted (None: nothing
is held, work starts when asked)."""


BACKGROUND_NICE = 10
"""How much lower than the GUI thread a worker is scheduled (Linux: the worker thread's nice
value, raised by this much; a child process it starts inherits it). Two workers that start
with the window on a big store (the daily backup, the check of the file's pages) otherwise
share the two cores of an analyst's laptop with the GUI thread, and each key press of the
first seconds took twice its time."""


def in_background() -> None:
    """Schedule the calling thread :data:`BACKGROUND_NICE` below the program's main (GUI)
    thread; Linux only: elsewhere a process priority would lower the whole program."""
    if not sys.platform.startswith("linux"):
        return
    try:  # on Linux the main thread's id is the process id
        nice = min(os.getpriority(os.PRIO_PROCESS, os.getpid()) + BACKGROUND_NICE, 19)
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
    except OSError:  # not allowed here: the worker keeps the GUI thread's priority
        pass


class _Ended(QObject):
    """Lets go of the work a worker ran, on the GUI thread (where this lives), once the worker
    is done with it: ``ended`` is queued after the work's own last signal. Since 1d6615b the
    pool's thread held the work until its run returned, and so let go of it last whenever the
    GUI thread had heard the job's end and let go first (the usual order: a job closes its
    store after its ``finished``): the job and its signals were deleted on that thread, and
    PySide's connections to them undone there while the GUI thread used them (the model runs'
    progress dialog, deleted at that end, had its Cancel connected to the job's cancel): a
    segfault in a pooled thread with no Python frame, within 8-550 quick jobs run as the
    model runs run them (session 24's CI: rc 139)."""

    ended = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.ended.connect(self._let_go)

    @Slot(int)
    def _let_go(self, number: int) -> None:
        _working.pop(number, None)


_ended = _Ended()


def _run(work: Work) -> None:
    in_background()
    if isinstance(work, QRunnable):
        work.run()
    else:
        work()


def _run_in_background(number: int) -> None:
    """Run the work started under ``number`` on this pooled thread, holding it no longer than
    the run (its traceback too, told to ``sys.excepthook`` as the pool tells it: pytest-qt's
    hook fails the test), then have the GUI thread let go of it."""
    try:
        _run(_working[number])
    except BaseException:  # what the pool would tell the hook, told while the work is held
        sys.excepthook(*sys.exc_info())
    _ended.ended.emit(number)


def start_work(work: Work, held: bool = True) -> None:
    """Run ``work`` on ``QThreadPool.globalInstance()`` (:func:`in_background`); while the
    window's start holds jobs, once :func:`release_jobs` is called if ``held``. The pool's
    thread holds no reference to it: the GUI thread lets go of it (:class:`_Ended`)."""
    if held and _held is not None:
        _held.append(work)
    else:
        number = next(_numbers)
        _working[number] = work
        QThreadPool.globalInstance().start(partial(_run_in_background, number))


def hold_jobs() -> None:
    """Hold the work asked for from now on until :func:`release_jobs`: the window's start
    asks for the daily backup, the check of the store file's pages and the figure pattern
    while it is built, and their workers took the interpreter's lock (and, on a busy machine,
    a core) from the GUI thread up to its first paint. The status bar's counts, which that
    paint shows, are not held (:attr:`Job.held_at_start`)."""
    global _held
    if _held is None:
        _held = []


def release_jobs() -> None:
    """Start the work held, in the order it was asked for, and hold no more."""
    global _held
    held, _held = _held or [], None
    for work in held:
        start_work(work)


@atexit.register  # after PySide's own exit handler was registered: run before it
def stop_jobs() -> None:
    """Cancel the jobs still running and wait for the pool's threads to end: when the
    window closes (what a read would find is shown nowhere; a job that does not hear cancels,
    the daily backup's copy, is finished) and at the program's end, where PySide deletes every
    QObject still alive, a running job's signals among them: the job's next report would call a
    deleted object (a crash of the whole program)."""
    release_jobs()  # a window closed before its first paint: its backup is taken all the same
    for job in list(_started):
        job.cancel()
    QThreadPool.globalInstance().waitForDone()
    _working.clear()  # (the work ended: its ends may be heard no more)
    from desktop import child_process  # (a worker's, imported when a child is started)

    child_process.let_go()  # its spare child, if one waits


class DailyBackupJob(Job):
    """The daily backup (:func:`db.backup.backup`) of the file of ``store``, off the GUI
    thread. It opens no Store and uses none of ``store``'s connections: the copy reads the file
    through SQLite's backup API on connections of its own. ``finished`` carries its path."""

    def __init__(self, store: Store):
        super().__init__(store.location)
        self.engine = store.engine

    def run(self) -> None:
        try:
            copy = backup(self.engine, reason="daily")
        except Exception as exc:  # the GUI must hear of every failure, whatever it is
            self.signals.failed.emit(plain_message(exc))
        else:
            self.signals.finished.emit(copy)


class PageCheckJob(Job):
    """The check of every page of the store file (SQLite's quick_check reads it whole) that
    the window's start leaves out, on the job's own store: ``finished`` carries None for a
    sound file, else what is damaged (the refusal to open it)."""

    def work(self, store: Store) -> str | None:
        try:
            store.check_pages()
        except StoreError as exc:
            return str(exc)
        return None


INDEX_CHUNK = 2_000
"""Most documents added to the search index per write transaction: the lock is let go often,
so the window's edits do not wait for the whole corpus."""
INDEX_CHARACTERS = 200_000
"""No more documents are added in the transaction once their texts reach this many characters
(~5 ms of indexing; 2,000 documents of 1,500 characters took ~40 ms); a longer document is
added alone, this many characters of its parts a transaction (db/dialects/index_parts.py: on
a 50 MB document 19 ms each, 56 ms the longest, where its one transaction took ~2 s)."""
PAUSE_S = 0.5
"""How long the window's thread must have written nothing before the index job writes."""
INDEX_PATIENCE_MS = 20
"""How long a transaction of the index job waits for another program's write lock; then the
job ends, to be started again in a later pause. (Waiting for it as long as the window's other
jobs do, seconds, the transaction would keep each write of the window's thread waiting for it
too: :data:`CHUNK_WAIT_S`.)"""
CHUNK_WAIT_S = 0.25
"""The longest a write of the window's thread waits for the index job's transaction under way
to end (~5 ms; several times that on a loaded machine): past it the write goes on as against
another program's lock (a moment's wait, then the queue of edits)."""


class _WindowWrites:
    """Whether the window's thread writes the store now, when it last wrote and when it last
    opened a document, and how many transactions of the index job are under way (``turn``
    guards them)."""

    def __init__(self) -> None:
        self.writing = False
        self.ended = -math.inf
        self.opened = -math.inf
        self.indexing = 0
        self.turn = threading.Condition()


_window = _WindowWrites()


@contextmanager
def window_writing() -> Iterator[None]:
    """Around a write on the window's thread: the search index job writes only in the
    analyst's pauses (:func:`window_paused`), and a transaction of its under way is let end
    first (for up to :data:`CHUNK_WAIT_S`). Between two of its transactions it took the lock
    first, SQLite letting a writer that waits for it sleep; at the window's start its chunks,
    sharing the cores with the backup and the page check, kept the first key presses' writes
    waiting past 50 ms; and one under way on a loaded machine, past 50 ms, sent the edit to the
    queue of edits, tried again 100 ms later (a key press not painted until then)."""
    with _window.turn:
        _window.writing = True
        if _window.indexing:  # (wait_for asks its predicate first: two frames a press)
            _window.turn.wait_for(lambda: not _window.indexing, CHUNK_WAIT_S)
    try:
        yield
    finally:
        _window.writing = False
        _window.ended = time.monotonic()


def window_paused(seconds: float) -> bool:
    """Whether the window's thread has written nothing for ``seconds``."""
    return not _window.writing and time.monotonic() - _window.ended >= seconds


def document_opened() -> None:
    """The window opened a document now (:func:`window_quiet_s`)."""
    _window.opened = time.monotonic()


def window_quiet_s() -> float:
    """How long the analyst has been in a pause: the window's thread has written nothing and
    opened no document (0 while it writes)."""
    if _window.writing:
        return 0.0
    return time.monotonic() - max(_window.ended, _window.opened)


@contextmanager
def _in_pause() -> Iterator[bool]:
    """Whether the window's thread has written nothing for :data:`PAUSE_S`; if so, a
    transaction of the index job is under way until the block ends (a write of the window's
    thread waits for it: :func:`window_writing`)."""
    with _window.turn:
        paused = window_paused(PAUSE_S)
        _window.indexing += paused
    try:
        yield paused
    finally:
        if paused:
            with _window.turn:
                _window.indexing -= 1
                _window.turn.notify_all()


class SearchIndexJob(Job):
    """Bring the store's search index up to date, :data:`INDEX_CHUNK` documents or
    :data:`INDEX_CHARACTERS` per transaction, while the window's thread has written
    nothing for :data:`PAUSE_S`; cancellable between chunks. Its commits are the window's
    own to the watch of ``window_store`` (:meth:`Store.commit_as`): they change nothing its
    views show, which would otherwise all read the store again after each of them."""

    def __init__(self, location: str, window_store: Store | None = None) -> None:
        super().__init__(location)
        self._window_store = window_store

    def open_store(self) -> Store:
        store = super().open_store()
        store.patience_ms = INDEX_PATIENCE_MS
        if self._window_store is not None:
            store.commit_as(self._window_store)
        return store

    def work(self, store: Store) -> bool:
        """Whether the index is up to date: False when the window's thread wrote meanwhile,
        or another program held the lock past :data:`INDEX_PATIENCE_MS` (the rest waits for a
        later pause; waiting here would hold a worker of the pool)."""
        done = 0
        while True:
            if not store.read_ahead_for_index():  # (a long text read while the window writes)
                return True
            with _in_pause() as paused:
                try:
                    more = paused and store.index_chunk(INDEX_CHUNK, INDEX_CHARACTERS)
                except StoreBusy:  # another program writes: a later pause
                    return False
            if not paused:
                return False
            if not more:
                return True
            done += 1
            self.step(done, 0)


class SpanReachJob(Job):
    """The longest span's length in document ``uid`` by ``annotators`` (a read of all its
    spans): what lets the reads of a big document's regions start near them."""

    def __init__(self, location: str, uid: str, annotators: Sequence[str]):
        super().__init__(location)
        self.uid, self.annotators = uid, tuple(annotators)

    def work(self, store: Store) -> int:
        return store.span_reach(self.uid, self.annotators)


class Running:
    """The jobs a widget started whose end it has not heard yet. A job the widget forgets
    (cancelled, superseded) runs on until its next progress report and must stay referenced
    until its last signal reaches the GUI thread; the widget's slots call :meth:`ended`."""

    def __init__(self) -> None:
        self._jobs: list[Job] = []

    def add(self, job: Job) -> None:
        self._jobs.append(job)

    def ended(self, signals: object) -> Job | None:
        """The job whose ``signals`` (a slot's ``self.sender()``) sent its last signal, now let
        go; None if it is not one of these."""
        job = next((j for j in self._jobs if j.signals is signals), None)
        if job is not None:
            self._jobs.remove(job)
        return job

    def __len__(self) -> int:
        return len(self._jobs)


JobT = TypeVar("JobT", bound=Job)


class Latest(Generic[JobT]):
    """The job a widget waits for (the newest it started) and those it cancelled or
    superseded, kept in :class:`Running` until their last signal arrives."""

    def __init__(self) -> None:
        self.job: JobT | None = None
        self._running = Running()

    def start(self, job: JobT) -> None:
        """Cancel the current job and start ``job`` as the current one."""
        self.cancel()
        self.job = job
        self._running.add(job)
        job.start()

    def cancel(self) -> None:
        """Cancel the current job: what it would find is stale."""
        if self.job is not None:
            self.job.cancel()
            self.job = None

    def sent(self, signals: object) -> bool:
        """Whether ``signals`` (a slot's ``self.sender()``) are the current job's."""
        return self.job is not None and signals is self.job.signals

    def ended(self, signals: object) -> bool:
        """Whether the job whose ``signals`` sent its last signal is the current one (else
        its result is stale); it is let go either way."""
        ended = self._running.ended(signals)
        if ended is None or ended is not self.job:
            return False
        self.job = None
        return True

    def __len__(self) -> int:
        """How many of its jobs have not ended yet, the current one among them."""
        return len(self._running)
