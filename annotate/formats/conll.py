"""CoNLL (write only): ``-DOCSTART-`` per document and annotator, then one token per line with
one BIO column per category, tab-separated: ``token  entity  claim  denial``.

Tokens are :func:`annotate.tokenize.tokenize`'s. A span tags every token it shares a
character with (so a span ending inside a token is widened to it, counted). Sentences end at
line breaks and after ``. ! ? …`` followed by white space, never inside a tagged span; a
blank line follows each. Each annotator's layer of a document is its own ``-DOCSTART-``
block, so the columns never mix two people's work.

Within one column, spans sharing a token cannot both be encoded: the longest (in tokens, then
characters; the earlier on a tie) is kept and every other is counted as dropped. Spans of
category "other", spans covering no token, attributes, notes, relations, statuses and
metadata are counted as not carried.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from pathlib import Path

from annotate.formats.base import ExportReport, Layer, atomic_write, check_record, layers
from annotate.model import AnnotatedDocument, Span
from annotate.schema import LabelSchema
from annotate.tokenize import Token, tokenize

COLUMNS = ("entity", "claim", "denial")
DOCSTART = "-DOCSTART-" + "\tO" * len(COLUMNS)
SENTENCE_END = frozenset(".!?…")
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
LOST_OVERLAP = "overlapping spans dropped in CoNLL"
LOST_OTHER = "spans of category other not carried by CoNLL"
LOST_NO_TOKEN = "spans covering no token not carried by CoNLL"
WIDENED = "spans widened to token boundaries in CoNLL"


def write(records: Iterable[AnnotatedDocument], out: Path, schema: LabelSchema) -> ExportReport:
    report = ExportReport("conll")
    column_of = {label.name: COLUMNS.index(label.category) for label in schema.labels
                 if label.category in COLUMNS}
    with atomic_write(out) as handle:
        for record in records:
            check_record(record)
            report.documents += 1
            report.drop(record, attributes=True, notes=True, relations=True, statuses=True,
                        meta=True)
            text = record.document.text
            tokens = list(tokenize(text))
            for layer in layers(record, report):
                tags = _tags(tokens, layer, column_of, report)
                handle.write(DOCSTART + "\n\n")
                handle.write(_block(text, tokens, tags))
    return report


def _tags(tokens: list[Token], layer: Layer, column_of: dict[str, int],
          report: ExportReport) -> list[list[str]]:
    """One tag list per column, each as long as ``tokens``."""
    starts = [t.start for t in tokens]
    ends = [t.end for t in tokens]
    placed: list[tuple[int, int, int, Span]] = []  # (column, first token, last token, span)
    for span in layer.spans:
        column = column_of.get(span.label)
        if column is None:
            report.lose(LOST_OTHER)
            continue
        first, last = bisect_right(ends, span.start), bisect_left(starts, span.end) - 1
        if first > last:
            report.lose(LOST_NO_TOKEN)
            continue
        placed.append((column, first, last, span))
    placed.sort(key=lambda p: (p[1] - p[2], p[3].start - p[3].end, p[3].start, p[3].id))
    tags = [["O"] * len(tokens) for _ in COLUMNS]
    for column, first, last, span in placed:
        row = tags[column]
        if any(tag != "O" for tag in row[first:last + 1]):
            report.lose(LOST_OVERLAP)
            continue
        row[first] = f"B-{span.label}"
        row[first + 1:last + 1] = [f"I-{span.label}"] * (last - first)
        report.spans += 1
        if starts[first] != span.start or ends[last] != span.end:
            report.lose(WIDENED)
    return tags


def _block(text: str, tokens: list[Token], tags: list[list[str]]) -> str:
    lines: list[str] = []
    for i, token in enumerate(tokens):
        lines.append("\t".join((token.text, *(row[i] for row in tags))) + "\n")
        if i + 1 == len(tokens) or _sentence_ends(text, token, tokens[i + 1], tags, i + 1):
            lines.append("\n")
    return "".join(lines)


def _sentence_ends(text: str, token: Token, following: Token, tags: list[list[str]],
                   j: int) -> bool:
    if any(row[j].startswith("I-") for row in tags):
        return False
    gap = text[token.end:following.start]
    return not LINE_BREAKS.isdisjoint(gap) or (token.text in SENTENCE_END and gap != "")
