"""SpanIndex and underline stacking against brute force; the styles they hold."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from desktop.textview import stacking as stacking_module
from desktop.textview.index import SpanIndex
from desktop.textview.stacking import stack_depths
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
    depths = stack_depths(spans)
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
    depths = stack_depths(spans)
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


def random_marks(rnd: random.Random, count: int, reach: int = 2048) -> list[SpanStyle]:
    """Spans of every kind of mark on two layers, some nested, some chained, a few long."""
    spans = []
    for n in range(count):
        start = rnd.randrange(0, 600)
        length = rnd.choice((rnd.randrange(1, 40), rnd.randrange(1, 200), reach + 100))
        category = rnd.choice(("claim", "denial", "entity", "entity", "other"))
        spans.append(SpanStyle(f"s{n}", start, start + length, "L", category,
                               layer=rnd.choice((0, 0, 1, 2))))
    return spans


def brute_depths(spans: list[SpanStyle]) -> dict[str, int]:
    """Depths by the definition (:mod:`desktop.textview.stacking`), span by span in order."""
    depths: dict[str, int] = {}
    kind = stacking_module.stacking
    for span in sorted((s for s in spans if kind(s)), key=lambda s: (kind(s), s.start, -s.end,
                                                                     s.id)):
        own = kind(span)
        base = 0
        if own[0] == stacking_module.LINE:
            base = max((depths[o.id] + 1 for o in spans if kind(o) and kind(o)[0] == own[0]
                        and kind(o)[1] < own[1] and o.start < span.end and o.end > span.start),
                       default=0)
        taken = {depths[o.id] for o in spans if kind(o) == own and o.id in depths
                 and o.start <= span.start < o.end}
        depth = base
        while depth in taken:
            depth += 1
        depths[span.id] = depth
    return depths


def test_depths_asked_for_any_spans_are_those_of_the_whole_text_and_never_coincide():
    """Whatever spans a paint asks for, and in whatever order, each gets the depth it has
    among all the spans (a partial repaint stacks as a whole one), and no two overlapping
    marks of a kind share a depth; likewise after edits, each forgetting what it changes."""
    rnd = random.Random(7)
    for _ in range(60):
        spans = random_marks(rnd, rnd.randrange(1, 40), reach=64)
        index = SpanIndex(spans, reach=64)
        stacking = stacking_module.Stacking(index)
        for _ in range(8):
            if rnd.random() < 0.5 and len(index) > 1:  # an edit: a span gone, made or moved
                old = rnd.choice(list(index))
                index.remove(old.id)
                stacking.forget(old)
                if rnd.random() < 0.7:
                    new = random_marks(rnd, 1, reach=64)[0]
                    new = SpanStyle(old.id if rnd.random() < 0.5 else f"m{rnd.random()}",
                                    new.start, new.end, "L", new.category, layer=new.layer)
                    index.add(new)
                    stacking.forget(new)
            held = list(index)
            asked = rnd.sample(held, rnd.randrange(0, len(held) + 1))
            depths = stacking.of(asked)
            whole = brute_depths(held)
            assert depths is not None
            assert {s.id: depths[s.id] for s in asked if s.id in whole} == \
                {s.id: whole[s.id] for s in asked if s.id in whole}
            assert {i: d for i, d in depths.items() if i in index} == \
                {i: whole[i] for i in depths if i in index}
        kind = stacking_module.stacking
        for one in held:
            for other in held:
                if one is not other and kind(one) and kind(one) == kind(other) \
                        and one.start < other.end and other.start < one.end:
                    assert whole[one.id] != whole[other.id]


def test_a_chain_past_the_budget_is_left_to_the_paint():
    """Spans each overlapping the next, more than the budget: the last one's depth is not
    followed back through all of them (None: the paint stacks its own spans alone, and the
    next paint gives up at once, asking the index nothing, till an edit); asked for from the
    first on, each is found in one sweep."""
    chain = [SpanStyle(f"c{n:03}", 10 * n, 10 * n + 15, "L", "entity") for n in range(300)]
    index = SpanIndex(chain)
    stacking = stacking_module.Stacking(index, budget=100)
    assert stacking.of(chain[-1:]) is None
    asked = []
    index.overlapping = lambda a, b: asked.append(a) or SpanIndex.overlapping(index, a, b)
    assert stacking.of(chain[-1:]) is None and asked == []  # (given up at once till an edit)
    stacking = stacking_module.Stacking(SpanIndex(chain), budget=100)
    assert stacking.of(chain) == {span.id: n % 2 for n, span in enumerate(chain)}
    assert stacking.of(chain[-1:])["c299"] == 1


def test_an_edit_breaking_a_chain_past_the_budget_lets_the_next_paint_follow_it_again():
    """A chain given up on before any depth was kept (the first paint of a text of such a
    chain): an edit breaking it is heard, and the next paint finds the depths of what is left
    within the budget, as the whole text has them, not given up on till the text is set anew
    (the edit went unheard: nothing was kept to forget)."""
    chain = [SpanStyle(f"c{n:03}", 10 * n, 10 * n + 15, "L", "entity") for n in range(300)]
    index = SpanIndex(chain)
    stacking = stacking_module.Stacking(index, budget=100)
    assert stacking.of(chain[-1:]) is None and stacking.depths == {}
    index.remove(chain[250].id)  # c251 on start a chain of 49
    stacking.forget(chain[250])
    depths = stacking.of(chain[-1:])
    assert depths is not None
    assert depths["c299"] == brute_depths(list(index))["c299"]


def test_an_edit_forgets_the_depths_it_may_change_and_no_more():
    """A span made among spans under a long one forgets the depths of the spans of its kind
    starting under it alone (and the later layers' underlines it meets), not those of
    everything the long one covers; a long span made, or more spans than the budget at
    once, forgets them all (found again as painted)."""
    words = [SpanStyle(f"w{n:04}", 5 * n, 5 * n + 4, "L", "entity") for n in range(2000)]
    long = SpanStyle("long", 0, 10_000, "T", "other")
    claim = SpanStyle("claim", 0, 10_000, "C", "claim")
    index = SpanIndex([*words, long, claim])
    stacking = stacking_module.Stacking(index)
    assert stacking.of(index) is not None and len(stacking.depths) == 2002
    made = SpanStyle("made", 500, 509, "P", "entity")  # over w0100 and w0101
    index.add(made)
    stacking.forget(made)
    assert stacking.of([]) is stacking.depths  # (settled)
    assert set(index) - {index.get(i) for i in stacking.depths} == {made, *words[100:102]}
    depths = stacking.of([made, *words[100:102]])
    assert (depths["made"], depths["w0100"], depths["w0101"]) == (1, 2, 2)  # (under long)
    index.remove(long.id)
    stacking.forget(long)
    assert stacking.of([]) == {}
    assert stacking.of(index) is not None and len(stacking.depths) == 2002
    for word in words[:300]:  # many spans changed at once: every depth, as they are told
        stacking.forget(word)
    assert stacking.depths == {} and stacking._changed == []
