"""The command line: import, export, schema, stats, agreement, backup, errors and exit codes."""

import json
from pathlib import Path

import pytest

from annotate.formats import native, workers
from annotate.formats.targets import MARKER
from annotate.model import AnnotatedDocument, Document, Span
from annotate.schema import default_schema
from db.store import Store
from desktop.cli import main


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "store.sqlite")


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("counterclaim ")
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "import" in capsys.readouterr().out


def test_import_folder_export_roundtrip_and_stats(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in" / "nested"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_bytes(b"Rebels claim 80 dead.\r\nThe army denies it.")
    (folder.parent / "b.html").write_text(
        "<html><head><title>Wire</title><script>alert(1)</script></head>"
        "<body><p>Sources said 47 soldiers died.</p></body></html>",
        encoding="utf-8",
    )
    assert main(["--db", db, "import", str(tmp_path / "in")]) == 0
    out = tmp_path / "out.jsonl"
    assert main(["--db", db, "export", str(out), "--format", "native"]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    texts = {json.loads(line)["text"] for line in lines}
    assert texts == {
        "Rebels claim 80 dead.\r\nThe army denies it.",
        "Sources said 47 soldiers died.",
    }
    capsys.readouterr()
    assert main(["--db", db, "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["documents"] == 2


def test_bad_files_are_named_others_import_and_exit_code_says_so(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "good.txt").write_text("A fine text.", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 10)
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    good = native.encode(AnnotatedDocument(Document("Another text.")))
    (tmp_path / "broken.jsonl").write_text(good + '\n{"text": "x", "spans": [\n', encoding="utf-8")
    assert main(["--db", db, "import", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "binary.txt" in err and "empty.txt" in err
    assert "broken.jsonl:line 2" in err
    assert "1 of 4 files imported" in err
    main(["--db", db, "stats", "--json"])
    assert json.loads(capsys.readouterr().out)["documents"] == 1


def test_export_filters_and_split(tmp_path: Path, db: str) -> None:
    docs = [Document(f"Text number {i} about the convoy.") for i in range(30)]
    records = [
        AnnotatedDocument(
            d,
            (Span(d.uid, 0, 4, "CLAIM", "amina"), Span(d.uid, 5, 11, "ORG", "bo")),
            status={"amina": "done"} if i % 2 else {},
        )
        for i, d in enumerate(docs)
    ]
    source = tmp_path / "in.jsonl"
    native.write(records, source)
    assert main(["--db", db, "import", str(source)]) == 0
    out = tmp_path / "corpus.jsonl"
    assert (
        main(
            [
                "--db",
                db,
                "export",
                str(out),
                "--annotator",
                "amina",
                "--status",
                "done",
                "--split",
                "0.5,0.25,0.25",
                "--seed",
                "3",
            ]
        )
        == 0
    )
    parts = {
        name: (tmp_path / f"corpus.{name}.jsonl").read_text(encoding="utf-8").splitlines()
        for name in ("train", "dev", "test")
    }
    uids = [json.loads(line)["id"] for lines in parts.values() for line in lines]
    assert len(uids) == len(set(uids)) == 15
    for lines in parts.values():
        for line in lines:
            assert {s["annotator"] for s in json.loads(line)["spans"]} == {"amina"}
    again = tmp_path / "again.jsonl"
    main(
        [
            "--db",
            db,
            "export",
            str(again),
            "--annotator",
            "amina",
            "--status",
            "done",
            "--split",
            "0.5,0.25,0.25",
            "--seed",
            "3",
        ]
    )
    assert (tmp_path / "again.train.jsonl").read_text(encoding="utf-8").splitlines() == parts[
        "train"
    ]


def test_schema_export_import_rename(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    schema_file = tmp_path / "schema.json"
    Store.open(db).close()
    assert main(["--db", db, "schema", "export", str(schema_file)]) == 0
    data = json.loads(schema_file.read_text(encoding="utf-8"))
    assert {"CLAIM", "DENIAL", "PERSON", "ORG", "ARMED_GROUP", "LOCATION", "DATE"} <= {
        label["name"] for label in data["labels"]
    }
    for label in data["labels"]:
        if label["name"] == "ORG":
            label["name"] = "ORGANISATION"
    for relation in data["relations"]:
        relation["to"] = ["ORGANISATION" if n == "ORG" else n for n in relation["to"]]
    schema_file.write_text(json.dumps(data), encoding="utf-8")
    assert (
        main(["--db", db, "schema", "import", str(schema_file), "--rename", "ORG=ORGANISATION"])
        == 0
    )
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"labels": [{"name": "X", "hotkey": "c"}, {"name": "Y", "hotkey": "c"}]}', encoding="utf-8"
    )
    capsys.readouterr()
    assert main(["--db", db, "schema", "import", str(bad)]) == 2
    assert "bad.json" in capsys.readouterr().err


def test_agreement_json(tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]) -> None:
    doc = Document("Alpha beta gamma delta epsilon.")
    spans = (
        Span(doc.uid, 0, 5, "PERSON", "amina"),
        Span(doc.uid, 0, 5, "PERSON", "bo"),
        Span(doc.uid, 6, 10, "ORG", "amina"),
    )
    source = tmp_path / "in.jsonl"
    native.write([AnnotatedDocument(doc, spans)], source)
    main(["--db", db, "import", str(source)])
    capsys.readouterr()
    assert main(["--db", db, "agreement", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    pair = report["pairs"][0]
    assert pair["annotators"] == ["amina", "bo"]
    assert pair["span_f1_exact"]["micro"]["value"] == pytest.approx(2 * 1 / 3)


def test_backup_and_unreadable_store(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # a mistyped store is refused, not made empty and backed up (the code before did)
    assert main(["--db", db, "backup"]) == 2
    assert capsys.readouterr().err == (
        f"error: {db}: no store there (a new one is made only by import or schema import, "
        "or by opening the window on it)\n")
    assert not Path(db).exists() and not (tmp_path / "backups").exists()
    Store.open(db).close()
    assert main(["--db", db, "backup"]) == 0
    copy = Path(capsys.readouterr().out.strip())
    assert copy.exists() and copy.parent.name == "backups"
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not sqlite" * 1000)
    assert main(["--db", str(junk), "stats"]) == 2
    assert "junk.sqlite" in capsys.readouterr().err


def test_brat_export_then_import_round_trips(tmp_path: Path, db: str) -> None:
    doc = Document("Amina said\r\nthe army left.", "Wire 1")
    spans = (Span(doc.uid, 0, 5, "PERSON", "amina"), Span(doc.uid, 6, 25, "CLAIM", "zoë k"),
             Span(doc.uid, 16, 20, "ORG", "zoë k"))
    source = tmp_path / "in.jsonl"
    native.write([AnnotatedDocument(doc, spans)], source)
    assert main(["--db", db, "import", str(source)]) == 0
    out = tmp_path / "brat_out"
    assert main(["--db", db, "export", str(out), "--format", "brat"]) == 0
    assert sorted(p.suffix for p in out.iterdir() if p.name != MARKER) == [".ann", ".conf",
                                                                          ".txt"]
    again = str(tmp_path / "again.sqlite")
    assert main(["--db", again, "import", str(out)]) == 0
    back = tmp_path / "back.jsonl"
    assert main(["--db", again, "export", str(back), "--format", "native"]) == 0
    [line] = back.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["text"] == doc.text
    assert sorted((s["start"], s["end"], s["label"], s["annotator"]) for s in record["spans"]) \
        == [(0, 5, "PERSON", "amina"), (6, 25, "CLAIM", "zoë k"), (16, 20, "ORG", "zoë k")]


@pytest.mark.parametrize("fmt", ["conll", "spacy"])
def test_large_export_forks_its_workers(tmp_path: Path, db: str, small_chunks, start_methods,
                                        two_annotator_corpus, monkeypatch: pytest.MonkeyPatch,
                                        fmt: str) -> None:
    """The command line runs no other thread, so its workers are forks of it; outside the
    command, the safe start method is back."""
    native.write(two_annotator_corpus(12), tmp_path / "in.jsonl", default_schema())
    assert main(["--db", db, "import", str(tmp_path / "in.jsonl")]) == 0
    assert main(["--db", db, "export", str(tmp_path / f"forked.{fmt}"), "--format", fmt]) == 0
    assert start_methods == ["fork"] and small_chunks.started == 1
    monkeypatch.setattr(workers, "PARALLEL_FROM", 10**9)
    assert main(["--db", db, "export", str(tmp_path / f"alone.{fmt}"), "--format", fmt]) == 0
    assert (tmp_path / f"forked.{fmt}").read_bytes() == (tmp_path / f"alone.{fmt}").read_bytes()
    monkeypatch.undo()
    assert workers._context().get_start_method() != "fork"


@pytest.mark.parametrize("args", [["log", "--limit", "99999999999999999999"],
                                  ["log", "--limit", "-1"],
                                  ["suggestions", "--least-sure", "99999999999999999999"]])
def test_a_count_below_zero_or_past_what_the_store_holds_is_refused(
    db: str, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """``--limit`` past SQLite's integers ended in a traceback (OverflowError), -1 listed
    every entry (SQLite's LIMIT -1)."""
    with pytest.raises(SystemExit) as done:
        main(["--db", db, *args])
    assert done.value.code == 2
    error = capsys.readouterr().err
    assert f"{args[1]}: expected a whole number from 0 to 9223372036854775807" in error
    assert "Traceback" not in error
