"""Restoring the store from a backup: db.backup's listing and copy (also over a -wal left by a
crash), the service's restore (pre-restore backup, reopening, refusals) and File ▸ Restore from
backup… driven offscreen, checked against what the store and the span list hold afterwards."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QMessageBox

from annotate.commands import CreateSpan
from annotate.errors import StoreError
from annotate.model import AnnotatedDocument, Document, Span
from db.backup import backup, backup_dir, list_backups
from db.restore import restore
from db.store import Store
from desktop.dialogs.restore import REASONS, RestoreDialog
from desktop.main_window import MainWindow
from desktop.service import NO_BACKUPS, Service

pytestmark = pytest.mark.gui

WHO = "amina"
TEXT = "The minister said the port reopened. The union denied it. Ships waited outside."


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "store" / "r.sqlite"
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(Document(TEXT, "Port"))])
    store.close()
    return path


@pytest.fixture
def window(qtbot, store_path: Path, tmp_path: Path):
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Service(Store.open(store_path), WHO), settings)
    qtbot.addWidget(win)
    win.show()
    assert QTest.qWaitForWindowActive(win)
    yield win
    win.service.store.close()


def claim(service: Service, words: str) -> Span:
    """Mark ``words`` a CLAIM through the service (the way the editor does)."""
    uid = service.current
    start = TEXT.index(words)
    span = Span(uid, start, start + len(words), "CLAIM", WHO)
    assert service.apply(CreateSpan(span)) is not None
    return span


def stored(service: Service) -> set[tuple[int, int]]:
    return {(s.start, s.end) for s in service.store.spans(service.current)}


def listed(window: MainWindow) -> set[tuple[int, int]]:
    """The bounds of the spans the Spans dock shows."""
    model = window.spans.model
    return {(model.index(r, 1).data(), model.index(r, 2).data()) for r in range(model.rowCount())}


def title(path: Path, uid: str) -> str:
    """The document's title as a Store opened afresh (and closed again) reads it."""
    store = Store.open(path)
    try:
        return store.document(uid).title
    finally:
        store.close()


def bounds(words: str) -> tuple[int, int]:
    return TEXT.index(words), TEXT.index(words) + len(words)


# -- db.backup ------------------------------------------------------------------------------------
def test_list_backups_newest_first_with_reason_and_size(store_path):
    store = Store.open(store_path)
    first = backup(store.engine, reason="manual")
    second = backup(store.engine, reason="pre-restore")
    store.close()
    (backup_dir(store_path) / "r-notes.sqlite").write_text("not a backup name")
    (backup_dir(store_path) / "other-20240101T000000000000Z-manual.sqlite").write_text("x")
    found = list_backups(store_path)
    assert [(b.path, b.reason) for b in found] == [(second, "pre-restore"), (first, "manual")]
    assert found[0].taken > found[1].taken
    assert [b.size for b in found] == [second.stat().st_size, first.stat().st_size]
    assert list_backups(store_path.parent / "none.sqlite") == []


def test_restore_over_a_wal_left_by_a_crash_is_what_a_reopening_reads(store_path, tmp_path):
    store = Store.open(store_path)
    saved = backup(store.engine)
    uid = store.list_documents()[0].uid
    store.close()
    crash = textwrap.dedent(f"""
        import os, sqlite3
        conn = sqlite3.connect({str(store_path)!r}, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA wal_autocheckpoint=0")
        conn.execute("UPDATE documents SET title = 'after the crash'")
        os._exit(0)  # no close: the committed change stays in the -wal only
    """)
    subprocess.run([sys.executable, "-c", crash], check=True)
    wal = store_path.with_name(store_path.name + "-wal")
    assert wal.stat().st_size > 0
    assert title(store_path, uid) == "after the crash"
    restore(saved, store_path)
    assert title(store_path, uid) == "Port"
    with sqlite3.connect(store_path) as plain:  # a reader that is not ours sees it too
        assert plain.execute("SELECT title FROM documents").fetchall() == [("Port",)]
    plain.close()


def test_restore_of_a_file_that_is_no_store_leaves_the_store(store_path, tmp_path):
    """A file that is no database, or another program's database named like a backup, is
    refused before anything is copied (the code before copied the second over the store,
    which then opened as a new empty store: "restored")."""
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(StoreError, match=r"not a SQLite file.*; nothing restored"):
        restore(junk, store_path)
    foreign = tmp_path / "r-20200101T000000000000Z-manual.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    conn.close()
    with pytest.raises(StoreError, match=f"^{foreign}: not a Counterclaim store: it has no "
                                         "table '.*'; nothing restored$"):
        restore(foreign, store_path)
    with pytest.raises(StoreError, match="no such backup"):
        restore(tmp_path / "missing.sqlite", store_path)
    store = Store.open(store_path)
    assert [row.title for row in store.list_documents()] == ["Port"]
    store.close()


