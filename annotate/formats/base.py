"""What every exchange format shares: the export report, import options, offset checks,
the per-file import checks and annotator layers (writing files: :mod:`annotate.formats.targets`).

Readers build spans through :class:`Intake`, which maps labels (``ImportOptions.label_map``),
checks offsets and attributes against the schema, gives spans of id-less formats a stable id
(the same file imported twice yields the same ids), and, at the end of the file, reports
every label the schema does not know, all at once.
"""

from __future__ import annotations

import io
import shlex
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from operator import attrgetter
from pathlib import Path
from typing import Any, Literal, TextIO

from annotate import exact_json, strings
from annotate.errors import InputError, ValidationError
from annotate.inputs import MAX_STREAMED_BYTES, open_input, read_input
from annotate.model import (
    SYSTEM,
    AnnotatedDocument,
    DocLabel,
    Document,
    Relation,
    Span,
    fragments_problem,
)
from annotate.schema import LabelSchema, fit_name, is_label_name, label_spelling
from annotate.stable_ids import stable_id
from annotate.validator import Incoming

DEFAULT_ANNOTATOR = "imported"
FLAT_CATEGORY = "label"
"""The document category of a flat document label the schema does not know (doccano's word)."""

# What a format may be unable to carry: the keys of ExportReport.lost, shared so that
# every format words the same loss the same way.
LOST_ATTRIBUTES = "attributes not carried"
LOST_NOTES = "notes not carried"
LOST_RELATIONS = "relations not carried"
LOST_STATUSES = "statuses not carried"
LOST_META = "document metadata not carried"
LOST_DOC_LABELS = "document labels not carried"
LOST_CROSS_LAYER = "relations joining two annotators' spans not carried"
LOST_FRAGMENTS = "discontinuous spans written as one range from their first to last fragment"
LOST_RELATION_NOTES = "notes on relations not carried"
LOST_ACROSS = "links across documents not carried"
Part = Literal["attributes", "notes", "relations", "statuses", "meta", "doc_labels", "fragments",
               "relation notes", "links across documents"]
PARTS: tuple[Part, ...] = ("attributes", "notes", "relations", "statuses", "meta", "doc_labels",
                           "fragments", "relation notes", "links across documents")
"""The parts of a record a format may have no place for."""
_LOST: dict[Part, str] = {
    "attributes": LOST_ATTRIBUTES,
    "notes": LOST_NOTES,
    "relations": LOST_RELATIONS,
    "statuses": LOST_STATUSES,
    "meta": LOST_META,
    "doc_labels": LOST_DOC_LABELS,
    "fragments": LOST_FRAGMENTS,
    "relation notes": LOST_RELATION_NOTES,
    "links across documents": LOST_ACROSS,
}
REPLACED_SURROGATES = "strings holding lone surrogates (replaced by U+FFFD)"


# -- export ----------------------------------------------------------------------------------
def _present(record: AnnotatedDocument, part: Part) -> int:
    """How many of ``part`` ``record`` holds."""
    if part == "attributes":
        return sum(v is not None for s in record.spans for v in s.attributes.values())
    if part == "notes":
        return sum(s.note is not None for s in record.spans)
    if part == "relations":
        return len(record.relations)
    if part == "statuses":
        return len(record.status)
    if part == "doc_labels":
        return len(record.doc_labels)
    if part == "fragments":
        return sum(bool(s.fragments) for s in record.spans)
    if part == "relation notes":
        return sum(r.note is not None for r in record.relations)
    if part == "links across documents":
        return sum(r.crosses for r in record.relations)
    return int(bool(record.document.meta))


@dataclass
class ExportReport:
    """What an export wrote and, in ``lost``, what the format could not carry
    (e.g. ``{"overlapping spans dropped in CoNLL": 3, "attributes not carried": 12}``)."""

    format: str
    documents: int = 0
    spans: int = 0
    relations: int = 0
    lost: Counter[str] = field(default_factory=Counter)

    def lose(self, what: str, count: int = 1) -> None:
        if count:
            self.lost[what] += count

    def drop(self, record: AnnotatedDocument, parts: Collection[Part]) -> None:
        """Count the ``parts`` of ``record`` this format has no place for."""
        for part in parts:
            self.lose(_LOST[part], _present(record, part))

    def absorb(self, part: ExportReport) -> None:
        """Add the counts of ``part`` (of a share of the same export) to these."""
        self.documents += part.documents
        self.spans += part.spans
        self.relations += part.relations
        self.lost.update(part.lost)

    def summary(self) -> str:
        wrote = (
            f"{self.format}: wrote {self.documents} documents, {self.spans} spans, "
            f"{self.relations} relations."
        )
        losses = [f"{n} {what}" for what, n in sorted(self.lost.items()) if n]
        return f"{wrote} Not carried: {'; '.join(losses)}." if losses else f"{wrote} Nothing lost."


