"""Metadata and attributes nested deeper than the store's checks and writers walk are refused
naming file, line and field, not with a RecursionError naming no place; nesting up to the limit
goes in and comes out unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.model import Document
from annotate.strings import NESTING_MAX
from desktop.cli import main

TEXT = "Hello world"


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def line_with(record: dict, key: str, value: str) -> str:
    """``record`` as a JSON line with ``key`` set to ``value``, the JSON text given."""
    return json.dumps(record | {key: "VALUE"}).replace('"VALUE"', value) + "\n"


def native_line(meta: str) -> str:
    span = {"id": "s1", "start": 0, "end": 5, "label": "CLAIM", "annotator": "a"}
    record = {"id": Document(TEXT).uid, "text": TEXT, "spans": [span]}
    return line_with(record, "meta", '{"m": ' + meta + "}")


@pytest.mark.parametrize(("fmt", "line", "message"), [
    ("doccano", line_with({"text": TEXT, "label": []}, "m", nested(600)),
     "in.jsonl:line 1: meta is nested more than 254 levels deep"),
    ("native", native_line(nested(600)), "in.jsonl:line 1: arrays or objects nested too deeply"),
    ("native", native_line(nested(300)), "in.jsonl:line 1: meta is nested more than 254 levels"),
], ids=["doccano-600", "native-600", "native-300"])
def test_a_value_nested_too_deeply_is_refused_naming_its_place(
        tmp_path: Path, fmt: str, line: str, message: str, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text(line)
    db = str(tmp_path / "store.sqlite")
    assert main(["--db", db, "import", "--add-labels", "--format", fmt, str(source)]) == 1
    err = capsys.readouterr().err
    assert message in err and "RecursionError" not in err


def test_a_value_nested_to_the_limit_goes_in_and_comes_out(tmp_path: Path):
    source = tmp_path / "in.jsonl"
    meta = nested(NESTING_MAX - 1)  # inside the record's "meta" object: the limit
    source.write_text(line_with({"text": TEXT, "label": [[0, 5, "CLAIM"]]}, "m", meta))
    db = str(tmp_path / "store.sqlite")
    assert main(["--db", db, "import", "--add-labels", "--format", "doccano", str(source)]) == 0
    out = tmp_path / "out.jsonl"
    assert main(["--db", db, "export", str(out)]) == 0
    assert json.loads(out.read_text())["meta"] == {"m": json.loads(meta)}
    again = str(tmp_path / "again.sqlite")
    assert main(["--db", again, "import", "--add-labels", str(out)]) == 0
