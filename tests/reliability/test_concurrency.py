"""Two windows (two Store objects) or two programs on one store file: every edit is kept,
nobody sees "database is locked", a writer that stays busy too long gets a plain refusal, and
a window notices what the other one wrote."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from reliability_checks import check_whole

import db.engine
from annotate.commands import CreateSpan
from annotate.edges import word_bounds
from annotate.errors import StoreError
from annotate.model import Span
from db.store import Store
from db.watch import Watcher
from desktop.main_window import MainWindow
from desktop.service import Service

ROOT = Path(__file__).resolve().parents[2]
EDITS = 150
WRITER = f"""
import sys, time
from annotate.commands import CreateSpan, relabel
from annotate.edges import word_bounds
from annotate.model import Span
from db.store import Store
path, who, start_at = sys.argv[1], sys.argv[2], float(sys.argv[3])
store = Store.open(path)
uids = [row.uid for row in store.list_documents()]
words = {{uid: word_bounds(store.document(uid).text) for uid in uids}}
while time.time() < start_at:
    time.sleep(0.001)
for n in range({EDITS}):
    uid = uids[n % len(uids)]
    start = words[uid][n % len(words[uid])][0]  # a word's start: never punctuation alone
    span = Span(uid, start, start + 3, "PERSON", who)
    store.apply(CreateSpan(span), who)
    if n % 5 == 0:
        store.apply(relabel(span, "ORG"), who)
store.close()
"""


def create(store: Store, uid: str, n: int, who: str) -> Span:
    """A PERSON span over the three characters from the n-th word's start (never punctuation
    alone, which the store refuses)."""
    words = word_bounds(store.document(uid).text)
    start = words[n % len(words)][0]
    span = Span(uid, start, start + 3, "PERSON", who)
    store.apply(CreateSpan(span), who)
    return span


def test_two_stores_in_two_threads_keep_every_edit(store_path: Path) -> None:
    stores = [Store.open(store_path), Store.open(store_path)]
    uid = stores[0].list_documents()[0].uid
    errors: list[BaseException] = []

    def work(store: Store, who: str) -> None:
        try:
            for n in range(EDITS):
                create(store, uid, n, who)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s, w)) for s, w in zip(stores, "ab",
                                                                         strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    for who in "ab":
        assert len(stores[0].spans(uid, [who])) == EDITS
    for store in stores:
        store.close()
    assert len(check_whole(store_path).spans) == 2 * EDITS


def test_two_processes_keep_every_edit(store_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start_at = time.time() + 1.5  # both begin editing at the same moment
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(store_path), who,
                                 str(start_at)], env=env, cwd=ROOT, stderr=subprocess.PIPE,
                                text=True) for who in ("p1", "p2")]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        assert "locked" not in err
    store = Store.open(store_path)
    for who in ("p1", "p2"):
        spans = [s for record in store.iter_documents([who]) for s in record.spans]
        assert len(spans) == EDITS
        assert sum(s.label == "ORG" for s in spans) == len(range(0, EDITS, 5))
    store.close()
    check_whole(store_path)


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db.engine, "BUSY_TIMEOUT_MS", 50)


def hold_write_lock(path: Path) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_store_busy_too_long_refuses_plainly(store_path: Path, short_busy_timeout) -> None:
    store = Store.open(store_path)
    uid = store.list_documents()[0].uid
    other = hold_write_lock(store_path)
    with pytest.raises(StoreError) as refused:
        create(store, uid, 0, "amina")
    assert "busy" in str(refused.value) and "not saved" in str(refused.value)
    assert "locked" not in str(refused.value)
    other.execute("ROLLBACK")
    other.close()
    assert store.spans(uid, ["amina"]) == []
    create(store, uid, 0, "amina")
    store.close()


def test_a_short_busy_spell_is_waited_out(store_path: Path, short_busy_timeout) -> None:
    """The lock is held longer than one busy timeout (50 ms) but less than the retries."""
    store = Store.open(store_path)
    uid = store.list_documents()[0].uid
    other = hold_write_lock(store_path)

    def release() -> None:
        time.sleep(0.2)
        other.execute("ROLLBACK")

    releaser = threading.Thread(target=release)
    releaser.start()
    span = create(store, uid, 0, "amina")
    releaser.join()
    other.close()
    assert store.span(span.id).label == "PERSON"
    store.close()


def test_data_version_counts_only_other_writers(store_path: Path) -> None:
    mine, theirs = Store.open(store_path), Store.open(store_path)
    uid = mine.list_documents()[0].uid
    before = mine.data_version()
    create(mine, uid, 0, "amina")
    mine.undo("amina")
    assert mine.data_version() == before  # my own edits are not news to me
    create(theirs, uid, 5, "bo")
    after = mine.data_version()
    assert after != before
    assert mine.data_version() == after  # and it stays until they write again
    theirs.set_setting("x", "y")
    noticed = mine.data_version()
    assert noticed != after
    create(theirs, uid, 20, "bo")
    mine.set_setting("mine", "1")  # my write right after theirs, before I look
    assert mine.data_version() == noticed + 1  # theirs is news, mine is not
    assert mine.data_version() == noticed + 1
    mine.close()
    theirs.close()


def test_commits_made_as_another_store_are_not_news_to_its_watch(store_path: Path) -> None:
    """A worker's Store committing as the window's (its search index job): not news to the
    window's watch, while a third writer's commits still are, and closing the worker's Store
    leaves the window's watch working."""
    mine, worker, theirs = (Store.open(store_path) for _ in range(3))
    uid = mine.list_documents()[0].uid
    before = mine.data_version()
    worker.commit_as(mine)
    create(worker, uid, 0, "amina")
    worker.set_setting("x", "1")
    assert mine.data_version() == before
    create(theirs, uid, 5, "bo")
    assert mine.data_version() == before + 1
    worker.close()
    theirs.set_setting("y", "2")
    assert mine.data_version() == before + 2
    create(mine, uid, 20, "amina")
    assert mine.data_version() == before + 2
    mine.close()
    theirs.close()


