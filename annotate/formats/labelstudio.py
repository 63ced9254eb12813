"""Label Studio JSON: a list of tasks ``{"id", "data": {"text", "title", "uid"}, "meta",
"annotations": [{"completed_by", "result": [...]}]}``, one annotation object per annotator.

A span is a ``"labels"`` region ``{"id", "from_name": "label", "to_name": "text", "type":
"labels", "value": {"start", "end", "text", "labels": [LABEL]}}`` whose id is the span id.
Its attributes and note travel as per-region results with the same id, as Label Studio's
``perRegion`` controls produce them: a choice (or flag) as ``"choices"``, text as
``"textarea"``, a number as ``"number"``, the note as a ``"textarea"`` named ``"note"``.
A relation is ``{"type": "relation", "from_id", "to_id", "direction": "right", "labels":
[TYPE]}``. An annotator's document labels are a ``"choices"`` result per category (its
name as ``from_name``, the values as the choices). Statuses have no place and are counted as
lost, and so are text attributes named ``note`` (they would read back as the note).

``completed_by`` is written as Label Studio's importer takes it (``tasks/serializers.py``,
``_insert_valid_completed_by``): an integer member id for an annotator read as
``annotator-<id>``, else ``{"email": ...}``: the name itself when it is an email address,
else ``<name>@counterclaim.invalid`` (read back as ``<name>``; give those members that
address in Label Studio, or let it import unknown emails).

Reading takes the text from ``data.text``, else the task's only text field, else the field
``ImportOptions.text_key`` names; a list of ``{"text", ...}`` objects is Label Studio's
Paragraphs (kept one paragraph a line, the other fields in the meta). Regions may be
``labels`` (code points; versions that counted UTF-16 units are recognised when the region
text only matches that way), ``hypertextlabels`` (placed by ``globalOffsets``, else by their
XPaths, in the text the HTML shows: :mod:`annotate.formats.html_text`; the HTML is kept in
the meta as ``html``) and ``paragraphlabels``. Whole-text results: ``choices`` are document
labels (the control's name is the category, each choice a value), ``rating`` too (the rating
as the value), ``textarea`` goes into the meta's ``notes``. Predictions are each a layer named
after their ``model_version``. What has no place (other result types, cancelled annotations,
drafts, reviews, scores) is counted as not imported.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import Any

from annotate import strings
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
from annotate.formats.html_text import ShownText
from annotate.formats.targets import atomic_write
from annotate.model import GOLD, AnnotatedDocument, DocLabel, Document, Relation, Span, text_uid
from annotate.schema import LabelSchema

NOTE = "note"
LOST_NOTE_NAMED = f"text attributes named {NOTE} not carried by Label Studio (it holds the note)"
MEMBER = "annotator-"
"""How an annotator Label Studio names only by member id is called here: ``annotator-14``."""
PLACEHOLDER_DOMAIN = "@counterclaim.invalid"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_VALUE_KEY = {"choices": "choices", "textarea": "text", "number": "number", "rating": "rating"}
_REGIONS = ("labels", "hypertextlabels", "paragraphlabels")
_DATA_KEYS = ("title", "uid", "meta")
_SPACE = re.compile(r"[ \t\n\r]*")
UNTYPED = "relation"
"""The type of a relation Label Studio gives none (its relations need no labels)."""

CANCELLED = "cancelled annotations (Label Studio leaves them out of its results too)"
DRAFTS = "drafts (unsubmitted annotations)"
REVIEWS = "reviews of annotations"
SCORES = "prediction scores"
EMPTY = "tasks with an empty text (nothing to annotate)"
ON_EMPTY = "results on tasks with an empty text"


def not_placed(kind: str) -> str:
    """The loss of a result type no text annotation holds."""
    return f"{kind} results (no place in a text annotation)"


# -- writing ---------------------------------------------------------------------------------
def completed_by(annotator: str) -> int | dict[str, str]:
    """``annotator`` as Label Studio's importer takes it: a member's id or their email."""
    number = annotator.removeprefix(MEMBER)
    if number != annotator and number.isascii() and number.isdigit() and str(int(number)) == number:
        return int(number)
    return {"email": annotator if _EMAIL.fullmatch(annotator) else annotator + PLACEHOLDER_DOMAIN}


def write(records: Iterable[AnnotatedDocument], out: Path, schema: LabelSchema) -> ExportReport:
    report = ExportReport("labelstudio")
    with atomic_write(out, "labelstudio") as handle:
        handle.write("[")
        for n, record in enumerate(records, start=1):
            record = writable(record, report)
            report.documents += 1
            report.drop(record, FORMATS["labelstudio"].drops)
            doc = record.document
            present = [layer for layer in layers(record, report, doc_labels=True)
                       if layer.annotator is not None]
            task = {
                "id": n,
                "data": {"text": doc.text, "title": doc.title, "uid": doc.uid},
                "meta": doc.meta,
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
    assert layer.annotator is not None
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
    for category, labels in groupby(layer.doc_labels, key=attrgetter("category")):
        result.append(
            {
                "id": stable_id(layer.annotator, category)[:10],
                "from_name": category,
                "to_name": "text",
                "type": "choices",
                "value": {"choices": [label.value for label in labels]},
                "origin": "manual",
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
        "completed_by": completed_by(layer.annotator),
        "result": result,
        "was_cancelled": False,
        "ground_truth": layer.annotator == GOLD,
    }


# -- reading ---------------------------------------------------------------------------------
def read(path: Path, schema: LabelSchema, options: ImportOptions) -> Iterator[AnnotatedDocument]:
    """One record per task; InputError names the line the task starts on, the task, and the
    annotation and result at fault."""
    intake = Intake(schema, options, path)
    try:
        tasks = _tasks(read_utf8(path).removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise intake.error(
            f"not valid JSON ({exc.msg} at column {exc.colno})", f"line {exc.lineno}"
        ) from None
    context = _FileContext(intake, [task for _, task in tasks])
    for i, (line, task) in enumerate(tasks, start=1):
        record = context.task(task, f"line {line}, task {i}")
        if record is not None:
            yield record
    intake.finish()


def _tasks(text: str) -> list[tuple[int, Any]]:
    """The tasks of a Label Studio file (a list of them, or one) with the line each starts
    on; JSONDecodeError if the file is not JSON."""
    decode = json.JSONDecoder().raw_decode
    tasks: list[tuple[int, Any]] = []
    at = _SPACE.match(text).end()
    try:
        if not text.startswith("[", at):
            task, end = decode(text, at)
            tasks.append((1 + text.count("\n", 0, at), task))
            at = end
        else:
            at, line, counted = _SPACE.match(text, at + 1).end(), 1, 0
            while not text.startswith("]", at) or tasks:
                line, counted = line + text.count("\n", counted, at), at
                task, at = decode(text, at)
                tasks.append((line, task))
                at = _SPACE.match(text, at).end()
                if text.startswith("]", at):
                    break
                if not text.startswith(",", at):
                    raise json.JSONDecodeError("Expecting ',' delimiter", text, at)
                at = _SPACE.match(text, at + 1).end()
            at += 1
    except RecursionError:
        raise json.JSONDecodeError("arrays or objects nested too deeply", text, at) from None
    if _SPACE.match(text, at).end() != len(text):
        raise json.JSONDecodeError("Extra data", text, at)
    return tasks


_ENTRIES = ("annotations", "completions", "predictions")


def _entries(task: dict[str, Any]) -> Iterator[tuple[str, int, Any]]:
    """A task's annotations (also the old ``completions``) and predictions, with their key
    and number."""
    for key in _ENTRIES:
        entries = task.get(key) or []
        for j, entry in enumerate(entries if isinstance(entries, list) else (), start=1):
            yield key, j, entry


def _results(task: dict[str, Any]) -> Iterator[Any]:
    for _, _, entry in _entries(task):
        if isinstance(entry, dict) and isinstance(entry.get("result"), list):
            yield from entry["result"]


@dataclass
class _Text:
    """A task's text and how Label Studio's regions are placed in it."""

    text: str
    html: ShownText | None = None
    paragraphs: list[int] = field(default_factory=list)  # where each paragraph starts


class _FileContext:
    """What holds for the whole file: the region ids used, whether the texts are HTML, and
    which email each member id has."""

    def __init__(self, intake: Intake, tasks: list[Any]):
        self.intake = intake
        self.used_ids: set[str] = set()
        tasks = [t for t in tasks if isinstance(t, dict)]
        results = [r for t in tasks for r in _results(t) if isinstance(r, dict)]
        self.html = any(r.get("type") == "hypertextlabels" for r in results)
        self.emails: dict[int, str] = {}
        for task in tasks:
            for _, _, entry in _entries(task):
                who = entry.get("completed_by") if isinstance(entry, dict) else None
                if isinstance(who, dict) and isinstance(who.get("id"), int) and isinstance(
                        who.get("email"), str) and who["email"]:
                    self.emails[who["id"]] = who["email"]

    def task(self, task: Any, where: str) -> AnnotatedDocument | None:
        intake = self.intake
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise intake.error('a task is an object with a "data" object', where)
        data = task["data"]
        key = _text_key(data, intake.options.text_key, intake, where)
        if data[key] in ("", []):
            intake.lose(EMPTY)
            intake.lose(ON_EMPTY, sum(1 for _ in _results(task)))
            return None
        shown = self._text(data[key], key, where)
        meta = {k: v for k, v in data.items() if k not in _DATA_KEYS and k != key}
        for extra in (data.get("meta"), task.get("meta")):
            if extra is not None and not isinstance(extra, dict):
                raise intake.error('"meta" must be an object', where)
            meta.update(extra or {})
        if shown.html is not None:
            meta["html"] = data[key]
        elif shown.paragraphs:
            meta[key] = [{k: v for k, v in p.items() if k != "text"} for p in data[key]]
        uid = text_uid(shown.text)
        if data.get("uid") not in (None, uid):
            raise intake.error(f"data.uid {data['uid']} is not the sha256 of the text", where)
        doc = intake.document(shown.text, str(data.get("title") or ""), meta, where, uid)
        intake.lose(DRAFTS, _how_many(task.get("drafts"), "drafts", intake, where))
        for key in _ENTRIES:  # _entries reads one that is no list as none: refused here
            _listed(task.get(key), key, intake, where)
        spans: list[Span] = []
        relations: list[Relation] = []
        notes: list[dict[str, Any]] = []
        doc_labels: set[DocLabel] = set()
        for kind, j, entry in _entries(task):
            here = f"{where}, {kind} {j}"
            if not isinstance(entry, dict):
                raise intake.error(f"{kind} {j} must be an object", where)
            if entry.get("was_cancelled"):
                intake.lose(CANCELLED)
                continue
            intake.lose(REVIEWS, _how_many(entry.get("reviews"), "reviews", intake, here))
            if kind == "predictions":
                version = entry.get("model_version")
                annotator = version.strip() if isinstance(version, str) and version.strip() \
                    else "prediction"
                intake.lose(SCORES, int(entry.get("score") is not None))
            else:
                annotator = self._annotator(entry.get("completed_by"))
            reader = _AnnotationReader(doc, shown, annotator, self, here)
            reader.read(entry.get("result") or [])
            spans += reader.spans
            relations += reader.relations
            notes += reader.notes
            doc_labels.update(reader.doc_labels)
        if notes:  # the same document (uid), with the notes on the whole text in its meta
            doc = intake.document(doc.text, doc.title, {**meta, "notes": notes}, where, uid)
        return AnnotatedDocument(doc, tuple(spans), tuple(relations),
                                 doc_labels=tuple(sorted(doc_labels, key=attrgetter("key"))))

    def _text(self, value: Any, key: str, where: str) -> _Text:
        file = self.intake.file
        if isinstance(value, list):
            starts, texts, at = [], [], 0
            for i, paragraph in enumerate(value, start=1):
                if not isinstance(paragraph, dict) or not isinstance(paragraph.get("text"), str):
                    raise self.intake.error(f'data.{key}: paragraph {i} is not an object with a '
                                            '"text"', where)
                starts.append(at)
                texts.append(paragraph["text"])
                at += len(paragraph["text"]) + 1
            return _Text(check_text("\n".join(texts), file, f"{where}, data.{key}"),
                         paragraphs=starts)
        text = check_text(value, file, f"{where}, data.{key}")
        if not self.html:
            return _Text(text)
        shown = ShownText(text)
        return _Text(check_text(shown.text, file, f"{where}, data.{key} (the text it shows)"),
                     html=shown)

    def _annotator(self, found: Any) -> str:
        """The annotator an annotation's ``completed_by`` names: their email (our own
        placeholder address read back as the name), a name as is, a member id as
        ``annotator-<id>`` unless the file gives their email elsewhere."""
        options = self.intake.options
        if isinstance(found, dict):
            email, number = found.get("email"), found.get("id")
            found = email if isinstance(email, str) and email else number
        if isinstance(found, int) and not isinstance(found, bool):
            if found in self.emails:
                found = self.emails[found]
            else:
                return options.annotator or f"{MEMBER}{found}"
        if isinstance(found, str) and found:
            return found.removesuffix(PLACEHOLDER_DOMAIN) or found
        return options.annotator_for(None)


def _how_many(listed: Any, key: str, intake: Intake, where: str) -> int:
    """How many entries the list under ``key`` holds (what is counted as not imported: a
    task's drafts, an annotation's reviews); none when it is left out."""
    return len(_listed(listed, key, intake, where))


def _listed(listed: Any, key: str, intake: Intake, where: str) -> list[Any]:
    """The list under ``key``, empty when it is left out; InputError naming ``key`` when it is
    anything but a list."""
    if listed is None:
        return []
    if not isinstance(listed, list):
        raise intake.error(f'"{key}" must be a list', where)
    return listed


def _text_key(data: dict[str, Any], given: str | None, intake: Intake, where: str) -> str:
    """The data field holding the task's text: ``given``, else ``text``, else the only text
    field (or list of paragraphs)."""
    if given is not None:
        if given not in data:
            raise intake.error(f"the task's data has no field {given!r} (--text-key); it has "
                               f"{', '.join(map(repr, data)) or 'none'}", where)
        return given
    if isinstance(data.get("text"), str):
        return "text"
    texts = [k for k, v in data.items() if k not in _DATA_KEYS and isinstance(v, str)]
    if len(texts) == 1:
        return texts[0]
    lists = [k for k, v in data.items() if isinstance(v, list) and v
             and all(isinstance(p, dict) and isinstance(p.get("text"), str) for p in v)]
    if not texts and len(lists) == 1:
        return lists[0]
    found = ", ".join(map(repr, texts + lists))
    raise intake.error(
        f"which data field holds the text? The task has {found or 'no text field'}; "
        "name it with --text-key", where)


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
    """The spans and relations of one annotation (or prediction) object."""

    def __init__(self, doc: Document, shown: _Text, annotator: str, context: _FileContext,
                 where: str):
        self.doc, self.shown, self.annotator = doc, shown, annotator
        self.intake, self.context, self.where = context.intake, context, where
        self.spans: list[Span] = []
        self.relations: list[Relation] = []
        self.notes: list[dict[str, Any]] = []
        self.doc_labels: list[DocLabel] = []

    def read(self, results: Any) -> None:
        if not isinstance(results, list):
            raise self.intake.error('"result" must be a list', self.where)
        located = []
        for k, result in enumerate(results, start=1):
            where = f"{self.where}, result {k}"
            if not isinstance(result, dict) or not isinstance(result.get("value", {}), dict):
                raise self.intake.error('a result is an object with a "value" object', where)
            located.append((result, where))
            self.intake.lose(SCORES, int(result.get("score") is not None))
        regions = {
            str(r.get("id")): self._region(r, where)
            for r, where in located
            if r.get("type") in _REGIONS
        }
        for result, where in located:
            kind = result.get("type")
            if kind in _REGIONS or kind == "relation":
                continue
            region = regions.get(str(result.get("id")))
            if region is not None:
                self._per_region(result, region, where)
            else:
                self._whole_text(result, where)
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
        kind = result["type"]
        value = result.get("value")
        if not isinstance(value, dict):
            raise self.intake.error(f'a {kind} result needs its "value" object', where)
        labels = value.get(kind, value.get("labels"))
        if not isinstance(labels, list) or not labels:
            raise self.intake.error(f'a {kind} region needs a non-empty "{kind}" list', where)
        if kind == "paragraphlabels":
            start, end = self._in_paragraphs(value, where)
        elif kind == "hypertextlabels":
            start, end = self._in_html(value, where)
        else:
            start, end = self._in_text(value, where)
        return _Region(start, end, labels, where)

    def _in_text(self, value: dict[str, Any], where: str) -> tuple[int, int]:
        if self.shown.html is not None or self.shown.paragraphs:
            raise self.intake.error("a labels region on a text that is HTML or paragraphs",
                                    where)
        start, end, stated = value.get("start"), value.get("end"), value.get("text")
        try:
            check_span_text(self.doc.text, start, end,
                            stated if isinstance(stated, str) else None, self.intake.file, where)
        except InputError:
            converted = self._from_utf16(start, end, stated)
            if converted is None:
                raise
            return converted
        return start, end

    def _in_html(self, value: dict[str, Any], where: str) -> tuple[int, int]:
        """A HyperText region: by its globalOffsets, else by its XPaths and offsets."""
        html = self.shown.html
        if html is None:
            raise self.intake.error("a hypertextlabels region on a text that is not HTML", where)
        offsets = value.get("globalOffsets")
        if isinstance(offsets, dict):
            given = offsets.get("start"), offsets.get("end")
        else:
            given = tuple(
                html.at(path, offset)
                if isinstance(path, str) and type(offset) is int and offset >= 0 else None
                for path, offset in ((value.get("start"), value.get("startOffset")),
                                     (value.get("end"), value.get("endOffset")))
            )
        if not all(type(g) is int and g >= 0 for g in given):
            raise self.intake.error(
                "a hypertextlabels region needs globalOffsets, or start and end XPaths with "
                f"offsets that are in the HTML; got {value!r}"[:300], where)
        start, end = html.start(given[0]), html.end(given[1])
        check_span_text(self.doc.text, start, end, None, self.intake.file, where)
        return start, end

    def _in_paragraphs(self, value: dict[str, Any], where: str) -> tuple[int, int]:
        starts = self.shown.paragraphs
        if not starts:
            raise self.intake.error("a paragraphlabels region on a text that is not paragraphs",
                                    where)
        ends = [*starts[1:], len(self.doc.text) + 1]
        placed = []
        for index, offset in ((value.get("start"), value.get("startOffset")),
                              (value.get("end"), value.get("endOffset"))):
            if isinstance(index, str) and index.isascii() and index.isdigit():
                index = int(index)
            if type(index) is not int or not 0 <= index < len(starts) or type(offset) is not int \
                    or not 0 <= offset < ends[index] - starts[index]:
                raise self.intake.error(
                    f"paragraph {index!r}, offset {offset!r} is not in the {len(starts)} "
                    "paragraphs", where)
            placed.append(starts[index] + offset)
        check_span_text(self.doc.text, placed[0], placed[1], None, self.intake.file, where)
        return placed[0], placed[1]

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
        used = self.context.used_ids
        try:
            span_id: str | None = str(uuid.UUID(region))
        except ValueError:
            span_id = None
        if span_id is None or span_id in used:
            span_id = stable_id(self.doc.uid, self.annotator, region, label)
        used.add(span_id)
        return span_id

    def _per_region(self, result: dict[str, Any], region: _Region, where: str) -> None:
        kind, name, value = result.get("type"), result.get("from_name"), result.get("value") or {}
        if kind == "textarea" and name == NOTE:
            region.note = self._note(value.get("text"), where)
            return
        if kind not in _VALUE_KEY or not isinstance(name, str):
            self.intake.lose(f"per-region {kind} results (no place on a span)")
            return
        shown = value.get(_VALUE_KEY[kind])
        if kind in ("choices", "textarea"):
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

    def _note(self, text: Any, where: str) -> str:
        """A region's note from its textarea's ``text``: Label Studio's list of lines, joined
        by line breaks, or one string. Before, a string was cut into its characters, one a
        line, and a line that was no string kept as its repr ("None")."""
        if isinstance(text, str):
            return text
        if text is None or (isinstance(text, list) and all(isinstance(t, str) for t in text)):
            return "\n".join(text or ())
        raise self.intake.error(
            f"a note is text or a list of lines, got {strings.shown(text)}", where)

    def _whole_text(self, result: dict[str, Any], where: str) -> None:
        """A result about the whole text: a classification or a rating (document labels: the
        control's name is the category), a comment (the meta's notes)."""
        kind, value = result.get("type"), result.get("value") or {}
        name = result.get("from_name")
        if kind == "choices":
            choices = value.get("choices")
            if not isinstance(choices, list):
                raise self.intake.error(f'a choices result needs a "choices" list, got '
                                        f"{choices!r}", where)
            self.doc_labels += [self.intake.doc_label(self.doc, name, choice, self.annotator,
                                                      where) for choice in choices]
        elif kind == "rating":
            rating = value.get("rating")
            if type(rating) is not int:
                raise self.intake.error(f"a rating must be a whole number, got {rating!r}", where)
            self.doc_labels.append(
                self.intake.doc_label(self.doc, name, str(rating), self.annotator, where))
        elif kind == "textarea":
            self.notes.append({"annotator": self.annotator, "name": result.get("from_name"),
                               "text": value.get("text")})
        else:
            self.intake.lose(not_placed(str(kind)))

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
        labels = result.get("labels") or [UNTYPED]
        if not isinstance(labels, list):
            raise self.intake.error('a relation\'s "labels" must be a list of types', where)
        self.relations += [
            self.intake.relation(rtype, ends[0], ends[1], self.annotator, where) for rtype in labels
        ]
