"""NaN and the infinities in a document's metadata or a span's attributes are refused on
import, naming the file, line and field: the ``json`` module reads them (doccano and Label
Studio files, JSONL corpora), but they are no JSON, and every export wrote them as null while
it said "Nothing lost"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.errors import ValidationError
from annotate.strings import check_value
from desktop.cli import main


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_a_doccano_file_with_a_non_finite_number_in_its_metadata_is_refused(
        tmp_path: Path, number: str, capsys):
    source = tmp_path / "in.jsonl"
    lines = [{"text": "Hello world", "label": [[0, 5, "CLAIM"]], "n": 1},
             {"text": "Other text", "label": [], "m": {"k": [1, float(number)]}}]
    source.write_text("".join(json.dumps(line) + "\n" for line in lines))  # NaN as json writes
    db = str(tmp_path / "store.sqlite")
    assert main(["--db", db, "import", "--add-labels", "--format", "doccano", str(source)]) == 1
    err = capsys.readouterr().err
    assert f"in.jsonl:line 2: meta['m']['k'][1] is {number}" in err and "Traceback" not in err
    out = tmp_path / "out.jsonl"
    assert main(["--db", db, "export", str(out)]) == 0
    assert out.read_text() == ""  # the file imported nothing


def test_a_json_corpus_with_nan_metadata_is_refused(tmp_path: Path, capsys):
    source = tmp_path / "corpus.jsonl"
    source.write_text('{"text": "Hello world", "score": NaN}\n')
    db = str(tmp_path / "store.sqlite")
    assert main(["--db", db, "import", str(source)]) == 1
    assert "meta['score'] is NaN" in capsys.readouterr().err


def test_finite_numbers_and_nulls_pass_and_the_place_of_a_bad_one_is_named():
    check_value({"a": None, "b": [0.1, -0.0, 1e-320, 2**70, None], "c": "x"}, "meta")
    with pytest.raises(ValidationError, match=r"attributes\['x'\]\[0\]\['y'\] is -Infinity"):
        check_value({"x": [{"y": float("-inf")}], "z": None}, "attributes")
    deep = json.loads('{"s": "\\ud800", "n": NaN}')  # both: what is met first is named
    with pytest.raises(ValidationError, match=r"meta\['s'\] holds U\+D800"):
        check_value(deep, "meta")
