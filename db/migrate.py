"""Alembic migrations applied at start-up, with a backup of the file taken first.

A store already at the head is recognised without Alembic (whose import costs a tenth of a
second at every start): migrations are files ``NNNN_what.py`` whose revision is ``NNNN``
(tests/db/test_migrations.py holds every migration to that), so the head is the highest
number, and the store's revision is a row of ``alembic_version``.
"""

from __future__ import annotations

import os
import re
from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from annotate.errors import StoreError
from db import dialects
from db.backup import backup

if TYPE_CHECKING:
    from alembic.config import Config

locations: tuple[str, ...] = (str(resources.files("db") / "migrations" / "versions"),)
"""The folders of migration files (a test adds its own)."""
NUMBERED = re.compile(r"(\d{4})_\w+\.py")
VERSION_TABLE = "alembic_version"


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("db") / "migrations"))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(locations))
    return config


def head_revision() -> str | None:
    """The newest migration's revision: the highest number of a migration file's name."""
    return max((found.group(1) for folder in locations for name in os.listdir(folder)
                if (found := NUMBERED.fullmatch(name))), default=None)


def known_revisions() -> set[str]:
    """Every migration revision of this version of Counterclaim."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(_config())
    return {script.revision for script in scripts.walk_revisions()}


def _stored_heads(conn: Connection) -> tuple[str, ...]:
    """The revisions the database records (none for a new one)."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return ()
    return tuple(conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars())


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        heads = _stored_heads(conn)
    return heads[0] if len(heads) == 1 else None


def upgrade(engine: Engine, name: str) -> bool:
    """Bring the database (called ``name`` in messages) to the head revision; returns whether
    anything was pending. A store of a revision this version does not know (a newer version
    wrote it) is refused (StoreError) before anything is done to it. A database that already
    holds tables is backed up first, and the backup checked, before :func:`_migrate`."""
    with engine.connect() as conn:
        heads = _stored_heads(conn)
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
    from alembic import command
    from alembic.util import CommandError

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
