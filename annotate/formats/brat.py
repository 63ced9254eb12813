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
from collections import Counter, deque
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
    Layer,
    check_span_text,
    check_text,
    layers,
    read_utf8,
    writable,
)
from annotate.formats.brat_conf import (
    ANNOTATOR,
    COMMENT,
    CONF,
    EQUIVALENCE,
    EVENT,
    NORMALISATION,
    TYPE,
    ConfSeen,
    conf_text,
    reserved,
)
from annotate.formats.brat_conf import (
    declared_schema as declared_schema,  # the registry asks this module for it
)
from annotate.formats.targets import atomic_path
from annotate.inputs import Found, readable_name, walk
from annotate.model import (
    AnnotatedDocument,
    Document,
    Relation,
    Span,
    fragments_problem,
    text_uid,
)
from annotate.schema import LabelSchema

LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines splits at
_BREAKS = re.compile(f"[{re.escape(LINE_BREAKS)}]+")
_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
_NUMBER = re.compile(r"[+-]?\d+")
_SPACE = re.compile(r"\s")  # what str.isspace calls white space
UID_DIGITS = 12
NOTES = "AnnotatorNotes"  # the type of the # lines that are notes
_NUMBERED = re.compile(r"(.*\D)(\d+)")  # a numbered event role: Theme2
LOST_TRIMMED = "span ends at line breaks trimmed in brat"
LOST_BREAKS_ONLY = "spans of line breaks only not carried by brat"
LOST_SPACED_VALUES = "attribute values with white space not carried by brat"
LOST_ANNOTATOR_NAMED = f"attributes named {ANNOTATOR} not carried by brat (it holds the annotator)"
LOST_RELATIONS_TO_DROPPED = "relations to spans brat cannot carry"
LOST_LABEL_NAMES = "spans whose label is not one word (brat cannot hold it)"
LOST_TYPE_NAMES = "relations whose type is not one word (brat cannot hold it)"
LOST_ATTRIBUTE_NAMES = "attributes whose name is not one word (brat cannot hold it)"
FLATTENED_NOTES = "notes with line breaks other than LF flattened in brat"
FLATTENED_COMMENTS = "comments with line breaks other than LF flattened in brat"


# -- writing ---------------------------------------------------------------------------------
def document_name(doc: Document) -> str:
    """``Sanitised_title-<12 hex of uid>``, or the 12 hex digits alone for an untitled text."""
    base = _UNSAFE.sub("_", doc.title).strip("_")[:48]
    return f"{base}-{doc.uid[:UID_DIGITS]}" if base else doc.uid[:UID_DIGITS]


def annotator_value(annotator: str) -> str:
    """``annotator`` as a brat attribute value (no white space, ``|`` or ``,``): %-escaped."""
    return quote(annotator, safe="")


def write(records: Iterable[AnnotatedDocument], out: Path, schema: LabelSchema) -> ExportReport:
    """Write the folder ``out`` (replaced as a whole, only if every document was written)."""
    report = ExportReport("brat")
    seen = ConfSeen()
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
        put(os.path.join(root, CONF), conf_text(schema, seen))
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


