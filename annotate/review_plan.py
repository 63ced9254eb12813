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
opened.

What an edit cannot change locally it refuses (None: plan the document again): a span of
the gold layer or of an annotator not considered, an annotator left with no span who did not
mark the document done (both change who is compared, hence every item's kind), a span of
another document.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from annotate import adjudication
from annotate.adjudication import DocumentSpans, Item
from annotate.model import Span

if TYPE_CHECKING:
    from annotate.commands import Decision
    from annotate.overlap_matching import Progress

__all__ = ["DocumentPlan", "Splice", "common_ends", "in_order"]


def _order(span: Span) -> tuple[int, int, str, str]:
    return span.start, span.end, span.label, span.id


def in_order(spans: Sequence[Span]) -> list[Span]:
    """``spans`` in the order a :class:`DocumentPlan` aligns them: by start, end, label, id."""
    return sorted(spans, key=_order)


def _item_start(item: Item) -> int:
    return item.start


class Splice(NamedTuple):
    """What an edit changed: ``items[first:first + removed]`` became ``added`` (the items
    equal before and after it are kept as they were, the same objects)."""

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
    from the first alignment (and may stop it)."""

    __slots__ = ("_count", "_decisions", "_done", "_gold", "_hi", "_lo", "_ruled",
                 "agreed_open", "annotators", "decided", "items", "uid")

    def __init__(self, uid: str, spans_by_annotator: Mapping[str, Sequence[Span]],
                 done: Collection[str] = (), gold: Sequence[Span] = (),
                 decisions: Sequence[Decision] = (), progress: Progress | None = None) -> None:
        self.uid = uid
        self.annotators = tuple(spans_by_annotator)
        self._count = {name: len(mine) for name, mine in spans_by_annotator.items()}
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
        document = DocumentSpans({name: in_order(mine)
                                  for name, mine in spans_by_annotator.items()},
                                 gold, self._decisions)
        self.items: list[Item] = adjudication.plan_documents(self.annotators, [document],
                                                             progress)[0]
        self._lo, self._hi = array("q"), array("q")
        """The stretches, by position: ``[lo[k], hi[k])``, disjoint."""
        self._stretches(self.items, self._lo, self._hi)
        self.decided = sum(item.status != "open" for item in self.items)
        self.agreed_open = sum(_agreed_open(item) for item in self.items)

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

    def edit(self, before: Span | None, after: Span | None) -> Splice | None:
        """Apply one edit of a span (``before`` -> ``after``; None: none, as in a creation or
        a deletion) to :attr:`items` in place: the stretches it touches are planned again.
        None when the edit cannot be applied locally (see the module docstring); the plan is
        then unchanged."""
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
        i0 = bisect_left(items, lo[first], key=_item_start) if first < len(lo) else len(items)
        i1 = bisect_left(items, lo[last], key=_item_start) if last < len(lo) else len(items)
        old = items[i0:i1]
        spans: dict[str, list[Span]] = {name: [] for name in self.annotators}
        for item in old:
            for span in item.spans:
                if before is None or span.id != before.id:
                    spans[span.annotator].append(span)
        if before is not None and len(spans[before.annotator]) == sum(
                len(it.by_annotator()[before.annotator]) for it in old):
            return None  # not among the items: the plan does not hold the document as it was
        if after is not None:
            spans[after.annotator].append(after)
        ids = {span.id for mine in spans.values() for span in mine}
        ruled = sorted({index for sid in ids for index in self._ruled.get(sid, ())})
        keys = {(s.label, s.start, s.end) for mine in spans.values() for s in mine}
        document = DocumentSpans({name: in_order(mine) for name, mine in spans.items()},
                                 [self._gold[key] for key in keys if key in self._gold],
                                 [self._decisions[index] for index in ruled])
        added = adjudication.plan_documents(self.annotators, [document])[0]
        lo_added, hi_added = array("q"), array("q")
        self._stretches(added, lo_added, hi_added)
        self._lo[first:last], self._hi[first:last] = lo_added, hi_added
        self._count = count
        self.decided += sum(it.status != "open" for it in added) - \
            sum(it.status != "open" for it in old)
        self.agreed_open += sum(map(_agreed_open, added)) - sum(map(_agreed_open, old))
        head, tail = common_ends(old, added)  # the items kept at either end: the old objects
        changed = added[head:len(added) - tail]
        items[i0 + head:i1 - tail] = changed
        return Splice(i0 + head, len(old) - head - tail, changed)

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
