"""Training and suggesting from the window, in the background, offline (sockets refused): the
model is remembered by the store, its suggestions appear as ghosts; a cancelled training
leaves no model."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from window_helpers import open_window

from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store

PEOPLE = ("Amina", "Omar", "Fatou", "Ibrahim")
ROOT = Path(__file__).resolve().parents[2]


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


RUNS = textwrap.dedent('''
    import random, sys, time
    from types import SimpleNamespace
    from PySide6.QtWidgets import QApplication, QWidget
    from desktop.jobs import Job
    from desktop.model_runs import ModelRuns

    class Store:
        def close(self):  # what a store's close takes, after the job's last signal
            time.sleep(random.random() / 1000)

    class Quick(Job):
        """A training that ends at once: one step, then its result."""

        held_at_start = False

        def open_store(self):
            return Store()

        def work(self, store):
            self.step(1, 1)

    app = QApplication([])
    runs = ModelRuns(SimpleNamespace(hub=None), lambda: None, QWidget())
    for _ in range(int(sys.argv[1])):
        runs._start(Quick("unused"), "Training…", runs._trained)
        while runs.busy():
            app.processEvents()
    print("ran", flush=True)
''')


def test_model_runs_one_after_another_end_cleanly() -> None:
    """Each run's progress dialog (its Cancel connected to the job's cancel) is deleted when
    the job's end is heard, while the job's worker closes its store: the job was deleted on
    that worker's thread then, with PySide's connection to its cancel, as the GUI thread
    deleted the dialog: a segfault in a pooled thread (session 24's CI, in
    test_train_then_suggest_in_the_background; within 8-550 runs of these quick jobs)."""
    done = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", RUNS, "2000"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"})
    assert (done.returncode, done.stdout, done.stderr) == (0, "ran\n", "")
