"""Agreed items found at sight (no alignment) are exactly the open agreed items the aligner
plans, on generated documents with overlaps, near misses, repeated spans, annotators with no
span, attributes that differ or are spelled differently, decisions and gold spans."""

import json
import random

from annotate import adjudication
from annotate.adjudication import DocumentSpans, agreed_at_sight, plan_documents
from annotate.commands import Decision
from annotate.model import GOLD, Span

WHO = ("amina", "bo", "chen", "dara")
LABELS = ("CLAIM", "DENIAL", "PERSON")
VARIANTS = ({}, {"certainty": "reported"}, {"certainty": "reported", "source": "press"})


def _copy(rng: random.Random, uid: str, base: tuple[int, int, str, dict], who: str,
          n: int) -> list[Span]:
    """An annotator's take on a base span: kept, moved by one, relabelled, with other
    attributes, left out, or given twice."""
    start, end, label, attributes = base
    roll = rng.random()
    if roll < 0.08:
        end += 1
    elif roll < 0.12:
        start -= 1
    elif roll < 0.16:
        label = LABELS[(LABELS.index(label) + 1) % len(LABELS)]
    elif roll < 0.2:
        attributes = rng.choice(VARIANTS)
    elif roll < 0.25:
        return []
    copies = 2 if rng.random() < 0.05 else 1
    return [Span(uid, start, end, label, who, f"{uid}-{who}-{n}-{c}", dict(attributes))
            for c in range(copies)]


def _document(rng: random.Random, uid: str) -> tuple[list[str], list[Span], list[Span],
                                                        list[Decision]]:
    """Considered annotators, their spans (and one left out), gold spans, decisions."""
    bases = []
    for _ in range(rng.randrange(0, 6)):
        start = rng.randrange(0, 40)
        bases.append((start, start + rng.randrange(1, 8), rng.choice(LABELS),
                      rng.choice(VARIANTS)))
    considered = rng.sample(WHO, rng.randrange(1, 5))
    left_out = next(name for name in (*WHO, "eve") if name not in considered)
    spans = []
    for who in (*considered, left_out):
        if rng.random() < 0.1:
            continue  # considered for marking the document done, with no span
        for n, base in enumerate(bases):
            spans += _copy(rng, uid, base, who, n)
    gold = [Span(uid, s.start, s.end, s.label, GOLD, f"{uid}-gold-{i}")
            for i, s in enumerate(spans) if rng.random() < 0.04]
    decisions = []
    for i, span in enumerate(spans):
        roll = rng.random()
        if roll < 0.03:
            decisions.append(Decision(f"{uid}-d{i}", uid, "reject", (span.id,), None, "lead"))
        elif roll < 0.06:  # an accept whose gold span is there, or was deleted since
            kept = gold[0] if gold and rng.random() < 0.5 else None
            decisions.append(Decision(f"{uid}-d{i}", uid, "accept", (span.id,), kept, "lead"))
    return considered, spans, gold, decisions


def _spelled(rng: random.Random, attributes: dict) -> str:
    """Attributes as JSON text, keys in any order (the same attributes, spelled otherwise)."""
    items = list(attributes.items())
    rng.shuffle(items)
    return json.dumps(dict(items))


def test_agreed_at_sight_is_what_alignment_finds() -> None:
    rng = random.Random(17)
    seen = aligned = agreed = 0
    for n in range(1500):
        uid = f"doc{n}"
        considered, spans, gold, decisions = _document(rng, uid)
        by_annotator = {who: [s for s in spans if s.annotator == who] for who in considered}
        items = plan_documents(considered, [DocumentSpans(by_annotator, gold, decisions)])[0]
        expected = [tuple(s.id for s in item.spans) for item in items
                    if item.kind == "agreed" and item.status == "open"]

        rows = [(s.annotator, s.label, s.start, s.end, _spelled(rng, s.attributes), s.id)
                for s in (*spans, *gold)]
        rng.shuffle(rows)
        kept = {s.id for s in gold}
        ruled = {source for d in decisions for source in d.sources
                 if adjudication.rules(d.kind, d.category, d.gold_span is not None
                                       and d.gold_span.id in kept)}
        found = agreed_at_sight(rows, considered, ruled, {(s.label, s.start, s.end) for s in gold},
                                json.loads)
        if found is None:
            aligned += 1
            continue
        seen += 1
        agreed += len(expected)
        assert [tuple(row[5] for row in group) for group in found] == expected, uid
    # every case came up: most documents seen at sight, some only by alignment
    assert seen > 1000 and aligned > 50 and agreed > 500


