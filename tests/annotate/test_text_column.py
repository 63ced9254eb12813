"""Strings held as one buffer a row each (:class:`annotate.text_column.TextColumn`), the span
ids of a document's spans held so for its review (issue 17: the window's memory with the
Adjudication tab in front)."""

from __future__ import annotations

import tracemalloc

import pytest

from annotate.model import Span
from annotate.review_columns import SpanColumns
from annotate.text_column import TextColumn

TEXTS = ["T1", "", "fête", "🔥 huge-12", "\ud800 alone", "T1", "T12"]
"""Ids of every kind a file may give: empty, accented, astral, a lone surrogate, repeated."""


def column(texts: list[str]) -> TextColumn:
    made = TextColumn()
    for text in texts:
        made.append(text)
    return made


def test_a_column_gives_back_its_strings() -> None:
    found = column(TEXTS)
    assert len(found) == len(TEXTS)
    assert list(found) == TEXTS == [found[row] for row in range(len(TEXTS))]
    assert found[-1] == "T12" and found[1:3] == ["", "fête"]
    with pytest.raises(IndexError):
        found[len(TEXTS)]


def test_the_rows_holding_texts() -> None:
    found = column(TEXTS)
    assert found.rows({"T1", "", "🔥 huge-12", "absent"}) == {0: "T1", 1: "", 3: "🔥 huge-12",
                                                              5: "T1"}
    assert found.rows(set()) == {}


def test_a_documents_spans_take_few_bytes_each() -> None:
    """100,000 spans with ids of 36 characters, each id a new str as the store's read gives
    it: their columns hold under 100 bytes a span (~78; their ids as str objects in a list:
    ~133)."""
    count, at = 100_000, "2026-01-01T00:00:00Z"
    tracemalloc.start()
    try:
        columns = SpanColumns("doc")
        for k in range(count):
            columns.add(f"{k:036d}", 5 * k, 5 * k + 4, "CLAIM", "amina", {}, None, at, at, ())
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert columns.span(count - 1) == Span("doc", 5 * count - 5, 5 * count - 1, "CLAIM",
                                           "amina", f"{count - 1:036d}", created=at)
    assert held / count < 100, held / count
