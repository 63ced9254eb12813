"""Background import/export jobs and their dialogs, driven offscreen without blocking."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from annotate import formats
from annotate.errors import CounterclaimError
from annotate.formats import native, workers
from annotate.formats.base import ImportOptions, name_map
from annotate.model import AnnotatedDocument, Document, Relation, Span
from db.store import Store
from db.transfer import ExportFilter, FileResult, Split, export
from desktop.dialogs.transfer import (
    EXPORT_CANCELLED,
    IMPORT_CANCELLED,
    ExportDialog,
    ImportDialog,
    checked,
)
from desktop.jobs import BACKGROUND_NICE, Job, start_work
from desktop.transfer_jobs import (
    CANCELLED,
    SKIPPED,
    ExportJob,
    ExportOutcome,
    ImportJob,
)

pytestmark = pytest.mark.gui
TIMEOUT_MS = 60_000


class Hub(QObject):
    storeChanged = Signal()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "s.sqlite")
    yield store
    store.close()


@pytest.fixture
def service(store: Store) -> SimpleNamespace:
    return SimpleNamespace(store=store, annotator="ana", hub=Hub())


def record(n: int, tag: str) -> AnnotatedDocument:
    text = f"Report {tag}-{n}: the army said the convoy was attacked near the river."
    doc = Document(text, f"{tag} {n}")
    start = text.index("army")
    org = Span(doc.uid, start, start + 4, "ORG", "ana")
    start = text.index("Report")
    claim = Span(doc.uid, start, start + 6, "CLAIM", "ana")
    return AnnotatedDocument(doc, (org, claim), (Relation("CLAIMED_BY", claim.id, org.id, "ana"),),
                             {"ana": "done"})


def jsonl(path: Path, count: int, tag: str) -> Path:
    path.write_text("".join(native.encode(record(i, tag)) + "\n" for i in range(count)),
                    encoding="utf-8")
    return path


def run(qtbot, job: ImportJob | ExportJob) -> object:
    with qtbot.waitSignal(job.signals.finished, timeout=TIMEOUT_MS) as blocker:
        job.start()
    return blocker.args[0]


# -- import job -------------------------------------------------------------------------------
def test_import_job_lands_files(qtbot, store: Store, tmp_path: Path) -> None:
    a, b = jsonl(tmp_path / "a.jsonl", 3, "a"), jsonl(tmp_path / "b.jsonl", 2, "b")
    done: list[FileResult] = []
    job = ImportJob(store.location, [a, b], ImportOptions())
    job.signals.fileDone.connect(done.append)
    results = run(qtbot, job)
    assert [r.path for r in results] == [a, b] == [r.path for r in done]
    assert [r.summary.documents_added for r in results] == [3, 2]
    assert store.count_documents() == 5
    assert store.span_count("ana") == 10
    assert store.stats()["relations"] == 5


def test_cancel_rolls_back_the_file_being_read_only(qtbot, store: Store, tmp_path: Path) -> None:
    jsonl(tmp_path / "before.jsonl", 1, "old")
    store.import_documents(native.read(tmp_path / "before.jsonl"))
    small = jsonl(tmp_path / "small.jsonl", 3, "small")
    big = jsonl(tmp_path / "big.jsonl", 2000, "big")
    later = jsonl(tmp_path / "later.jsonl", 2, "later")
    before = store.count_documents()
    job = ImportJob(store.location, [small, big, later], ImportOptions())
    job.report_every = 0  # every chunk reported, so the cancel lands inside the big file

    def cancel_inside_big(file: str, documents: int) -> None:  # runs on the worker thread
        if file == str(big) and documents > 0:
            job.cancel()

    job.signals.progress.connect(cancel_inside_big, Qt.ConnectionType.DirectConnection)
    results = run(qtbot, job)
    assert [r.error for r in results] == [None, f"{big}: {CANCELLED}", f"{later}: {SKIPPED}"]
    assert results[0].summary.documents_added == 3
    assert store.count_documents() == before + 3
    assert not any(row.title.startswith("big") for row in store.list_documents())


def test_bad_file_reported_while_others_import(qtbot, store: Store, tmp_path: Path) -> None:
    good = jsonl(tmp_path / "good.jsonl", 2, "good")
    bad = jsonl(tmp_path / "bad.jsonl", 3, "bad")
    lines = bad.read_text(encoding="utf-8").splitlines()
    bad.write_text(f"{lines[0]}\n{{not json\n{lines[2]}\n", encoding="utf-8")
    other = jsonl(tmp_path / "other.jsonl", 4, "other")
    results = run(qtbot, ImportJob(store.location, [good, bad, other], ImportOptions(),
                                   forced="native"))
    assert results[0].error is None and results[2].error is None
    assert "line 2" in results[1].error and "not valid JSON" in results[1].error
    assert store.count_documents() == 6


def test_gui_timer_keeps_firing_during_import(qtbot, store: Store, tmp_path: Path) -> None:
    big = jsonl(tmp_path / "big.jsonl", 2000, "big")
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    job = ImportJob(store.location, [big], ImportOptions())
    ended: list[float] = []
    job.signals.finished.connect(lambda _r: ended.append(time.monotonic()))
    started = time.monotonic()
    timer.start()
    results = run(qtbot, job)
    timer.stop()
    assert results[0].summary.documents_added == 2000
    fired_during = [t for t in ticks if t < ended[0]]
    print(f"import of 2000 documents: {ended[0] - started:.2f} s, "
          f"GUI timer fired {len(fired_during)} times meanwhile")
    assert len(fired_during) >= 5


# -- export job -------------------------------------------------------------------------------
@pytest.mark.parametrize("split", [None, Split((0.5, 0.5), seed=3)])
def test_export_job_writes_what_export_writes(qtbot, store: Store, tmp_path: Path,
                                              split: Split | None) -> None:
    store.import_documents(native.read(jsonl(tmp_path / "in.jsonl", 30, "x")))
    filters = ExportFilter(annotators=["ana"])
    direct = export(store, tmp_path / "direct" / "out.jsonl", "native", filters, split)
    outcome = run(qtbot, ExportJob(store.location, tmp_path / "job" / "out.jsonl", "native",
                                   filters, split))
    assert isinstance(outcome, ExportOutcome) and not outcome.cancelled
    assert len(outcome.outputs) == len(direct) == (1 if split is None else 2)
    for (path, report), (want_path, want_report) in zip(outcome.outputs, direct, strict=True):
        assert path.name == want_path.name
        assert path.read_bytes() == want_path.read_bytes()
        assert report.summary() == want_report.summary()


@pytest.mark.parametrize("fmt", ["conll", "spacy"])
def test_export_job_builds_in_worker_processes(qtbot, store: Store, tmp_path: Path,
                                               small_chunks, start_methods, monkeypatch,
                                               fmt: str) -> None:
    """From the window's export thread, a large export's worker processes (never forks of the
    window's process) write the file a single process writes."""
    store.import_documents(native.read(jsonl(tmp_path / "in.jsonl", 20, "x")))
    outcome = run(qtbot, ExportJob(store.location, tmp_path / "job" / f"out.{fmt}", fmt,
                                   ExportFilter()))
    assert small_chunks.started == 1 and start_methods == ["forkserver"]
    monkeypatch.setattr(workers, "PARALLEL_FROM", 10**9)
    [(want_path, want_report)] = export(store, tmp_path / "direct" / f"out.{fmt}", fmt)
    [(path, report)] = outcome.outputs
    assert path.read_bytes() == want_path.read_bytes()
    assert report == want_report and report.documents == 20


def test_cancelled_export_leaves_no_file(qtbot, store: Store, tmp_path: Path) -> None:
    store.import_documents(native.read(jsonl(tmp_path / "in.jsonl", 600, "x")))
    folder = tmp_path / "out"
    folder.mkdir()
    job = ExportJob(store.location, folder / "out.jsonl", "native", ExportFilter())
    job.report_every = 0  # every document reported
    seen_at_cancel: list[list[str]] = []

    def cancel_midway(_file: str, documents: int) -> None:  # runs on the worker thread
        if documents >= 300 and not job.cancelled:
            seen_at_cancel.append(os.listdir(folder))
            job.cancel()

    job.signals.progress.connect(cancel_midway, Qt.ConnectionType.DirectConnection)
    outcome = run(qtbot, job)
    assert outcome.cancelled and outcome.outputs == []
    assert len(seen_at_cancel) == 1 and seen_at_cancel[0][0].endswith(".tmp")  # was writing
    assert os.listdir(folder) == []


def test_cancelled_large_export_stops_its_workers(qtbot, store: Store, tmp_path: Path,
                                                  small_chunks) -> None:
    store.import_documents(native.read(jsonl(tmp_path / "in.jsonl", 60, "x")))
    folder = tmp_path / "out"
    folder.mkdir()
    job = ExportJob(store.location, folder / "out.spacy", "spacy", ExportFilter())
    job.report_every = 0

    def cancel_midway(_file: str, documents: int) -> None:  # runs on the worker thread
        if documents >= 30 and not job.cancelled:
            job.cancel()

    job.signals.progress.connect(cancel_midway, Qt.ConnectionType.DirectConnection)
    outcome = run(qtbot, job)
    assert outcome.cancelled and outcome.outputs == []
    assert small_chunks.started == 1
    assert multiprocessing.active_children() == []
    assert os.listdir(folder) == []


# -- dialogs -----------------------------------------------------------------------------------
def test_import_dialog_summary_lists_files_and_errors(qtbot, service, store: Store,
                                                      tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"  # doccano, whose labels go through the label map
    good.write_text("".join(json.dumps({"text": f"Text {i}: the army came.",
                                        "label": [[13, 17, "ARMY"], [0, 4, "CLAIM"]]}) + "\n"
                            for i in range(2)), encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "A short text.", "spans": [{"start": 3, "end": 99}]}\n',
                   encoding="utf-8")
    dialog = ImportDialog(None, service)
    qtbot.addWidget(dialog)
    dialog.set_paths([good, bad])
    dialog.label_map.setPlainText("ARMY=ORG\n")
    dialog.annotator.setText("bob")
    with qtbot.waitSignal(service.hub.storeChanged, timeout=TIMEOUT_MS), \
            qtbot.waitSignal(dialog.ended, timeout=TIMEOUT_MS):
        dialog.accept()
    text = dialog.summary.text()
    bad_result = next(r for r in dialog.results if r.path == bad)
    assert bad_result.error and bad_result.error in text and text.count(str(bad)) == 1
    assert f"{good}: 2 new documents (0 already stored)\n  bob: spans 4 added\n" in text
    assert "Imported 1 of 2 files." in text
    assert store.count_documents(label="ORG") == 2  # ARMY mapped to ORG
    assert store.span_count("bob") == 4  # the annotator for files that name none
    [entry] = store.history(op="import")  # journaled as done by the window's annotator
    assert (entry.annotator, entry.payload["file"]) == ("ana", str(good))


def test_import_dialog_summary_names_the_files_a_folder_import_left_out(
        qtbot, service, store: Store, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("PRIVATE KEY", encoding="utf-8")
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "good.txt").write_text("A good text.", encoding="utf-8")
    (folder / "key.txt").symlink_to(tmp_path / "secret.txt")
    os.mkfifo(folder / "pipe.txt")
    dialog = ImportDialog(None, service)
    qtbot.addWidget(dialog)
    dialog.set_paths([folder])
    with qtbot.waitSignal(dialog.ended, timeout=TIMEOUT_MS):
        dialog.accept()
    lines = dialog.summary.text().splitlines()
    assert lines[0] == "Imported 1 of 3 files."
    assert f"{folder / 'key.txt'}: left out: a symbolic link to {tmp_path / 'secret.txt'}, " \
           "outside the folder: not followed" in lines
    assert f"{folder / 'pipe.txt'}: left out: a FIFO (named pipe), not a regular file: " \
           "not read" in lines
    assert [r.document.text for r in store.iter_documents()] == ["A good text."]


def test_import_dialog_check_only_reports_clashes_and_writes_nothing(
        qtbot, service, store: Store, tmp_path: Path) -> None:
    store.import_documents(native.read(jsonl(tmp_path / "ours.jsonl", 1, "ours")))
    peer = jsonl(tmp_path / "peer.jsonl", 2, "peer")  # native: a peer's work, also by "ana"
    changed: list[bool] = []
    service.hub.storeChanged.connect(lambda: changed.append(True))
    dialog = ImportDialog(None, service)
    qtbot.addWidget(dialog)
    dialog.set_paths([peer])
    dialog.dry_run.setChecked(True)
    with qtbot.waitSignal(dialog.ended, timeout=TIMEOUT_MS):
        dialog.accept()
    text = dialog.summary.text()
    assert "Checked 1 of 1 files: nothing was written." in text
    assert f"{peer}: 2 new documents (0 already stored)" in text
    assert "  ana: spans 4 added; relations 2 added; statuses 2 added" in text
    assert "  Warning: annotator ana exists here too; 4 of their spans are new" in text
    assert store.count_documents() == 1 and store.span_count("ana") == 2
    assert changed == []


def test_import_dialog_annotator_map_brings_a_peer_in_under_another_name(
        qtbot, service, store: Store, tmp_path: Path) -> None:
    store.import_documents(native.read(jsonl(tmp_path / "ours.jsonl", 1, "ours")))
    dialog = ImportDialog(None, service)
    qtbot.addWidget(dialog)
    dialog.set_paths([jsonl(tmp_path / "peer.jsonl", 2, "peer")])
    dialog.annotator_map.setPlainText("ana=ana_peer\n")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.dry_run.setChecked(True)
    assert ok.text() == "Check"
    dialog.dry_run.setChecked(False)
    assert ok.text() == "Import"
    with qtbot.waitSignal(dialog.ended, timeout=TIMEOUT_MS):
        dialog.accept()
    assert "  ana_peer: spans 4 added; relations 2 added; statuses 2 added" in dialog.summary.text()
    assert "Warning" not in dialog.summary.text()
    assert (store.span_count("ana"), store.span_count("ana_peer")) == (2, 4)


def test_import_dialog_cancel_keeps_store(qtbot, service, store: Store, tmp_path: Path) -> None:
    big = jsonl(tmp_path / "big.jsonl", 3000, "big")
    dialog = ImportDialog(None, service)
    qtbot.addWidget(dialog)
    dialog.set_paths([big])
    with qtbot.waitSignal(dialog.ended, timeout=TIMEOUT_MS):
        dialog.accept()
        dialog.cancel_button.click()
        assert dialog.job.cancelled and dialog.progress.labelText() == "Cancelling…"
        assert dialog.progress.isVisible() and not dialog.cancel_button.isEnabled()
    assert IMPORT_CANCELLED in dialog.summary.text()
    # the cancel lands before the file begins or inside it, depending on the thread's speed
    assert dialog.results[0].error in (f"{big}: {CANCELLED}", f"{big}: {SKIPPED}")
    assert dialog.results[0].error in dialog.summary.text()
    assert store.count_documents() == 0


def test_import_dialog_form_errors_stay_in_the_form(qtbot, service, tmp_path: Path) -> None:
    dialog = ImportDialog(None, service)
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.job is None and "choose files" in dialog.error.text()
    dialog.set_paths([tmp_path])
    dialog.label_map.setPlainText("A=B\n\nnothing here\n")
    dialog.accept()
    assert dialog.job is None and "line 3" in dialog.error.text()


def test_label_map_lines() -> None:
    lines = " ARMY = ORG\n\nPLACE=LOCATION".splitlines()
    assert name_map(lines, "label map", "line") == {"ARMY": "ORG", "PLACE": "LOCATION"}
    with pytest.raises(Exception, match="line 1"):
        name_map(["=ORG"], "label map", "line")


def test_export_dialog_shows_paths_and_losses(qtbot, service, store: Store,
                                              tmp_path: Path) -> None:
    store.import_documents(native.read(jsonl(tmp_path / "in.jsonl", 5, "x")))
    dialog = ExportDialog(None, service)
    qtbot.addWidget(dialog)
    assert checked(dialog.annotators) == [a for a in store.annotators()]
    out = tmp_path / "out" / "corpus.jsonl"
    dialog.out.setText(str(out))
    dialog.format.setCurrentText("csv")
    assert dialog.out.text() == str(out.with_suffix(".csv"))
    with qtbot.waitSignal(dialog.ended, timeout=TIMEOUT_MS):
        dialog.accept()
    direct = export(store, tmp_path / "direct.csv", "csv", ExportFilter(store.annotators()))
    text = dialog.summary.text()
    assert text == f"{out.with_suffix('.csv')}: {direct[0][1].summary()}"
    assert "relations not carried" in text
    assert out.with_suffix(".csv").read_bytes() == (tmp_path / "direct.csv").read_bytes()


def test_export_dialog_split_and_cancel(qtbot, service, store: Store, tmp_path: Path) -> None:
    store.import_documents(native.read(jsonl(tmp_path / "in.jsonl", 2000, "x")))
    dialog = ExportDialog(None, service)
    qtbot.addWidget(dialog)
    dialog.out.setText(str(tmp_path / "out" / "c.jsonl"))
    dialog.split.setText("0.8,0.1,0.1")
    with qtbot.waitSignal(dialog.ended, timeout=TIMEOUT_MS):
        dialog.accept()
        dialog.cancel()
    assert dialog.summary.text() == EXPORT_CANCELLED
    assert not (tmp_path / "out").exists() or os.listdir(tmp_path / "out") == []


def test_export_dialog_shows_missing_spacy_plainly(qtbot, service, tmp_path: Path,
                                                   monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)  # ``import spacy`` now fails
    writer = formats.module("spacy")
    with pytest.raises(CounterclaimError) as missing:
        writer.write([], tmp_path / "probe.spacy", service.store.schema())
    dialog = ExportDialog(None, service)
    qtbot.addWidget(dialog)
    dialog.format.setCurrentText("spacy")
    dialog.out.setText(str(tmp_path / "c.spacy"))
    with qtbot.waitSignal(dialog.ended, timeout=TIMEOUT_MS):
        dialog.accept()
    assert "spaCy" in str(missing.value)
    assert dialog.summary.text() == f"Export failed: {missing.value}"
    assert [n for n in os.listdir(tmp_path) if not n.startswith("s.sqlite")] == []


def test_export_dialog_bad_split_stays_in_the_form(qtbot, service, tmp_path: Path) -> None:
    dialog = ExportDialog(None, service)
    qtbot.addWidget(dialog)
    dialog.out.setText(str(tmp_path / "c.jsonl"))
    dialog.split.setText("0.5,0.2")
    dialog.accept()
    assert dialog.job is None and "add up to 1" in dialog.error.text()


def test_memory_store_is_refused(qtbot) -> None:
    memory = Store.open("sqlite://")
    try:
        dialog = ImportDialog(None, SimpleNamespace(store=memory))
        qtbot.addWidget(dialog)
        dialog.set_paths([Path("x.txt")])
        dialog.accept()
        assert dialog.job is None and "memory" in dialog.error.text()
    finally:
        memory.close()


def test_the_dialogs_open_themselves(qtbot, service) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    ImportDialog(parent, service).open()
    ExportDialog(parent, service).open()
    shown = [d for d in parent.findChildren(QDialog) if d.isVisible()]
    assert sorted(type(d).__name__ for d in shown) == ["ExportDialog", "ImportDialog"]


def test_import_dialog_summary_names_a_bad_file_once(
        qtbot, service, store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "spans": [}\n', encoding="utf-8")
    dialog = ImportDialog(None, service)
    qtbot.addWidget(dialog)
    dialog.set_paths([bad])
    with qtbot.waitSignal(dialog.ended, timeout=TIMEOUT_MS):
        dialog.accept()
    [error] = [line for line in dialog.summary.text().splitlines() if str(bad) in line]
    assert error.count(str(bad)) == 1
    assert error.startswith(f"{bad}:line 1: not valid JSON")


def test_import_dialog_reads_conll_with_its_column_and_scheme(qtbot, service, store: Store
                                                              ) -> None:
    tsv = Path(__file__).resolve().parents[1] / "fixtures" / "conll" / "middle-column.tsv"

    def run(scheme: str) -> str:
        dialog = ImportDialog(None, service)
        qtbot.addWidget(dialog)
        assert dialog.column.text() == "last" and dialog.scheme.currentText() == "auto"
        dialog.set_paths([tsv])
        dialog.add_labels.setChecked(True)
        dialog.column.setValue(3)
        dialog.scheme.setCurrentText(scheme)
        with qtbot.waitSignal(dialog.ended, timeout=TIMEOUT_MS):
            dialog.accept()
        return dialog.summary.text()

    assert f"{tsv}:line 3: O inside the chunk of 'VEH': it has no E- end (BIOES)" in run("bioes")
    assert store.count_documents() == 0
    assert f"{tsv}: 1 new documents" in run("iob2")
    [doc] = store.iter_documents()
    assert [doc.document.text[s.start:s.end] for s in doc.spans] == ["convoy"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own priority is "
                    "Linux's (elsewhere the work keeps the GUI thread's)")
def test_work_runs_scheduled_below_the_gui_thread(qtbot) -> None:
    seen: dict[str, int] = {}

    def probe() -> None:
        seen["worker"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        seen["child"] = int(subprocess.check_output(
            [sys.executable, "-c", "import os; print(os.getpriority(os.PRIO_PROCESS, 0))"]))

    start_work(probe, held=False)
    qtbot.waitUntil(lambda: "child" in seen, timeout=TIMEOUT_MS)
    gui = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert seen["worker"] == min(gui + BACKGROUND_NICE, 19) > gui
    assert seen["child"] == seen["worker"]  # a child it starts (the pair's figures) as well
    assert os.getpriority(os.PRIO_PROCESS, os.getpid()) == gui  # the program is not lowered


def test_the_gui_thread_lets_go_of_a_job_whose_worker_outlived_its_last_signal(qtbot) -> None:
    """A job's worker goes on after its last signal (closing the job's store), and the GUI
    thread lets go of the job when it hears that signal: the job, its signals and the
    connections PySide holds for them are deleted on the GUI thread all the same, never on
    the worker's while the GUI thread uses them (a segfault in a pooled thread)."""
    heard = threading.Event()

    class Lingering(Job):
        held_at_start = False

        def run(self) -> None:
            self.signals.finished.emit(None)
            heard.wait(TIMEOUT_MS / 1000)  # until the GUI thread heard it and let go first

    held = [Lingering("unused")]
    deleted_on: list[threading.Thread] = []
    weakref.finalize(held[0], lambda: deleted_on.append(threading.current_thread()))

    def let_go(_result: object) -> None:
        held.clear()
        heard.set()
    held[0].signals.finished.connect(let_go)
    held[0].start()
    qtbot.waitUntil(lambda: bool(deleted_on), timeout=TIMEOUT_MS)
    assert deleted_on == [threading.main_thread()]


def test_an_error_in_work_on_the_pool_reaches_the_excepthook(qtbot, monkeypatch) -> None:
    """An exception out of work run on the pool is told to ``sys.excepthook``, as PySide's
    pool tells it (pytest-qt's hook fails the test that started the work; an application's
    hook hears of it), not only printed."""
    hooked: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, error, trace: hooked.append(error))

    def work() -> None:
        raise ValueError("broken work")
    start_work(work, held=False)
    qtbot.waitUntil(lambda: bool(hooked), timeout=TIMEOUT_MS // 10)
    assert [str(error) for error in hooked] == ["broken work"]
