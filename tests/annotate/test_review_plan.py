"""A document's review items kept edit by edit (:class:`annotate.review_plan.DocumentPlan`)
are those of a full alignment after every edit of random edit sequences (spans made,
deleted, relabelled, moved, given twice, over gold spans and decisions), and an edit aligns
only the spans of the stretches it touches."""

import random

import pytest

from annotate import adjudication
from annotate.adjudication import DocumentSpans, plan_documents
from annotate.commands import Decision
from annotate.model import GOLD, Span
from annotate.review_plan import DocumentPlan, common_ends, in_order

WHO = ("amina", "bo", "chen")
LABELS = ("CLAIM", "DENIAL", "PERSON")
ATTRIBUTES = ({}, {"certainty": "reported"})


def _span(rng: random.Random, who: str, n: int, length: int) -> Span:
    start = rng.randrange(0, length - 1)
    end = min(length, start + rng.randrange(1, 9))
    return Span("d", start, end, rng.choice(LABELS), who, f"{who}-{n}",
                dict(rng.choice(ATTRIBUTES)))


def _full(spans: dict[str, Span], considered: tuple[str, ...], gold: list[Span],
          decisions: list[Decision]) -> list[adjudication.Item]:
    by_annotator = {name: in_order([s for s in spans.values() if s.annotator == name])
                    for name in considered}
    return plan_documents(considered, [DocumentSpans(by_annotator, gold, decisions)])[0]


def _edit(rng: random.Random, spans: dict[str, Span], n: int,
          length: int) -> tuple[Span | None, Span | None]:
    """A random edit of ``spans`` (applied): a span made (sometimes a copy of another's
    bounds), deleted, relabelled or given other bounds."""
    roll = rng.random()
    if roll < 0.35 or not spans:
        made = _span(rng, rng.choice(WHO), n, length)
        if spans and rng.random() < 0.4:  # another's bounds, or the same one's twice
            other = rng.choice(list(spans.values()))
            made = Span("d", other.start, other.end, rng.choice((other.label, *LABELS)),
                        made.annotator, made.id, dict(other.attributes))
        spans[made.id] = made
        return None, made
    before = rng.choice(list(spans.values()))
    if roll < 0.6:
        del spans[before.id]
        return before, None
    if roll < 0.8:
        after = Span("d", before.start, before.end, rng.choice(LABELS), before.annotator,
                     before.id, dict(before.attributes))
    else:
        start = max(0, before.start + rng.randrange(-4, 5))
        after = Span("d", start, max(start + 1, min(length, before.end + rng.randrange(-4, 5))),
                     before.label, before.annotator, before.id, dict(before.attributes))
    spans[before.id] = after
    return before, after


@pytest.mark.parametrize("seed", range(40))
def test_every_edit_gives_the_full_alignment(seed: int) -> None:
    rng = random.Random(seed)
    length = rng.choice((30, 80, 200))
    spans = {s.id: s for n in range(rng.randrange(0, 30))
             for s in [_span(rng, rng.choice(WHO), n, length)]}
    for who in WHO:  # everyone keeps a span: no edit changes who is compared
        keep = _span(rng, who, 1000, length)
        spans[keep.id] = keep
    gold = [Span("d", s.start, s.end, s.label, GOLD, f"gold-{i}")
            for i, s in enumerate(spans.values()) if rng.random() < 0.1]
    decisions = [Decision(f"dec-{i}", "d", "reject", (s.id,), None, "rev")
                 for i, s in enumerate(spans.values()) if rng.random() < 0.1]
    plan = DocumentPlan("d", {name: [s for s in spans.values() if s.annotator == name]
                              for name in WHO}, (), gold, decisions)
    assert plan.items == _full(spans, WHO, gold, decisions)
    for n in range(60):
        before, after = _edit(rng, spans, 2000 + n, length)
        if not any(s.annotator == name for s in spans.values() for name in [
                (before or after).annotator]):  # type: ignore[union-attr]
            assert plan.edit(before, after) is None  # their last span: plan it all again
            return
        rows = list(plan.items)
        splice = plan.edit(before, after)
        assert splice is not None
        full = _full(spans, WHO, gold, decisions)
        assert plan.items == full
        assert rows[:splice.first] + splice.added + rows[splice.first + splice.removed:] \
            == full
        assert plan.decided == sum(it.status != "open" for it in full)
        assert plan.agreed_open == sum(it.kind == "agreed" and it.status == "open"
                                       for it in full)


def test_an_edit_aligns_only_its_stretch(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a document of 20,000 spans of two annotators (10,000 items, each two spans), an edit
    plans the 2 or 3 spans of its own stretch and no other, wherever it is."""
    spans = {name: [Span("d", 10 * k, 10 * k + 5 + (name == "bo"), "CLAIM", name,
                         f"{name}-{k}") for k in range(10_000)] for name in ("amina", "bo")}
    plan = DocumentPlan("d", spans)
    assert len(plan.items) == 10_000 and plan.stretches == 10_000
    aligned: list[int] = []
    real = adjudication.plan_documents

    def counted(annotators, documents, progress=None):  # type: ignore[no-untyped-def]
        aligned.append(sum(len(m) for doc in documents for m in doc.by_annotator.values()))
        return real(annotators, documents, progress)

    monkeypatch.setattr(adjudication, "plan_documents", counted)
    made = Span("d", 50_002, 50_004, "DENIAL", "amina", "new")
    splice = plan.edit(None, made)
    assert splice is not None and (splice.first, splice.removed, len(splice.added)) == \
        (5_001, 0, 1)  # its own item, after the item of the word it is in (kept as it was)
    moved = Span("d", 50_002, 50_012, "DENIAL", "amina", "new")  # now over the next item too
    splice = plan.edit(made, moved)
    assert splice is not None and (splice.first, splice.removed, len(splice.added)) == \
        (5_001, 1, 1)
    assert plan.edit(moved, None) is not None
    assert aligned == [3, 5, 4]
    assert plan.items == DocumentPlan("d", spans).items


def test_an_edit_that_changes_who_is_compared_is_refused() -> None:
    """A span of someone not compared, or the last span of someone who did not mark the
    document done, changes every item's kind: the whole document is planned again."""
    mine = Span("d", 0, 4, "CLAIM", "amina", "a1")
    theirs = Span("d", 0, 4, "CLAIM", "bo", "b1")
    plan = DocumentPlan("d", {"amina": [mine], "bo": [theirs]}, done=("bo",))
    assert plan.edit(None, Span("d", 8, 9, "CLAIM", "chen", "c1")) is None
    assert plan.edit(mine, None) is None
    assert plan.edit(None, Span("d", 8, 9, "CLAIM", GOLD, "g1")) is None
    assert [it.kind for it in plan.items] == ["agreed"]
    assert plan.edit(theirs, None) is not None  # bo marked it done: still compared
    assert [it.kind for it in plan.items] == ["single"]


@pytest.mark.parametrize(("old", "new", "ends"), [
    ("", "", (0, 0)), ("abc", "abc", (3, 0)), ("abc", "", (0, 0)), ("", "xy", (0, 0)),
    ("abcd", "abXd", (2, 1)), ("aaa", "aa", (2, 0)), ("abc", "xabc", (0, 3)),
    ("abca", "a", (1, 0)),
])
def test_common_ends_share_a_head_then_a_tail_that_does_not_reach_into_it(
        old: str, new: str, ends: tuple[int, int]) -> None:
    assert common_ends(old, new) == ends
    head, tail = ends
    assert head + tail <= min(len(old), len(new))
