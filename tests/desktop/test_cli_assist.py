"""The command line's suggestion commands: patterns, occurrences, suggestions (list, clear);
bad pattern files refused naming the line, with no traceback and nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.actors import Actor
from annotate.commands import CreateActor, CreateSpan, LinkActor
from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store
from desktop.cli import main

TEXTS = ("The Armed Forces of Mali reached Kidal.", "Fighting near KIDAL; the armed-forces left.",
         "Nothing here.")


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents(AnnotatedDocument(Document(t, f"d{n}")) for n, t in enumerate(TEXTS))
    store.close()
    return str(path)


def shown(db: str, who: str = "amina") -> list[tuple[int, int, str, str]]:
    store = Store.open(db)
    try:
        return sorted((d.text[s.start:s.end], s.label, s.source, f"{s.score:g}")
                      for d in store.iter_texts() for s in store.suggestions(d.uid, who))
    finally:
        store.close()


def test_patterns_fill_the_suggestion_layer(db: str, tmp_path: Path, capsys) -> None:
    patterns = tmp_path / "p.jsonl"
    patterns.write_text(json.dumps({"label": "ARMED_GROUP", "pattern": "armed forces"}) + "\n"
                        + json.dumps({"label": "LOCATION", "pattern": [{"LOWER": "kidal"}]}),
                        encoding="utf-8")
    assert main(["--db", db, "patterns", str(patterns), "--by", "amina"]) == 0
    assert "patterns:p.jsonl: 3 suggestions in 2 of 3 documents" in capsys.readouterr().out
    assert shown(db) == [("Armed Forces", "ARMED_GROUP", "patterns:p.jsonl", "1"),
                         ("KIDAL", "LOCATION", "patterns:p.jsonl", "1"),
                         ("Kidal", "LOCATION", "patterns:p.jsonl", "1")]
    assert main(["--db", db, "suggestions"]) == 0
    assert capsys.readouterr().out.split() == ["3", "patterns:p.jsonl"]
    assert main(["--db", db, "suggestions", "--clear", "--source", "patterns:p.jsonl"]) == 0
    assert shown(db) == []


def test_a_bad_pattern_file_is_refused_naming_the_line(db: str, tmp_path: Path,
                                                       capsys) -> None:
    patterns = tmp_path / "p.jsonl"
    patterns.write_text('{"label": "ORG", "pattern": "army"}\n{"label": "ORG", "pattern": '
                        '[{"SHAPE_OF": "x"}]}\n', encoding="utf-8")
    assert main(["--db", db, "patterns", str(patterns)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {patterns}:line 2: bad token pattern")
    assert "Traceback" not in err
    assert main(["--db", db, "patterns", str(tmp_path / "missing.jsonl")]) == 2
    assert shown(db) == []


def test_occurrences_of_my_spans_in_their_document_or_the_corpus(db: str, capsys) -> None:
    store = Store.open(db)
    first = next(store.iter_texts())
    store.apply(CreateSpan(Span(first.uid, 33, 38, "LOCATION", "amina")), "amina")
    store.close()
    assert main(["--db", db, "occurrences", "--by", "amina"]) == 0
    assert shown(db) == []  # the one Kidal of its document is the span itself
    assert main(["--db", db, "occurrences", "--by", "amina", "--corpus"]) == 0
    assert "other occurrences of amina: 1 suggestions in 1 of 3 documents" in \
        capsys.readouterr().out
    assert shown(db) == [("KIDAL", "LOCATION", "other occurrences of amina", "0.8")]
    assert main(["--db", db, "occurrences", "--annotator", "omar"]) == 0
    assert "omar has no spans" in capsys.readouterr().out


def test_suggest_from_actors_finds_their_names_under_their_linked_label(db: str,
                                                                        capsys) -> None:
    store = Store.open(db)
    first = next(store.iter_texts())
    army = Span(first.uid, 4, 24, "ORG", "amina")
    store.apply(CreateSpan(army), "amina")
    store.apply(CreateActor(Actor("Armed Forces of Mali", "armed group", ("FAMa",), "fama")),
                "amina")
    store.apply(LinkActor(first.uid, army.id, "fama"), "amina")  # linked as ORG
    store.apply(CreateActor(Actor("Kidal", "place")), "amina")
    store.close()
    assert main(["--db", db, "suggest", "--from", "actors", "--by", "amina"]) == 0
    assert "actors: 3 suggestions in 2 of 3 documents" in capsys.readouterr().out
    assert shown(db) == [("KIDAL", "LOCATION", "actors", "0.8"),
                         ("Kidal", "LOCATION", "actors", "1")]  # amina's ORG span: not shown
    assert shown(db, "omar") == [("Armed Forces of Mali", "ORG", "actors", "1"),
                                 ("KIDAL", "LOCATION", "actors", "0.8"),
                                 ("Kidal", "LOCATION", "actors", "1")]
    assert main(["--db", db, "suggest", "--from", "actors", "--model", "m"]) == 2
    assert "--model is for --from model" in capsys.readouterr().err


def test_suggest_from_actors_with_none_stores_nothing(db: str, capsys) -> None:
    assert main(["--db", db, "suggest", "--from", "actors"]) == 0
    assert "no actor has a name to look for" in capsys.readouterr().out
    assert shown(db) == []
