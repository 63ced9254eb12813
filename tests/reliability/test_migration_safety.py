"""Migrations are safe: a store of a newer version is refused before any backup or migration
(command line and window); the pre-migration backup is checked before the migration runs;
foreign keys are off while a migration runs (a table rebuild cascades nothing) and checked
after it, a failure rolling everything back and keeping the backup."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from reliability_checks import tamper

from annotate.commands import SetStatus
from annotate.errors import StoreError
from annotate.model import AnnotatedDocument, Document, Relation, Span
from db import backup as backup_module
from db import migrate
from db.backup import backup_dir, list_backups
from db.review import accept_agreed
from db.store import Store
from desktop import app as desktop_app
from desktop.cli import main
from desktop.service import Service

TEXT = "The ministry said 40 people died. The rebels denied any attack on the town."
TEST_REVISION = "9001"
HEADER = '''"""A test-only revision."""
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down}"
branch_labels = None
depends_on = None


'''
REBUILD = '''
def upgrade() -> None:
    """Rebuild the tables others point at (as a column type change would)."""
    with op.batch_alter_table("documents", recreate="always") as batch:
        batch.add_column(sa.Column("checked", sa.Boolean(), nullable=True))
    for table in ("spans", "annotators"):
        with op.batch_alter_table(table, recreate="always"):
            pass
'''
ORPHANS = '''
def upgrade() -> None:
    """A migration gone wrong: a document deleted under its spans."""
    op.execute("DELETE FROM documents WHERE id = (SELECT min(id) FROM documents)")
'''
HALF_DONE = '''
def upgrade() -> None:
    """A migration that fails half-way, after a table rebuild."""
    with op.batch_alter_table("documents", recreate="always"):
        pass
    op.execute("UPDATE no_such_table SET x = 1")
'''


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)


def counts(path: Path) -> dict[str, int]:
    """Rows of every table of the file, read with plain sqlite3."""
    conn = connect(path)
    try:
        tables = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


def revision(path: Path) -> str:
    conn = connect(path)
    try:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def full_store(tmp_path: Path) -> Path:
    """A store with documents, spans, relations, statuses, decisions and journal rows."""
    path = tmp_path / "full.sqlite"
    store = Store.open(path)
    docs = [Document(f"{TEXT} ({i})", f"Report {i}") for i in range(12)]
    records = []
    for doc in docs:
        claim, org = Span(doc.uid, 0, 33, "CLAIM", "amina"), Span(doc.uid, 4, 12, "ORG", "amina")
        records.append(AnnotatedDocument(
            doc, (claim, org, Span(doc.uid, 0, 33, "CLAIM", "bo")),
            (Relation("CLAIMED_BY", claim.id, org.id, "amina"),), {"amina": "done"}))
    store.import_documents(records)
    for doc in docs[:4]:
        store.apply(SetStatus(doc.uid, "bo", "in_progress"), "bo")
    assert accept_agreed(store, "judge") > 0
    store.close()
    found = counts(path)
    for table in ("documents", "spans", "relations", "document_status", "decisions", "journal"):
        assert found[table] > 0, table
    return path


@pytest.fixture
def test_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[
        Callable[[str], None]]:
    """``add(body)``: the migrations gain a test-only revision after the head, whose module
    ends with ``body`` (only for this test)."""
    folder = tmp_path / "test_versions"

    def add(body: str) -> None:
        folder.mkdir()
        header = HEADER.format(revision=TEST_REVISION, down=migrate.head_revision())
        (folder / f"{TEST_REVISION}_test.py").write_text(header + body)
        monkeypatch.setattr(migrate, "locations", (*migrate.locations, str(folder)))

    yield add


def test_a_table_rebuilding_migration_keeps_every_row(full_store: Path, test_revision) -> None:
    before = counts(full_store)
    test_revision(REBUILD)
    store = Store.open(full_store)
    with store.engine.connect() as conn:  # the migration's connection, foreign keys back on
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()
    assert revision(full_store) == TEST_REVISION
    assert counts(full_store) == before
    conn = connect(full_store)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert "checked" in {row[1] for row in conn.execute("PRAGMA table_info(documents)")}
    conn.close()
    (copy,) = list_backups(full_store)
    assert copy.reason == "pre-migration" and counts(copy.path) == before


@pytest.mark.parametrize(("body", "said"), [(ORPHANS, "foreign key(s), e.g."),
                                           (HALF_DONE, "no such table: no_such_table")])
def test_a_failed_migration_is_rolled_back_and_the_backup_kept(
        full_store: Path, test_revision, monkeypatch, body: str, said: str) -> None:
    before, was = counts(full_store), revision(full_store)
    test_revision(body)
    with pytest.raises(StoreError) as refused:
        Store.open(full_store)
    (copy,) = list_backups(full_store)
    message = str(refused.value)
    assert "full.sqlite" in message and said in message and copy.path.name in message
    assert counts(full_store) == before and revision(full_store) == was
    assert counts(copy.path) == before and revision(copy.path) == was
    monkeypatch.undo()  # without the test revision the store is at the head: it opens as is
    Store.open(full_store).close()
    assert counts(full_store) == before and len(list_backups(full_store)) == 1


def pending_migration(path: Path) -> None:
    """Make ``path`` look like a store of revision 0001 (what came after it still to run)."""
    tamper(path, "DROP TABLE event_documents; DROP TABLE events; DROP TABLE actor_links; "
                 "DROP TABLE actors; "
                 "DROP TABLE decisions; DROP TABLE deleted; DROP TABLE journal_documents; "
                 "DROP TABLE doc_labels; DROP TABLE doc_categories; "
                 "DROP TABLE verdicts; DROP TABLE suggestions; DROP TABLE assignments; "
                 "DROP INDEX ix_journal_document_uid; "
                 "ALTER TABLE spans DROP COLUMN fragments; ALTER TABLE relations DROP COLUMN note; "
                 "DROP INDEX ix_relations_target_document_id; "
                 "ALTER TABLE relations DROP COLUMN target_document_id; "
                 "ALTER TABLE relation_types DROP COLUMN across; "
                 "UPDATE alembic_version SET version_num = '0001';")


def test_a_damaged_pre_migration_backup_stops_the_migration(full_store: Path,
                                                            monkeypatch) -> None:
    pending_migration(full_store)
    copy = backup_module.copy_file

    def damaging_copy(source: Path, target: Path) -> None:
        copy(source, target)
        with target.open("r+b") as file:  # the pages after the first, overwritten
            file.seek(4096)
            file.write(b"\xa5" * 8192)

    monkeypatch.setattr(backup_module, "copy_file", damaging_copy)
    with pytest.raises(StoreError, match="backup could not be written"):
        Store.open(full_store)
    assert revision(full_store) == "0001" and "decisions" not in counts(full_store)
    assert list_backups(full_store) == []
    monkeypatch.setattr(backup_module, "copy_file", copy)
    Store.open(full_store).close()
    assert revision(full_store) == migrate.head_revision()


def newer(path: Path) -> None:
    tamper(path, "UPDATE alembic_version SET version_num = 'f00d';")


def test_the_command_line_refuses_a_newer_store_before_any_backup(store_path: Path,
                                                                 capsys) -> None:
    newer(store_path)
    before = counts(store_path)
    for _ in range(2):
        assert main(["--db", str(store_path), "stats"]) == 2
    err = capsys.readouterr().err
    assert "newer version of Counterclaim" in err and "f00d" in err and "store.sqlite" in err
    assert "Traceback" not in err
    assert not backup_dir(store_path).exists()
    assert counts(store_path) == before and revision(store_path) == "f00d"


def test_the_window_says_why_a_newer_store_is_not_opened(store_path: Path, tmp_path: Path,
                                                          monkeypatch, qtbot) -> None:
    newer(store_path)
    told: list[str] = []
    monkeypatch.setattr(desktop_app, "explain", lambda title, message: told.append(message))
    assert desktop_app.run_app(str(store_path)) == 2
    assert len(told) == 1 and "newer version of Counterclaim" in told[0]
    other = tmp_path / "other.sqlite"
    service = Service(Store.open(other), "amina")
    failures: list[str] = []
    service.hub.failed.connect(lambda message, _serious: failures.append(message))
    assert service.open_store(str(store_path)) is False
    assert service.location == str(other)
    assert len(failures) == 1 and "newer version of Counterclaim" in failures[0]
    service.store.close()
    assert not backup_dir(store_path).exists() and revision(store_path) == "f00d"
