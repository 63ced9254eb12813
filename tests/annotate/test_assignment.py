"""Balancing assignments across a team, and when a document goes to review."""

from __future__ import annotations

from collections import Counter

import pytest

from annotate.assignment import balance, in_review
from annotate.errors import InputError

TEAM = ("amina", "ben", "chloe")


def test_balance_gives_each_document_n_annotators_and_everyone_a_fair_share() -> None:
    documents = [f"d{i}" for i in range(7)]
    pairs = balance(documents, TEAM, 2)
    by_document: dict[str, list[str]] = {}
    for uid, name in pairs:
        by_document.setdefault(uid, []).append(name)
    assert all(len(set(names)) == len(names) == 2 for names in by_document.values())
    assert list(by_document) == documents
    load = Counter(name for _, name in pairs)
    assert sorted(load.values()) == [4, 5, 5]  # 14 assignments over 3 members


def test_balance_counts_what_is_assigned_and_tops_up_only() -> None:
    held = [("d0", "amina"), ("d1", "amina"), ("d1", "ben"), ("d2", "amina")]
    pairs = balance(["d0", "d1", "d2", "d3"], TEAM, 2, held)
    assert ("d1", "amina") not in pairs and not [p for p in pairs if p[0] == "d1"]
    assert [p for p in pairs if p[0] == "d0"] == [("d0", "chloe")]  # amina has most already
    load = Counter(name for _, name in [*held, *pairs])
    assert max(load.values()) - min(load.values()) <= 1
    assert all(name != "amina" for uid, name in pairs if uid in ("d0", "d2"))


def test_balance_refuses_more_per_document_than_the_team_has() -> None:
    with pytest.raises(InputError, match="3 annotators per document, but the team has 2"):
        balance(["d0"], ("amina", "ben"), 3)
    with pytest.raises(InputError, match="at least 1"):
        balance(["d0"], TEAM, 0)


def test_a_document_goes_to_review_when_every_assignee_marked_it_done() -> None:
    assert not in_review([], {"amina": "done"})  # not assigned: never by itself
    assert not in_review(["amina", "ben"], {"amina": "done", "ben": "in_progress"})
    assert not in_review(["amina", "ben"], {"amina": "done"})
    assert in_review(["amina", "ben"], {"amina": "done", "ben": "done", "chloe": "todo"})
