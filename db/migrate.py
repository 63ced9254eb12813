"""Alembic migrations applied at start-up, with a backup of the file taken first."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from db.backup import backup


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("db") / "migrations"))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def known_revisions() -> set[str]:
    """Every migration revision of this version of Counterclaim."""
    scripts = ScriptDirectory.from_config(_config())
    return {script.revision for script in scripts.walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> bool:
    """Bring the database to the head revision; returns whether anything was pending.
    A database that already holds tables is backed up before it is migrated."""
    if current_revision(engine) == head_revision():
        return False
    with engine.connect() as conn:
        has_tables = bool(inspect(conn).get_table_names())
    if has_tables:
        backup(engine, reason="pre-migration")
    config = _config()
    with engine.connect().execution_options(write=True) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        conn.commit()
    return True
