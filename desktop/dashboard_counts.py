"""What the Dashboard's count charts show, read from the store off the GUI thread and then
followed from the change sets of edits (a span made, relabelled, deleted, its undo): an edit
reads nothing back, the store is scanned again only after a change the change set does not
describe in full (a link, a status, the schema, another program's write)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from annotate.commands import ChangeSet
from db.store import Store
from desktop.jobs import Job


@dataclass(frozen=True, slots=True)
class Counts:
    """What the count charts show: the store's stats, done per day, every annotator."""

    stats: Mapping[str, Any]
    per_day: Mapping[str, Sequence[tuple[str, int]]]
    annotators: Sequence[str]
    model: tuple[str, Mapping[str, Sequence[float]]] | None = None
    """The folder and held-out scores of the model last trained (Store.model_record)."""
    sources: Mapping[str, int] | None = None
    """How many suggestions each source holds."""

    def with_stats(self, stats: Mapping[str, Any]) -> Counts:
        """These counts with the store's stats ``stats``, made field by field:
        ``dataclasses.replace`` walks the fields by reflection (~15 K instructions at each
        edit the Dashboard follows, in front or not)."""
        return Counts(stats, self.per_day, self.annotators, self.model, self.sources)


def read_counts(store: Store, between: Callable[[], None] = lambda: None) -> Counts:
    """The counts of ``store``, ``between()`` called between its reads (a job's cancel
    check: a cancelled read stops at the next one instead of scanning on)."""
    stats = store.stats()
    between()
    per_day = store.done_per_day()
    between()
    annotators = store.annotators()
    between()
    model = store.model_record()
    between()
    return Counts(stats, per_day, annotators, model, store.suggestion_sources())


class CountsJob(Job):
    """The counts (:func:`read_counts`) on the job's own store: they scan the whole store.
    Cancelled, it stops between two of its reads."""

    def work(self, store: Store) -> Counts:
        return read_counts(store, self._stop_if_cancelled)


def follows(counts: Counts, changes: ChangeSet) -> Counts | None:
    """``counts`` after ``changes``, from the spans before and after that they carry; None
    when the change set does not tell the new counts (a link or status changed, the schema,
    spans without their values, a label the counts do not know) or changes who has spans (an
    annotator's first span or last: the pair is chosen among them): read them."""
    if changes.schema or changes.relations or changes.status or changes.statuses:
        return None
    edited = {s.id for pair in changes.edits for s in pair if s is not None}
    if not changes.spans <= edited:
        return None
    stats = counts.stats
    by_label = dict(stats["spans_per_label"])
    by_annotator = dict(stats["spans_per_annotator"])
    for before, now in changes.edits:
        for span, step in ((before, -1), (now, 1)):
            if span is None:
                continue
            if span.label not in by_label or span.annotator not in by_annotator:
                return None
            by_label[span.label] += step
            by_annotator[span.annotator] += step
    if 0 in by_annotator.values():
        return None
    return counts.with_stats({**stats, "spans": sum(by_label.values()),
                              "spans_per_label": by_label, "spans_per_annotator": by_annotator})
