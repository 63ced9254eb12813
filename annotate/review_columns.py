"""A document's spans and review items held as columns, not as an object per span and item.

A document of 200,000 spans aligned for adjudication held a Span (its id, times and empty
attribute dict, two ints), an Item and its tuple per span: ~550 bytes a span. Here a span is a
row of :class:`SpanColumns` (its bounds, label and annotator in arrays, its id in a
:class:`~annotate.text_column.TextColumn`, its time in a list, what most spans lack,
attributes, note, fragments, a later update time, in dicts by row) and an item a row of
:class:`ItemColumns` (its spans' rows, kind, status, decision and gold span by index): about a
third. Spans and Items are made for the rows asked for (those a table shows, those an edit
aligns again), equal to those the alignment made.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from annotate.adjudication import Item, ItemKind, ItemStatus
from annotate.lazy_sequence import LazySequence
from annotate.model import Span
from annotate.text_column import TextColumn

if TYPE_CHECKING:
    from annotate.commands import Decision

__all__ = ["ItemColumns", "SpanColumns"]

KINDS: tuple[ItemKind, ...] = ("agreed", "partial", "attributes", "boundary", "label",
                               "single")
STATUSES: tuple[ItemStatus, ...] = ("open", "accepted", "rejected")
_KIND = {kind: code for code, kind in enumerate(KINDS)}
_STATUS = {status: code for code, status in enumerate(STATUSES)}


class SpanColumns:
    """The spans of one document (``uid``), a row each, added by :meth:`add` (rows are never
    removed: an edit adds the spans it makes). A run of spans made at the same time (an
    import's) holds one string for their times."""

    __slots__ = ("_code", "_names", "_time", "annotators", "attributes", "created", "ends",
                 "fragments", "ids", "labels", "notes", "starts", "uid", "updated")

    def __init__(self, uid: str) -> None:
        self.uid = uid
        self.starts, self.ends = array("q"), array("q")
        self.labels, self.annotators = array("i"), array("i")
        """Codes of names (:meth:`code`)."""
        self.ids = TextColumn()
        self.created: list[str] = []
        self.updated: dict[int, str] = {}
        """By row, where it is not the creation time."""
        self.attributes: dict[int, dict[str, Any]] = {}
        self.notes: dict[int, str] = {}
        self.fragments: dict[int, tuple[tuple[int, int], ...]] = {}
        self._names: list[str] = []
        self._code: dict[str, int] = {}
        self._time = ""

    def __len__(self) -> int:
        return len(self.ids)

    def code(self, name: str) -> int:
        """The code of a label's or an annotator's ``name`` (made when new)."""
        code = self._code.get(name)
        if code is None:
            code = self._code[name] = len(self._names)
            self._names.append(name)
        return code

    def name(self, code: int) -> str:
        return self._names[code]

    def add(self, span_id: str, start: int, end: int, label: str, annotator: str,
            attributes: dict[str, Any], note: str | None, created: str, updated: str,
            fragments: tuple[tuple[int, int], ...]) -> int:
        """Add a span given by its fields; its row."""
        row = len(self.ids)
        codes = self._code
        self.starts.append(start)
        self.ends.append(end)
        self.labels.append(codes[label] if label in codes else self.code(label))
        self.annotators.append(codes[annotator] if annotator in codes else
                               self.code(annotator))
        self.ids.append(span_id)
        if created == self._time:
            created = self._time
        self._time = created
        self.created.append(created)
        if updated != created:
            self.updated[row] = updated
        if attributes:
            self.attributes[row] = attributes
        if note is not None:
            self.notes[row] = note
        if fragments:
            self.fragments[row] = fragments
        return row

    def add_span(self, span: Span) -> int:
        """Add ``span`` (of this document); its row."""
        return self.add(span.id, span.start, span.end, span.label, span.annotator,
                        span.attributes, span.note, span.created, span.updated,
                        span.fragments)

    def span(self, row: int) -> Span:
        """The Span of ``row``."""
        created = self.created[row]
        return Span(self.uid, self.starts[row], self.ends[row], self._names[self.labels[row]],
                    self._names[self.annotators[row]], self.ids[row],
                    self.attributes.get(row) or {}, self.notes.get(row), created,
                    self.updated.get(row, created), self.fragments.get(row, ()))

    def key(self, row: int) -> tuple[object, ...]:
        """What the Span of ``row`` holds (equal keys: equal Spans), no Span made."""
        names = self._names
        return (self.ids[row], self.starts[row], self.ends[row], names[self.labels[row]],
                names[self.annotators[row]], self.created[row], self.updated.get(row),
                self.attributes.get(row), self.notes.get(row), self.fragments.get(row))

    def rows_of(self, annotators: Iterable[str]) -> array:
        """The rows of the spans of ``annotators``, by start (ties in row order)."""
        wanted = {self._code[name] for name in annotators if name in self._code}
        who, starts = self.annotators, self.starts
        rows = array("q", (row for row in range(len(self.ids)) if who[row] in wanted))
        if any(starts[a] > starts[b] for a, b in pairwise(rows)):
            rows = array("q", sorted(rows, key=starts.__getitem__))
        return rows

    def count(self, annotator: str) -> int:
        """How many rows hold spans of ``annotator``."""
        code = self._code.get(annotator)
        return 0 if code is None else self.annotators.count(code)


class ItemColumns(LazySequence[Item]):
    """The span items of one document by position, a row each over the spans of ``spans``:
    an Item is made when asked for (``items[i]``), equal to the one the alignment made.
    ``annotators``: those considered; ``decisions``: the document's (an item's decision is
    one of them)."""

    __slots__ = ("_at", "_count", "_decision", "_golds", "_kind", "_members", "_status",
                 "_which", "annotators", "decisions", "spans", "starts")

    def __init__(self, spans: SpanColumns, annotators: tuple[str, ...],
                 decisions: Sequence[Decision]) -> None:
        self.spans, self.annotators, self.decisions = spans, annotators, decisions
        self._which = {id(decision): index for index, decision in enumerate(decisions)}
        self.starts = array("q")
        """Each item's start (its spans' least)."""
        self._at = array("q")
        """An item of one span: its row; of more: where its rows begin in ``_members``."""
        self._count = array("i")
        self._members = array("q")
        self._kind, self._status = array("b"), array("b")
        self._decision = array("i")
        """Index into ``decisions``; -1: none."""
        self._golds: dict[int, Span] = {}
        """An item's gold span, by the item's first span row."""

    def __len__(self) -> int:
        return len(self._kind)

    def __iter__(self) -> Iterator[Item]:
        return map(self._item, range(len(self)))

    def __eq__(self, other: object) -> bool:
        """Equal to a sequence of the same Items (a list of them, as the alignment makes)."""
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(
            mine == theirs for mine, theirs in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, Item):
            return False
        start = item.start
        index = bisect_left(self.starts, start)
        while index < len(self) and self.starts[index] == start:
            if self._item(index) == item:
                return True
            index += 1
        return False

    def rows(self, index: int) -> Sequence[int]:
        """The span rows of item ``index``, in its order."""
        at, count = self._at[index], self._count[index]
        return (at,) if count == 1 else self._members[at:at + count]

    def _first_row(self, index: int) -> int:
        at = self._at[index]
        return at if self._count[index] == 1 else self._members[at]

    def _item(self, index: int) -> Item:
        rows = self.rows(index)
        decision = self._decision[index]
        return Item(self.spans.uid, KINDS[self._kind[index]], tuple(map(self.spans.span, rows)),
                    self.annotators, STATUSES[self._status[index]],
                    None if decision < 0 else self.decisions[decision],
                    self._golds.get(rows[0]) if self._golds else None)

    def status(self, index: int) -> ItemStatus:
        return STATUSES[self._status[index]]

    def kind(self, index: int) -> ItemKind:
        return KINDS[self._kind[index]]

    def key(self, index: int) -> tuple[object, ...]:
        """What item ``index`` holds (equal keys of two plans' items of one document: equal
        Items), no Item made: a third of the time of making and comparing them."""
        rows = self.rows(index)
        decision = self._decision[index]
        return (self._kind[index], self._status[index],
                None if decision < 0 else self.decisions[decision],
                self._golds.get(rows[0]) if self._golds else None,
                tuple(map(self.spans.key, rows)))

    def ids(self, index: int) -> frozenset[str]:
        """The ids of item ``index``'s spans."""
        ids = self.spans.ids
        return frozenset(ids[row] for row in self.rows(index))

    def decided(self) -> int:
        """How many items are decided."""
        return len(self) - self._status.count(_STATUS["open"])

    def agreed_open(self) -> list[int]:
        """The items of kind agreed that are open."""
        agreed, open_ = _KIND["agreed"], _STATUS["open"]
        pairs = zip(self._kind, self._status, strict=True)
        return [index for index, (kind, status) in enumerate(pairs)
                if kind == agreed and status == open_]

    def where(self, ids: Collection[str]) -> dict[str, int]:
        """The item holding each span of ``ids`` (by index; a span in no item left out)."""
        rows = self.spans.ids.rows(ids)
        found: dict[str, int] = {}
        if rows:
            for index in range(len(self)):
                for row in self.rows(index):
                    if row in rows:
                        found[rows[row]] = index
        return found

    def taken(self, first: int, last: int) -> tuple[list[Item], dict[int, int]]:
        """Items ``first:last`` made, and the row of each of their spans (by the Span's
        ``id()``, while they live), for :meth:`splice` to keep."""
        items, rows = [], {}
        for index in range(first, last):
            item = self._item(index)
            rows.update(zip(map(id, item.spans), self.rows(index), strict=True))
            items.append(item)
        return items, rows

    def extend(self, items: Iterable[Item], rows: Mapping[int, int]) -> None:
        """Append ``items``, whose spans are the rows ``rows`` gives (by the Span's ``id()``)
        or are added."""
        self.splice(len(self), len(self), items, rows)

    def splice(self, first: int, last: int, items: Iterable[Item],
               rows: Mapping[int, int]) -> None:
        """Items ``first:last`` become ``items`` (spans as for :meth:`extend`)."""
        columns = (array("q"), array("q"), array("i"), array("b"), array("b"), array("i"))
        starts, at, count, kind, status, decision = columns
        members, spans, golds = self._members, self.spans, self._golds
        for index in range(first, last):
            golds.pop(self._first_row(index), None)
        for item in items:
            if len(item.spans) == 1:  # the most of a long document's
                span = item.spans[0]
                row = rows.get(id(span))
                mine = [spans.add_span(span) if row is None else row]
                starts.append(span.start)
                at.append(mine[0])
            else:
                mine = [spans.add_span(span) if row is None else row
                        for row, span in zip([rows.get(id(span)) for span in item.spans],
                                             item.spans, strict=True)]
                starts.append(item.start)
                at.append(len(members))
                members.extend(mine)
            count.append(len(mine))
            kind.append(_KIND[item.kind])
            status.append(_STATUS[item.status])
            decision.append(-1 if item.decision is None else self._which[id(item.decision)])
            if item.gold is not None:
                golds[mine[0]] = item.gold
        for column, new in zip((self.starts, self._at, self._count, self._kind, self._status,
                                self._decision), columns, strict=True):
            column[first:last] = new
