"""The command line's suggestion commands: ``patterns``, ``occurrences`` and ``suggestions``.

Each fills (or lists, or clears) the suggestion layer (:mod:`annotate.suggestions`); nothing
here touches anyone's annotations. Errors are CounterclaimErrors, which ``cli.main`` prints.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from annotate import occurrences
from annotate.model import Document
from annotate.patterns import PatternSuggester, language, read_patterns
from annotate.suggestions import Suggestion
from db.review import resolve_uid
from db.store import Store

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

    p = sub.add_parser("suggestions", parents=[common],
                       help="list the suggestions' sources, or clear them")
    p.add_argument("--clear", action="store_true", help="remove the suggestions")
    p.add_argument("--source", metavar="NAME", help="only this source's")
    by(p)
    p.set_defaults(run=cmd_suggestions)


def documents(command: argparse.ArgumentParser) -> None:
    command.add_argument("--documents", nargs="+", metavar="UID",
                         help="only these documents (uids or their unique starts)")


def _uids(store: Store, args: argparse.Namespace) -> list[str] | None:
    given = getattr(args, "documents", None)
    return None if not given else [resolve_uid(store, uid) for uid in given]


def _counted(texts: Iterable[Document], quiet: bool) -> Iterator[tuple[str, str]]:
    """(uid, text) of ``texts``, with a progress line every :data:`PROGRESS_EVERY`."""
    for n, document in enumerate(texts, start=1):
        if not quiet and n % PROGRESS_EVERY == 0:
            print(f"  {n} documents…", file=sys.stderr, flush=True)
        yield document.uid, document.text


def _fill(store: Store, found: list[Suggestion], source: str, by: str,
          uids: Iterable[str]) -> None:
    stored = store.put_suggestions(found, source, by, uids)
    documents = len({s.document for s in found})
    print(f"{source}: {stored} suggestions in {documents} documents")


def cmd_patterns(store: Store, args: argparse.Namespace) -> int:
    labels = store.schema().label_names
    patterns = read_patterns(args.file, labels)
    uids = _uids(store, args)
    lang = args.lang or language(d.meta.get("language") for d in store.iter_texts(uids))
    suggester = PatternSuggester(patterns, lang, f"patterns:{args.file.name}")
    seen: list[str] = []

    def texts() -> Iterator[tuple[str, str]]:
        for uid, text in _counted(store.iter_texts(uids), args.quiet):
            seen.append(uid)
            yield uid, text
    found = list(suggester.suggest(texts()))
    _fill(store, found, suggester.source, args.by, seen)
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
    if args.corpus:
        where: Iterable[tuple[str, str]] = ((d.uid, d.text) for d in store.iter_texts())
    else:
        where = [(uid, texts[uid]) for uid in dict.fromkeys(s.document for s in spans)]
    seen: list[str] = []

    def looked_at() -> Iterator[tuple[str, str]]:
        for uid, text in where:
            seen.append(uid)
            yield uid, text
    source = f"{occurrences.SOURCE} of {annotator}"
    found = list(occurrences.other_occurrences(spans, texts, looked_at(), source))
    _fill(store, found, source, args.by, seen)
    return 0


def cmd_suggestions(store: Store, args: argparse.Namespace) -> int:
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
