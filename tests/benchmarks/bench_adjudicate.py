"""Adjudication benchmark: accept every agreed item of a corpus into gold, against plain sqlite3.

A generated corpus (10,000 documents, 3 annotators who mostly copy each other's spans, every
document marked done; ``--quick``: 500) is imported, copied, and ``db.review.accept_agreed``
runs over the whole corpus (as ``counterclaim adjudicate --accept-agreed`` does). The baseline
inserts the same gold span and decision rows, read back from the result, into the copy with
plain sqlite3 executemany in one transaction (same PRAGMAs, same disk, same run).

ratio = accept_agreed / baseline in wall time; cpu_ratio the same in the CPU time of the thread
running each (what the machine's other load does not inflate). The modules the run uses are
imported before it is timed, as
the store is opened before (the alignment's numpy is imported at its first use: a cost of the
process, ~0.3 s, not of the accept). Last line: one JSON object.

    python tests/benchmarks/bench_adjudicate.py [--quick] [--docs N]
"""

from __future__ import annotations

import argparse
import importlib
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from common import LABELS, WORDS, report

from annotate.model import GOLD, AnnotatedDocument, Document, Span
from db.engine import SYNCHRONOUS
from db.review import accept_agreed
from db.store import Store

ANNOTATORS = ("amina", "bo", "chen")
CREATED = "2026-11-21T10:00:00Z"


def corpus(documents: int, spans_per_doc: int = 3, seed: int = 11) -> list[AnnotatedDocument]:
    """Documents whose annotators copy a base set of spans, each one moved or relabelled now
    and then: about two items in three are agreed by all three."""
    rng = random.Random(seed)
    records = []
    for n in range(documents):
        text = f"Report {n}. " + " ".join(rng.choices(WORDS, k=60))
        doc = Document(text, f"report {n}")
        base = []
        for i in range(spans_per_doc):
            start = 12 + i * (len(text) - 12) // spans_per_doc
            base.append((start, start + rng.randrange(3, 20), rng.choice(LABELS)))
        spans = []
        for who in ANNOTATORS:
            for i, (start, end, label) in enumerate(base):
                roll = rng.random()
                if roll < 0.06:
                    end += 1
                elif roll < 0.1:
                    label = LABELS[(LABELS.index(label) + 1) % len(LABELS)]
                attrs = {"certainty": "reported"} if label == "CLAIM" else {}
                spans.append(Span(doc.uid, start, end, label, who, f"{n}-{who}-{i}", attrs,
                                  None, CREATED))
        records.append(AnnotatedDocument(doc, tuple(spans), (),
                                         dict.fromkeys(ANNOTATORS, "done")))
    return records


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """The wall and thread CPU seconds ``fn`` takes, and what it returns."""
    wall, cpu = time.perf_counter(), time.thread_time()
    result = fn()
    return time.perf_counter() - wall, time.thread_time() - cpu, result


def gold_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """The rows accept_agreed wrote: gold spans and decisions, as stored (and the annotators
    they name)."""
    with sqlite3.connect(path) as conn:
        annotators = conn.execute("SELECT * FROM annotators").fetchall()
        gold = conn.execute("SELECT id FROM annotators WHERE name = ?", (GOLD,)).fetchone()[0]
        return {
            "annotators": annotators,
            "spans": conn.execute("SELECT * FROM spans WHERE annotator_id = ?",
                                  (gold,)).fetchall(),
            "decisions": conn.execute("SELECT * FROM decisions").fetchall(),
        }


def baseline(path: Path, rows: dict[str, list[tuple[object, ...]]]) -> tuple[float, float]:
    """The same rows inserted into ``path`` (the corpus before adjudication) in one
    transaction; rows prepared beforehand, not timed."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
    conn.execute("PRAGMA foreign_keys=ON")
    who = rows.pop("annotators")
    conn.executemany(f"INSERT OR IGNORE INTO annotators VALUES ({', '.join('?' * len(who[0]))})",
                     who)

    def insert() -> None:
        conn.execute("BEGIN IMMEDIATE")
        for table, table_rows in rows.items():
            if table_rows:
                marks = ", ".join("?" * len(table_rows[0]))
                conn.executemany(f"INSERT INTO {table} VALUES ({marks})", table_rows)
        conn.execute("COMMIT")

    wall, cpu, _ = timed(insert)
    conn.close()
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="500 documents")
    parser.add_argument("--docs", type=int, default=10_000)
    args = parser.parse_args()
    documents = 500 if args.quick else args.docs
    with tempfile.TemporaryDirectory() as tmp:
        work, before = Path(tmp, "store.sqlite"), Path(tmp, "before.sqlite")
        store = Store.open(work)
        store.import_documents(corpus(documents))
        store.close()
        shutil.copy(work, before)
        store = Store.open(work)
        importlib.import_module("annotate.agreement")
        accept_s, accept_cpu, accepted = timed(lambda: accept_agreed(store, "judge"))
        undoable = store.next_undo("judge")
        store.close()
        rows = gold_rows(work)
        baseline_s, baseline_cpu = baseline(before, rows)
    report({
        "documents": documents,
        "accepted": accepted,
        "gold_spans": len(rows["spans"]),
        "undo_step": undoable,
        "accept_s": round(accept_s, 3),
        "baseline_s": round(baseline_s, 3),
        "ratio": round(accept_s / baseline_s, 2),
        "accept_cpu_s": round(accept_cpu, 3),
        "baseline_cpu_s": round(baseline_cpu, 3),
        "cpu_ratio": round(accept_cpu / baseline_cpu, 2),
    })


if __name__ == "__main__":
    main()
