"""Suggestion benchmark: train on a gold layer, then fill the suggestion layer of a corpus, against
spaCy's own ``nlp.pipe`` with the same pipeline over the same texts.

A generated corpus of reports (people, armed groups, places, dates, and the claims that hold
them, nested) is imported: 500 documents with 10,000 gold spans are trained on (20% held out and
scored), and the trained model suggests over 10,000 documents (``--quick``: 30 documents with
about 680 gold spans, 1 epoch, 100 documents suggested). The suggest path is what ``counterclaim
suggest`` does: read the texts from the store, run the pipeline, store every suggestion in one
journaled transaction. The baseline runs ``nlp.pipe`` over the same texts (already in memory)
with the same pipeline and batch size, and only consumes the docs.

suggest_ratio = suggest / baseline (target <= 1.5). Last line: one JSON object with the
held-out F1 per label, train_s_per_1k_spans, suggest_docs_per_s and suggest_ratio.

``--model DIR`` measures the suggest side alone with a model this benchmark trained before (a
copy of its folder): nothing is trained, and the F1 figures are the held-out scores the model
keeps from its training (its meta.json); train_s is then absent.

    python tests/benchmarks/bench_assist.py [--quick] [--model DIR] [--suggest-docs N]
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

from annotate.model import GOLD, AnnotatedDocument, Document, Span
from annotate.training import ModelSuggester, Plan, train
from db.store import Store

PEOPLE = ("Amina Diallo", "Omar Sidibe", "Fatou Keita", "Ibrahim Toure", "Moussa Coulibaly",
          "Aicha Traore", "Boubacar Maiga", "Mariam Sangare")
GROUPS = ("the army", "the rebels", "the coalition", "the militia", "the FAMa", "the CSP-DPA")
PLACES = ("Kidal", "Gao", "Tessalit", "Tinzaouaten", "Anefis", "Menaka", "Timbuktu", "Aguelhok")
DATES = ("on Monday", "on 25 July", "last week", "on Friday", "in the morning")
VERBS = ("killed", "wounded", "captured")
FILLER = ("Residents described heavy gunfire.", "The road remained closed.",
          "Officials gave no further details.", "Aid groups asked for access.")
SENTENCES = 5
"""Claim sentences per document: 4 spans each (person, group, place and the claim over them),
and a date in one of two: about 22 spans a document."""
BATCH = 64


def report_text(rng: random.Random, n: int) -> tuple[str, list[tuple[int, int, str]]]:
    """One report and its gold spans (start, end, label)."""
    parts = [f"Report {n}."]
    spans: list[tuple[int, int, str]] = []
    at = len(parts[0]) + 1
    for _ in range(SENTENCES):
        person, group, place = rng.choice(PEOPLE), rng.choice(GROUPS), rng.choice(PLACES)
        count, verb = rng.randrange(2, 90), rng.choice(VERBS)
        date = rng.choice(DATES) if rng.random() < 0.5 else ""
        claim = f"{group} {verb} {count} people near {place}" + (f" {date}" if date else "")
        sentence = f"{person} said {claim}."
        spans.append((at, at + len(person), "PERSON"))
        c = at + len(person) + len(" said ")
        spans.append((c, c + len(claim), "CLAIM"))
        spans.append((c, c + len(group), "ARMED_GROUP"))
        p = c + claim.index(f"near {place}") + len("near ")
        spans.append((p, p + len(place), "LOCATION"))
        if date:
            d = c + len(claim) - len(date)
            spans.append((d, d + len(date), "DATE"))
        filler = rng.choice(FILLER)
        parts += [sentence, filler]
        at += len(sentence) + 1 + len(filler) + 1
    return " ".join(parts), spans


def corpus(documents: int, seed: int, gold: bool) -> list[AnnotatedDocument]:
    rng = random.Random(seed)
    records = []
    for n in range(documents):
        text, found = report_text(rng, n)
        doc = Document(text, f"report {seed}-{n}", {"language": "en"})
        spans = tuple(Span(doc.uid, s, e, label, GOLD, f"{seed}-{n}-{k}")
                      for k, (s, e, label) in enumerate(found)) if gold else ()
        records.append(AnnotatedDocument(doc, spans))
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--epochs", type=int, help="default: 10 (quick: 1)")
    parser.add_argument("--suggest-docs", type=int, help="default: 10,000 (quick: 100)")
    parser.add_argument("--model", type=Path, metavar="DIR",
                        help="a model trained before: suggest only (no training)")
    args = parser.parse_args()
    documents, epochs, suggested = (30, 1, 100) if args.quick else (500, 10, 10_000)
    epochs = args.epochs or epochs
    suggested = args.suggest_docs or suggested
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = Store.open(folder / "bench.sqlite")
        trained_on = corpus(documents, 1, gold=True)
        gold_spans = sum(len(r.spans) for r in trained_on)
        store.import_documents(trained_on)
        store.import_documents(corpus(suggested, 2, gold=False))
        trained: dict[str, object] = {}
        if args.model is None:
            plan = Plan(GOLD, ("PERSON", "ARMED_GROUP", "LOCATION", "DATE", "CLAIM"), "en",
                        epochs=epochs)
            train_s, scores = timed(lambda: train(store.iter_documents([GOLD], uids=[
                r.document.uid for r in trained_on]), plan, folder / "model"))
            suggester = ModelSuggester(folder / "model")
            f1 = {label: s.f1 for label, s in scores.items()}
            trained = {"epochs": epochs, "train_s": round(train_s, 2),
                       "train_s_per_1k_spans": round(train_s / gold_spans * 1000, 2)}
        else:
            suggester = ModelSuggester(args.model)
            f1 = {label: prf[2] for label, prf in suggester.meta.get("scores", {}).items()}
        uids = [d.uid for d in store.iter_texts() if d.title.startswith("report 2-")]

        def suggest() -> int:
            found = list(suggester.suggest(((d.uid, d.text) for d in store.iter_texts(uids)),
                                           BATCH))
            return store.put_suggestions(found, suggester.source, "bench", uids)

        texts = [d.text for d in store.iter_texts(uids)]

        def baseline(over: list[str] = texts) -> int:
            return sum(1 for _ in suggester.nlp.pipe(over, batch_size=BATCH))

        baseline(texts[:2 * BATCH])  # warm up: the first batch allocates
        base_s, _ = timed(baseline)
        suggest_s, stored = timed(suggest)
        base_s = min(base_s, timed(baseline)[0])
        store.close()
    figures: dict[str, object] = {
        "documents": documents, "gold_spans": gold_spans,
        "suggest_documents": suggested, "suggestions": stored,
        **{f"f1_{label}": round(value, 3) for label, value in f1.items()},
        **trained,
        "suggest_s": round(suggest_s, 2), "baseline_s": round(base_s, 2),
        "suggest_docs_per_s": round(suggested / suggest_s, 1),
        "suggest_ratio": round(suggest_s / base_s, 3),
    }
    report(figures)


if __name__ == "__main__":
    main()
