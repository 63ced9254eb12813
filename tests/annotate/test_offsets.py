"""Code-point offsets <-> Qt positions, checked against a model built from ``display_text``.

The oracle: the Qt position of a code-point offset is the UTF-16 length of the display form of the
text before it; no Qt is needed (or imported) for that.
"""

from __future__ import annotations

import tracemalloc

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotate.offsets import OffsetMap, display_text, snap_to_words
from annotate.tokenize import token_bounds

PIECES = [
    "a", "b", "Z", "7", " ", ".", "-", "'",
    "\r\n", "\r", "\n", "\t", "\u2028", "\u2029", "\x0b", "\x0c", "\x85", "\x00",
    "😀", "𝔘", "👩\u200d👩\u200d👧", "🇺🇦", "e\u0301", "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631",
    "\ufeff", "\ufffe", "\ufdd0", "\ufdd1", "\ud83d", "\ude00",
]  # fmt: skip
texts = st.lists(st.sampled_from(PIECES), max_size=24).map("".join)


def units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def qt_slice(shown: str, a: int, b: int) -> str:
    return shown.encode("utf-16-le")[2 * a : 2 * b].decode("utf-16-le")


def inside_crlf(text: str, offset: int) -> bool:
    return 0 < offset < len(text) and text[offset - 1 : offset + 1] == "\r\n"


def expected_qt(text: str, offset: int) -> int:
    """Oracle for ``to_qt``: an offset inside a CRLF belongs before the break."""
    return units(display_text(text[: offset - 1 if inside_crlf(text, offset) else offset]))


def displayed(text: str, start: int, end: int) -> str:
    """How ``text[start:end]`` looks inside the display of ``text`` (a BOM is special at 0 only)."""
    return display_text(text[start:end]) if start == 0 else display_text("." + text[start:end])[1:]


def boundaries(text: str) -> set[int]:
    """Qt positions that fall between two code points."""
    return {expected_qt(text, i) for i in range(len(text) + 1)}


# -- display_text --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\r\r\nb", "a\n\nb"),
        ("a\n\rb", "a\n\nb"),
        ("a\u2028b\u2029c\x0bd\x0ce\x85f", "a\nb\nc\nd\ne\nf"),
        ("a\ufdd0b\ufdd1\ud83d", "a\ufffdb\ufffd\ufffd"),
        ("\ufeffa\ufeff", "\u2060a\ufeff"),
        ("\ufffe\ufeff", "\ufffd\ufeff"),
        ("\r\n\ufeff", "\n\ufeff"),
        (
            "tab\there 😀 e\u0301 \u05e9 \x00\ufeff\x1c",
            "tab\there 😀 e\u0301 \u05e9 \x00\ufeff\x1c",
        ),
    ],
)
def test_display_text_rewrites_only_breaks_and_what_qt_would_alter(raw: str, shown: str) -> None:
    assert display_text(raw) == shown


