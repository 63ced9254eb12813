"""Test configuration: Qt runs offscreen, so a plain ``pytest`` works with no screen;
Hypothesis sets no time limit on an example; and the fixtures of the tests of exports built by
worker processes."""

import os
from collections.abc import Callable

import pytest
from hypothesis import settings

from annotate.formats import workers
from annotate.model import AnnotatedDocument, Document, Span

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Hypothesis's default deadline (200 ms of wall time per example) fails a property test when
# another program's load on a shared machine slows one example down; what the tests assert is
# the property, and any cost they mean to bound they measure themselves.
settings.register_profile("counterclaim", deadline=None)
settings.load_profile("counterclaim")


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


@pytest.fixture
def start_methods(monkeypatch) -> list[str]:
    """The start method of each worker pool begun while the test runs, in order."""
    started: list[str] = []
    real_context = workers._context

    def recorded():
        context = real_context()
        started.append(context.get_start_method())
        return context

    monkeypatch.setattr(workers, "_context", recorded)
    return started


def _two_annotator_corpus(n: int) -> list[AnnotatedDocument]:
    """``n`` documents with emoji, CRLF and RTL text, and two annotators' spans that nest,
    cross the line break, overlap, and end inside a token."""
    records = []
    for k in range(n):
        text = f"Amina 😀 met the army\r\nin Kidal, مرحبا. The ministry denied it ({k})."
        doc = Document(text, f"Report {k}")
        records.append(AnnotatedDocument(doc, (
            Span(doc.uid, 0, 5, "PERSON", "ann", f"p{k}"),  # Amina
            Span(doc.uid, 0, 30, "CLAIM", "ann", f"c{k}"),  # Amina ... Kidal
            Span(doc.uid, 25, 37, "LOCATION", "ann", f"l{k}"),  # Kidal, مرحبا
            Span(doc.uid, 32, 37, "ORG", "ann", f"o{k}"),  # مرحبا, inside the location
            Span(doc.uid, 16, 20, "ORG", "ben", f"a{k}"),  # army
            Span(doc.uid, 1, 3, "PERSON", "ben", f"q{k}"))))  # mi, inside a token
    return records


@pytest.fixture
def two_annotator_corpus() -> Callable[[int], list[AnnotatedDocument]]:
    """``corpus(n)``: ``n`` small documents with two annotators' nested and overlapping spans."""
    return _two_annotator_corpus
