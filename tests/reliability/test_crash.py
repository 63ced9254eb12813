"""Killing a writer at random moments loses no committed edit and leaves nothing half-done.

A writer process (see crash_child.py) edits one store file and reports each edit the moment
the store has committed it; the test kills it with SIGKILL a random few milliseconds after
its first edit, again and again on the same file. After every kill: PRAGMA integrity_check
is ok; every edit reported committed is there (a later committed but unreported edit, at
most one, may explain a difference); the journal replayed from the start gives exactly the
span and status tables (no span without its journal row, no journal row without its
effect); and undo/redo of the last edit work.

``COUNTERCLAIM_CRASH_KILLS`` sets the number of kills of the store writer (default 200) and
``COUNTERCLAIM_GUI_CRASH_KILLS`` that of the window (default 20).
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from reliability_checks import JournalModel, Reported, connect_ro, integrity

from annotate.model import AnnotatedDocument
from annotate.samples import sample_documents
from db.store import Store

CHILD = Path(__file__).with_name("crash_child.py")
ROOT = Path(__file__).resolve().parents[2]
ANNOTATOR = "crash"
STORE_KILLS = int(os.environ.get("COUNTERCLAIM_CRASH_KILLS", "200"))
GUI_KILLS = int(os.environ.get("COUNTERCLAIM_GUI_CRASH_KILLS", "20"))
LINE_TIMEOUT_S = 60


class Writer:
    """The forking writer process, read line by line with a timeout."""

    def __init__(self, store: Path, gui: bool, log: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD), str(store), *(["--gui"] if gui else [])],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log.open("w"), text=True,
            bufsize=1, env=env, cwd=ROOT)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def line(self) -> str:
        try:
            return self.lines.get(timeout=LINE_TIMEOUT_S)
        except queue.Empty:
            raise AssertionError(f"the writer said nothing for {LINE_TIMEOUT_S} s; its log:\n"
                                 + self.log.read_text()) from None

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def make_store(path: Path) -> None:
    store = Store.open(path)
    store.import_documents(AnnotatedDocument(d) for d in sample_documents())
    store.close()


def check_after_kill(path: Path, model: JournalModel, reported: Reported, edits: int) -> None:
    assert integrity(path) == "ok"
    with connect_ro(path) as conn:
        rows = model.catch_up(conn)
        assert len(rows) >= edits, f"{edits} edits reported committed, {len(rows)} journaled"
        reported.check(conn, ANNOTATOR, rows[edits:])
        model.check_tables(conn)
    conn.close()
    store = Store.open(path)  # the journal replays: undo and redo the last edit
    try:
        for step in (store.undo, store.redo):
            if step(ANNOTATOR) is None:
                break
            with connect_ro(path) as conn:
                assert len(model.catch_up(conn)) == 1
                model.check_tables(conn)
            conn.close()
    finally:
        store.close()


def kill_repeatedly(path: Path, kills: int, gui: bool, window_ms: tuple[int, int],
                    log: Path) -> dict[str, int]:
    """Run ``kills`` writers on ``path``, each killed a random time in ``window_ms`` after
    its first committed edit; check the file after each. Returns what was done."""
    rng = random.Random(20261121)
    model, reported = JournalModel(), Reported()
    with connect_ro(path) as conn:
        model.catch_up(conn)
        model.check_tables(conn)
    conn.close()
    writer = Writer(path, gui, log)
    total = 0
    try:
        for n in range(kills):
            writer.send(f"go {n}")
            ready = writer.line()
            assert ready.startswith("ready "), ready
            pid = int(ready.split()[1])
            first = writer.line()  # the window counts from the first committed edit
            assert reported.take(first), f"unexpected line from the writer: {first!r}"
            time.sleep(rng.uniform(*window_ms) / 1000)
            os.kill(pid, signal.SIGKILL)
            writer.send("reap")
            edits = 1
            while not (line := writer.line()).startswith("dead "):
                assert reported.take(line), f"unexpected line from the writer: {line!r}"
                edits += 1
            status = int(line.split()[2])
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, \
                "the writer stopped on its own:\n" + log.read_text()
            check_after_kill(path, model, reported, edits)
            total += edits
    finally:
        writer.close()
    return {"kills": kills, "edits_reported": total, "journal_rows": model.rows,
            "spans_at_end": len(model.spans)}


def test_store_writer_killed_repeatedly_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "crash.sqlite"
    make_store(path)
    started = time.perf_counter()
    done = kill_repeatedly(path, STORE_KILLS, False, (5, 60), tmp_path / "writer.log")
    print(f"store writer: {done}, {time.perf_counter() - started:.1f} s")
    assert done["kills"] == STORE_KILLS
    assert done["edits_reported"] >= STORE_KILLS  # the writer really edited between kills
    assert done["journal_rows"] >= done["edits_reported"]


@pytest.mark.gui
def test_window_killed_repeatedly_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "crash.sqlite"
    make_store(path)
    started = time.perf_counter()
    done = kill_repeatedly(path, GUI_KILLS, True, (150, 600), tmp_path / "window.log")
    print(f"window: {done}, {time.perf_counter() - started:.1f} s")
    assert done["kills"] == GUI_KILLS
    assert done["edits_reported"] >= GUI_KILLS
