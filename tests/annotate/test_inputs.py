"""annotate.inputs: regular files only, read within their cap, records within theirs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotate import inputs
from annotate.errors import InputError
from annotate.formats import doccano, native
from annotate.formats.base import ImportOptions
from annotate.schema import default_schema


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(InputError, match="FIFO"):
        inputs.read_input(tmp_path / "pipe.txt")


def test_a_file_growing_past_its_cap_while_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "growing.txt"
    path.write_bytes(b"x" * 100)
    with inputs.open_input(path, limit=150) as handle:  # within the cap when opened
        with path.open("ab") as writer:
            writer.write(b"y" * 100)
        with pytest.raises(InputError, match="grew past the limit of 150 bytes"):
            handle.read()


@pytest.mark.parametrize("reader", ["native", "doccano"])
def test_a_record_longer_than_the_cap_is_refused_before_it_is_read_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reader: str) -> None:
    monkeypatch.setattr(inputs, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "records.jsonl"
    line = '{"text": "%s", "spans": [], "label": []}\n'
    path.write_text(line % "short" + line % ("long " * 300), encoding="utf-8")
    read = (native.read(path) if reader == "native"
            else doccano.read(path, default_schema(), ImportOptions()))
    with pytest.raises(InputError) as refused:
        list(read)
    assert str(refused.value) == f"{path}:line 2: line longer than the limit of 1,000"