class _AnnWriter:
    """Builds the ``.ann`` of one document, layer after layer (ids count across layers)."""

    def __init__(self, text: str, report: ExportReport, seen: ConfSeen):
        self.text, self.report, self.seen = text, report, seen
        self.lines: list[str] = []
        self.ids: dict[str, str] = {}  # span id -> its T or E
        self.counts: Counter[str] = Counter()

    def _next(self, kind: str) -> str:
        self.counts[kind] += 1
        return f"{kind}{self.counts[kind]}"

    def layer(self, layer: Layer) -> None:
        if layer.annotator is not None and layer.annotator not in self.seen.annotators:
            self.seen.annotators[layer.annotator] = annotator_value(layer.annotator)
        who = self.seen.annotators.get(layer.annotator)
        events = [s for s in layer.spans if EVENT in s.attributes]
        triggers: dict[tuple[str, tuple[tuple[int, int], ...]], str] = {}
        groups: dict[tuple[str, str], list[str]] = {}
        for span in layer.spans:
            if EVENT in span.attributes:
                continue
            t = self._text_bound(span, span.label)
            if t is not None:
                self.ids[span.id] = t
                self.report.spans += 1
                triggers.setdefault((span.label, span.pieces), t)
                self._attached(span, t, who, groups)
        for span in events:
            trigger = _value_text(span.attributes[EVENT])
            if not TYPE.fullmatch(span.label) or not TYPE.fullmatch(trigger):
                self.report.lose(LOST_LABEL_NAMES)
                continue
            if (trigger, span.pieces) not in triggers:  # written with its event, as brat does
                t = self._text_bound(span, trigger)
                if t is None:
                    continue
                triggers[(trigger, span.pieces)] = t
            self.ids[span.id] = self._next("E")
        roles: dict[str, list[Relation]] = {}
        others = []
        for rel in layer.relations:
            if rel.source in self.ids and self.ids[rel.source][0] == "E":
                roles.setdefault(rel.source, []).append(rel)
            else:
                others.append(rel)
        position = {s.id: (s.start, s.end) for s in layer.spans}
        label = {s.id: s.label for s in layer.spans}
        for span in events:
            e = self.ids.get(span.id)
            if e is None:
                continue
            args = sorted(roles.get(span.id, ()), key=lambda r: (r.type, position[r.target]))
            written = [r for r in args if self._writable(r)]
            names = role_names(r.type for r in written)
            trigger = triggers[(_value_text(span.attributes[EVENT]), span.pieces)]
            roles_seen = self.seen.events.setdefault(span.label, {})
            for r in written:
                roles_seen.setdefault(r.type, set()).add(label[r.target])
            self.lines.append(" ".join([f"{e}\t{span.label}:{trigger}",
                                        *(f"{n}:{self.ids[r.target]}"
                                          for n, r in zip(names, written, strict=True))]) + "\n")
            self.report.spans += 1
            self.report.relations += len(written)
            self._attached(span, e, who, groups)
        for rel in others:
            if self._writable(rel):
                r = self._next("R")
                self.seen.relations.add(rel.type)
                self.lines.append(f"{r}\t{rel.type} Arg1:{self.ids[rel.source]} "
                                  f"Arg2:{self.ids[rel.target]}\n")
                self.report.relations += 1
                if rel.note is not None:
                    self._notes(NOTES, r, rel.note, FLATTENED_NOTES)
        for (name, _), members in groups.items():
            self.lines.append(f"*\t{name} {' '.join(members)}\n")

    def _text_bound(self, span: Span, label: str) -> str | None:
        """Write the T line of ``span`` as ``label``; its T, or None if brat cannot hold it."""
        if not TYPE.fullmatch(label):
            self.report.lose(LOST_LABEL_NAMES)
            return None
        offsets, shown = [], []
        for start, end in span.pieces:
            if _BREAKS.search(self.text, start, end):
                cut, part = _fragments(self.text, start, end)
                if cut:
                    offsets.append(cut)
                    shown.append(part)
            else:
                offsets.append(f"{start} {end}")
                shown.append(self.text[start:end])
        if not offsets:
            self.report.lose(LOST_BREAKS_ONLY)
            return None
        if self.text[span.start] in LINE_BREAKS or self.text[span.end - 1] in LINE_BREAKS:
            self.report.lose(LOST_TRIMMED)
        t = self._next("T")
        self.seen.labels.add(label)
        self.lines.append(f"{t}\t{label} {';'.join(offsets)}\t{' '.join(shown)}\n")
        return t

    def _writable(self, rel: Relation) -> bool:
        if rel.source not in self.ids or rel.target not in self.ids:
            self.report.lose(LOST_RELATIONS_TO_DROPPED)
            return False
        if not TYPE.fullmatch(rel.type):
            self.report.lose(LOST_TYPE_NAMES)
            return False
        return True

    def _notes(self, kind: str, target: str, value: Any, flattened: str) -> None:
        """One ``#`` line (``kind``: AnnotatorNotes, or another comment's type) for each line
        of ``value``."""
        for piece in _value_text(value).split("\n"):
            flat = _BREAKS.sub(" ", piece)
            if flat != piece:
                self.report.lose(flattened)
            self.lines.append(f"{self._next('#')}\t{kind} {target}\t{flat}\n")

    def _attached(self, span: Span, t: str, who: str | None,
                  groups: dict[tuple[str, str], list[str]]) -> None:
        """The A, #, N lines of ``span`` (written as ``t``), its place in equivalences."""
        lines = self.lines
        if who is not None:
            lines.append(f"{self._next('A')}\t{ANNOTATOR} {t} {who}\n")
        for name, value in span.attributes.items():
            if value is None or value is False or name == EVENT:
                continue
            kind, base = reserved(name)
            if not TYPE.fullmatch(base) or (kind is None and name == ANNOTATOR):
                self.report.lose(LOST_ANNOTATOR_NAMED if name == ANNOTATOR
                                 else LOST_ATTRIBUTE_NAMES)
                continue
            if kind == COMMENT:
                self._notes(base, t, value, FLATTENED_COMMENTS)
                continue
            if kind == NORMALISATION:
                for piece in _value_text(value).split("\n"):
                    lines.append(f"{self._next('N')}\t{base} {t} {piece}\n")
                continue
            if kind == EQUIVALENCE:
                groups.setdefault((base, _value_text(value)), []).append(t)
                continue
            self.seen.attributes.add((name, span.label))
            if value is True:
                lines.append(f"{self._next('A')}\t{name} {t}\n")
                continue
            value = _value_text(value)
            if not value or _SPACE.search(value):
                self.report.lose(LOST_SPACED_VALUES)
                continue
            self.seen.values.add((name, value))
            lines.append(f"{self._next('A')}\t{name} {t} {value}\n")
        if span.note is not None:
            self._notes(NOTES, t, span.note, FLATTENED_NOTES)


