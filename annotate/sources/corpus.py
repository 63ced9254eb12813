"""Corpora: JSON Lines and CSV files holding one document per line or row.

Each record needs a ``text`` (JSON key or CSV column); ``title`` becomes the title; every other key
goes to the document's meta (a record's own key wins over the reader's ``source``/``format``).
Errors name the line where the record starts. Native JSONL (records with ``spans`` or
``relations``) is not a corpus: :func:`is_native_jsonl` tells the caller to route it elsewhere.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotate import strings
from annotate.errors import InputError, ValidationError
from annotate.inputs import MAX_FILE_BYTES, first_line, parse_json, read_input
from annotate.model import AnnotatedDocument, Document
from annotate.sources.base import file_title, require_text, source_meta
from annotate.sources.text import decode_bytes

_NATIVE_KEYS = ("spans", "relations")


def _is_native(record: object) -> bool:
    return isinstance(record, dict) and any(key in record for key in _NATIVE_KEYS)


def is_native_jsonl(path: Path) -> bool:
    """Whether the file's first non-blank line is a native annotation record (has spans)."""
    try:
        return _is_native(parse_json(first_line(path)))
    except ValueError:  # not JSON (or not UTF-8): the corpus reader reports it properly
        return False


def _document(
    path: Path, fmt: str, index: int, line: int, record: dict[str, Any], encoding: str
) -> Document:
    text, title = record.pop("text"), record.pop("title", None)
    if not isinstance(text, str):
        raise InputError(f'"text" must be a string, not {type(text).__name__}', str(path), line)
    if title is not None and not isinstance(title, str):
        raise InputError(f'"title" must be a string, not {type(title).__name__}', str(path), line)
    require_text(text, path, line)
    meta = source_meta(path, fmt, encoding=encoding) | record
    document = Document(text=text, title=title or f"{file_title(path)} #{index}", meta=meta)
    try:
        strings.check_record(AnnotatedDocument(document))
    except ValidationError as exc:
        raise InputError(str(exc), str(path), line) from None
    return document


def read_jsonl(path: Path) -> list[Document]:
    """One document per non-blank line; each line a JSON object with a string ``text``."""
    file = str(path)
    content, encoding = decode_bytes(read_input(path), file)
    documents: list[Document] = []
    # Split on "\n" only: U+2028 and friends may sit unescaped inside JSON strings.
    for number, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = parse_json(line)
        except ValueError as exc:
            raise InputError(f"malformed JSON: {exc}", file, number) from exc
        if not isinstance(record, dict):
            raise InputError(f"expected a JSON object, got {type(record).__name__}", file, number)
        if _is_native(record):
            raise InputError(
                "a native annotation record (it has spans/relations); import it as native JSONL",
                file,
                number,
            )
        if "text" not in record:
            raise InputError('record has no "text" key', file, number)
        documents.append(_document(path, "jsonl", len(documents) + 1, number, record, encoding))
    if not documents:
        raise InputError("contains no records", file)
    return documents


def _rows(reader: Any, file: str) -> Iterator[tuple[int, list[str]]]:
    """``(line where the row starts, row)`` for every non-empty row."""
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"malformed CSV: {exc}", file, reader.line_num) from exc
        if row:
            yield start, row


def read_csv(path: Path) -> list[Document]:
    """One document per row after the header; the header must have a ``text`` column."""
    file = str(path)
    content, encoding = decode_bytes(read_input(path), file)
    # A field may be as large as the file itself.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
    rows = _rows(csv.reader(io.StringIO(content, newline=""), strict=True), file)
    try:
        header_line, header = next(rows)
    except StopIteration:
        raise InputError("contains no header row", file) from None
    names = [name.strip() for name in header]
    # "Text" and "TITLE" are the text and title columns too; other names are kept as written.
    keys = [name.lower() if name.lower() in ("text", "title") else name for name in names]
    if "text" not in keys:
        raise InputError(f'no "text" column (columns: {", ".join(names)})', file, header_line)
    duplicates = sorted(key for key, count in Counter(keys).items() if count > 1)
    if duplicates:
        raise InputError(f"duplicate column names: {', '.join(duplicates)}", file, header_line)
    documents: list[Document] = []
    for line, row in rows:
        if len(row) != len(keys):
            raise InputError(f"row has {len(row)} fields, the header has {len(keys)}", file, line)
        record = dict(zip(keys, row, strict=True))
        documents.append(_document(path, "csv", len(documents) + 1, line, record, encoding))
    if not documents:
        raise InputError("contains a header but no rows", file)
    return documents