def test_display_text_of_a_long_text_needs_no_copy_of_it() -> None:
    """A long text of emoji, Qt has nothing to alter in: the same str back, its check
    peaking under one byte a code point (the text is four: its whole UTF-32 encoding was
    made); a lone surrogate past the first pieces checked is still found."""
    text = "The army said that 40 people were killed. 🔥\n" * 50_000
    tracemalloc.start()
    try:
        shown = display_text(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert shown is text
    assert peak < len(text), peak
    assert display_text(text + "\udc00") == text + "\ufffd"


@given(texts)
def test_display_text_changes_length_only_by_collapsing_crlf(text: str) -> None:
    assert len(display_text(text)) == len(text) - text.count("\r\n")
    assert "\r" not in display_text(text)


# -- OffsetMap -----------------------------------------------------------------------------------
@given(texts)
def test_to_qt_matches_the_display_model(text: str) -> None:
    offsets = OffsetMap(text)
    assert [offsets.to_qt(i) for i in range(len(text) + 1)] == [
        expected_qt(text, i) for i in range(len(text) + 1)
    ]
    assert offsets.qt_length == units(display_text(text)) == offsets.to_qt(len(text))


@given(texts)
def test_round_trip_at_every_code_point_boundary(text: str) -> None:
    offsets = OffsetMap(text)
    for i in range(len(text) + 1):
        if inside_crlf(text, i):
            assert offsets.to_qt(i) == offsets.to_qt(i - 1)
            assert offsets.from_qt(offsets.to_qt(i)) == i - 1
        else:
            assert offsets.from_qt(offsets.to_qt(i)) == i


@given(texts)
def test_to_qt_is_monotonic_and_strict_except_inside_crlf(text: str) -> None:
    offsets = OffsetMap(text)
    for i in range(1, len(text) + 1):
        step = offsets.to_qt(i) - offsets.to_qt(i - 1)
        if inside_crlf(text, i):
            assert step == 0
        else:
            assert step == (2 if ord(text[i - 1]) > 0xFFFF else 1)


@given(texts)
def test_from_qt_inside_a_surrogate_pair_is_the_character_start(text: str) -> None:
    offsets = OffsetMap(text)
    for i, char in enumerate(text):
        if ord(char) > 0xFFFF:
            assert offsets.from_qt(offsets.to_qt(i) + 1) == i


@given(texts)
def test_range_to_qt_shows_the_same_text_as_the_code_point_range(text: str) -> None:
    offsets, shown = OffsetMap(text), display_text(text)
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            a, b = offsets.range_to_qt(start, end)
            assert qt_slice(shown, a, b) == displayed(text, start, end), (start, end)


@given(texts)
def test_range_from_qt_is_exact_on_boundaries_and_widens_inside_characters(text: str) -> None:
    offsets, shown, between = OffsetMap(text), display_text(text), boundaries(text)
    for a in range(offsets.qt_length + 1):
        for b in range(a, offsets.qt_length + 1):
            start, end = offsets.range_from_qt(a, b)
            assert offsets.range_from_qt(b, a) == (start, end)
            qa, qb = offsets.range_to_qt(start, end)
            assert qa == (a if a in between else a - 1)
            assert qb == (b if b in between else b + 1)
            if a in between and b in between:
                assert displayed(text, start, end) == qt_slice(shown, a, b)


@given(st.text(max_size=40))
def test_any_unicode_text_round_trips(text: str) -> None:
    offsets = OffsetMap(text)
    assert offsets.qt_length == units(display_text(text))
    for i in range(len(text) + 1):
        assert offsets.to_qt(i) == expected_qt(text, i)
        assert offsets.from_qt(offsets.to_qt(i)) == (i - 1 if inside_crlf(text, i) else i)


def test_examples_by_hand() -> None:
    text = "a😀\r\nb\r\n"
    offsets = OffsetMap(text)
    assert [offsets.to_qt(i) for i in range(len(text) + 1)] == [0, 1, 3, 3, 4, 5, 5, 6]
    assert [offsets.from_qt(q) for q in range(offsets.qt_length + 1)] == [0, 1, 1, 2, 4, 5, 7]
    assert offsets.range_to_qt(3, 6) == (3, 6)
    assert offsets.range_to_qt(6, 6) == (5, 5)
    assert offsets.range_from_qt(2, 4) == (1, 4)
    assert offsets.range_from_qt(-3, 99) == (0, len(text))


@pytest.mark.parametrize("call", ["to_qt", "from_qt"])
def test_positions_outside_the_text_raise(call: str) -> None:
    offsets = OffsetMap("😀\r\n")
    with pytest.raises(ValueError):
        getattr(offsets, call)(-1)
    with pytest.raises(ValueError):
        getattr(offsets, call)(4)
    with pytest.raises(ValueError):
        offsets.range_to_qt(2, 1)


def test_a_text_of_one_position_a_code_point_maps_its_offsets_as_they_are(monkeypatch) -> None:
    """A text without astral characters or CRLFs (most texts; accents and other scripts of
    the Basic Multilingual Plane) has its offsets as its Qt positions, found without
    bisecting (a document opened maps each of its spans, its paint and its links' ends);
    positions outside it still raise."""
    from annotate import offsets as offsets_module

    text = "Ségou مرحبا – said\nthe \u2028 officials"
    offsets = OffsetMap(text)

    def refused(*_args: object) -> int:
        raise AssertionError("bisected")

    monkeypatch.setattr(offsets_module, "bisect_left", refused)
    assert offsets.qt_length == units(display_text(text)) == len(text)
    assert [offsets.to_qt(i) for i in range(len(text) + 1)] == list(range(len(text) + 1))
    assert [offsets.from_qt(i) for i in range(len(text) + 1)] == list(range(len(text) + 1))
    assert offsets.range_to_qt(2, 9) == (2, 9) and offsets.range_from_qt(9, 2) == (2, 9)
    for outside in (lambda: offsets.to_qt(len(text) + 1), lambda: offsets.from_qt(-1),
                    lambda: offsets.range_to_qt(-1, 3), lambda: offsets.range_to_qt(3, 99),
                    lambda: offsets.range_to_qt(4, 3)):
        with pytest.raises(ValueError):
            outside()


def test_a_text_of_one_position_a_code_point_maps_a_qt_range_as_it_is(monkeypatch) -> None:
    """Its Qt range (the text view asks at each paint and each span change) is the range
    clamped to the text, either way round, without a position mapped one by one."""
    offsets = OffsetMap("Ségou – said\nthe officials")

    def refused(*_args: object) -> int:
        raise AssertionError("mapped one by one")

    monkeypatch.setattr(offsets, "from_qt", refused)
    monkeypatch.setattr(offsets, "to_qt", refused)
    assert offsets.range_from_qt(9, 2) == offsets.range_from_qt(2, 9) == (2, 9)
    assert offsets.range_from_qt(-3, 99) == (0, offsets.qt_length)


# -- snap_to_words -------------------------------------------------------------------------------
words = st.lists(
    st.sampled_from(["ab", "x", "co-op", "don't", "’", "7", ",", ".", " ", "  ", "\r\n", "\t",
                     "😀", "e\u0301", "\u05e9\u05dc", "-", "'", "w" * 70]),
    max_size=16,
).map("".join)  # fmt: skip


def expected_snap(text: str, start: int, end: int) -> tuple[int, int]:
    touched = [(s, e) for s, e in token_bounds(text) if s < end and e > start]
    return (touched[0][0], touched[-1][1]) if touched else (start, start)


@given(words, st.data())
def test_snap_matches_tokenizing_the_whole_text(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert snap_to_words(text, start, end) == expected_snap(text, start, end)


@pytest.mark.parametrize(
    ("text", "selected", "snapped"),
    [
        ("  the co-op said ", "he co-op s", "the co-op said"),
        ("  the co-op said ", " co-op ", "co-op"),
        ("Don't go.", "n't g", "Don't go"),
        ("a, b", ", ", ","),
        ("many   ", "  ", ""),
        ("x" * 300 + " y", "x" * 10 + " ", "x" * 300),
    ],
)
def test_snap_examples(text: str, selected: str, snapped: str) -> None:
    where = text.index(selected)
    start, end = snap_to_words(text, where, where + len(selected))
    assert text[start:end] == snapped


def test_snap_of_a_caret_inside_a_word_takes_the_word() -> None:
    text = "one two three"
    assert snap_to_words(text, 5, 5) == (4, 7)
    assert snap_to_words(text, 4, 4) == (4, 4)


def test_snap_rejects_ranges_outside_the_text() -> None:
    with pytest.raises(ValueError):
        snap_to_words("abc", 2, 4)