def _ann(record: AnnotatedDocument, report: ExportReport, seen: ConfSeen) -> str:
    """The ``.ann`` of one document: every layer's spans, in layer then position order."""
    writer = _AnnWriter(record.document.text, report, seen)
    for layer in layers(record, report):
        writer.layer(layer)
    return "".join(writer.lines)


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
        ann = stem.with_name(f"{stem.name}.ann")  # not with_suffix: "esp.train-doc-29"
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
class _Item:
    """A T or E line, and what other lines attach to it."""

    where: str
    annotator: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class _TextBound(_Item):
    label: str = ""
    pieces: tuple[tuple[int, int], ...] = ()


@dataclass
class _Event(_Item):
    type: str = ""
    trigger: str = ""
    args: list[tuple[str, str]] = field(default_factory=list)  # (role as written, T or E)


@dataclass
class _Link:
    """An R line."""

    type: str
    arg1: str
    arg2: str
    where: str
    notes: list[str] = field(default_factory=list)


def role_types(roles: Iterable[str]) -> list[str]:
    """The relation types of an event's roles, in order: brat numbers a repeated role
    (``Theme``, ``Theme2``, ``Theme3``), and such a number is dropped where it is the role's
    count so far; a role numbered otherwise (``MyArg2`` alone) keeps its name."""
    seen: Counter[str] = Counter()
    types = []
    for role in roles:
        found = _NUMBERED.fullmatch(role)
        base = found.group(1) if found else role
        if found and seen[base] and int(found.group(2)) == seen[base] + 1:
            role = base
        seen[role] += 1
        types.append(role)
    return types


def role_names(types: Iterable[str]) -> list[str]:
    """The inverse of :func:`role_types`: the n-th role of a type is written ``TYPEn``."""
    seen: Counter[str] = Counter()
    names = []
    for rtype in types:
        seen[rtype] += 1
        names.append(rtype if seen[rtype] == 1 else f"{rtype}{seen[rtype]}")
    return names


