"""Backup rotation prunes only the store's own backups (by exact name, never another store's
whose name starts the same way) and never the copy it has just taken."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from db.backup import STAMP, backup, backup_dir, backup_due, list_backups
from db.store import Store


def backups_of(store_file: Path) -> set[Path]:
    return {info.path for info in list_backups(store_file)}


def test_a_store_whose_name_starts_another_keeps_the_others_backups(tmp_path: Path) -> None:
    notes, old = tmp_path / "notes.sqlite", tmp_path / "notes-old.sqlite"
    older = Store.open(old)
    theirs = {backup(older.engine, keep=3) for _ in range(3)}
    older.close()
    assert len(theirs) == 3
    store = Store.open(notes)
    taken = [backup(store.engine, keep=2) for _ in range(4)]
    store.close()
    for copy in taken[-2:]:
        assert copy is not None and copy.exists()
    assert backups_of(notes) == set(taken[-2:])
    assert backups_of(old) == theirs
    assert {p for p in backup_dir(notes).iterdir()} == theirs | set(taken[-2:])


def test_the_copy_just_taken_survives_backups_stamped_later(tmp_path: Path) -> None:
    """A clock set back (or backups copied from another machine): the others' names read as
    newer, yet the new copy is kept and the oldest of the others go."""
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    future = datetime.now(UTC) + timedelta(days=30)
    for day in range(3):
        made = backup(store.engine, reason="daily")
        assert made is not None
        stamp = (future + timedelta(days=day)).strftime(STAMP)
        made.rename(made.with_name(f"s-{stamp}-daily.sqlite"))
    newest_others = sorted(backups_of(path))[-1:]
    copy = backup(store.engine, keep=2)
    store.close()
    assert copy is not None and copy.exists()
    assert backups_of(path) == {copy, *newest_others}


def test_files_that_only_look_like_backups_are_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    folder = backup_dir(path)
    folder.mkdir()
    strangers = [folder / "s-mine.sqlite", folder / "s-20200101T000000000000Z.sqlite",
                 folder / "s-old-20200101T000000000000Z-daily.sqlite"]
    for stranger in strangers:
        stranger.write_bytes(b"not ours")
    for _ in range(3):
        backup(store.engine, keep=1)
    store.close()
    assert all(stranger.read_bytes() == b"not ours" for stranger in strangers)
    assert len(backups_of(path)) == 1


def test_a_name_whose_stamp_is_no_time_is_left_alone(tmp_path: Path) -> None:
    """A name shaped like a backup's with a stamp that is no real time (month 13, hour 24: a
    file copied or renamed by hand) is not one of the store's backups: it was read as a time
    and raised, so every backup failed after its copy (left unpruned), the daily backup was
    never due, and the restore dialog did not open."""
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    folder = backup_dir(path)
    folder.mkdir()
    strangers = [folder / "s-20261399T000000000000Z-daily.sqlite",
                 folder / "s-20261206T246000000000Z-manual.sqlite"]
    for stranger in strangers:
        stranger.write_bytes(b"not ours")
    taken = [backup(store.engine, keep=1) for _ in range(2)]
    store.close()
    assert backups_of(path) == {taken[-1]}
    assert backup_due(path, now=datetime.now(UTC) + timedelta(hours=1)) is False
    assert all(stranger.read_bytes() == b"not ours" for stranger in strangers)
