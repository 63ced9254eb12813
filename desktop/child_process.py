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
(:class:`desktop.jobs.ChildJob`), which kills the child when cancelled.

A child's start is ~0.5 s of the request's time, mostly imports (the store's modules, the
work's). So once a request has ended, a spare child is started at once, at the worker's
priority, and imports them while it waits for the next request (~45 MB): the Dashboard's pair
figures after each edit, or the next long document's alignment, then start at once. A spare is
used only by a request made in the environment and folder it was started in, and is let go
when the window's jobs stop (:func:`let_go`); the program's end closes its standard input, and
it ends."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from importlib import import_module
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


class _Child:
    """A child process started, waiting for its request; the read end of its messages."""

    def __init__(self, warm: str) -> None:
        self.started_in = (dict(os.environ), os.getcwd())
        readable, writable = os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-P", "-c", child_code(writable, warm)],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, pass_fds=(writable,))
        except BaseException:
            os.close(readable)
            raise
        finally:
            os.close(writable)  # the child's copy alone: its end is the pipe's end
        self.messages = os.fdopen(readable, "rb")

    def usable(self) -> bool:
        """Whether it still waits, started where and as a new child would be."""
        return self.process.poll() is None and self.started_in == (dict(os.environ),
                                                                    os.getcwd())

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.messages.close()


_spare: _Child | None = None
_spare_lock = threading.Lock()


def _child(warm: str) -> _Child:
    """The spare, when it can serve; else a child started now."""
    global _spare
    with _spare_lock:
        spare, _spare = _spare, None
    if spare is not None:
        if spare.usable():
            return spare
        spare.close()
    return _Child(warm)


def _keep_spare(warm: str) -> None:
    global _spare
    with _spare_lock:
        if _spare is None:
            _spare = _Child(warm)


def let_go() -> None:
    """End the spare child (the window's jobs have stopped: none is asking)."""
    global _spare
    with _spare_lock:
        spare, _spare = _spare, None
    if spare is not None:
        spare.close()


def in_child(work: Work[T], location: str, args: tuple[Any, ...], progress: Progress,
             started: Callable[[subprocess.Popen[bytes]], None]) -> T:
    """``work(store, *args)`` on the store at ``location``, in a child process (told to
    ``started``, which may kill it); its steps go to ``progress``, which may raise Cancelled
    (the child is then killed). CounterclaimError when the child failed or stopped. Once the
    child has answered, a spare is started for the next request."""
    child = _child(work.__module__)
    answered = False
    try:
        started(child.process)
        assert child.process.stdin is not None
        try:
            with child.process.stdin:
                pickle.dump((work, location, args), child.process.stdin,
                            pickle.HIGHEST_PROTOCOL)
        except BrokenPipeError:
            pass  # it ended before reading the request: its messages say why
        while True:
            try:
                kind, *rest = pickle.load(child.messages)
            except EOFError:
                raise CounterclaimError(f"the background process stopped (exit status "
                                        f"{child.process.wait()})") from None
            if kind == "step":
                progress(*rest)
                continue
            answered = True
            if kind == "done":
                return rest[0]
            raise CounterclaimError(rest[0])
    finally:
        child.close()
        if answered:
            _keep_spare(work.__module__)


def child_code(messages: int, warm: str) -> str:
    """What the child runs: :func:`main` writing to file descriptor ``messages``, having
    imported module ``warm`` (its results pickled as their modules', not ``__main__``'s)."""
    return (f"import sys; sys.path.append({ROOT!r}); "
            f"from {__name__} import main; main({messages}, {warm!r})")


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


def main(messages: int, warm: str = "") -> None:
    """The child: the store's modules and module ``warm`` imported, then one request on
    stdin, its messages on file descriptor ``messages`` (see the module's text)."""
    sys.stdout = sys.stderr  # a library's print is seen
    with os.fdopen(messages, "wb") as out:
        try:
            from db.store import Store

            if warm:
                with suppress(ImportError):  # the request imports it again, says what failed
                    import_module(warm)
            try:
                work, location, args = pickle.load(sys.stdin.buffer)
            except EOFError:
                return  # a spare whose window has ended: no one asked, no one hears
            store: Store = Store.attach(location)
            try:
                result = work(store, *args, progress=_steps(out))
            finally:
                store.close()
        except Exception as exc:  # the window must hear of every failure, whatever it is
            _send(out, "failed", plain_message(exc))
        else:
            _send(out, "done", result)
