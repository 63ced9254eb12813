"""Alembic migrations applied at start-up, with a backup of the file taken first."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import SQLAlchemyError

from annotate.errors import StoreError
from db import dialects
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


def upgrade(engine: Engine, name: str) -> bool:
    """Bring the database (called ``name`` in messages) to the head revision; returns whether
    anything was pending. A store of a revision this version does not know (a newer version
    wrote it) is refused (StoreError) before anything is done to it. A database that already
    holds tables is backed up first, and the backup checked, before :func:`_migrate`."""
    with engine.connect() as conn:
        heads = MigrationContext.configure(conn).get_current_heads()
        has_tables = bool(inspect(conn).get_table_names())
    head = head_revision()
    if heads == (head,):
        return False
    if len(heads) > 1 or any(revision not in known_revisions() for revision in heads):
        raise StoreError(
            f"{name}: made by a newer version of Counterclaim (schema revision "
            f"{', '.join(map(str, heads))}; this version knows up to {head}); open it with "
            "that version"
        )
    copy = backup(engine, reason="pre-migration") if has_tables else None
    _migrate(engine, name, f"; the store is unchanged, its copy from before is {copy}"
             if copy else "")
    return True


def _migrate(engine: Engine, name: str, kept: str) -> None:
    """Run the pending migrations in one transaction, guarded as the engine needs
    (:meth:`db.dialects.base.Dialect.migrating`): a broken key or a failed migration rolls
    everything back (StoreError ending with ``kept``)."""
    config = _config()
    with engine.connect().execution_options(write=True) as conn:
        try:
            with dialects.of(conn).migrating(conn, name):
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
        except StoreError as exc:
            raise StoreError(f"{exc}{kept}") from None
        except (CommandError, SQLAlchemyError) as exc:
            reason = getattr(exc, "orig", None) or exc
            raise StoreError(
                f"{name}: the migration failed and was undone ({reason}){kept}"
            ) from None
