"""Migrations: the head equals the models, and a pending migration backs the file up first."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from db import migrate
from db.backup import backup, backup_dir, restore
from db.engine import make_engine
from db.migrations.env_filter import include_object
from db.store import Store
from db.tables import Base


def test_migration_head_equals_models(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.sqlite")
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        assert compare_metadata(context, Base.metadata) == []
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    store.close()


def test_pending_migration_takes_a_backup_first(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # a file with data that no migration has touched yet
        conn.execute(text("CREATE TABLE legacy (x TEXT)"))
        conn.execute(text("INSERT INTO legacy VALUES ('keep me')"))
    engine.dispose()
    Store.open(path).close()
    copies = list(backup_dir(path).glob("s-*-pre-migration.sqlite"))
    assert len(copies) == 1
    copy = make_engine(f"sqlite:///{copies[0]}")
    with copy.connect() as conn:
        assert conn.execute(text("SELECT x FROM legacy")).scalar() == "keep me"
        assert (
            "alembic_version"
            not in conn.exec_driver_sql("SELECT group_concat(name) FROM sqlite_master").scalar()
        )
    copy.dispose()


def test_fresh_file_is_not_backed_up(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    Store.open(path).close()
    Store.open(path).close()
    assert not backup_dir(path).exists()


def test_backups_rotate_and_restore(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.set_setting("marker", "before")
    first = backup(store.engine, keep=3)
    for _ in range(4):
        backup(store.engine, keep=3)
    assert len(list(backup_dir(path).glob("s-*.sqlite"))) == 3
    assert first is not None and not first.exists()
    kept = sorted(backup_dir(path).glob("s-*.sqlite"))[-1]
    store.set_setting("marker", "after")
    store.close()
    restore(kept, path)
    store = Store.open(path)
    assert store.setting("marker") == "before"
    store.close()
