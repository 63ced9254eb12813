"""CSV, one row per span: ``document, title, annotator, label, start, end, text, attributes,
note`` (``document`` is the uid, ``attributes`` a JSON object, empty when there are none).

Written with ``newline=""`` so line breaks inside a span text or note survive quoted. A
CSV carries no document text, so reading needs the texts of documents already in the store
(``texts(uid)``) and only adds spans to them. Relations, statuses, document metadata, and
the difference between an empty note and none are not carried (counted as lost).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from annotate.errors import InputError
from annotate.formats.base import (
    LOST_NOTES,
    ExportReport,
    ImportOptions,
    Intake,
    atomic_write,
    check_record,
    open_utf8,
)
from annotate.inputs import parse_json
from annotate.model import AnnotatedDocument, Document, Span
from annotate.schema import LabelSchema

COLUMNS = ("document", "title", "annotator", "label", "start", "end", "text", "attributes",
           "note")
REQUIRED = ("document", "label", "start", "end")


def write(records: Iterable[AnnotatedDocument], out: Path, schema: LabelSchema) -> ExportReport:
    report = ExportReport("csv")
    with atomic_write(out, newline="") as handle:
        rows = csv.writer(handle)
        rows.writerow(COLUMNS)
        for record in records:
            check_record(record)
            report.documents += 1
            report.drop(record, relations=True, statuses=True, meta=True)
            report.lose(LOST_NOTES, sum(s.note == "" for s in record.spans))
            doc = record.document
            for span in sorted(record.spans, key=lambda s: (s.annotator, s.start, s.end,
                                                             s.label, s.id)):
                attributes = {k: v for k, v in span.attributes.items() if v is not None}
                rows.writerow((doc.uid, doc.title, span.annotator, span.label, span.start,
                               span.end, doc.text[span.start:span.end],
                               json.dumps(attributes, ensure_ascii=False, sort_keys=True)
                               if attributes else "", span.note or ""))
                report.spans += 1
    return report


def read(path: Path, schema: LabelSchema, options: ImportOptions,
         texts: Callable[[str], str | None]) -> Iterator[AnnotatedDocument]:
    """One record per run of rows about the same document. ``texts(uid)`` gives a stored
    document's text, or None: a row about any other document is an InputError."""
    intake = Intake(schema, options, path)
    known: dict[str, str | None] = {}
    try:
        with open_utf8(path, newline="") as handle:
            rows = csv.reader(handle)
            columns = _columns(next(rows, []), intake)
            record: tuple[Document, list[Span]] | None = None
            for n, row in enumerate(rows, start=2):
                if not any(cell.strip() for cell in row):
                    continue
                where = f"row {n}"
                cells = {name: row[i] if i < len(row) else "" for name, i in columns.items()}
                uid = cells["document"].strip()
                if record is None or record[0].uid != uid:
                    if record is not None:
                        yield AnnotatedDocument(record[0], tuple(record[1]))
                    record = (_document(uid, cells.get("title", ""), texts, known, intake,
                                        where), [])
                record[1].append(_span(record[0], cells, intake, where))
            if record is not None:
                yield AnnotatedDocument(record[0], tuple(record[1]))
    except csv.Error as exc:
        raise InputError(f"malformed CSV ({exc})", str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 (byte {exc.start} of a read block)", str(path)) from None
    intake.finish()


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
    return Document(text, title, {}, uid)


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
