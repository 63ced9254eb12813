"""Opening a store file made by someone else never runs its SQL and never crashes: triggers,
views and foreign virtual tables are refused before any migration or edit, damaged files are
refused by quick_check (the window opens without it, its worker finds the damage just after and
every write is refused from then on), and a lying header is survived."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from reliability_checks import tamper

from annotate.errors import StoreError
from db.engine import make_engine
from db.store import Store
from desktop import app as desktop_app

ROOT = Path(__file__).resolve().parents[2]
PAGE = 4096


def documents_in(path: Path) -> int:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        conn.close()


def open_in_child(path: Path) -> subprocess.CompletedProcess[str]:
    """Store.open in a fresh process: a crash of SQLite would show as a signal here."""
    code = ("import sys\nfrom annotate.errors import StoreError\nfrom db.store import Store\n"
            "try:\n    s = Store.open(sys.argv[1]); print('opened', s.stats()['documents'])\n"
            "except StoreError as exc:\n    print('refused:', exc)\n")
    return subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                          text=True, timeout=60, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize(("name", "sql", "named"), [
    ("trigger", "CREATE TRIGGER wipe AFTER INSERT ON spans BEGIN DELETE FROM documents; END;",
     "trigger wipe"),
    ("trigger on open", "CREATE TRIGGER wipe2 AFTER INSERT ON labels BEGIN "
     "DELETE FROM documents; END; DELETE FROM labels;", "trigger wipe2"),
    ("view", "CREATE VIEW leak AS SELECT text FROM documents;", "view leak"),
    ("virtual table", "CREATE VIRTUAL TABLE other USING fts5(x);", "virtual table other"),
    ("our name, other module", "DROP TABLE documents_fts; "
     "CREATE VIRTUAL TABLE documents_fts USING fts4(title, text);",
     "virtual table documents_fts"),
])
def test_foreign_schema_objects_are_refused_unrun(store_path: Path, name: str, sql: str,
                                                  named: str) -> None:
    before = documents_in(store_path)
    tamper(store_path, sql)
    with pytest.raises(StoreError) as refused:
        Store.open(store_path)
    message = str(refused.value)
    assert str(store_path) in message and named in message and "never creates" in message
    assert documents_in(store_path) == before  # the trigger never ran


def test_connections_do_not_trust_the_schema(store_path: Path) -> None:
    engine = make_engine(f"sqlite:///{store_path}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA trusted_schema").scalar() == 0
        assert conn.exec_driver_sql("PRAGMA cell_size_check").scalar() == 1
    engine.dispose()


def checkpointed(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()


def damage(path: Path, table: str) -> None:
    """Garbage in the root page of ``table`` past its type byte, its cell count with it (the
    file checkpointed first)."""
    checkpointed(path)
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                        (table,)).fetchone()
    conn.close()
    data = bytearray(path.read_bytes())
    offset = (root[0] - 1) * PAGE
    data[offset + 1: offset + PAGE - 8] = bytes([0xA5]) * (PAGE - 9)
    path.write_bytes(bytes(data))


def test_a_damaged_page_is_refused_without_a_crash(store_path: Path) -> None:
    damage(store_path, "documents")
    done = open_in_child(store_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("refused:"), done.stdout
    assert str(store_path) in done.stdout
    with pytest.raises(StoreError, match="damaged"):
        Store.open(store_path)


def test_the_page_check_left_for_later_finds_the_damage_and_writes_stop(
        store_path: Path) -> None:
    damage(store_path, "verdicts")
    store = Store.open(store_path, check_pages=False)  # the window's start: not read whole
    try:
        assert not store.pages_checked
        with pytest.raises(StoreError, match="damaged") as found:
            store.check_pages()
        store.ensure_annotator("bo")  # written while nothing is known yet
        store.refuse_writes(str(found.value))
        with pytest.raises(StoreError, match="damaged"):
            store.ensure_annotator("chen")
        assert "chen" not in store.annotators()
    finally:
        store.close()


@pytest.mark.gui
def test_the_window_opens_at_once_then_says_the_file_is_damaged(
        qtbot, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    damage(store_path, "verdicts")
    refused: list[str] = []
    monkeypatch.setattr(desktop_app, "explain", lambda _title, text: refused.append(text))
    settings = QSettings(str(tmp_path / "start.ini"), QSettings.Format.IniFormat)
    settings.setValue("annotator", "amina")
    window = desktop_app.start(str(store_path), settings)
    assert window is not None, refused  # opened without reading the whole file first
    qtbot.addWidget(window)
    failures: list[tuple[str, bool]] = []
    window.service.hub.failed.connect(lambda text, serious: failures.append((text, serious)))
    try:
        assert window.editor.view.toPlainText()  # the first document is shown
        qtbot.waitUntil(lambda: bool(failures), timeout=60_000)
        text, serious = failures[0]
        assert serious and "damaged" in text and str(store_path) in text
        with pytest.raises(StoreError, match="damaged"):
            window.service.store.ensure_annotator("chen")
    finally:
        window.service.store.close()


def test_a_lying_page_count_header_is_survived(store_path: Path) -> None:
    checkpointed(store_path)
    before = documents_in(store_path)
    data = bytearray(store_path.read_bytes())
    data[28:32] = (0x7FFFFFF0).to_bytes(4, "big")  # "in-header database size": huge
    store_path.write_bytes(bytes(data))
    done = open_in_child(store_path)
    assert done.returncode == 0, done.stderr
    # SQLite sees the size disagree with the file and either trusts the file (opened, every
    # document there) or calls it damaged: never a crash, never a silent loss.
    assert done.stdout.strip() == f"opened {before}" or done.stdout.startswith("refused:"), \
        done.stdout


@pytest.mark.parametrize("content", [b"", b"SQLite format 3\x00" + b"\xff" * 200,
                                     os.urandom(PAGE * 3)])
def test_files_that_are_not_stores_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "odd.sqlite"
    path.write_bytes(content)
    if not content:  # an empty file is a new store
        store = Store.open(path)
        assert store.count_documents() == 0
        store.close()
        return
    done = open_in_child(path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("refused:") and str(path) in done.stdout, done.stdout


def test_quick_check_on_open_stays_fast(store_path: Path) -> None:
    """Every open runs quick_check; on the sample store it must not be felt."""
    import time

    started = time.perf_counter()
    for _ in range(5):
        Store.open(store_path).close()
    assert (time.perf_counter() - started) / 5 < 0.5
