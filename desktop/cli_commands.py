"""The ``counterclaim`` command's subcommands for batch work, and its whole parser (the window's
start, with no subcommand, is told apart without them: :mod:`desktop.cli`)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from annotate import formats
from annotate.adjudication import DocItem, Item, attribute_choices, progress
from annotate.agreement import compute_agreement
from annotate.agreement_outline import compared
from annotate.errors import CounterclaimError, InputError, ValidationError
from annotate.formats import workers
from annotate.formats.base import ImportOptions, name_map, read_utf8
from annotate.formats.iob import SCHEMES
from annotate.formats.targets import atomic_write
from annotate.history import describe, operation
from annotate.journal_entry import JournalEntry
from annotate.model import STATUSES
from annotate.relation_items import RelationItem
from annotate.schema import CATEGORIES, LabelSchema
from db.backup import backup
from db.engine import ENV_VAR
from db.review import (
    accept_agreed,
    doc_review_items,
    relation_review_items,
    resolve_uid,
    review_items,
)
from db.store import Store
from db.transfer import ExportFilter, Split, export, export_targets, import_paths
from desktop import cli_assign, cli_assist, cli_ledger, cli_team
from desktop.cli_args import count
from desktop.stores import open_store


def _version() -> str:
    try:
        return version("counterclaim")
    except PackageNotFoundError:
        return "unknown"


def _progress(path: str, count: int) -> None:
    print(f"\r{path}: {count} documents", end="", file=sys.stderr, flush=True)


def cmd_import(store: Store, args: argparse.Namespace) -> int:
    options = ImportOptions(
        args.annotator,
        name_map(args.map or (), "--map"),
        args.add_labels,
        annotator_map=name_map(args.map_annotator or (), "--map-annotator"),
        by=args.by,
        text_key=args.text_key,
        column=args.column,
        scheme=args.scheme,
    )
    results = import_paths(
        store,
        [Path(p) for p in args.paths],
        options,
        None if args.format == "auto" else args.format,
        _progress if sys.stderr.isatty() and not args.quiet else None,
        args.dry_run,
    )
    if sys.stderr.isatty() and not args.quiet:
        print(file=sys.stderr)
    failed = skipped = 0
    for result in results:
        if result.error:
            failed += 1
            print(f"error: {result.error}", file=sys.stderr)
        elif result.skipped:
            skipped += 1
            print(f"skipped: {result.path}: {result.skipped}", file=sys.stderr)
        elif result.summary and not args.quiet:
            print("\n".join(result.lines()))
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    done = "would import (dry run: nothing was written)" if args.dry_run else "imported"
    left_out = f" ({skipped} left out)" if skipped else ""
    print(f"{len(results) - failed - skipped} of {len(results)} files {done}{left_out}",
          file=sys.stderr)
    return 1 if failed else 0


def cmd_export(store: Store, args: argparse.Namespace) -> int:
    filters = ExportFilter(args.annotator, args.label, args.status, args.gold, args.category)
    split = Split.parse(args.split, args.seed) if args.split else None
    for path, report in export(store, Path(args.out), args.format, filters, split):
        print(f"{path}: {report.summary()}", file=sys.stderr)
    return 0


def cmd_schema(store: Store, args: argparse.Namespace) -> int:
    path = Path(args.file)
    if args.action == "export":
        export_targets(store, path, "schema")
        with atomic_write(path, "schema") as handle:
            handle.write(store.schema().dumps())
        print(f"schema written to {path}", file=sys.stderr)
        return 0
    text = read_utf8(path)  # a regular file within the size cap, as every import reads
    schema = LabelSchema.loads(text, str(path))
    try:
        store.set_schema(schema, name_map(args.rename or (), "--rename"), by=args.by)
    except ValidationError as exc:
        raise InputError(str(exc), str(path)) from None
    print(f"schema imported from {path}", file=sys.stderr)
    return 0


def since_time(text: str) -> str:
    """``--since``: a date or an ISO time (UTC unless it names its zone) as the journal's
    form, ``YYYY-MM-DDTHH:MM:SSZ``; else InputError."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"expected a date or time like 2026-12-04 or 2026-12-04T18:30:00Z, got {text!r}",
            "--since",
        ) from None
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def format_entry(entry: JournalEntry) -> str:
    """One line of ``counterclaim log``."""
    op, payload = entry.step
    where = entry.document[:12] if entry.document else "-"
    if len(entry.documents) > 1:
        where += f" +{len(entry.documents) - 1}"
    return (f"#{entry.id:<5} {entry.at}  {entry.annotator:<14} "
            f"{operation(entry.kind, op, entry.state):<24} {where:<16} {describe(op, payload)}")