class _AnnReader:
    """Parses one ``.ann`` file against its document."""

    def __init__(self, intake: Intake, doc: Document, annotator: str):
        """``annotator``: whose spans lacking the ``Annotator`` attribute are."""
        self.intake, self.doc, self.annotator = intake, doc, annotator
        self.items: dict[str, _Item] = {}
        self.links: dict[str, _Link] = {}
        self.attached: list[tuple[str, str, str, str | None, str]] = []  # kind, name, id, value
        self.equivalences: list[tuple[str, list[str], str]] = []  # (type, members, where)

    def read(self, content: str) -> AnnotatedDocument:
        for n, raw in enumerate(content.split("\n"), start=1):
            line = raw.removesuffix("\r")
            if line.strip():
                self._line(line, f"line {n}")
        for kind, name, target, value, where in self.attached:
            self._attach(kind, name, target, value, where)
        self._equivalences()
        absorbed = self._absorbed()
        spans: dict[str, Span] = {}
        for ident, item in self.items.items():
            if isinstance(item, _TextBound) and ident not in absorbed:
                spans[ident] = self._span(item, item.label, item.pieces, item.attributes)
        for ident, item in self.items.items():
            if isinstance(item, _Event):
                trigger = self._text_bound(item.trigger, item.where)
                label_map = self.intake.options.label_map
                attributes = {EVENT: label_map.get(trigger.label, trigger.label)} | item.attributes
                item.annotator = item.annotator or trigger.annotator
                spans[ident] = self._span(item, item.type, trigger.pieces, attributes)
        relations = [self._relation(spans, link.type, link.arg1, link.arg2, link.where,
                                    link.notes) for link in self.links.values()]
        for ident, item in self.items.items():
            if isinstance(item, _Event):
                types = role_types(role for role, _ in item.args)
                relations += [self._relation(spans, rtype, ident, arg, item.where, [])
                              for rtype, (_, arg) in zip(types, item.args, strict=True)]
        return AnnotatedDocument(self.doc, tuple(spans.values()), tuple(relations))

    # -- lines -------------------------------------------------------------------------------
    def _line(self, line: str, where: str) -> None:
        ident, _, rest = line.partition("\t")
        kind = ident[:1]
        if kind in "TE" and ident in self.items:
            raise self.intake.error(f"{ident} is defined twice", where)
        if kind == "T":
            self.items[ident] = self._bound(rest, where)
        elif kind == "E":
            self.items[ident] = self._event(ident, rest, where)
        elif kind == "R":
            parts = rest.split()
            args = [p.partition(":")[2] for p in parts[1:]]
            if len(args) != 2 or not all(args):
                raise self.intake.error(f"{ident}: expected 'TYPE Arg1:T1 Arg2:T2'", where)
            if ident in self.links:
                raise self.intake.error(f"{ident} is defined twice", where)
            self.links[ident] = _Link(parts[0], args[0], args[1], where)
        elif kind in "AM":
            parts = rest.split(" ")
            if len(parts) not in (2, 3):
                raise self.intake.error(f"{ident}: expected 'Name T1 [Value]'", where)
            self.attached.append(("A", parts[0], parts[1],
                                  parts[2] if len(parts) == 3 else None, where))
        elif kind in "#N":
            head, tab, text = rest.partition("\t")
            name, _, target = head.partition(" ")
            if kind == "N":  # N1<TAB>Reference T1 Wikipedia:534366<TAB>Barack Obama
                target, _, ref = target.partition(" ")
                text = f"{ref}{tab}{text}"
            if not name or not target or " " in target:
                raise self.intake.error(f"{ident}: expected 'TYPE ID' before the tab", where)
            self.attached.append((kind, name, target, text, where))
        elif kind == "*":
            parts = rest.split()
            if len(parts) < 3:
                raise self.intake.error("an equivalence needs a type and two ids or more", where)
            name, *members = parts
            self.equivalences.append((name, members, where))
        else:
            raise self.intake.error(f"unknown brat annotation {ident!r}", where)

    def _bound(self, rest: str, where: str) -> _TextBound:
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
        joined = " ".join(text[s:e] for s, e in pieces)
        if tab and len(pieces) > 1 and stated not in (joined, text[pieces[0][0]:pieces[-1][1]]):
            raise self.intake.error(f"span {offsets!r}: the file says {stated!r} but the text "
                                    f"there is {joined!r}", where)
        if all(_BREAKS.fullmatch(text, end, start) for (_, end), (start, _) in pairwise(pieces)
               ) and not any(_BREAKS.search(text, s, e) for s, e in pieces):
            pieces = [(pieces[0][0], pieces[-1][1])]  # cut at line breaks only: one range
        problem = fragments_problem(tuple(pieces), pieces[0][0], pieces[-1][1])
        if len(pieces) > 1 and problem:
            raise self.intake.error(f"span {offsets!r}: {problem}", where)
        return _TextBound(where, label=label, pieces=tuple(pieces))

    def _event(self, ident: str, rest: str, where: str) -> _Event:
        parts = [part.partition(":") for part in rest.split()]
        if not parts or any(not role or not sep or not arg for role, sep, arg in parts):
            raise self.intake.error(f"{ident}: expected 'TYPE:T1 ROLE:ID ...'", where)
        (etype, _, trigger), *args = parts
        return _Event(where, type=etype, trigger=trigger,
                      args=[(role, arg) for role, _, arg in args])

    # -- what attaches to T, E and R -----------------------------------------------------------
    def _attach(self, kind: str, name: str, target: str, value: str | None,
                where: str) -> None:
        if target in self.links and kind == "#" and name == NOTES:
            self.links[target].notes.append(value or "")
            return
        if target in self.links:
            what = {"A": "attributes", "#": "comments (other than AnnotatorNotes)",
                    "N": "normalisations"}[kind]
            self.intake.lose(f"{what} on relations (a relation holds a note only)")
            return
        item = self._item(target, where)
        if kind == "#" and name == NOTES:
            item.notes.append(value or "")
        elif kind == "#":
            _add_line(item.attributes, f"{COMMENT}{name}", value or "")
        elif kind == "N":
            _add_line(item.attributes, f"{NORMALISATION}{name}", value or "")
        elif name != ANNOTATOR:
            if name in item.attributes:  # the last line's value was kept, the others dropped
                raise self.intake.error(f"{target} already has the attribute {name}: an "
                                        "annotation takes one value of each", where)
            label = item.label if isinstance(item, _TextBound) else item.type
            item.attributes[name] = self._attribute(label, name, value, where)
        elif not value:
            raise self.intake.error(f"{ANNOTATOR} needs a value (the annotator's name)", where)
        elif item.annotator is not None:  # the last line's name was kept, the others dropped
            raise self.intake.error(f"{target} already has the attribute {ANNOTATOR}: an "
                                    "annotation takes one value of each", where)
        else:
            item.annotator = unquote(value)

    def _equivalences(self) -> None:
        """Each ``*`` line's members get the attribute ``*TYPE`` holding their class's number
        (lines of one type sharing a member are one class: brat's equivalences are
        transitive)."""
        parent: dict[tuple[str, str], tuple[str, str]] = {}

        def root(key: tuple[str, str]) -> tuple[str, str]:
            while parent.setdefault(key, key) != key:
                key = parent[key]
            return key

        for name, members, where in self.equivalences:
            for member in members:
                self._item(member, where)
            first = root((name, members[0]))
            for member in members[1:]:
                parent[root((name, member))] = first
        numbers: dict[tuple[str, str], int] = {}
        counts: Counter[str] = Counter()
        for key in parent:
            top = root(key)
            if top not in numbers:
                counts[top[0]] += 1
                numbers[top] = counts[top[0]]
            self.items[key[1]].attributes[f"{EQUIVALENCE}{key[0]}"] = str(numbers[top])

    def _absorbed(self) -> set[str]:
        """The T lines that are only the trigger of events of their own type, with nothing
        else attached and no twin: their event's span stands for them (the writer writes the
        T line again from it)."""
        used = {arg for item in self.items.values() if isinstance(item, _Event)
                for _, arg in item.args}
        used.update(x for link in self.links.values() for x in (link.arg1, link.arg2))
        used.update(members for _, group, _ in self.equivalences for members in group)
        triggers: dict[str, set[str]] = {}
        for item in self.items.values():
            if isinstance(item, _Event):
                triggers.setdefault(item.trigger, set()).add(item.type)
        twins = Counter((item.label, item.pieces) for item in self.items.values()
                        if isinstance(item, _TextBound))
        return {
            ident for ident, types in triggers.items()
            if isinstance(bound := self.items.get(ident), _TextBound)
            and types == {bound.label} and ident not in used and not bound.attributes
            and not bound.notes and twins[(bound.label, bound.pieces)] == 1
        }

    # -- building ----------------------------------------------------------------------------
    def _item(self, target: str, where: str) -> _Item:
        if target not in self.items:
            raise self.intake.error(f"{target} is not a text-bound annotation (T) or event (E) "
                                    "of this file", where)
        return self.items[target]

    def _text_bound(self, target: str, where: str) -> _TextBound:
        item = self.items.get(target)
        if not isinstance(item, _TextBound):
            raise self.intake.error(f"an event's trigger {target} is not a text-bound "
                                    "annotation (T) of this file", where)
        return item

    def _span(self, item: _Item, label: str, pieces: tuple[tuple[int, int], ...],
              attributes: dict[str, Any]) -> Span:
        start, end = pieces[0][0], pieces[-1][1]
        return self.intake.span(self.doc, start, end, label, item.annotator or self.annotator,
                                item.where, attributes=attributes,
                                note="\n".join(item.notes) if item.notes else None,
                                fragments=pieces if len(pieces) > 1 else ())

    def _attribute(self, label: str, name: str, value: str | None, where: str) -> Any:
        defined = self.intake.schema.label(self.intake.options.label_map.get(label, label))
        attr = None if defined is None else defined.attribute(name)
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
                  where: str, notes: list[str]) -> Relation:
        self._item(arg1, where)
        self._item(arg2, where)
        source, target = spans[arg1], spans[arg2]
        if source.annotator != target.annotator:
            raise self.intake.error(f"a relation cannot join two annotators' spans "
                                    f"({source.annotator}, {target.annotator})", where)
        return self.intake.relation(rtype, source, target, source.annotator, where,
                                    note="\n".join(notes) if notes else None)


def _add_line(attributes: dict[str, Any], name: str, value: str) -> None:
    """Set ``name``; a second line of the same name on the same annotation is added on a new
    line of the value (the writer writes one line for each)."""
    attributes[name] = f"{attributes[name]}\n{value}" if name in attributes else value
