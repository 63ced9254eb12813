"""counterclaim train and suggest, offline: the tests run with network sockets refused. A
spancat pipeline learnt from a layer (overlapping spans too), scored on held-out documents,
written only when complete; suggest fills the suggestion layer, replacing the model's older
suggestions; bad input refused without a traceback."""

from __future__ import annotations

import json
import random
import socket
from pathlib import Path

import pytest

from annotate import training
from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store
from desktop.cli import main

NAMES = ("Amina", "Omar", "Fatou", "Ibrahim", "Moussa")
PLACES = ("Kidal", "Gao", "Bamako", "Tessalit")


@pytest.fixture(autouse=True)
def offline(monkeypatch) -> None:
    def refuse(*_args, **_kwargs):
        raise OSError("network access in an offline test")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


def corpus(n: int) -> list[AnnotatedDocument]:
    """``n`` reports, each with a person and a place, and the claim holding both (nested)."""
    rng = random.Random(7)
    records = []
    for k in range(n):
        name, place = rng.choice(NAMES), rng.choice(PLACES)
        text = f"Report {k}: {name} said the army shelled {place} on Monday."
        doc = Document(text, f"r{k}", {"language": "en"})
        a = text.index(name)
        b = text.index(place, a)
        records.append(AnnotatedDocument(doc, (
            Span(doc.uid, a, a + len(name), "PERSON", "amina"),
            Span(doc.uid, b, b + len(place), "LOCATION", "amina"),
            Span(doc.uid, a, b + len(place), "CLAIM", "amina"))))
    records.append(AnnotatedDocument(Document("Fatou said the army shelled Gao.", "new")))
    return records


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents(corpus(24))
    store.close()
    return str(path)


def test_train_then_suggest_offline(db: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / "model"
    assert main(["--db", db, "train", "--from", "amina", "--epochs", "5", "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "epoch 5/5" in printed.err
    table = {line.split()[0]: line.split()[1:] for line in printed.out.splitlines()[1:4]}
    assert sorted(table) == ["CLAIM", "LOCATION", "PERSON"]
    assert all(len(row) == 3 and all(0 <= float(x) <= 1 for x in row) for row in table.values())
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))["counterclaim"]
    assert meta["layer"] == "amina" and meta["dev_documents"] > 0
    assert meta["train_documents"] + meta["dev_documents"] == 24  # the unworked one left out
    # every span the model considers (threshold 0): what it learnt is the benchmark's matter
    assert main(["--db", db, "suggest", "--threshold", "0", "--by", "omar"]) == 0
    assert "suggestions in" in capsys.readouterr().out
    store = Store.open(db)
    try:
        uid = next(d.uid for d in store.iter_texts() if d.title == "new")
        found = {(s.start, s.end, s.label) for s in store.suggestions(uid, "omar")}
        assert (0, 5, "PERSON") in found  # Fatou
        assert store.span_count("omar") == 0
        (source,) = store.suggestion_sources()
        assert source.startswith("model:model@")
    finally:
        store.close()
    assert main(["--db", db, "train", "--from", "amina", "--epochs", "1", "--out", str(out),
                 "--labels", "PERSON"]) == 0
    assert main(["--db", db, "suggest", "--threshold", "0.0"]) == 0
    store = Store.open(db)
    try:
        (newer,) = store.suggestion_sources()  # the older model's suggestions replaced
        assert newer != source
    finally:
        store.close()


def test_cancel_leaves_the_model_before(db: str, tmp_path: Path, monkeypatch, capsys) -> None:
    out = tmp_path / "model"
    out.mkdir()
    (out / "meta.json").write_text(json.dumps({"counterclaim": {"labels": []}}))

    def interrupted(epoch: int, epochs: int, loss: float) -> None:
        raise KeyboardInterrupt
    monkeypatch.setattr("desktop.cli_assist._epoch", interrupted)
    assert main(["--db", db, "train", "--from", "amina", "--out", str(out)]) == 130
    assert "cancelled" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".model")] == []
    assert [p.name for p in out.iterdir()] == ["meta.json"]


@pytest.mark.parametrize("args, said", [
    (["train", "--from", "nobody"], "nobody has no spans to learn from"),
    (["train", "--from", "amina", "--labels", "NOPE"], "not labels of the schema: NOPE"),
    (["train", "--from", "amina", "--dev", "1.5"], "--dev 1.5"),
    (["suggest"], "no model trained on this store yet"),
    (["suggest", "--model", "."], "not a model trained here"),
])
def test_bad_requests_are_refused(db: str, args: list[str], said: str, capsys) -> None:
    assert main(["--db", db, *args]) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


def test_a_folder_not_a_model_is_not_replaced(db: str, tmp_path: Path, capsys) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    assert main(["--db", db, "train", "--from", "amina", "--out", str(tmp_path / "mine")]) == 2
    assert "is not a model trained here" in capsys.readouterr().err
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep"


def test_held_out_split_is_stable_and_near_its_share() -> None:
    uids = [f"{k:064x}" for k in range(2000)]
    share = sum(training.held_out(u, 0.2) for u in uids) / len(uids)
    assert 0.17 < share < 0.23
    assert [training.held_out(u, 0.2) for u in uids[:50]] == \
        [training.held_out(u, 0.2) for u in uids[:50]]


def test_too_few_documents_to_hold_one_out_are_trained_on_unscored(tmp_path: Path,
                                                                    capsys) -> None:
    path = tmp_path / "few.sqlite"
    store = Store.open(path)
    store.import_documents(corpus(2)[:2])
    store.close()
    assert main(["--db", str(path), "train", "--from", "amina", "--epochs", "1", "--dev",
                 "0.01"]) == 0
    assert "no document was held out (too few documents): nothing was scored" in \
        capsys.readouterr().out
    store = Store.open(path)
    try:
        assert store.model_record() == (str((tmp_path / "few-model").resolve()), {})
    finally:
        store.close()
