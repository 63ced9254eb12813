"""Training and suggesting from the window, in the background, offline (sockets refused): the
model is remembered by the store, its suggestions appear as ghosts; a cancelled training
leaves no model."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from window_helpers import open_window

from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store

PEOPLE = ("Amina", "Omar", "Fatou", "Ibrahim")


@pytest.fixture(autouse=True)
def offline(monkeypatch) -> None:
    def refuse(*_args, **_kwargs):
        raise OSError("network access in an offline test")
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture
def window(qtbot, tmp_path: Path):
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    records = []
    for k in range(16):
        name = PEOPLE[k % len(PEOPLE)]
        doc = Document(f"{name} said the army left town {k}.", f"r{k}", {"language": "en"})
        records.append(AnnotatedDocument(doc, (Span(doc.uid, 0, len(name), "PERSON", "amina"),)))
    new = Document("Omar said the army left town again.", "new")
    records.append(AnnotatedDocument(new))
    store.import_documents(records)
    store.close()
    win = open_window(qtbot, path, tmp_path, "omar")
    win.service.open_document(new.uid)
    yield win
    QThreadPool.globalInstance().waitForDone(60_000)
    win.service.store.close()


def test_train_then_suggest_in_the_background(window, qtbot, tmp_path: Path) -> None:
    runs = window.model_runs
    assert runs.train("amina", epochs=4) is not None
    qtbot.waitUntil(lambda: not runs.busy(), timeout=120_000)
    record = window.service.store.model_record()
    assert record is not None and Path(record[0]) == tmp_path / "s-model"
    assert set(record[1]) == {"PERSON"}
    assert runs.suggest(threshold=0) is not None  # every span it considers
    qtbot.waitUntil(lambda: not runs.busy(), timeout=120_000)
    assert (0, 4, "PERSON") in {(s.start, s.end, s.label) for s in window.suggestions.shown}


def test_a_cancelled_training_leaves_no_model(window, qtbot, tmp_path: Path) -> None:
    runs = window.model_runs
    job = runs.train("amina", epochs=50)
    assert job is not None
    job.cancel()
    qtbot.waitUntil(lambda: not runs.busy(), timeout=120_000)
    assert window.service.store.model_record() is None
    assert not (tmp_path / "s-model").exists()
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".s-model")] == []
