"""Native JSONL: one annotated document per line, lossless (FORMATS.md, "Native JSONL").

Lines are written with a fixed key order and spans/relations in a fixed order, so
export -> import -> export is byte-identical. orjson encodes and decodes (UTF-8, compact,
non-ASCII kept as is): the store's bulk paths spend most of their time here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from operator import attrgetter
from pathlib import Path
from typing import Any

import orjson

from annotate import exact_json, strings
from annotate.errors import InputError, ValidationError
from annotate.formats.base import ExportReport, writable
from annotate.formats.targets import BUFFER, atomic_path
from annotate.inputs import MAX_STREAMED_BYTES, lines, open_input
from annotate.model import (
    STATUSES,
    AnnotatedDocument,
    DocLabel,
    Document,
    Relation,
    Span,
    utc_now,
)
from annotate.schema import LabelSchema

span_order = attrgetter("start", "end", "annotator", "label", "id")
"""A span's place in its record's line (a key made in C: an export sorts every span)."""


def relation_order(rel: Relation) -> tuple[str, str, str, str, str]:
    return (rel.annotator, rel.type, rel.source, rel.target, rel.id)


def encode(record: AnnotatedDocument) -> str:
    """One native line (without the newline); checks every span's offsets."""
    return encode_bytes(record).decode("utf-8")


def encode_bytes(record: AnnotatedDocument) -> bytes:
    """:func:`encode` as UTF-8 bytes, what the writer puts in the file."""
    doc = record.document
    text = doc.text
    spans = []
    for s in sorted(record.spans, key=span_order):
        if not 0 <= s.start < s.end <= len(text):
            raise InputError(
                f"span {s.id} [{s.start}, {s.end}) lies outside the text", doc.title or doc.uid
            )
        item = {
            "id": s.id,
            "start": s.start,
            "end": s.end,
            "label": s.label,
            "text": text[s.start : s.end],
            "annotator": s.annotator,
            "attributes": s.attributes,
            "note": s.note,
            "created": s.created,
            "updated": s.updated,
        }
        if s.fragments:
            item["fragments"] = [{"start": a, "end": b, "text": text[a:b]} for a, b in s.fragments]
        spans.append(item)
    relations = [
        {"id": r.id, "type": r.type, "from": r.source, "to": r.target, "annotator": r.annotator}
        | ({"to_document": r.target_document} if r.target_document is not None else {})
        | ({"note": r.note} if r.note is not None else {})
        for r in sorted(record.relations, key=relation_order)
    ]
    line = {
        "id": doc.uid,
        "title": doc.title,
        "meta": dict(sorted(doc.meta.items())),
        "text": text,
        "spans": spans,
        "relations": relations,
        "status": dict(sorted(record.status.items())),
    }
    if record.doc_labels:  # left out when none: older readers meet no new key
        line["doc_labels"] = [
            {"category": d.category, "value": d.value, "annotator": d.annotator,
             "created": d.created}
            for d in sorted(record.doc_labels, key=lambda d: (d.annotator, d.category, d.value))
        ]
    return exact_json.dumps(line)


def decode(
    line: str | bytes, file: str | None = None, lineno: int | None = None
) -> AnnotatedDocument:
    """Parse and check one native line (its names and strings are checked where it is imported,
    db.bulk); any problem is an InputError naming file and line."""
    where = f"line {lineno}" if lineno is not None else None
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        data = _beyond_floats(line, exc)
        if data is None:
            raise InputError(_refusal(line, exc), file, where) from None
    try:
        inexact = _inexact(data)
    except RecursionError:  # orjson reads 1,024 levels, more than a walk of them may recurse
        raise InputError("arrays or objects nested too deeply", file, where) from None
    if inexact:  # a long integer in meta or attributes: read as json reads it
        data = json.loads(line)
    try:
        return _record(data, where)  # its names and strings: checked by the import (db.bulk)
    except InputError as exc:
        raise exc.located(file, where) from None
    except ValidationError as exc:
        raise InputError(str(exc), file, where) from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(
            f"not a native Counterclaim record ({type(exc).__name__}: {exc})", file, where
        ) from None


def _inexact(data: Any) -> bool:
    """Whether orjson may have read an integer of the record's meta or of a span's attributes
    (where any JSON goes) as a float: the only places of a native line that take numbers
    beyond 64 bits (offsets that long are refused as offsets anyway)."""
    if type(data) is not dict:
        return False
    spans = data.get("spans")
    return exact_json.inexact(data.get("meta")) or (type(spans) is list and any(
        type(s) is dict and exact_json.inexact(s.get("attributes")) for s in spans))


def _beyond_floats(line: str | bytes, exc: orjson.JSONDecodeError) -> Any:
    """The line as json reads it when orjson refused it for a number beyond a float's range
    (an integer of 309 digits or more, which json reads and the native writer writes); None
    when that is not why, or json cannot read it either."""
    if not exc.msg.startswith("number is infinity"):
        return None
    try:
        return json.loads(line)
    except (ValueError, RecursionError):  # (an integer of more digits than Python converts)
        return None


def _refusal(line: str | bytes, exc: orjson.JSONDecodeError) -> str:
    """Why orjson refused the line. It refuses lone surrogates too, which the standard
    library reads: for those the message names the field that holds one."""
    if "surrogate" in exc.msg:
        try:
            strings.check_record(_record(json.loads(line), None))
        except (ValidationError, InputError) as found:
            return str(found)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            pass
    return f"not valid JSON ({exc.msg} at column {exc.colno})"


