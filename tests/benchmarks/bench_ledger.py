"""Ledger benchmark: build the whole claims ledger, against a plain sqlite3 query that joins
and groups the same rows.

A generated corpus (10,000 documents, 20,000 claims each with a claimant, a subject and a
figure in its words, 2,000 actors the entity spans resolve to, 5,000 denials each linked to the
claim it denies in the document before its own, a link across documents; ``--quick``: a
twentieth of each) is imported. The ledger is what ``counterclaim ledger`` computes: the
store's claim records and ``annotate.ledger.build`` (figures read, rows, columns, conflicts,
denials). The baseline is one sqlite3 query on the same file that joins each claim to its
claimant's and subject's actors and its denials and groups them by (subject, proposition,
claimant), with what the ledger reports of each claim (its id, document, offsets, text,
attributes, publication date, denials), fetched whole.

ledger_ratio = ledger / baseline, in CPU time (the process's, best of five each: the machines
are shared, and both sides run on this one thread); ``ledger_first_s`` is the first build's,
before any figure was read (:func:`annotate.figures.parse_figure` keeps what it read). Last
line: one JSON object.

    python tests/benchmarks/bench_ledger.py [--quick] [--docs N]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from common import report

from annotate.ledger import build
from annotate.model import AnnotatedDocument, Document, Relation, Span
from db.store import Store

CREATED = "2026-11-21T10:00:00Z"
FIGURES = ("{n}", "at least {n}", "more than {n}", "nearly {n}", "about {n}", "between {n} and {m}",
           "{n}+", "dozens of", "up to {n}")
PROPOSITIONS = ("killed", "wounded", "captured")


class _Text:
    """A document's text as it is written, and the labelled spans in it."""

    def __init__(self, start: str) -> None:
        self.text = start
        self.spans: list[tuple[int, int, str, dict[str, str]]] = []

    def add(self, words: str, label: str = "", attributes: dict[str, str] | None = None) -> int:
        """Append ``words``, a span of ``label`` if given; its index among the spans."""
        start = len(self.text)
        self.text += words
        if label:
            self.spans.append((start, len(self.text), label, attributes or {}))
        return len(self.spans) - 1


def corpus(documents: int, actors: int, seed: int = 13) -> tuple[list[AnnotatedDocument],
                                                                  list[tuple[str, str]]]:
    """Documents of two claims and, every other one, a denial of the first claim of the
    document before it (a link across documents); and the entity spans' actors ((span id,
    actor name) pairs)."""
    rng = random.Random(seed)
    records, links = [], []
    denied: tuple[str, str] | None = None  # (document uid, claim span id) the next denial denies
    for n in range(documents):
        text = _Text(f"Report {n}. ")
        add = text.add
        claims = []
        for _ in range(2):
            claimant = add(f"Actor {rng.randrange(actors)}", "ORG")
            add(" said that ")
            figure = rng.choice(FIGURES).format(n=rng.randrange(5, 400), m=rng.randrange(400, 900))
            proposition = rng.choice(PROPOSITIONS)
            claim = add(f"{figure} fighters were {proposition}", "CLAIM",
                        {"proposition": proposition, "certainty": "reported"})
            add(" among ")
            subject = add(f"Actor {rng.randrange(actors)}", "ARMED_GROUP")
            add(". ")
            claims.append((claim, claimant, subject))
        denial = None
        if denied is not None:
            denier = add(f"Actor {rng.randrange(actors)}", "ORG")
            add(" ")
            denial = (add("denied it", "DENIAL", {}), denier)
            add(".")
        spans = text.spans
        doc = Document(text.text, f"report {n}", {"published": f"2024-07-{1 + n % 28:02d}"})
        made = [Span(doc.uid, s, e, label, "amina", str(uuid.UUID(int=rng.getrandbits(128))),
                     attributes, None, CREATED) for s, e, label, attributes in spans]
        relations = []
        for claim, claimant, subject in claims:
            relations.append(Relation("CLAIMED_BY", made[claim].id, made[claimant].id, "amina"))
            relations.append(Relation("ABOUT", made[claim].id, made[subject].id, "amina"))
            links += [(made[claimant].id, doc.text[spans[claimant][0]:spans[claimant][1]]),
                      (made[subject].id, doc.text[spans[subject][0]:spans[subject][1]])]
        if denial is not None:
            relations.append(Relation("DENIED_BY", made[denial[0]].id, made[denial[1]].id,
                                      "amina"))
            relations.append(Relation("DENIES", made[denial[0]].id, denied[1], "amina",
                                      target_document=denied[0]))
            links.append((made[denial[1]].id, doc.text[spans[denial[1]][0]:spans[denial[1]][1]]))
        denied = (doc.uid, made[claims[0][0]].id) if denial is None else None
        records.append(AnnotatedDocument(doc, tuple(made), tuple(relations)))
    return records, links


