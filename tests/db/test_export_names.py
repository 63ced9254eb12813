"""An export naming an annotator or a label that is not here is refused before anything is
written: a mistyped name exported the documents with no spans at all, exit 0, and the report
said "Nothing lost"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.model import Document
from desktop.cli import main

TEXT = "Amina said the army left"


@pytest.fixture
def db(tmp_path: Path) -> str:
    span = {"id": "s1", "start": 0, "end": 5, "label": "PERSON", "annotator": "amina"}
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": Document(TEXT).uid, "text": TEXT, "spans": [span]}))
    path = str(tmp_path / "store.sqlite")
    assert main(["--db", path, "import", str(source)]) == 0
    return path


@pytest.mark.parametrize(("options", "message"), [
    (["--annotator", "amnia"], "no annotator named 'amnia' here (annotators: amina"),
    (["--annotator", "amina", "--annotator", "bruno"], "no annotator named 'bruno'"),
    (["--label", "PERSONS"], "no label named 'PERSONS' here (labels: CLAIM, DENIAL"),
])
def test_a_name_not_here_is_refused_and_nothing_is_written(db, tmp_path, options, message,
                                                            capsys):
    out = tmp_path / "out.jsonl"
    assert main(["--db", db, "export", str(out), *options]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_names_that_are_here_export_their_spans(db, tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    assert main(["--db", db, "export", str(out), "--annotator", "amina", "--label",
                 "PERSON"]) == 0
    assert len(json.loads(out.read_text())["spans"]) == 1
