"""CoNLL (write only): ``-DOCSTART-`` per document and annotator, then one token per line with
one BIO column per category, tab-separated: ``token  entity  claim  denial``.

Tokens are those of :mod:`annotate.tokenize`. A span tags every token it shares a
character with (so a span ending inside a token is widened to it, counted). Sentences end at
line breaks and after ``. ! ? …`` followed by white space, never inside a tagged span; a
blank line follows each. Each annotator's layer of a document is its own ``-DOCSTART-``
block, so the columns never mix two people's work.

Within one column, spans sharing a token cannot both be encoded: the longest (in tokens, then
characters; the earlier on a tie) is kept and every other is counted as dropped. Spans of
category "other", spans covering no token, spans whose label holds white space (it would
split the row; only a store of an older version holds one), attributes, notes, relations,
statuses and metadata are counted as not carried.

A large export builds its blocks in worker processes (:mod:`annotate.formats.workers`), a chunk
of documents each, and writes them in order: the file is the one a single process writes.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from functools import partial
from itertools import accumulate
from pathlib import Path

from annotate.formats import FORMATS
from annotate.formats.base import (
    ExportReport,
    SpanRow,
    layers,
    span_rows,
    writable,
)
from annotate.formats.targets import atomic_write
from annotate.formats.workers import in_order
from annotate.model import AnnotatedDocument
from annotate.schema import LabelSchema
from annotate.tokenize import TOKEN

COLUMNS = ("entity", "claim", "denial")
DOCSTART = "-DOCSTART-" + "\tO" * len(COLUMNS)
_PLAIN = "\tO" * len(COLUMNS) + "\n"  # the end of an untagged token's row
_SPLIT = re.compile(f"({TOKEN.pattern})")
SENTENCE_END = frozenset(".!?…")  # a sentence ends after one of these followed by white space
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")  # or at a line break
LOST_OVERLAP = "overlapping spans dropped in CoNLL"
LOST_OTHER = "spans of category other not carried by CoNLL"
LOST_NO_TOKEN = "spans covering no token not carried by CoNLL"
WIDENED = "spans widened to token boundaries in CoNLL"
LOST_SPACED_LABELS = "spans whose label holds white space not carried by CoNLL"
_TAG = re.compile(r"\S+")  # a label CoNLL can hold in a column


def write(records: Iterable[AnnotatedDocument], out: Path, schema: LabelSchema) -> ExportReport:
    """Write the file, its blocks built a chunk of documents at a time (by worker processes
    for a large export: :mod:`annotate.formats.workers`) and written in order."""
    report = ExportReport("conll")
    column_of = {label.name: COLUMNS.index(label.category) for label in schema.labels
                 if label.category in COLUMNS}
    spaced = frozenset(name for name in column_of if not _TAG.fullmatch(name))
    for name in spaced:
        del column_of[name]
    items = (_item(record, report, spaced) for record in records)
    built = in_order(partial(_blocks, column_of=column_of), items)
    with atomic_write(out, "conll") as handle, closing(built):
        for text, counted in built:
            handle.write(text)
            report.absorb(counted)
    return report


def _item(record: AnnotatedDocument, report: ExportReport, spaced: frozenset[str]
          ) -> tuple[str, list[list[SpanRow]]]:
    """Check and count ``record`` (what CoNLL has no place for: relations, and the spans of
    ``spaced`` labels, are all counted here); its text and each annotator's spans."""
    record = writable(record, report)
    report.documents += 1
    report.drop(record, FORMATS["conll"].drops)
    rows = [span_rows(layer) for layer in layers(record, None)]
    if spaced:
        kept = [[row for row in layer if row[2] not in spaced] for layer in rows]
        report.lose(LOST_SPACED_LABELS, sum(map(len, rows)) - sum(map(len, kept)))
        rows = kept
    return record.document.text, rows


