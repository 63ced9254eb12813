"""Benchmark: every exchange-format writer against the native JSONL writer, same records.

Generates 10,000 documents with 200,000 spans (``--quick``: 1/20 of that) by two annotators,
with claim attributes, some notes, relations and statuses, in texts holding CRLF line breaks
and the odd emoji. Times each writer (best of a few runs) into a temporary folder. Last line:
one JSON object, each format's time as a ratio of the native writer's, plus ``native_s``.
Targets: every ratio <= 3, spaCy <= 5.

Two floors put the file-per-document and spaCy figures in context: ``brat_vs_files`` is brat's
time over that of merely creating the same files with the same bytes, and ``spacy_vs_docbin``
is the spaCy writer's time over tokenising the same texts (one Doc per document, as the writer
does) and adding them, without spans, to a DocBin (what any DocBin export pays);
``files_x_native`` and ``docbin_x_native`` are those floors over the native writer's time.
A third, ``conll_vs_tokens``, is CoNLL's time over tokenising the texts with the default
tokenizer and writing one untagged line per token (``tokens_x_native`` over native's).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from annotate.formats import brat, conll, csvspans, doccano, labelstudio, native, spacy_docbin
from annotate.model import AnnotatedDocument, Document, Relation, Span
from annotate.schema import default_schema
from annotate.tokenize import TOKEN

ANNOTATORS = ("amina", "bertrand")
CREATED = "2026-01-01T00:00:00Z"
T = TypeVar("T")
WRITERS = {
    "doccano": (doccano.write, "d.jsonl"),
    "brat": (brat.write, "brat"),
    "conll": (conll.write, "c.conll"),
    "spacy": (spacy_docbin.write, "x.spacy"),
    "labelstudio": (labelstudio.write, "ls.json"),
    "csv": (csvspans.write, "s.csv"),
}


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


def best_time(run: Callable[[], T], repeats: int) -> tuple[float, T]:
    """The shortest of ``repeats`` runs, and what the last one returned."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def files_floor(folder: Path, scratch: Path) -> float:
    """Seconds to create the files under ``folder`` again, same bytes, in ``scratch``."""
    files = [(p.relative_to(folder), p.read_bytes()) for p in folder.rglob("*") if p.is_file()]
    start = time.perf_counter()
    for sub in {scratch / rel.parent for rel, _ in files}:
        sub.mkdir(parents=True, exist_ok=True)
    for rel, data in files:
        with open(scratch / rel, "wb") as handle:
            handle.write(data)
    return time.perf_counter() - start


def docbin_floor(docs: list[AnnotatedDocument]) -> float:
    """Seconds to tokenise one Doc per document and serialise them in a DocBin storing what
    the writer stores, with the writer's (already warm) pipeline: what any DocBin export of
    these texts pays before it places a span."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy_docbin._blank(spacy)
    start = time.perf_counter()
    docbin = DocBin(attrs=spacy_docbin.DOCBIN_ATTRS, store_user_data=True)
    with spacy_docbin._plugins_looked_up_once():  # the writer's own srsly work-around
        for record in docs:
            docbin.add(nlp.make_doc(record.document.text))
        docbin.to_bytes()
    return time.perf_counter() - start


def tokens_floor(docs: list[AnnotatedDocument], out: Path) -> float:
    """Seconds to tokenise every text and write one ``token\tO\tO\tO`` line per token: what
    any CoNLL export with this tokenizer pays before it tags a token."""
    start = time.perf_counter()
    with open(out, "w", encoding="utf-8") as handle:
        for record in docs:
            handle.write("-DOCSTART-\tO\tO\tO\n\n")
            handle.write("".join(f"{t}\tO\tO\tO\n" for t in TOKEN.findall(record.document.text)))
            handle.write("\n")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1/20 of the full size")
    args = parser.parse_args()
    n_docs, n_spans = (500, 10_000) if args.quick else (10_000, 200_000)
    repeats = 2 if args.quick else 3
    docs = make_documents(n_docs, n_spans)
    schema = default_schema()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        native_s, _ = best_time(lambda: native.write(docs, folder / "n.jsonl", schema), repeats)
        timed = {
            name: best_time(lambda w=write, f=file: w(docs, folder / f, schema), repeats)
            for name, (write, file) in WRITERS.items()
        }
        files_s = min(files_floor(folder / "brat", folder / f"floor{k}") for k in range(repeats))
        tokens_s = min(tokens_floor(docs, folder / "tokens.txt") for _ in range(repeats))
    docbin_s = min(docbin_floor(docs) for _ in range(repeats))
    times = {name: seconds for name, (seconds, _) in timed.items()}
    reports = {name: report for name, (_, report) in timed.items()}
    spans = sum(len(d.spans) for d in docs)
    print(f"{n_docs} documents, {spans} spans; native JSONL writer {native_s:.3f} s")
    for name, seconds in times.items():
        print(f"{name:12} {seconds:7.3f} s  x{seconds / native_s:5.2f}   {reports[name].summary()}")
    print(
        f"floors: creating brat's files {files_s:.3f} s; bare DocBin of the Docs {docbin_s:.3f} s"
    )
    print(
        json.dumps(
            {
                **{name: round(seconds / native_s, 3) for name, seconds in times.items()},
                "native_s": round(native_s, 4),
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
