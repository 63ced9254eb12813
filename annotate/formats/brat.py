"""brat standoff: a folder of ``NAME.txt`` (the exact text, CRLF kept) and ``NAME.ann`` per
document, plus ``annotation.conf`` describing the schema.

Layout written (and read): one ``NAME.txt`` and one ``NAME.ann`` per document, holding every
annotator's spans. brat has no notion of annotator, so each span carries it as the attribute
``A<n><TAB>Annotator T<k> <name>`` (the name %-escaped where it holds white space, ``|`` or
``,``), declared in ``annotation.conf`` as ``Annotator Arg:<ENTITY>, Value:<every name>``.
A relation belongs to the annotator of the spans it joins. ``NAME`` is the sanitised title plus
the first 12 hex digits of the document uid: unique and the same on every export. Reading
accepts any folder of ``.txt`` and ``.ann`` files (sub-folders are read as collections; links
out of the folder and special files are left out, see :func:`files`); a span without the
``Annotator`` attribute is the import's annotator (``ImportOptions.annotator``).

``.ann`` lines: ``T1<TAB>LABEL start end<TAB>text``, ``R1<TAB>TYPE Arg1:T1 Arg2:T2``,
``A1<TAB>Name T1 Value`` (``A1<TAB>Name T1`` for a true flag; false flags are left out, which
brat reads as false), ``#1<TAB>AnnotatorNotes T1<TAB>note``. Offsets count code points of the
.txt, as brat does.

What brat cannot hold, counted in the report: a span crossing a line break is written, as brat
itself does, as fragments ``start end;start end`` with the break left out, so line breaks at
either end of a span are trimmed and a span of line breaks only is dropped; attribute values
holding white space; attributes named ``Annotator`` (the name holds the annotator); line breaks
in notes (flattened to a space); relations joining two annotators' spans; statuses and metadata;
labels, relation types and attribute names that are not one word (letters, digits, ``_``,
``-``: brat splits its lines at white space and annotation.conf at punctuation), whose spans,
relations and attributes are left out. annotation.conf lists only attribute values without
white space, ``|`` or ``,``, so no name or value can add a line or a type to it.

Reading joins fragments whose gaps are only white space (a span brat split at line breaks)
back into one span; any other discontinuous span is an InputError naming the line. Events
(``E``) are an error; normalisations (``N``) and equivalences (``*``) are skipped.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from annotate.errors import InputError, ValidationError
from annotate.formats import FORMATS
from annotate.formats.base import (
    ExportReport,
    ImportOptions,
    Intake,
    check_span_text,
    check_text,
    layers,
    read_utf8,
    writable,
)
from annotate.formats.targets import atomic_path
from annotate.inputs import Found, readable_name, walk
from annotate.model import AnnotatedDocument, Document, Relation, Span, text_uid
from annotate.schema import AttributeDef, Label, LabelSchema, RelationType

LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines splits at
_BREAKS = re.compile(f"[{re.escape(LINE_BREAKS)}]+")
_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
_NUMBER = re.compile(r"[+-]?\d+")
_SPACE = re.compile(r"\s")  # what str.isspace calls white space
_TYPE = re.compile(r"\w[\w\-]*")  # a label, relation type or attribute name brat can hold
_CONF_VALUE = re.compile(r"[^\s|,]+")  # an attribute value annotation.conf can list
UID_DIGITS = 12
CONF = "annotation.conf"
ANNOTATOR = "Annotator"  # the brat attribute holding each span's annotator
LOST_TRIMMED = "span ends at line breaks trimmed in brat"
LOST_BREAKS_ONLY = "spans of line breaks only not carried by brat"
LOST_SPACED_VALUES = "attribute values with white space not carried by brat"
LOST_ANNOTATOR_NAMED = f"attributes named {ANNOTATOR} not carried by brat (it holds the annotator)"
LOST_RELATIONS_TO_DROPPED = "relations to spans brat cannot carry"
LOST_LABEL_NAMES = "spans whose label is not one word (brat cannot hold it)"
LOST_TYPE_NAMES = "relations whose type is not one word (brat cannot hold it)"
LOST_ATTRIBUTE_NAMES = "attributes whose name is not one word (brat cannot hold it)"
FLATTENED_NOTES = "notes with line breaks flattened to one line in brat"


# -- writing ---------------------------------------------------------------------------------
def document_name(doc: Document) -> str:
    """``Sanitised_title-<12 hex of uid>``, or the 12 hex digits alone for an untitled text."""
    base = _UNSAFE.sub("_", doc.title).strip("_")[:48]
    return f"{base}-{doc.uid[:UID_DIGITS]}" if base else doc.uid[:UID_DIGITS]


def annotator_value(annotator: str) -> str:
    """``annotator`` as a brat attribute value (no white space, ``|`` or ``,``): %-escaped."""
    return quote(annotator, safe="")


@dataclass
class _ConfSeen:
    """Labels, relation types and attribute values met while writing, for annotation.conf."""

    labels: set[str] = field(default_factory=set)
    relations: set[str] = field(default_factory=set)
    attributes: set[tuple[str, str]] = field(default_factory=set)  # (name, label) written
    values: set[tuple[str, str]] = field(default_factory=set)  # (name, value) written
    annotators: dict[str, str] = field(default_factory=dict)  # name -> its attribute value


def write(records: Iterable[AnnotatedDocument], out: Path, schema: LabelSchema) -> ExportReport:
    """Write the folder ``out`` (replaced as a whole, only if every document was written)."""
    report = ExportReport("brat")
    seen = _ConfSeen()
    names: dict[str, str] = {}
    with atomic_path(out, "brat") as root, _file_writer() as put:
        for record in records:
            record = writable(record, report)
            doc = record.document
            name = document_name(doc)
            if names.get(name, doc.uid) != doc.uid:
                name = f"{name}-{doc.uid}"
            if name in names:
                raise ValidationError(f"document {doc.uid[:UID_DIGITS]} is in the export twice")
            names[name] = doc.uid
            report.documents += 1
            report.drop(record, FORMATS["brat"].drops)
            stem = os.path.join(root, name)
            put(f"{stem}.txt", doc.text)
            put(f"{stem}.ann", _ann(record, report, seen))
        put(os.path.join(root, CONF), _conf(schema, seen))
    return report


_BATCH = 64  # files handed to the writer thread at once
_IN_FLIGHT = 16  # batches queued before the caller waits (bounds the memory held)


@contextmanager
def _file_writer() -> Iterator[Callable[[str, str], None]]:
    """``put(path, text)``: the file is created on a worker thread, so that the caller builds
    the next files while the file system creates these (an export of thousands of small files
    otherwise waits on each creation in turn). When the block ends every file has been
    written, or the first failure is raised."""
    batch: list[tuple[str, str]] = []
    queued: deque[Future[None]] = deque()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="brat-writer") as pool:

        def flush() -> None:
            queued.append(pool.submit(_write_new, batch.copy()))
            batch.clear()
            while len(queued) > _IN_FLIGHT:
                queued.popleft().result()

        def put(path: str, text: str) -> None:
            batch.append((path, text))
            if len(batch) == _BATCH:
                flush()

        try:
            yield put
            flush()
            while queued:
                queued.popleft().result()
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise


def _write_new(files: list[tuple[str, str]]) -> None:
    """Create each file ``path`` holding ``text`` exactly (UTF-8, no newline translation) with
    one unbuffered write."""
    for path, text in files:
        data = memoryview(text.encode("utf-8"))
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            while data:
                data = data[os.write(fd, data):]
        finally:
            os.close(fd)


def _fragments(text: str, start: int, end: int) -> tuple[str, str]:
    """``[start, end)`` cut at runs of line breaks, the breaks left out, as brat writes it:
    the offsets ``start end;start end`` and the text the pieces show, joined by a space
    (both empty for a span of line breaks only)."""
    offsets, shown, pos = [], [], start
    for brk in _BREAKS.finditer(text, start, end):
        cut = brk.start()
        if cut > pos:
            offsets.append(f"{pos} {cut}")
            shown.append(text[pos:cut])
        pos = brk.end()
    if pos < end:
        offsets.append(f"{pos} {end}")
        shown.append(text[pos:end])
    return ";".join(offsets), " ".join(shown)


def _value_text(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


def _ann(record: AnnotatedDocument, report: ExportReport, seen: _ConfSeen) -> str:
    """The ``.ann`` of one document: every layer's spans, in layer then position order."""
    text = record.document.text
    lines: list[str] = []
    tid: dict[str, str] = {}
    attr_n = note_n = rel_n = 0
    for layer in layers(record, report):
        if layer.annotator is not None and layer.annotator not in seen.annotators:
            seen.annotators[layer.annotator] = annotator_value(layer.annotator)
        who = seen.annotators.get(layer.annotator)
        for span in layer.spans:
            start, end, label = span.start, span.end, span.label
            if not _TYPE.fullmatch(label):
                report.lose(LOST_LABEL_NAMES)
                continue
            if _BREAKS.search(text, start, end):
                offsets, shown = _fragments(text, start, end)
                if not offsets:
                    report.lose(LOST_BREAKS_ONLY)
                    continue
                if text[start] in LINE_BREAKS or text[end - 1] in LINE_BREAKS:
                    report.lose(LOST_TRIMMED)
            else:
                offsets, shown = f"{start} {end}", text[start:end]
            tid[span.id] = t = f"T{len(tid) + 1}"
            seen.labels.add(label)
            lines.append(f"{t}\t{label} {offsets}\t{shown}\n")
            report.spans += 1
            if who is not None:
                attr_n += 1
                lines.append(f"A{attr_n}\t{ANNOTATOR} {t} {who}\n")
            for name, value in span.attributes.items():
                if value is None or value is False:
                    continue
                if name == ANNOTATOR:
                    report.lose(LOST_ANNOTATOR_NAMED)
                    continue
                if not _TYPE.fullmatch(name):
                    report.lose(LOST_ATTRIBUTE_NAMES)
                    continue
                seen.attributes.add((name, label))
                if value is True:
                    attr_n += 1
                    lines.append(f"A{attr_n}\t{name} {t}\n")
                    continue
                value = _value_text(value)
                if not value or _SPACE.search(value):
                    report.lose(LOST_SPACED_VALUES)
                    continue
                attr_n += 1
                seen.values.add((name, value))
                lines.append(f"A{attr_n}\t{name} {t} {value}\n")
            if span.note is not None:
                note = _BREAKS.sub(" ", span.note)
                if note != span.note:
                    report.lose(FLATTENED_NOTES)
                note_n += 1
                lines.append(f"#{note_n}\tAnnotatorNotes {t}\t{note}\n")
        for rel in layer.relations:
            if rel.source not in tid or rel.target not in tid:
                report.lose(LOST_RELATIONS_TO_DROPPED)
                continue
            if not _TYPE.fullmatch(rel.type):
                report.lose(LOST_TYPE_NAMES)
                continue
            rel_n += 1
            seen.relations.add(rel.type)
            lines.append(f"R{rel_n}\t{rel.type} Arg1:{tid[rel.source]} Arg2:{tid[rel.target]}\n")
            report.relations += 1
    return "".join(lines)


