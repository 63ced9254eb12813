"""Largest-overlap-first matching of two sets of intervals without listing overlapping pairs.

The rule (FORMATS.md, "Span F1, overlap"): candidate pairs share at least one position; they
are taken in the order of the key ``(-overlap, a.lo, a.hi, b.lo, b.hi, a index, b index)`` and
a pair is kept when neither interval is taken yet. Listing every candidate costs the number of
overlapping pairs, which is quadratic for intervals that all overlap one another, so this
module reaches the same matching another way:

* With a strict order on pairs, the greedy matching is what one gets by repeatedly taking a
  *locally dominant* pair — one that comes first among all remaining pairs of either of its
  two intervals — and removing both intervals. A walk finds such pairs: from an interval go to
  its best partner, from there to that one's best, until two intervals are each other's best;
  the pairs along the walk only improve, so it never loops, and after taking a pair only the
  interval before it on the walk has lost its partner. Each interval is stepped on, and each
  pair taken, once: O(n) best-partner queries.
* A best-partner query of ``q = [s, e)`` over one side's remaining intervals ``x`` splits
  by where ``x`` ends. Ending at or after ``e`` (overlap ``e - max(x.lo, s)``): the first
  remaining ``x`` in ``(lo, hi, index)`` order starting before ``e`` and ending at or after it.
  Ending before ``e`` (overlap ``min(len x, x.hi - s)``): in ``hi`` order the capped length
  ``min(len x, x.hi - s)`` has a cap that only grows, so its maximum is found by one descent
  of a max-tree of lengths; the ties at that maximum are the first remaining ``x`` ending at
  ``s + overlap`` (and starting by ``s``), else the first remaining ``x`` of that length
  starting after ``s``. Each part is O(log n) on segment trees whose removals are O(log n).

The whole matching is O(n log n) time and O(n) memory, whatever the overlaps.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence

import numpy as np

Progress = Callable[[int, int], None]
"""Told ``(done, total)`` now and then during long work; an exception raised in it stops the
work (a cancel)."""

_FLOOR = -(1 << 62)
"""The value of a removed position: below every real value."""
REPORT_EVERY = 4096
"""Best-partner queries between two progress reports."""


class _MaxTree:
    """A max segment tree over a list of ints whose entries can be removed (set to the floor)."""

    __slots__ = ("size", "tree")

    def __init__(self, values: Sequence[int]) -> None:
        size = 1 << max(len(values) - 1, 0).bit_length()
        levels = [np.full(size, _FLOOR, np.int64)]
        levels[0][: len(values)] = values
        while len(levels[-1]) > 1:
            below = levels[-1]
            levels.append(np.maximum(below[0::2], below[1::2]))
        self.size = size
        self.tree: list[int] = [_FLOOR]
        for level in reversed(levels):  # node k has children 2k and 2k + 1; the root is 1
            self.tree += level.tolist()

    def remove(self, position: int) -> None:
        tree = self.tree
        node = position + self.size
        tree[node] = _FLOOR
        node >>= 1
        while node:
            value = max(tree[2 * node], tree[2 * node + 1])
            if tree[node] == value:
                return
            tree[node] = value
            node >>= 1

    def _nodes(self, lo: int, hi: int) -> list[int]:
        """The nodes exactly covering positions ``[lo, hi)``, left to right."""
        left: list[int] = []
        right: list[int] = []
        lo += self.size
        hi += self.size
        while lo < hi:
            if lo & 1:
                left.append(lo)
                lo += 1
            if hi & 1:
                hi -= 1
                right.append(hi)
            lo >>= 1
            hi >>= 1
        return left + right[::-1]

    def leftmost(self, lo: int, hi: int, at_least: int) -> int:
        """The first position in ``[lo, hi)`` whose value is ``>= at_least``, else -1."""
        tree, size = self.tree, self.size
        for node in self._nodes(lo, hi):
            if tree[node] >= at_least:
                while node < size:
                    node *= 2
                    if tree[node] < at_least:
                        node += 1
                return node - size
        return -1

    def max_capped(self, stop: int, cap: list[int], shift: int) -> int:
        """``max(min(value[i], cap[i] - shift) for i < stop)`` for a non-decreasing ``cap``.

        Going left, the largest value from ``i`` on only grows and the cap only shrinks; the
        answer is at the last ``i`` where the cap is still below that largest value (or just
        right of it), which one descent finds."""
        tree, size = self.tree, self.size
        best = run = _FLOOR  # run: the largest value right of the current node, up to stop
        nodes = self._nodes(0, stop)
        for node in reversed(nodes):
            top = max(run, tree[node])
            if cap[self._first(node)] - shift > top:  # capped nowhere in this node
                best = run = top
                continue
            while node < size:
                right = 2 * node + 1
                top = max(run, tree[right])
                if cap[self._first(right)] - shift <= top:
                    node = right
                else:
                    best = run = top
                    node = 2 * node
            return max(best, cap[node - size] - shift)
        return best

    def _first(self, node: int) -> int:
        """The first position under ``node``."""
        height = self.size.bit_length() - node.bit_length()
        return (node << height) - self.size


class _Side:
    """One side's intervals, with the orders and trees of the best-partner query."""

    def __init__(self, lo: np.ndarray, hi: np.ndarray) -> None:
        n = len(lo)
        index = np.arange(n)
        length = hi - lo
        self.lo, self.hi = lo.tolist(), hi.tolist()
        by_start = np.lexsort((index, hi, lo))
        by_end = np.lexsort((index, lo, hi))
        by_length = np.lexsort((index, lo, length))
        self.by_start, self.by_end, self.by_length = (
            by_start.tolist(), by_end.tolist(), by_length.tolist())
        self.starts = lo[by_start].tolist()  # in start order
        self.ends = hi[by_end].tolist()  # in end order
        self.lengths = length[by_length].tolist()  # in length order
        self.length_starts = lo[by_length].tolist()
        self.end_tree = _MaxTree(hi[by_start])  # ends, in start order
        self.length_tree = _MaxTree(np.maximum(length[by_end], 0))  # lengths, in end order
        self.alive_tree = _MaxTree(np.ones(n, np.int64))  # 1, in length order
        position = np.empty((3, n), np.int64)  # of each interval in each order
        for row, order in enumerate((by_start, by_end, by_length)):
            position[row, order] = index
        self.positions = position.T.tolist()

    def remove(self, i: int) -> None:
        at_start, at_end, at_length = self.positions[i]
        self.end_tree.remove(at_start)
        self.length_tree.remove(at_end)
        self.alive_tree.remove(at_length)

    def best(self, s: int, e: int) -> int:
        """The remaining interval first in ``(-overlap with [s, e), lo, hi, index)``, or -1."""
        if e <= s:
            return -1
        found, overlap = -1, 0
        k = self.end_tree.leftmost(0, bisect_left(self.starts, e), e)
        if k >= 0:  # ends at or after e
            found = self.by_start[k]
            overlap = e - max(self.lo[found], s)
        stop = bisect_left(self.ends, e)
        capped = self.length_tree.max_capped(stop, self.ends, s)
        if capped <= 0 or capped < overlap:
            return found
        # the first interval ending at s + capped and starting by s, else the first one of
        # length capped starting after s (and so ending before e)
        k = self.length_tree.leftmost(bisect_left(self.ends, s + capped, 0, stop),
                                      bisect_right(self.ends, s + capped, 0, stop), 1)
        tied = self.by_end[k] if k >= 0 and self.lo[self.by_end[k]] <= s else -1
        if tied < 0:
            first = bisect_left(self.lengths, capped)
            last = bisect_right(self.lengths, capped)
            k = self.alive_tree.leftmost(
                bisect_right(self.length_starts, s, first, last),
                bisect_left(self.length_starts, e - capped, first, last), 1)
            tied = self.by_length[k]
        if capped > overlap or found < 0:
            return tied
        return min(found, tied, key=lambda i: (self.lo[i], self.hi[i], i))


