"""CoNLL, the CoNLL-2003 layout: ``-DOCSTART-`` blocks, a token per line with its tag in the
last column, a blank line after each sentence.

Writing: ``-DOCSTART- -X- O O`` per document and annotator (the line spaCy's ``spacy convert
-c ner`` splits documents at), then ``token TAG`` rows, space-separated, tags in IOB2
(``B-label``, ``I-label``, ``O``): what spaCy's converter and seqeval read. There is one tag
column, so every label of every category shares it; the export's ``--label``/``--category``
filters choose what goes in. Tokens are those of :mod:`annotate.tokenize`. A span tags every
token it shares a character with (so a span ending inside a token is widened to it, counted).
Sentences end at line breaks and after ``. ! ? …`` followed by white space, never inside a
tagged span. Each annotator's layer of a document is its own ``-DOCSTART-`` block, so a column
never mixes two people's work (the blocks name no annotator: CoNLL has no place for one).

Spans sharing a token cannot both be encoded: the longest (in tokens, then characters; the
earlier on a tie) is kept and every other is counted as dropped. Spans covering no token,
spans whose label holds white space (it would split the row; only a store of an older version
holds one), attributes, notes, relations, statuses, metadata and document labels are counted
as not carried.
The text's own spacing is not carried either (CoNLL has no place for it): an import of the
file joins the tokens by spaces, a new text.

A large export builds its blocks in worker processes (:mod:`annotate.formats.workers`), a chunk
of documents each, and writes them in order: the file is the one a single process writes.

Reading (:func:`read`): see its docstring and :mod:`annotate.formats.iob`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from itertools import accumulate, pairwise
from pathlib import Path

from annotate import strings
from annotate.formats import FORMATS
from annotate.formats.base import (
    ExportReport,
    ImportOptions,
    Intake,
    SpanRow,
    check_text,
    layers,
    span_rows,
    writable,
)
from annotate.formats.iob import OUTSIDE, Tag, TagError, chunks, split_tag
from annotate.formats.targets import atomic_write
from annotate.formats.workers import in_order
from annotate.inputs import MAX_STREAMED_BYTES, open_input
from annotate.model import AnnotatedDocument
from annotate.schema import LabelSchema
from annotate.tokenize import TOKEN

DOCSTART = "-DOCSTART-"
DOCSTART_LINE = f"{DOCSTART} -X- O O"  # as CoNLL-2003 writes it (and spaCy looks for it)
_PLAIN = " O\n"  # the end of an untagged token's row
_SPLIT = re.compile(f"({TOKEN.pattern})")
SENTENCE_END = frozenset(".!?…")  # a sentence ends after one of these followed by white space
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")  # or at a line break
LOST_OVERLAP = "overlapping spans dropped in CoNLL (one tag column: see --label, --category)"
LOST_NO_TOKEN = "spans covering no token not carried by CoNLL"
WIDENED = "spans widened to token boundaries in CoNLL"
LOST_SPACED_LABELS = "spans whose label holds white space not carried by CoNLL"
_TAG = re.compile(r"\S+")  # a label CoNLL can hold in a column


def write(records: Iterable[AnnotatedDocument], out: Path, schema: LabelSchema) -> ExportReport:
    """Write the file, its blocks built a chunk of documents at a time (by worker processes
    for a large export: :mod:`annotate.formats.workers`) and written in order."""
    report = ExportReport("conll")
    items = (_item(record, report) for record in records)
    built = in_order(_blocks, items)
    with atomic_write(out, "conll") as handle, closing(built):
        for text, counted in built:
            handle.write(text)
            report.absorb(counted)
    return report


def _item(record: AnnotatedDocument, report: ExportReport) -> tuple[str, list[list[SpanRow]]]:
    """Check and count ``record`` (what CoNLL has no place for: relations, and the spans of
    labels holding white space, are all counted here); its text and each annotator's spans."""
    record = writable(record, report)
    report.documents += 1
    report.drop(record, FORMATS["conll"].drops)
    rows = [span_rows(layer) for layer in layers(record, None)]
    kept = [[row for row in layer if _TAG.fullmatch(row[2])] for layer in rows]
    report.lose(LOST_SPACED_LABELS, sum(map(len, rows)) - sum(map(len, kept)))
    return record.document.text, kept


def _blocks(chunk: tuple[tuple[str, list[list[SpanRow]]], ...]) -> tuple[str, ExportReport]:
    """The ``-DOCSTART-`` blocks of the chunk's documents, one per annotator, and the spans
    written and lost in them."""
    counted = ExportReport("conll")
    parts = []
    for text, layer_spans in chunk:
        tokens = _tokens(text)
        parts += (DOCSTART_LINE + "\n\n" + _block(tokens, spans, counted)
                  for spans in layer_spans)
    return "".join(parts), counted


