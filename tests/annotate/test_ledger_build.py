"""The ledger built from claim records alone: figure corrections, units, denials without a
subject of their own, unattributed claims."""

from __future__ import annotations

import pytest

from annotate.figures import Figure
from annotate.ledger import NO_SUBJECT, UNATTRIBUTED, ClaimRecord, Party, build, figure_of


def claim(id: str, text: str, claimant: str | None = "CSP", subject: str | None = "Wagner",
          kind: str = "claim", **attributes: object) -> ClaimRecord:
    return ClaimRecord(id, "doc", 0, len(text), text, "amina", kind,
                       {"proposition": "killed", **attributes}, "2024-07-29",
                       claimant=None if claimant is None else Party(claimant),
                       subject=None if subject is None else Party(subject))


@pytest.mark.parametrize(("attributes", "expected"), [
    ({}, Figure(10, 10, "exact", "people")),
    ({"figure": "at least 25"}, Figure(25, None, "at least")),
    ({"figure_low": 82}, Figure(82, None, "corrected", "people")),
    ({"figure_high": 5}, Figure(None, 5, "corrected", "people")),
    ({"figure_low": 8, "figure_high": 12}, Figure(8, 12, "corrected", "people")),
    ({"figure": " "}, Figure(10, 10, "exact", "people")),
    # bounds that repeat those read (a figure proposal accepted) keep the qualifier
    ({"figure": "about 80 soldiers", "figure_low": 80, "figure_high": 80},
     Figure(80, 80, "about", "people")),
    ({"figure": "more than 80", "figure_low": 81}, Figure(81, None, "more than")),
])
def test_figure_of_reads_and_corrects(attributes: dict, expected: Figure) -> None:
    assert figure_of(claim("a", "10 soldiers died", **attributes)) == expected


def test_a_correction_without_any_figure_read() -> None:
    assert figure_of(claim("a", "they died", figure_low=3)) == Figure(3, None, "corrected")


def test_figures_of_other_units_do_not_conflict() -> None:
    ledger = build([claim("a", "10 vehicles"), claim("b", "80 soldiers"), claim("c", "80")])
    assert ledger.conflicts("b") == ()  # 10 vehicles and 80 soldiers: both can be true
    assert ledger.conflicts("a") == ("c",)  # no unit: compared with any
    assert ledger.conflicts("c") == ("a",)


def test_denials_join_the_row_of_what_they_deny_and_strays_have_their_own() -> None:
    denied = claim("a", "84 died")
    denial = ClaimRecord("d", "doc", 0, 6, "denied", "amina", "denial", {}, None,
                         claimant=Party("army"), denies=("a",))
    stray = claim("s", "nobody said", claimant=None, subject=None)
    ledger = build([denied, denial, stray])
    assert ledger.claims["d"].row == ledger.claims["a"].row == "Wagner: killed"
    assert ledger.claims["a"].denied_by == ("d",)
    assert ledger.claims["s"].row == f"{NO_SUBJECT}: killed"
    assert ledger.claims["s"].claimant == UNATTRIBUTED
    assert [c.record.kind for c in ledger.row("Wagner: killed").cells["army"]] == ["denial"]
