"""Which figures of one ledger row cannot all be true: two figures conflict when their intervals
(:meth:`Figure.interval`) do not meet and their units are alike (a figure without a unit is
compared with every other).

A :class:`Spread` keeps the row's intervals sorted by unit, so that a claim is added or taken
away in a binary search, whether a claim conflicts (or the row holds a conflict) is a look at
the ends, and the claims one conflicts with are a run at each end: no pair of claims is ever
compared one by one.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable

from annotate.figures import Figure


class Spread:
    """The figure intervals of a row's claims, by unit: ``lows[unit]`` holds ``(lo, id)`` and
    ``highs[unit]`` ``(hi, lo, id)`` of each bounded one, both sorted."""

    __slots__ = ("highs", "lows")

    def __init__(self) -> None:
        self.lows: dict[str, list[tuple[int, str]]] = {}
        self.highs: dict[str, list[tuple[int, int, str]]] = {}

    @classmethod
    def of(cls, figures: Iterable[tuple[str, Figure]]) -> Spread:
        """The spread of ``(claim id, figure)`` pairs, sorted once."""
        spread = cls()
        for claim_id, figure in figures:
            (lo, hi), unit = figure.interval(), figure.unit
            spread.lows.setdefault(unit, []).append((lo, claim_id))
            if hi is not None:
                spread.highs.setdefault(unit, []).append((hi, lo, claim_id))
        for entries in (*spread.lows.values(), *spread.highs.values()):
            entries.sort()
        return spread

    def add(self, claim_id: str, figure: Figure) -> None:
        (lo, hi), unit = figure.interval(), figure.unit
        insort(self.lows.setdefault(unit, []), (lo, claim_id))
        if hi is not None:
            insort(self.highs.setdefault(unit, []), (hi, lo, claim_id))

    def remove(self, claim_id: str, figure: Figure) -> None:
        (lo, hi), unit = figure.interval(), figure.unit
        _discard(self.lows, unit, (lo, claim_id))
        if hi is not None:
            _discard(self.highs, unit, (hi, lo, claim_id))

    def __bool__(self) -> bool:
        return bool(self.lows)

    def _alike(self, unit: str) -> tuple[str, ...]:
        """The units compared with ``unit``'s figures."""
        return (unit, "") if unit else tuple(self.lows)

    def conflicted(self, figure: Figure) -> bool:
        """Whether a figure of the row conflicts with another of it."""
        lo, hi = figure.interval()
        for unit in self._alike(figure.unit):
            lows, highs = self.lows.get(unit), self.highs.get(unit)
            if (hi is not None and lows and lows[-1][0] > hi) or (highs and highs[0][0] < lo):
                return True
        return False

    def conflicting(self) -> bool:
        """Whether any two figures of the row conflict."""
        units = [unit for unit in self.lows if unit] or [""]
        for unit in units if self.lows else ():
            alike = [u for u in {unit, ""} if u in self.lows]
            top = max(self.lows[u][-1][0] for u in alike)
            bottoms = [self.highs[u][0][0] for u in alike if u in self.highs]
            if bottoms and min(bottoms) < top:
                return True
        return False

    def conflicts(self, figure: Figure) -> tuple[str, ...]:
        """The ids of the claims whose figures conflict with ``figure`` (a figure of the row or
        not), in order of lower bound (then id)."""
        lo, hi = figure.interval()
        found: list[tuple[int, str]] = []
        for unit in self._alike(figure.unit):
            lows, highs = self.lows.get(unit, []), self.highs.get(unit, [])
            if hi is not None:
                found += lows[bisect_right(lows, hi, key=_first):]
            found += [(low, i) for _, low, i in highs[:bisect_left(highs, lo, key=_first)]]
        return tuple(i for _, i in sorted(found))


def _first(entry: tuple[int, ...] | tuple[int, str]) -> int:
    return entry[0]


def _discard(by_unit: dict, unit: str, entry: tuple) -> None:
    entries = by_unit[unit]
    del entries[bisect_left(entries, entry)]
    if not entries:
        del by_unit[unit]
