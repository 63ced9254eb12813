"""The default tokenizer of FORMATS.md, used by CoNLL export and token-level agreement."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")


class Token(NamedTuple):
    text: str
    start: int  # code points, end-exclusive
    end: int


def tokenize(text: str) -> Iterator[Token]:
    for match in TOKEN.finditer(text):
        yield Token(match.group(), match.start(), match.end())


def token_bounds(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every token, for callers that need only offsets."""
    return [match.span() for match in TOKEN.finditer(text)]
