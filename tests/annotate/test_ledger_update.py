"""The ledger followed edit by edit: after any run of edits in a few documents it is the
ledger built anew, each edit touching only its claims; and the conflicts it reads from each
row's sorted figures are those of comparing every pair of claims."""

from __future__ import annotations

import random
from itertools import combinations

from annotate.ledger import ClaimRecord, Ledger, Party, build

SUBJECTS = ("Wagner", "JNIM", None)
FIGURES = ("84 died", "at least 81", "about 80 soldiers", "10 vehicles", "between 5 and 9",
           "they died", "up to 12 people", "more than 300")


def corpus(rng: random.Random, documents: int, claims: int) -> list[ClaimRecord]:
    """Claims and denials over ``documents`` documents; some denials without a subject (they
    take the row of what they deny, in another document as often as not)."""
    records: list[ClaimRecord] = []
    for n in range(claims):
        kind = "denial" if records and rng.random() < 0.25 else "claim"
        subject = rng.choice(SUBJECTS)
        denies = (rng.choice(records).id,) if kind == "denial" else ()
        records.append(ClaimRecord(
            f"c{n}", f"d{rng.randrange(documents)}", rng.randrange(100), 200, rng.choice(FIGURES),
            "amina", kind, {"proposition": rng.choice(("killed", "wounded"))},
            rng.choice((None, "2024-07-29", "2024-08-01")),
            claimant=rng.choice((None, Party("CSP"), Party("army"), Party("x", "Rusich"))),
            subject=None if subject is None else Party(subject), denies=denies))
    return records


def pairwise_conflicts(ledger: Ledger) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {i: set() for i in ledger.claims}
    for row in ledger.rows:
        figured = [c for c in row.claims if c.record.kind == "claim" and c.figure is not None]
        for a, b in combinations(figured, 2):
            units = a.figure.unit, b.figure.unit
            if a.figure.conflicts(b.figure) and (not all(units) or units[0] == units[1]):
                found[a.record.id].add(b.record.id)
                found[b.record.id].add(a.record.id)
    return found


def test_conflicts_are_those_of_every_pair() -> None:
    ledger = build(corpus(random.Random(5), 6, 120))
    pairs = pairwise_conflicts(ledger)
    assert any(pairs.values())
    for row in ledger.rows:
        assert row.conflicting == any(pairs[c.record.id] for c in row.claims)
        for claim in row.claims:
            assert set(ledger.conflicts(claim.record.id)) == pairs[claim.record.id]
            assert row.conflicted(claim) == bool(pairs[claim.record.id])


def test_edits_followed_one_by_one_give_the_ledger_built_anew() -> None:
    rng = random.Random(7)
    records = corpus(rng, 8, 80)
    ledger = build(records)
    for step in range(60):
        uid = f"d{rng.randrange(8)}"
        kept = [r for r in records if r.document != uid]
        fresh = [r for r in corpus(rng, 1, rng.randrange(4)) if not r.denies]
        fresh = [ClaimRecord(f"s{step}-{r.id}", uid, r.start, r.end, r.text, r.annotator,
                             r.kind, r.attributes, r.published, claimant=r.claimant,
                             subject=r.subject) for r in fresh]
        if kept and rng.random() < 0.5:  # a denial of a claim of another document
            target = rng.choice(kept)
            fresh.append(ClaimRecord(f"s{step}-d", uid, 5, 9, "denied", "amina", "denial",
                                     {}, None, denies=(target.id,)))
        touched = {c.record.id for pair in ledger.changes({uid}, fresh) for c in pair if c}
        gone = {r.id for r in records if r.document == uid}
        denied = {t for r in records + fresh if r.document == uid for t in r.denies}
        denying = {r.id for r in kept if set(r.denies) & (gone | {f.id for f in fresh})}
        assert touched <= gone | {r.id for r in fresh} | denied | denying
        ledger.update({uid}, fresh)
        records = kept + fresh
        assert ledger.to_json() == build(records).to_json(), step
        assert ledger.claimants == build(records).claimants
