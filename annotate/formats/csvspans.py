"""CSV, one row per span: ``document, title, annotator, label, start, end, text, attributes,
note, category`` (``document`` is the uid, ``attributes`` a JSON object, empty when there are
none, ``category`` empty). A document label is a row whose ``category`` names its document
category and ``label`` its value, with ``start``, ``end``, ``text``, ``attributes`` and ``note``
empty. A file without the ``category`` column (written before it) holds spans only.

A cell a spreadsheet would run as a formula (one starting with ``=``, ``+``, ``-``, ``@``, TAB
or CR: OWASP's list) is written with a ``'`` in front, which spreadsheets show as text. To
keep this reversible, a cell made of ``'`` characters followed by one of those gets one more
``'``; reading removes one ``'`` from any cell of that shape (so it also undoes the same
escaping done by other tools) and leaves every other cell as it is.

Written with ``newline=""`` so line breaks inside a span text or note survive quoted. A
CSV carries no document text, so reading needs the texts of documents already in the store
(``texts(uid)``) and only adds spans and document labels to them. Relations, statuses,
document metadata, and the difference between an empty note and none are not carried
(counted as lost).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from annotate.errors import InputError
from annotate.formats import FORMATS
from annotate.formats.base import (
    LOST_NOTES,
    ExportReport,
    ImportOptions,
    Intake,
    open_utf8,
    writable,
)
from annotate.formats.targets import atomic_write
from annotate.inputs import parse_json
from annotate.model import AnnotatedDocument, DocLabel, Document, Span
from annotate.schema import LabelSchema

COLUMNS = ("document", "title", "annotator", "label", "start", "end", "text", "attributes",
           "note", "category")
REQUIRED = ("document", "label", "start", "end")
FORMULA_START = frozenset("=+-@\t\r")
"""What a cell must not start with, lest a spreadsheet run it as a formula (OWASP)."""
_RISKY = FORMULA_START | {"'"}  # the first characters of the cells escape_formula may change
FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)
"""Characters a cell may hold on reading: any span text or note a store can hold (the csv
module's default, 131,072, refuses long ones)."""


def escape_formula(cell: str) -> str:
    """``cell`` as a spreadsheet shows but never runs it: with one more ``'`` in front when
    it starts, after any ``'`` characters, with one of :data:`FORMULA_START`."""
    if cell[:1] not in _RISKY:
        return cell
    return "'" + cell if cell.lstrip("'")[:1] in FORMULA_START else cell


def unescape_formula(cell: str) -> str:
    """The cell :func:`escape_formula` was given, for any cell it wrote."""
    escaped = cell[:1] == "'" and cell.lstrip("'")[:1] in FORMULA_START
    return cell[1:] if escaped else cell


def write(records: Iterable[AnnotatedDocument], out: Path, schema: LabelSchema) -> ExportReport:
    report = ExportReport("csv")
    with atomic_write(out, "csv", newline="") as handle:
        rows = csv.writer(handle)
        rows.writerow(COLUMNS)
        for record in records:
            record = writable(record, report)
            report.documents += 1
            report.drop(record, FORMATS["csv"].drops)
            report.lose(LOST_NOTES, sum(s.note == "" for s in record.spans))
            doc = record.document
            text = doc.text
            uid, title = escape_formula(doc.uid), escape_formula(doc.title)
            for span in sorted(record.spans, key=lambda s: (s.annotator, s.start, s.end,
                                                             s.label, s.id)):
                attributes = {k: v for k, v in span.attributes.items() if v is not None}
                rows.writerow((
                    uid, title, escape_formula(span.annotator), escape_formula(span.label),
                    span.start, span.end, escape_formula(text[span.start:span.end]),
                    json.dumps(attributes, ensure_ascii=False, sort_keys=True)
                    if attributes else "",  # a JSON object: starts with "{", needs no escape
                    escape_formula(span.note or ""), ""))
                report.spans += 1
            for label in sorted(record.doc_labels, key=lambda d: d.key):
                rows.writerow((uid, title, escape_formula(label.annotator),
                               escape_formula(label.value), "", "", "", "", "",
                               escape_formula(label.category)))
    return report


def read(path: Path, schema: LabelSchema, options: ImportOptions,
         texts: Callable[[str], str | None]) -> Iterator[AnnotatedDocument]:
    """One record per run of rows about the same document. ``texts(uid)`` gives a stored
    document's text, or None: a row about any other document is an InputError."""
    intake = Intake(schema, options, path)
    known: dict[str, str | None] = {}
    csv.field_size_limit(FIELD_LIMIT)
    try:
        with open_utf8(path, newline="") as handle:
            rows = csv.reader(handle)
            columns = _columns(next(rows, []), intake)
            record: tuple[Document, list[Span], list[DocLabel]] | None = None
            for n, row in enumerate(rows, start=2):
                if not any(cell.strip() for cell in row):
                    continue
                where = f"row {n}"
                cells = {name: unescape_formula(row[i]) if i < len(row) else ""
                         for name, i in columns.items()}
                uid = cells["document"].strip()
                if record is None or record[0].uid != uid:
                    if record is not None:
                        yield _record(*record)
                    record = (_document(uid, cells.get("title", ""), texts, known, intake,
                                        where), [], [])
                if cells.get("category", "").strip():
                    record[2].append(_doc_label(record[0], cells, intake, where))
                else:
                    record[1].append(_span(record[0], cells, intake, where))
            if record is not None:
                yield _record(*record)
    except csv.Error as exc:
        raise InputError(f"malformed CSV ({exc})", str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 (byte {exc.start} of a read block)", str(path)) from None
    intake.finish()


def _record(document: Document, spans: list[Span], labels: list[DocLabel]
            ) -> AnnotatedDocument:
    return AnnotatedDocument(document, tuple(spans), doc_labels=tuple(labels))


def _doc_label(doc: Document, cells: dict[str, str], intake: Intake, where: str) -> DocLabel:
    stray = [name for name in ("start", "end", "text", "attributes", "note")
             if cells.get(name, "").strip()]
    if stray:
        raise intake.error(f"a document label row (category {cells['category'].strip()!r}) "
                           f"has {', '.join(stray)}: leave them empty", where)
    annotator = intake.options.annotator_for(cells.get("annotator", "").strip() or None)
    return intake.doc_label(doc, cells["category"].strip(), cells["label"].strip(), annotator,
                            where)


def _columns(header: list[str], intake: Intake) -> dict[str, int]:
    index = {name.strip().lower(): i for i, name in enumerate(header)}
    missing = [name for name in REQUIRED if name not in index]
    if missing:
        raise intake.error(f"the header lacks the column(s) {', '.join(missing)} (expected "
                           f"{','.join(COLUMNS)})", "row 1")
    return {name: index[name] for name in COLUMNS if name in index}


def _document(uid: str, title: str, texts: Callable[[str], str | None],
              known: dict[str, str | None], intake: Intake, where: str) -> Document:
    if uid not in known:
        known[uid] = texts(uid) if uid else None
    text = known[uid]
    if text is None:
        raise intake.error(f"unknown document {uid!r}: a CSV import only adds spans to "
                           "documents already in the store", where)
    return intake.document(text, title, {}, where, uid)


def _span(doc: Document, cells: dict[str, str], intake: Intake, where: str) -> Span:
    try:
        start, end = int(cells["start"]), int(cells["end"])
    except ValueError:
        raise intake.error(f"start and end must be whole numbers, got {cells['start']!r} and "
                           f"{cells['end']!r}", where) from None
    attributes: Any = {}
    if cells.get("attributes", "").strip():
        try:
            attributes = parse_json(cells["attributes"])
        except json.JSONDecodeError as exc:
            raise intake.error(f"attributes are not JSON ({exc.msg})", where) from None
        if not isinstance(attributes, dict):
            raise intake.error("attributes must be a JSON object", where)
    annotator = intake.options.annotator_for(cells.get("annotator", "").strip() or None)
    return intake.span(doc, start, end, cells["label"].strip(), annotator, where,
                       text=cells.get("text") or None,
                       attributes=attributes, note=cells.get("note") or None)
