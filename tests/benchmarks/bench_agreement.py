"""Benchmark: token kappa and alpha of annotate.agreement against sklearn + krippendorff.

Generates 3 annotators x 2,000 documents with 200,000 spans (``--quick``: 1/20 of that), then
times the whole ``compute_agreement`` (and its token-level part alone) against the baseline:
``sklearn.metrics.cohen_kappa_score`` for every pair and label plus ``krippendorff.alpha``
(nominal) per label, given token vectors built beforehand (not timed). The figures of both are
compared to 1e-9. Last line: one JSON object; ``ratio`` = whole compute_agreement / baseline.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import warnings
from collections.abc import Callable
from itertools import combinations
from pathlib import Path

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from annotate import agreement
from annotate.model import AnnotatedDocument, Document, Relation, Span
from annotate.tokenize import token_bounds

ANNOTATORS = ("amina", "bertrand", "chen")
LABELS = ("CLAIM", "DENIAL", "PERSON", "ORG", "ARMED_GROUP", "LOCATION", "DATE")
CREATED = "2026-01-01T00:00:00Z"


class _Words:
    """A generated text with the offsets of its words."""

    def __init__(self, rng: random.Random, vocab: list[str]) -> None:
        self.words = [rng.choice(vocab) + rng.choice(["", "", "", "", "", ",", ".", "'s", "-x"])
                      for _ in range(rng.randint(250, 550))]
        self.text = " ".join(self.words)
        self.starts = np.cumsum([0] + [len(w) + 1 for w in self.words[:-1]]).tolist()

    def span(self, rng: random.Random) -> tuple[int, int]:
        """Bounds of a run of 1 to 12 words."""
        first = rng.randrange(len(self.words))
        last = min(first + rng.randint(1, 12), len(self.words)) - 1
        return self.starts[first], self.starts[last] + len(self.words[last])


def make_documents(n_docs: int, n_spans: int, seed: int = 20260101) -> list[AnnotatedDocument]:
    """Texts of generated words; each annotator copies, shifts, relabels or invents spans."""
    rng = random.Random(seed)
    vocab = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 9)))
             for _ in range(3000)]
    per_doc = n_spans // n_docs
    share = [per_doc // len(ANNOTATORS) + (k < per_doc % len(ANNOTATORS))
             for k in range(len(ANNOTATORS))]
    docs = []
    for d in range(n_docs):
        words = _Words(rng, vocab)
        doc = Document(words.text, title=f"doc {d}")
        base = [(*words.span(rng), rng.choice(LABELS)) for _ in range(per_doc)]
        spans: list[Span] = []
        relations: list[Relation] = []
        for who, count in zip(ANNOTATORS, share, strict=True):
            mine = []
            for s, e, label in base[:count]:
                roll = rng.random()
                if roll < 0.15:
                    s, e = words.span(rng)
                elif roll < 0.3:
                    s = max(0, s - rng.randint(0, 4))
                elif roll < 0.35:
                    label = rng.choice(LABELS)
                certainty = rng.choice(["asserted", "reported"])
                mine.append(Span(doc.uid, s, e, label, who, id=f"{d}-{who}-{len(mine)}",
                                 attributes={"certainty": certainty} if label == "CLAIM" else {},
                                 created=CREATED))
            claims = [s for s in mine if s.label == "CLAIM"]
            people = [s for s in mine if s.label in ("PERSON", "ORG")]
            relations += [Relation("CLAIMED_BY", c.id, p.id, who, id=f"r{c.id}")
                          for c, p in zip(claims, people, strict=False)]
            spans += mine
        status = {who: rng.choice(["done", "done", "done", "in_progress"]) for who in ANNOTATORS}
        docs.append(AnnotatedDocument(doc, tuple(spans), tuple(relations), status))
    return docs


def token_vectors(docs: list[AnnotatedDocument]) -> tuple[dict, dict]:
    """Per (a, b, label): the two kappa vectors; per label: alpha's reliability data."""
    pair_x: dict = {}
    columns: dict[str, list[np.ndarray]] = {label: [] for label in LABELS}
    for doc in docs:
        bounds = np.array(token_bounds(doc.document.text), dtype=np.int64).reshape(-1, 2)
        codes = {(a, lb): np.zeros(len(bounds), np.int8) for a in ANNOTATORS for lb in LABELS}
        for s in doc.spans:
            first = np.searchsorted(bounds[:, 1], s.start, side="right")
            stop = np.searchsorted(bounds[:, 0], s.end, side="left")
            codes[s.annotator, s.label][first:stop] = 1
        touched = {s.annotator for s in doc.spans}
        counts = {a: doc.status.get(a) == "done" or a in touched for a in ANNOTATORS}
        for a, b in combinations(ANNOTATORS, 2):
            both_done = doc.status.get(a) == doc.status.get(b) == "done"
            if both_done or (a in touched and b in touched):
                for lb in LABELS:
                    pair_x.setdefault((a, b, lb), ([], []))
                    pair_x[a, b, lb][0].append(codes[a, lb])
                    pair_x[a, b, lb][1].append(codes[b, lb])
        for lb in LABELS:
            columns[lb].append(np.array([codes[a, lb] if counts[a] else np.full(len(bounds), np.nan)
                                         for a in ANNOTATORS], dtype=float))
    kappa_in = {k: (np.concatenate(x), np.concatenate(y)) for k, (x, y) in pair_x.items()}
    alpha_in = {lb: np.concatenate(cols, axis=1) for lb, cols in columns.items()}
    return kappa_in, alpha_in


