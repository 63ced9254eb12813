"""Figures read from claim text: the table of expressions and the conservative rules."""

from __future__ import annotations

import re

import pytest

from annotate import figures
from annotate.figures import QUALIFIERS, Figure, find_figures, number, parse_figure
from annotate.samples import sample_documents

N = None
TABLE: list[tuple[str, tuple[int | None, int | None, str, str] | None]] = [
    # exact counts, digits and words
    ("84", (84, 84, "exact", "")),
    ("84 Wagner mercenaries", (84, 84, "exact", "people")),
    ("eighty-four", (84, 84, "exact", "")),
    ("eighty four fighters", (84, 84, "exact", "people")),
    ("Forty-seven Malian soldiers", (47, 47, "exact", "people")),
    ("one hundred and twenty civilians", (120, 120, "exact", "people")),
    ("fifteen hundred", (1500, 1500, "exact", "")),
    ("two thousand three hundred", (2300, 2300, "exact", "")),
    ("1,200 people", (1200, 1200, "exact", "people")),
    ("1.5 million displaced", (1_500_000, 1_500_000, "exact", "people")),
    ("3 thousand", (3000, 3000, "exact", "")),
    ("three dozen", (36, 36, "exact", "")),
    ("nine of its own men", (9, 9, "exact", "people")),
    ("a hundred", (100, 100, "exact", "")),
    ("killed 20 civilians", (20, 20, "exact", "people")),
    ("no one was hurt", (0, 0, "exact", "")),
    ("none", (0, 0, "exact", "")),
    ("zero", (0, 0, "exact", "")),
    ("a couple of soldiers", (2, 2, "exact", "people")),
    # about
    ("about 80", (80, 80, "about", "")),
    ("around 80 dead", (80, 80, "about", "people")),
    ("some 30 soldiers", (30, 30, "about", "people")),
    ("roughly 40", (40, 40, "about", "")),
    ("approximately 1,000", (1000, 1000, "about", "")),
    ("an estimated 3,000 displaced", (3000, 3000, "about", "people")),
    ("about eighty", (80, 80, "about", "")),
    ("~50", (50, 50, "about", "")),
    ("a dozen", (12, 12, "about", "")),
    ("one dozen hostages", (12, 12, "about", "people")),
    ("close to 60", (60, 60, "about", "")),
    # lower bounds
    ("at least 25", (25, N, "at least", "")),
    ("at least 25 deaths", (25, N, "at least", "people")),
    ("at least eighty", (80, N, "at least", "")),
    ("80+", (80, N, "at least", "")),
    ("80 or more", (80, N, "at least", "")),
    ("no fewer than 12", (12, N, "at least", "")),
    ("a minimum of 7", (7, N, "at least", "")),
    ("upwards of 40", (40, N, "at least", "")),
    ("more than 80", (81, N, "more than", "")),
    ("More than 80 people were killed", (81, N, "more than", "people")),
    ("over 15", (16, N, "more than", "")),
    ("over 50 migrant workers", (51, N, "more than", "people")),
    ("more than a dozen were kidnapped", (13, N, "more than", "")),
    ("above 100", (101, N, "more than", "")),
    ("in excess of 200", (201, N, "more than", "")),
    # upper bounds
    ("up to 30", (N, 30, "at most", "")),
    ("up to 30 km", (N, 30, "at most", "km")),
    ("at most 5", (N, 5, "at most", "")),
    ("no more than 10", (N, 10, "at most", "")),
    ("as many as 60 troops", (N, 60, "at most", "people")),
    ("fewer than 10", (N, 9, "fewer than", "")),
    ("less than 100", (N, 99, "fewer than", "")),
    ("under 20", (N, 19, "fewer than", "")),
    ("nearly 20", (N, 19, "nearly", "")),
    ("a convoy of nearly 20 vehicles", (N, 19, "nearly", "vehicles")),
    ("almost 100%", (N, 99, "nearly", "percent")),
    ("just under 50", (N, 49, "nearly", "")),
    # ranges
    ("between 20 and 30", (20, 30, "between", "")),
    ("between thirty and twenty", (20, 30, "between", "")),
    ("from 10 to 15", (10, 15, "between", "")),
    ("20-30", (20, 30, "between", "")),
    ("20 – 30 dead", (20, 30, "between", "people")),
    ("20 to 30", (20, 30, "between", "")),
    ("twenty to thirty", (20, 30, "between", "")),
    ("10 or 12", (10, 12, "between", "")),
    # vague quantities
    ("dozens", (24, N, "dozens", "")),
    ("dozens of Malian and Wagner forces killed", (24, N, "dozens", "")),
    ("dozens of soldiers", (24, N, "dozens", "people")),
    ("hundreds", (200, N, "hundreds", "")),
    ("hundreds of civilians", (200, N, "hundreds", "people")),
    ("thousands", (2000, N, "thousands", "")),
    ("scores of bodies", (40, N, "scores", "people")),
    ("tens of fighters", (20, N, "tens", "people")),
    ("several dozen fighters", (36, N, "several dozen", "people")),
    ("several hundred", (300, N, "several hundred", "")),
    ("a few dozen", (24, N, "a few dozen", "")),
    ("a few hundred", (200, N, "a few hundred", "")),
    ("several soldiers", (3, N, "several", "people")),
    ("a few survivors", (2, N, "a few", "people")),
    ("many casualties", (2, N, "many", "people")),
    # not figures: dates, years, ordinals, model names, citation marks
    ("On 2 August", None),
    ("July 2024", None),
    ("since 2021", None),
    ("the 13th assault unit", None),
    ("a Wagner Mi-24 helicopter", None),
    ("[10]", None),
    ("CSP denied their involvement", None),
    ("", None),
    # the first figure when there are several; dates before it are passed over
    ("On 2 August, CSP said that 84 Wagner mercenaries and 47 soldiers",
     (84, 84, "exact", "people")),
    ("[13] On 27 July, at least 25", (25, N, "at least", "")),
]


