"""The helpers that make data safe to show: one line, cut short, escaped, no mnemonics, no
bidi leaking out."""

from __future__ import annotations

from PySide6.QtGui import QTextDocument

from desktop.plain import (
    EDITABLE,
    LINE,
    MESSAGE,
    clip,
    line,
    markup,
    message,
    mnemonic,
    tooltip,
    words,
)

HUGE = "M" * 1_000_000


def rendered(html: str) -> str:
    """What Qt shows for ``html`` taken as rich text."""
    document = QTextDocument()
    document.setHtml(html)
    return document.toPlainText()


def test_short_plain_text_is_kept_as_is():
    for text in ("amina", "CLAIM", "Wagner leader appeals", "x < y & z", ""):
        assert line(text) == clip(text) == message(text) == text


def test_printable_text_is_given_back_not_copied():
    """Printable text holds no control character, line break or bidi control: it is not
    looked through for them (translated, intersected) character by character."""
    for text in ("amina", "Ségou مرحبا 😀 x < y", "M" * LINE):
        assert line(text) is text and clip(text) is text and words(text) == text


def test_long_text_is_cut_with_an_ellipsis():
    assert line(HUGE) == "M" * (LINE - 1) + "…"
    assert line(HUGE, 10) == "M" * 9 + "…"
    assert clip(HUGE) == message(HUGE) == "M" * (MESSAGE - 1) + "…"
    assert len(clip(HUGE, EDITABLE)) == EDITABLE
    assert line("M" * LINE) == "M" * LINE  # exactly the limit: nothing cut


def test_line_breaks_and_control_characters_become_spaces_on_one_line():
    assert line("a\nb\r\nc\td\x00e\u2028f") == "a b  c d e f"
    assert clip("a\nb") == "a\nb"  # multi-line places keep them


def test_words_collapse_white_space_runs():
    assert words("  more than\n\n80   people ") == "more than 80 people"
    assert words("word " * 1_000_000, 20) == "word word word word…"


def test_bidi_controls_are_isolated_so_they_cannot_turn_what_follows():
    assert line("\u202eevil") == "\u2068\u202eevil\u2069"
    assert clip("a\u2066b") == "\u2068a\u2066b\u2069"
    assert line("\u200fRTL mark") == "\u200fRTL mark"  # a mark embeds nothing: kept as is


def test_mnemonic_doubles_every_ampersand():
    assert mnemonic("&File & Co") == "&&File && Co"
    assert mnemonic("&" * 1_000_000) == "&&" * (LINE - 1) + "…"


def test_markup_and_tooltip_render_as_the_literal_text():
    data = '<img src="file:///dev/zero"> <b>x</b> &amp; &File'
    assert rendered(markup(data)) == data
    assert rendered(tooltip(data + "\nsecond line")) == data + "\nsecond line"
    assert rendered(tooltip(HUGE)) == "M" * (MESSAGE - 1) + "…"
    assert tooltip("") == ""
