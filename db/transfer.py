"""Import and export between files and the store: the one path the CLI and the GUI share.

An import is all-or-nothing per file (one transaction each); an export is written to a
temporary file and renamed into place by the format writer, after every output it will write
has passed :func:`export_targets` (nothing is written if one is refused).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from annotate import formats, layers, sources
from annotate.errors import Cancelled, InputError, StoreError
from annotate.formats.base import ExportReport, ImportOptions
from annotate.formats.targets import Guarded, check_folder, check_target
from annotate.inputs import not_regular
from annotate.model import GOLD, AnnotatedDocument, Status
from annotate.schema import LabelSchema, fit_name, is_label_name
from annotate.strings import shown
from db.backup import backup_dir
from db.merge import KINDS, ImportSummary, describe
from db.peer import is_store_file, read_peer_store
from db.store import Store

PEER_FORMATS = frozenset({"native", "store"})
"""Formats that carry annotators' own work: their imports report it per annotator."""

Progress = Callable[[str, int], None]
"""Called with the file being read and the number of documents read from it so far."""


@dataclass(slots=True)
class FileResult:
    """One file's import: its summary (what each annotator's layer gained, changed, kept and
    skipped) or its error. For native and store files, ``warnings`` name annotators who already
    had work here and gained more (perhaps a different person of the same name). ``skipped``
    says why a file found in a folder was left out (not an error: a link out of the folder, a
    FIFO...). ``error`` is a plain message that names the file itself."""

    path: Path
    format: str
    summary: ImportSummary | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    skipped: str | None = None
    renamed: dict[str, str] = field(default_factory=dict)
    """Labels and relation types ``--add-labels`` gave a spelling the name rule accepts."""

    def lines(self) -> list[str]:
        """The report of this file, as the CLI prints it and the import dialog shows it: the
        documents, then per annotator and kind what was added, changed, unchanged, skipped."""
        s = self.summary
        if s is None:
            return [f"{self.path}: left out: {self.skipped}" if self.skipped
                    else str(self.error)]  # the error names the file already
        labels = f"; labels added: {', '.join(s.labels_added)}" if s.labels_added else ""
        lines = [
            f"{self.path}: {s.documents_added} new documents "
            f"({s.documents_existing} already stored){labels}"
        ]
        for name, kinds in sorted(s.by_annotator.items()):
            parts = [f"{kind} {describe(kinds[kind])}" for kind in KINDS if kind in kinds]
            lines.append(f"  {name}: {'; '.join(parts)}")
        if self.renamed:
            lines.append("  renamed to fit the name rule: " + ", ".join(
                f"{shown(old)} as {new}" for old, new in sorted(self.renamed.items())))
        if s.not_imported:
            lost = "; ".join(f"{n} {what}" for what, n in sorted(s.not_imported.items()))
            lines.append(f"  not imported: {lost}")
        return lines


@dataclass(frozen=True, slots=True)
class ImportUnit:
    """A file (or brat folder) to import; or, with ``error``, one found unreadable while
    planning, or, with ``skipped``, one a folder holds that is left out, and why."""

    path: Path
    format: str  # an annotated format of annotate.formats, "store" (a peer's), or "source"
    error: str | None = None
    skipped: str | None = None


def failure(exc: Exception, file: Path) -> str:
    """The plain message for a file whose planning or reading raised ``exc``: an InputError
    located in the file, anything else (a failure no check foresaw) named with the file."""
    if isinstance(exc, InputError):
        return str(exc.located(str(file)))
    return f"{file}: could not be read ({type(exc).__name__}: {exc})"


def plan_import(paths: Iterable[Path], forced: str | None = None) -> list[ImportUnit]:
    """What to import: a file named explicitly in its detected (or ``forced``) format (a
    SQLite file as a peer's "store"), brat folders whole, other folders file by file (source
    files and annotated .jsonl/.csv). A path or file that cannot be planned (missing, not a
    regular file, unreadable, undetectable) becomes a unit carrying its error, so that the
    other files still import; files a folder holds that are left out become skipped units."""
    units: list[ImportUnit] = []
    for given in map(Path, paths):
        try:
            units += _plan(given, forced)
        except Exception as exc:  # whatever it is, it is this path's failure only
            units.append(ImportUnit(given, forced or "?", error=failure(exc, given)))
    return units