def _record(data: Any, where: str | None) -> AnnotatedDocument:
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise InputError('a native record is an object with a "text" string')
    text: str = data["text"]
    if not text:
        raise InputError("the document text is empty")
    meta = data.get("meta") or {}
    if not isinstance(meta, dict):
        raise InputError('"meta" must be an object')
    doc = Document(text=text, title=str(data.get("title") or ""), meta=meta)
    if data.get("id") not in (None, doc.uid):
        raise InputError(f"id {data['id']} is not the sha256 of the text ({doc.uid})")
    uid, length, now = doc.uid, len(text), utc_now()
    spans: list[Span] = []
    append = spans.append
    for s in data.get("spans") or ():  # the import's hot loop: exact type checks, no copies
        start, end, span_id = s["start"], s["end"], s["id"]
        if type(start) is not int or type(end) is not int or not 0 <= start < end <= length:
            raise InputError(
                f"span {span_id}: offsets [{start}, {end}) do not lie in the text (length {length})"
            )
        quoted = s.get("text")
        if quoted is not None and text[start:end] != quoted:
            raise InputError(
                f"span {span_id}: text[{start}:{end}] is {text[start:end]!r}, "
                f"the record says {quoted!r}"
            )
        label, annotator, attributes = s["label"], s["annotator"], s.get("attributes") or {}
        if (
            not (type(span_id) is type(label) is type(annotator) is str)
            or type(attributes) is not dict
        ):
            raise InputError(
                f"span {span_id}: id, label and annotator must be strings and attributes an object"
            )
        created = s.get("created") or now
        append(
            Span(
                uid,
                start,
                end,
                label,
                annotator,
                span_id,
                attributes,
                s.get("note"),
                created,
                s.get("updated") or created,
                _fragments(s["fragments"], text, span_id) if "fragments" in s else (),
            )
        )
    ids = {s.id for s in spans}
    if len(ids) != len(spans):
        raise InputError("two spans share an id")
    relations = []
    for r in data.get("relations") or ():
        note = r.get("note")
        if note is not None and not isinstance(note, str):
            raise InputError(f"relation {r['id']}: the note must be a string")
        other = r.get("to_document")
        if other is not None and (not isinstance(other, str) or other == uid):
            raise InputError(f'relation {r["id"]}: "to_document" must be the id of another '
                             "document")
        rel = Relation(
            str(r["type"]), str(r["from"]), str(r["to"]), str(r["annotator"]), str(r["id"]),
            note, other,
        )
        for end_id in (rel.source,) if rel.crosses else (rel.source, rel.target):
            if end_id not in ids:
                raise InputError(f"relation {rel.id}: unknown span {end_id}")
        relations.append(rel)  # a link across documents is resolved by the import (db.bulk)
    status = data.get("status") or {}
    if not isinstance(status, dict) or any(v not in STATUSES for v in status.values()):
        raise InputError(f'"status" maps annotators to one of {", ".join(STATUSES)}')
    return AnnotatedDocument(doc, tuple(spans), tuple(relations), dict(status),
                             _doc_labels(data.get("doc_labels"), uid, now), where)


def _doc_labels(items: Any, uid: str, now: str) -> tuple[DocLabel, ...]:
    """The record's document labels (their names are checked by the import, db.bulk)."""
    if items is None:
        return ()
    if not isinstance(items, list):
        raise InputError('"doc_labels" must be a list')
    labels = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) for k in ("category", "value", "annotator")
        ):
            raise InputError(f'doc_labels[{i}] must be an object with "category", "value" '
                             'and "annotator" strings')
        created = item.get("created") or now
        if not isinstance(created, str):
            raise InputError(f'doc_labels[{i}]: "created" must be a string')
        labels.append(DocLabel(uid, item["category"], item["value"], item["annotator"], created))
    return tuple(labels)


def _fragments(data: Any, text: str, span_id: str) -> tuple[tuple[int, int], ...]:
    """A span's ``"fragments"`` (``[{"start", "end", "text"}, ...]``), each checked against the
    text, and as a whole against the span's bounds when the span is checked."""
    if not isinstance(data, list):
        raise InputError(f"span {span_id}: \"fragments\" must be a list")
    pieces = []
    for item in data:
        start, end = item["start"], item["end"]
        if type(start) is not int or type(end) is not int or not 0 <= start < end <= len(text):
            raise InputError(f"span {span_id}: fragment [{start}, {end}) does not lie in the text")
        quoted = item.get("text")
        if quoted is not None and text[start:end] != quoted:
            raise InputError(
                f"span {span_id}: fragment text[{start}:{end}] is {text[start:end]!r}, "
                f"the record says {quoted!r}"
            )
        pieces.append((start, end))
    return tuple(pieces)


def read(path: Path) -> Iterator[AnnotatedDocument]:
    """Records of a native JSONL file; blank lines are skipped."""
    # Binary lines split at LF only: texts hold CR and U+2028, which text mode may cut at.
    with open_input(path, MAX_STREAMED_BYTES) as handle:
        for lineno, line in enumerate(lines(handle, str(path)), start=1):
            if lineno == 1:
                line = line.removeprefix(b"\xef\xbb\xbf")
            if line.strip():
                record = decode(line, str(path), lineno)
                del line  # neither the line nor the record outlives its turn, so an
                yield record  # import's peak follows the largest document
                del record


def write(
    records: Iterable[AnnotatedDocument], out: Path, schema: LabelSchema | None = None
) -> ExportReport:
    """Write every record, one line each, atomically; the native format loses nothing."""
    report = ExportReport("native")
    with atomic_path(out, "native") as tmp, open(tmp, "wb", BUFFER) as handle:
        for record in records:
            record = writable(record, report, across=True)
            handle.write(encode_bytes(record))
            handle.write(b"\n")
            report.documents += 1
            report.spans += len(record.spans)
            report.relations += len(record.relations)
    return report