def _words(names: Iterable[str]) -> list[str]:
    """The names brat can hold as a type (the others are left out of annotation.conf, as
    their spans, relations and attributes are left out of the .ann files)."""
    return [name for name in names if _TYPE.fullmatch(name)]


def _conf(schema: LabelSchema, seen: _ConfSeen) -> str:
    labels = [*_words(schema.label_names), *sorted(seen.labels - set(schema.label_names))]
    out = ["[entities]", *labels, "", "[relations]"]
    for rtype in schema.relations:
        if _TYPE.fullmatch(rtype.name):
            sources = "|".join(_words(rtype.source_labels)) or "<ENTITY>"
            targets = "|".join(_words(rtype.target_labels)) or "<ENTITY>"
            out.append(f"{rtype.name}\tArg1:{sources}, Arg2:{targets}")
    for name in sorted(seen.relations - {r.name for r in schema.relations}):
        out.append(f"{name}\tArg1:<ENTITY>, Arg2:<ENTITY>")
    out += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]", "",
            "[attributes]"]
    defs: dict[str, tuple[AttributeDef, set[str]]] = {}
    for label in schema.labels:
        for attr in label.attributes:
            defs.setdefault(attr.name, (attr, set()))[1].add(label.name)
    for name in sorted({name for name, _ in seen.attributes} - defs.keys()):
        defs[name] = (AttributeDef(name), set())
    defs.pop(ANNOTATOR, None)
    if seen.annotators:
        names = "|".join(sorted(seen.annotators.values()))
        out.append(f"{ANNOTATOR}\tArg:<ENTITY>, Value:{names}")
    for name, (attr, on_labels) in defs.items():
        if not _TYPE.fullmatch(name):
            continue
        on_labels |= {label for written, label in seen.attributes if written == name}
        args = "|".join(sorted(_words(on_labels))) or "<ENTITY>"
        if attr.type == "bool":
            out.append(f"{name}\tArg:{args}")
            continue
        values = attr.choices if attr.type == "choice" else sorted(
            v for written, v in seen.values if written == name)
        values = [v for v in values if _CONF_VALUE.fullmatch(v)]
        if values:
            out.append(f"{name}\tArg:{args}, Value:{'|'.join(values)}")
    return "\n".join(out) + "\n"