def _plan(given: Path, forced: str | None) -> list[ImportUnit]:
    if given.is_dir():
        fmt = forced or formats.detect(given)
        if fmt is not None and formats.writes_folder(fmt):
            left_out = formats.module(fmt).files(given)
            return [ImportUnit(given, fmt),
                    *(ImportUnit(f.path, fmt, skipped=f.skipped) for f in left_out if f.skipped)]
    else:
        why = not_regular(given)
        if why is not None:
            raise InputError(why, str(given))
        fmt = forced or ("store" if is_store_file(given) else formats.detect(given))
        if fmt is not None:
            return [ImportUnit(given, fmt)]
    found = sources.iter_input_files([given], formats.holds_annotations)
    return [_file_unit(each, forced) for each in found]


def _file_unit(found: sources.Found, forced: str | None) -> ImportUnit:
    """A file found in a folder (or a source file named explicitly), its format detected."""
    if found.skipped:
        return ImportUnit(found.path, forced or "?", skipped=found.skipped)
    try:
        return ImportUnit(found.path, forced or formats.detect(found.path) or "source")
    except Exception as exc:  # this file's failure, not the folder's
        return ImportUnit(found.path, "?", error=failure(exc, found.path))


def _renamed(records: Iterable[AnnotatedDocument], options: ImportOptions,
             labels: bool) -> Iterator[AnnotatedDocument]:
    """Records with ``options.annotator_map`` applied (and, with ``labels``, the label map).
    A span or relation given to another annotator gets an id derived from its own and the new
    name: the same file maps to the same ids every time, and a file first imported unmapped
    can still be brought in again under the new name."""
    who = options.annotator_map
    what = options.label_map if labels else {}
    if not who and not what:
        yield from records
        return

    def moved(item_id: str, annotator: str) -> tuple[str, str]:
        name = who.get(annotator, annotator)
        return (item_id if name == annotator else layers.copy_id(item_id, name)), name

    for record in records:
        spans, ids = [], {}
        for s in record.spans:
            new_id, name = moved(s.id, s.annotator)
            ids[s.id] = new_id
            spans.append(replace(s, id=new_id, annotator=name, label=what.get(s.label, s.label)))
        relations = []
        for r in record.relations:
            new_id, name = moved(r.id, r.annotator)
            relations.append(replace(r, id=new_id, annotator=name, type=what.get(r.type, r.type),
                                     source=ids[r.source],
                                     target=(moved(r.target, r.annotator)[0] if r.crosses
                                             else ids[r.target])))
        yield AnnotatedDocument(
            record.document, tuple(spans), tuple(relations),
            {who.get(a, a): state for a, state in record.status.items()},
            tuple(replace(d, annotator=who.get(d.annotator, d.annotator))
                  for d in record.doc_labels),
            record.origin,
        )


def _fitted(records: Iterable[AnnotatedDocument],
            renamed: dict[str, str]) -> Iterator[AnnotatedDocument]:
    """Records whose labels and relation types the name rule refuses renamed by
    :func:`annotate.schema.fit_name` (``renamed`` collects old -> new), for an import that adds
    names to the schema."""
    fine: set[str] = set()
    for record in records:
        names = {s.label for s in record.spans} | {r.type for r in record.relations}
        if names <= fine:  # the common case: nothing to rename
            yield record
            continue
        fine.update(n for n in names if is_label_name(n))
        yield replace(
            record,
            spans=tuple(s if s.label in fine else replace(s, label=fit_name(s.label, renamed))
                        for s in record.spans),
            relations=tuple(r if r.type in fine else replace(r, type=fit_name(r.type, renamed))
                            for r in record.relations),
        )


def _records(store: Store, unit: ImportUnit, options: ImportOptions) -> Iterator[AnnotatedDocument]:
    if unit.format == "source":
        for doc in sources.read_source(unit.path):
            yield AnnotatedDocument(doc)
    elif unit.format in PEER_FORMATS:
        read = read_peer_store if unit.format == "store" else formats.module("native").read
        yield from _renamed(read(unit.path), options, labels=True)
    elif unit.format == "csv":

        def text_of(uid: str) -> str | None:
            return store.document(uid).text if store.has_document(uid) else None

        read = formats.module("csv").read(unit.path, store.schema(), options, text_of)
        yield from _renamed(read, options, labels=False)
    elif unit.format in formats.IMPORT_FORMATS:
        read = formats.module(unit.format).read(unit.path, store.schema(), options)
        yield from _renamed(read, options, labels=False)  # readers map labels themselves
    else:
        raise InputError(f"cannot import the {unit.format} format", str(unit.path))


