"""Tag the other occurrences: folded (case, accents, punctuation), whole words, original
offsets, not where a span of that label is already."""

from __future__ import annotations

from annotate.model import Span
from annotate.occurrences import EXACT, FOLDED, find, fold, other_occurrences

TEXT = "The Armed-Forces said: KIDAL, Kidàl and Kidals; 😀 Kidal.\r\nArmed  forces left."


def test_folding_keeps_the_original_offsets() -> None:
    folded = fold(TEXT)
    assert [TEXT[s:e] for s, e in find("kidal", folded)] == ["KIDAL", "Kidàl", "Kidal"]
    assert [TEXT[s:e] for s, e in find("Armed Forces", folded)] == ["Armed-Forces",
                                                                    "Armed  forces"]
    assert list(find("Kid", folded)) == []  # whole words only
    assert list(find(" ,; ", folded)) == []


def test_other_occurrences_score_exact_higher_and_skip_the_span_itself() -> None:
    span = Span("d1", 50, 55, "LOCATION", "amina")
    assert TEXT[50:55] == "Kidal"
    found = list(other_occurrences([span], {"d1": TEXT},
                                   [("d1", TEXT), ("d2", "kidal is far")]))
    assert [(s.document, s.start, s.end, s.score) for s in found] == [
        ("d1", 23, 28, FOLDED), ("d1", 30, 35, FOLDED), ("d2", 0, 5, FOLDED)]
    exact = list(other_occurrences([span], {"d1": TEXT}, [("d3", "In Kidal.")]))
    assert [(s.start, s.end, s.label, s.score) for s in exact] == [(3, 8, "LOCATION", EXACT)]