def match_by_overlap(a_lo: np.ndarray, a_hi: np.ndarray, b_lo: np.ndarray, b_hi: np.ndarray,
                     progress: Progress | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The largest-overlap-first one-to-one matching of intervals ``[a_lo, a_hi)`` with
    ``[b_lo, b_hi)`` (see the module docstring): index arrays ``(ia, ib)``, sorted by ``ia``."""
    na = len(a_lo)
    sides = (_Side(a_lo, a_hi), _Side(b_lo, b_hi))
    partner = [-1] * (na + len(b_lo))  # vertex v < na is a[v], else b[v - na]
    walk: list[int] = []
    queries = 0
    for start in range(na):
        if partner[start] >= 0:
            continue
        walk.append(start)
        while walk:
            v = walk[-1]
            if v < na:
                mine, other, offset = sides[0], sides[1], na
                u = other.best(mine.lo[v], mine.hi[v])
            else:
                mine, other, offset = sides[1], sides[0], 0
                u = other.best(mine.lo[v - na], mine.hi[v - na])
            queries += 1
            if progress is not None and queries % REPORT_EVERY == 0:
                progress(start, na)
            if u < 0:  # nothing left overlaps v: it stays unmatched
                walk.pop()
                continue
            u += offset
            if len(walk) > 1 and walk[-2] == u:  # each other's best: take the pair
                walk.pop()
                walk.pop()
                partner[u], partner[v] = v, u
                mine.remove(v - na if v >= na else v)
                other.remove(u - offset)
            else:
                walk.append(u)
    ia = np.array([v for v in range(na) if partner[v] >= 0], np.int64)
    return ia, np.array([partner[v] - na for v in ia.tolist()], np.int64)
