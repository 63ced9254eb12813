"""Shared helpers of the benchmarks: deterministic corpora, timing, the JSON last line."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator
from typing import Any

from annotate.model import AnnotatedDocument, Document, Relation, Span

WORDS = [
    "army",
    "rebels",
    "convoy",
    "ambush",
    "Tinzaouaten",
    "Kidal",
    "drone",
    "killed",
    "wounded",
    "captured",
    "denied",
    "claimed",
    "statement",
    "spokesman",
    "ministry",
    "reported",
    "sources",
    "figure",
    "soldiers",
    "fighters",
    "Wagner",
    "coalition",
    "border",
    "helicopter",
    "47",
    "80",
    "15",
    "July",
    "said",
    "according",
    "local",
    "officials",
    "😀",
    "Ségou",
    "مرحبا",
]
LABELS = ("CLAIM", "DENIAL", "PERSON", "ORG", "ARMED_GROUP", "LOCATION", "DATE")
ANNOTATORS = ("amina", "bo", "chen")


def generate(
    documents: int,
    chars: int,
    spans_per_doc: int,
    seed: int = 7,
    annotators: tuple[str, ...] = ANNOTATORS,
) -> Iterator[AnnotatedDocument]:
    """``documents`` generated texts of about ``chars`` characters with random spans."""
    rng = random.Random(seed)
    for n in range(documents):
        words = rng.choices(WORDS, k=chars // 7)
        text = f"Document {n}. " + " ".join(words)
        doc = Document(text, f"Generated report {n}", {"source": "bench", "n": n})
        spans = []
        for i in range(spans_per_doc):
            start = rng.randrange(0, len(text) - 40)
            end = start + rng.randrange(1, 40)
            label = LABELS[i % len(LABELS)]
            attrs = {"certainty": "reported"} if label == "CLAIM" else {}
            spans.append(
                Span(
                    doc.uid,
                    start,
                    end,
                    label,
                    annotators[i % len(annotators)],
                    f"{n}-{i}",
                    attrs,
                    None,
                    "2026-11-21T10:00:00Z",
                )
            )
        relations = ()
        if spans_per_doc >= 4:
            relations = (
                Relation("CLAIMED_BY", spans[0].id, spans[3].id, spans[0].annotator, f"{n}-r"),
            )
        yield AnnotatedDocument(
            doc, tuple(spans), relations, {annotators[0]: "done"} if n % 3 == 0 else {}
        )


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def best_of(runs: int, fn: Callable[[], Any]) -> float:
    return min(timed(fn)[0] for _ in range(runs))


def report(figures: dict[str, Any]) -> None:
    """Print the figures, the JSON object last."""
    for key, value in figures.items():
        print(f"{key:>24}: {value}")
    print(json.dumps(figures))
