"""Label Studio JSON: a list of tasks ``{"id", "data": {"text", "title", "uid", "meta"},
"annotations": [{"completed_by", "result": [...]}]}``, one annotation object per annotator.

A span is a ``"labels"`` region ``{"id", "from_name": "label", "to_name": "text", "type":
"labels", "value": {"start", "end", "text", "labels": [LABEL]}}`` whose id is the span id.
Its attributes and note travel as per-region results with the same id, as Label Studio's
``perRegion`` controls produce them: a choice (or flag) as ``"choices"``, text as
``"textarea"``, a number as ``"number"``, the note as a ``"textarea"`` named ``"note"``.
A relation is ``{"type": "relation", "from_id", "to_id", "direction": "right", "labels":
[TYPE]}``. Statuses have no place and are counted as lost, and so are text attributes named
``note`` (they would read back as the note).

Reading also takes ``"predictions"`` (and the old ``"completions"``), skips cancelled
annotations, and names the annotator by ``completed_by``: a name as is, a numeric id (what
Label Studio exports) as ``annotator-<id>`` unless ``ImportOptions.annotator`` is given.
Offsets are code points; Label Studio versions that counted UTF-16 units (before its
emoji fix) are recognised when the region text only matches that way. Results that are not
regions, per-region values or relations (whole-text classifications) have no place and are
skipped.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotate.errors import InputError
from annotate.formats import FORMATS
from annotate.formats.base import (
    ExportReport,
    ImportOptions,
    Intake,
    Layer,
    check_span_text,
    check_text,
    json_text,
    layers,
    read_utf8,
    stable_id,
    writable,
)
from annotate.formats.targets import atomic_write
from annotate.inputs import parse_json
from annotate.model import GOLD, AnnotatedDocument, Document, Relation, Span, text_uid
from annotate.schema import LabelSchema

NOTE = "note"
LOST_NOTE_NAMED = f"text attributes named {NOTE} not carried by Label Studio (it holds the note)"
_VALUE_KEY = {"choices": "choices", "textarea": "text", "number": "number"}


# -- writing ---------------------------------------------------------------------------------
def write(records: Iterable[AnnotatedDocument], out: Path, schema: LabelSchema) -> ExportReport:
    report = ExportReport("labelstudio")
    with atomic_write(out, "labelstudio") as handle:
        handle.write("[")
        for n, record in enumerate(records, start=1):
            record = writable(record, report)
            report.documents += 1
            report.drop(record, FORMATS["labelstudio"].drops)
            doc = record.document
            present = [layer for layer in layers(record, report) if layer.annotator is not None]
            task = {
                "id": n,
                "data": {"text": doc.text, "title": doc.title, "uid": doc.uid, "meta": doc.meta},
                "annotations": [_annotation(doc.text, layer, schema, report)
                                for layer in present],
            }
            report.spans += sum(len(layer.spans) for layer in present)
            report.relations += sum(len(layer.relations) for layer in present)
            handle.write(("\n" if n == 1 else ",\n") + json_text(task))
        handle.write("\n]\n")
    return report


def _annotation(text: str, layer: Layer, schema: LabelSchema,
                report: ExportReport) -> dict[str, Any]:
    result: list[dict[str, Any]] = []
    for span in layer.spans:
        where = {"start": span.start, "end": span.end, "text": text[span.start : span.end]}
        result.append(
            {
                "id": span.id,
                "from_name": "label",
                "to_name": "text",
                "type": "labels",
                "value": {**where, "labels": [span.label]},
                "origin": "manual",
            }
        )
        label = schema.label(span.label)
        for name, value in span.attributes.items():
            if value is None:
                continue
            attr = label.attribute(name) if label else None
            if isinstance(value, bool):
                kind, shown = "choices", ["true" if value else "false"]
            elif isinstance(value, int | float):
                kind, shown = "number", value
            else:
                kind = "choices" if attr is not None and attr.type == "choice" else "textarea"
                shown = [value]
            if kind == "textarea" and name == NOTE:
                report.lose(LOST_NOTE_NAMED)
                continue
            result.append(
                {
                    "id": span.id,
                    "from_name": name,
                    "to_name": "text",
                    "type": kind,
                    "value": {**where, _VALUE_KEY[kind]: shown},
                }
            )
        if span.note is not None:
            result.append(
                {
                    "id": span.id,
                    "from_name": NOTE,
                    "to_name": "text",
                    "type": "textarea",
                    "value": {**where, "text": [span.note]},
                }
            )
    for rel in layer.relations:
        result.append(
            {
                "from_id": rel.source,
                "to_id": rel.target,
                "type": "relation",
                "direction": "right",
                "labels": [rel.type],
            }
        )
    return {
        "completed_by": layer.annotator,
        "result": result,
        "was_cancelled": False,
        "ground_truth": layer.annotator == GOLD,
    }


# -- reading ---------------------------------------------------------------------------------
def read(path: Path, schema: LabelSchema, options: ImportOptions) -> Iterator[AnnotatedDocument]:
    """One record per task; InputError names the task, annotation and result at fault."""
    intake = Intake(schema, options, path)
    try:
        data = parse_json(read_utf8(path).removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise intake.error(
            f"not valid JSON ({exc.msg} at column {exc.colno})", f"line {exc.lineno}"
        ) from None
    tasks = data if isinstance(data, list) else [data]
    used_ids: set[str] = set()
    for i, task in enumerate(tasks, start=1):
        yield _task(task, f"task {i}", intake, used_ids)
    intake.finish()


def _task(task: Any, where: str, intake: Intake, used_ids: set[str]) -> AnnotatedDocument:
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise intake.error('a task is an object with a "data" object', where)
    data = task["data"]
    text = check_text(data.get("text"), intake.file, where)
    meta = data.get("meta") or {}
    if not isinstance(meta, dict):
        raise intake.error('"data.meta" must be an object', where)
    meta = {**{k: v for k, v in data.items() if k not in ("text", "title", "uid", "meta")}, **meta}
    uid = text_uid(text)
    if data.get("uid") not in (None, uid):
        raise intake.error(f"data.uid {data['uid']} is not the sha256 of the text", where)
    doc = intake.document(text, str(data.get("title") or ""), meta, where, uid)
    spans: list[Span] = []
    relations: list[Relation] = []
    for key in ("annotations", "completions", "predictions"):
        entries = task.get(key) or []
        if not isinstance(entries, list):
            raise intake.error(f'"{key}" must be a list of objects', where)
        for j, annotation in enumerate(entries, start=1):
            if not isinstance(annotation, dict):
                raise intake.error(f"{key} {j} must be an object", where)
            if annotation.get("was_cancelled"):
                continue
            annotator = _annotator(annotation.get("completed_by"), intake.options)
            reader = _AnnotationReader(doc, annotator, intake, used_ids, f"{where}, {key} {j}")
            reader.read(annotation.get("result") or [])
            spans += reader.spans
            relations += reader.relations
    return AnnotatedDocument(doc, tuple(spans), tuple(relations))


def _annotator(found: Any, options: ImportOptions) -> str:
    if isinstance(found, dict):
        found = found.get("email") or found.get("username") or found.get("id")
    if isinstance(found, str):
        return options.annotator_for(found)
    if isinstance(found, int) and not isinstance(found, bool):
        return options.annotator or f"annotator-{found}"
    return options.annotator_for(None)


def _utf16_to_code_points(text: str) -> dict[int, int]:
    """UTF-16 unit offset -> code point offset, at every code point boundary."""
    table, units = {}, 0
    for i, char in enumerate(text):
        table[units] = i
        units += 2 if ord(char) > 0xFFFF else 1
    table[units] = len(text)
    return table


@dataclass
class _Region:
    start: int
    end: int
    labels: list[str]
    where: str
    attributes: dict[str, Any] = field(default_factory=dict)
    note: str | None = None


class _AnnotationReader:
    """The spans and relations of one annotation object."""

    def __init__(
        self, doc: Document, annotator: str, intake: Intake, used_ids: set[str], where: str
    ):
        self.doc, self.annotator, self.intake = doc, annotator, intake
        self.used_ids, self.where = used_ids, where
        self.spans: list[Span] = []
        self.relations: list[Relation] = []

    def read(self, results: Any) -> None:
        if not isinstance(results, list):
            raise self.intake.error('"result" must be a list', self.where)
        located = []
        for k, result in enumerate(results, start=1):
            where = f"{self.where}, result {k}"
            if not isinstance(result, dict) or not isinstance(result.get("value", {}), dict):
                raise self.intake.error('a result is an object with a "value" object', where)
            located.append((result, where))
        regions = {
            str(r.get("id")): self._region(r, where)
            for r, where in located
            if r.get("type") == "labels"
        }
        for result, where in located:
            region = regions.get(str(result.get("id")))
            if region is not None and result.get("type") not in ("labels", "relation"):
                self._per_region(result, region, where)
        first: dict[str, Span] = {}
        for key, region in regions.items():
            for label in region.labels:
                span = self.intake.span(
                    self.doc,
                    region.start,
                    region.end,
                    label,
                    self.annotator,
                    region.where,
                    attributes=region.attributes,
                    note=region.note,
                    span_id=self._span_id(key, label),
                )
                first.setdefault(key, span)
                self.spans.append(span)
        for result, where in located:
            if result.get("type") == "relation":
                self._relation(result, first, where)

    def _region(self, result: dict[str, Any], where: str) -> _Region:
        value = result.get("value")
        if not isinstance(value, dict):
            raise self.intake.error('a "labels" result needs its "value" object', where)
        start, end, stated = value.get("start"), value.get("end"), value.get("text")
        try:
            check_span_text(
                self.doc.text,
                start,
                end,
                stated if isinstance(stated, str) else None,
                self.intake.file,
                where,
            )
        except InputError:
            converted = self._from_utf16(start, end, stated)
            if converted is None:
                raise
            start, end = converted
        labels = value.get("labels")
        if not isinstance(labels, list) or not labels:
            raise self.intake.error(
                'a labels region needs a non-empty "labels" list', where
            ) from None
        return _Region(start, end, labels, where)

    def _from_utf16(self, start: Any, end: Any, stated: Any) -> tuple[int, int] | None:
        """Offsets from a Label Studio that counted UTF-16 units, if they read that way."""
        text = self.doc.text
        if type(start) is not int or type(end) is not int:
            return None
        table = _utf16_to_code_points(text)
        if max(table) == len(text) or start not in table or end not in table:
            return None  # no astral characters, or not UTF-16 boundaries
        cp_start, cp_end = table[start], table[end]
        return (cp_start, cp_end) if cp_start < cp_end and text[cp_start:cp_end] == stated else None

    def _span_id(self, region: str, label: str) -> str:
        try:
            span_id: str | None = str(uuid.UUID(region))
        except ValueError:
            span_id = None
        if span_id is None or span_id in self.used_ids:
            span_id = stable_id(self.doc.uid, self.annotator, region, label)
        self.used_ids.add(span_id)
        return span_id

    def _per_region(self, result: dict[str, Any], region: _Region, where: str) -> None:
        kind, name, value = result.get("type"), result.get("from_name"), result["value"]
        if kind == "textarea" and name == NOTE:
            region.note = "\n".join(str(t) for t in value.get("text") or ())
            return
        if kind not in _VALUE_KEY or not isinstance(name, str):
            return
        shown = value.get(_VALUE_KEY[kind])
        if kind != "number":
            if not isinstance(shown, list) or len(shown) != 1:
                raise self.intake.error(f"{name}: expected one value, got {shown!r}", where)
            shown = shown[0]
        label = self.intake.schema.label(
            self.intake.options.label_map.get(region.labels[0], region.labels[0])
        )
        attr = label.attribute(name) if label else None
        if attr is not None and attr.type == "bool" and shown in ("true", "false"):
            shown = shown == "true"
        region.attributes[name] = shown

    def _relation(self, result: dict[str, Any], first: dict[str, Span], where: str) -> None:
        ends = []
        for key in ("from_id", "to_id"):
            region = str(result.get(key))
            if region not in first:
                raise self.intake.error(
                    f"relation {key} {result.get(key)!r} is not a region of this annotation", where
                )
            ends.append(first[region])
        if result.get("direction") == "left":
            ends.reverse()
        labels = result.get("labels")
        if not isinstance(labels, list) or not labels:
            raise self.intake.error('a relation needs a type in "labels"', where)
        self.relations += [
            self.intake.relation(rtype, ends[0], ends[1], self.annotator, where) for rtype in labels
        ]