# -- the service ------------------------------------------------------------------------------
def test_restore_brings_back_the_backed_up_state_in_store_and_span_list(window):
    service = window.service
    assert service.current
    claim(service, "The minister said")
    first = service.backup()
    claim(service, "The union denied it")
    for _ in range(6):  # a full rotation: the chosen backup is the oldest of seven
        backup(service.store.engine, reason="daily")
    assert [b.path for b in service.backups()][-1] == first
    later = stored(service)
    assert len(later) == 2 and listed(window) == later

    assert service.restore_backup(first)
    assert stored(service) == listed(window) == {bounds("The minister said")}
    assert window.editor.view.span(service.store.spans(service.current)[0].id) is not None
    newest = service.backups()[0]
    assert newest.reason == "pre-restore"
    assert first.exists()  # the pre-restore backup pruned nothing
    kept = Store.open(newest.path)
    assert {(s.start, s.end) for s in kept.spans(service.current)} == later
    kept.close()
    [entry] = service.store.history(op="restore")  # journaled in the restored store
    assert (entry.annotator, entry.kind) == (service.annotator, "event")
    assert entry.payload == {"backup": first.name, "pre_restore": newest.path.name}
    assert service.undo() is not None  # the journal came back with the spans
    assert stored(service) == listed(window) == set()


def test_restore_of_a_backup_that_is_not_a_store_puts_the_state_back(store_path, tmp_path):
    service = Service(Store.open(store_path), WHO)
    service.open_document(service.store.list_documents()[0].uid)
    claim(service, "Ships waited outside")
    foreign = backup_dir(store_path) / "r-20200101T000000000000Z-manual.sqlite"
    foreign.parent.mkdir(exist_ok=True)
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE VIEW v AS SELECT 1")
    conn.close()
    failures: list[str] = []
    service.hub.failed.connect(lambda message, _serious: failures.append(message))
    assert not service.restore_backup(foreign)
    assert failures and "not a Counterclaim store" in failures[0]
    assert stored(service) == {bounds("Ships waited outside")}
    assert service.apply(CreateSpan(Span(service.current, 0, 3, "CLAIM", WHO))) is not None
    service.store.close()


def test_restore_on_an_in_memory_store_is_refused(qapp, tmp_path):
    service = Service(Store.open("sqlite://"), WHO)
    said: list[str] = []
    service.hub.message.connect(said.append)
    before = service.store
    assert service.backups() == []
    assert not service.restore_backup(tmp_path / "any.sqlite")
    assert said == [NO_BACKUPS]
    assert service.store is before


# -- the dialog ---------------------------------------------------------------------------------
def test_file_menu_restore_dialog_lists_confirms_and_restores(window, monkeypatch):
    service = window.service
    claim(service, "The minister said")
    first = service.backup()
    claim(service, "The union denied it")
    second = service.backup()
    offered = service.backups()  # also the daily one the window may have taken at start
    questions: list[str] = []
    shown: list[list[str]] = []

    def confirm(box: QMessageBox) -> int:
        questions.append(box.text())
        assert box.textFormat() == Qt.TextFormat.PlainText
        return QMessageBox.StandardButton.Yes

    def choose_oldest(dialog: RestoreDialog) -> int:
        table = dialog.table
        shown.extend([table.item(r, c).text() for c in range(3)] for r in range(table.rowCount()))
        assert dialog.selected().path == second  # the newest is preselected
        dialog.table.selectRow([b.path for b in offered].index(first))
        dialog.restore_button.click()
        return dialog.result()

    monkeypatch.setattr(QMessageBox, "exec", confirm)
    monkeypatch.setattr(RestoreDialog, "exec", choose_oldest)
    action = next(a for a in window.menuBar().actions()[0].menu().actions()
                  if a.text().replace("&", "") == "Restore from backup…")
    action.trigger()
    assert [row[1] for row in shown] == [REASONS.get(b.reason, b.reason) for b in offered]
    assert [row[0] for row in shown] == sorted((row[0] for row in shown), reverse=True)
    assert all(row[2].endswith(("KB", "MB", "bytes")) for row in shown)
    assert len(questions) == 1 and first.name in questions[0]
    assert "backed up first" in questions[0]
    assert stored(service) == listed(window) == {bounds("The minister said")}
    assert [b.reason for b in service.backups()][:1] == ["pre-restore"]


def test_cancelling_the_confirmation_restores_nothing(window, monkeypatch):
    service = window.service
    service.backup()
    claim(service, "The minister said")
    monkeypatch.setattr(QMessageBox, "exec", lambda _box: QMessageBox.StandardButton.Cancel)
    dialog = RestoreDialog(service.backups(), service.store_name, window)
    assert not dialog.restore_selected()
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.chosen is None
    assert "pre-restore" not in {b.reason for b in service.backups()}
    assert stored(service) == {bounds("The minister said")}


def test_dialog_without_backups_says_so_and_cannot_restore(qtbot):
    dialog = RestoreDialog([], "r.sqlite")
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0
    assert not dialog.restore_button.isEnabled()
    assert not dialog.restore_selected()
