"""Copies of the store through SQLite's online backup API, rotated."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from annotate.errors import StoreError
from db.engine import sqlite_path

KEEP = 7
DAILY = timedelta(days=1)
STAMP = "%Y%m%dT%H%M%S%fZ"
REASON = re.compile(r"[a-z]+(?:-[a-z]+)*")
"""What a backup's reason may be: lowercase words joined by hyphens (no digits, so a stamp in
another store's name is never read as part of a reason)."""
CHECK_LINES = 3
"""How many of quick_check's problems a refused copy quotes."""


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup of a store, as told by its file name (time taken, reason) and size."""

    path: Path
    taken: datetime
    reason: str
    size: int


def backup_dir(store_file: Path) -> Path:
    return store_file.parent / "backups"


def backup(engine: Engine, reason: str = "manual", keep: int = KEEP) -> Path | None:
    """Copy the live database into backups/ beside it (consistent even while in use), check
    that the copy reads back whole (PRAGMA quick_check), and keep the newest ``keep`` backups
    of this store, the new one always among them. Returns the copy, or None for a non-file
    store; StoreError when the copy cannot be written or fails its check (it is then removed
    and no older backup is pruned)."""
    if not REASON.fullmatch(reason):
        raise ValueError(f"a backup reason is lowercase words joined by hyphens, not {reason!r}")
    source = sqlite_path(str(engine.url))
    if source is None or not source.exists():
        return None
    folder = backup_dir(source)
    stamp = datetime.now(UTC).strftime(STAMP)
    target = folder / f"{source.stem}-{stamp}-{reason}.sqlite"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        copy_file(source, target)
        _check(target)
    except (OSError, sqlite3.Error) as exc:
        target.unlink(missing_ok=True)
        raise StoreError(f"{target}: the backup could not be written ({exc})") from None
    others = [info.path for info in list_backups(source) if info.path != target]
    for old in others[max(keep - 1, 0):]:
        old.unlink(missing_ok=True)
    return target


def list_backups(store_file: Path) -> list[BackupInfo]:
    """The backups of ``store_file`` in its backups/ folder, newest first (files whose name
    does not read as one of its backups are left out)."""
    pattern = re.compile(
        rf"{re.escape(store_file.stem)}-(\d{{8}}T\d{{12}}Z)-({REASON.pattern})\.sqlite")
    found = []
    for path in backup_dir(store_file).glob(f"{store_file.stem}-*.sqlite"):
        if (match := pattern.fullmatch(path.name)) and path.is_file():
            # ISO 8601's basic form, read in C (strptime's module, ~3 ms to import, is not
            # needed by the window's start, which lists the backups to see if one is due)
            try:
                taken = datetime.fromisoformat(match.group(1)).replace(tzinfo=UTC)
            except ValueError:  # no real time (month 13, a name made by hand): not ours
                continue
            found.append(BackupInfo(path, taken, match.group(2), path.stat().st_size))
    return sorted(found, key=lambda info: info.taken, reverse=True)


def newest_backup_time(store_file: Path) -> datetime | None:
    """When the newest backup of ``store_file`` (of any reason) was taken, from its name."""
    backups = list_backups(store_file)
    return backups[0].taken if backups else None


def backup_due(store_file: Path, now: datetime | None = None, every: timedelta = DAILY) -> bool:
    """Whether the newest backup of ``store_file`` is older than ``every`` (or there is none)."""
    newest = newest_backup_time(store_file)
    return newest is None or (now or datetime.now(UTC)) - newest >= every


def backup_if_due(engine: Engine, now: datetime | None = None, every: timedelta = DAILY,
                  keep: int = KEEP) -> Path | None:
    """A "daily" backup when the newest backup is older than ``every`` (or there is none);
    None when none was due or the store is not a file. Call it while the store is in use."""
    source = sqlite_path(str(engine.url))
    if source is None or not source.exists() or not backup_due(source, now, every):
        return None
    return backup(engine, reason="daily", keep=keep)


def copy_file(source: Path, target: Path) -> None:
    """Copy the SQLite database ``source`` over ``target`` through the backup API."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _check(copy: Path) -> None:
    """sqlite3.DatabaseError unless ``copy`` reads back whole (PRAGMA quick_check)."""
    with closing(sqlite3.connect(copy)) as conn:
        conn.execute("PRAGMA trusted_schema=OFF")
        problems = [row[0] for row in conn.execute(f"PRAGMA quick_check({CHECK_LINES})")]
    if problems != ["ok"]:
        raise sqlite3.DatabaseError(f"the copy fails its check: {'; '.join(problems)}")
