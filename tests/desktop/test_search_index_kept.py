"""The window keeps the store's search index current in the background, without waiting for a
search to be typed: on the store it opens, on a store it switches to, and on what another
program adds while it is open (whose commits do not cancel the job under way)."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from call_counting import python_calls

from annotate.commands import CreateSpan
from annotate.model import AnnotatedDocument, Document, Span
from annotate.schema import Label
from annotate.suggestions import Suggestion
from db import search
from db.dialects import index_parts
from db.store import Store
from desktop import jobs
from desktop.jobs import SearchIndexJob, window_writing
from desktop.main_window import MainWindow
from desktop.service import Service
from tests.window_helpers import open_window, ran

pytestmark = pytest.mark.gui
TIMEOUT_MS = 20_000


def documents(first: int, count: int) -> list[AnnotatedDocument]:
    return [AnnotatedDocument(Document(f"Report {n}: a convoy was ambushed near Kidal.",
                                       f"Report {n}")) for n in range(first, first + count)]


def unindexed_store(path: Path, count: int = 5) -> Path:
    store = Store.open(path)
    store.import_documents(documents(0, count))
    assert store.search_index_behind()
    store.close()
    return path


def window_and_another_program(qtbot, tmp_path: Path) -> tuple[MainWindow, Store]:
    """A window on a new, empty store, and another program's Store on it."""
    path = tmp_path / "s.sqlite"
    Store.open(path).close()
    return open_window(qtbot, path, tmp_path), Store.open(path)


@pytest.fixture
def indexing_threads(monkeypatch: pytest.MonkeyPatch) -> list[threading.Thread]:
    """The thread of each transaction that adds documents to a search index."""
    threads: list[threading.Thread] = []
    real = search.refresh_index

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        return real(*args, **kwargs)
    monkeypatch.setattr(search, "refresh_index", counted)
    return threads


def indexed_by_the_tests_job(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             records: list[AnnotatedDocument], shown: int) -> Service:
    """The service of a window whose store another program filled with ``records``, left to
    be indexed by the test's own job (the window starts none), whenever the window last
    wrote; the ``shown``-th document open."""
    window, other = window_and_another_program(qtbot, tmp_path)
    service = window.service
    monkeypatch.setattr(Service, "index_for_search", lambda _service: False)  # only ours
    other.import_documents(records)
    other.close()
    service.open_document(service.store.list_documents()[shown].uid)
    monkeypatch.setattr(jobs, "PAUSE_S", 0)
    return service


def index_job_writing(service: Service, monkeypatch: pytest.MonkeyPatch,
                      held_s: float) -> tuple[threading.Thread, threading.Event]:
    """An index job started on a thread of its own, and an event set once it is in a write
    transaction (the store's lock held), which lasts ``held_s`` longer than its work."""
    under_way = threading.Event()
    real = search.refresh_index

    def writing(*args, **kwargs):  # type: ignore[no-untyped-def]
        under_way.set()
        time.sleep(held_s)
        return real(*args, **kwargs)
    monkeypatch.setattr(search, "refresh_index", writing)
    worker = threading.Thread(target=SearchIndexJob(service.store.address).run)
    worker.start()
    return worker, under_way


def test_the_store_opened_is_indexed_without_a_search(qtbot, tmp_path: Path,
                                                      indexing_threads) -> None:
    window = open_window(qtbot, unindexed_store(tmp_path / "s.sqlite"), tmp_path)
    store = window.service.store
    try:
        qtbot.waitUntil(lambda: not store.search_index_behind(), timeout=TIMEOUT_MS)
        assert not window.documents.search.text()
        assert indexing_threads and threading.main_thread() not in indexing_threads
    finally:
        store.close()


def test_a_store_switched_to_is_indexed(qtbot, tmp_path: Path) -> None:
    first = Store.open(tmp_path / "first.sqlite")
    first.close()
    window = open_window(qtbot, tmp_path / "first.sqlite", tmp_path)
    other = unindexed_store(tmp_path / "other.sqlite")
    try:
        assert window.service.open_store(str(other))
        qtbot.waitUntil(lambda: not window.service.store.search_index_behind(),
                        timeout=TIMEOUT_MS)
    finally:
        window.service.store.close()


