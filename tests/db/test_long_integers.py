"""An integer beyond 64 bits in a document's metadata (doccano and Label Studio files carry any
JSON there) goes in, is kept, and comes out as that integer: orjson, which the readers and
writers use for speed, reads one as a float (forging it) and refuses to write one (an export
failing with a traceback)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.model import Document
from db.transfer import export, import_paths
from desktop.cli import main

LONG = 100_000_000_000_000_000_000
TEXT = "Hello world"
UID = Document(TEXT).uid


def native_line(meta: dict) -> str:
    return json.dumps({"id": UID, "title": "t", "meta": meta, "text": TEXT, "spans": [{
        "id": "s1", "start": 0, "end": 5, "label": "CLAIM", "text": "Hello", "annotator": "a",
        "attributes": {}, "note": None, "created": "2026-01-01T00:00:00Z",
        "updated": "2026-01-01T00:00:00Z"}], "relations": [], "status": {}})


def test_a_native_file_keeps_a_long_integer_through_import_and_export(store, tmp_path: Path):
    source = tmp_path / "in.jsonl"
    source.write_text(native_line({"n": LONG, "m": -LONG, "k": [1, 2**64]}) + "\n")
    assert import_paths(store, [source])[0].error is None
    meta = {"n": LONG, "m": -LONG, "k": [1, 2**64]}
    assert repr(store.document(UID).meta) == repr(meta)  # 1e+20 == LONG: compare as written
    out = tmp_path / "out.jsonl"
    export(store, out, "native")
    assert repr(json.loads(out.read_text())["meta"]) == repr(dict(sorted(meta.items())))


@pytest.mark.parametrize("fmt", ["native", "doccano", "labelstudio"])
def test_a_long_integer_read_from_a_doccano_file_is_exported(tmp_path: Path, fmt, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"text": TEXT, "label": [[0, 5, "CLAIM"]], "n": LONG}) + "\n")
    db = str(tmp_path / "store.sqlite")
    assert main(["--db", db, "import", "--format", "doccano", str(source)]) == 0
    out = tmp_path / f"out-{fmt}"
    assert main(["--db", db, "export", "--format", fmt, str(out)]) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert str(LONG) in out.read_text(encoding="utf-8")
    assert "1e+20" not in out.read_text(encoding="utf-8")


def test_an_integer_beyond_a_floats_range_goes_through_a_native_file(store, tmp_path: Path):
    """An integer of 309 digits or more (json reads it, a doccano import keeps it, the native
    export writes it) is one orjson refuses as "infinity when parsed as double": the native
    reader reads the line as json does, so that its own export imports again."""
    huge = 10**400
    source = tmp_path / "in.jsonl"
    source.write_text(native_line({"n": huge, "m": -huge}) + "\n")
    assert import_paths(store, [source])[0].error is None
    assert store.document(UID).meta == {"n": huge, "m": -huge}
    out = tmp_path / "out.jsonl"
    export(store, out, "native")
    assert json.loads(out.read_text())["meta"] == {"m": -huge, "n": huge}
    longer = native_line({"n": 0}).replace('"n": 0', '"n": 1' + "0" * 5000)
    source.write_text(longer + "\n")  # more digits than Python makes an int of: refused
    assert "line 1: not valid JSON" in import_paths(store, [source])[0].error