def writable(
    record: AnnotatedDocument, report: ExportReport, across: bool = False
) -> AnnotatedDocument:
    """Before writing: every span lies in the text and every relation joins two of its spans
    (or links to another document), else ValidationError naming the document and the span or
    relation. The record returned has every lone surrogate (which no file can encode, and a
    store written by an older version may hold) replaced by U+FFFD, counted in ``report``,
    and, unless the format carries them (``across``), no link across documents: those are
    counted in ``report`` as lost."""
    if not across and any(r.crosses for r in record.relations):
        kept = tuple(r for r in record.relations if not r.crosses)
        report.lose(LOST_ACROSS, len(record.relations) - len(kept))
        record = replace(record, relations=kept)
    try:
        record.check_offsets()
    except ValidationError as exc:
        doc = record.document
        name = f"{strings.shown(doc.title)} ({doc.uid[:12]})" if doc.title else doc.uid[:12]
        raise ValidationError(f"document {name}: {exc}") from None
    record, replaced = strings.without_surrogates(record)
    report.lose(REPLACED_SURROGATES, replaced)
    return record


_POSITION = attrgetter("start", "end", "label", "id")
_DOC_LABEL = attrgetter("category", "value")


@dataclass(frozen=True, slots=True)
class Layer:
    """One annotator's spans and relations in one document (``annotator`` None: nobody's),
    and, for a format that writes them per annotator, their document labels."""

    annotator: str | None
    spans: tuple[Span, ...]
    relations: tuple[Relation, ...]
    doc_labels: tuple[DocLabel, ...] = ()


def layers(record: AnnotatedDocument, report: ExportReport | None,
           doc_labels: bool = False) -> list[Layer]:
    """The record split by annotator, in name order, spans by position; one empty layer for a
    document nobody annotated. A relation whose ends belong to another annotator fits no
    layer and is counted as lost in ``report`` (None: the format drops all relations anyway
    and counts them itself). With ``doc_labels``, each layer has its annotator's document
    labels (by category and value), and an annotator with only those has a layer too."""
    labels: dict[str, list[DocLabel]] = {}
    for label in sorted(record.doc_labels, key=_DOC_LABEL) if doc_labels else ():
        labels.setdefault(label.annotator, []).append(label)
    spans: dict[str, list[Span]] = {}
    for span in sorted(record.spans, key=_POSITION):
        spans.setdefault(span.annotator, []).append(span)
    owner = {span.id: span.annotator for span in record.spans}
    relations: dict[str, list[Relation]] = {}
    for rel in record.relations:
        if owner[rel.source] == owner[rel.target] == rel.annotator:
            relations.setdefault(rel.annotator, []).append(rel)
        elif report is not None:
            report.lose(LOST_CROSS_LAYER)
    names = sorted(spans.keys() | relations.keys() | labels.keys())
    if not names:
        return [Layer(None, (), ())]
    return [
        Layer(name, tuple(spans.get(name, ())), tuple(relations.get(name, ())),
              tuple(labels.get(name, ())))
        for name in names
    ]


SpanRow = tuple[int, int, str, str]  # start, end, label, id


def span_rows(layer: Layer) -> list[SpanRow]:
    """The layer's spans as ``(start, end, label, id)``, in order: what a writer building its
    output in worker processes sends them (quick to pickle)."""
    return [(s.start, s.end, s.label, s.id) for s in layer.spans]


def json_text(value: Any) -> str:
    """Compact JSON, non-ASCII kept as is: how the JSON-based formats write a record."""
    return exact_json.dumps(value).decode("utf-8")


# -- import ----------------------------------------------------------------------------------
@dataclass
class ImportOptions:
    """How to read a file: whose work it is when the file does not say, how its label names
    map to ours, and whether names the schema lacks (labels, relation types, attributes) are
    an error or, with ``add_labels``, added to the schema by the import (one schema change).
    ``annotator_map`` renames the annotators a file names (a peer's "amina" as "amina_peer").
    ``by``: who imports (the journal names them). ``text_key``: the field holding the text,
    for formats that name it (doccano, Label Studio); None: theirs by default.

    ``column`` and ``scheme``: which column of a CoNLL file holds the tags (1-based; None: the
    last) and how they encode chunks (:mod:`annotate.formats.iob`; "auto" reads them all).

    ``not_imported`` is where a reader counts what it read but could not keep ("what (why)"
    -> count), ``renamed`` where an import that adds names records the labels and relation
    types it gave a spelling the name rule accepts (old -> new): :func:`db.transfer.
    import_unit` gives each file its own."""

    annotator: str | None = None
    label_map: dict[str, str] = field(default_factory=dict)
    add_labels: bool = False
    annotator_map: dict[str, str] = field(default_factory=dict)
    by: str = SYSTEM
    text_key: str | None = None
    column: int | None = None
    scheme: str = "auto"
    not_imported: Counter[str] = field(default_factory=Counter)
    renamed: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.annotator is not None:
            strings.check_name(self.annotator, "the import's annotator")
        if self.text_key is not None and not self.text_key.strip():
            raise ValidationError("the text key must be a field name, not empty")

    def annotator_for(self, found: str | None) -> str:
        """The file's own annotator name, else ``annotator``, else "imported"."""
        return found or self.annotator or DEFAULT_ANNOTATOR