def test_what_another_program_adds_is_indexed_and_its_commits_cancel_no_job(
        qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cancelled: list[SearchIndexJob] = []
    cancel = SearchIndexJob.cancel

    def counted(job: SearchIndexJob) -> None:
        cancelled.append(job)
        cancel(job)
    monkeypatch.setattr(SearchIndexJob, "cancel", counted)
    window, other = window_and_another_program(qtbot, tmp_path)
    service = window.service
    try:
        other.import_documents(documents(0, 3))
        qtbot.waitUntil(lambda: not other.search_index_behind(), timeout=TIMEOUT_MS)
        other.import_documents(documents(3, 3))
        service.notice_outside_changes()  # as the watch's timer does
        assert service.indexing  # the next job, started by the watch's news
        other.import_documents(documents(6, 3))
        service.notice_outside_changes()  # more news while it runs
        qtbot.waitUntil(lambda: not other.search_index_behind() and not service.indexing,
                        timeout=TIMEOUT_MS)
        assert cancelled == []  # the old code cancelled the job at each outside commit
        assert len(service.store.list_documents(search_text="ambushed", index=False)) == 9
    finally:
        other.close()
        service.store.close()


def test_the_index_job_writes_in_the_windows_pauses(
        qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The job writes only while the window's thread has written nothing for a pause, and
    ends (its worker free for other jobs) when the window writes: SQLite lets a writer
    waiting for the lock sleep, so a job's next transaction came first, and at the window's
    start its chunks kept key presses waiting."""
    monkeypatch.setattr(jobs, "INDEX_CHARACTERS", 1)  # a transaction per document
    store = Store.open(unindexed_store(tmp_path / "s.sqlite", 6))

    def indexed() -> int:
        return len(store.list_documents(search_text="convoy", index=False))
    try:
        with window_writing():
            assert ran(SearchIndexJob(store.address)) == [("finished", False)]
        assert ran(SearchIndexJob(store.address)) == [("finished", False)]  # no pause yet
        assert indexed() == 0
        looks = iter((True, True, True, False))  # the window writes after three transactions
        with monkeypatch.context() as patch:
            patch.setattr(jobs, "window_paused", lambda _seconds: next(looks))
            assert ran(SearchIndexJob(store.address)) == [("finished", False)]
        assert indexed() == 3
        monkeypatch.setattr(jobs, "PAUSE_S", 0)
        assert ran(SearchIndexJob(store.address)) == [("finished", True)]
        assert indexed() == 6
    finally:
        store.close()


def test_a_window_write_waits_for_no_index_transaction_when_none_is_under_way() -> None:
    """The window's every write (each key press) asked the condition's wait_for, which
    asks its predicate (a lambda) at once: two frames when no transaction of the index job is
    under way, now one test of the count. One under way is still let end first."""
    import threading

    def write() -> None:
        with window_writing():
            pass

    called = python_calls(write)
    assert "wait_for" not in called and "<lambda>" not in called
    with jobs._window.turn:
        jobs._window.indexing += 1  # a transaction of the index job under way
    ended: list[int] = []

    def end() -> None:
        with jobs._window.turn:
            ended.append(jobs._window.indexing)
            jobs._window.indexing -= 1
            jobs._window.turn.notify_all()

    timer = threading.Timer(0.05, end)
    timer.start()
    with window_writing():
        assert ended == [1] and jobs._window.indexing == 0  # it waited for the end
    timer.join()


def test_the_window_starts_the_index_job_in_the_analysts_pause(
        qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window, other = window_and_another_program(qtbot, tmp_path)
    service = window.service
    try:
        other.import_documents(documents(0, 3))
        with window_writing():  # the analyst's edit, as the watch hears of the import
            assert service.notice_outside_changes()
        assert service.indexing and service._index.job is None  # in the pause
        qtbot.waitUntil(lambda: not other.search_index_behind() and not service.indexing,
                        timeout=TIMEOUT_MS)
    finally:
        other.close()
        service.store.close()


def test_the_windows_edits_are_written_as_the_window_writing(qtbot, tmp_path: Path) -> None:
    """What the job waits for: each edit the window writes (and only while it does)."""
    window = open_window(qtbot, unindexed_store(tmp_path / "s.sqlite"), tmp_path)
    service = window.service
    flagged: list[bool] = []
    apply = service.store.apply

    def recorded(*args, **kwargs):  # type: ignore[no-untyped-def]
        flagged.append(jobs._window.writing)
        return apply(*args, **kwargs)
    service.store.apply = recorded  # type: ignore[method-assign]
    try:
        service.open_document(service.store.list_documents()[0].uid)
        assert service.apply(CreateSpan(Span(service.current, 0, 6, "CLAIM", "amina")))
        assert flagged == [True]
        assert not jobs._window.writing and jobs.window_paused(0)
    finally:
        service.store.close()


def test_the_windows_other_writes_are_written_as_the_window_writing(qtbot,
                                                                    tmp_path: Path) -> None:
    """A schema saved, suggestions put (a key press of the Suggestions panel): the job went on
    writing, taking the lock again at once after each of its transactions, and a write it
    kept waiting past the window's patience was refused as "busy" (on the old code neither
    was written as the window writing)."""
    window = open_window(qtbot, unindexed_store(tmp_path / "s.sqlite"), tmp_path)
    service = window.service
    flagged: list[tuple[str, bool]] = []

    def recorded(name: str) -> None:
        real = getattr(service.store, name)

        def call(*args, **kwargs):  # type: ignore[no-untyped-def]
            flagged.append((name, jobs._window.writing))
            return real(*args, **kwargs)
        setattr(service.store, name, call)
    for name in ("set_schema", "put_suggestions"):
        recorded(name)
    try:
        uid = service.store.list_documents()[0].uid
        schema = service.schema().with_label(Label("RUMOUR", "other", "#123456"))
        assert service.set_schema(schema)
        assert service.put_suggestions([Suggestion(uid, 0, 6, "CLAIM", "gazetteer")],
                                       "gazetteer", [uid])
        assert flagged == [("set_schema", True), ("put_suggestions", True)]
    finally:
        service.store.close()


def test_an_edit_waits_for_the_index_transaction_under_way_not_the_queue(
        qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit made while a transaction of the index job is under way (one slowed past the
    window's 50 ms of patience, as on a loaded machine) is written once it ends, at once, not
    queued and tried again 100 ms later (the old code queued it: its key press was not painted
    until then)."""
    service = indexed_by_the_tests_job(qtbot, tmp_path, monkeypatch, documents(0, 3), 0)
    worker, under_way = index_job_writing(service, monkeypatch, 0.15)
    try:
        assert under_way.wait(10)
        changes = service.apply(CreateSpan(Span(service.current, 0, 6, "CLAIM", "amina")))
        assert changes is not None and not service.pending
    finally:
        worker.join()
        service.store.close()


def test_the_index_job_waits_for_no_other_programs_lock(
        qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another program holding the write lock: the job ends at once, to try again in a later
    pause (on the old code it waited the busy timeout four times, ~20 s, each write of the
    window waiting for it meanwhile, and then failed as "busy")."""
    monkeypatch.setattr(jobs, "PAUSE_S", 0)
    path = unindexed_store(tmp_path / "s.sqlite")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        began = time.monotonic()
        assert ran(SearchIndexJob(str(path))) == [("finished", False)]
        assert time.monotonic() - began < 2
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert ran(SearchIndexJob(str(path))) == [("finished", True)]


def test_the_window_tries_again_in_a_pause_while_another_program_writes(
        qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A job ended by another program's lock is started again in the next pause, not at once
    (one after another, each opening the store, the window would spin)."""
    window, program = window_and_another_program(qtbot, tmp_path)
    service = window.service
    program.import_documents(documents(0, 3))
    program.close()
    started: list[float] = []
    work = SearchIndexJob.work

    def counted(job: SearchIndexJob, store: Store) -> bool:
        started.append(time.monotonic())
        return work(job, store)
    monkeypatch.setattr(SearchIndexJob, "work", counted)
    other = sqlite3.connect(tmp_path / "s.sqlite", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        assert service.notice_outside_changes()
        qtbot.wait(1_600)
        assert 1 <= len(started) <= 5  # every PAUSE_S at most
    finally:
        other.execute("ROLLBACK")
        other.close()
    qtbot.waitUntil(lambda: not service.indexing, timeout=TIMEOUT_MS)
    assert not service.store.search_index_behind()
    service.store.close()


def test_an_edit_during_a_long_documents_indexing_is_written_at_once(
        qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 20 MB document is indexed a few parts per transaction: an edit made while it is
    indexed waits for one of them (milliseconds), not for the document (the old code's one
    transaction, ~0.5-1 s: the edit waited CHUNK_WAIT_S and then went to the queue of edits,
    its key press not painted until then)."""
    long_text = " ".join(f"w{n % 50_000:05d}" for n in range(3_400_000))
    service = indexed_by_the_tests_job(
        qtbot, tmp_path, monkeypatch,
        [AnnotatedDocument(Document(long_text, "Long")), *documents(0, 1)], 1)
    worker, under_way = index_job_writing(service, monkeypatch, 0)
    try:
        assert under_way.wait(30)
        began = time.monotonic()
        changes = service.apply(CreateSpan(Span(service.current, 0, 6, "CLAIM", "amina")))
        assert changes is not None and not service.pending
        assert time.monotonic() - began < jobs.CHUNK_WAIT_S
    finally:
        worker.join()
        service.store.close()


def test_a_store_of_the_index_before_parts_is_migrated_and_indexed_again(
        qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store of revision 0013 (one index row per document, the text read from
    ``documents``) gets the index in parts, empty: the window indexes it again in the
    background and then finds its documents, a long one's words across its parts too."""
    monkeypatch.setattr(index_parts, "PART", 1_000)
    path = unindexed_store(tmp_path / "s.sqlite", 3)
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(Document(
        "Gao " + "filler " * 1_000 + "Menaka", "Long"))])
    store.close()
    old = sqlite3.connect(path, isolation_level=None)
    old.executescript(
        "DROP TABLE documents_fts; "
        "CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2'); "
        "INSERT INTO documents_fts(documents_fts) VALUES ('rebuild'); "
        "INSERT INTO settings(key, value) VALUES ('fts_indexed_up_to', '4'); "
        "UPDATE alembic_version SET version_num = '0013';")
    old.close()
    window = open_window(qtbot, path, tmp_path)
    service = window.service
    try:
        qtbot.waitUntil(lambda: not service.indexing, timeout=TIMEOUT_MS)
        made = sqlite3.connect(path)
        (sql,) = made.execute("SELECT sql FROM sqlite_master WHERE name = 'documents_fts'"
                              ).fetchone()
        version = made.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        made.close()
        assert "content=''" in sql and version == "0014"
        assert not service.store.search_index_behind()
        assert len(service.store.list_documents(search_text="ambushed", index=False)) == 3
        assert [row.title for row in service.store.list_documents(
            search_text="gao menaka", index=False)] == ["Long"]
    finally:
        service.store.close()


def test_a_long_documents_text_is_read_while_the_windows_writes_go_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The text of a document of several parts is read before the job's pause begins: a write
    of the window's thread made while it is read (~85 ms for 50 MB) goes on at once, where it
    waited for the read (the job's pause held ``indexing`` through it)."""
    monkeypatch.setattr(index_parts, "PART", 1_000)
    monkeypatch.setattr(jobs, "PAUSE_S", 0)
    store = Store.open(tmp_path / "s.sqlite")
    store.import_documents([AnnotatedDocument(Document("Gao " + "filler " * 1_000, "Long")),
                            *documents(0, 2)])
    indexing_at_read: list[int] = []
    real = search.LongText.read

    def read(kept: search.LongText, conn, doc_id: int) -> None:  # type: ignore[no-untyped-def]
        if kept.doc_id != doc_id:
            indexing_at_read.append(jobs._window.indexing)
        real(kept, conn, doc_id)
    monkeypatch.setattr(search.LongText, "read", read)
    try:
        assert ran(SearchIndexJob(store.address)) == [("finished", True)]
        assert indexing_at_read == [0]  # read once, with no transaction of the job under way
        assert [d.title for d in store.list_documents(search_text="gao", index=False)] == ["Long"]
    finally:
        store.close()
