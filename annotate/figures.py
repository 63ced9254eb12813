"""Figures: the number a claim asserts, read from words such as "more than 80" or "dozens".

A :class:`Figure` is a range of counts, ``low`` to ``high`` (either may be None: unbounded),
with the ``qualifier`` the words used and the ``unit`` counted. The rules are conservative in
ACLED's sense: ``low`` is the smallest count the words still assert, never a guess above it.

========================  ====================  =========  ======  =========================
words                     qualifier             low        high    note
========================  ====================  =========  ======  =========================
"84", "eighty-four"       exact                 84         84
"about 80", "some 80",    about                 80         80      the interval widens by
"around", "roughly",                                               10% (at least 1) when
"approximately", "~80",                                            ranges are compared
"an estimated", "a dozen"                                          ("a dozen" = about 12)
"at least 25", "80+",     at least              25         None
"80 or more",
"no fewer than", "a
minimum of", "upwards of"
"more than 80", "over",   more than             81         None    counts are whole: one
"above", "in excess of"                                            more than the number
"up to 30", "at most",    at most               None       30
"no more than", "as many
as", "a maximum of"
"fewer than 30", "less    fewer than            None       29
than", "under", "below"
"nearly 20", "almost",    nearly                None       19      below the number, by
"just under"                                                       an unknown amount
"between 20 and 30",      between               20         30      bounds in either order
"20-30", "20 to 30",
"from 20 to 30", "20 or
30"
"dozens", "dozens of"     dozens                24         None    a plural is at least two
"hundreds", "thousands"   hundreds, thousands   200, 2000  None    of the unit: ACLED codes
"scores", "tens"          scores, tens          40, 20     None    12 and 100 when it must
                                                                   pick one count; we keep
                                                                   the range open instead
"several dozen",          several dozen,        36, 300    None    several = at least 3;
"several hundred"         several hundred                          a few = at least 2
"a few dozen"             a few dozen           24         None
"several", "a few",       several, a few,       3, 2, 2    None
"a couple", "many"        a couple (exact 2),
                          many
"no one", "none", "zero"  exact                 0          0
========================  ====================  =========  ======  =========================

Number words ("eighty-four", "one hundred and twenty", "fifteen hundred") are read with the
text2num package; digits may carry thousands separators ("1,200") and a scale word
("1.5 million", "3 thousand"). ``unit`` is the counted noun within three words after the number
(past "of"), persons folded to "people" ("soldiers", "mercenaries", "dead" ...); "" when none.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from text_to_num import text2num

QUALIFIERS = ("exact", "about", "at least", "more than", "at most", "fewer than", "nearly",
              "between", "dozens", "scores", "tens", "hundreds", "thousands", "several dozen",
              "several hundred", "a few dozen", "a few hundred", "several", "a few", "many")
"""Every qualifier a parsed figure may carry."""

ABOUT_TOLERANCE = 0.1
"""How far an "about" figure reaches either side when ranges are compared (at least 1)."""


@dataclass(frozen=True, slots=True)
class Figure:
    """A count range ``[low, high]`` (None: unbounded), how it was qualified and what it counts."""

    low: int | None
    high: int | None
    qualifier: str
    unit: str = ""

    def interval(self) -> tuple[int, int | None]:
        """The counts the figure admits, ``(lo, hi)`` with ``hi`` None for no upper bound: its
        range, widened by :data:`ABOUT_TOLERANCE` when the qualifier is "about"."""
        low = 0 if self.low is None else self.low
        if self.qualifier != "about" or self.high is None:
            return low, self.high
        reach = max(1, math.ceil(self.high * ABOUT_TOLERANCE))
        return max(0, low - reach), self.high + reach

    def conflicts(self, other: Figure) -> bool:
        """True when the two figures cannot both be true: their intervals do not meet."""
        lo, hi = self.interval()
        other_lo, other_hi = other.interval()
        return (hi is not None and hi < other_lo) or (other_hi is not None and other_hi < lo)

    def describe(self) -> str:
        """A short reading such as "84", "≥25", "81+", "≤19", "20–30", "~80"."""
        if self.low is not None and self.low == self.high:
            return f"~{self.low}" if self.qualifier == "about" else str(self.low)
        if self.low is None and self.high is None:
            return "?"
        if self.low is None:
            return f"≤{self.high}"
        if self.high is None:
            return f"≥{self.low}"
        return f"{self.low}–{self.high}"

    def to_dict(self) -> dict[str, int | str | None]:
        """The figure as JSON: ``{"low", "high", "qualifier", "unit"}``."""
        return {"low": self.low, "high": self.high, "qualifier": self.qualifier,
                "unit": self.unit}


_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALES = {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 1_000_000}
_WORD = "(?:" + "|".join((*_TENS, *_UNITS, "zero", *_SCALES)) + ")"
_WORDS = rf"{_WORD}(?:(?:[\s-]+|\s+and\s+){_WORD})*"
_DIGITS = r"(?<![\w.,\[])(?<![^\W\d]-)(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w\]]|[.,]\d)"
_SCALE = r"(?:\s+(?:dozen|hundred|thousand|million)\b)?"
_DIGIT_NUM = rf"(?:(?:{_DIGITS}){_SCALE})"
_NUM = (rf"(?:{_DIGIT_NUM}|\b{_WORDS}(?:\s+dozen)?\b|\b(?:a|one)\s+dozen\b"
        rf"|\ba\s+(?:hundred|thousand)\b)")

_AT_LEAST = (r"at\s+least|no\s+fewer\s+than|no\s+less\s+than|not\s+less\s+than|"
             r"a\s+minimum\s+of|upwards?\s+of")
_MORE = r"more\s+than|over|above|in\s+excess\s+of"
_AT_MOST = r"up\s+to|at\s+most|no\s+more\s+than|not\s+more\s+than|as\s+many\s+as|a\s+maximum\s+of"
_FEWER = r"fewer\s+than|less\s+than|under|below"
_NEARLY = r"nearly|almost|just\s+under"
_ABOUT = (r"about|around|approximately|roughly|some|circa|an\s+estimated|estimated|close\s+to|"
          r"~")
_VAGUE = {"dozens": 24, "scores": 40, "tens": 20, "hundreds": 200, "thousands": 2000}
_SCALED_VAGUE = {("several", "dozen"): 36, ("several", "hundred"): 300,
                 ("a few", "dozen"): 24, ("a few", "hundred"): 200}


_FIGURE = rf"""
    (?:between|from)\s+(?P<b_lo>{_NUM})\s+(?:and|to)\s+(?P<b_hi>{_NUM})
  | (?P<r_lo>{_DIGIT_NUM})\s*(?:-|–|to\b|or\b)\s*(?P<r_hi>{_DIGIT_NUM})(?!\s*(?:\+|or\s+more))
  | (?P<w_lo>{_NUM})\s+(?:to|or)\s+(?P<w_hi>{_NUM})(?!\s*(?:\+|or\s+more))
  | (?:(?P<at_least>{_AT_LEAST})|(?P<more_than>{_MORE})|(?P<at_most>{_AT_MOST})
     |(?P<fewer_than>{_FEWER})|(?P<nearly>{_NEARLY})|(?P<about>{_ABOUT}))\s*(?P<cued>{_NUM})
  | (?P<plus>{_NUM})\s*(?:\+|or\s+more|and\s+more)
  | (?P<few>several|a\s+few)\s+(?P<few_scale>dozen|hundred)s?\b
  | (?P<vague>{"|".join(_VAGUE)})\b
  | \b(?P<dozen>(?:about\s+|around\s+|some\s+)?(?:a|one)\s+dozen)\b
  | \b(?P<group>several|a\s+few|a\s+couple(?:\s+of)?|many)\b
  | \b(?P<zero>no\s+one|none|nobody)\b
  | (?P<plain>{_NUM})
    """


_CUES = (*_UNITS, *_TENS, "zero", *_SCALES, *_VAGUE, "several", "few", "couple", "many",
         "nobody")
"""Every figure the pattern reads holds a digit or one of these words, whatever their case
("none", "no one" and "tens" hold "one" and "ten"; the group and zero words are the
pattern's own)."""
_ASCII_DIGIT = re.compile(r"[0-9]")


def may_hold_figure(text: str) -> bool:
    """False when ``text`` surely holds no figure: of ASCII alone, with no digit and none of
    the :data:`_CUES` in it, case aside (known in ~3 µs; the pattern, tried at each
    character, takes ~4 µs a character). Any other text may."""
    if not text.isascii():
        return True  # (a case-blind match may meet other letters: "İ" is an "i")
    if _ASCII_DIGIT.search(text) is not None:
        return True
    lowered = text.lower()
    return any(cue in lowered for cue in _CUES)


@cache
def _pattern() -> re.Pattern[str]:
    """The figure pattern, compiled on first use (~6 ms: not at the window's start, which
    imports this module with the ledger's records and finds no figure before it is shown)."""
    return re.compile(_FIGURE, re.IGNORECASE | re.VERBOSE)


def prepare() -> None:
    """Compile the figure pattern now, if not yet: the window calls this in a worker once it
    is shown, so the first claim shown (a key press) does not compile it."""
    _pattern()


_PERSONS = {"people", "persons", "person", "civilians", "civilian", "soldiers", "soldier",
            "fighters", "fighter", "troops", "mercenaries", "mercenary", "militants",
            "combatants", "rebels", "men", "women", "children", "hostages", "captives",
            "prisoners", "dead", "deaths", "bodies", "fatalities", "casualties", "killed",
            "wounded", "injured", "displaced", "personnel", "members", "workers", "migrants",
            "insurgents", "jihadists", "officers", "victims", "survivors", "recruits", "troopers"}
_THINGS = {"vehicles", "vehicle", "trucks", "tanks", "helicopters", "aircraft", "drones",
           "villages", "weapons", "rockets", "shells", "km", "kilometres", "kilometers",
           "miles", "percent", "%", "days", "hours", "attacks", "strikes"}
_TRAILING = re.compile(r"\s*(?:of\s+)?((?:[\w%'’-]+\s*){1,3})", re.IGNORECASE)


_DIGITS_SCALED = re.compile(
    r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)((?:\s+(?:dozen|hundred|thousand|million))?)")


def number(words: str) -> int:
    """The count ``words`` name: digits ("1,200", "1.5 million") or English number words
    ("eighty-four", "a hundred"). ValueError when they name none or not a whole count."""
    if words.isdigit():
        return int(words)
    text = " ".join(words.lower().replace("-", " ").split())
    match = _DIGITS_SCALED.fullmatch(text)
    if match:
        value = float(match.group(1).replace(",", "")) * _SCALES.get(match.group(2).strip(), 1)
        if value != int(value):
            raise ValueError(f"{words!r} is not a whole count")
        return int(value)
    if text.startswith("a "):
        text = "one " + text[2:]
    if text == "dozen" or text.endswith(" dozen"):
        return 12 * (number(text.removesuffix("dozen")) if text != "dozen" else 1)
    if text == "zero":
        return 0
    return int(text2num(text, "en"))


_WORD_RUN = re.compile(r"\S+")


def _unit(text: str, end: int) -> tuple[str, int]:
    """The counted noun within three words after ``end`` in ``text`` (see the module's
    notes) and where its word ends; ("", ``end``) when there is none."""
    match = _TRAILING.match(text, end)
    if not match:
        return "", end
    for run in _WORD_RUN.finditer(text, match.start(1), match.end(1)):
        word = run.group().lower().strip("'’-")
        if word in _PERSONS:
            return "people", run.end()
        if word in _THINGS:
            return "percent" if word == "%" else word, run.end()
    return "", end


_Reading = tuple[int | None, int | None, str]
"""A figure's (low, high, qualifier)."""


def _cued(match: re.Match[str], value: int) -> _Reading:
    """The reading a cue ("at least", "over", "nearly" ...) makes of ``value``."""
    if match.group("at_least"):
        return (value, None, "at least")
    if match.group("more_than"):
        return (value + 1, None, "more than")
    if match.group("at_most"):
        return (None, value, "at most")
    if match.group("fewer_than"):
        return (None, max(value - 1, 0), "fewer than")
    if match.group("nearly"):
        return (None, max(value - 1, 0), "nearly")
    return (value, value, "about")


def _figure(match: re.Match[str]) -> _Reading:
    """What one match of the pattern reads as (ValueError: words that name no count)."""
    group = match.group
    for first, second in (("b_lo", "b_hi"), ("r_lo", "r_hi"), ("w_lo", "w_hi")):
        if group(first):
            lo, hi = number(group(first)), number(group(second))
            return (min(lo, hi), max(lo, hi), "between")
    if group("cued"):
        return _cued(match, number(group("cued")))
    if group("plus"):
        return (number(group("plus")), None, "at least")
    if group("few"):
        few = " ".join(group("few").lower().split())
        low = _SCALED_VAGUE[few, group("few_scale").lower()]
        return (low, None, f"{few} {group('few_scale').lower()}")
    if group("vague"):
        word = group("vague").lower()
        return (_VAGUE[word], None, word)
    if group("dozen"):
        return (12, 12, "about")
    if group("group"):
        word = " ".join(group("group").lower().split())
        if word.startswith("a couple"):
            return (2, 2, "exact")
        return (3 if word == "several" else 2, None, word)
    if group("zero"):
        return (0, 0, "exact")
    value = number(group("plain"))
    return (value, value, "exact")


_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_MONTH_AFTER = re.compile(rf"\s+(?:{_MONTHS})\b", re.IGNORECASE)
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\s+$", re.IGNORECASE)
_YEAR_CUE_BEFORE = re.compile(r"\b(?:in|since|until|of|by)\s+$", re.IGNORECASE)


def _is_date(text: str, match: re.Match[str]) -> bool:
    """True when a bare number is a day or year: "2 August", "July 2024", "in 2021"."""
    start, end = match.span()
    year = re.fullmatch(r"1[89]\d\d|2[01]\d\d", match.group("plain")) is not None
    return (_MONTH_AFTER.match(text, end) is not None
            or _MONTH_BEFORE.search(text, 0, start) is not None
            or (year and _YEAR_CUE_BEFORE.search(text, 0, start) is not None))


def find_figures(text: str, with_unit: bool = False) -> Iterator[tuple[int, int, Figure]]:
    """Every figure in ``text`` with its ``[start, end)`` there, in order (``with_unit``: the
    range runs on to the end of the counted noun, when one was read); bare numbers that are
    days or years ("2 August", "in 2021") are not figures."""
    if not may_hold_figure(text):
        return
    for match in _pattern().finditer(text):
        if match.group("plain") and _is_date(text, match):
            continue
        try:
            low, high, qualifier = _figure(match)
        except ValueError:
            continue
        unit, unit_end = _unit(text, match.end())
        yield (match.start(), unit_end if with_unit else match.end(),
               Figure(low, high, qualifier, unit))


@lru_cache(maxsize=1 << 16)
def parse_figure(text: str) -> Figure | None:
    """The first figure in ``text`` (a claim's span or its figure text), or None. Cached (a
    figure is a value): the ledger reads the same claims again each time it is rebuilt."""
    for _start, _end, figure in find_figures(text):
        return figure
    return None