def test_an_agreed_item_among_repeated_spans_takes_an_alignment() -> None:
    """bo gives the agreed span twice: alignment pairs one copy, so only it can tell."""
    spans = [Span("d", 0, 4, "CLAIM", who, f"{who}{i}")
             for who, copies in (("amina", 1), ("bo", 2)) for i in range(copies)]
    rows = [(s.annotator, s.label, s.start, s.end, "{}", s.id) for s in spans]
    assert agreed_at_sight(rows, ["amina", "bo"]) is None
    by_annotator = {who: [s for s in spans if s.annotator == who] for who in ("amina", "bo")}
    kinds = [item.kind for item in adjudication.plan_document(by_annotator)]
    assert sorted(kinds) == ["agreed", "single"]


def test_nothing_is_agreed_by_one_annotator_or_with_a_span_missing() -> None:
    rows = [("amina", "CLAIM", 0, 4, "{}", "a"), ("bo", "CLAIM", 0, 4, "{}", "b")]
    assert agreed_at_sight(rows, ["amina"]) == []
    assert agreed_at_sight(rows, ["amina", "bo", "chen"]) == []
    assert [[row[5] for row in group] for group in agreed_at_sight(rows, ["bo", "amina"])] \
        == [["b", "a"]]


def test_agreed_items_come_by_position_then_label() -> None:
    rows = [(who, label, start, start + 4, "{}", f"{who}-{label}-{start}")
            for start in (9, 0) for label in ("PERSON", "CLAIM") for who in ("bo", "amina")]
    found = agreed_at_sight(rows, ["amina", "bo"])
    assert [group[0][5] for group in found] == \
        ["amina-CLAIM-0", "amina-PERSON-0", "amina-CLAIM-9", "amina-PERSON-9"]


def test_rows_naming_labels_by_id_give_items_of_the_same_bounds_by_label_name() -> None:
    rows = [(who, label, 0, 4, "{}", f"{who}-{label}") for label in (3, 4) for who in (1, 2)]
    found = agreed_at_sight(rows, [1, 2], labels={3: "PERSON", 4: "ORG"})
    assert [group[0][5] for group in found] == ["1-4", "1-3"]
    assert [group[0][5] for group in agreed_at_sight(rows, [1, 2])] == ["1-3", "1-4"]


def test_rows_in_any_order_and_others_rows_of_the_same_key_give_the_same_items() -> None:
    """A key's rows as the store usually reads them (one each, in considered order) and the
    same rows in another order, among gold's and a not considered annotator's of that key."""
    rows = [(who, "CLAIM", 0, 4, "{}", f"{who}-0") for who in ("amina", "bo", "chen")]
    rows += [(who, "PERSON", 6, 9, '{"a": 1}' if who == "bo" else '{"a":1}', f"{who}-6")
             for who in ("amina", "bo", "chen")]
    others = [("gold", "CLAIM", 0, 4, "{}", "g"), ("dan", "PERSON", 6, 9, "{}", "d")]
    expected = [["amina-0", "bo-0", "chen-0"], ["amina-6", "bo-6", "chen-6"]]
    for given in (rows, rows[::-1], rows + others, others[::-1] + rows[::-1]):
        found = agreed_at_sight(given, ["amina", "bo", "chen"], attributes=json.loads)
        assert [[row[5] for row in group] for group in found] == expected
    doubled = [*rows, ("chen", "CLAIM", 0, 4, "{}", "chen-0b")]
    assert agreed_at_sight(doubled, ["amina", "bo", "chen"]) is None
    assert agreed_at_sight(doubled, ["amina", "bo"]) is not None
