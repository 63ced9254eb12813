"""Benchmark: a team on one PostgreSQL store, all editing at once.

    python tests/benchmarks/bench_team.py [--quick] [--url postgresql+psycopg://...]

The database (``--url``, else $COUNTERCLAIM_TEST_DB) is EMPTIED first. ``ANNOTATORS`` annotator
processes each create spans in their own layer as fast as they can for ``SECONDS`` while one
reviewer process adjudicates (accepts what two seeded layers agree on, document by document).
The last line is JSON:

- lost_edits: edits an annotator was told were saved that the store does not hold (must be 0);
- refused_edits: edits refused visibly (the store busy past its wait), never reported saved;
- edits_per_s: saved edits per second, all annotators together;
- p95_edit_ms_ratio: the 95th percentile time of one edit under that load over the median
  time of one edit by a single user on the same server in the same run (target <= 3);
- live_ms_p95: the 95th percentile time from the start of an edit in another store to an open
  store's watch (:meth:`Store.data_version`) seeing it, polled every ``POLL_S``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server_store import emptied

from annotate.commands import CreateSpan
from annotate.errors import CounterclaimError
from annotate.model import AnnotatedDocument, Document, Span
from annotate.samples import sample_documents
from db.review import accept_agreed
from db.store import Store

ANNOTATORS = 8
SECONDS = 30.0
DOCUMENTS = 40
SINGLE_EDITS = 100
LIVE_SAMPLES = 20
POLL_S = 0.005
SEEDED = ("seed_a", "seed_b")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def seed(url: str) -> list[tuple[str, list[int]]]:
    """Documents of the sample texts, each with one span two seeded layers agree on; their
    uids, and where in each a word character stands (a span's place)."""
    texts = [d.text for d in sample_documents()]
    records = []
    for n in range(DOCUMENTS):
        doc = Document(texts[n % len(texts)], f"doc {n}", {"n": n})
        agreed = [Span(doc.uid, 0, 7, "ORG", who, f"{who}-{n}") for who in SEEDED]
        records.append(AnnotatedDocument(doc, tuple(agreed)))
    with closing(Store.open(url)) as store:
        store.import_documents(records)
        return [(r.document.uid, [i for i, c in enumerate(r.document.text) if c.isalnum()])
                for r in records]


def edit_times(store: Store, name: str, docs: list[tuple[str, list[int]]], first: int,
               deadline: float | None, count: int | None) -> tuple[list[float], list[str], int]:
    """Spans made one by one in ``name``'s layer until ``deadline`` or ``count`` edits: the
    time of each saved edit, the ids of those saved, and how many were refused."""
    times, saved, refused, k = [], [], 0, first
    while (deadline is None or time.monotonic() < deadline) and (count is None or k - first
                                                                   < count):
        uid, places = docs[k % len(docs)]
        start = places[(k * 7) % len(places)]
        span = Span(uid, start, start + 1, "CLAIM", name, f"{name}-{k}")
        began = time.perf_counter()
        try:
            store.apply(CreateSpan(span), name)
        except CounterclaimError as exc:  # a refusal the user sees: counted, never saved
            refused += 1
            if refused == 1:
                print(f"{name}: refused: {exc}", file=sys.stderr)
        else:
            times.append(time.perf_counter() - began)
            saved.append(span.id)
        k += 1
    return times, saved, refused


def started(ready: multiprocessing.Queue, go: Any, deadline: Any) -> float:
    """Say this process is ready, wait for every other, and return when to stop."""
    ready.put(os.getpid())
    go.wait()
    return deadline.value


def annotator(url: str, name: str, docs: list[tuple[str, list[int]]], ready: multiprocessing.Queue,
              go: Any, deadline: Any, out: multiprocessing.Queue) -> None:
    with closing(Store.open(url)) as store:
        store.ensure_annotator(name)
        until = started(ready, go, deadline)
        out.put((name, *edit_times(store, name, docs, 0, until, None)))


def reviewer(url: str, docs: list[tuple[str, list[int]]], ready: multiprocessing.Queue, go: Any,
             deadline: Any, out: multiprocessing.Queue) -> None:
    accepted = 0
    with closing(Store.open(url)) as store:
        store.ensure_annotator("rita")
        until = started(ready, go, deadline)
        for uid, _ in docs:
            if time.monotonic() >= until:
                break
            accepted += accept_agreed(store, "rita", list(SEEDED), [uid])
    out.put(("rita", accepted))


def live_ms(url: str, docs: list[tuple[str, list[int]]]) -> list[float]:
    """Times (ms) from an edit in one store to another open store's watch seeing it, timed
    from the start of the edit: the notification can reach the watch before the editing call
    returns, so timing from its return read 0 ms."""
    samples = []
    with closing(Store.open(url)) as watching, closing(Store.open(url)) as editing:
        editing.ensure_annotator("live")
        seen = watching.data_version()
        for k in range(LIVE_SAMPLES):
            uid, _ = docs[k % len(docs)]
            sent = time.perf_counter()
            editing.apply(CreateSpan(Span(uid, 1, 4, "DATE", "live", f"live-{k}")), "live")
            while watching.data_version() == seen:
                time.sleep(POLL_S)
            samples.append((time.perf_counter() - sent) * 1000)
            seen = watching.data_version()
    return samples


def run(url: str, quick: bool) -> dict[str, object]:
    annotators, seconds = (3, 4.0) if quick else (ANNOTATORS, SECONDS)
    emptied(url)
    docs = seed(url)
    with closing(Store.open(url)) as alone:
        single, _, _ = edit_times(alone, "solo", docs, 0, None, SINGLE_EDITS // (4 if quick
                                                                                  else 1))
    context = multiprocessing.get_context("spawn")
    out, ready, go = context.Queue(), context.Queue(), context.Event()
    deadline = context.Value("d", 0.0)
    shared = (ready, go, deadline, out)
    workers = [context.Process(target=annotator, args=(url, f"ann{i}", docs, *shared))
               for i in range(annotators)]
    workers.append(context.Process(target=reviewer, args=(url, docs, *shared)))
    for worker in workers:
        worker.start()
    for _ in workers:  # every process has its store open before the clock starts
        ready.get(timeout=300)
    deadline.value = time.monotonic() + seconds
    go.set()
    results = [out.get(timeout=seconds + 120) for _ in workers]
    for worker in workers:
        worker.join()
    loaded = [t for r in results if len(r) == 4 for t in r[1]]
    saved = {s for r in results if len(r) == 4 for s in r[2]}
    refused = sum(r[3] for r in results if len(r) == 4)
    accepted = next(r[1] for r in results if r[0] == "rita")
    with closing(Store.open(url)) as store:
        held = {s.id for uid, _ in docs for s in store.spans(uid)}
    live = live_ms(url, docs)
    return {
        "annotators": annotators,
        "seconds": seconds,
        "lost_edits": len(saved - held),
        "refused_edits": refused,
        "saved_edits": len(saved),
        "edits_per_s": round(len(saved) / seconds, 1),
        "gold_accepted": accepted,
        "single_edit_ms": round(statistics.median(single) * 1000, 2),
        "p95_edit_ms": round(percentile(loaded, 0.95) * 1000, 2),
        "p95_edit_ms_ratio": round(percentile(loaded, 0.95) / statistics.median(single), 2),
        "live_ms_p95": round(percentile(live, 0.95), 1),
        "cpus": os.cpu_count(),
        "quick": quick,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 annotators for 4 s")
    parser.add_argument("--url", default=os.environ.get("COUNTERCLAIM_TEST_DB"),
                        help="the PostgreSQL database to EMPTY and use")
    args = parser.parse_args()
    if not args.url:
        parser.error("give --url or set COUNTERCLAIM_TEST_DB (a database it may empty)")
    print(json.dumps(run(args.url, args.quick)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
