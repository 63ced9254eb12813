"""The spare child process (desktop.child_process): once a request has been answered, the next
is served by a child started beforehand, which imported its modules while it waited; never by
one started in another environment or folder, or one that has ended; and none is left once
the window's jobs have stopped."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_pair_child import in_process  # beside this file

from annotate.errors import CounterclaimError
from desktop import child_process
from desktop.child_process import in_child
from desktop.jobs import stop_jobs
from desktop.pair_process import PairFigures, pair_figures


@pytest.fixture(autouse=True)
def no_spare() -> Iterator[None]:
    """Each test starts and ends with no spare child."""
    child_process.let_go()
    yield
    child_process.let_go()


def figures(path: Path, pids: list[int]) -> PairFigures:
    """The pair figures computed in a child, whose process id goes to ``pids``."""
    def started(child: subprocess.Popen[bytes]) -> None:
        pids.append(child.pid)

    return in_child(pair_figures, str(path), ("amina", "bo"), lambda _done, _total: None,
                    started)


def spare() -> subprocess.Popen[bytes]:
    kept = child_process._spare
    assert kept is not None, "no spare child was started"
    return kept.process


def test_the_next_request_is_served_by_the_spare_started_after_the_last(
        store_path: Path) -> None:
    pids: list[int] = []
    assert figures(store_path, pids) == in_process(store_path)
    waiting = spare()
    assert waiting.poll() is None and waiting.pid != pids[0]
    assert figures(store_path, pids) == in_process(store_path)
    assert pids[1] == waiting.pid
    assert spare().pid not in pids  # a new spare for the request after


def test_the_spare_imports_the_works_module_before_its_request(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A module that leaves a mark when imported stands for the work's."""
    mark = tmp_path / "imported"
    (tmp_path / "warm_mark.py").write_text(f"open({str(mark)!r}, 'w').close()\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    child = child_process._Child("warm_mark")
    try:
        deadline = time.monotonic() + 60
        while not mark.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert mark.exists() and child.process.poll() is None  # imported, and waiting
    finally:
        child.close()


def test_a_spare_started_in_another_environment_or_folder_is_not_used(
        store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pids: list[int] = []
    figures(store_path, pids)
    elsewhere = spare()
    monkeypatch.setenv("COUNTERCLAIM_SPARE_TEST", "1")  # as a start-up file's folder would be
    assert figures(store_path, pids) == in_process(store_path)
    assert pids[-1] != elsewhere.pid and elsewhere.poll() is not None  # ended, not used
    moved = spare()
    monkeypatch.chdir(tmp_path)
    figures(store_path, pids)
    assert pids[-1] != moved.pid and moved.poll() is not None


def test_a_spare_that_has_ended_is_replaced(store_path: Path) -> None:
    pids: list[int] = []
    figures(store_path, pids)
    gone = spare()
    gone.kill()
    gone.wait()
    assert figures(store_path, pids) == in_process(store_path)
    assert pids[-1] != gone.pid


def test_a_failed_request_leaves_a_spare_and_a_cancelled_one_none(store_path: Path) -> None:
    """A request the child answered with its failure is answered: a spare follows. One whose
    child was killed (a cancel) was not: the window may be closing."""
    with pytest.raises(CounterclaimError, match="the store file is gone"):
        in_child(pair_figures, str(store_path.with_name("none.sqlite")), ("amina", "bo"),
                 lambda _done, _total: None, lambda _child: None)
    assert spare().poll() is None
    child_process.let_go()

    def killed(child: subprocess.Popen[bytes]) -> None:
        child.kill()

    with pytest.raises(CounterclaimError, match="the background process stopped"):
        in_child(pair_figures, str(store_path), ("amina", "bo"), lambda _done, _total: None,
                 killed)
    assert child_process._spare is None


def test_no_spare_is_left_once_the_jobs_have_stopped(qapp, store_path: Path) -> None:
    figures(store_path, [])
    waiting = spare()
    stop_jobs()
    assert child_process._spare is None
    assert waiting.poll() is not None


def test_a_spare_whose_window_ended_without_asking_ends_quietly(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The child's own code, run here: its input closed before any request (the window ended,
    killed), it writes no message (to no one: a broken pipe's traceback on the terminal)."""
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=BytesIO()))
    monkeypatch.setattr(sys, "stdout", sys.stdout)  # the child sends its prints to stderr
    readable, writable = os.pipe()
    child_process.main(writable, "json")
    with os.fdopen(readable, "rb") as messages:
        assert messages.read() == b""