def cmd_log(store: Store, args: argparse.Namespace) -> int:
    document = None if args.document is None else resolve_uid(store, args.document)
    entries = store.history(
        args.annotator, args.limit, document=document,
        since=None if args.since is None else since_time(args.since), op=args.op,
    )
    if args.json:
        rows = [
            {"id": e.id, "at": e.at, "annotator": e.annotator, "op": e.op, "kind": e.kind,
             "state": e.state, "documents": list(e.documents), "target": e.target,
             "description": describe(*e.step), "payload": e.payload}
            for e in entries
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for entry in entries:
            print(format_entry(entry))
    return 0


def cmd_stats(store: Store, args: argparse.Namespace) -> int:
    stats = store.stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return 0
    print(
        f"documents   {stats['documents']}\ncharacters  {stats['characters']}\n"
        f"spans       {stats['spans']}\nrelations   {stats['relations']}"
    )
    for title, key in (
        ("spans per label", "spans_per_label"),
        ("spans per annotator", "spans_per_annotator"),
    ):
        print(title)
        for name, n in stats[key].items():
            print(f"  {name:<20} {n}")
    return 0


def cmd_agreement(store: Store, args: argparse.Namespace) -> int:
    documents = store.iter_outlined(lambda outline: compared(outline, args.annotators))
    report = compute_agreement(documents, args.annotators, args.label,
                               categories=store.schema().documents)
    print(
        json.dumps(report.to_json(), ensure_ascii=False, indent=2)
        if args.json
        else report.format_table()
    )
    return 0


def _snippet(text: str, start: int, end: int, width: int = 60) -> str:
    quoted = text[start:end]
    if len(quoted) > width:
        quoted = quoted[: width // 2 - 2] + " … " + quoted[-(width // 2 - 2) :]
    return json.dumps(quoted, ensure_ascii=False)


def format_items(items: Sequence[Item], text: str) -> list[str]:
    """The aligned items of a document as plain text, one block per item; an ``attributes``
    item also lists each differing attribute's values by annotator."""
    lines = []
    for number, item in enumerate(items, start=1):
        lines.append(f"#{number} {item.kind:<8} [{item.start}, {item.end})  {item.status}")
        rows = [(name, s) for name, spans in item.by_annotator().items() for s in spans]
        rows += [("(gold)", item.gold)] if item.gold is not None else []
        for name, span in rows:
            lines.append(
                f"   {name:<14} {span.label:<10} [{span.start}, {span.end})  "
                f"{_snippet(text, span.start, span.end)}"
            )
        lines += [f"   {name:<14} -" for name, spans in item.by_annotator().items() if not spans]
        lines += [f"   {name}: " + " | ".join(f"{who} {'-' if v is None else v}"
                                             for who, v in values.items())
                  for name, values in attribute_choices(item).items()]
    return lines


def format_relation_items(items: Sequence[Item], relations: Sequence[RelationItem]) -> list[str]:
    """The relation items of a document as plain text: type(s), kind, status, the span items
    (numbered as by :func:`format_items`; a link's target in another document by its uid and
    bounds) they link, and who gave which type."""
    number = {item.ids: n for n, item in enumerate(items, start=1)}
    lines = []
    for rel in relations:
        target = (f"document {rel.target.document[:12]} [{rel.target.start}, {rel.target.end})"
                  if rel.crosses else f"#{number[rel.target.ids]}")
        lines.append(f"relation {'/'.join(rel.types())} {rel.kind} #{number[rel.source.ids]} -> "
                     f"{target}  {rel.status}")
        lines += [f"   {name:<14} {', '.join(r.type for r in given) or '-'}"
                  for name, given in rel.by_annotator().items()]
    return lines


def format_doc_items(items: Sequence[DocItem]) -> list[str]:
    """The document-label items of a document as plain text, one block per category."""
    lines = []
    for item in items:
        lines.append(f"document {item.category:<10} {item.kind:<8} {item.status}")
        rows = [*item.by_annotator().items(), *((("(gold)", tuple(d.value for d in item.gold)),)
                                               if item.gold else ())]
        lines += [f"   {name:<14} {', '.join(values) or '-'}" for name, values in rows]
    return lines


def cmd_review(store: Store, args: argparse.Namespace) -> int:
    uid = resolve_uid(store, args.uid)
    doc = store.document(uid)
    items = review_items(store, uid, args.annotators)
    doc_items = doc_review_items(store, uid, args.annotators)
    relations = relation_review_items(store, uid, items)
    others = [*doc_items, *relations]
    decided, total = progress(items)
    decided += sum(item.status != "open" for item in others)
    total += len(others)
    print(f"{doc.title or '(untitled)'} ({uid[:12]}): {decided} of {total} decided")
    print("\n".join(format_doc_items(doc_items) + format_items(items, doc.text)
                    + format_relation_items(items, relations)))
    return 0


def cmd_adjudicate(store: Store, args: argparse.Namespace) -> int:
    uids = None if args.document is None else [resolve_uid(store, args.document)]
    accepted = accept_agreed(store, args.by, args.annotators, uids)
    print(f"{accepted} agreed items accepted into gold by {args.by} (only what is fully "
          "agreed: spans with their label and attributes, relations with both ends in gold, "
          "document labels)")
    return 0


def cmd_backup(store: Store, args: argparse.Namespace) -> int:
    target = backup(store.engine, reason="manual")
    if target is None:
        raise CounterclaimError("only a store file can be backed up")
    print(target)
    return 0


def _column(text: str) -> int:
    """``--column``: a column number from 2 on (column 1 holds the tokens)."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 2:
        raise argparse.ArgumentTypeError(
            f"expected a column number from 2 on (column 1 holds the tokens), got {text!r}")
    return number


def by(command: argparse.ArgumentParser) -> None:
    """The ``--by`` option of a command that changes the store: who the journal names."""
    command.add_argument(
        "--by", default=getpass.getuser() or "cli", metavar="NAME",
        help="who makes the change, as the journal records it (default: your user name)",
    )


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        metavar="PATH",
        help=f"store file or SQLAlchemy URL (default: ${ENV_VAR}, else the "
        "default store in the user data folder)",
    )
    top = argparse.ArgumentParser(
        prog="counterclaim",
        parents=[common],
        description="Annotate claims, denials and entities in source texts. Without a "
        "command, opens the window.",
    )
    top.add_argument("--version", action="version", version=f"counterclaim {_version()}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("import", parents=[common], help="import texts, corpora or annotations")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (recursive)")
    p.add_argument(
        "--format", choices=("auto", *formats.IMPORT_FORMATS, "store"), default="auto",
        help="store: a peer's Counterclaim store file (read only, as untrusted)",
    )
    p.add_argument("--annotator", help="annotator for files that name none")
    p.add_argument("--map", action="append", metavar="THEIRS=OURS", help="rename a label")
    p.add_argument(
        "--map-annotator",
        action="append",
        metavar="THEIRS=OURS",
        help="bring a file's annotator in under another name (repeatable)",
    )
    p.add_argument("--add-labels", action="store_true", help="add unknown labels to the schema")
    p.add_argument(
        "--text-key", metavar="KEY",
        help="doccano and Label Studio: the field holding the text (default: text; Label "
        "Studio also takes a task's only text field)",
    )
    p.add_argument("--column", type=_column, metavar="N",
                   help="CoNLL: the column holding the tags, counted from 1 (default: the last)")
    p.add_argument("--scheme", choices=SCHEMES, default="auto",
                   help="CoNLL: how the tags encode chunks (default: auto, which reads IOB1, "
                   "IOB2 and BIOES alike; a scheme named also checks every tag against it)")
    p.add_argument("--dry-run", action="store_true",
                   help="read, check and count every file, report it, write nothing")
    p.add_argument("--quiet", action="store_true", help="no progress or per-file lines")
    by(p)
    p.set_defaults(run=cmd_import)

    p = sub.add_parser("export", parents=[common], help="export annotations")
    p.add_argument("out", metavar="OUT", help="output file (a folder for brat)")
    p.add_argument("--format", choices=formats.EXPORT_FORMATS, default="native")
    p.add_argument("--annotator", action="append", help="only this annotator (repeatable)")
    p.add_argument("--label", action="append", help="only this label (repeatable)")
    p.add_argument("--category", action="append", choices=CATEGORIES,
                   help="only the labels of this category (repeatable; e.g. entity for a CoNLL "
                   "file of named entities)")
    p.add_argument("--gold", action="store_true", help="the adjudicated gold layer")
    p.add_argument("--status", choices=STATUSES, help="only documents with this status")
    p.add_argument("--split", metavar="TRAIN,DEV,TEST", help="e.g. 0.8,0.1,0.1, by document")
    p.add_argument("--seed", type=int, default=0, help="seed of the split")
    p.set_defaults(run=cmd_export)

    p = sub.add_parser("schema", parents=[common], help="export or import the label schema")
    p.add_argument("action", choices=("export", "import"))
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--rename",
        action="append",
        metavar="OLD=NEW",
        help="on import: a label renamed (its spans follow)",
    )
    by(p)
    p.set_defaults(run=cmd_schema)

    p = sub.add_parser("log", parents=[common],
                       help="the journal: who changed what, when, on which documents")
    p.add_argument("--annotator", metavar="NAME", help="only what this annotator did")
    p.add_argument("--document", metavar="UID", help="only what touched this document "
                   "(its uid or the unique start of it)")
    p.add_argument("--since", metavar="TIME", help="only from this UTC date or time on "
                   "(2026-12-04, 2026-12-04T18:30:00Z)")
    p.add_argument("--op", metavar="OP", help="only this operation (e.g. set_schema, import)")
    p.add_argument("--limit", type=count, metavar="N", help="only the newest N entries")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_log)

    p = sub.add_parser("stats", parents=[common], help="counts of documents, spans, relations")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_stats)

    p = sub.add_parser("agreement", parents=[common], help="inter-annotator agreement")
    p.add_argument("--annotators", nargs="+", metavar="NAME", help="default: all but gold")
    p.add_argument("--label", action="append", help="only this label (repeatable)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_agreement)

    p = sub.add_parser("review", parents=[common], help="a document's spans aligned for review")
    p.add_argument("uid", metavar="UID", help="the document's uid (or its unique start)")
    p.add_argument("--annotators", nargs="+", metavar="NAME", help="default: all but gold")
    p.set_defaults(run=cmd_review)

    p = sub.add_parser("adjudicate", parents=[common], help="decide spans into the gold layer")
    p.add_argument(
        "--accept-agreed",
        action="store_true",
        required=True,
        help="accept every item all compared annotators fully agree on: spans with their label "
        "and attributes, relations whose ends are in gold, document labels (one undo step "
        "for the whole run)",
    )
    p.add_argument("--annotators", nargs="+", metavar="NAME", help="default: all but gold")
    p.add_argument("--document", metavar="UID", help="only this document (default: all)")
    p.add_argument(
        "--by", default=getpass.getuser() or "adjudicator", metavar="NAME",
        help="who decides (default: your user name)",
    )
    p.set_defaults(run=cmd_adjudicate)

    p = sub.add_parser("backup", parents=[common], help="copy the store into backups/")
    p.set_defaults(run=cmd_backup)
    cli_team.add_parsers(sub, common)
    cli_ledger.add_parsers(sub, common, by)
    cli_assist.add_parsers(sub, common, by)
    cli_assign.add_parsers(sub, common, by)
    return top


def makes_store(args: argparse.Namespace) -> bool:
    """Whether the command may make the store file it names when there is none: an import
    or a schema import (any other finds nothing in a new store: a mistyped name is refused,
    not made empty)."""
    return args.command == "import" or (args.command == "schema" and args.action == "import")


def run(argv: Sequence[str]) -> int:
    """The command ``argv`` names, on the store it names; argparse's answer (usage, help,
    version) to anything else (:func:`desktop.cli.main` opens the window without one)."""
    args = parser().parse_args(argv)
    location = getattr(args, "db", None)
    try:
        if hasattr(args, "standalone"):  # a command naming its own stores
            with workers.fork_allowed():
                return args.standalone(args)
        store = open_store(location, make=makes_store(args))
        try:
            with workers.fork_allowed():  # the command line runs no other thread
                return args.run(store, args)
        finally:
            store.close()
    except CounterclaimError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # what the system refused outside any file the project reads
        place = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {place}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: an unfinished export output was discarded; an import keeps the "
              "files it had finished", file=sys.stderr)
        return 130
