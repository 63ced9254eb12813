"""A document's span items for adjudication, kept up to date edit by edit.

:func:`annotate.adjudication.plan_documents` aligns a whole document. Its items never reach
across a *stretch*: a run of spans (of every annotator considered) chained by overlaps, with
no span over its edges. The alignment pairs only overlapping spans (spans are never empty, so
spans with equal bounds overlap too), so the items of a stretch are those of its spans alone,
planned on their own, as long as they come in the same order: each annotator's spans by
``(start, end, label, id)`` (:func:`in_order`). An edit of one span can change only the
stretch it leaves and those it comes to overlap: :meth:`DocumentPlan.edit` plans the spans of
those stretches again (what it aligns is bounded by their spans, not by the document's) and
splices the result into the items in place. The full plan is made once, when the document is
opened, the same way: whole stretches at a time (:data:`CHUNK` spans), each chunk's Spans and
Items made, planned and put into columns (:mod:`annotate.review_columns`) before the next.

Relation items pair the span items holding a relation's two ends
(:func:`~annotate.relation_items.plan_relations`): the plan keeps where each end is (the index
of its item, moved along by each edit) and plans them again after an edit from there, which
makes the Items of the relations' ends, not of the document (:meth:`DocumentPlan.relate`).

What an edit cannot change locally it refuses (None: plan the document again): a span of
the gold layer or of an annotator not considered, an annotator left with no span who did not
mark the document done (both change who is compared, hence every item's kind), a span of
another document.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, NamedTuple

from annotate import adjudication, relation_items
from annotate.adjudication import DocumentSpans, Item
from annotate.model import GOLD, Relation, Span
from annotate.review_columns import ItemColumns, SpanColumns

if TYPE_CHECKING:
    from annotate.commands import Decision
    from annotate.overlap_matching import Progress
    from annotate.relation_items import RelationItem

__all__ = ["DocumentPlan", "Splice", "common_ends", "in_order"]


def _order(span: Span) -> tuple[int, int, str, str]:
    return span.start, span.end, span.label, span.id


def in_order(spans: Sequence[Span]) -> list[Span]:
    """``spans`` in the order a :class:`DocumentPlan` aligns them: by start, end, label, id."""
    return sorted(spans, key=_order)


CHUNK = 4_096
"""Spans (whole stretches) planned at a time by the first alignment."""
Around = Callable[[int, int, int], AbstractContextManager[object]]
"""Entered while items change: (first, removed, added)."""


def _unheard(_first: int, _removed: int, _added: int) -> AbstractContextManager[object]:
    return nullcontext()


def _within(progress: Progress | None, planned: int, spans: int,
            every: int) -> Progress | None:
    """``progress`` of a chunk of ``spans`` spans after ``planned`` of ``every``: the chunk's
    own steps told as spans of the whole (with a step at its start, where a cancel is
    heard)."""
    if progress is None:
        return None

    def heard(done: int, total: int) -> None:
        progress(planned + spans * done // max(total, 1), every)

    heard(0, 1)
    return heard


class Splice(NamedTuple):
    """What an edit changed: ``items[first:first + removed]`` became ``added`` (the items
    equal before and after it are kept as they were)."""

    first: int
    removed: int
    added: list[Item]


class DocumentPlan:
    """The span items of one document (:attr:`items`, by position, as
    :func:`~annotate.adjudication.plan_documents` makes them from each annotator's spans
    :func:`in_order`), the stretches they lie in, and the progress counts.

    ``spans_by_annotator``: the spans of each annotator considered (in the order compared);
    ``done``: those of them who marked the document done (compared even with no span);
    ``gold`` and ``decisions`` (oldest first) as for ``plan_documents``; ``progress`` hears
    from the first alignment (and may stop it). :meth:`of_columns` plans spans read into
    columns. The items are held as columns (:class:`~annotate.review_columns.ItemColumns`),
    planned :data:`CHUNK` spans of whole stretches at a time: no more objects are made at
    once for the first alignment than for a chunk."""

    __slots__ = ("_count", "_decisions", "_done", "_elsewhere", "_ends", "_gold", "_hi",
                 "_linked", "_lo", "_places", "_ruled", "agreed_open", "annotators", "decided",
                 "items", "relation_items", "uid")

    def __init__(self, uid: str, spans_by_annotator: Mapping[str, Sequence[Span]],
                 done: Collection[str] = (), gold: Sequence[Span] = (),
                 decisions: Sequence[Decision] = (), progress: Progress | None = None) -> None:
        spans = SpanColumns(uid)
        for mine in spans_by_annotator.values():
            for span in mine:
                spans.add_span(span)
        self._plan(spans, tuple(spans_by_annotator), done, gold, decisions, progress)

    @classmethod
    def of_columns(cls, spans: SpanColumns, annotators: Sequence[str],
                   done: Collection[str] = (), gold: Sequence[Span] = (),
                   decisions: Sequence[Decision] = (),
                   progress: Progress | None = None) -> DocumentPlan:
        """The plan of the spans of ``annotators`` among ``spans`` (the others' rows are left
        out), the rest as for the class."""
        plan = cls.__new__(cls)
        plan._plan(spans, tuple(annotators), done, gold, decisions, progress)
        return plan

    def _plan(self, spans: SpanColumns, annotators: tuple[str, ...], done: Collection[str],
              gold: Sequence[Span], decisions: Sequence[Decision],
              progress: Progress | None) -> None:
        self.uid = spans.uid
        self.annotators = annotators
        self._count = {name: spans.count(name) for name in annotators}
        self._done = frozenset(done)
        self._gold = {(s.label, s.start, s.end): s for s in gold}
        self._decisions = tuple(decisions)
        self._ruled: dict[str, list[int]] = {}
        """Per span id, the decisions that settle an item holding it (indices, ascending)."""
        for index, decision in enumerate(self._decisions):
            if adjudication.rules(decision.kind, decision.category,
                                  decision.gold_span is not None):
                for source in decision.sources:
                    self._ruled.setdefault(source, []).append(index)
        self.items = ItemColumns(spans, annotators, self._decisions)
        self.relation_items: list[RelationItem] = []
        """The relation items (:meth:`relate`), changed in place by an edit."""
        self._linked: dict[str, list[Relation]] = {}
        self._elsewhere: Mapping[str, Sequence[Item]] = {}
        self._ends: frozenset[str] = frozenset()
        self._places: dict[str, tuple[str | None, int]] = {}
        """Where the spans the relations end at are (:func:`relation_items.item_places`)."""
        self._lo, self._hi = array("q"), array("q")
        """The stretches, by position: ``[lo[k], hi[k])``, disjoint."""
        self.decided = self.agreed_open = 0
        rows = spans.rows_of(annotators)
        starts, ends = spans.starts, spans.ends
        chunk: list[int] = []
        planned = 0
        reach = -1
        for row in rows:
            if starts[row] >= reach:  # a stretch begins
                if len(chunk) >= CHUNK:
                    self._plan_chunk(chunk, _within(progress, planned, len(chunk), len(rows)))
                    planned += len(chunk)
                    chunk = []
                reach = ends[row]
            else:
                reach = max(reach, ends[row])
            chunk.append(row)
        self._plan_chunk(chunk, _within(progress, planned, len(chunk), len(rows)))

    def relate(self, relations: Sequence[Relation],
               elsewhere: Mapping[str, Sequence[Item]] | None = None) -> list[RelationItem]:
        """Plan the relation items of the document's ``relations`` (every annotator's, gold
        included) over its items, and over the span items of the other documents its links
        end in (``elsewhere``, by uid), as :func:`~annotate.relation_items.plan_relations`
        does; an edit then plans them again from where their ends are, not from every
        item. Returns :attr:`relation_items`."""
        self._linked = {}
        for relation in relations:
            self._linked.setdefault(relation.annotator, []).append(relation)
        self._elsewhere = elsewhere or {}
        self._ends = frozenset(end for r in relations for end in (r.source, r.target))
        self._places = relation_items.item_places((), self._elsewhere, self._ends)
        self._places.update((sid, (None, index))
                            for sid, index in self.items.where(self._ends).items())
        self.relation_items[:] = self._related()
        return self.relation_items

    def _related(self) -> list[RelationItem]:
        return relation_items.plan_relations(self.items, self._linked,
                                             self._linked.get(GOLD, ()), self._decisions,
                                             self._elsewhere, self._places)

    def _follow_ends(self, first: int, last: int, changed: Sequence[Item]) -> None:
        """Items ``first:last`` became ``changed``: where the relations' ends are now."""
        shift = len(changed) - (last - first)
        places = {}
        for sid, (uid, index) in self._places.items():
            if uid is not None or index < first:
                places[sid] = (uid, index)
            elif index >= last:
                places[sid] = (uid, index + shift)
        for offset, item in enumerate(changed):
            places.update((span.id, (None, first + offset)) for span in item.spans
                          if span.id in self._ends)
        self._places = places

    def _plan_chunk(self, rows: Sequence[int], progress: Progress | None) -> None:
        """Plan the spans ``rows`` of :attr:`items`' columns, whole stretches after those
        planned, and append their items; ``progress`` hears from the alignment."""
        spans = self.items.spans
        made = [spans.span(row) for row in rows]
        added = self._aligned(made, progress)
        self._stretches(added, self._lo, self._hi)
        self.decided += sum(item.status != "open" for item in added)
        self.agreed_open += sum(map(_agreed_open, added))
        self.items.extend(added, {id(span): row
                                  for span, row in zip(made, rows, strict=True)})

    def _aligned(self, spans: Iterable[Span], progress: Progress | None = None) -> list[Item]:
        """The items of ``spans`` (whole stretches), by position: each annotator's
        :func:`in_order`, with the gold spans and decisions that bear on them; ``progress``
        hears from the alignment."""
        by_annotator: dict[str, list[Span]] = {name: [] for name in self.annotators}
        for span in spans:
            by_annotator[span.annotator].append(span)
        ids = {span.id for mine in by_annotator.values() for span in mine}
        ruled = sorted({index for sid in ids for index in self._ruled.get(sid, ())})
        keys = {(s.label, s.start, s.end) for mine in by_annotator.values() for s in mine}
        document = DocumentSpans({name: in_order(mine) for name, mine in by_annotator.items()},
                                 [self._gold[key] for key in keys if key in self._gold],
                                 [self._decisions[index] for index in ruled])
        return adjudication.plan_documents(self.annotators, [document], progress)[0]

    @staticmethod
    def _stretches(items: Sequence[Item], lo: array, hi: array) -> None:
        """Append the stretches of ``items`` (by position) to ``lo`` and ``hi``: an item's
        spans are chained by overlaps, so items whose extents overlap share a stretch."""
        for item in items:
            start, end = item.start, item.end
            if hi and start < hi[-1]:
                hi[-1] = max(hi[-1], end)
            else:
                lo.append(start)
                hi.append(end)

    def edit(self, before: Span | None, after: Span | None,
             around: Around | None = None) -> Splice | None:
        """Apply one edit of a span (``before`` -> ``after``; None: none, as in a creation or
        a deletion) to :attr:`items` in place: the stretches it touches are planned again.
        None when the edit cannot be applied locally (see the module docstring); the plan is
        then unchanged. ``around(first, removed, added)`` is entered while the items change
        (a table model tells its view)."""
        count = dict(self._count)
        for span, step in ((before, -1), (after, 1)):
            if span is None:
                continue
            if span.document != self.uid or span.annotator not in count:
                return None
            count[span.annotator] += step
        if any(not n and name not in self._done for name, n in count.items()):
            return None
        first, last = self._touched(before, after)
        items, lo = self.items, self._lo
        starts = items.starts
        i0 = bisect_left(starts, lo[first]) if first < len(lo) else len(items)
        i1 = bisect_left(starts, lo[last]) if last < len(lo) else len(items)
        old, rows = items.taken(i0, i1)
        spans = [span for item in old for span in item.spans
                 if before is None or span.id != before.id]
        if before is not None and len(spans) == sum(len(it.spans) for it in old):
            return None  # not among the items: the plan does not hold the document as it was
        if after is not None:
            spans.append(after)
        added = self._aligned(spans)
        lo_added, hi_added = array("q"), array("q")
        self._stretches(added, lo_added, hi_added)
        self._lo[first:last], self._hi[first:last] = lo_added, hi_added
        self._count = count
        self.decided += sum(it.status != "open" for it in added) - \
            sum(it.status != "open" for it in old)
        self.agreed_open += sum(map(_agreed_open, added)) - sum(map(_agreed_open, old))
        head, tail = common_ends(old, added)  # the items kept at either end
        changed = added[head:len(added) - tail]
        removed = len(old) - head - tail
        around = around or _unheard
        with around(i0 + head, removed, len(changed)):
            items.splice(i0 + head, i1 - tail, changed, rows)
        if self._ends:
            self._follow_ends(i0 + head, i1 - tail, changed)
            related = self._related()
            same, kept = common_ends(self.relation_items, related)
            was = len(self.relation_items) - same - kept
            now = related[same:len(related) - kept]
            with around(len(items) + same, was, len(now)):  # the relation rows after the items
                self.relation_items[same:same + was] = now
        return Splice(i0 + head, removed, changed)

    def _touched(self, before: Span | None, after: Span | None) -> tuple[int, int]:
        """The stretches ``[first, last)`` an edit changes: the one ``before`` lies in and
        those ``after`` overlaps (none: ``first == last``, where ``after`` comes), with the
        stretches between them."""
        lo, hi = self._lo, self._hi
        ranges = []
        if before is not None:
            home = bisect_right(lo, before.start) - 1
            ranges.append((home, home + 1))
        if after is not None:
            ranges.append((bisect_right(hi, after.start), bisect_left(lo, after.end)))
        return min(r[0] for r in ranges), max(r[1] for r in ranges)

    @property
    def stretches(self) -> int:
        """How many stretches the items lie in."""
        return len(self._lo)


def common_ends(old: Sequence[object], new: Sequence[object]) -> tuple[int, int]:
    """How many elements ``old`` and ``new`` share at their head, then at their tail (the
    tail not reaching into the head): what lies between is all that changed."""
    shortest = min(len(old), len(new))
    head = 0
    while head < shortest and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < shortest - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return head, tail


def _agreed_open(item: Item) -> bool:
    return item.kind == "agreed" and item.status == "open"
