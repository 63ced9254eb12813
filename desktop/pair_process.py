"""The dashboard's pair figures (agreement and label confusion of two annotators over the whole
corpus), computed in a child process. Reading the corpus and aligning its spans is pure
Python: in a thread of the window it held the window's GIL for as long, and the window's
thread waited its turn at each call into Qt while drawing (a stall of a few tenths of a second
after each edit on 2,000 documents); it also held the corpus in the window's memory.

The child is a Python running :func:`main` (no Qt). It reads one pickled request
(location, a, b) from its stdin (the location may hold a server's password: never an
argument, which others can list), and writes pickled messages to a pipe of their own:
``("step", done, total)`` at most every :data:`STEP_EVERY_S`, then ``("done", PairFigures)``
or ``("failed", plain message)``. Its standard output is not that pipe: what a start-up file
or a library writes there (C libraries included) goes nowhere, what Python prints goes to its
stderr. Its modules are the program's: the folder the window was started from is not on its
path (``-P``), where a user's own ``annotate.py`` or ``pickle.py`` would be imported instead."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from annotate.errors import CounterclaimError, plain_message

if TYPE_CHECKING:
    from annotate.agreement import F1, Metric
    from db.store import Store

ROOT = str(Path(__file__).resolve().parent.parent)
"""The folder holding the program's packages (the child's path has it, last)."""
STEP_EVERY_S = 0.05
"""At most one progress message per this many seconds."""

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class PairFigures:
    """What the dashboard shows for annotators ``a`` and ``b``."""

    a: str
    b: str
    documents: int
    kappa: Mapping[str, Metric]
    overlap: Mapping[str, F1]
    confusion: Mapping[tuple[str, str], int]


def pair_figures(store: Store, a: str, b: str, progress: Progress | None = None) -> PairFigures:
    """Agreement and label confusion of ``a`` and ``b`` over every document of ``store``."""
    from annotate.agreement import compute_agreement, label_confusion

    docs = list(store.iter_documents(annotators=[a, b]))
    figures = compute_agreement(docs, [a, b], progress=progress).pair(a, b)
    confusion = label_confusion(docs, a, b, progress=progress)
    return PairFigures(a, b, figures.documents, dict(figures.kappa), dict(figures.overlap),
                       confusion)


def in_child(location: str, a: str, b: str, progress: Progress,
             started: Callable[[subprocess.Popen[bytes]], None]) -> PairFigures:
    """:func:`pair_figures` of the store at ``location``, in a child process (told to
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
                pickle.dump((location, a, b), child.stdin)
            while True:
                try:
                    kind, *rest = pickle.load(messages)
                except EOFError:
                    raise CounterclaimError(f"the agreement process stopped (exit status "
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
    """What the child runs: :func:`main` writing to file descriptor ``messages`` (its figures
    pickled as this module's, not ``__main__``'s)."""
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
    pickle.dump(message, out)
    out.flush()


def main(messages: int) -> None:
    """The child: one request on stdin, its messages on file descriptor ``messages`` (see
    the module's text)."""
    out = os.fdopen(messages, "wb")
    sys.stdout = sys.stderr  # a library's print is seen
    location, a, b = pickle.load(sys.stdin.buffer)
    from db.store import Store

    try:
        store = Store.open(location, check_pages=False)  # the window checks its pages
        try:
            figures = pair_figures(store, a, b, _steps(out))
        finally:
            store.close()
    except Exception as exc:  # the window must hear of every failure, whatever it is
        _send(out, "failed", plain_message(exc))
    else:
        _send(out, "done", figures)