def baseline(kappa_in: dict, alpha_in: dict) -> tuple[dict, dict]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kappas = {k: cohen_kappa_score(x, y) for k, (x, y) in kappa_in.items()}
    alphas = {lb: krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
              for lb, data in alpha_in.items()}
    return kappas, alphas


def token_figures_only(docs: list[AnnotatedDocument]) -> None:
    """The token-level part of compute_agreement: corpus arrays, kappa and alpha."""
    corpus = agreement._Corpus(docs, ANNOTATORS, LABELS)
    pairs = list(combinations(range(len(ANNOTATORS)), 2))
    agreement._token_figures(corpus, LABELS, pairs, [corpus.pair_documents(*p) for p in pairs])


def best_time(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1/20 of the full size")
    args = parser.parse_args()
    n_docs, n_spans = (100, 10_000) if args.quick else (2_000, 200_000)
    docs = make_documents(n_docs, n_spans)
    spans = sum(len(d.spans) for d in docs)
    kappa_in, alpha_in = token_vectors(docs)
    repeats = 3

    report = agreement.compute_agreement(docs)
    kappas, alphas = baseline(kappa_in, alpha_in)
    for (a, b, lb), expected in kappas.items():
        got = report.pair(a, b).kappa[lb].value
        assert abs(got - expected) < 1e-9, (a, b, lb, got, expected)
    for lb, expected in alphas.items():
        assert abs(report.alpha[lb].value - expected) < 1e-9, (lb, report.alpha[lb], expected)

    project = best_time(lambda: agreement.compute_agreement(docs), repeats)
    tokens_only = best_time(lambda: token_figures_only(docs), repeats)
    base = best_time(lambda: baseline(kappa_in, alpha_in), repeats)
    n_tokens = int(sum(len(x) for x, _ in kappa_in.values()) / len(LABELS))
    print(f"{n_docs} documents, {spans} spans, {n_tokens} token units over all pairs")
    print(f"compute_agreement (all figures): {project:.3f} s")
    print(f"  token-level part alone:        {tokens_only:.3f} s")
    print(f"sklearn kappa + krippendorff:    {base:.3f} s")
    print(json.dumps({"ratio": project / base, "project_s": project,
                      "project_tokens_s": tokens_only, "baseline_s": base,
                      "documents": n_docs, "spans": spans}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