def check_span_text(
    text: str,
    start: Any,
    end: Any,
    expected: str | None,
    file: str | Path | None,
    where: str | int | None,
) -> None:
    """Raise InputError unless ``0 <= start < end <= len(text)`` (integers) and, when the
    file states the span's text, ``text[start:end] == expected``."""
    file = str(file) if file is not None else None
    if not (type(start) is int and type(end) is int):
        raise InputError(f"span offsets must be integers, got {start!r} and {end!r}", file, where)
    if not 0 <= start < end <= len(text):
        raise InputError(
            f"span [{start}, {end}) does not lie in the text (length {len(text)})", file, where
        )
    if expected is not None and text[start:end] != expected:
        raise InputError(
            f"span [{start}, {end}): the file says {expected!r} but the text there "
            f"is {text[start:end]!r}",
            file,
            where,
        )


def name_map(items: Iterable[str], source: str, unit: str = "item") -> dict[str, str]:
    """``THEIRS=OURS`` entries (blank ones skipped) as a mapping of names, each side a valid
    name (:func:`annotate.strings.check_name`); an InputError names the source and the
    entry's number (e.g. ``label map:line 2``)."""
    mapping: dict[str, str] = {}
    for number, item in enumerate(items, 1):
        if not item.strip():
            continue
        theirs, sep, ours = (part.strip() for part in item.partition("="))
        if not sep or not theirs or not ours:
            raise InputError(f"expected THEIRS=OURS, got {strings.shown(item.strip())}",
                             source, f"{unit} {number}")
        try:
            strings.check_name(theirs, "THEIRS")
            strings.check_name(ours, "OURS")
        except ValidationError as exc:
            raise InputError(str(exc), source, f"{unit} {number}") from None
        mapping[theirs] = ours
    return mapping


