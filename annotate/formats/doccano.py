"""doccano JSONL: the sequence-labelling form ``{"text", "label": [[start, end, "LABEL"]]}``
and, when any document has relations, the relation form ``{"text", "entities": [{"id",
"start_offset", "end_offset", "label"}], "relations": [{"id", "from_id", "to_id", "type"}]}``.

One line per document and annotator (doccano files hold one person's work), with the extra
keys ``"id"`` (document uid), ``"title"``, ``"meta"`` and ``"annotator"``, which doccano keeps
as metadata. Attributes, notes and statuses have no place and are counted as lost. Reading
accepts both forms (and ``"labels"`` for ``"label"``); keys doccano adds go into the meta.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Iterator
from itertools import count
from pathlib import Path
from typing import Any, TextIO

from annotate.errors import InputError
from annotate.formats import FORMATS
from annotate.formats.base import (
    ExportReport,
    ImportOptions,
    Intake,
    Layer,
    check_text,
    json_text,
    layers,
    open_utf8,
    writable,
)
from annotate.formats.targets import atomic_write
from annotate.inputs import lines, parse_json
from annotate.model import AnnotatedDocument, Document, Relation, Span, text_uid
from annotate.schema import LabelSchema

_OWN_KEYS = {"id", "text", "title", "meta", "annotator", "label", "labels", "entities", "relations"}

Entity = tuple[int, int, str]


class _Numbering:
    """doccano's entity and relation ids: integers, unique in the file."""

    def __init__(self) -> None:
        self.entities = count(1)
        self.relations = count(1)


def _line(
    head: dict[str, Any],
    entities: list[Entity],
    relations: list[tuple[int, int, str]] | None,
    numbers: _Numbering | None,
) -> str:
    """One line in the simple form (``numbers`` None) or the relation form; ``relations``
    index into ``entities``."""
    if numbers is None:
        return json_text({**head, "label": [list(e) for e in entities]})
    ids = [next(numbers.entities) for _ in entities]
    return json_text(
        {
            **head,
            "entities": [
                {"id": i, "start_offset": s, "end_offset": e, "label": label}
                for i, (s, e, label) in zip(ids, entities, strict=True)
            ],
            "relations": [
                {"id": next(numbers.relations), "from_id": ids[a], "to_id": ids[b], "type": rtype}
                for a, b, rtype in relations or ()
            ],
        }
    )


def _upgrade(handle: TextIO, numbers: _Numbering) -> None:
    """Rewrite the simple-form lines written so far in the relation form."""
    handle.flush()
    with open(handle.name, encoding="utf-8", newline="\n") as old:
        previous = old.read().split("\n")[:-1]  # not splitlines(): texts hold U+2028
    handle.seek(0)
    handle.truncate()
    for raw in previous:
        data = json.loads(raw)
        entities = [(s, e, label) for s, e, label in data.pop("label")]
        handle.write(_line(data, entities, [], numbers) + "\n")


def write(records: Iterable[AnnotatedDocument], out: Path, schema: LabelSchema) -> ExportReport:
    report = ExportReport("doccano")
    numbers: _Numbering | None = None
    with atomic_write(out, "doccano") as handle:
        for record in records:
            record = writable(record, report)
            report.documents += 1
            report.drop(record, FORMATS["doccano"].drops)
            doc = record.document
            for layer in layers(record, report):
                if layer.relations and numbers is None:
                    numbers = _Numbering()
                    _upgrade(handle, numbers)
                handle.write(_layer_line(doc, layer, numbers) + "\n")
                report.spans += len(layer.spans)
                report.relations += len(layer.relations)
    return report


def _layer_line(doc: Document, layer: Layer, numbers: _Numbering | None) -> str:
    head: dict[str, Any] = {"id": doc.uid, "text": doc.text, "title": doc.title, "meta": doc.meta}
    if layer.annotator is not None:
        head["annotator"] = layer.annotator
    index = {span.id: i for i, span in enumerate(layer.spans)}
    entities = [(s.start, s.end, s.label) for s in layer.spans]
    relations = [(index[r.source], index[r.target], r.type) for r in layer.relations]
    return _line(head, entities, relations, numbers)


