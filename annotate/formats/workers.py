"""Building an export's output in worker processes, a chunk of documents at a time, in order.

A writer turns each record into a small, quickly pickled item (what the output of that
document needs), and hands the items to :func:`in_order` with a module-level ``build`` function
that turns a chunk of items into a picklable result (text, or a DocBin's state). An export of
fewer than ``PARALLEL_FROM`` documents, or on one processor, builds every chunk in this
process; a larger one uses worker processes and gets the results in the items' order, so the
output is the same either way.

How workers start: a thread that exports within :func:`fork_allowed` (the command line, which
runs no other thread) on Linux gets forks of its process, ready at once. Any other export (the
window's export thread) gets workers from a ``forkserver``, a clean process started once per
process (about a second) that imports the writers and spaCy, if installed, and stays up until
the process ends; a fork of a process whose other threads may hold locks is not safe. Where
there is no forkserver either (Windows), exports are built in the exporting process: starting
interpreters that each import spaCy would cost more than it gains.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib.util import find_spec
from itertools import chain, islice
from multiprocessing.context import BaseContext
from typing import TypeVar

from annotate.errors import CounterclaimError

CHUNK = 250  # items per build call
PARALLEL_FROM = 4 * CHUNK  # an export of this many documents or more uses worker processes
MAX_WORKERS = 4  # what stays serial (reading the store, writing the file) caps the gain
PRELOADED = ("annotate.formats.conll", "annotate.formats.spacy_docbin")

T = TypeVar("T")
R = TypeVar("R")

# Set by fork_allowed() for the thread (context) running it only: a new thread, such as the
# window's export thread, starts with the default.
_fork_allowed: ContextVar[bool] = ContextVar("counterclaim_fork_allowed", default=False)


class WorkerFailed(CounterclaimError):
    """A worker process building part of an export stopped (killed, out of memory)."""


def in_order(build: Callable[[tuple[T, ...]], R], items: Iterable[T]) -> Iterator[R]:
    """``build(chunk)`` for each ``CHUNK`` items in turn, in order. ``build`` must be a
    module-level function (or a ``functools.partial`` of one) with picklable arguments.
    Close the iterator (``contextlib.closing``) if you stop before its end: that stops the
    workers at once."""
    source = iter(items)
    chunks = iter(lambda: tuple(islice(source, CHUNK)), ())
    first = list(islice(chunks, -(-PARALLEL_FROM // CHUNK)))  # PARALLEL_FROM items, if there
    workers = usable_processors()
    context = _context()
    if sum(map(len, first)) < PARALLEL_FROM or workers < 2 or context is None:
        yield from map(build, chain(first, chunks))
        return
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_ignore_interrupts)
    try:
        pending: deque[Future[R]] = deque()
        for chunk in chain(first, chunks):
            pending.append(pool.submit(build, chunk))
            while len(pending) > 2 * workers:  # bounds what is read ahead and held
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool as exc:
        raise WorkerFailed(f"a worker process building the export stopped ({exc}); "
                           "nothing was written") from exc
    finally:
        pool.shutdown(cancel_futures=True)


def usable_processors() -> int:
    """Worker processes to use: one per processor this process may run on, at most
    ``MAX_WORKERS``."""
    usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return min(len(usable) if usable else os.cpu_count() or 1, MAX_WORKERS)


@contextmanager
def fork_allowed() -> Iterator[None]:
    """Within the block, this thread's exports may fork their workers from this process (on
    Linux): only for a process running no other thread meanwhile, as a fork keeps a lock
    another thread held locked for ever."""
    token = _fork_allowed.set(sys.platform.startswith("linux"))
    try:
        yield
    finally:
        _fork_allowed.reset(token)


def _context() -> BaseContext | None:
    """How this export starts its workers; None: it has no good way, so builds in-process."""
    return multiprocessing.get_context("fork") if _fork_allowed.get() else _forkserver()


@cache
def _forkserver() -> BaseContext | None:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return None
    context = multiprocessing.get_context("forkserver")
    spacy = ["spacy"] if find_spec("spacy") is not None else []
    context.set_forkserver_preload([*PRELOADED, *spacy])
    return context


def _ignore_interrupts() -> None:
    """In a worker: Ctrl+C in a terminal reaches every process of its group; the exporting
    process stops the export and its workers, which need not report it too."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
