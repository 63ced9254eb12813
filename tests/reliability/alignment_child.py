"""Child process of test_alignment_scale: aligns two annotators' mutually overlapping spans of
one document under an address-space limit and prints what it took as one JSON line.

Usage: ``alignment_child.py N LIMIT_MB [what ...]``; ``what`` among ``agreement``, ``align``,
``plan`` and ``scaling`` (the overlap matching of N and 4N spans against a linear baseline)."""

from __future__ import annotations

import json
import random
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from annotate.adjudication import plan_document
from annotate.agreement import align_spans, compute_agreement, match_spans
from annotate.collector import collector_paused
from annotate.model import AnnotatedDocument, Document, Span

TEXT = "word " * 20_000
MIDDLE = len(TEXT) // 2


def dense_spans(n: int, seed: int = 7) -> tuple[Document, list[Span], list[Span]]:
    """``n`` spans per annotator, every one covering the middle of the text, so every span
    overlaps every other (n² overlapping pairs)."""
    rng = random.Random(seed)
    doc = Document(TEXT, "dense")

    def spans(who: str) -> list[Span]:
        return [Span(doc.uid, rng.randrange(0, MIDDLE), rng.randrange(MIDDLE + 1, len(TEXT)),
                     "CLAIM", who, id=f"{who}-{k}") for k in range(n)]

    return doc, spans("amina"), spans("bo")


def vm_bytes() -> int:
    """This process's current virtual size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmSize")


def timed(run: Callable[[], object]) -> float:
    """The CPU time ``run`` took on this thread, the cyclic collector paused (another
    program's load, or a collection falling in one run, would weigh on a wall-clock time)."""
    with collector_paused():
        start = time.thread_time()
        run()
        return time.thread_time() - start


def best_of(run: Callable[[], object], repeats: int = 3) -> float:
    return min(timed(run) for _ in range(repeats))


def scaling(n: int) -> dict[str, float]:
    """Time of the overlap matching of n and of 4n spans per side, and of making those spans
    (linear work: the baseline of the ratio)."""
    out: dict[str, float] = {}
    for size in (n, 4 * n):
        _, a, b = dense_spans(size)
        out[f"match_{size}"] = best_of(lambda a=a, b=b: match_spans(a, b, "overlap"))
        out[f"linear_{size}"] = best_of(lambda size=size: dense_spans(size))
    out["ratio"] = out[f"match_{4 * n}"] / out[f"match_{n}"]
    out["linear_ratio"] = out[f"linear_{4 * n}"] / out[f"linear_{n}"]
    return out


def main() -> int:
    n, limit_mb, *what = sys.argv[1:]
    size = int(n)
    doc, a, b = dense_spans(size)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    limit = vm_bytes() + int(limit_mb) * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    runs: dict[str, Callable[[], object]] = {
        "agreement": lambda: compute_agreement([AnnotatedDocument(doc, tuple(a + b))]),
        "align": lambda: align_spans(a, b),
        "plan": lambda: plan_document({"amina": a, "bo": b}),
    }
    result: dict[str, object] = {}
    for name in what:
        if name == "scaling":
            result["scaling"] = scaling(size)
        else:
            result[name] = timed(runs[name])
    result["peak_rss_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base_rss) / 1024
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
