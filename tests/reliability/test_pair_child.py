"""The dashboard's pair figures computed in a child process (desktop.child_process) whatever
the window's surroundings put in the child's way: modules in the folder the window was
started from named as the program's (or the standard library's), and a library or start-up
file writing to the child's standard output. The child gives the figures the window's own
process computes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotate.commands import CreateSpan
from annotate.model import Span
from annotate.tokenize import tokenize
from db.store import Store
from desktop.child_process import in_child
from desktop.pair_process import PairFigures, pair_figures


@pytest.fixture
def pair_store(store_path: Path) -> Path:
    """Two annotators' spans on the sample documents: agreed, relabelled and one-sided."""
    store = Store.open(store_path)
    try:
        for doc in store.list_documents():
            text = store.document(doc.uid).text
            words = [t for t in tokenize(text) if t.text.isalpha()][:12]
            for n, word in enumerate(words):
                store.apply(CreateSpan(Span(doc.uid, word.start, word.end, "PERSON", "amina")),
                            "amina")
                if n % 3:
                    label = "PERSON" if n % 3 == 1 else "ORG"
                    store.apply(CreateSpan(Span(doc.uid, word.start, word.end, label, "bo")),
                                "bo")
        return store_path
    finally:
        store.close()


def in_process(path: Path) -> PairFigures:
    store = Store.open(path)
    try:
        return pair_figures(store, "amina", "bo")
    finally:
        store.close()


def child_figures(path: Path) -> PairFigures:
    return in_child(pair_figures, str(path), ("amina", "bo"), lambda _done, _total: None,
                    lambda _child: None)


def test_modules_of_the_starting_folder_are_not_the_childs(
        pair_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A user's own annotate.py, db.py or pickle.py where the window was started from."""
    folder = tmp_path / "work"
    folder.mkdir()
    for name in ("annotate", "db", "desktop", "pickle"):
        (folder / f"{name}.py").write_text("raise SystemExit('not the program')\n")
    monkeypatch.chdir(folder)
    assert child_figures(pair_store) == in_process(pair_store)


def test_what_else_the_child_writes_to_its_output_is_not_read_as_messages(
        pair_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A start-up file (sitecustomize) printing, and writing to the output's file
    descriptor as a C library would, before and while the child works."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "import atexit, os\n"
        "print('hello from sitecustomize', flush=True)\n"
        "os.write(1, b'\\x80garbage\\n')\n"
        "atexit.register(os.write, 1, b'bye')\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(site), *filter(None, [os.environ.get("PYTHONPATH")])]))
    assert child_figures(pair_store) == in_process(pair_store)
