"""The command line's suggestion commands: ``patterns``, ``occurrences``, ``train``,
``suggest`` (from a model, or from the actors) and ``suggestions``.

Each fills (or lists, or clears) the suggestion layer (:mod:`annotate.suggestions`); nothing
here touches anyone's annotations. Errors are CounterclaimErrors, which ``cli.main`` prints.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from annotate import occurrences
from annotate.errors import InputError
from annotate.model import GOLD, AnnotatedDocument, Document
from annotate.occurrences import OtherOccurrences
from annotate.patterns import PatternSuggester, language, read_patterns
from annotate.suggestions import Suggestion
from annotate.training import ModelSuggester, Plan, Scores, train, worked_on
from db.review import resolve_uid
from db.store import Store
from desktop.cli_args import count

ORIGINS = ("model", "actors")
"""What ``counterclaim suggest --from`` takes its suggestions from."""
PROGRESS_EVERY = 1000
"""Documents between two progress lines."""


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser,
                by: Callable[[argparse.ArgumentParser], None]) -> None:
    """The suggestion commands, on the command line's ``sub``parsers."""
    p = sub.add_parser("patterns", parents=[common],
                       help="suggest spans from a spaCy JSONL pattern file")
    p.add_argument("file", metavar="FILE", type=Path,
                   help='one pattern a line: {"label": ..., "pattern": "a phrase" or '
                   '[token patterns]}')
    documents(p)
    p.add_argument("--lang", metavar="CODE",
                   help="the tokenizer's language (default: the corpus's, else multi-language)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    by(p)
    p.set_defaults(run=cmd_patterns)

    p = sub.add_parser("occurrences", parents=[common],
                       help="suggest the other occurrences of an annotator's spans")
    p.add_argument("--annotator", metavar="NAME",
                   help="whose spans (default: who --by names)")
    p.add_argument("--corpus", action="store_true",
                   help="look in every document (default: each span's own document)")
    documents(p)
    by(p)
    p.set_defaults(run=cmd_occurrences)

    p = sub.add_parser("train", parents=[common],
                       help="train a suggestion model on a layer (CPU, no network)")
    p.add_argument("--from", dest="layer", default=GOLD, metavar="gold|ANNOTATOR",
                   help="the layer learnt from (default: gold)")
    p.add_argument("--labels", nargs="+", metavar="LABEL",
                   help="the labels learnt (default: those the layer uses)")
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="the model's folder (default: beside the store file, NAME-model)")
    p.add_argument("--epochs", type=int, default=10, metavar="N")
    p.add_argument("--dev", type=float, default=0.2, metavar="SHARE",
                   help="the share of documents held out and scored (default: 0.2)")
    p.add_argument("--lang", metavar="CODE", help="default: the corpus's language")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(run=cmd_train)

    p = sub.add_parser("suggest", parents=[common],
                       help="fill the suggestion layer with a trained model's spans, or with "
                       "the actors' names")
    p.add_argument("--from", dest="origin", choices=ORIGINS, default="model",
                   help="model: a trained model's spans (default); actors: the ledger's "
                   "actors' names and aliases, folded, as whole words")
    p.add_argument("--model", type=Path, metavar="DIR",
                   help="default: the model last trained on this store")
    documents(p)
    p.add_argument("--threshold", type=float, default=0.5, metavar="SCORE",
                   help="the lowest score suggested (default: 0.5)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    by(p)
    p.set_defaults(run=cmd_suggest)

    p = sub.add_parser("suggestions", parents=[common],
                       help="list the suggestions' sources, or clear them")
    p.add_argument("--clear", action="store_true", help="remove the suggestions")
    p.add_argument("--source", metavar="NAME", help="only this source's")
    p.add_argument("--least-sure", type=count, metavar="N",
                   help="list the N documents whose suggestions (not judged by --by) hold "
                   "the closest calls (a score nearest 0.5), the closest first, each with "
                   "that score's distance from 0.5")
    by(p)
    p.set_defaults(run=cmd_suggestions)


def documents(command: argparse.ArgumentParser) -> None:
    command.add_argument("--documents", nargs="+", metavar="UID",
                         help="only these documents (uids or their unique starts)")


def _uids(store: Store, args: argparse.Namespace) -> list[str] | None:
    given = getattr(args, "documents", None)
    return None if not given else [resolve_uid(store, uid) for uid in given]


def _counted(texts: Iterable[Document], quiet: bool) -> Iterator[Document]:
    """``texts``, with a progress line every :data:`PROGRESS_EVERY`."""
    for n, document in enumerate(texts, start=1):
        if not quiet and n % PROGRESS_EVERY == 0:
            print(f"  {n} documents…", file=sys.stderr, flush=True)
        yield document


class Suggester(Protocol):
    source: str

    def suggest(self, documents: Iterable[tuple[str, str]]) -> Iterator[Suggestion]: ...


@dataclass(frozen=True, slots=True)
class Filled:
    """What a fill did: suggestions stored, documents they are in, documents looked at."""

    stored: int
    documents: int
    looked_at: int

    def __str__(self) -> str:
        return (f"{self.stored} suggestions in {self.documents} of {self.looked_at} "
                "documents")


def fill(store: Store, suggester: Suggester, documents: Iterable[Document], by: str,
         replaces: Collection[str] = ()) -> Filled:
    """Replace what ``suggester`` (and the sources ``replaces``) suggested in ``documents`` by
    what it suggests now, as ``by``: one transaction, after every document was read."""
    seen: list[str] = []

    def texts() -> Iterator[tuple[str, str]]:
        for document in documents:
            seen.append(document.uid)
            yield document.uid, document.text
    found = list(suggester.suggest(texts()))
    stored = store.put_suggestions(found, suggester.source, by, seen, replaces)
    return Filled(stored, len({s.document for s in found}), len(seen))


def older_versions(store: Store, suggester: ModelSuggester) -> list[str]:
    """The sources of the same model trained before (their suggestions are replaced)."""
    family = suggester.source.rpartition("@")[0] + "@"
    return [s for s in store.suggestion_sources() if s.startswith(family)]


def cmd_patterns(store: Store, args: argparse.Namespace) -> int:
    labels = store.schema().label_names
    patterns = read_patterns(args.file, labels)
    uids = _uids(store, args)
    lang = args.lang or language(d.meta.get("language") for d in store.iter_texts(uids))
    suggester = PatternSuggester(patterns, lang, f"patterns:{args.file.name}")
    filled = fill(store, suggester, _counted(store.iter_texts(uids), args.quiet), args.by)
    print(f"{suggester.source}: {filled}")
    return 0


def cmd_occurrences(store: Store, args: argparse.Namespace) -> int:
    annotator = args.annotator or args.by
    uids = _uids(store, args)
    texts = {d.uid: d.text for d in store.iter_texts(uids)}
    spans = [span for record in store.iter_documents([annotator], uids=uids)
             for span in record.spans]
    if not spans:
        print(f"{annotator} has no spans{' in those documents' if uids else ''}: "
              "nothing to look for")
        return 0
    where = None if args.corpus else list(dict.fromkeys(s.document for s in spans))
    suggester = OtherOccurrences(spans, texts, f"{occurrences.SOURCE} of {annotator}")
    filled = fill(store, suggester, store.iter_texts(where), args.by)
    print(f"{suggester.source}: {filled}")
    return 0


def learnt_from(store: Store, layer: str) -> Iterator[AnnotatedDocument]:
    """The documents of ``store`` that ``layer`` worked on (:func:`annotate.training.
    worked_on`), with that layer's spans."""
    judged = {v.document for v in store.verdicts(annotator=layer)}
    return worked_on(store.iter_documents([layer]), layer, judged)


def _default_out(store: Store) -> Path:
    if store.path is None:
        raise InputError("the store is not a file: say where the model goes (--out DIR)")
    return store.path.with_name(f"{store.path.stem}-model")


def _epoch(epoch: int, epochs: int, loss: float) -> None:
    print(f"  epoch {epoch}/{epochs}: loss {loss:.2f}", file=sys.stderr, flush=True)


def cmd_train(store: Store, args: argparse.Namespace) -> int:
    if not 0 < args.dev < 1:
        raise InputError(f"--dev {args.dev}: a share between 0 and 1")
    if args.epochs < 1:
        raise InputError(f"--epochs {args.epochs}: at least 1")
    schema = store.schema()
    used = sorted({s.label for r in learnt_from(store, args.layer) for s in r.spans})
    labels = args.labels or used
    unknown = [label for label in labels if schema.label(label) is None]
    if unknown:
        raise InputError(f"not labels of the schema: {', '.join(unknown)}")
    if not labels:
        raise InputError(f"{args.layer} has no spans to learn from")
    out = args.out or _default_out(store)
    lang = args.lang or language(d.meta.get("language") for d in store.iter_texts())
    plan = Plan(args.layer, labels, lang, args.dev, args.epochs, args.seed, _epoch)
    print(f"training on {args.layer}'s {', '.join(labels)} ({lang}, {args.epochs} epochs, "
          f"{args.dev:.0%} held out); Ctrl+C cancels", file=sys.stderr, flush=True)
    try:
        scores = train(learnt_from(store, args.layer), plan, out)
    except KeyboardInterrupt:
        print("cancelled: no model was written (one trained before stays as it was)",
              file=sys.stderr)
        return 130
    store.record_model(str(out.resolve()), {
        label: (s.precision, s.recall, s.f1) for label, s in scores.items()})
    print(score_table(scores))
    print(f"model written to {out}")
    return 0


def score_table(scores: dict[str, Scores]) -> str:
    """Precision, recall and F1 per label, as a table."""
    if not scores:
        return "no document was held out (too few documents): nothing was scored"
    width = max([5, *map(len, scores)])
    lines = [f"{'label':<{width}}  precision  recall     F1"]
    lines += [f"{label:<{width}}  {s.precision:9.3f}  {s.recall:6.3f}  {s.f1:5.3f}"
              for label, s in scores.items()]
    return "\n".join(lines)


def cmd_suggest(store: Store, args: argparse.Namespace) -> int:
    if args.origin == "actors":
        return _suggest_actors(store, args)
    if not 0 <= args.threshold <= 1:
        raise InputError(f"--threshold {args.threshold}: a score between 0 and 1")
    path = args.model
    if path is None:
        record = store.model_record()
        if record is None:
            raise InputError("no model trained on this store yet: counterclaim train, or "
                             "--model DIR")
        path = Path(record[0])
    suggester = ModelSuggester(path, args.threshold)
    schema = store.schema()
    missing = [label for label in suggester.labels if schema.label(label) is None]
    if missing:
        raise InputError(f"the model's labels are not in the schema: {', '.join(missing)}",
                         str(path))
    uids = _uids(store, args)
    try:
        filled = fill(store, suggester, _counted(store.iter_texts(uids), args.quiet), args.by,
                      older_versions(store, suggester))
    except KeyboardInterrupt:
        print("cancelled: the suggestions are as they were", file=sys.stderr)
        return 130
    print(f"{suggester.source}: {filled}")
    return 0


def _suggest_actors(store: Store, args: argparse.Namespace) -> int:
    if args.model is not None:
        raise InputError("--model is for --from model: the actors need none")
    gazetteer = store.gazetteer()
    if not gazetteer.names:
        print("no actor has a name to look for (none, or none whose label the schema has)")
        return 0
    filled = fill(store, gazetteer, _counted(store.iter_texts(_uids(store, args)), args.quiet),
                  args.by)
    print(f"{gazetteer.source}: {filled}")
    return 0


def cmd_suggestions(store: Store, args: argparse.Namespace) -> int:
    if args.least_sure is not None:
        for uid, doubt in store.least_sure_documents(args.by, args.least_sure):
            print(f"{doubt:.3f}  {uid}  {store.document(uid).title}")
        return 0
    if args.clear:
        gone = store.clear_suggestions(args.source, args.by)
        print(f"{gone} suggestions removed")
        return 0
    counts = store.suggestion_sources()
    if args.source is not None:
        counts = {args.source: counts.get(args.source, 0)}
    for source, n in sorted(counts.items()):
        print(f"{n:>8}  {source}")
    if not counts:
        print("no suggestions")
    return 0
