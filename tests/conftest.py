"""Test configuration: Qt runs offscreen, so a plain ``pytest`` works with no screen; and a
fixture making exports use worker processes on a handful of documents."""

import os

import pytest

from annotate.formats import workers

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class CountedPool(workers.ProcessPoolExecutor):
    """A process pool that counts how many times one was started."""

    started = 0

    def __init__(self, *args, **kwargs):
        type(self).started += 1
        super().__init__(*args, **kwargs)


@pytest.fixture
def small_chunks(monkeypatch) -> type[CountedPool]:
    """Chunks of 3 items, worker processes from 6 items on, two workers whatever the machine
    has; returns the pool class, whose ``started`` counts the pools started."""
    monkeypatch.setattr(workers, "CHUNK", 3)
    monkeypatch.setattr(workers, "PARALLEL_FROM", 6)
    monkeypatch.setattr(workers, "usable_processors", lambda: 2)
    monkeypatch.setattr(workers, "ProcessPoolExecutor", CountedPool)
    CountedPool.started = 0
    return CountedPool