def _declared(unit: ImportUnit, options: ImportOptions) -> LabelSchema | None:
    """What the file declares of its own schema (a brat annotation.conf), read only when the
    import may add names: their definitions come from there."""
    if unit.format != "brat" or not options.add_labels:
        return None
    return formats.module("brat").declared_schema(unit.path, options.label_map)


def import_unit(
    store: Store,
    unit: ImportUnit,
    options: ImportOptions,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> FileResult:
    """Import one file in one transaction; an InputError leaves the store as it was, and so
    does a ``dry_run``, which reports what the import would add."""
    if unit.error or unit.skipped:
        return FileResult(unit.path, unit.format, error=unit.error, skipped=unit.skipped)
    report = None if progress is None else (lambda n: progress(str(unit.path), n))
    peer = unit.format in PEER_FORMATS
    before = store.work_by_annotator() if peer else {}
    options = replace(options, not_imported=Counter(), renamed={})  # this file's own
    records = _records(store, unit, options)
    try:
        summary = store.import_documents(
            _fitted(records, options.renamed) if options.add_labels else records, report,
            add_labels=options.add_labels,
            dry_run=dry_run, by=options.by, source=str(unit.path),
            declared=_declared(unit, options), not_imported=options.not_imported,
        )
    except (Cancelled, StoreError):
        raise
    except Exception as exc:  # a reader's surprise fails this file only (rolled back)
        return FileResult(unit.path, unit.format, error=failure(exc, unit.path))
    result = FileResult(unit.path, unit.format, summary, renamed=options.renamed)
    if peer:
        result.warnings = _clashes(summary, before, options)
    return result


def _clashes(summary: ImportSummary, before: dict[str, dict[str, int]],
             options: ImportOptions) -> list[str]:
    """Warnings for annotators who had spans here and gained more, unless the annotator map
    confirmed the name."""
    confirmed = set(options.annotator_map.values())
    return [
        f"annotator {name} exists here too; {gained} of their spans are new — "
        f"if they are a different person, map {name}={name}_peer (--map-annotator, or "
        "the import dialog's annotator map)"
        for name in sorted(summary.by_annotator)
        if before.get(name, {}).get("spans") and name not in confirmed
        and (gained := summary.gained(name, "spans"))
    ]


def import_paths(
    store: Store,
    paths: Iterable[Path],
    options: ImportOptions | None = None,
    forced: str | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> list[FileResult]:
    """Import every file; a bad file is reported and the others still import. ``dry_run``:
    each file is read, checked and counted, and nothing is written."""
    options = options or ImportOptions()
    units = plan_import(paths, forced)
    return [import_unit(store, unit, options, progress, dry_run) for unit in units]


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """What an export holds: these annotators (and gold), labels, labels of these categories
    (both given: the labels of both), documents of this status (None: everything)."""

    annotators: Sequence[str] | None = None
    labels: Sequence[str] | None = None
    status: Status | None = None
    gold: bool = False
    categories: Sequence[str] | None = None

    def annotator_list(self) -> Sequence[str] | None:
        return [GOLD, *(self.annotators or ())] if self.gold else self.annotators

    def label_list(self, schema: LabelSchema) -> Sequence[str] | None:
        """The labels chosen, ``categories`` resolved in ``schema`` (None: every label)."""
        if self.categories is None:
            return self.labels
        return [label.name for label in schema.labels if label.category in self.categories
                and (self.labels is None or label.name in self.labels)]


def _check_named(filters: ExportFilter, annotators: Sequence[str], labels: Sequence[str]
                 ) -> None:
    """InputError unless every annotator and label ``filters`` names is here: a name
    mistyped on the command line exported no spans at all, exit 0, "Nothing lost"."""
    for what, named, known in (("annotator", filters.annotators, annotators),
                               ("label", filters.labels, labels)):
        missing = [name for name in named or () if name not in known]
        if missing:
            listed = ", ".join(known[:10]) + (f" and {len(known) - 10} more"
                                              if len(known) > 10 else "")
            raise InputError(f"no {what} named {shown(missing[0])} here ({what}s: "
                             f"{listed or 'none'}); nothing was written")


@dataclass(frozen=True, slots=True)
class Split:
    """Deterministic train/dev/test assignment by document uid."""

    shares: tuple[float, ...] = (0.8, 0.1, 0.1)
    seed: int = 0
    names: tuple[str, ...] = field(default=("train", "dev", "test"))

    @classmethod
    def parse(cls, text: str, seed: int = 0) -> Split:
        try:
            shares = tuple(float(x) for x in text.split(","))
        except ValueError:
            raise InputError(f"--split takes numbers like 0.8,0.1,0.1, got {text!r}") from None
        if len(shares) not in (2, 3) or not all(0 <= s <= 1 for s in shares) or abs(
                sum(shares) - 1) > 1e-6:  # 0 <= s <= 1: false for NaN, which no test refused
            raise InputError(f"--split takes 2 or 3 shares that add up to 1, got {text!r}")
        return cls(shares, seed)

    def part(self, uid: str) -> str:
        digest = hashlib.sha256(f"{self.seed}:{uid}".encode()).digest()
        point = int.from_bytes(digest[:8], "big") / 2**64
        total = 0.0
        for name, share in zip(self.names, self.shares, strict=False):
            total += share
            if point < total:
                return name
        return self.names[len(self.shares) - 1]

    def target(self, out: Path, name: str, fmt: str) -> Path:
        if formats.get(fmt).folder:
            return out / name
        suffix = out.suffix or formats.get(fmt).suffix
        return out.with_name(f"{out.stem if out.suffix else out.name}.{name}{suffix}")


def guarded(store: Store) -> list[Guarded]:
    """What no export may write: the open store's file, its -wal, -shm and -journal files,
    its backups folder (and all in it), and the folder holding them."""
    path = store.path
    if path is None:
        return []
    files = [Guarded(path.with_name(path.name + end), f"the open store's {end[1:]} file")
             for end in ("-wal", "-shm", "-journal")]
    return [Guarded(path, "the open store"), *files,
            Guarded(backup_dir(path), "the store's backups folder", inside=True),
            Guarded(path.parent, "the folder holding the open store")]


def export_targets(store: Store, out: Path, fmt: str, split: Split | None = None
                   ) -> list[Path]:
    """Every path an export of ``store`` to ``out`` in ``fmt`` writes (one per part with
    ``split``), each checked by :func:`check_target` against :func:`guarded`: OutputError
    names the first that may not be written. A split folder export's parts go into the
    folder ``out``, which must not be a guarded folder either."""
    protect = guarded(store)
    if split is None:
        return [check_target(out, fmt, protect)]
    if formats.writes_folder(fmt):
        check_folder(out, protect)
    return [check_target(split.target(out, name, fmt), fmt, protect)
            for name in split.names[: len(split.shares)]]


def export(
    store: Store,
    out: Path,
    fmt: str,
    filters: ExportFilter | None = None,
    split: Split | None = None,
) -> list[tuple[Path, ExportReport]]:
    """Write the (filtered) store in ``fmt``; with ``split``, one output per part. Every
    output is checked by :func:`export_targets` before anything is written."""
    export_targets(store, out, fmt, split)
    filters = filters or ExportFilter()
    writer = formats.module(fmt).write
    schema = store.schema()
    _check_named(filters, store.annotators(), [label.name for label in schema.labels])

    labels = filters.label_list(schema)

    def records(uids: Sequence[str] | None = None) -> Iterator[AnnotatedDocument]:
        return store.iter_documents(filters.annotator_list(), labels, filters.status, uids)

    if split is None:
        return [(out, writer(records(), out, schema))]
    parts: dict[str, list[str]] = {name: [] for name in split.names[: len(split.shares)]}
    for record in records():
        parts[split.part(record.document.uid)].append(record.document.uid)
    return [
        (split.target(out, name, fmt), writer(records(uids), split.target(out, name, fmt), schema))
        for name, uids in parts.items()
    ]