def _blocks(chunk: tuple[tuple[str, list[list[SpanRow]]], ...], column_of: dict[str, int]
            ) -> tuple[str, ExportReport]:
    """The ``-DOCSTART-`` blocks of the chunk's documents, one per annotator, and the spans
    written and lost in them."""
    counted = ExportReport("conll")
    parts = []
    for text, layer_spans in chunk:
        tokens = _tokens(text)
        parts += (DOCSTART + "\n\n" + _block(tokens, spans, column_of, counted)
                  for spans in layer_spans)
    return "".join(parts), counted


@dataclass(frozen=True, slots=True)
class _Tokens:
    """One document's tokens: texts, offsets, and the end of each untagged token's row (the
    columns, a line break, and a second one where a sentence may end after it)."""

    words: list[str]
    starts: list[int]
    ends: list[int]
    sentence_ends: frozenset[int]
    plain: list[str]


def _tokens(text: str) -> _Tokens:
    """One regex split; offsets by running sums of the pieces' lengths. A sentence may end
    after a token (never the last) followed by white space, if that token is one of
    ``SENTENCE_END`` or the white space holds a line break."""
    pieces = _SPLIT.split(text)  # gap, token, gap, token, ..., gap
    bounds = list(accumulate(map(len, pieces)))
    words, gaps = pieces[1::2], pieces[2:-1:2]  # gaps: after each token but the last
    ends = frozenset(i for i, (word, gap) in enumerate(zip(words, gaps, strict=False))
                     if gap and (word in SENTENCE_END
                                 or (gap != " " and not LINE_BREAKS.isdisjoint(gap))))
    plain = [_PLAIN] * len(words)
    for i in ends:
        plain[i] = _PLAIN + "\n"
    return _Tokens(words, bounds[0:-1:2], bounds[1::2], ends, plain)


def _block(tokens: _Tokens, spans: list[SpanRow], column_of: dict[str, int],
           report: ExportReport) -> str:
    """One annotator's rows of a document: a token per line, then its tags. Untagged rows
    are shared strings; only the rows of tagged tokens are built."""
    n = len(tokens.words)
    tags = [["O"] * n for _ in COLUMNS]
    tagged: set[int] = set()
    for column, first, last, start, end, label, _ in _placed(tokens, spans, column_of, report):
        row = tags[column]
        if row[first:last + 1].count("O") != last + 1 - first:
            report.lose(LOST_OVERLAP)
            continue
        row[first] = f"B-{label}"
        row[first + 1:last + 1] = [f"I-{label}"] * (last - first)
        tagged.update(range(first, last + 1))
        report.spans += 1
        if tokens.starts[first] != start or tokens.ends[last] != end:
            report.lose(WIDENED)
    ends = tokens.plain
    if tagged:
        ends = ends.copy()
        entity, claim, denial = tags  # COLUMNS
        at = sorted(tagged)
        for i, end in zip(at, [f"\t{entity[i]}\t{claim[i]}\t{denial[i]}\n" for i in at],
                          strict=True):
            ends[i] = end
        for i in tagged & tokens.sentence_ends:  # a sentence may not end inside a span
            if not any(row[i + 1][0] == "I" for row in tags):
                ends[i] += "\n"
    rows: list[str] = [""] * (2 * n)
    rows[0::2] = tokens.words
    rows[1::2] = ends
    return "".join(rows) + "\n" if n else ""


def _placed(tokens: _Tokens, spans: list[SpanRow], column_of: dict[str, int],
            report: ExportReport) -> list[tuple[int, int, int, int, int, str, str]]:
    """``(column, first token, last token, start, end, label, id)`` of the spans that have a
    column and cover a token (the others counted), longest (in tokens, then characters)
    first, then earliest, then by id."""
    placed: list[tuple[int, int, int, int, int, str, str]] = []
    starts, ends = tokens.starts, tokens.ends
    for start, end, label, span_id in spans:
        column = column_of.get(label)
        if column is None:
            report.lose(LOST_OTHER)
            continue
        first, last = bisect_right(ends, start), bisect_left(starts, end) - 1
        if first > last:
            report.lose(LOST_NO_TOKEN)
            continue
        placed.append((column, first, last, start, end, label, span_id))
    placed.sort(key=lambda p: (p[1] - p[2], p[3] - p[4], p[3], p[6]))
    return placed