@pytest.mark.gui
def test_window_shows_what_another_window_wrote(qtbot, store_path: Path,
                                                tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    service = Service(Store.open(store_path), "amina")
    window = MainWindow(service, settings)
    qtbot.addWidget(window)
    window.show()
    uid = service.store.list_documents()[0].uid
    service.open_document(uid)
    assert service.notice_outside_changes() is False
    own = Span(uid, 0, 4, "PERSON", "amina")
    service.apply(CreateSpan(own))
    assert service.notice_outside_changes() is False  # its own edit is no outside change
    other = Store.open(store_path)
    theirs = create(other, uid, 10, "amina")  # the same annotator in a second window
    with qtbot.waitSignal(service.hub.storeChanged, timeout=5000):
        pass  # the window's timer notices within a second
    qtbot.waitUntil(lambda: theirs.id in {s.id for s in window.editor.spans()})
    assert own.id in {s.id for s in window.editor.spans()}
    other.close()
    service.store.close()


def test_a_commit_between_anothers_commit_and_its_absorb_is_news(
        store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A third writer committing between a Store's commit and its watch's absorb (the search
    index job commits as the window's Store, on a thread below the GUI's, which may hold the
    interpreter's lock between the two): still news to the window's watch. The old code took
    it for the job's own commit: the window did not reload, nor forget the undos it knew.
    (The window's own commits leave the same gap, on the GUI thread: there it is a moment.)"""
    mine, worker, theirs = (Store.open(store_path) for _ in range(3))
    before = mine.data_version()
    worker.commit_as(mine)
    absorb = Watcher.absorb

    def late(watcher: Watcher, *args: object, **kwargs: object) -> None:
        monkeypatch.setattr(Watcher, "absorb", absorb)
        theirs.set_setting("y", "2")  # their commit lands now
        absorb(watcher, *args, **kwargs)
    monkeypatch.setattr(Watcher, "absorb", late)
    worker.set_setting("x", "1")
    assert mine.data_version() == before + 1
    worker.set_setting("x", "2")
    mine.set_setting("z", "3")
    assert mine.data_version() == before + 1  # the worker's and its own are still no news
    for store in (mine, worker, theirs):
        store.close()


def test_a_look_between_a_workers_commit_and_its_absorb_sees_no_news(
        store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The window's watch asking (its timer, on the GUI thread) between the commit of a Store
    committing as the window's (the search index job) and that commit's absorb: nothing new.
    The old code took the job's own commit for another program's, and the window read every
    view again (now and then during test_review_responsive: its Adjudication tab, behind
    another, was left stale and aligned its document again when shown)."""
    mine, worker = Store.open(store_path), Store.open(store_path)
    before = mine.data_version()
    worker.commit_as(mine)
    absorb = Watcher.absorb
    looked: list[int] = []

    def late(watcher: Watcher, *args: object, **kwargs: object) -> None:
        monkeypatch.setattr(Watcher, "absorb", absorb)
        looked.append(mine.data_version())  # the window's timer fires now
        absorb(watcher, *args, **kwargs)
    monkeypatch.setattr(Watcher, "absorb", late)
    worker.set_setting("x", "1")
    assert looked == [before] and mine.data_version() == before
    worker.set_setting("x", "2")  # the next ones as before
    assert mine.data_version() == before
    mine.close()
    worker.close()


def test_a_failed_absorb_leaves_the_watch_asking(store_path: Path) -> None:
    """A watch whose absorb failed (the version could not be read) is not left answering
    without asking, as it does while a transaction of its Store is under way."""
    mine, theirs = Store.open(store_path), Store.open(store_path)
    before = mine.data_version()
    watcher = mine._watcher
    assert watcher is not None
    watcher.begin()

    def fails() -> bool:
        raise sqlite3.OperationalError("disk I/O error")
    with pytest.raises(sqlite3.OperationalError):
        watcher.absorb(fails)
    theirs.set_setting("y", "2")
    assert mine.data_version() == before + 1
    mine.close()
    theirs.close()
