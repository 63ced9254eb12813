"""Actor matching: folding, acronyms and their expansions, generic words; proposals group the
texts that name one actor and send texts to the actors that have their names."""

from __future__ import annotations

import pytest

from annotate.actors import (
    Actor,
    Event,
    check_event,
    definitions_in,
    fold,
    initials,
    match_reason,
    named,
    propose,
)
from annotate.errors import ValidationError

LONG = "Permanent Strategic Framework for Peace, Security and Development"
DEFINED = definitions_in([f"The {LONG} (CSP-PSD) rebel movement said so."])


@pytest.mark.parametrize(("first", "second", "reason"), [
    ("Tinzaouatène", "TINZAOUATENE", "same name"),
    ("al-Qaeda", "Al Qaeda", "same name"),
    ("CSP", "CSP-PSD", "acronym of the same name"),
    ("CSP-PSD", "CSP", "acronym of the same name"),
    ("JNIM", "Jama'at Nasr al-Islam wal-Muslimin", "acronym of the words"),
    ("CSP-PSD", LONG, "acronym defined in the text"),
    ("CSP", LONG, "acronym defined in the text"),
    ("Wagner", "the Wagner Group", "same name but a generic word"),
    ("FAMa", "Wagner", None),
    ("CSP", "CSP-DPA and allies", None),
    ("Mali", "Malian army", None),
    ("", "CSP", None),
])
def test_match_reason(first: str, second: str, reason: str | None) -> None:
    assert match_reason(first, second, DEFINED) == reason


def test_without_definitions_an_expansion_needs_its_initials() -> None:
    assert match_reason("CSP", LONG) is None
    assert initials(LONG) == "psfpsd"


def test_fold() -> None:
    assert fold("  Jama'at  Nasr—al-Islam ") == "jama at nasr al islam"


def test_propose_sends_known_names_to_their_actor_and_groups_the_rest() -> None:
    jnim = Actor("JNIM", "armed group")
    proposals = propose([("Jama'at Nasr al-Islam wal-Muslimin", "armed group"),
                         ("CSP", "armed group"), ("CSP-PSD", "armed group"),
                         ("Kidal", "place")], [jnim], DEFINED)
    found = {p.surface: (p.actor, p.new) for p in proposals}
    assert found == {"Jama'at Nasr al-Islam wal-Muslimin": ("JNIM", False),
                     "CSP": ("CSP-PSD", True), "CSP-PSD": ("CSP-PSD", True),
                     "Kidal": ("Kidal", True)}


def test_named_finds_aliases_folded() -> None:
    actor = Actor("CSP-PSD", "armed group", ("CSP",))
    assert named([actor], "csp") == actor
    assert named([actor], "JNIM") is None


@pytest.mark.parametrize(("event", "problem"), [
    (Event(" "), "needs a name"),
    (Event("x", "2024-7-25"), "not a date"),
    (Event("x", "2026-02-30"), "not a date"),  # the form of a date, no day of the calendar
    (Event("x", "2026-01-01", "2026-13-01"), "not a date"),
    (Event("x", "2024-07-27", "2024-07-25"), "before it starts"),
])
def test_check_event(event: Event, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        check_event(event)