@pytest.mark.parametrize(("text", "expected"), TABLE, ids=[t or "empty" for t, _ in TABLE])
def test_expression_table(text: str, expected: tuple | None) -> None:
    figure = parse_figure(text)
    if expected is None:
        assert figure is None
    else:
        assert figure == Figure(*expected)
        assert figure.qualifier in QUALIFIERS


def test_table_is_large() -> None:
    assert len(TABLE) >= 60


def test_find_figures_gives_every_figure_with_its_place() -> None:
    text = "more than 80 people were killed and over 15 are in captivity"
    found = [(text[s:e], f.describe()) for s, e, f in find_figures(text)]
    assert found == [("more than 80", "≥81"), ("over 15", "≥16")]


@pytest.mark.parametrize(("first", "second", "conflict"), [
    ("84", "at least 25", False),
    ("84", "more than 80", False),
    ("84", "nearly 20", True),
    ("84", "between 20 and 30", True),
    ("20-30", "25", False),
    ("20-30", "31", True),
    ("about 80", "84", False),   # "about" reaches 10% either side
    ("about 80", "89", True),
    ("about 5", "6", False),     # ... and at least one
    ("up to 30", "more than 30", True),
    ("dozens", "84", False),
    ("dozens", "20", True),
    ("fewer than 10", "dozens", True),
])
def test_conflicts(first: str, second: str, conflict: bool) -> None:
    a, b = parse_figure(first), parse_figure(second)
    assert a is not None and b is not None
    assert a.conflicts(b) is conflict
    assert b.conflicts(a) is conflict


@pytest.mark.parametrize(("text", "shown"), [
    ("84", "84"), ("about 80", "~80"), ("at least 25", "≥25"), ("nearly 20", "≤19"),
    ("20-30", "20–30"),
])
def test_describe(text: str, shown: str) -> None:
    figure = parse_figure(text)
    assert figure is not None and figure.describe() == shown


def test_to_dict() -> None:
    assert parse_figure("over 15 captives").to_dict() == {
        "low": 16, "high": None, "qualifier": "more than", "unit": "people"}


@pytest.mark.parametrize("words", ["1.5", "banana", "eighty eighty"])
def test_number_refuses_what_is_no_whole_count(words: str) -> None:
    with pytest.raises(ValueError):
        number(words)


def texts_to_try() -> list[str]:
    """The table's texts, in other cases and inside sentences, the sample texts and their
    lines, and texts where the pattern reads a figure inside a longer word."""
    quirks = ["kittens", "moreover 5", "NOBODY came", "Scores fled", "a Couple", "MANY",
              "The army denied that the convoy was ambushed near Kidal on the road north.",
              "Tinzaouaten", "statement of the ministry", "ТEN"]  # (a Cyrillic "Т")
    texts = [text for text, _ in TABLE] + quirks
    texts += [change(text) for text in texts for change in (str.upper, str.title)]
    texts += [f"Officials said {text}, near Kidal." for text in texts]
    for document in sample_documents():
        texts += [document.text, *document.text.splitlines()]
    return texts


def test_the_short_cut_loses_no_figure(monkeypatch) -> None:
    """A text the short-cut passes by holds no figure the pattern reads: every text tried
    gives what the pattern alone gives."""
    texts = texts_to_try()
    passed_by = [text for text in texts if not figures.may_hold_figure(text)]
    found = [list(find_figures(text, with_unit=True)) for text in texts]
    monkeypatch.setattr(figures, "may_hold_figure", lambda _text: True)
    assert found == [list(find_figures(text, with_unit=True)) for text in texts]
    assert sum(map(bool, found)) > 100 and len(passed_by) > 10


def test_a_text_with_no_digit_or_number_word_is_not_tried_against_the_pattern(
        monkeypatch) -> None:
    """The pattern tries each character of a text (~4 µs each: ~0.1 M instructions each
    claim made in the window); a text with no digit and no number or quantity word in it
    is known to hold no figure without it."""
    tried: list[str] = []
    real = figures._pattern

    def pattern() -> re.Pattern[str]:
        tried.append("pattern")
        return real()

    monkeypatch.setattr(figures, "_pattern", pattern)
    assert list(find_figures("the convoy was ambushed near Kidal on the road north")) == []
    assert tried == []
    assert [f.describe() for _s, _e, f in find_figures("the convoy of ELEVEN trucks")] == ["11"]
    assert tried == ["pattern"]
