"""Import and export between files and the store: the one path the CLI and the GUI share.

An import is all-or-nothing per file (one transaction each); an export is written to a
temporary file and renamed into place by the format writer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotate import formats, sources
from annotate.errors import CounterclaimError, InputError
from annotate.formats.base import ExportReport, ImportOptions
from annotate.model import GOLD, AnnotatedDocument, Status
from db.bulk import ImportSummary
from db.store import Store

Progress = Callable[[str, int], None]
"""Called with the file being read and the number of documents read from it so far."""


class Cancelled(CounterclaimError):
    """Raised by a progress callback to stop a long job; the current file is rolled back."""


@dataclass(slots=True)
class FileResult:
    path: Path
    format: str
    summary: ImportSummary | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ImportUnit:
    path: Path
    format: str  # an annotated format of annotate.formats, or "source"


def plan_import(paths: Iterable[Path], forced: str | None = None) -> list[ImportUnit]:
    """What to import: a file named explicitly in its detected (or ``forced``) format, brat
    folders whole, other folders file by file (source files and annotated .jsonl/.csv)."""
    units: list[ImportUnit] = []
    for given in map(Path, paths):
        fmt = forced or formats.detect(given)
        if fmt is not None and (given.is_file() or fmt in formats.FOLDER_FORMATS):
            units.append(ImportUnit(given, fmt))
            continue
        for path in sources.iter_input_files([given]):
            units.append(ImportUnit(path, forced or formats.detect(path) or "source"))
    return units


def _records(store: Store, unit: ImportUnit, options: ImportOptions) -> Iterator[AnnotatedDocument]:
    if unit.format == "source":
        for doc in sources.read_source(unit.path):
            yield AnnotatedDocument(doc)
    elif unit.format == "native":
        yield from formats.module("native").read(unit.path)
    elif unit.format == "csv":

        def text_of(uid: str) -> str | None:
            return store.document(uid).text if store.has_document(uid) else None

        yield from formats.module("csv").read(unit.path, store.schema(), options, text_of)
    elif unit.format in formats.IMPORT_FORMATS:
        yield from formats.module(unit.format).read(unit.path, store.schema(), options)
    else:
        raise InputError(f"cannot import the {unit.format} format", str(unit.path))


def import_unit(
    store: Store, unit: ImportUnit, options: ImportOptions, progress: Progress | None = None
) -> FileResult:
    """Import one file in one transaction; an InputError leaves the store as it was."""
    report = None if progress is None else (lambda n: progress(str(unit.path), n))
    try:
        summary = store.import_documents(
            _records(store, unit, options), report, add_labels=options.add_labels
        )
    except InputError as exc:
        return FileResult(unit.path, unit.format, error=str(exc.located(str(unit.path))))
    return FileResult(unit.path, unit.format, summary)


def import_paths(
    store: Store,
    paths: Iterable[Path],
    options: ImportOptions | None = None,
    forced: str | None = None,
    progress: Progress | None = None,
) -> list[FileResult]:
    """Import every file; a bad file is reported and the others still import."""
    options = options or ImportOptions()
    try:
        units = plan_import(paths, forced)
    except InputError as exc:
        return [FileResult(Path(exc.file or "."), "?", error=str(exc))]
    return [import_unit(store, unit, options, progress) for unit in units]


@dataclass(frozen=True, slots=True)
class ExportFilter:
    annotators: Sequence[str] | None = None
    labels: Sequence[str] | None = None
    status: Status | None = None
    gold: bool = False

    def annotator_list(self) -> Sequence[str] | None:
        return [GOLD, *(self.annotators or ())] if self.gold else self.annotators


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
        if len(shares) not in (2, 3) or any(s < 0 for s in shares) or abs(sum(shares) - 1) > 1e-6:
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
        if fmt in formats.FOLDER_FORMATS:
            return out / name
        suffix = out.suffix or formats.SUFFIX[fmt]
        return out.with_name(f"{out.stem if out.suffix else out.name}.{name}{suffix}")


def export(
    store: Store,
    out: Path,
    fmt: str,
    filters: ExportFilter | None = None,
    split: Split | None = None,
) -> list[tuple[Path, ExportReport]]:
    """Write the (filtered) store in ``fmt``; with ``split``, one output per part."""
    filters = filters or ExportFilter()
    writer = formats.module(fmt).write
    schema = store.schema()

    def records(uids: Sequence[str] | None = None) -> Iterator[AnnotatedDocument]:
        return store.iter_documents(filters.annotator_list(), filters.labels, filters.status, uids)

    if split is None:
        return [(out, writer(records(), out, schema))]
    parts: dict[str, list[str]] = {name: [] for name in split.names[: len(split.shares)]}
    for record in records():
        parts[split.part(record.document.uid)].append(record.document.uid)
    return [
        (split.target(out, name, fmt), writer(records(uids), split.target(out, name, fmt), schema))
        for name, uids in parts.items()
    ]
