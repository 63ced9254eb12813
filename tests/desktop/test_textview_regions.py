"""RegionIndex reads a region of spans only when a query meets it, and keeps edits made
before; stepping from span to span matches the sorted list's order, round the end."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from desktop.textview.index import SpanIndex
from desktop.textview.regions import RegionIndex, step
from desktop.textview.styles import SpanStyle

LENGTH = 500


def spans_strategy():
    bounds = st.tuples(st.integers(0, LENGTH - 1), st.integers(1, 150)).map(
        lambda p: (p[0], min(p[0] + p[1], LENGTH)))
    return st.lists(bounds, max_size=40).map(
        lambda pairs: [SpanStyle(f"s{n}", a, b, "L") for n, (a, b) in enumerate(pairs)])


class Source:
    """The spans meeting a range, as the store reads them; the ranges asked for."""

    def __init__(self, spans: list[SpanStyle]) -> None:
        self.spans = {s.id: s for s in spans}
        self.asked: list[tuple[int, int]] = []

    def __call__(self, start: int, end: int) -> list[SpanStyle]:
        self.asked.append((start, end))
        return sorted((s for s in self.spans.values() if s.start < end and s.end > start),
                      key=lambda s: s.start)


@given(spans_strategy(), st.integers(0, LENGTH), st.integers(1, 80))
def test_a_region_index_answers_as_the_whole_index(spans, a, width):
    source = Source(spans)
    index = RegionIndex(source, LENGTH, chunk=64)
    expected = sorted(s.id for s in SpanIndex(spans).overlapping(a, a + width))
    assert sorted(s.id for s in index.overlapping(a, a + width)) == expected
    assert sorted(s.id for s in index.overlapping(a, a + width)) == expected  # read once
    assert len(source.asked) <= 1
    for start, end in source.asked:  # only the regions met, whole
        assert start % 64 == 0 and start <= a and end >= min(a + width, LENGTH)
        assert end - start <= 64 * (width // 64 + 2)


def test_regions_are_read_as_queries_meet_them_and_edits_made_before_are_kept():
    spans = [SpanStyle("early", 10, 20, "L"), SpanStyle("late", 300, 310, "L"),
             SpanStyle("across", 60, 140, "L")]
    source = Source(spans)
    index = RegionIndex(source, LENGTH, chunk=64)
    assert not index.empty and len(index) == 0 and source.asked == []
    assert [s.id for s in index.overlapping(0, 30)] == ["early"]
    assert source.asked == [(0, 64)]
    assert "across" in index  # read with its first region, not twice with the next
    index.add(SpanStyle("late", 305, 309, "M"))  # edited before its region is read
    index.remove("gone")
    source.spans["new"] = SpanStyle("new", 200, 210, "L")
    assert [(s.id, s.label) for s in index.overlapping(100, 330)] == [
        ("across", "L"), ("new", "L"), ("late", "M")]
    assert source.asked == [(0, 64), (64, 384)]  # the unread run in one call
    assert len(index) == 4
    index.overlapping(0, LENGTH)
    assert source.asked[-1] == (384, 512)
    assert RegionIndex(Source([]), LENGTH, chunk=64).overlapping(0, LENGTH) == []


def order(spans):
    return sorted(spans, key=lambda s: (s.start, s.end, s.id))


@given(spans_strategy(), st.integers(0, LENGTH), st.sampled_from([1, -1]), st.booleans())
def test_stepping_follows_text_order_round_the_end(spans, caret, direction, lazy):
    index = RegionIndex(Source(spans), LENGTH, chunk=32) if lazy else SpanIndex(spans)
    ordered = order(spans)
    if not ordered:
        assert step(index, LENGTH, (caret, -1, ""), direction, window=24) is None
        return
    for n, span in enumerate(ordered):  # from each span, to its neighbour
        found = step(index, LENGTH, (span.start, span.end, span.id), direction, window=24)
        assert found is not None and found.id == ordered[(n + direction) % len(ordered)].id
    after = next((n for n, s in enumerate(ordered) if s.start >= caret), len(ordered))
    expected = ordered[(after if direction > 0 else after - 1) % len(ordered)]
    found = step(index, LENGTH, (caret, -1, ""), direction, window=24)
    assert found is not None and found.id == expected.id
