"""Copies of the store through SQLite's online backup API, rotated."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from db.engine import sqlite_path

KEEP = 7


def backup_dir(store_file: Path) -> Path:
    return store_file.parent / "backups"


def backup(engine: Engine, reason: str = "manual", keep: int = KEEP) -> Path | None:
    """Copy the live database into backups/ beside it (consistent even while in use) and keep
    the newest ``keep`` copies of this store. Returns the copy, or None for a non-file store."""
    source = sqlite_path(str(engine.url))
    if source is None or not source.exists():
        return None
    folder = backup_dir(source)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{source.stem}-{stamp}-{reason}.sqlite"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    for old in sorted(folder.glob(f"{source.stem}-*.sqlite"))[:-keep]:
        old.unlink()
    return target


def restore(backup_file: Path, store_file: Path) -> None:
    """Copy a backup over the store through the backup API (the store must not be open)."""
    with sqlite3.connect(backup_file) as src, sqlite3.connect(store_file) as dst:
        src.backup(dst)
    src.close()
    dst.close()
