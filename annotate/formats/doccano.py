"""doccano JSONL, in the shapes doccano's current import takes and in those older doccano wrote.

Written, one line per document and annotator (doccano files hold one person's work), in the
shape of the project doccano would import it into:

* sequence labelling: ``{"text", "label": [[start, end, "LABEL"]]}``;
* relations (when any document has one): ``{"text", "entities": [{"id", "start_offset",
  "end_offset", "label"}], "relations": [{"id", "from_id", "to_id", "type"}]}``, ids integers
  unique in the file.

Each line also has ``"id"`` (document uid), ``"title"``, ``"meta"`` and ``"annotator"``,
which doccano keeps as metadata. Attributes, notes and statuses have no place and are
counted as lost.

Read, every line (or object spread over several lines) in any of these shapes:

* ``"label"`` (or ``"labels"``) holding spans ``[start, end, "LABEL"]`` (or objects with
  ``start_offset``, ``end_offset``, ``label``) and/or document labels (strings);
* ``"entities"`` as such lists (intent detection) or as objects with ids, with
  ``"relations"``; ``"cats"``: document labels;
* doccano 1.x: ``"annotations": [{"label": ID, "start_offset", "end_offset", "user": N}]``
  (no offsets: a document label); a label given by its id is named ``label-<id>`` unless
  the label map names it (``--map 12=LOC``); each user's work is annotator ``user<N>``.

The text is under ``"text"`` unless ``ImportOptions.text_key`` names another key. A line with
no text or an empty one holds nothing to annotate: it is not imported, and counted (with the
labels on it). Keys doccano adds (``annotation_approver``, ``Comments``...) go into the meta.
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
from annotate.inputs import json_values
from annotate.model import AnnotatedDocument, Document, Relation, Span, text_uid
from annotate.schema import LabelSchema

_OWN_KEYS = {"id", "title", "meta", "annotator", "label", "labels", "entities", "relations",
             "cats", "annotations"}
NO_TEXT = "doccano lines with no text (nothing to annotate; doccano skips them too)"
LABELS_ON_NO_TEXT = "labels on doccano lines with no text"
DOCUMENT_LABELS = "document labels (the store has no document labels yet)"
TEXT_LABELS = "doccano text labels (sequence-to-sequence answers have no place here)"

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
    """One record per JSON object; InputError names the line (where the object starts) of
    the first problem."""
    intake = Intake(schema, options, path)
    try:
        with open_utf8(path, newline="\n") as handle:
            for lineno, data in json_values(handle, str(path)):
                record = _LineReader(intake, f"line {lineno}").record(data)
                if record is not None:
                    yield record
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 (byte {exc.start} of a read block)", str(path)) from None
    intake.finish()


class _LineReader:
    """The record of one doccano line (object)."""

    def __init__(self, intake: Intake, where: str):
        self.intake, self.where = intake, where
        self.spans: list[Span] = []
        self.relations: list[Relation] = []
        self.document_labels: list[tuple[str, str]] = []  # annotator, label

    def error(self, message: str) -> InputError:
        return self.intake.error(message, self.where)

    def record(self, data: Any) -> AnnotatedDocument | None:
        if not isinstance(data, dict):
            raise self.error("a doccano line is a JSON object")
        key = self.intake.options.text_key or "text"
        text = data.get(key)
        if text is None or text == "":
            self.intake.lose(NO_TEXT)
            self.intake.lose(LABELS_ON_NO_TEXT, _label_count(data))
            return None
        text = check_text(text, self.intake.file, f"{self.where}, {key!r}")
        doc = self._document(data, text, key)
        found = data.get("annotator")
        annotator = self.intake.options.annotator_for(found if isinstance(found, str) else None)
        label = data.get("label", data.get("labels"))
        if label is not None:
            self._labels(doc, label, annotator, '"label"')
        entities = data.get("entities")
        if isinstance(entities, list) and any(isinstance(e, dict) for e in entities):
            self._relation_form(doc, entities, data.get("relations") or [], annotator)
        elif entities is not None:
            if data.get("relations"):
                raise self.error('"relations" need "entities" that are objects with ids')
            self._labels(doc, entities, annotator, '"entities"', spans_only=True)
        cats = data.get("cats")
        if cats is not None:
            self._labels(doc, cats, annotator, '"cats"', categories_only=True)
        if data.get("annotations") is not None:
            self._annotations(doc, data["annotations"])
        self.intake.lose(DOCUMENT_LABELS, len(self.document_labels))
        return AnnotatedDocument(doc, tuple(self.spans), tuple(self.relations))

    def _document(self, data: dict[str, Any], text: str, key: str) -> Document:
        meta = data.get("meta") or {}
        if not isinstance(meta, dict):
            raise self.error('"meta" must be an object')
        meta = {**{k: v for k, v in data.items() if k not in _OWN_KEYS and k != key}, **meta}
        uid = text_uid(text)
        if data.get("id") not in (None, uid):
            meta.setdefault("id", data["id"])
        return self.intake.document(text, str(data.get("title") or ""), meta, self.where, uid)

    def _labels(self, doc: Document, entries: Any, annotator: str, field: str, *,
                spans_only: bool = False, categories_only: bool = False) -> None:
        """A list of spans (``[start, end, "LABEL"]`` or objects) and document labels."""
        if not isinstance(entries, list):
            raise self.error(f"{field} must be a list")
        for i, entry in enumerate(entries, start=1):
            if isinstance(entry, str | int) and not isinstance(entry, bool):
                if spans_only:
                    raise self.error(f'{field} entry {i} must be [start, end, "LABEL"], '
                                     f"got {entry!r}")
                self.document_labels.append((annotator, str(entry)))
            elif categories_only:
                raise self.error(f"{field} entry {i} must be a label name, got {entry!r}")
            elif isinstance(entry, list) and len(entry) == 3:
                self.spans.append(self.intake.span(doc, entry[0], entry[1], entry[2], annotator,
                                                   self.where))
            elif isinstance(entry, dict):
                self._span_object(doc, entry, annotator)
            else:
                raise self.error(f'{field} entry {i} must be [start, end, "LABEL"] or a label '
                                 f"name, got {entry!r}")

    def _span_object(self, doc: Document, entry: dict[str, Any], annotator: str) -> Span:
        label = entry.get("label")
        if isinstance(label, int) and not isinstance(label, bool):
            label = self._label_id(label)
        span = self.intake.span(doc, entry.get("start_offset"), entry.get("end_offset"), label,
                                annotator, self.where)
        self.spans.append(span)
        return span

    def _label_id(self, label: int) -> str:
        """The name of a label doccano 1.x gives by its id: as the label map names it
        (``--map 12=LOC``), else ``label-12``."""
        return str(label) if str(label) in self.intake.options.label_map else f"label-{label}"

    def _relation_form(self, doc: Document, entities: list[Any], relations: Any,
                       annotator: str) -> None:
        if not isinstance(relations, list):
            raise self.error('"relations" must be a list')
        by_id: dict[Any, Span] = {}
        for i, entity in enumerate(entities, start=1):
            if not isinstance(entity, dict):
                raise self.error(f"entity {i} must be an object")
            key = entity.get("id")
            if not isinstance(key, Hashable):
                raise self.error(f"entity {i}: the id must be a string or a number, got {key!r}")
            span = self._span_object(doc, entity, annotator)
            if key in by_id:
                raise self.error(f"two entities have the id {key!r}")
            by_id[key] = span
        for i, rel in enumerate(relations, start=1):
            if not isinstance(rel, dict):
                raise self.error(f"relation {i} must be an object")
            ends = []
            for key in ("from_id", "to_id"):
                if not isinstance(rel.get(key), Hashable) or rel.get(key) not in by_id:
                    raise self.error(f"relation {rel.get('id', i)!r}: {key} {rel.get(key)!r} is "
                                     "not an entity of this line")
                ends.append(by_id[rel[key]])
            self.relations.append(
                self.intake.relation(rel.get("type"), ends[0], ends[1], annotator, self.where))

    def _annotations(self, doc: Document, annotations: Any) -> None:
        """doccano 1.x: each annotation names its user and its label by id."""
        if not isinstance(annotations, list):
            raise self.error('"annotations" must be a list')
        for i, entry in enumerate(annotations, start=1):
            if not isinstance(entry, dict):
                raise self.error(f"annotation {i} must be an object")
            user = entry.get("user")
            name = self.intake.options.annotator_for(
                f"user{user}" if isinstance(user, int | str) and str(user) else None)
            if "start_offset" in entry or "end_offset" in entry:
                self._span_object(doc, entry, name)
            elif "label" in entry:
                label = entry["label"]
                if not isinstance(label, str | int) or isinstance(label, bool) or label == "":
                    raise self.error(f"annotation {i}: the label must be a name or an id, "
                                     f"got {label!r}")
                if isinstance(label, int):
                    label = self._label_id(label)
                self.document_labels.append((name, label))
            elif "text" in entry:
                self.intake.lose(TEXT_LABELS)
            else:
                raise self.error(f'annotation {i} has neither offsets, a "label" nor a "text"')


def _label_count(data: dict[str, Any]) -> int:
    """How many labels a line names (for a line that is not imported)."""
    return sum(len(data[k]) for k in ("label", "labels", "entities", "cats", "annotations")
               if isinstance(data.get(k), list))