@dataclass(frozen=True, slots=True)
class _Tokens:
    """One document's tokens: texts, offsets, and the end of each untagged token's row (its
    tag, a line break, and a second one where a sentence may end after it)."""

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


def _block(tokens: _Tokens, spans: list[SpanRow], report: ExportReport) -> str:
    """One annotator's rows of a document: a token per line, then its tag. Untagged rows
    are shared strings; only the rows of tagged tokens are built."""
    n = len(tokens.words)
    tags = ["O"] * n
    tagged: set[int] = set()
    for first, last, start, end, label, _ in _placed(tokens, spans, report):
        if tags[first:last + 1].count("O") != last + 1 - first:
            report.lose(LOST_OVERLAP)
            continue
        tags[first] = f"B-{label}"
        tags[first + 1:last + 1] = [f"I-{label}"] * (last - first)
        tagged.update(range(first, last + 1))
        report.spans += 1
        if tokens.starts[first] != start or tokens.ends[last] != end:
            report.lose(WIDENED)
    ends = tokens.plain
    if tagged:
        ends = ends.copy()
        for i in tagged:
            ends[i] = f" {tags[i]}\n"
        for i in tagged & tokens.sentence_ends:  # a sentence may not end inside a span
            if tags[i + 1][0] != "I":
                ends[i] += "\n"
    rows: list[str] = [""] * (2 * n)
    rows[0::2] = tokens.words
    rows[1::2] = ends
    return "".join(rows) + "\n" if n else ""


def _placed(tokens: _Tokens, spans: list[SpanRow], report: ExportReport
            ) -> list[tuple[int, int, int, int, str, str]]:
    """``(first token, last token, start, end, label, id)`` of the spans that cover a token
    (the others counted), longest (in tokens, then characters) first, then earliest, then by
    id."""
    placed: list[tuple[int, int, int, int, str, str]] = []
    starts, ends = tokens.starts, tokens.ends
    for start, end, label, span_id in spans:
        first, last = bisect_right(ends, start), bisect_left(starts, end) - 1
        if first > last:
            report.lose(LOST_NO_TOKEN)
            continue
        placed.append((first, last, start, end, label, span_id))
    placed.sort(key=lambda p: (p[0] - p[1], p[2] - p[3], p[2], p[5]))
    return placed


# -- reading ---------------------------------------------------------------------------------
_USER_SUFFIX = re.compile(r"\.(user\d+)$")  # doccano-transformer's <name>.conll2003.user<id>
_BLOCK = 1 << 22  # bytes decoded at a time
LONGEST_LINE = 1 << 20  # bytes; a token and its columns
PLACEHOLDERS = frozenset({"_", "-", "-X-", "O"})  # a column's value that says nothing
OTHER_COLUMNS = "values in columns other than the token's and the tags' (e.g. POS, chunks)"


def annotator_in_name(path: Path) -> str | None:
    """The annotator a file's name gives: doccano-transformer writes each user's work as
    ``<name>.conll2003.user<id>``, read as annotator ``user<id>``."""
    found = _USER_SUFFIX.search(path.name)
    return found.group(1) if found else None


@dataclass(slots=True)
class _Block:
    """The tokens and tags of one ``-DOCSTART-`` block, and where each sentence begins: its
    first token and that token's line (a sentence's lines follow each other)."""

    tokens: list[str] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    sentences: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def line_of(self, token: int) -> int:
        sentence = bisect_right(self.sentences, token) - 1
        return self.lines[sentence] + token - self.sentences[sentence]


