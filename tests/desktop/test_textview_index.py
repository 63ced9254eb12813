"""SpanIndex and underline stacking against brute force; the styles they hold."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from desktop.textview.index import SpanIndex
from desktop.textview.paint import stack_depths
from desktop.textview.styles import LinkStyle, SpanStyle


def spans_strategy():
    bounds = st.tuples(st.integers(0, 400), st.integers(1, 120)).map(lambda p: (p[0], p[0] + p[1]))
    return st.lists(bounds, max_size=60).map(
        lambda pairs: [SpanStyle(f"s{n}", a, b, "L") for n, (a, b) in enumerate(pairs)]
    )


def brute(spans, a, b):
    return sorted(s.id for s in spans if s.start < b and s.end > a)


@given(spans_strategy(), st.integers(0, 520), st.integers(1, 60))
def test_overlapping_matches_brute_force(spans, a, width):
    index = SpanIndex(spans, reach=16)  # small reach: many spans take the long-span path
    found = index.overlapping(a, a + width)
    assert sorted(s.id for s in found) == brute(spans, a, a + width)
    assert [s.start for s in found] == sorted(s.start for s in found)


def test_add_replace_remove_keep_queries_exact():
    rng = random.Random(7)
    index: SpanIndex[SpanStyle] = SpanIndex(reach=32)
    live: dict[str, SpanStyle] = {}
    for step in range(2000):
        span_id = f"s{rng.randrange(150)}"
        if rng.random() < 0.3:
            assert (index.remove(span_id) is not None) == (span_id in live)
            live.pop(span_id, None)
        else:
            start = rng.randrange(1000)
            span = SpanStyle(span_id, start, start + rng.choice([1, 5, 30, 200]), "L")
            assert index.add(span) == live.get(span_id)
            live[span_id] = span
        if step % 50 == 0:
            a = rng.randrange(1000)
            assert sorted(s.id for s in index.overlapping(a, a + 40)) == brute(
                live.values(), a, a + 40)
    assert len(index) == len(live)
    assert {s.id for s in index} == set(live)


def test_duplicate_ids_keep_the_last():
    index = SpanIndex([SpanStyle("a", 0, 5, "L"), SpanStyle("a", 10, 15, "L")])
    assert len(index) == 1
    assert index.overlapping(0, 5) == []
    assert [s.start for s in index.overlapping(12, 13)] == [10]


def test_underline_depths_never_share_a_line_and_layers_stack():
    spans = [
        SpanStyle("outer", 0, 20, "P", "entity"),
        SpanStyle("inner", 5, 10, "P", "entity"),
        SpanStyle("after", 25, 30, "P", "entity"),
        SpanStyle("other-layer", 0, 30, "P", "entity", layer=1),
    ]
    depths = stack_depths((s, s.start, s.end) for s in spans)
    assert depths == {"outer": 0, "inner": 1, "after": 0, "other-layer": 2}


def test_overlapping_claims_and_denials_stack_inside_their_layer():
    spans = [
        SpanStyle("wide", 0, 30, "C", "claim"),
        SpanStyle("nested", 5, 10, "C", "claim"),
        SpanStyle("crossing", 8, 40, "D", "denial"),
        SpanStyle("next", 40, 50, "C", "claim"),  # starts where "crossing" ends
        SpanStyle("entity", 0, 30, "P", "entity"),  # underlines keep their own depths
        SpanStyle("bob", 0, 30, "C", "claim", layer=1),  # inset by its layer instead
    ]
    depths = stack_depths((s, s.start, s.end) for s in spans)
    assert depths == {"wide": 0, "nested": 1, "crossing": 2, "next": 0, "entity": 0, "bob": 0}


def test_span_and_link_styles_are_made_without_frozen_construction():
    """Each document opened styles every span and link it shows (frozen, each field was set
    through ``object.__setattr__``); they stay values, compared and hashed by their fields."""
    assert not SpanStyle.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert not LinkStyle.__dataclass_params__.frozen  # type: ignore[attr-defined]
    one, same = SpanStyle("s", 1, 4, "L", "claim"), SpanStyle("s", 1, 4, "L", "claim")
    assert one == same and hash(one) == hash(same) and len({one, same}) == 1
    assert hash(one) != hash(SpanStyle("s", 1, 5, "L", "claim"))
    link = LinkStyle("r", "cause", "a", "b")
    assert link == LinkStyle("r", "cause", "a", "b") and hash(link) == hash(
        LinkStyle("r", "cause", "a", "b"))
