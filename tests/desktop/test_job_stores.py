"""The stores background work opens on the window's store: the file's pages are walked once, by
the window's check, not again by each job (quick_check reads the whole file; on a 500 MB store
~0.9 s a job, and the status bar counts again after every commit another program makes); a
file that check found damaged is written by no job."""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import pytest

from annotate.commands import CreateSpan
from annotate.errors import StoreFileGone
from annotate.model import AnnotatedDocument, Document, Span
from db import trust
from db.backup import backup
from db.store import Store
from db.transfer import ExportFilter
from desktop import child_process, jobs
from desktop.dashboard import PairJob
from desktop.jobs import SearchIndexJob, refuse_writes
from desktop.pair_process import pair_figures
from desktop.review.adjudication_tab import PlanJob
from desktop.service import Service
from desktop.transfer_jobs import ExportJob
from tests.window_helpers import ran

pytestmark = pytest.mark.gui
DAMAGE = "s.sqlite: the store file is damaged (page 7)"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A store of a few documents, none of them in the search index yet, with spans of two
    annotators."""
    store = Store.open(tmp_path / "s.sqlite")
    store.import_documents([AnnotatedDocument(Document(f"Report {n}: the convoy was ambushed.",
                                                       f"Report {n}"), [], [])
                            for n in range(5)])
    for doc in store.list_documents():
        for who in ("amina", "bo"):
            store.apply(CreateSpan(Span(doc.uid, 0, 6, "CLAIM", who)), who)
    yield store
    store.close()


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each walk of a store file's pages (quick_check) from now on."""
    walked: list[str] = []
    damage: Callable = trust.damage

    def counted(conn):  # type: ignore[no-untyped-def]
        walked.append("quick_check")
        return damage(conn)
    monkeypatch.setattr(trust, "damage", counted)
    monkeypatch.setattr(jobs, "_damaged", {})
    monkeypatch.setattr(jobs, "_files", {})
    return walked


