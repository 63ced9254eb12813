"""Conversion between canonical code-point offsets and Qt text positions.

Canonical offsets are Python code-point indices into the document text exactly as stored,
end-exclusive.  The stored text is never altered; only the string handed to the text widget is.

Measured with PySide6 6.11 (``QPlainTextEdit.setPlainText``, offscreen), which fixes the model:

- Qt counts UTF-16 code units: an astral character (emoji, U+1D518 ...) takes two positions, and
  a cursor may be placed between its two halves.
- "\\r\\n" becomes ONE block separator; a lone "\\r", "\\n", U+2029 and the noncharacters U+FDD0 /
  U+FDD1 (Qt's frame markers) each become one block separator.  Every separator is one position,
  and ``toPlainText()`` gives it back as "\\n" (``selectedText()`` as U+2029).
- U+2028 stays inside its block as one position, drawn as a line break; VT, FF and NEL stay as one
  position and are not drawn as breaks; tabs, NUL, U+FEFF, U+FFFC and combining marks are kept.
- Lone surrogates are dropped on the way into Qt, and so is a U+FEFF at the very start of the
  text (taken for a byte-order mark); a leading U+FFFE even makes Qt read the rest byte-swapped.

Every other BMP character is kept as one position.  So ``display_text`` produces the one string
whose positions are predictable: each line break (CRLF counted as one; CR, LF, VT, FF, NEL,
U+2028, U+2029 — Unicode's mandatory breaks) becomes "\\n"; U+FDD0, U+FDD1 and lone surrogates
become U+FFFD, so they neither split a paragraph nor vanish; a leading U+FEFF becomes the equally
invisible U+2060 WORD JOINER and a leading U+FFFE becomes U+FFFD.  Each replacement is one code
point for one, except CRLF, which is two for one.  Qt positions are then the UTF-16 offsets of
the display text, and the only stored code points whose Qt width is not one are astral
characters (two) and CRLF pairs (two code points, one position).  ``OffsetMap`` records just
those, found by C-speed scans, so it builds in a few milliseconds per megabyte.

An offset between the CR and LF of a CRLF has no Qt position of its own: ``to_qt`` maps it to
the position before the break, and ``range_to_qt`` widens a range to cover the whole break.  A Qt
position between the two halves of a surrogate pair has no code-point offset: ``from_qt`` maps
it to the start of that character, and ``range_from_qt`` widens a range to the whole character.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from annotate.tokenize import TOKEN

_BREAKS = "\x0b\x0c\x85\u2028\u2029"  # with CR and LF, Unicode's mandatory line breaks
_FRAME_MARKS = "\ufdd0\ufdd1"
_SURROGATE = re.compile("[\ud800-\udfff]")
_LEADING_MARKS = {"\ufeff": "\u2060", "\ufffe": "\ufffd"}  # Qt takes them for byte-order marks
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_LAST_SPACE = re.compile(r"\s(?=\S*\Z)")
_LAST_INK = re.compile(r"\S(?=\s*\Z)")


def display_text(text: str) -> str:
    """The string to give ``setPlainText``: every line break as one "\\n", nothing Qt alters.

    Each kind of character to replace is looked for first (a C-speed scan), so a text with none
    comes back as it is, in a few milliseconds per megabyte.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for mark in _BREAKS:
        if mark in text:
            text = text.replace(mark, "\n")
    if text[:1] in _LEADING_MARKS:
        text = _LEADING_MARKS[text[0]] + text[1:]
    for mark in _FRAME_MARKS:
        if mark in text:
            text = text.replace(mark, "\ufffd")
    if _has_surrogates(text):
        text = _SURROGATE.sub("\ufffd", text)
    return text


_SCANNED_AT_ONCE = 1 << 18
"""Code points :func:`_has_surrogates` encodes at a time (1 MB of UTF-32)."""


def _has_surrogates(text: str) -> bool:
    """Whether ``text`` holds a surrogate code point; UTF-32 (the quickest codec here) cannot
    encode one. A piece at a time: a 5 MB text with an emoji in it, encoded whole, took 20 MB
    more at its opening (in pieces: 3.3 ms instead of 2.2)."""
    try:
        for at in range(0, len(text), _SCANNED_AT_ONCE):
            text[at:at + _SCANNED_AT_ONCE].encode("utf-32-le")
    except UnicodeEncodeError:
        return True
    return False


def _crlf_starts(text: str) -> list[int]:
    """Index of the CR of every CRLF, ascending."""
    starts: list[int] = []
    found = text.find("\r\n") if "\r" in text else -1
    while found >= 0:
        starts.append(found)
        found = text.find("\r\n", found + 2)
    return starts