# -- reading ---------------------------------------------------------------------------------
def read(path: Path, schema: LabelSchema, options: ImportOptions) -> Iterator[AnnotatedDocument]:
    """One record per ``.txt`` (with its ``.ann``, if any) under the folder ``path``."""
    root = Path(path)
    if not root.is_dir():
        raise InputError("a brat corpus is a folder of .txt and .ann files", str(root))
    intake = Intake(schema, options, root)
    readable = [found.path for found in files(root) if not found.skipped]
    texts = {p.with_suffix(""): p for p in readable if p.suffix == ".txt"}
    anns = {p for p in readable if p.suffix == ".ann"}
    for ann in sorted(anns):
        if ann.with_suffix("") not in texts:
            raise InputError(f"no {ann.stem}.txt beside it, so its offsets cannot be checked",
                             str(ann))
    annotator = options.annotator_for(None)  # of spans without the Annotator attribute
    for stem, txt in texts.items():
        ann = stem.with_suffix(".ann")
        intake.file = str(txt)
        text = check_text(read_utf8(txt), txt, None)
        uid = text_uid(text)
        doc = intake.document(text, _title(readable_name(txt.stem), uid), {}, None, uid)
        if ann not in anns:
            yield AnnotatedDocument(doc)
            continue
        intake.file = str(ann)
        yield _AnnReader(intake, doc, annotator).read(read_utf8(ann))
    intake.file = str(root)
    intake.finish()


