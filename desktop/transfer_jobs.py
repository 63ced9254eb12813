"""Import and export as background jobs (:mod:`desktop.jobs`).

Cancelling (``job.cancel()``, thread-safe) is checked whenever the job reports progress:

* Import: the file being read when the cancel lands is rolled back completely (its
  transaction never commits); files finished before it STAY imported; files not yet begun are
  skipped. Each appears in the results: finished ones with their summary, the interrupted one
  with :data:`CANCELLED`, the skipped ones with :data:`SKIPPED`.
* Export: the output being written is never put in place (the format writers write a
  temporary file and rename it; the cancel raises inside their loop, which removes the
  temporary file). With a split, parts completed before the cancel stay written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotate.errors import Cancelled
from annotate.formats.base import ExportReport, ImportOptions
from annotate.model import AnnotatedDocument
from db.store import Store
from db.transfer import (
    ExportFilter,
    FileResult,
    Split,
    export,
    import_unit,
    plan_import,
)
from desktop.jobs import Job

CANCELLED = "cancelled: nothing from this file was imported"
SKIPPED = "not imported: the import was cancelled before this file"

@dataclass(slots=True)
class ExportOutcome:
    """What an export wrote (path and report per output), or that it was cancelled."""

    outputs: list[tuple[Path, ExportReport]] = field(default_factory=list)
    cancelled: bool = False


class ImportJob(Job):
    """Import files or folders (see the module docstring for what a cancel keeps)."""

    def __init__(self, location: str, paths: Sequence[Path], options: ImportOptions,
                 forced: str | None = None, dry_run: bool = False):
        super().__init__(location)
        self.paths = [Path(p) for p in paths]
        self.options = options
        self.forced = forced
        self.dry_run = dry_run  # read, check and count each file, write nothing

    def work(self, store: Store) -> list[FileResult]:
        units = plan_import(self.paths, self.forced)
        self.signals.planned.emit(len(units))
        results: list[FileResult] = []
        for unit in units:
            if self.cancelled:
                result = FileResult(unit.path, unit.format, error=f"{unit.path}: {SKIPPED}")
            else:
                try:
                    self.report(str(unit.path), 0, force=True)
                    result = import_unit(store, unit, self.options, self.report, self.dry_run)
                except Cancelled:
                    result = FileResult(unit.path, unit.format,
                                        error=f"{unit.path}: {CANCELLED}")
            results.append(result)
            self.signals.fileDone.emit(result)
        return results


class _WatchedStore(Store):
    """A store whose document stream reports each record before handing it on, so that an
    export can be followed and cancelled from inside the format writer's loop."""

    watch: Callable[[int], None] = staticmethod(lambda count: None)

    def iter_documents(self, *args: Any, **kwargs: Any) -> Iterator[AnnotatedDocument]:
        for count, record in enumerate(super().iter_documents(*args, **kwargs), 1):
            self.watch(count)
            yield record


class ExportJob(Job):
    """Export the (filtered, optionally split) store to ``out`` in ``fmt``."""

    def __init__(self, location: str, out: Path, fmt: str, filters: ExportFilter,
                 split: Split | None = None):
        super().__init__(location)
        self.out, self.fmt, self.filters, self.split = Path(out), fmt, filters, split

    def open_store(self) -> Store:
        store = _WatchedStore.open(self.location, check_pages=False)  # as Job's
        store.watch = lambda count: self.report(str(self.out), count)
        return store

    def work(self, store: Store) -> ExportOutcome:
        try:
            self.report(str(self.out), 0, force=True)
            return ExportOutcome(export(store, self.out, self.fmt, self.filters, self.split))
        except Cancelled:
            return ExportOutcome(cancelled=True)

