"""The window's long pure-Python work computed in a child process: the Dashboard's pair
figures (:mod:`desktop.pair_process`) and the Adjudication tab's alignment of a long document
(:mod:`desktop.aligned_rows`). In a thread of the window such work holds the window's GIL for
as long, and the window's thread waits its turn at each call into Qt (a key press while the
tab aligned the 20,000-span document took ~8 ms instead of ~4.8; a stall of a few tenths of a
second after each edit on 2,000 documents while the pair was figured); it also held the
corpus in the window's memory.

The child is a Python running :func:`main` (no Qt). It reads one pickled request (work,
location, args) from its stdin: ``work`` a module-level function, pickled by its name; the
location may hold a server's password: never an argument, which others can list. It opens
its own Store on the location (:meth:`Store.attach`: the window has the store open, checked
and migrated), runs ``work(store, *args, progress=...)`` and writes pickled messages to a pipe
of their own: ``("step", done, total)`` at most every :data:`STEP_EVERY_S`, then ``("done",
result)`` or ``("failed", plain message)``. Its standard output is not that pipe: what a
start-up file or a library writes there (C libraries included) goes nowhere, what Python
prints goes to its stderr. Its modules are the program's: the folder the window was started
from is not on its path (``-P``), where a user's own ``annotate.py`` or ``pickle.py`` would be
imported instead. The window reads its messages on a worker thread
(:class:`desktop.jobs.ChildJob`), which kills the child when cancelled."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

from annotate.errors import CounterclaimError, plain_message

if TYPE_CHECKING:
    from db.store import Store

ROOT = str(Path(__file__).resolve().parent.parent)
"""The folder holding the program's packages (the child's path has it, last)."""
STEP_EVERY_S = 0.05
"""At most one progress message per this many seconds."""

Progress = Callable[[int, int], None]
T = TypeVar("T")
Work = Callable[..., T]
"""What a child runs: ``work(store, *args, progress=...)``, a module-level function of a
module that imports no Qt."""


def in_child(work: Work[T], location: str, args: tuple[Any, ...], progress: Progress,
             started: Callable[[subprocess.Popen[bytes]], None]) -> T:
    """``work(store, *args)`` on the store at ``location``, in a child process (told to
    ``started``, which may kill it); its steps go to ``progress``, which may raise Cancelled
    (the child is then killed). CounterclaimError when the child failed or stopped."""
    readable, writable = os.pipe()
    with os.fdopen(readable, "rb") as messages:
        try:
            child = subprocess.Popen([sys.executable, "-P", "-c", child_code(writable)],
                                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                     pass_fds=(writable,))
        finally:
            os.close(writable)  # the child's copy alone: its end is the pipe's end
        try:
            started(child)
            assert child.stdin is not None
            with child.stdin:
                pickle.dump((work, location, args), child.stdin, pickle.HIGHEST_PROTOCOL)
            while True:
                try:
                    kind, *rest = pickle.load(messages)
                except EOFError:
                    raise CounterclaimError(f"the background process stopped (exit status "
                                            f"{child.wait()})") from None
                if kind == "step":
                    progress(*rest)
                elif kind == "done":
                    return rest[0]
                else:
                    raise CounterclaimError(rest[0])
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()


def child_code(messages: int) -> str:
    """What the child runs: :func:`main` writing to file descriptor ``messages`` (its results
    pickled as their modules', not ``__main__``'s)."""
    return (f"import sys; sys.path.append({ROOT!r}); "
            f"from {__name__} import main; main({messages})")


def _steps(out: IO[bytes]) -> Progress:
    """A progress that writes ("step", done, total) to ``out``, at most every STEP_EVERY_S."""
    last = 0.0

    def step(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= STEP_EVERY_S:
            last = now
            _send(out, "step", done, total)
    return step


def _send(out: IO[bytes], *message: object) -> None:
    pickle.dump(message, out, pickle.HIGHEST_PROTOCOL)
    out.flush()


def main(messages: int) -> None:
    """The child: one request on stdin, its messages on file descriptor ``messages`` (see
    the module's text)."""
    out = os.fdopen(messages, "wb")
    sys.stdout = sys.stderr  # a library's print is seen
    try:
        work, location, args = pickle.load(sys.stdin.buffer)
        from db.store import Store

        store: Store = Store.attach(location)
        try:
            result = work(store, *args, progress=_steps(out))
        finally:
            store.close()
    except Exception as exc:  # the window must hear of every failure, whatever it is
        _send(out, "failed", plain_message(exc))
    else:
        _send(out, "done", result)
