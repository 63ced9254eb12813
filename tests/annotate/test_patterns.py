"""spaCy JSONL pattern files: phrase and token patterns applied with a SpanRuler on a blank
pipeline (overlaps kept); bad lines refused naming file and line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotate.errors import InputError
from annotate.patterns import PatternSuggester, language, read_patterns
from db.store import Store

ROOT = Path(__file__).resolve().parents[2]

LABELS = {"ORG", "LOCATION", "ARMED_GROUP"}


def write(path: Path, *lines: object) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines),
                    encoding="utf-8")
    return path


def test_phrase_and_token_patterns_find_overlapping_spans(tmp_path: Path) -> None:
    path = write(tmp_path / "p.jsonl",
                 {"label": "ARMED_GROUP", "pattern": "armed forces"},
                 "",
                 {"label": "ORG", "pattern": [{"LOWER": "armed"}, {"LOWER": "forces"},
                                              {"LOWER": "of"}, {"IS_TITLE": True}],
                  "id": "af"},
                 {"label": "LOCATION", "pattern": [{"LOWER": "mali"}]})
    patterns = read_patterns(path, LABELS)
    suggester = PatternSuggester(patterns, "en", "patterns:p.jsonl")
    text = "The Armed Forces of Mali said so. MALI agreed."
    found = sorted((s.start, s.end, s.label) for s in suggester.suggest([("d", text)]))
    assert found == [(4, 16, "ARMED_GROUP"), (4, 24, "ORG"), (20, 24, "LOCATION"),
                     (34, 38, "LOCATION")]
    assert {s.source for s in suggester.suggest([("d", text)])} == {"patterns:p.jsonl"}


@pytest.mark.parametrize("line, message", [
    ("{not json", "line 2: not JSON"),
    (json.dumps(["ORG", "x"]), "line 2: a pattern is a JSON object"),
    (json.dumps({"label": "NOPE", "pattern": "x"}), "line 2: label 'NOPE' is not in the schema"),
    (json.dumps({"label": "ORG", "pattern": " "}), "line 2: an empty phrase pattern"),
    (json.dumps({"label": "ORG", "pattern": [{"LOWR": "x"}]}), "line 2: bad token pattern"),
    (json.dumps({"label": "ORG", "pattern": 3}), "line 2: pattern must be"),
    (json.dumps({"label": "ORG", "pattern": "x", "id": 4}), "line 2: a pattern's id"),
])
def test_a_bad_line_is_refused_naming_it(tmp_path: Path, line: str, message: str) -> None:
    path = write(tmp_path / "p.jsonl", {"label": "ORG", "pattern": "army"}, line)
    with pytest.raises(InputError, match=message):
        read_patterns(path, LABELS)


def test_an_empty_or_binary_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no patterns"):
        read_patterns(write(tmp_path / "e.jsonl", "", "  "), LABELS)
    (tmp_path / "b.jsonl").write_bytes(b"\xff\xfe{")
    with pytest.raises(InputError, match="not UTF-8"):
        read_patterns(tmp_path / "b.jsonl", LABELS)


def test_the_corpus_language_is_the_most_common_spacy_knows() -> None:
    assert language(["fr", "en-GB", "en", None]) == "en"
    assert language(["zz", None]) == "xx"
    assert language([]) == "xx"


def fifo(tmp_path: Path) -> Path:
    os.mkfifo(tmp_path / "p.jsonl")  # no program writes to it: opening it waits for one
    return tmp_path / "p.jsonl"


def zeros(_tmp_path: Path) -> Path:
    return Path("/dev/zero")  # endless


@pytest.mark.parametrize("place, kind", [(fifo, "a FIFO"), (zeros, "a character device")])
def test_a_pattern_file_that_is_no_file_is_refused_unread(tmp_path: Path, place, kind) -> None:
    """``counterclaim patterns`` on a FIFO waited for a writer forever, and on /dev/zero read
    until memory ran out: refused at once, named, as an import refuses them."""
    path = place(tmp_path)
    Store.open(tmp_path / "s.sqlite").close()
    done = subprocess.run([sys.executable, "-m", "desktop.cli", "--db", str(tmp_path / "s.sqlite"),
                           "patterns", str(path)], capture_output=True, text=True, timeout=120,
                          env=os.environ | {"PYTHONPATH": str(ROOT)}, cwd=ROOT)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"error: {path}: {kind}"), done.stderr
