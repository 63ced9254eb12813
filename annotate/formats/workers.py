"""Building an export's output in worker processes, a chunk of documents at a time, in order.

A writer turns each record into a small, quickly pickled item (what the output of that
document needs), and hands the items to :func:`in_order` with a module-level ``build`` function
that turns a chunk of items into a picklable result (text, or a DocBin's state). An export of
fewer than ``PARALLEL_FROM`` documents, or on one processor, builds every chunk in this
process; a larger one uses worker processes and gets the results in the items' order, so the
output is the same either way.

Workers start from a ``forkserver`` (where the platform has one), a clean process that imports
the writers (and spaCy, if installed) once, as safe with threads about as a fork is not; its
start costs about a second, once per process. A process that runs no other thread (the
command line) exports within :func:`fork_allowed`: its workers are then forks of itself,
ready at once.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from functools import cache
from importlib.util import find_spec
from itertools import chain, islice
from typing import TypeVar

CHUNK = 250  # items per build call
PARALLEL_FROM = 4 * CHUNK  # an export of this many documents or more uses worker processes
MAX_WORKERS = 4  # what stays serial (reading the store, writing the file) caps the gain
PRELOADED = ("annotate.formats.conll", "annotate.formats.spacy_docbin")

T = TypeVar("T")
R = TypeVar("R")


def in_order(build: Callable[[tuple[T, ...]], R], items: Iterable[T]) -> Iterator[R]:
    """``build(chunk)`` for each ``CHUNK`` items in turn, in order. ``build`` must be a
    module-level function (or a ``functools.partial`` of one) with picklable arguments."""
    source = iter(items)
    chunks = iter(lambda: tuple(islice(source, CHUNK)), ())
    first = list(islice(chunks, -(-PARALLEL_FROM // CHUNK)))  # PARALLEL_FROM items, if there
    workers = usable_processors()
    if sum(map(len, first)) < PARALLEL_FROM or workers < 2:
        yield from map(build, chain(first, chunks))
        return
    pool = ProcessPoolExecutor(workers, mp_context=_context())
    try:
        pending: deque[Future[R]] = deque()
        for chunk in chain(first, chunks):
            pending.append(pool.submit(build, chunk))
            while len(pending) > 2 * workers:  # bounds what is read ahead and held
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(cancel_futures=True)


def usable_processors() -> int:
    """Worker processes to use: one per processor this process may run on, at most
    ``MAX_WORKERS``."""
    usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return min(len(usable) if usable else os.cpu_count() or 1, MAX_WORKERS)


_fork_allowed = False


@contextmanager
def fork_allowed() -> Iterator[None]:
    """Within the block, worker processes are forks of this process: only for a process that
    runs no other thread meanwhile (a fork keeps a lock another thread held locked, for ever)."""
    global _fork_allowed
    before, _fork_allowed = _fork_allowed, "fork" in multiprocessing.get_all_start_methods()
    try:
        yield
    finally:
        _fork_allowed = before


def _context() -> multiprocessing.context.BaseContext:
    return multiprocessing.get_context("fork") if _fork_allowed else _safe_context()


@cache
def _safe_context() -> multiprocessing.context.BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    spacy = ["spacy"] if find_spec("spacy") is not None else []
    context.set_forkserver_preload([*PRELOADED, *spacy])
    return context