class Intake:
    """Checks and builds the spans and relations of one file being read.

    A reader of several files (brat) sets ``file`` to the one it reads, for the messages.
    The schema's rules are :class:`annotate.validator.Incoming`'s, the import's own checks:
    call :meth:`finish` after the file's last record, to raise one InputError listing every
    label, relation type and attribute the schema lacks (unless ``add_labels``: the import
    adds them)."""

    def __init__(self, schema: LabelSchema, options: ImportOptions, file: str | Path):
        self.options = options
        self.file = str(file)
        self.check = Incoming(schema, options.add_labels)
        self._first_file = self.file
        self._seen: Counter[tuple[Any, ...]] = Counter()  # for ids of repeated spans/relations

    def lose(self, what: str, count: int = 1) -> None:
        """Count ``count`` of ``what`` (worded "what (why)") as read but not imported, in
        ``options.not_imported`` (the import's summary shows them)."""
        if count:
            self.options.not_imported[what] += count

    @property
    def schema(self) -> LabelSchema:
        """The schema checked against (with ``add_labels``, grown by what was read)."""
        return self.check.schema

    def error(self, message: str, where: str | int | None) -> InputError:
        return InputError(message, self.file, where)

    def document(self, text: str, title: str, meta: dict[str, Any], where: str | None,
                 uid: str = "") -> Document:
        """A document as read (its text already checked by :func:`check_text`); an
        InputError naming the field when its title or metadata cannot be stored."""
        try:
            strings.check_text(title, "the title")
            strings.check_value(meta, "meta")
        except ValidationError as exc:
            raise self.error(str(exc), where) from None
        return Document(text, title, meta, uid)

    def span(
        self,
        document: Document,
        start: Any,
        end: Any,
        label: Any,
        annotator: str,
        where: str,
        *,
        text: str | None = None,
        attributes: dict[str, Any] | None = None,
        note: str | None = None,
        span_id: str | None = None,
        fragments: tuple[tuple[int, int], ...] = (),
    ) -> Span:
        check_span_text(document.text, start, end, text, self.file, where)
        problem = fragments_problem(fragments, start, end)
        if problem:
            raise self.error(f"span [{start}, {end}): {problem}", where)
        if not isinstance(label, str) or not label:
            raise self.error(
                f"span [{start}, {end}): the label must be a name, got {label!r}", where
            )
        label = self._fit(self.options.label_map.get(label, label))
        try:
            strings.check_name(label, "label")
            strings.check_name(annotator, "annotator")
            strings.check_text(note, "the note")
            strings.check_value(attributes, "attributes")
        except ValidationError as exc:
            raise self.error(f"span [{start}, {end}): {exc}", where) from None
        if span_id is None:
            key = (document.uid, annotator, start, end, label, *fragments)
            span_id = stable_id(*key, self._seen[key])
            self._seen[key] += 1
        span = Span(document.uid, start, end, label, annotator, span_id, attributes or {}, note,
                    fragments=fragments)
        try:
            self.check.span(span, self._place(where))
        except InputError as exc:
            raise self.error(exc.message + _rename_hint(exc.message, label), where) from None
        return span

    def relation(
        self,
        rtype: Any,
        source: Span,
        target: Span,
        annotator: str,
        where: str,
        relation_id: str | None = None,
        note: str | None = None,
    ) -> Relation:
        if not isinstance(rtype, str) or not rtype:
            raise self.error(f"a relation type must be a name, got {rtype!r}", where)
        rtype = self._fit(self.options.label_map.get(rtype, rtype))
        try:
            strings.check_name(rtype, "relation type")
            strings.check_text(note, "the note")
        except ValidationError as exc:
            raise self.error(str(exc), where) from None
        if relation_id is None:
            key = (rtype, source.id, target.id, annotator)
            relation_id = stable_id(*key, self._seen[key])
            self._seen[key] += 1
        rel = Relation(rtype, source.id, target.id, annotator, relation_id, note)
        try:
            self.check.relation(rel, source, target, self._place(where))
        except InputError as exc:
            raise self.error(exc.message, where) from None
        return rel

    def doc_label(self, document: Document, category: Any, value: Any, annotator: str,
                  where: str) -> DocLabel:
        """A document label as read, its names checked (InputError naming ``where``); a
        category or value the schema lacks is collected for :meth:`finish` (or, with
        ``add_labels``, added)."""
        for what, name in (("category", category), ("value", value)):
            if not isinstance(name, str) or not name:
                raise self.error(f"a document label's {what} must be a name, got {name!r}",
                                 where)
        try:
            strings.check_name(category, "document category")
            strings.check_name(value, f"a value of {category}")
            strings.check_name(annotator, "annotator")
        except ValidationError as exc:
            raise self.error(f"document label: {exc}", where) from None
        label = DocLabel(document.uid, category, value, annotator)
        self.check.doc_label(label, self._place(where))
        return label

    def flat_doc_label(self, document: Document, name: Any, annotator: str, where: str,
                       category: str = FLAT_CATEGORY) -> DocLabel:
        """A document label of a format that names it with one string (doccano ``cats``,
        spaCy ``doc.cats``): the schema's category and value :meth:`LabelSchema.from_flat_name`
        finds, else value ``name`` of ``category``."""
        if not isinstance(name, str) or not name:
            raise self.error(f"a document label must be a name, got {name!r}", where)
        found = self.schema.from_flat_name(name)
        return self.doc_label(document, *(found or (category, name)), annotator, where)

    def _fit(self, name: str) -> str:
        """``name``, or, when the import adds names and the name rule refuses it, a spelling
        the rule accepts (:func:`annotate.schema.fit_name`; the summary lists the renames)."""
        if not self.options.add_labels or is_label_name(name):
            return name
        return fit_name(name, self.options.renamed)

    def _place(self, where: str) -> str:
        """``where``, prefixed by the file when a reader of a folder has moved on to another."""
        return where if self.file == self._first_file else f"{self.file}:{where}"

    def finish(self) -> None:
        try:
            self.check.finish()
        except InputError as exc:
            raise exc.located(self.file) from None


def _rename_hint(message: str, label: str) -> str:
    """For a label the schema cannot take under its own name: how to map it to one it can."""
    if not message.startswith(f"cannot add it to the schema: label name {label!r}"):
        return ""
    return f"; map it to a name that does: --map {shlex.quote(f'{label}={label_spelling(label)}')}"


def check_text(text: Any, file: str | Path, where: str | int | None) -> str:
    """A document text as read: a non-empty string of valid Unicode, else InputError."""
    if not isinstance(text, str) or not text:
        raise InputError("the document text must be a non-empty string", str(file), where)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(
            "the text holds a lone surrogate (not valid Unicode)", str(file), where
        ) from None
    return text


def read_utf8(path: Path) -> str:
    """A file's exact text (no newline translation), or InputError if it is not UTF-8 or
    cannot be read (see :func:`annotate.inputs.read_input`: regular files within the cap)."""
    try:
        return read_input(Path(path)).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 (byte {exc.start})", str(path)) from None


def open_utf8(path: Path, newline: str) -> TextIO:
    """A file read as UTF-8 text a line at a time, within the cap of a streamed file."""
    return io.TextIOWrapper(open_input(path, MAX_STREAMED_BYTES), "utf-8-sig", newline=newline)
