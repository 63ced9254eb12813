"""The brat corpora of ../shared/interop-corpus/brat, each imported into a store and exported
as brat again: every annotation comes back (issue 14 point 2). The ids and the order of the
lines may change; what they say may not."""

from __future__ import annotations

from pathlib import Path

import pytest
from brat_semantics import Meaning, folder_meaning

from annotate.formats.base import ImportOptions
from db.store import Store
from db.transfer import export, import_paths

REPO = Path(__file__).resolve().parents[2]
CORPUS = next((up / "shared" / "interop-corpus" / "brat" for up in REPO.parents  # ../shared,
               if (up / "shared" / "interop-corpus").is_dir()), REPO)  # or ../../ (worktrees)
FOLDERS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) if CORPUS != REPO else []
FIXTURE = REPO / "tests" / "data" / "brat"  # every kind of line, in this repository


def round_trip(folder: Path, tmp_path: Path) -> tuple[dict[str, Meaning], dict[str, Meaning]]:
    store = Store.open(tmp_path / "store.sqlite")
    try:
        [result] = import_paths(store, [folder], ImportOptions(add_labels=True))
        assert result.error is None, result.error
        assert result.summary.not_imported == {}
        out = tmp_path / "out"
        export(store, out, "brat")
    finally:
        store.close()
    return folder_meaning(folder), folder_meaning(out, frozenset({"Annotator"}))


def assert_same(before: dict[str, Meaning], after: dict[str, Meaning], name: str) -> None:
    assert before.keys() == after.keys()
    for text, was in before.items():
        now = after[text]
        for part in ("entities", "events", "relations", "attributes", "comments",
                     "normalisations", "equivalences"):
            assert getattr(now, part) == getattr(was, part), (name, part)


@pytest.mark.skipif(not FOLDERS, reason="../shared/interop-corpus is not beside the repository")
@pytest.mark.parametrize("name", FOLDERS)
def test_brat_corpus_round_trip(name, tmp_path):
    assert_same(*round_trip(CORPUS / name, tmp_path), name)


def test_brat_fixture_round_trip(tmp_path):
    before, after = round_trip(FIXTURE, tmp_path)
    counts = {part: sum(m.counts()[part] for m in before.values()) for part in "TER#N*A"}
    assert counts == {"T": 10, "E": 4, "R": 1, "#": 4, "N": 1, "*": 1, "A": 3}
    assert_same(before, after, "fixture")
