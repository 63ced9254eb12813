"""A daily backup while the store is in use, rotated, restorable; the window takes it."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog

from annotate.commands import CreateSpan
from annotate.errors import StoreError
from annotate.model import Span
from db import backup as backups
from db.backup import KEEP, backup, backup_dir, backup_if_due, newest_backup_time
from db.restore import restore
from db.store import Store
from desktop import jobs
from desktop import service as service_module
from desktop.main_window import MainWindow
from desktop.service import Service


def test_daily_backup_is_taken_once_a_day_and_rotated(store_path: Path) -> None:
    store = Store.open(store_path)
    now = datetime.now(UTC)
    first = backup_if_due(store.engine, now)
    assert first is not None and first.name.endswith("-daily.sqlite")
    taken = newest_backup_time(store_path)
    assert taken is not None and abs(taken - now) < timedelta(minutes=1)
    assert backup_if_due(store.engine, now + timedelta(hours=23)) is None
    for day in range(1, KEEP + 3):
        assert backup_if_due(store.engine, now + timedelta(days=day, minutes=1)) is not None
        # the stamp in the name is the real time: move the newest back a day to go on
        newest = sorted(backup_dir(store_path).glob("store-*.sqlite"))[-1]
        stamp = (now + timedelta(days=day)).strftime("%Y%m%dT%H%M%S%fZ")
        newest.rename(newest.with_name(f"store-{stamp}-daily.sqlite"))
    assert len(list(backup_dir(store_path).glob("store-*.sqlite"))) == KEEP
    store.close()


def test_a_daily_backup_restores_the_day_before(store_path: Path) -> None:
    store = Store.open(store_path)
    uid = store.list_documents()[0].uid
    kept = Span(uid, 0, 4, "PERSON", "amina")
    store.apply(CreateSpan(kept), "amina")
    copy = backup_if_due(store.engine)
    assert copy is not None
    store.apply(CreateSpan(Span(uid, 10, 14, "ORG", "amina")), "amina")
    store.close()
    restore(copy, store_path)
    store = Store.open(store_path)
    assert [s.id for s in store.spans(uid, ["amina"])] == [kept.id]
    store.close()


def test_a_store_that_is_not_a_file_is_not_backed_up() -> None:
    store = Store.open("sqlite://")
    assert backup_if_due(store.engine) is None
    store.close()


@pytest.mark.gui
def test_the_window_takes_the_daily_backup_off_the_gui_thread(
        qtbot, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[threading.Thread] = []

    def copy(*args, **kwargs):
        threads.append(threading.current_thread())
        return backup(*args, **kwargs)

    for module in (jobs, backups):  # wherever the copy is called from
        monkeypatch.setattr(module, "backup", copy, raising=False)
    service = Service(Store.open(store_path), "amina")
    window = MainWindow(service, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: newest_backup_time(store_path) is not None)  # at start
    assert len(list(backup_dir(store_path).glob("store-*-daily.sqlite"))) == 1
    assert len(threads) == 1 and threads[0] is not threading.main_thread()
    qtbot.waitUntil(lambda: service._backup_job is None)
    assert service.backup_if_due() is False  # not due again the same day
    service.store.close()


def window_at_start(qtbot, store_path: Path, tmp_path: Path) -> Service:
    """A window on ``store_path`` opened as the app's start opens it: its pages not read, nor
    those of a store it opens later."""
    service = Service(Store.open(store_path, check_pages=False), "amina",
                      opener=lambda location, wait: Store.open(location, wait,
                                                               check_pages=False))
    window = MainWindow(service, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    return service


def checks_counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The locations whose pages :meth:`Store.check_pages` reads from now on."""
    checked: list[str] = []
    read_whole = Store.check_pages

    def counted(store: Store) -> None:
        checked.append(store.location)
        read_whole(store)

    monkeypatch.setattr(Store, "check_pages", counted)
    return checked


