""""Tag the other occurrences": where else a span's words appear, folded and as whole words.

Text is compared folded: case folded, accents dropped (NFKD without combining marks), and every
run of punctuation and white space read as one space, so "Kidal", "KIDAL" and "Kidàl" match,
and so do "Armed Forces" and "armed-forces". A match must start and end on a word boundary;
offsets found are the original text's code points.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from annotate.model import Span
from annotate.suggestions import Suggestion

SOURCE = "other occurrences"
"""The source suggestions made here name by default."""
EXACT = 1.0
"""The score of an occurrence written exactly as the span's text."""
FOLDED = 0.8
"""The score of an occurrence that matches only once folded."""


@dataclass(frozen=True, slots=True)
class Folded:
    """A text folded, with the original code point each folded character came from."""

    text: str
    origin: tuple[int, ...]

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The original range of folded ``[start, end)`` (``end`` > ``start``)."""
        return self.origin[start], self.origin[end - 1] + 1


def _fold_char(char: str) -> str:
    if unicodedata.category(char)[0] in "PZ" or char.isspace():
        return " "
    decomposed = unicodedata.normalize("NFKD", char)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return kept.casefold()


def fold(text: str) -> Folded:
    """``text`` folded (see the module), every folded character tied to its origin."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for piece in _fold_char(char):
            if piece == " " and (not chars or chars[-1] == " "):
                continue
            chars.append(piece)
            origin.append(index)
    return Folded("".join(chars), tuple(origin))


def phrases(needles: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern finding any of ``needles`` in a folded text, as whole words: where several
    start at one place, the longest. None when every needle folds to nothing."""
    folded = {f for needle in needles if (f := fold(needle).text.strip())}
    if not folded:
        return None
    alternatives = "|".join(map(re.escape, sorted(folded, key=lambda f: (-len(f), f))))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def find(needle: str, haystack: Folded) -> Iterator[tuple[int, int]]:
    """The original ranges where ``needle`` occurs in ``haystack`` once both are folded, as
    whole words (nothing when ``needle`` folds to nothing)."""
    pattern = phrases([needle])
    if pattern is None:
        return
    for match in pattern.finditer(haystack.text):
        yield haystack.original(match.start(), match.end())


@dataclass(frozen=True, slots=True)
class OtherOccurrences:
    """A suggester (like the pattern and model ones) of the other occurrences of ``spans``,
    whose documents' texts ``texts`` gives."""

    spans: Sequence[Span]
    texts: dict[str, str]
    source: str = SOURCE

    def suggest(self, documents: Iterable[tuple[str, str]]) -> Iterator[Suggestion]:
        return other_occurrences(self.spans, self.texts, documents, self.source)


def other_occurrences(spans: Iterable[Span], source_texts: dict[str, str],
                      documents: Iterable[tuple[str, str]], source: str = SOURCE
                      ) -> Iterator[Suggestion]:
    """Suggestions of each span's label wherever its text occurs in ``documents`` (uid, text),
    besides where a span of that label is already: scored :data:`EXACT` when written the same,
    else :data:`FOLDED`. ``source_texts`` gives the text of each span's document."""
    wanted: dict[str, set[str]] = {}
    held: set[tuple[str, int, int, str]] = set()
    for span in spans:
        if span.fragments:
            continue  # a discontinuous span's words are not one phrase
        text = source_texts[span.document][span.start:span.end]
        wanted.setdefault(text, set()).add(span.label)
        held.add((span.document, span.start, span.end, span.label))
    if not wanted:
        return
    for uid, text in documents:
        folded = fold(text)
        best: dict[tuple[int, int, str], float] = {}
        for needle, labels in wanted.items():
            for start, end in find(needle, folded):
                score = EXACT if text[start:end] == needle else FOLDED
                for label in labels:
                    if (uid, start, end, label) not in held:
                        key = (start, end, label)
                        best[key] = max(score, best.get(key, 0.0))
        for (start, end, label), score in sorted(best.items()):
            yield Suggestion(uid, start, end, label, source, score)