def test_a_job_does_not_walk_the_pages_again(qtbot, store: Store, walks: list[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "PAUSE_S", 0)  # whenever the window last wrote
    assert store.search_index_behind()
    assert ran(SearchIndexJob(store.address)) == [("finished", True)]
    assert not store.search_index_behind()
    assert walks == []  # the old code walked the whole file for each job


def test_an_export_job_does_not_walk_the_pages_again(qtbot, store: Store, walks: list[str],
                                                     tmp_path: Path) -> None:
    job = ExportJob(store.address, tmp_path / "out.jsonl", "native", ExportFilter())
    opened = job.open_store()
    try:
        assert len(opened.list_documents()) == 5
    finally:
        opened.close()
    assert walks == []


def test_the_pair_figures_child_does_not_walk_the_pages_again(
        store: Store, walks: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The child's own code, run here (its request on stdin, its messages on a pipe)."""
    asked = (pair_figures, store.address, ("amina", "bo"))
    request = SimpleNamespace(buffer=BytesIO(pickle.dumps(asked)))
    monkeypatch.setattr(sys, "stdin", request)
    monkeypatch.setattr(sys, "stdout", sys.stdout)  # the child sends its prints to stderr
    readable, writable = os.pipe()
    child_process.main(writable)
    with os.fdopen(readable, "rb") as messages:
        said = [pickle.load(messages)]
        while said[-1][0] == "step":
            said.append(pickle.load(messages))
    kind, figures = said[-1]
    assert kind == "done" and figures.documents == 5
    assert walks == []


def test_no_job_writes_a_file_the_windows_check_found_damaged(
        qtbot, store: Store, walks: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "PAUSE_S", 0)  # whenever the window last wrote
    refuse_writes(store, "s.sqlite: the store file is damaged (page 7)")
    said = ran(SearchIndexJob(store.address))
    assert said == [("failed", "s.sqlite: the store file is damaged (page 7)")]
    assert store.search_index_behind()


def test_a_job_under_way_writes_no_more_once_the_check_finds_damage(
        qtbot, store: Store, walks: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The window starts the index job along with the check of the file's pages: a job that
    opened its store before the check ended writes no more once it says the file is damaged
    (on the old code it went on to the last document: all 5 indexed)."""
    monkeypatch.setattr(jobs, "PAUSE_S", 0)  # whenever the window last wrote
    monkeypatch.setattr(jobs, "INDEX_CHARACTERS", 1)  # a transaction per document
    job = SearchIndexJob(store.address)
    step = job.step

    def checked(done: int, total: int) -> None:
        if done == 1:
            refuse_writes(store, DAMAGE)  # the window hears the check's finding
        step(done, total)
    job.step = checked  # type: ignore[method-assign]
    assert ran(job) == [("failed", DAMAGE)]
    assert len(store.list_documents(search_text="convoy", index=False)) == 1


def test_jobs_write_to_a_backup_restored_over_a_damaged_file(
        qtbot, store: Store, walks: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The remedy for a damaged file: the window's store opened on the backup restored over it
    is written, and so is its jobs' (the old code refused them for as long as it ran)."""
    monkeypatch.setattr(jobs, "PAUSE_S", 0)  # whenever the window last wrote
    monkeypatch.setattr(Service, "index_for_search", lambda _service: False)  # only ours
    chosen = backup(store.engine)
    assert chosen is not None
    service = Service(store, "amina")
    refuse_writes(store, DAMAGE)  # as the window's check of its pages
    try:
        assert service.restore_backup(chosen)
        assert ran(SearchIndexJob(service.store.address)) == [("finished", True)]
        assert not service.store.search_index_behind()
    finally:
        service.store.close()


def put_in_place(path: Path, tmp_path: Path, gone: str) -> None:
    """Another store copied over the file at ``path`` ("replaced"), or the file deleted."""
    if gone == "replaced":
        other = Store.open(tmp_path / "other.sqlite")
        other.import_documents([AnnotatedDocument(Document("Another convoy.", "Other"), [], [])])
        other.close()
        os.replace(tmp_path / "other.sqlite", path)
    else:
        path.unlink()


@pytest.mark.parametrize("gone", ["replaced", "deleted"])
def test_no_job_opens_another_file_put_where_the_windows_was(
        qtbot, store: Store, walks: list[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path, gone: str) -> None:
    """Another store copied over the window's file, or the file deleted: the window's writes
    are refused then, and its jobs read and write neither that other store nor a new empty
    one at the name (the old code indexed the other store, or made one)."""
    monkeypatch.setattr(jobs, "PAUSE_S", 0)  # whenever the window last wrote
    monkeypatch.setattr(Service, "index_for_search", lambda _service: False)  # only ours
    service = Service(store, "amina")
    path = Path(store.address)
    put_in_place(path, tmp_path, gone)
    (kind, message), = ran(SearchIndexJob(store.address))
    assert kind == "failed" and "moved, deleted or replaced" in message
    if gone == "replaced":
        left = Store.open(path)
        assert left.search_index_behind()  # the other store left as it was
        left.close()
    else:
        assert not path.exists()
    service.store.close()


@pytest.mark.parametrize("gone", ["replaced", "deleted"])
def test_no_child_process_opens_another_file_put_where_the_windows_was(
        qtbot, store: Store, walks: list[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path, gone: str) -> None:
    """The same for a job whose work runs in a child process (the Dashboard's pair figures;
    the Adjudication tab's alignment of a long document): no child is started on it (the
    pair's child opened the other store, or made an empty one where the file was)."""
    service = Service(store, "amina")
    started: list[object] = []
    monkeypatch.setattr(child_process, "in_child", lambda *args: started.append(args))
    put_in_place(Path(store.address), tmp_path, gone)
    (kind, message), = ran(PairJob(store.address, "amina", "bo"))
    assert kind == "failed" and "moved, deleted or replaced" in message
    assert started == []
    service.store.close()


def test_the_review_job_reads_no_other_file_put_where_the_windows_was(
        qtbot, store: Store, walks: list[str], tmp_path: Path) -> None:
    """The Adjudication tab's job attaches to the store without an open's checks (a tenth of
    its cost): to the window's file or none (the old code read another store copied over it,
    never vetted)."""
    service = Service(store, "amina")
    uid = store.list_documents()[0].uid
    other = Store.open(tmp_path / "other.sqlite")
    other.close()
    os.replace(tmp_path / "other.sqlite", store.address)
    with pytest.raises(StoreFileGone):
        PlanJob(store.address, uid, [], 0).open_store()
    service.store.close()
