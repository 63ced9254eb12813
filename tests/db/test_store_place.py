"""A store named where no store file can be (a device, a FIFO) is refused before SQLite opens
it: SQLite took ``/dev/null`` for an empty database, ran the migration on it, failed ("the
migration failed and was undone (disk I/O error)") and left ``/dev/null-journal`` behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop.cli import main


@pytest.mark.parametrize("command", [["stats"], ["backup"], ["export", "out.jsonl"]])
def test_a_fifo_named_as_the_store_is_refused_as_one(tmp_path: Path, command, capsys):
    fifo = tmp_path / "store.sqlite"
    os.mkfifo(fifo)
    args = [str(tmp_path / a) if a.endswith(".jsonl") else a for a in command]
    assert main(["--db", str(fifo), *args]) == 2
    assert f"{fifo}: is a FIFO (named pipe), not a store file" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.sqlite"]


@pytest.mark.skipif(not Path("/dev/null").is_char_device(), reason="no /dev/null")
def test_a_device_named_as_the_store_is_refused_and_nothing_is_written_beside_it(capsys):
    assert not Path("/dev/null-journal").exists()
    assert main(["--db", "/dev/null", "stats"]) == 2
    assert "/dev/null: is a character device, not a store file" in capsys.readouterr().err
    assert not Path("/dev/null-journal").exists()
