"""Benchmark: every exchange format's export against the native JSONL export, same corpus.

Generates 10,000 documents with 200,000 spans (``--quick``: 1/20 of that) by two annotators,
with claim attributes, some notes, relations and statuses, in texts holding CRLF line breaks
and the odd emoji, and imports them into a fresh store. Two measures:

- the export, as ``counterclaim export OUT --format F`` runs it (``db.transfer.export``: the
  store read and the file written), each format's time over the native export's: the JSON keys
  named by format, and ``native_s``. Targets: every ratio <= 3, spaCy <= 5.
- the writer alone, fed the records from memory: ``writer`` (ratios) and ``writer_native_s``.
- the import of each readable format's export into a fresh store (``counterclaim import``:
  ``db.transfer.import_paths``), over the native file's: ``<format>_import`` (ratios, target
  <= 3) and ``import_native_s``. A CoNLL file holds fewer spans (one tag column: overlaps
  dropped) and each annotator's block of a document comes back as one layer.

Each is the best of a few rounds, a round running every format in turn, each run after
``os.sync()``: a noisy spell touches all formats alike and no run pays for an earlier one's
write-back. Files go to ``/dev/shm`` where there is one (``--dir`` to choose): on the shared
machines' disk, creating brat's 20,001 files takes anything from 0.5 to 10 s from one minute to
the next, which would measure the neighbours rather than the code.

Three floors put the writer-alone figures in context: ``files_x_native`` is merely creating
brat's files, same bytes, over the native writer's time (``brat_vs_files``: brat over that);
``docbin_x_native`` is tokenising the texts and adding the Docs, without spans, to a DocBin
and serialising it (``spacy_vs_docbin``); ``tokens_x_native`` is tokenising the texts with the
default tokenizer and writing one untagged line per token (``conll_vs_tokens``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from annotate.formats import (
    brat,
    conll,
    csvspans,
    doccano,
    labelstudio,
    native,
    refiqda,
    spacy_docbin,
    workers,
    xmi,
)
from annotate.model import AnnotatedDocument, Document, Relation, Span
from annotate.schema import default_schema
from annotate.tokenize import TOKEN
from db.store import Store
from db.transfer import export, import_paths

ANNOTATORS = ("amina", "bertrand")
RAM_FOLDER = Path("/dev/shm")  # memory-backed: the figures are the code's, not a shared disk's
CREATED = "2026-01-01T00:00:00Z"
T = TypeVar("T")
WRITERS = {
    "doccano": (doccano.write, "d.jsonl"),
    "brat": (brat.write, "brat"),
    "conll": (conll.write, "c.conll"),
    "spacy": (spacy_docbin.write, "x.spacy"),
    "labelstudio": (labelstudio.write, "ls.json"),
    "csv": (csvspans.write, "s.csv"),
    "xmi": (xmi.write, "xmi"),
    "refi-qda": (refiqda.write, "p.qdpx"),
}
IMPORTS = ("conll", "spacy")
"""The formats whose import is measured, each reading the file its export wrote."""


def make_documents(n_docs: int, n_spans: int, seed: int = 20261121) -> list[AnnotatedDocument]:
    rng = random.Random(seed)
    vocab = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 9)))
        for _ in range(3000)
    ] + ["😀", "Bamako", "l'armée", "40"]
    schema = default_schema()
    labels = schema.label_names
    per_doc = n_spans // n_docs
    docs = []
    for d in range(n_docs):
        words = [
            rng.choice(vocab) + rng.choice(["", "", "", "", ",", ".", ".\r\n"])
            for _ in range(rng.randint(120, 280))
        ]
        starts, pos = [], 0
        for w in words:
            starts.append(pos)
            pos += len(w) + 1
        doc = Document(" ".join(words), f"Report {d}: field notes", {"source": "bench"})
        spans: list[Span] = []
        for k in range(per_doc):
            first = rng.randrange(len(words))
            last = min(len(words), first + rng.randint(1, 10)) - 1
            end = starts[last] + len(words[last].rstrip("\r\n"))
            label = rng.choice(labels)
            attributes = (
                {
                    "certainty": rng.choice(["asserted", "reported"]),
                    "figure_low": rng.randint(1, 500),
                }
                if label == "CLAIM"
                else {}
            )
            spans.append(
                Span(
                    doc.uid,
                    starts[first],
                    end,
                    label,
                    ANNOTATORS[k % 2],
                    f"{d}-{k}",
                    attributes,
                    "check" if k % 17 == 0 else None,
                    CREATED,
                )
            )
        claims = [s for s in spans if s.label == "CLAIM"]
        people = [s for s in spans if s.label == "PERSON"]
        relations = tuple(
            Relation("CLAIMED_BY", c.id, p.id, c.annotator, f"r{c.id}-{p.id}")
            for c in claims
            for p in people
            if p.annotator == c.annotator
        )[:3]
        docs.append(
            AnnotatedDocument(doc, tuple(spans), relations, {a: "done" for a in ANNOTATORS})
        )
    return docs


def best_times(runs: dict[str, Callable[[int], T]], repeats: int
               ) -> tuple[dict[str, float], dict[str, T]]:
    """Each run's shortest time over ``repeats`` rounds, and what its last run returned. A
    round runs each in turn, each after ``os.sync()``, so that a noisy spell of the shared
    machine touches every run alike; ``run(k)`` writes a new output in round ``k``."""
    best = dict.fromkeys(runs, float("inf"))
    last: dict[str, T] = {}
    for k in range(repeats):
        for name, run in runs.items():
            os.sync()
            start = time.perf_counter()
            last[name] = run(k)
            best[name] = min(best[name], time.perf_counter() - start)
    return best, last


def files_floor(folder: Path, scratch: Path) -> float:
    """Seconds to create the files under ``folder`` again, same bytes, in ``scratch``."""
    files = [(p.relative_to(folder), p.read_bytes()) for p in folder.rglob("*") if p.is_file()]
    os.sync()
    start = time.perf_counter()
    for sub in {scratch / rel.parent for rel, _ in files}:
        sub.mkdir(parents=True, exist_ok=True)
    for rel, data in files:
        with open(scratch / rel, "wb") as handle:
            handle.write(data)
    return time.perf_counter() - start


def docbin_floor(docs: list[AnnotatedDocument]) -> float:
    """Seconds to tokenise one Doc per document and serialise them in a DocBin storing what
    the writer stores, in one process, with the writer's (already warm) pipeline and its
    srsly and zlib settings: what a DocBin export of these texts pays before it places a
    span, unless it shares the work between processors."""
    import spacy

    nlp = spacy_docbin._blank(spacy)
    start = time.perf_counter()
    docbin = spacy_docbin._docbin()
    with spacy_docbin._plugins_looked_up_once():
        for record in docs:
            docbin.add(nlp.make_doc(record.document.text))
        with spacy_docbin._compressed_fast():
            docbin.to_bytes()
    return time.perf_counter() - start


def tokens_floor(docs: list[AnnotatedDocument], out: Path) -> float:
    """Seconds to tokenise every text and write one ``token O`` line per token: what any
    CoNLL export with this tokenizer pays before it tags a token."""
    start = time.perf_counter()
    with open(out, "w", encoding="utf-8") as handle:
        for record in docs:
            handle.write("-DOCSTART- -X- O O\n\n")
            handle.write("".join(f"{t} O\n" for t in TOKEN.findall(record.document.text)))
            handle.write("\n")
    return time.perf_counter() - start


def import_into(store_file: Path, path: Path) -> None:
    """Import ``path`` into a new store at ``store_file``, as ``counterclaim import`` does."""
    store = Store.open(store_file)
    try:
        [result] = import_paths(store, [path])
        assert result.error is None, result.error
    finally:
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1/20 of the full size")
    parser.add_argument("--dir", type=Path, default=RAM_FOLDER if RAM_FOLDER.is_dir() else None,
                        help=f"where to write (default: {RAM_FOLDER} if there, else the temporary"
                             " folder); on a disk, brat's figure follows the disk")
    args = parser.parse_args()
    n_docs, n_spans = (500, 10_000) if args.quick else (10_000, 200_000)
    repeats = 2 if args.quick else 3
    docs = make_documents(n_docs, n_spans)
    schema = default_schema()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp, workers.fork_allowed():
        folder = Path(tmp)  # fork allowed: this process, like the command line, has one thread
        native.write(docs, folder / "corpus.jsonl", schema)
        store = Store.open(folder / "bench.sqlite")
        [imported] = import_paths(store, [folder / "corpus.jsonl"])
        assert imported.error is None, imported.error
        writers = {"native": (native.write, "n.jsonl"), **WRITERS}
        whole, _ = best_times({
            name: lambda k, f=name, o=file: export(store, folder / f"e{k}-{o}", f)
            for name, (_, file) in writers.items()
        }, repeats)
        store.close()
        files = {"native": "n.jsonl", **{name: WRITERS[name][1] for name in IMPORTS}}
        loaded, _ = best_times({
            name: lambda k, f=name, o=file: import_into(folder / f"i{k}-{f}.sqlite",
                                                        folder / f"e0-{o}")
            for name, file in files.items()
        }, repeats)
        times, reports = best_times({
            name: lambda k, w=write, f=file: w(docs, folder / f"w{k}-{f}", schema)
            for name, (write, file) in writers.items()
        }, repeats)
        files_s = min(files_floor(folder / "w0-brat", folder / f"floor{k}")
                      for k in range(repeats))
        tokens_s = min(tokens_floor(docs, folder / "tokens.txt") for _ in range(repeats))
    docbin_s = min(docbin_floor(docs) for _ in range(repeats))
    native_s = times.pop("native")
    spans = sum(len(d.spans) for d in docs)
    print(f"{n_docs} documents, {spans} spans, written in {args.dir or tempfile.gettempdir()}")
    print(f"{'':12} {'export':>9} {'ratio':>6} {'writer':>9} {'ratio':>6}")
    for name in ("native", *WRITERS):
        alone = native_s if name == "native" else times[name]
        print(f"{name:12} {whole[name]:7.3f} s {whole[name] / whole['native']:6.2f} "
              f"{alone:7.3f} s {alone / native_s:6.2f}")
    for name in WRITERS:
        print(reports[name].summary())
    print("import: " + "; ".join(f"{name} {loaded[name]:.3f} s" for name in loaded))
    print(f"floors: creating brat's files {files_s:.3f} s; bare DocBin of the Docs "
          f"{docbin_s:.3f} s; tokens {tokens_s:.3f} s")
    print(
        json.dumps(
            {
                **{name: round(whole[name] / whole["native"], 3) for name in WRITERS},
                "native_s": round(whole["native"], 4),
                "writer": {name: round(seconds / native_s, 3) for name, seconds in times.items()},
                "writer_native_s": round(native_s, 4),
                **{f"{name}_import": round(loaded[name] / loaded["native"], 3)
                   for name in IMPORTS},
                "import_native_s": round(loaded["native"], 4),
                "brat_vs_files": round(times["brat"] / files_s, 3),
                "spacy_vs_docbin": round(times["spacy"] / docbin_s, 3),
                "files_x_native": round(files_s / native_s, 3),
                "docbin_x_native": round(docbin_s / native_s, 3),
                "conll_vs_tokens": round(times["conll"] / tokens_s, 3),
                "tokens_x_native": round(tokens_s / native_s, 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
