"""Strings held as one buffer, a row each: a column of a table, no str object per row."""

from __future__ import annotations

from array import array
from collections.abc import Collection, Iterator

from annotate.lazy_sequence import LazySequence

__all__ = ["TextColumn"]


def _encoded(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # any str, a lone surrogate included


class TextColumn(LazySequence[str]):
    """Strings appended in rows (:meth:`append`), held as their UTF-8 bytes one after another
    with where each row ends: a span id of 36 ASCII characters costs 44 bytes, not the 85 of
    a str and its place in a list (200,000 of them: 8.4 MB, not 17); a row's str is made
    when asked for."""

    __slots__ = ("_bytes", "_ends")

    def __init__(self) -> None:
        self._bytes = bytearray()
        self._ends = array("q")

    def __len__(self) -> int:
        return len(self._ends)

    def append(self, text: str) -> None:
        self._bytes += _encoded(text)
        self._ends.append(len(self._bytes))

    def _item(self, index: int) -> str:
        start = self._ends[index - 1] if index else 0
        return self._bytes[start:self._ends[index]].decode("utf-8", "surrogatepass")

    def __iter__(self) -> Iterator[str]:
        start, data = 0, self._bytes
        for end in self._ends:
            yield data[start:end].decode("utf-8", "surrogatepass")
            start = end

    def rows(self, texts: Collection[str]) -> dict[int, str]:
        """The rows holding one of ``texts``, each with its text."""
        wanted = {_encoded(text): text for text in texts}
        found: dict[int, str] = {}
        if not wanted:
            return found
        start, data = 0, self._bytes
        for row, end in enumerate(self._ends):
            text = wanted.get(bytes(data[start:end]))
            if text is not None:
                found[row] = text
            start = end
        return found