@pytest.mark.gui
def test_the_daily_backups_check_of_its_copy_stands_for_the_page_check_at_start(
        qtbot, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checked = checks_counted(monkeypatch)
    service = window_at_start(qtbot, store_path, tmp_path)
    assert not service.store.pages_checked
    qtbot.waitUntil(lambda: newest_backup_time(store_path) is not None)
    qtbot.waitUntil(lambda: service._backup_job is None)
    qtbot.wait(50)  # a page check started would have begun by now
    jobs.QThreadPool.globalInstance().waitForDone()
    assert checked == []  # the file was read whole once, by the copy
    assert service.store.pages_checked
    service.store.close()


@pytest.mark.gui
def test_the_page_check_runs_when_the_daily_backup_fails(
        qtbot, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checked = checks_counted(monkeypatch)

    def fails(*_args, **_kwargs):
        raise StoreError(f"{store_path}: the backup could not be written (disk full)")

    monkeypatch.setattr(jobs, "backup", fails)
    service = window_at_start(qtbot, store_path, tmp_path)
    qtbot.waitUntil(lambda: checked == [service.store.location])
    jobs.QThreadPool.globalInstance().waitForDone()
    assert service._backup_job is None and newest_backup_time(store_path) is None
    service.store.close()


def edits_for(qtbot, service: Service, seconds: float, opens: bool = False) -> list[bool]:
    """The analyst's key presses, one every 0.1 s for ``seconds``: a span made, then undone
    (``opens``: the next document opened, then the first again); after each, whether the daily
    backup had been started."""
    uid, other = (row.uid for row in service.store.list_documents()[:2])
    service.open_document(uid)
    started: list[bool] = []
    for n in range(round(seconds / 0.1)):
        if opens:
            service.open_document(other if n % 2 == 0 else uid)
        elif n % 2:
            assert service.undo() is not None
        else:
            assert service.apply(CreateSpan(Span(uid, 0, 4, "PERSON", "amina"))) is not None
        started.append(service._backup_job is not None or newest_backup_time(
            service.store.path) is not None)
        qtbot.wait(100)
    return started


@pytest.mark.gui
@pytest.mark.parametrize("opens", [False, True], ids=["edits", "opens"])
def test_the_daily_backup_waits_for_the_analysts_pause(
        qtbot, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        opens: bool) -> None:
    """While the analyst writes or steps through documents, the copy of the whole store file
    waits: on a store of 100,000 documents it took a core and the disk for ~10 s from the
    start, and the first key presses up to a third longer. It is taken once they pause."""
    monkeypatch.setattr(service_module, "WHOLE_FILE_PAUSE_S", 0.5)
    service = window_at_start(qtbot, store_path, tmp_path)
    assert not any(edits_for(qtbot, service, 1.5, opens))
    qtbot.waitUntil(lambda: newest_backup_time(store_path) is not None, timeout=10_000)
    qtbot.waitUntil(lambda: service._backup_job is None)
    assert service.store.pages_checked  # the check of its copy stood for the page check
    service.store.close()


@pytest.mark.gui
def test_the_daily_backup_is_taken_at_the_latest_some_time_after_it_was_due(
        qtbot, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service_module, "WHOLE_FILE_PAUSE_S", 0.5)
    monkeypatch.setattr(service_module, "WHOLE_FILE_LATEST_S", 1.0)
    service = window_at_start(qtbot, store_path, tmp_path)
    started = edits_for(qtbot, service, 2.5)  # no pause of 0.5 s
    assert started[-1] and not started[0]
    qtbot.waitUntil(lambda: service._backup_job is None)
    assert newest_backup_time(store_path) is not None
    service.store.close()


@pytest.mark.gui
def test_the_page_check_waits_for_the_analysts_pause_too(
        qtbot, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.open(store_path)
    backup(store.engine, reason="daily")  # taken today: not due
    store.close()
    checked = checks_counted(monkeypatch)
    monkeypatch.setattr(service_module, "WHOLE_FILE_PAUSE_S", 0.5)
    service = window_at_start(qtbot, store_path, tmp_path)
    edits_for(qtbot, service, 1.5)
    jobs.QThreadPool.globalInstance().waitForDone()
    assert checked == []
    qtbot.waitUntil(lambda: service.store.pages_checked, timeout=10_000)
    assert checked == [service.store.location]
    service.store.close()


@pytest.mark.gui
def test_no_whole_file_read_starts_while_a_modal_dialog_is_open(
        qtbot, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A dialog that keeps the window waiting is no pause: the Restore dialog lists the
    backups, and a daily backup taken meanwhile prunes the oldest of them, perhaps the one
    the analyst then picks."""
    monkeypatch.setattr(service_module, "WHOLE_FILE_PAUSE_S", 0.3)
    service = window_at_start(qtbot, store_path, tmp_path)
    dialog = QDialog()
    dialog.setModal(True)
    dialog.show()
    qtbot.wait(1200)
    assert service._backup_job is None and newest_backup_time(store_path) is None
    dialog.close()
    qtbot.waitUntil(lambda: newest_backup_time(store_path) is not None, timeout=10_000)
    qtbot.waitUntil(lambda: service._backup_job is None)
    service.store.close()


@pytest.mark.gui
def test_a_copy_of_the_file_a_restore_replaced_stands_for_no_page_check(
        qtbot, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The daily backup still copying the store when it is opened again on the same file (a
    restore puts a backup there): the file opened is checked on its own."""
    checked = checks_counted(monkeypatch)
    monkeypatch.setattr(service_module, "WHOLE_FILE_PAUSE_S", 0.3)
    copy = jobs.DailyBackupJob.run
    copying = threading.Event()

    def slow(job: jobs.DailyBackupJob) -> None:
        copying.set()
        time.sleep(1.0)
        copy(job)
    monkeypatch.setattr(jobs.DailyBackupJob, "run", slow)
    service = window_at_start(qtbot, store_path, tmp_path)
    qtbot.waitUntil(copying.is_set, timeout=10_000)
    assert service.open_store(str(store_path))
    assert not service.store.pages_checked
    qtbot.waitUntil(lambda: checked == [service.store.location], timeout=10_000)
    qtbot.waitUntil(lambda: service._backup_job is None)
    jobs.QThreadPool.globalInstance().waitForDone()
    assert service.store.pages_checked
    service.store.close()
