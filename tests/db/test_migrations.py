"""Migrations: the head equals the models, and a pending migration backs the file up first."""

import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from db import migrate
from db.backup import backup, backup_dir
from db.engine import make_engine
from db.migrations.env_filter import include_object
from db.restore import restore
from db.store import Store
from db.tables import Base

ROOT = Path(__file__).resolve().parents[2]


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


def test_each_migration_file_is_named_by_its_revision_and_the_head_is_alembics() -> None:
    """The store knows it is at the head without importing Alembic (db/migrate.py): that
    holds while every migration's revision is its file's number."""
    scripts = ScriptDirectory.from_config(migrate._config())
    for script in scripts.walk_revisions():
        assert Path(script.path).name.startswith(f"{script.revision}_"), script.path
        assert migrate.NUMBERED.fullmatch(Path(script.path).name), script.path
    assert migrate.head_revision() == scripts.get_current_head()


def test_opening_a_store_at_the_head_imports_no_alembic(tmp_path: Path) -> None:
    Store.open(tmp_path / "s.sqlite").close()
    code = ("import sys; from db.store import Store; "
            f"Store.open({str(tmp_path / 's.sqlite')!r}).close(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=os.environ | {"PYTHONPATH": str(ROOT)})
    assert done.stdout.strip() == "[]"
