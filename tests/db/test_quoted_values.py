"""What a file holds is quoted in an import's refusal escaped and cut short: an attribute name
not in the schema was printed as it is (a terminal's escape sequence run, a line break making a
line that looks like the program's own), and a refused value whole (a 100,000-character
attribute value made a 100 KB error line, in the terminal and the import dialog alike)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.model import Document
from desktop.cli import main

TEXT = "Hello world"


def refusal(tmp_path: Path, attributes: dict, capsys, *options: str) -> str:
    span = {"id": "s1", "start": 0, "end": 5, "label": "CLAIM", "annotator": "a",
            "attributes": attributes}
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": Document(TEXT).uid, "text": TEXT, "spans": [span]}))
    db = str(tmp_path / "store.sqlite")
    assert main(["--db", db, "import", *options, str(source)]) == 1
    return capsys.readouterr().err


def test_an_unknown_attribute_name_is_printed_escaped(tmp_path: Path, capsys):
    err = refusal(tmp_path, {"mood\x1b[2J\nok": 1}, capsys)
    assert "\x1b" not in err and err.count("\n") == 2  # the error line and the summary
    assert r"attributes not in the schema: 'CLAIM.mood\x1b[2J\nok' (first at line 1)" in err


def test_an_unknown_attribute_name_of_the_name_rule_is_printed_as_it_is(tmp_path, capsys):
    err = refusal(tmp_path, {"mood": 1}, capsys)
    assert "attributes not in the schema: CLAIM.mood (first at line 1)" in err


@pytest.mark.parametrize(("attributes", "options"), [
    ({"certainty": "x" * 100_000}, ()),  # a choice's value: "expects choice …, got …"
    ({"y" * 100_000: 1}, ()),  # an unknown name
    ({"extent": [[1]] * 30_000}, ("--add-labels",)),  # "holds …: an attribute holds text …"
])
def test_a_long_value_is_quoted_cut_short(tmp_path: Path, attributes, options, capsys):
    assert len(refusal(tmp_path, attributes, capsys, *options)) < 400
