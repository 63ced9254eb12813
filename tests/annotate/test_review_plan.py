"""A document's review items kept edit by edit (:class:`annotate.review_plan.DocumentPlan`)
are those of a full alignment after every edit of random edit sequences (spans made,
deleted, relabelled, moved, given twice, over gold spans, decisions and links between
spans), planned whole stretches at a time or at once, and an edit aligns only the spans of
the stretches it touches."""

import random

import pytest

from annotate import adjudication, review_plan
from annotate.adjudication import DocumentSpans, plan_documents
from annotate.commands import Decision
from annotate.model import GOLD, Relation, Span
from annotate.relation_items import RelationItem, plan_relations
from annotate.review_columns import ItemColumns
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


def _relations(rng: random.Random, spans: list[Span]) -> list[Relation]:
    """Links between random spans of one annotator (the gold layer's too), some twice."""
    made = []
    for n in range(rng.randrange(0, 12)):
        source = rng.choice(spans)
        target = rng.choice([s for s in spans if s.annotator == source.annotator])
        made.append(Relation(rng.choice(("CAUSES", "CLAIMED_BY")), source.id, target.id,
                             source.annotator, f"rel-{n}"))
    return made


def _related(items: list[adjudication.Item], relations: list[Relation],
             decisions: list[Decision]) -> list[RelationItem]:
    by_annotator: dict[str, list[Relation]] = {}
    for relation in relations:
        by_annotator.setdefault(relation.annotator, []).append(relation)
    return plan_relations(items, by_annotator, by_annotator.get(GOLD, ()), decisions)


@pytest.mark.parametrize("seed", range(40))
def test_every_edit_gives_the_full_alignment(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    monkeypatch.setattr(review_plan, "CHUNK", rng.choice((1, 3, 4_096)))  # planned by chunks
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
    relations = _relations(rng, [*spans.values(), *gold])
    decisions += [Decision(f"dec-r{i}", "d", "reject", (r.id,), None, "rev")
                  for i, r in enumerate(relations) if rng.random() < 0.2]
    plan = DocumentPlan("d", {name: [s for s in spans.values() if s.annotator == name]
                              for name in WHO}, (), gold, decisions)
    plan.relate(relations)
    assert list(plan.items) == _full(spans, WHO, gold, decisions)
    assert plan.relation_items == _related(_full(spans, WHO, gold, decisions), relations,
                                           decisions)
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
        assert list(plan.items) == full
        assert rows[:splice.first] + splice.added + rows[splice.first + splice.removed:] \
            == full
        assert plan.relation_items == _related(full, relations, decisions)
        assert plan.decided == sum(it.status != "open" for it in full)
        assert plan.agreed_open == sum(it.kind == "agreed" and it.status == "open"
                                       for it in full)


def test_a_plans_items_index_as_a_list_of_them_does() -> None:
    """Negative indices and slices give what the list of the same Items gives; an index out
    of range raises IndexError (the code before gave another item for one below -len)."""
    rng = random.Random(5)
    spans = [_span(rng, who, n, 80) for n in range(12) for who in WHO[:2]]
    plan = DocumentPlan("d", {name: [s for s in spans if s.annotator == name]
                              for name in WHO[:2]}, (), [], [])
    items, full = plan.items, list(plan.items)
    assert len(full) > 3
    for index in (0, 2, -1, -len(full)):
        assert items[index] == full[index]
    assert items[1:-1:2] == full[1:-1:2]
    for index in (len(full), -len(full) - 1):
        with pytest.raises(IndexError):
            items[index]


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
    assert list(plan.items) == list(DocumentPlan("d", spans).items)


def test_an_edit_of_a_linked_document_makes_the_items_of_its_links_alone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """10,000 items with 50 links: an edit makes the Items of its stretch and of the links'
    ends (the relation items planned again from where those ends are), not of every item;
    the link over the edit's stretch follows it."""
    spans = {name: [Span("d", 10 * k, 10 * k + 5 + (name == "bo"), "CLAIM", name,
                         f"{name}-{k}") for k in range(10_000)] for name in ("amina", "bo")}
    relations = [Relation("ABOUT", f"amina-{k}", f"amina-{k + 1}", "amina", f"r{k}")
                 for k in range(0, 10_000, 200)]
    plan = DocumentPlan("d", spans)
    plan.relate(relations)
    assert len(plan.relation_items) == 50
    made: list[int] = []
    real = ItemColumns._item
    monkeypatch.setattr(ItemColumns, "_item", lambda self, index: (
        made.append(index), real(self, index))[1])
    moved = Span("d", 2_007, 2_009, "CLAIM", "amina", "amina-200")  # r200's source, off bo's
    assert plan.edit(spans["amina"][200], moved) is not None
    assert 0 < len(made) <= 4 * len(relations) + 10
    spans["amina"][200] = moved
    again = DocumentPlan("d", spans)
    assert list(plan.items) == list(again.items)
    assert plan.relation_items == again.relate(relations)
    source = plan.relation_items[1].source  # amina's moved span alone
    assert (source.kind, source.start) == ("single", 2_007)


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
