"""doccano JSONL, in the shapes doccano's current import takes and in those older doccano wrote.

Written, one line per document and annotator (doccano files hold one person's work), in the
shape of the doccano project that would import all the file holds:

* sequence labelling: ``{"text", "label": [[start, end, "LABEL"]]}``;
* text classification (document labels and no spans): ``{"text", "label": ["NAME"]}``;
* intent detection (spans and document labels): ``{"text", "entities": [[start, end,
  "LABEL"]], "cats": ["NAME"]}``;
* relations (when any document has one): ``{"text", "entities": [{"id", "start_offset",
  "end_offset", "label"}], "relations": [{"id", "from_id", "to_id", "type"}]}``, ids integers
  unique in the file; document labels as ``"cats"`` too (counted: doccano's relation projects
  do not read them).

A document label is named by :meth:`LabelSchema.flat_name` (its value, or ``category:value``
when two categories have that value). Each line also has ``"id"`` (document uid),
``"title"``, ``"meta"`` and ``"annotator"``, which doccano keeps as metadata. Attributes,
notes and statuses have no place and are counted as lost.

Read, every line (or object spread over several lines) in any of these shapes:

* ``"label"`` (or ``"labels"``) holding spans ``[start, end, "LABEL"]`` (or objects with
  ``start_offset``, ``end_offset``, ``label``) and/or document labels (strings: the schema's
  category that has that value, else a value of the category ``label``);
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
from dataclasses import dataclass, field
from itertools import count
from operator import attrgetter
from pathlib import Path
from typing import Any, Literal, TextIO

from annotate import strings
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
TEXT_LABELS = "doccano text labels (sequence-to-sequence answers have no place here)"

Entity = tuple[int, int, str]
Shape = Literal["sequence", "classification", "intent", "relation"]
CATS_IN_RELATIONS = ('document labels in a file of relations (written as "cats", which '
                     "doccano's relation projects do not read)")


@dataclass
class _Content:
    """What one line says, whatever its shape: ``relations`` index into ``entities``."""

    head: dict[str, Any]
    entities: list[Entity] = field(default_factory=list)
    relations: list[tuple[int, int, str]] = field(default_factory=list)
    cats: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, data: dict[str, Any]) -> _Content:
        """The content of a line this writer wrote, in any shape."""
        content = cls(data)
        entities = data.pop("entities", None)
        if entities is None:
            for entry in data.pop("label"):
                if isinstance(entry, str):
                    content.cats.append(entry)
                else:
                    content.entities.append(tuple(entry))
        elif entities and isinstance(entities[0], dict):
            index = {e["id"]: i for i, e in enumerate(entities)}
            content.entities = [(e["start_offset"], e["end_offset"], e["label"])
                                for e in entities]
            content.relations = [(index[r["from_id"]], index[r["to_id"]], r["type"])
                                 for r in data.pop("relations")]
        else:
            content.entities = [tuple(e) for e in entities]
        content.cats += data.pop("cats", [])
        return content


class _Lines:
    """Writes the lines of one file in the shape of the doccano project that imports all it
    holds: sequence labelling (``label``: spans), text classification (``label``: names),
    intent detection (``entities`` and ``cats``), relations (``entities`` with ids and
    ``relations``). When a line needs a richer shape, the lines written so far are written
    again in it."""

    def __init__(self, handle: TextIO):
        self.handle = handle
        self.spans = self.cats = self.relations = False  # what the file holds so far
        self.written = 0
        self.entity_ids = count(1)
        self.relation_ids = count(1)

    @property
    def shape(self) -> Shape:
        if self.relations:
            return "relation"
        if self.spans and self.cats:
            return "intent"
        return "classification" if self.cats else "sequence"

    def add(self, content: _Content) -> None:
        before = self.shape
        self.spans |= bool(content.entities)
        self.cats |= bool(content.cats)
        self.relations |= bool(content.relations)
        if self.shape != before and self.written:
            self._rewrite()
        self.handle.write(self._render(content) + "\n")
        self.written += 1

    def _rewrite(self) -> None:
        self.handle.flush()
        with open(self.handle.name, encoding="utf-8", newline="\n") as old:
            previous = old.read().split("\n")[:-1]  # not splitlines(): texts hold U+2028
        self.handle.seek(0)
        self.handle.truncate()
        for raw in previous:
            self.handle.write(self._render(_Content.of(json.loads(raw))) + "\n")

    def _render(self, c: _Content) -> str:
        shape = self.shape
        if shape == "sequence":
            return json_text({**c.head, "label": [list(e) for e in c.entities]})
        if shape == "classification":
            return json_text({**c.head, "label": c.cats})
        if shape == "intent":
            return json_text({**c.head, "entities": [list(e) for e in c.entities],
                              "cats": c.cats})
        ids = [next(self.entity_ids) for _ in c.entities]
        line = {
            **c.head,
            "entities": [{"id": i, "start_offset": s, "end_offset": e, "label": label}
                         for i, (s, e, label) in zip(ids, c.entities, strict=True)],
            "relations": [{"id": next(self.relation_ids), "from_id": ids[a], "to_id": ids[b],
                           "type": rtype} for a, b, rtype in c.relations],
        }
        return json_text({**line, "cats": c.cats} if c.cats else line)


def write(records: Iterable[AnnotatedDocument], out: Path, schema: LabelSchema) -> ExportReport:
    report = ExportReport("doccano")
    cats = 0
    with atomic_write(out, "doccano") as handle:
        lines = _Lines(handle)
        for record in records:
            record = writable(record, report)
            report.documents += 1
            report.drop(record, FORMATS["doccano"].drops)
            for layer in layers(record, report, doc_labels=True):
                lines.add(_content(record.document, layer, schema))
                report.spans += len(layer.spans)
                report.relations += len(layer.relations)
                cats += len(layer.doc_labels)
        if lines.shape == "relation":
            report.lose(CATS_IN_RELATIONS, cats)
    return report


def _content(doc: Document, layer: Layer, schema: LabelSchema) -> _Content:
    head: dict[str, Any] = {"id": doc.uid, "text": doc.text, "title": doc.title, "meta": doc.meta}
    if layer.annotator is not None:
        head["annotator"] = layer.annotator
    index = {span.id: i for i, span in enumerate(layer.spans)}
    return _Content(
        head,
        [(s.start, s.end, s.label) for s in layer.spans],
        [(index[r.source], index[r.target], r.type) for r in layer.relations],
        [schema.flat_name(d.category, d.value) for d in layer.doc_labels],
    )


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
        if found is not None and not isinstance(found, str):  # else dropped, and no word said
            raise self.error(f'"annotator" must be a name, got {strings.shown(found)}')
        annotator = self.intake.options.annotator_for(found)
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
        label_map = self.intake.options.label_map
        doc_labels = {
            self.intake.flat_doc_label(doc, label_map.get(name, name), annotator, self.where)
            for annotator, name in self.document_labels
        }
        return AnnotatedDocument(doc, tuple(self.spans), tuple(self.relations),
                                 doc_labels=tuple(sorted(doc_labels, key=attrgetter("key"))))

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
