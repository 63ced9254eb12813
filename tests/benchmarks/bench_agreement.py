"""Benchmark: token kappa and alpha of annotate.agreement against sklearn + krippendorff.

Generates 3 annotators x 2,000 documents with 200,000 spans (``--quick``: 1/20 of that;
``--docs``, ``--spans``: other sizes), then times the whole ``compute_agreement`` (and its
token-level part alone) against the baseline: ``sklearn.metrics.cohen_kappa_score`` for every
pair and label plus ``krippendorff.alpha`` (nominal) per label, given token vectors built
beforehand (not timed). The figures of both are compared to 1e-9. Then ``counterclaim agreement
--json`` runs in a child over a store of the same corpus: its peak memory (VmHWM), also less
that of a child that only opens the store, and its seconds. ``--command-only`` measures just
that (the baseline's token vectors of 100,000 documents would take some 8 GB). Last line: one
JSON object; ``ratio`` = whole compute_agreement / baseline.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from itertools import combinations
from pathlib import Path

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from annotate import agreement
from annotate.agreement_corpus import Corpus
from annotate.formats import native
from annotate.model import AnnotatedDocument, Document, Relation, Span
from annotate.tokenize import token_bounds
from db.store import Store
from db.transfer import import_paths

ROOT = Path(__file__).resolve().parents[2]
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
    return list(iter_documents(n_docs, n_spans, seed))


def iter_documents(n_docs: int, n_spans: int, seed: int = 20260101) -> Iterator[AnnotatedDocument]:
    """Texts of generated words; each annotator copies, shifts, relabels or invents spans."""
    rng = random.Random(seed)
    vocab = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 9)))
             for _ in range(3000)]
    per_doc = n_spans // n_docs
    share = [per_doc // len(ANNOTATORS) + (k < per_doc % len(ANNOTATORS))
             for k in range(len(ANNOTATORS))]
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
        yield AnnotatedDocument(doc, tuple(spans), tuple(relations), status)


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
    corpus = Corpus(docs, ANNOTATORS, LABELS)
    corpus.choose(ANNOTATORS, LABELS)
    pairs = list(combinations(range(len(ANNOTATORS)), 2))
    agreement._token_figures(corpus, LABELS, pairs, [corpus.pair_documents(*p) for p in pairs])


def cli_peak(source: Path, store_path: Path, run: bool) -> tuple[float, float]:
    """Peak RSS (MiB) and seconds of a child that opens the store of ``source`` and, if asked,
    runs ``counterclaim agreement --json`` on it (its report kept, not printed)."""
    code = (
        "import contextlib, io, json, sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from desktop.cli import main\n"
        "from db.store import Store\n"
        "start = time.perf_counter()\n"
        + (f"with contextlib.redirect_stdout(io.StringIO()):\n"
           f"    assert main(['agreement', '--db', {str(store_path)!r}, '--json']) == 0\n"
           if run else f"Store.open({str(store_path)!r}).close()\n")
        # VmHWM belongs to this process image (ru_maxrss would carry the parent's over exec).
        + "peak = next(int(line.split()[1]) for line in open('/proc/self/status') "
        "if line.startswith('VmHWM')) / 1024\n"
        "print(json.dumps([peak, time.perf_counter() - start]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    peak, seconds = json.loads(out.stdout.strip().splitlines()[-1])
    return peak, seconds


def command_figures(n_docs: int, n_spans: int) -> dict[str, float]:
    """``counterclaim agreement`` on a store of the generated corpus (written and imported as
    a stream): its peak memory, the same of a child that only opens the store, and seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "corpus.jsonl"
        native.write(iter_documents(n_docs, n_spans), source)
        store = Store.open(folder / "store.sqlite")
        assert import_paths(store, [source])[0].error is None
        store.close()
        idle, _ = cli_peak(source, folder / "store.sqlite", run=False)
        peak, seconds = cli_peak(source, folder / "store.sqlite", run=True)
    return {"command_peak_mb": round(peak, 1), "command_extra_peak_mb": round(peak - idle, 1),
            "command_s": round(seconds, 2)}


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
    parser.add_argument("--docs", type=int, default=2_000, metavar="N",
                        help="documents (default 2,000; ~2,500 characters each)")
    parser.add_argument("--spans", type=int, default=200_000, metavar="N",
                        help="spans over all annotators (default 200,000)")
    parser.add_argument("--command-only", action="store_true",
                        help="only the command's peak memory and time (for sizes whose "
                        "baseline's token vectors would not fit in memory)")
    args = parser.parse_args()
    n_docs, n_spans = (100, 10_000) if args.quick else (args.docs, args.spans)
    command = command_figures(n_docs, n_spans)
    if args.command_only:
        print(json.dumps({"documents": n_docs, "spans": n_spans, **command}))
        return 0
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
    print(f"counterclaim agreement on a store of them: {command['command_s']} s, peak "
          f"{command['command_peak_mb']} MiB")
    print(json.dumps({"ratio": project / base, "project_s": project,
                      "project_tokens_s": tokens_only, "baseline_s": base,
                      "documents": n_docs, "spans": spans, **command}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