def read(path: Path, schema: LabelSchema, options: ImportOptions) -> Iterator[AnnotatedDocument]:
    """One document per ``-DOCSTART-`` block (the whole file if it has none): its tokens
    joined by a space, its sentences by a line break, and a span per chunk of the tag column
    (``options.column``, else the last) decoded by ``options.scheme``. A line is split at tabs
    if it holds one, else at white space. The values of other columns (POS, chunks) are counted
    as not imported, but for placeholders (``_``, ``-``, ``-X-``, ``O``). InputError naming the
    line of the first problem."""
    intake = Intake(schema, options, path)
    annotator = options.annotator_for(annotator_in_name(path))
    column = -1 if options.column is None else options.column - 1
    need = max(2, column + 1)  # fields a token line must have
    known: dict[str, Tag] = {}  # each tag as written, split
    block, documents, in_sentence, others = _Block(), 0, False, 0
    for number, line in _numbered_lines(path, intake):
        if "\t" in line:
            fields = [] if line.isspace() else line.split("\t")
            if fields and not fields[0]:
                raise intake.error("the token (first column) is empty", f"line {number}")
        else:
            fields = line.split()
        if not fields:
            in_sentence = False
            continue
        token = fields[0]
        if token == DOCSTART:
            in_sentence = False
            if block.tokens:
                documents += 1
                yield _document(block, path, documents, annotator, intake, options.scheme)
                block = _Block()
            continue
        if len(fields) < need:
            raise intake.error(_short_line(fields, column), f"line {number}")
        if len(fields) > 2:
            others += sum(value not in PLACEHOLDERS for value in fields[1:]) - (
                fields[column] not in PLACEHOLDERS)
        tag = known.get(fields[column])
        if tag is None:
            tag = known[fields[column]] = _tag(fields[column], number, intake)
        if not in_sentence:
            block.sentences.append(len(block.tokens))
            block.lines.append(number)
            in_sentence = True
        block.tokens.append(token)
        block.tags.append(tag)
    if block.tokens:
        yield _document(block, path, documents + 1, annotator, intake, options.scheme)
    intake.lose(OTHER_COLUMNS, others)
    intake.finish()


def _numbered_lines(path: Path, intake: Intake) -> Iterator[tuple[int, str]]:
    """The file's lines (split at LF only) and their numbers, decoded a block at a time."""
    number, carry = 0, b""
    with open_input(path, MAX_STREAMED_BYTES) as handle:
        while data := handle.read(_BLOCK):
            data = carry + data
            cut = data.rfind(b"\n") + 1
            data, carry = data[:cut], data[cut:]
            if len(carry) > LONGEST_LINE:
                line = number + data.count(b"\n") + 1
                raise intake.error(f"line longer than the limit of {LONGEST_LINE:,} bytes "
                                   "(no CoNLL file has one)", f"line {line}")
            if data:
                yield from enumerate(_decoded(data, number, intake, first=number == 0),
                                     start=number + 1)
                number += data.count(b"\n")
        if carry:
            yield number + 1, _decoded(carry, number, intake, first=number == 0)[0]


def _decoded(data: bytes, before: int, intake: Intake, first: bool) -> list[str]:
    """The lines of ``data`` (which ends with a whole line), the lines ``before`` it counted
    for the error a byte that is not UTF-8 makes."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = before + data.count(b"\n", 0, exc.start) + 1
        at = exc.start - (data.rfind(b"\n", 0, exc.start) + 1)
        raise intake.error(f"not UTF-8 (byte {at} of the line)", f"line {line}") from None
    rows = text.split("\n")
    if rows[-1] == "" and len(rows) > 1:
        rows.pop()
    if first:
        rows[0] = rows[0].removeprefix("\ufeff")
    return rows


def _short_line(fields: list[str], column: int) -> str:
    if len(fields) < 2:
        return f"expected a token and its tag, got one column: {strings.shown(fields[0])}"
    return f"the tag column {column + 1} is missing: the line has {len(fields)} columns"


def _tag(written: str, number: int, intake: Intake) -> Tag:
    """A tag as written, split; InputError naming the line if it is none."""
    tag = written.strip()
    split = split_tag(tag)
    if split is None:
        raise intake.error(f"{strings.shown(tag)} is not a tag: expected O, or B-, I-, E-, S-, "
                           "L- or U- and a label (--column chooses the column of the tags)",
                           f"line {number}")
    return split


def _document(block: _Block, path: Path, number: int, annotator: str, intake: Intake,
              scheme: str) -> AnnotatedDocument:
    """The document of one block: its text, and a span for each chunk of each sentence. A
    token's offset is the length of the tokens before it plus one separator each."""
    tokens, bounds = block.tokens, block.sentences
    where = f"line {block.lines[0]}"
    text = "\n".join(" ".join(tokens[a:b]) for a, b in pairwise([*bounds, len(tokens)]))
    check_text(text, path, where)
    document = intake.document(text, f"{path.name} #{number}", {}, where)
    before = [0, *accumulate(map(len, tokens))]  # characters of the tokens before each
    spans = []
    for a, b in pairwise([*bounds, len(tokens)]):
        tags = block.tags[a:b]
        if tags.count(OUTSIDE) == b - a:
            continue
        try:
            found = chunks(tags, scheme)
        except TagError as exc:
            raise intake.error(str(exc), f"line {block.line_of(a + exc.index)}") from None
        for first, last, label in found:
            first, last = first + a, last + a
            spans.append(intake.span(document, before[first] + first, before[last + 1] + last,
                                     label, annotator, f"line {block.line_of(first)}"))
    return AnnotatedDocument(document, tuple(spans), origin=where)
