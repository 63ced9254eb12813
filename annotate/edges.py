"""Where a span's edges may go: a selection snapped to whole words without the punctuation
around them, an edge moved by a word or a character, and the rule that a span holds more than
punctuation and spaces.

Offsets are code points, end-exclusive, like everywhere else.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from typing import Literal

from annotate.commands import Batch, Command, CreateSpan, UpdateSpan
from annotate.errors import ValidationError
from annotate.model import Span
from annotate.offsets import snap_to_words
from annotate.strings import shown

Edge = Literal["start", "end"]
WORD = re.compile(r"\w+(?:[-'’]\w+)*")
"""A word: the tokenizer's word tokens (its other tokens are single signs)."""


SIGNS = frozenset("%‰‱#&@*§¶†‡′″‴")
"""Characters Unicode files under punctuation that carry meaning of their own ("80%", "#3"):
kept like letters and symbols."""


def is_blank(char: str) -> bool:
    """Punctuation (Unicode category P*, but not :data:`SIGNS`), white space, or an invisible
    control or format character: what a span may not consist of alone, and what snapping
    leaves out at its ends."""
    category = unicodedata.category(char)
    return char.isspace() or category in ("Cc", "Cf") or (
        category[0] == "P" and char not in SIGNS and WORD.match(char) is None)


def ink_problem(text: str) -> str | None:
    """Why ``text`` cannot be the text of a span (it is only punctuation and spaces), or None
    when it can: it holds a letter, a digit or a symbol."""
    for char in text:
        if char.isalnum() or not is_blank(char):  # a letter or digit is never blank
            return None
    what = "empty" if not text else f"only punctuation or spaces ({shown(text)})"
    return f"a span needs a word, a number or a symbol; this one is {what}"


def check_ink(text: str) -> None:
    """Raise ValidationError when ``text`` cannot be a span's text (:func:`ink_problem`)."""
    problem = ink_problem(text)
    if problem is not None:
        raise ValidationError(problem)


def check_inks(texts: Iterable[str]) -> None:
    """:func:`check_ink` of each of ``texts`` in turn (one whose first character past its
    leading white space is a letter or a digit holds one: passed at sight, as
    :func:`ink_problem` would pass it)."""
    for text in texts:
        if not text[:1].isalnum() and not text.lstrip()[:1].isalnum():
            check_ink(text)


def placed(command: Command) -> list[Span]:
    """The spans ``command`` puts at bounds of someone's choosing: those it creates and those
    it moves (in a batch too). An undo or redo is not asked: it puts back what was there."""
    if isinstance(command, Batch):
        return [span for part in command.commands for span in placed(part)]
    if isinstance(command, CreateSpan):
        return [command.span]
    if isinstance(command, UpdateSpan) and (command.before.start, command.before.end) != (
            command.after.start, command.after.end):
        return [command.after]
    return []


def snap(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened to whole words (:func:`annotate.offsets.snap_to_words`), then
    narrowed past the punctuation and spaces at both ends ("forces," gives "forces"). Empty
    (at the first character kept) when the words hold nothing else."""
    start, end = snap_to_words(text, start, end)
    while start < end and is_blank(text[start]):
        start += 1
    while end > start and is_blank(text[end - 1]):
        end -= 1
    return start, end


def word_bounds(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every word of ``text`` in order (signs and punctuation are not
    words), what :func:`moved` steps over."""
    return [match.span() for match in WORD.finditer(text)]


def moved(text: str, words: Sequence[tuple[int, int]], start: int, end: int, edge: Edge,
          step: Literal[-1, 1], by_word: bool) -> tuple[int, int] | None:
    """The span ``[start, end)`` of ``text`` with its ``edge`` moved one word (``by_word``,
    over ``words`` from :func:`word_bounds`) or one character left (``step`` -1) or right
    (1); None when that edge cannot go there (it would leave the text or empty the span).

    By word, the end goes to the end of the next (or previous) word and the start to the
    start of one, so punctuation next to a word is left out. A line break written as CRLF is
    stepped over as one character."""
    at = end if edge == "end" else start
    if by_word:
        ends = [b for _, b in words] if edge == "end" else [a for a, _ in words]
        if step > 0:
            k = bisect_right(ends, at)
            new = ends[k] if k < len(ends) else None
        else:
            k = bisect_left(ends, at) - 1
            new = ends[k] if k >= 0 else None
    else:
        new = at + step
        if 0 < new < len(text) and text[new - 1:new + 1] == "\r\n":
            new += step
    if new is None:
        return None
    bounds = (start, new) if edge == "end" else (new, end)
    return bounds if 0 <= bounds[0] < bounds[1] <= len(text) else None
