"""A span index filled a region at a time, and stepping from span to span through one.

A document of hundreds of thousands of spans opens without reading them: :class:`RegionIndex`
asks its ``source`` for the spans of a region of ``chunk`` code points the first time a query
meets it (the text view's queries are the blocks it paints), and keeps them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic

from desktop.textview.index import SpanIndex, T

CHUNK = 32_768
"""Code points per region read at once."""

Source = Callable[[int, int], Sequence[T]]
"""The spans meeting code points ``[start, end)``."""


class RegionIndex(SpanIndex[T], Generic[T]):
    """A :class:`SpanIndex` over a text of ``length`` code points whose spans come from
    ``source``, a region at a time, as queries meet the regions. Items added or removed
    (edits) before their region is read are kept as given: a read adds only ids not here."""

    def __init__(self, source: Source[T], length: int, chunk: int = CHUNK) -> None:
        super().__init__()
        self._source = source
        self._chunk = chunk
        self._unread = bytearray([1]) * ((max(length, 1) + chunk - 1) // chunk)

    @property
    def empty(self) -> bool:
        return not self._by_id and not any(self._unread)

    def overlapping(self, a: int, b: int) -> list[T]:
        self.read(a, b)
        return super().overlapping(a, b)

    def holds(self, a: int, b: int) -> bool:
        chunk = self._chunk
        first = max(a, 0) // chunk
        last = min(max(a, b - 1) // chunk, len(self._unread) - 1)
        return first > last or not any(self._unread[first:last + 1])

    def read(self, a: int, b: int) -> None:
        """Read the regions meeting ``[a, b)`` not read yet, each run of them in one call."""
        unread, chunk = self._unread, self._chunk
        first, last = max(a, 0) // chunk, min(max(a, b - 1) // chunk, len(unread) - 1)
        n = first
        while n <= last:
            if not unread[n]:
                n += 1
                continue
            run = n
            while n <= last and unread[n]:
                unread[n] = 0
                n += 1
            self.merge(self._source(run * chunk, n * chunk))


Key = tuple[int, int, str]
"""Where a span comes in text order: (start, end, id)."""


def _order(item: T) -> Key:
    return (item.start, item.end, item.id)


def step(index: SpanIndex[T], length: int, key: Key, direction: int,
         window: int = CHUNK) -> T | None:
    """The span right after ``key`` in text order (``direction`` 1) or right before it (-1),
    going round the end of a text of ``length`` code points; None when there is none. Looks
    ``window`` code points at a time, so a region index reads only the regions passed."""
    found = _scan(index, length, key, direction, window)
    if found is None:
        found = _scan(index, length, (-1, -1, "") if direction > 0 else (length + 1, 0, ""),
                      direction, window)
    return found


def _scan(index: SpanIndex[T], length: int, key: Key, direction: int,
          window: int) -> T | None:
    if direction > 0:
        a = max(key[0], 0)
        while a < length:
            b = a + window
            after = [s for s in index.overlapping(a, b) if a <= s.start < b and _order(s) > key]
            if after:
                return min(after, key=_order)
            a = b
        return None
    b = min(key[0], length) + 1
    while b > 0:
        a = max(b - window, 0)
        before = [s for s in index.overlapping(a, b) if a <= s.start < b and _order(s) < key]
        if before:
            return max(before, key=_order)
        b = a
    return None