# -- reading ---------------------------------------------------------------------------------
def read(path: Path, schema: LabelSchema, options: ImportOptions) -> Iterator[AnnotatedDocument]:
    """One record per non-blank line; InputError names the line of the first problem."""
    intake = Intake(schema, options, path)
    try:
        with open_utf8(path, newline="\n") as handle:
            for lineno, raw in enumerate(lines(handle, str(path)), start=1):
                if not raw.strip():
                    continue
                where = f"line {lineno}"
                try:
                    data = parse_json(raw)
                except json.JSONDecodeError as exc:
                    raise intake.error(
                        f"not valid JSON ({exc.msg} at column {exc.colno})", where
                    ) from None
                yield _record(data, intake, where)
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 (byte {exc.start} of a read block)", str(path)) from None
    intake.finish()


def _record(data: Any, intake: Intake, where: str) -> AnnotatedDocument:
    if not isinstance(data, dict):
        raise intake.error("a doccano line is a JSON object", where)
    text = check_text(data.get("text"), intake.file, where)
    meta = data.get("meta") or {}
    if not isinstance(meta, dict):
        raise intake.error('"meta" must be an object', where)
    meta = {**{k: v for k, v in data.items() if k not in _OWN_KEYS}, **meta}
    uid = text_uid(text)
    if data.get("id") not in (None, uid):
        meta.setdefault("id", data["id"])
    doc = intake.document(text, str(data.get("title") or ""), meta, where, uid)
    found = data.get("annotator")
    annotator = intake.options.annotator_for(found if isinstance(found, str) else None)
    if "entities" in data:
        spans, relations = _relation_form(data, doc, annotator, intake, where)
        return AnnotatedDocument(doc, spans, relations)
    entries = data.get("label", data.get("labels")) or []
    if not isinstance(entries, list):
        raise intake.error('"label" must be a list of [start, end, "LABEL"]', where)
    spans = []
    for i, entry in enumerate(entries, start=1):
        if not (isinstance(entry, list | tuple) and len(entry) == 3):
            raise intake.error(
                f'label entry {i} must be [start, end, "LABEL"], got {entry!r}', where
            )
        spans.append(intake.span(doc, entry[0], entry[1], entry[2], annotator, where))
    return AnnotatedDocument(doc, tuple(spans))


def _relation_form(
    data: dict[str, Any], doc: Document, annotator: str, intake: Intake, where: str
) -> tuple[tuple[Span, ...], tuple[Relation, ...]]:
    entities, relations = data.get("entities"), data.get("relations") or []
    if not isinstance(entities, list) or not isinstance(relations, list):
        raise intake.error('"entities" and "relations" must be lists', where)
    by_id: dict[Any, Span] = {}
    spans = []
    for i, entity in enumerate(entities, start=1):
        if not isinstance(entity, dict):
            raise intake.error(f"entity {i} must be an object", where)
        span = intake.span(
            doc,
            entity.get("start_offset"),
            entity.get("end_offset"),
            entity.get("label"),
            annotator,
            where,
        )
        key = entity.get("id")
        if not isinstance(key, Hashable):
            raise intake.error(f"entity {i}: the id must be a string or a number, got {key!r}",
                               where)
        if key in by_id:
            raise intake.error(f"two entities have the id {key!r}", where)
        by_id[key] = span
        spans.append(span)
    rels = []
    for i, rel in enumerate(relations, start=1):
        if not isinstance(rel, dict):
            raise intake.error(f"relation {i} must be an object", where)
        ends = []
        for key in ("from_id", "to_id"):
            if not isinstance(rel.get(key), Hashable) or rel.get(key) not in by_id:
                raise intake.error(
                    f"relation {rel.get('id', i)!r}: {key} {rel.get(key)!r} is "
                    "not an entity of this line",
                    where,
                )
            ends.append(by_id[rel[key]])
        rels.append(intake.relation(rel.get("type"), ends[0], ends[1], annotator, where))
    return tuple(spans), tuple(rels)
