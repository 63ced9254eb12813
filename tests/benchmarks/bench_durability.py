"""Durability benchmark: edits per second through Store.apply with PRAGMA synchronous=FULL
(what the store uses) against synchronous=NORMAL (the baseline), both in WAL mode, same
machine, same run, same disk (one temporary folder).

ratio = time per edit with FULL / time per edit with NORMAL. Each edit is one committed
transaction (a span created, relabelled or deleted, with its journal row), as in the window.
The two settings run in alternating rounds so a disk hiccup hits both.

    python tests/benchmarks/bench_durability.py [--quick]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from common import report, timed

import db.engine
from annotate.commands import CreateSpan, DeleteSpan, relabel
from annotate.edges import word_bounds
from annotate.model import AnnotatedDocument, Span
from annotate.samples import sample_documents
from db.store import Store

LEVELS = {"FULL": 2, "NORMAL": 1}
LABELS = ("CLAIM", "DENIAL", "PERSON", "ORG", "LOCATION")


def open_with(path: Path, level: str) -> Store:
    """A store whose connections use ``PRAGMA synchronous=level`` (checked)."""
    db.engine.SYNCHRONOUS = level
    try:
        store = Store.open(path)  # its connections are made now, at this level
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == LEVELS[level]
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        db.engine.SYNCHRONOUS = "FULL"
    return store


def edit_round(store: Store, edits: int, rng: random.Random) -> None:
    """``edits`` committed edits: create, relabel, delete in turn."""
    docs = [(row.uid, row.length) for row in store.list_documents()]
    words = {uid: [a for a, _ in word_bounds(store.document(uid).text) if a < length - 30]
             for uid, length in docs}
    for n in range(edits):
        uid = docs[n % len(docs)][0]
        if n % 3 == 0:
            start = rng.choice(words[uid])  # a word's start: never punctuation alone
            store.apply(CreateSpan(Span(uid, start, start + rng.randrange(1, 30),
                                        rng.choice(LABELS), "bench")), "bench")
            continue
        mine = store.spans(uid, ["bench"])
        if not mine:
            continue
        span = rng.choice(mine)
        command = relabel(span, rng.choice([x for x in LABELS if x != span.label])) \
            if n % 3 == 1 else DeleteSpan(span)
        store.apply(command, "bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer edits, for the tests")
    args = parser.parse_args()
    rounds, per_round = (2, 60) if args.quick else (6, 300)
    seconds = dict.fromkeys(LEVELS, 0.0)
    with tempfile.TemporaryDirectory() as folder:
        stores = {}
        for level in LEVELS:
            stores[level] = open_with(Path(folder) / f"{level}.sqlite", level)
            stores[level].import_documents(AnnotatedDocument(d) for d in sample_documents())
        rng = random.Random(5)
        for _ in range(rounds):
            for level, store in stores.items():
                seconds[level] += timed(lambda s=store: edit_round(s, per_round, rng))[0]
        for store in stores.values():
            store.close()
    edits = rounds * per_round
    report({
        "edits_each": edits,
        "full_edits_per_s": round(edits / seconds["FULL"], 1),
        "normal_edits_per_s": round(edits / seconds["NORMAL"], 1),
        "full_ms_per_edit": round(1000 * seconds["FULL"] / edits, 3),
        "normal_ms_per_edit": round(1000 * seconds["NORMAL"] / edits, 3),
        "ratio": round(seconds["FULL"] / seconds["NORMAL"], 3),
        "synchronous_in_use": db.engine.SYNCHRONOUS,
    })


if __name__ == "__main__":
    main()
