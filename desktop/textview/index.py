"""An interval index over spans: which spans intersect ``[a, b)``.

Built in one sort, so opening a document with tens of thousands of spans stays cheap. Short spans
(at most ``reach`` long) sit in a list sorted by start: the spans meeting ``[a, b)`` all start in
``[a - reach, b)``, found by bisection. The few longer ones sit in buckets of ``reach`` positions,
one entry per bucket they cover. A query costs O(log n + k) plus the short spans that start less
than ``reach`` before ``a``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator
from operator import attrgetter
from typing import Generic, Protocol, TypeVar


class Ranged(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


T = TypeVar("T", bound=Ranged)
_start = attrgetter("start")


class SpanIndex(Generic[T]):
    """Spans keyed by id, answering :meth:`overlapping` queries; ``start``/``end`` in any unit."""

    def __init__(self, items: Iterable[T] = (), reach: int = 2048) -> None:
        self.reach = reach
        self._by_id: dict[str, T] = {}
        self._short: list[T] = []  # sorted by start
        self._starts: list[int] = []  # the starts of _short, for bisection
        self._long: defaultdict[int, dict[str, T]] = defaultdict(dict)
        self.merge({item.id: item for item in items}.values())  # the last of an id wins

    def merge(self, items: Iterable[T]) -> None:
        """Add ``items`` whose ids are not here yet (of one id, the first wins), in one sort:
        a region of a big document read at once."""
        by_id, short = self._by_id, self._short
        added = False
        for item in items:
            if item.id in by_id:
                continue
            by_id[item.id] = item
            if item.end - item.start > self.reach:
                self._add_long(item)
            else:
                short.append(item)
                added = True
        if added:
            short.sort(key=_start)
            self._starts = [item.start for item in short]

    @property
    def empty(self) -> bool:
        """Whether no query can find anything."""
        return not self._by_id

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[T]:
        return iter(self._by_id.values())

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._by_id

    def get(self, item_id: str) -> T | None:
        return self._by_id.get(item_id)

    def add(self, item: T) -> T | None:
        """Insert ``item``, replacing the one with its id; returns the replaced one."""
        old = self.remove(item.id)
        self._by_id[item.id] = item
        if item.end - item.start > self.reach:
            self._add_long(item)
        else:
            at = bisect_left(self._starts, item.start)
            self._starts.insert(at, item.start)
            self._short.insert(at, item)
        return old

    def remove(self, item_id: str) -> T | None:
        """Drop the item with this id; returns it, or None if there was none."""
        item = self._by_id.pop(item_id, None)
        if item is not None:
            self._forget(item)
        return item

    def overlapping(self, a: int, b: int) -> list[T]:
        """Items with ``start < b`` and ``end > a``, ordered by start."""
        starts, short = self._starts, self._short
        found = [
            short[i]
            for i in range(bisect_left(starts, a - self.reach), bisect_left(starts, b))
            if short[i].end > a
        ]
        if self._long:
            seen: dict[str, T] = {}
            for bucket in range(a // self.reach, max(a, b - 1) // self.reach + 1):
                for item in self._long.get(bucket, {}).values():
                    if item.start < b and item.end > a:
                        seen[item.id] = item
            if seen:
                found += seen.values()
                found.sort(key=_start)
        return found

    held = overlapping
    """:meth:`overlapping` among the items held now: an index filled as it is asked
    (:class:`~desktop.textview.regions.RegionIndex`) reads nothing for it."""

    def holds(self, a: int, b: int) -> bool:
        """Whether every item meeting ``[a, b)`` is held (:meth:`held` finds them all)."""
        return True

    def _buckets(self, item: T) -> range:
        return range(item.start // self.reach, (item.end - 1) // self.reach + 1)

    def _add_long(self, item: T) -> None:
        for bucket in self._buckets(item):
            self._long[bucket][item.id] = item

    def _forget(self, item: T) -> None:
        if item.end - item.start > self.reach:
            for bucket in self._buckets(item):
                entries = self._long[bucket]
                del entries[item.id]
                if not entries:
                    del self._long[bucket]
            return
        at = bisect_left(self._starts, item.start)
        while self._short[at].id != item.id:
            at += 1
        del self._starts[at]
        del self._short[at]
