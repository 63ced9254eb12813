"""The largest-overlap-first matching without listed pairs, against the rule applied by brute
force to every overlapping pair; the listed and the unlisted paths of agreement agree."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotate import agreement
from annotate.overlap_matching import REPORT_EVERY, match_by_overlap

Interval = tuple[int, int]


def brute_greedy(a: list[Interval], b: list[Interval]) -> list[tuple[int, int]]:
    """Every pair sharing a position, in the order of FORMATS.md, kept when both are free."""
    candidates = [(-(min(x[1], y[1]) - max(x[0], y[0])), *x, *y, i, j)
                  for i, x in enumerate(a) for j, y in enumerate(b)
                  if min(x[1], y[1]) > max(x[0], y[0])]
    free_a, free_b, pairs = set(range(len(a))), set(range(len(b))), []
    for *_, i, j in sorted(candidates):
        if i in free_a and j in free_b:
            free_a.remove(i)
            free_b.remove(j)
            pairs.append((i, j))
    return sorted(pairs)


def matched(a: list[Interval], b: list[Interval]) -> list[tuple[int, int]]:
    arr_a, arr_b = (np.array(x, np.int64).reshape(-1, 2) for x in (a, b))
    ia, ib = match_by_overlap(arr_a[:, 0], arr_a[:, 1], arr_b[:, 0], arr_b[:, 1])
    assert ia.tolist() == sorted(ia.tolist())
    return list(zip(ia.tolist(), ib.tolist(), strict=True))


@st.composite
def intervals(draw: st.DrawFn, most: int = 14) -> list[Interval]:
    """Intervals on a short line (many overlaps, ties and repeats; some empty)."""
    line = draw(st.sampled_from([4, 12, 40]))
    starts = draw(st.lists(st.integers(0, line), max_size=most))
    return [(s, draw(st.integers(s, line))) for s in starts]


@settings(max_examples=400, deadline=None)
@given(a=intervals(), b=intervals(), shared=st.integers(0, 6))
def test_matching_equals_the_greedy_rule(a: list[Interval], b: list[Interval],
                                         shared: int) -> None:
    b = b + a[:shared]  # identical intervals on both sides
    assert matched(a, b) == brute_greedy(a, b)


@pytest.mark.parametrize("shape", ["nested", "identical", "staircase"])
def test_structured_dense_sets(shape: str) -> None:
    n = 60
    a = {"nested": [(k, 200 - k) for k in range(n)],
         "identical": [(3, 9)] * n,
         "staircase": [(k, k + 30) for k in range(n)]}[shape]
    b = [(s + 1, e) for s, e in a][::-1]
    assert matched(a, b) == brute_greedy(a, b)


@settings(max_examples=60, deadline=None)
@given(a=intervals(30), b=intervals(30), groups=st.integers(1, 3), data=st.data())
def test_listed_and_unlisted_paths_agree(a: list[Interval], b: list[Interval], groups: int,
                                         data: st.DataObject) -> None:
    """agreement lists the pairs of sparse clusters and matches dense ones without listing:
    however the clusters are split between the two ways, the pairs are the same."""
    def rows(side: list[Interval]) -> agreement._Rows:
        group = data.draw(st.lists(st.integers(0, groups - 1), min_size=len(side),
                                   max_size=len(side)))
        bounds = np.array(side, np.int64).reshape(-1, 2)
        return agreement._Rows(np.array(group, np.int64), bounds[:, 0], bounds[:, 1])

    ra, rb = rows(a), rows(b)
    found = []
    for threshold in (-1, 1, 10**9):  # every cluster dense / some / none
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(agreement, "DENSE_PAIRS_PER_ROW", threshold)
            ia, ib = agreement._overlap_pairs(ra, rb)
        found.append(list(zip(ia.tolist(), ib.tolist(), strict=True)))
    assert found[0] == found[1] == found[2]


def test_progress_is_told_and_can_stop_the_matching() -> None:
    n = REPORT_EVERY * 2
    lo = np.arange(n, dtype=np.int64)
    told: list[tuple[int, int]] = []
    ia, _ = match_by_overlap(lo, lo + n, lo, lo + n, lambda done, total: told.append((done, total)))
    assert len(ia) == n
    assert told and all(total == n and 0 <= done < n for done, total in told)
    assert [done for done, _ in told] == sorted(done for done, _ in told)

    def stop(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        match_by_overlap(lo, lo + n, lo, lo + n, stop)