def declared_schema(path: Path, label_map: dict[str, str] | None = None) -> LabelSchema:
    """What the corpus's ``annotation.conf`` declares (none: an empty schema), names mapped by
    ``label_map``: entity types as labels, with the attributes declared on them (a flag as
    bool, one with values as a choice), and relation types with the labels their Arg1 and
    Arg2 allow (``<ENTITY>``: any). Events, and this format's own ``Annotator`` attribute,
    are left out; the names are checked when a definition is used."""
    conf = Path(path) / CONF
    if not conf.is_file():
        return LabelSchema()
    names = label_map or {}
    sections: dict[str, list[str]] = {}
    macros: dict[str, str] = {}
    section = ""
    for raw in read_utf8(conf).splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif line.startswith("<") and "=" in line:
            macro, _, value = line.partition("=")
            macros[macro.strip()] = value.strip()
        else:
            sections.setdefault(section, []).append(line)

    def types(text: str) -> tuple[str, ...]:
        found = [names.get(t, t) for t in macros.get(text, text).split("|") if t]
        return () if "<ENTITY>" in found else tuple(found)

    def arguments(rest: str) -> dict[str, str]:
        return {role.strip(): kind.strip() for role, _, kind in
                (part.partition(":") for part in rest.split(","))}

    entities = [names.get(n, n) for n in
                (line.split()[0] for line in sections.get("entities", ())) if n[:1] != "!"]
    attributes: dict[str, list[AttributeDef]] = {name: [] for name in entities}
    for line in sections.get("attributes", ()):
        name, *rest = line.split(None, 1)
        args = arguments(rest[0] if rest else "")
        if name == ANNOTATOR or args.get("Arg") == "<EVENT>":
            continue
        values = tuple(v for v in args.get("Value", "").split("|") if v)
        attribute = AttributeDef(name, "choice", values) if values else AttributeDef(name, "bool")
        for label in types(args.get("Arg", "<ENTITY>")) or entities:
            attributes.setdefault(label, []).append(attribute)
    relations = []
    for line in sections.get("relations", ()):
        name, *rest = line.split(None, 1)
        if name.startswith("<"):
            continue  # <OVERLAP> and other settings
        args = arguments(rest[0] if rest else "")
        relations.append(RelationType(names.get(name, name), types(args.get("Arg1", "")),
                                      types(args.get("Arg2", ""))))
    labels = tuple(Label(name, attributes=tuple(attrs)) for name, attrs in attributes.items())
    return LabelSchema(labels, tuple(relations))


