"""Opening a store file made by someone else never runs its SQL and never crashes: triggers,
views and foreign virtual tables are refused before any migration or edit, damaged files are
refused by quick_check, and a lying header is survived."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from reliability_checks import tamper

from annotate.errors import StoreError
from db.engine import make_engine
from db.store import Store

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


def test_a_damaged_page_is_refused_without_a_crash(store_path: Path) -> None:
    checkpointed(store_path)
    conn = sqlite3.connect(store_path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'documents'").fetchone()
    conn.close()
    data = bytearray(store_path.read_bytes())
    offset = (root[0] - 1) * PAGE
    data[offset + 8: offset + PAGE - 8] = bytes([0xA5]) * (PAGE - 16)  # garbage cells
    store_path.write_bytes(bytes(data))
    done = open_in_child(store_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("refused:"), done.stdout
    assert str(store_path) in done.stdout
    with pytest.raises(StoreError, match="damaged"):
        Store.open(store_path)


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
