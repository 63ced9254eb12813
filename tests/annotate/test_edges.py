"""Where a span's edges may go (annotate.edges): snapping past punctuation, edge moves by word
and character, and the rule that a span holds more than punctuation and spaces."""

from __future__ import annotations

import pytest

from annotate.commands import Batch, CreateSpan, SetStatus, resize, set_note
from annotate.edges import check_ink, check_inks, ink_problem, moved, placed, snap, word_bounds
from annotate.errors import ValidationError
from annotate.model import Span

TEXT = "Rebel forces, the army said, took Kidal. “Not so,” said Ag-Ghaly (UN) at 80%…"


def cut(bounds: tuple[int, int] | None) -> str | None:
    return None if bounds is None else TEXT[bounds[0]:bounds[1]]


def at(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


@pytest.mark.parametrize(("selected", "expected"), [
    ("forces,", "forces"),  # the reported case
    ("rces, ", "forces"),  # from inside a word: widened, then the comma left out
    (", the army said,", "the army said"),
    ("“Not so,”", "Not so"),
    ("(UN)", "UN"),
    ("Ag-Ghaly", "Ag-Ghaly"),
    ("80%…", "80%"),  # a symbol stays, the ellipsis (punctuation) goes
    ("said, took", "said, took"),  # punctuation inside stays
    (". “", ""),  # nothing but punctuation and spaces
])
def test_snap_widens_to_words_and_leaves_out_the_punctuation_around_them(selected, expected):
    start, end = at(selected)
    assert cut(snap(TEXT, start, end)) == expected


def test_ink_rule_refuses_punctuation_spaces_and_invisible_characters_only():
    for text in ("", ",", " , ", "“…”", "\u200b.", "(\t)", "—"):
        assert ink_problem(text) is not None, text
        with pytest.raises(ValidationError, match="a span needs a word"):
            check_ink(text)
    for text in ("a", " 8 ", "%", "€", "😀", "_", "«x»"):
        assert ink_problem(text) is None, text
        check_ink(text)


def test_check_inks_refuses_each_text_check_ink_refuses_and_passes_the_others():
    """Texts with ink at sight (a letter or digit first, or first past white space) pass with
    the others; one without ink is refused wherever it comes."""
    inked = ["a", " 8 ", "\n\tword", "  x,", "%", "«x»", " €"]
    check_inks(inked)
    for blank in ("", " ", " , ", "\t—", " \u200b."):
        with pytest.raises(ValidationError, match="a span needs a word"):
            check_inks([*inked, blank, "b"])


def test_edges_move_by_word_past_punctuation_and_by_character():
    words = word_bounds(TEXT)
    start, end = at("army")

    def move(edge, step, by_word, bounds=None):
        s, e = bounds or (start, end)
        return moved(TEXT, words, s, e, edge, step, by_word)

    assert cut(move("end", 1, True)) == "army said"
    assert cut(move("start", -1, True)) == "the army"
    assert cut(move("start", -1, True, at("the army"))) == "forces, the army"
    assert cut(move("end", 1, True, at("army said"))) == "army said, took"
    assert cut(move("end", -1, True, at("army said, took"))) == "army said"
    assert cut(move("end", 1, False)) == "army "
    assert cut(move("start", 1, False)) == "rmy"
    assert move("end", -1, True) is None  # would empty the span
    assert move("start", 1, True) is None
    assert moved(TEXT, words, 0, 5, "start", -1, False) is None  # off the text
    assert moved(TEXT, words, 0, len(TEXT), "end", 1, True) is None


def test_a_character_step_treats_crlf_as_one_break():
    text = "one\r\ntwo"
    words = word_bounds(text)
    assert moved(text, words, 0, 3, "end", 1, False) == (0, 5)
    assert moved(text, words, 5, 8, "start", -1, False) == (3, 8)


def test_placed_names_the_spans_a_command_creates_or_moves():
    span = Span("d", 0, 4, "PERSON", "amina")
    assert placed(CreateSpan(span)) == [span]
    assert placed(resize(span, 0, 5)) == [resize(span, 0, 5).after]
    assert placed(set_note(span, "x")) == []
    batch = Batch((CreateSpan(span), SetStatus("d", "amina", "in_progress")))
    assert placed(batch) == [span]