def files(root: Path) -> list[Found]:
    """The ``.txt`` and ``.ann`` files under ``root`` in path order, hidden ones left out, and
    those the reader leaves out with the reason (links out of the folder, special files: see
    :func:`annotate.inputs.walk`); the import plan reports the latter."""
    return list(walk(root, lambda name: name.endswith((".txt", ".ann"))))


def _title(stem: str, uid: str) -> str:
    short = uid[:UID_DIGITS]
    if stem == short:
        return ""
    return stem.removesuffix(f"-{uid}").removesuffix(f"-{short}")


@dataclass
class _TextBound:
    label: str
    start: int
    end: int
    where: str
    annotator: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class _AnnReader:
    """Parses one ``.ann`` file against its document."""

    def __init__(self, intake: Intake, doc: Document, annotator: str):
        """``annotator``: whose spans lacking the ``Annotator`` attribute are."""
        self.intake, self.doc, self.annotator = intake, doc, annotator
        self.bounds: dict[str, _TextBound] = {}
        self.relations: list[tuple[str, str, str, str]] = []  # (type, arg1, arg2, where)
        self.attributes: list[tuple[str, str, str | None, str]] = []  # (name, T, value, where)

    def read(self, content: str) -> AnnotatedDocument:
        for n, raw in enumerate(content.split("\n"), start=1):
            line = raw.removesuffix("\r")
            if line.strip():
                self._line(line, f"line {n}")
        for name, target, value, where in self.attributes:
            bound = self._bound(target, where)
            if name != ANNOTATOR:
                bound.attributes[name] = self._attribute(bound, name, value, where)
            elif not value:
                raise self.intake.error(f"{ANNOTATOR} needs a value (the annotator's name)",
                                        where)
            else:
                bound.annotator = unquote(value)
        spans = {t: self.intake.span(self.doc, b.start, b.end, b.label,
                                     b.annotator or self.annotator, b.where,
                                     attributes=b.attributes,
                                     note="\n".join(b.notes) if b.notes else None)
                 for t, b in self.bounds.items()}
        relations = [self._relation(spans, *rel) for rel in self.relations]
        return AnnotatedDocument(self.doc, tuple(spans.values()), tuple(relations))

    def _line(self, line: str, where: str) -> None:
        ident, _, rest = line.partition("\t")
        kind = ident[:1]
        if kind == "T":
            if ident in self.bounds:
                raise self.intake.error(f"{ident} is defined twice", where)
            self.bounds[ident] = self._text_bound(rest, where)
        elif kind == "R":
            parts = rest.split()
            args = [p.partition(":")[2] for p in parts[1:]]
            if len(args) != 2 or not all(args):
                raise self.intake.error(f"{ident}: expected 'TYPE Arg1:T1 Arg2:T2'", where)
            self.relations.append((parts[0], args[0], args[1], where))
        elif kind in "AM":
            parts = rest.split(" ")
            if len(parts) not in (2, 3):
                raise self.intake.error(f"{ident}: expected 'Name T1 [Value]'", where)
            self.attributes.append((parts[0], parts[1], parts[2] if len(parts) == 3 else None,
                                    where))
        elif kind == "#":
            head, _, note = rest.partition("\t")
            target = head.split(" ")[-1]
            if head.startswith("AnnotatorNotes") and target in self.bounds:
                self.bounds[target].notes.append(note)
        elif kind == "E":
            raise self.intake.error("brat events (E lines) are not supported", where)
        elif kind not in "N*":
            raise self.intake.error(f"unknown brat annotation {ident!r}", where)

    def _text_bound(self, rest: str, where: str) -> _TextBound:
        head, tab, stated = rest.partition("\t")
        label, _, offsets = head.partition(" ")
        try:
            pieces = sorted(tuple(map(int, frag.split())) for frag in offsets.split(";"))
            if any(len(p) != 2 for p in pieces):
                raise ValueError
        except ValueError:
            raise self.intake.error(f"expected 'LABEL start end', got {head!r}", where) from None
        text = self.doc.text
        for start, end in pieces:
            check_span_text(text, start, end, stated if tab and len(pieces) == 1 else None,
                            self.intake.file, where)
        for (_, end), (start, _) in pairwise(pieces):
            if start < end or not text[end:start].isspace():
                raise self.intake.error(
                    f"discontinuous span {offsets!r} is not supported (only fragments split at "
                    "line breaks are joined)", where)
        joined = " ".join(text[s:e] for s, e in pieces)
        if tab and len(pieces) > 1 and stated != joined:
            raise self.intake.error(f"span {offsets!r}: the file says {stated!r} but the text "
                                    f"there is {joined!r}", where)
        return _TextBound(label, pieces[0][0], pieces[-1][1], where)

    def _bound(self, target: str, where: str) -> _TextBound:
        if target not in self.bounds:
            raise self.intake.error(f"{target} is not a text-bound annotation (T) of this file",
                                    where)
        return self.bounds[target]

    def _attribute(self, bound: _TextBound, name: str, value: str | None, where: str) -> Any:
        label = self.intake.schema.label(self.intake.options.label_map.get(bound.label,
                                                                           bound.label))
        attr = None if label is None else label.attribute(name)
        if attr is None:  # refused by the intake, or added by the import: as the file says
            return True if value is None else value
        if attr.type == "bool":
            if value is not None:
                raise self.intake.error(f"{name} is a flag and takes no value", where)
            return True
        if value is None:
            raise self.intake.error(f"{name} needs a value", where)
        result: Any = value
        if attr.type == "number":
            try:
                result = int(value) if _NUMBER.fullmatch(value) else float(value)
            except ValueError:
                raise self.intake.error(f"{name} expects a number, got {value!r}",
                                        where) from None
        try:
            attr.check(result)
        except ValidationError as exc:
            raise self.intake.error(str(exc), where) from None
        return result

    def _relation(self, spans: dict[str, Span], rtype: str, arg1: str, arg2: str,
                  where: str) -> Relation:
        self._bound(arg1, where)
        self._bound(arg2, where)
        source, target = spans[arg1], spans[arg2]
        if source.annotator != target.annotator:
            raise self.intake.error(f"a relation cannot join two annotators' spans "
                                    f"({source.annotator}, {target.annotator})", where)
        return self.intake.relation(rtype, source, target, source.annotator, where)