class OffsetMap:
    """Maps code-point offsets of one stored text to Qt positions in its ``display_text``.

    Built in one pass of C-speed scans plus work proportional to the number of astral
    characters and CRLFs; every look-up is a pair of binary searches.
    """

    def __init__(self, text: str) -> None:
        self._length = len(text)
        self._astral = (
            [] if text.isascii() else [match.start() for match in _ASTRAL.finditer(text)]
        )
        self._crlf = _crlf_starts(text)
        astral, crlf = self._astral, self._crlf
        # Qt position of each astral character and of each CRLF separator.
        self._astral_qt = [a + k - bisect_left(crlf, a) for k, a in enumerate(astral)]
        self._crlf_qt = [c + bisect_left(astral, c) - k for k, c in enumerate(crlf)]
        self._qt_length = self._length + len(astral) - len(crlf)
        self._same = not astral and not crlf
        """Whether each code point is one Qt position (no astral character, no CRLF: most
        texts), its offsets the same as the Qt positions."""

    @property
    def qt_length(self) -> int:
        """Number of Qt positions of the text (the document's ``characterCount() - 1``)."""
        return self._qt_length

    def to_qt(self, offset: int) -> int:
        """Qt position of a code-point offset; an offset inside a CRLF maps to before the break."""
        if not 0 <= offset <= self._length:
            raise ValueError(f"offset {offset} outside 0..{self._length}")
        if self._same:
            return offset
        return offset + bisect_left(self._astral, offset) - bisect_left(self._crlf, offset)

    def from_qt(self, position: int) -> int:
        """Code-point offset of a Qt position; one inside a surrogate pair maps to its start."""
        if not 0 <= position <= self._qt_length:
            raise ValueError(f"Qt position {position} outside 0..{self._qt_length}")
        if self._same:
            return position
        return (
            position - bisect_left(self._astral_qt, position) + bisect_left(self._crlf_qt, position)
        )

    def range_to_qt(self, start: int, end: int) -> tuple[int, int]:
        """Qt range of ``[start, end)``, widened to a whole CRLF when an end falls inside one."""
        if start > end:
            raise ValueError(f"range start {start} after end {end}")
        if self._same:
            if start < 0 or end > self._length:
                raise ValueError(f"range {start}..{end} outside 0..{self._length}")
            return start, end
        qt_start = self.to_qt(start)
        if start == end:
            return qt_start, qt_start
        qt_end = self.to_qt(end)
        if self._inside_crlf(end):
            qt_end += 1
        return qt_start, qt_end

    def range_from_qt(self, a: int, b: int) -> tuple[int, int]:
        """Code-point range of the Qt selection between ``a`` and ``b`` (either order).

        A selection end inside a surrogate pair widens to the whole character.  Positions past
        either end of the document are clamped to it (a block's range may reach one past the end).
        Of a text whose offsets are its Qt positions, the clamped positions themselves (the
        text view asks this at each paint and each span change: no generator, no look-ups).
        """
        if a > b:
            a, b = b, a
        length = self._qt_length
        a, b = min(max(a, 0), length), min(max(b, 0), length)
        if self._same:
            return a, b
        start, end = self.from_qt(a), self.from_qt(b)
        if self.to_qt(end) != b:
            end += 1
        return start, end

    def _inside_crlf(self, offset: int) -> bool:
        k = bisect_left(self._crlf, offset - 1)
        return k < len(self._crlf) and self._crlf[k] == offset - 1


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole tokens of ``annotate.tokenize``, dropping outer whitespace.

    Every token sharing a character with the range is included whole.  An empty range strictly
    inside a token becomes that token.  A range that touches no token (only whitespace, or an
    empty range between tokens) comes back empty, at ``start``.  Only the words at the two ends
    are tokenized, so the cost does not grow with the length of the range.
    """
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"range {start}..{end} outside 0..{len(text)}")
    first = _token_ending_after(text, start, 0)
    if first is None or first[0] >= end:
        return start, start
    last = _token_ending_after(text, _last_index(_LAST_INK, text, first[0], end), first[0])
    assert last is not None  # every non-space character belongs to a token
    return first[0], last[1]


def _token_ending_after(text: str, index: int, floor: int) -> tuple[int, int] | None:
    """The first token that ends after ``index``; ``floor`` is a token start or 0.

    Tokenizing starts after the last whitespace before ``index`` (or at ``floor``): tokens never
    contain whitespace, so from there the tokens are those of the whole text.
    """
    run_start = _last_index(_LAST_SPACE, text, floor, index) + 1
    for match in TOKEN.finditer(text, run_start):
        if match.end() > index:
            return match.span()
    return None


def _last_index(pattern: re.Pattern[str], text: str, low: int, high: int) -> int:
    """Index of the last character in ``text[low:high]`` that ``pattern`` matches, else low - 1.

    Looks back through windows of growing width, so the cost is that of the distance found.
    """
    width = 64
    while True:
        begin = max(low, high - width)
        found = pattern.search(text, begin, high)
        if found:
            return found.start()
        if begin == low:
            return low - 1
        width *= 4
