"""Putting a store back to one of its backups."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from annotate.errors import InputError, StoreError
from db.backup import copy_file
from db.peer import check_store_file


def restore(backup_file: Path, store_file: Path) -> None:
    """Copy a backup over the store through the backup API (the store must not be open).
    The copy is one write transaction on the store file, so whatever its -wal held before is
    superseded and the next opening reads the backup's content. A file that is no sound
    Counterclaim store of a revision this version knows (a copy of another program's
    database named like a backup) is refused before anything is copied; when the copy fails
    (StoreError) the store is left as it was."""
    if not backup_file.is_file():
        raise StoreError(f"{backup_file}: no such backup")
    try:
        check_store_file(backup_file)
    except InputError as exc:
        raise StoreError(f"{exc}; nothing restored") from None
    try:
        copy_file(backup_file, store_file)
    except sqlite3.Error as exc:
        raise StoreError(f"{backup_file}: the backup could not be restored ({exc})") from None