def resolve(path: Path, links: list[tuple[str, str]]) -> None:
    """Actors and the entity spans' links to them, written straight (setting up, not timed)."""
    with sqlite3.connect(path) as conn:
        names = sorted({name for _, name in links})
        ids = {name: str(uuid.uuid5(uuid.NAMESPACE_URL, name)) for name in names}
        conn.executemany("INSERT INTO actors (id, name, kind, aliases) VALUES (?, ?, ?, '[]')",
                         [(ids[name], name, "organisation") for name in names])
        conn.executemany(
            "INSERT INTO actor_links (span_id, document_id, actor_id) "
            "SELECT ?, document_id, ? FROM spans WHERE id = ?",
            [(span, ids[name], span) for span, name in links])


BASELINE = """
SELECT subject.name, json_extract(s.attributes, '$.proposition'), claimant.name, count(*),
       group_concat(s.id), group_concat(d.uid), group_concat(s.start), group_concat(s."end"),
       group_concat(substr(d.text, s.start + 1, s."end" - s.start)), group_concat(s.attributes),
       group_concat(json_extract(d.meta, '$.published')), group_concat(denial.source_id)
FROM spans AS s
JOIN labels AS l ON l.id = s.label_id
JOIN documents AS d ON d.id = s.document_id
JOIN relations AS rc ON rc.source_id = s.id AND rc.type = 'CLAIMED_BY'
JOIN actor_links AS lc ON lc.span_id = rc.target_id
JOIN actors AS claimant ON claimant.id = lc.actor_id
JOIN relations AS ra ON ra.source_id = s.id AND ra.type = 'ABOUT'
JOIN actor_links AS la ON la.span_id = ra.target_id
JOIN actors AS subject ON subject.id = la.actor_id
LEFT JOIN relations AS denial ON denial.target_id = s.id AND denial.type = 'DENIES'
WHERE l.category = 'claim'
GROUP BY 1, 2, 3
"""


def cpu_best(runs: int, fn: Callable[[], object]) -> float:
    """The least CPU time of this process over ``runs`` calls of ``fn``."""
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="500 documents")
    parser.add_argument("--docs", type=int, default=10_000)
    args = parser.parse_args()
    documents = 500 if args.quick else args.docs
    actors = max(documents // 5, 10)
    records, links = corpus(documents, actors)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "store.sqlite")
        store = Store.open(path)
        store.import_documents(records)
        store.close()
        resolve(path, links)
        store = Store.open(path)
        start = time.process_time()
        built = build(store.claim_records())
        across = sum(1 for c in built.claims.values() for d in c.record.denies
                     if built.claims[d].record.document != c.record.document)
        first_s = time.process_time() - start  # no figure read yet
        ledger_s = cpu_best(5, lambda: build(store.claim_records()))
        store.close()
        conn = sqlite3.connect(path)
        grouped = conn.execute(BASELINE).fetchall()
        baseline_s = cpu_best(5, lambda: conn.execute(BASELINE).fetchall())
        conn.close()
    claims = sum(1 for c in built.claims.values() if c.record.kind == "claim")
    report({
        "documents": documents,
        "claims": claims,
        "denials": len(built.claims) - claims,
        "denials_across_documents": across,
        "actors": len({name for _, name in links}),
        "rows": len(built.rows),
        "conflicting_rows": sum(r.conflicting for r in built.rows),
        "baseline_groups": len(grouped),
        "ledger_first_s": round(first_s, 4),
        "ledger_s": round(ledger_s, 4),
        "baseline_s": round(baseline_s, 4),
        "ledger_ratio": round(ledger_s / baseline_s, 2),
    })


if __name__ == "__main__":
    main()
