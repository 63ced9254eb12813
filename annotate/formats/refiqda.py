"""REFI-QDA projects (``.qdpx``: QDA-XML 1.0, the exchange format of QualCoder, NVivo,
ATLAS.ti and MAXQDA).

A ``.qdpx`` is a zip archive holding ``project.qde`` (the project's XML, namespace
``urn:QDA-XML:project:1.0``) and the texts under ``Sources/``. **Writing**: one ``User`` per
annotator; the codebook's ``Code`` elements are the schema's labels (with their colours); each
document is a ``TextSource`` named by its title whose text is ``Sources/<guid>.txt`` (UTF-8);
each span is a ``PlainTextSelection`` (``startPosition``/``endPosition`` count characters,
that is code points, end exclusive; ``creatingUser`` its annotator) holding one ``Coding`` of
its label's code, its note as the selection's ``Description``; each relation is a ``Link``
(``OneWay``, named by its type) from the source's selection to the target's; each document
label is a ``Coding`` of the whole source, its code a child of its category's code (not
codable) in the codebook. GUIDs are derived
from the ids, so the same store exports the same project. Lost, and counted: attributes,
statuses and document metadata (QDA-XML has no place for them), and characters XML 1.0
cannot hold in titles and notes (written as U+FFFD; the texts are plain text files, whole).

**Reading** takes the same, and what other programs write besides: nested codes, notes a
selection refers to (``NoteRef``, added to its note), the texts inline (``PlainTextContent``)
or under ``Sources/`` or ``sources/`` (a byte-order mark removed), codings of a whole source
as document labels (a code under a parent code: that category; a top-level code: the schema's
category holding that value, else category ``label``). What has no place is counted in the
import summary: picture, PDF, audio and video sources, text kept outside the project
(``relative://``, ``absolute://``: never read), selections without a code, links that do not
join two coded selections, cases, variables, sets and graphs.
"""

from __future__ import annotations

import hashlib
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from annotate.errors import InputError
from annotate.formats import FORMATS
from annotate.formats.base import (
    ExportReport,
    ImportOptions,
    Intake,
    check_text,
    writable,
)
from annotate.formats.targets import atomic_path
from annotate.formats.xmlsafe import NOT_XML, Archive, parse, xml_text
from annotate.inputs import read_input
from annotate.model import AnnotatedDocument, DocLabel, Document, Relation, Span
from annotate.schema import LabelSchema

NS = "urn:QDA-XML:project:1.0"
PROJECT = "project.qde"
INTERNAL = "internal://"
BOM = "\ufeff"
_Q = f"{{{NS}}}"
_GUIDS = b"counterclaim refi-qda"

SKIP_MEDIA = "{} sources (no text to annotate)"
SKIP_OUTSIDE = "text sources whose text lies outside the project (never read)"
SKIP_UNCODED = "selections without a code"
SKIP_LINKS = "links that do not join two coded selections of one annotator"
SKIP_PROJECT = "{} (no place in Counterclaim)"


def guid(*parts: object) -> str:
    """A GUID derived from ``parts``: the same item gets the same GUID in every export (a
    hash laid out as a GUID, five times quicker than ``uuid5``)."""
    h = hashlib.blake2b("\x1f".join(map(str, parts)).encode("utf-8", "surrogatepass"),
                        digest_size=16, key=_GUIDS).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# -- writing ---------------------------------------------------------------------------------
def _element(parent: Any, tag: str, **attributes: str) -> Any:
    return etree.SubElement(parent, _Q + tag, attributes)


@dataclass
class _Project:
    """The parts of project.qde built while the documents stream by."""

    root: Any
    sources: Any
    users: dict[str, str] = field(default_factory=dict)  # annotator -> guid
    links: list[Any] = field(default_factory=list)

    def user(self, annotator: str) -> str:
        found = self.users.get(annotator)
        if found is None:
            found = self.users[annotator] = guid("user", annotator)
        return found


def write(records: Iterable[AnnotatedDocument], out: Path, schema: LabelSchema) -> ExportReport:
    """Write the archive ``out`` (replaced only when whole)."""
    report = ExportReport("refi-qda")
    root = etree.Element(_Q + "Project", {"name": out.stem, "origin": "Counterclaim"},
                         nsmap={None: NS})
    users = _element(root, "Users")
    codebook = _element(_element(root, "CodeBook"), "Codes")
    codes: dict[Any, str] = {}  # label, or (category, value) -> the code's GUID
    for label in schema.labels:
        codes[label.name] = guid("code", label.name)
        code = _element(codebook, "Code", guid=codes[label.name], name=label.name,
                        isCodable="true", color=label.color)
        if label.description:
            _element(code, "Description").text = label.description
    for category in schema.documents:
        parent = _element(codebook, "Code", guid=guid("category", category.name),
                          name=category.name, isCodable="false")
        if category.description:
            _element(parent, "Description").text = category.description
        for value in category.values:
            codes[(category.name, value.name)] = guid("doc code", category.name, value.name)
            _element(parent, "Code", guid=codes[(category.name, value.name)], name=value.name,
                     isCodable="true")
    project = _Project(root, _element(root, "Sources"))
    with atomic_path(out, "refi-qda") as tmp, zipfile.ZipFile(
            tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for record in records:
            record = writable(record, report)
            report.documents += 1
            report.drop(record, FORMATS["refi-qda"].drops)
            text_guid = _source(project, record, codes, report)
            archive.writestr(f"Sources/{text_guid}.txt", _source_bytes(record.document.text))
        for name, user_guid in sorted(project.users.items()):
            _element(users, "User", guid=user_guid, name=name)
        if not len(users):
            root.remove(users)
        if not len(codebook):
            root.remove(codebook.getparent())
        if not len(project.sources):
            root.remove(project.sources)
        if project.links:
            _element(root, "Links").extend(project.links)
        archive.writestr(PROJECT, etree.tostring(root, xml_declaration=True, encoding="utf-8",
                                                 pretty_print=True))
    return report


def _clean(value: str, report: ExportReport) -> str:
    cleaned, count = xml_text(value)
    report.lose(NOT_XML, count)
    return cleaned


def _source(project: _Project, record: AnnotatedDocument, codes: dict[str, str],
            report: ExportReport) -> str:
    doc = record.document
    text_guid = guid("source", doc.uid)
    source = _element(project.sources, "TextSource", guid=text_guid,
                      name=_clean(doc.title, report) or doc.uid[:12],
                      plainTextPath=f"{INTERNAL}{text_guid}.txt")
    selections = {}
    for span in sorted(record.spans, key=lambda s: (s.start, s.end, s.annotator, s.label, s.id)):
        user = project.user(span.annotator)
        selections[span.id] = guid("selection", span.id)
        selection = _element(source, "PlainTextSelection", guid=selections[span.id],
                             name=xml_text(doc.text[span.start:span.end][:100])[0],
                             startPosition=str(span.start), endPosition=str(span.end),
                             creatingUser=user)
        if span.note is not None:
            _element(selection, "Description").text = _clean(span.note, report)
        coding = _element(selection, "Coding", guid=guid("coding", span.id), creatingUser=user)
        code = codes.get(span.label) or codes.setdefault(span.label, guid("code", span.label))
        _element(coding, "CodeRef", targetGUID=code)
        report.spans += 1
    for label in record.doc_labels:
        coding = _element(source, "Coding", guid=guid("doc coding", label.id),
                          creatingUser=project.user(label.annotator))
        code = codes.get((label.category, label.value)) or codes.setdefault(
            (label.category, label.value), guid("doc code", label.category, label.value))
        _element(coding, "CodeRef", targetGUID=code)
    for rel in record.relations:
        project.links.append(etree.Element(_Q + "Link", {
            "guid": guid("link", rel.id), "name": rel.type, "direction": "OneWay",
            "originGUID": selections[rel.source], "targetGUID": selections[rel.target]}))
        report.relations += 1
    return text_guid


# -- reading ---------------------------------------------------------------------------------
def _tag(element: Any) -> str:
    return str(element.tag).removeprefix(_Q)


def _children(element: Any, tag: str) -> list[Any]:
    return [child for child in element if _tag(child) == tag]


def _child_text(element: Any, tag: str) -> str | None:
    found = _children(element, tag)
    return None if not found else (found[0].text or "")


def _source_bytes(text: str) -> bytes:
    """A source's text as its ``.txt`` member: UTF-8, with a byte order mark before a text
    that begins with U+FEFF. The reader drops one such mark (other tools write it before the
    text their positions count from), so without the added one a text of ours beginning with
    U+FEFF came back without it and every coding one character off ("Amina" read as "mina ")."""
    return (BOM + text if text.startswith(BOM) else text).encode("utf-8")


class _Files:
    """The project's XML and source texts: in a ``.qdpx`` archive, or beside a ``.qde``."""

    def __init__(self, path: Path):
        self.path = path
        self.archive: Archive | None = None
        if path.suffix.lower() == ".qde":
            self.qde = path
            return
        self.archive = Archive(path)
        found = [m for m in self.archive.members if len(m.parts) == 1 and m.suffix == ".qde"]
        if not found:
            self.archive.close()
            raise InputError("the archive holds no project (.qde) at its top", str(path))
        self.qde = found[0] if PurePosixPath(PROJECT) not in found else PurePosixPath(PROJECT)

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()

    def project(self) -> tuple[Any, str]:
        if self.archive is None:
            return parse(read_input(self.path), str(self.path)), str(self.path)
        where = self.archive.where(self.qde)
        return parse(self.archive.read(self.qde), where), where

    def source(self, name: str, where: str) -> str:
        """The text of ``Sources/name`` (or ``sources/name``), as UTF-8."""
        if self.archive is None:
            raise InputError("a project file alone has no Sources folder; import the .qdpx",
                             str(self.path), where)
        for folder in ("Sources", "sources"):
            member = PurePosixPath(folder, name)
            if member in self.archive.members:
                try:
                    return self.archive.read(member).decode("utf-8").removeprefix(BOM)
                except UnicodeDecodeError as exc:
                    raise InputError(f"not UTF-8 (byte {exc.start})",
                                     self.archive.where(member)) from None
        raise InputError(f"the archive holds no Sources/{name}", self.archive.file, where)


def read(path: Path, schema: LabelSchema, options: ImportOptions) -> Iterator[AnnotatedDocument]:
    """One record per text source; InputError names the element at fault."""
    files = _Files(Path(path))
    try:
        root, where = files.project()
        intake = Intake(schema, options, where)
        if _tag(root) != "Project":
            raise intake.error(f"the root element is {_tag(root)!r}, not a QDA-XML Project "
                               f"(namespace {NS})", "line 1")
        yield from _Reader(root, files, intake).records()
    finally:
        files.close()
    intake.finish()


class _Reader:
    def __init__(self, root: Any, files: _Files, intake: Intake):
        self.root, self.files, self.intake = root, files, intake
        self.users = {u.get("guid"): u.get("name") or u.get("guid")
                      for users in _children(root, "Users") for u in _children(users, "User")}
        self.codes: dict[str, str] = {}
        self.parents: dict[str, str] = {}  # a code's GUID -> its parent code's name
        for book in _children(root, "CodeBook"):
            for codes in _children(book, "Codes"):
                self._codes(codes)
        self.notes = {note.get("guid"): self._note_text(note)
                      for notes in _children(root, "Notes") for note in _children(notes, "Note")}
        self.spans: dict[str, Span] = {}  # selection guid -> its first span

    def _codes(self, parent: Any) -> None:
        for code in _children(parent, "Code"):
            self.codes[code.get("guid")] = code.get("name")
            if _tag(parent) == "Code":
                self.parents[code.get("guid")] = parent.get("name")
            self._codes(code)

    def _note_text(self, note: Any) -> str:
        inline = _child_text(note, "PlainTextContent")
        if inline is not None:
            return inline
        path = note.get("plainTextPath") or ""
        if path.startswith(INTERNAL):
            return self.files.source(path[len(INTERNAL):], self._where(note))
        return _child_text(note, "Description") or ""

    def _where(self, element: Any) -> str:
        return f"line {element.sourceline}, {_tag(element)}"

    def records(self) -> Iterator[AnnotatedDocument]:
        for name in ("Cases", "Variables", "Sets", "Graphs"):
            for part in _children(self.root, name):
                self.intake.lose(SKIP_PROJECT.format(name.lower()), len(part))
        by_doc: list[tuple[Document, list[Span], list[DocLabel]]] = []
        for sources in _children(self.root, "Sources"):
            for source in sources:
                kind = _tag(source)
                if kind != "TextSource":
                    self.intake.lose(SKIP_MEDIA.format(kind.removesuffix("Source").lower()))
                    continue
                found = self._text_source(source)
                if found is not None:
                    by_doc.append(found)
        relations = self._links()
        for doc, spans, labels in by_doc:
            ids = {s.id for s in spans}
            yield AnnotatedDocument(doc, tuple(spans),
                                    tuple(r for r in relations if r.source in ids),
                                    doc_labels=tuple(labels))

    def _text_source(self, source: Any) -> tuple[Document, list[Span], list[DocLabel]] | None:
        where = self._where(source)
        text = _child_text(source, "PlainTextContent")
        if text is None:
            path = source.get("plainTextPath") or ""
            if not path.startswith(INTERNAL):
                self.intake.lose(SKIP_OUTSIDE)
                return None
            text = self.files.source(path[len(INTERNAL):], where)
        text = check_text(text, self.intake.file, where)
        doc = self.intake.document(text, source.get("name") or "", {}, where)
        spans: list[Span] = []
        for selection in _children(source, "PlainTextSelection"):
            spans += self._selection(doc, selection)
        labels = [self._doc_label(doc, coding, source) for coding in _children(source, "Coding")]
        return doc, spans, labels

    def _doc_label(self, doc: Document, coding: Any, source: Any) -> DocLabel:
        """A coding of a whole source: a document label, the value a code whose parent code
        is the category (else the schema's category for that name, or "label")."""
        where = self._where(coding)
        code = self._code(coding)
        user = coding.get("creatingUser") or source.get("creatingUser")
        annotator = self.intake.options.annotator_for(self.users.get(user, user))
        if code in self.parents:
            return self.intake.doc_label(doc, self.parents[code], self.codes[code], annotator,
                                         where)
        return self.intake.flat_doc_label(doc, self.codes[code], annotator, where)

    def _code(self, coding: Any) -> str:
        """The GUID of the code ``coding`` refers to; InputError if the codebook lacks it."""
        refs = _children(coding, "CodeRef")
        code = refs[0].get("targetGUID") if refs else None
        if code not in self.codes:
            raise self.intake.error(f"the coding refers to code {code!r}, which the codebook "
                                    "does not hold", self._where(coding))
        return code

    def _selection(self, doc: Document, selection: Any) -> list[Span]:
        where = self._where(selection)
        codings = _children(selection, "Coding")
        if not codings:
            self.intake.lose(SKIP_UNCODED)
            return []
        try:
            start = int(selection.get("startPosition"))
            end = int(selection.get("endPosition"))
        except (TypeError, ValueError):
            raise self.intake.error("startPosition and endPosition must be whole numbers, got "
                                    f"{selection.get('startPosition')!r} and "
                                    f"{selection.get('endPosition')!r}", where) from None
        notes = [_child_text(selection, "Description")]
        notes += [self.notes.get(ref.get("targetGUID")) for ref in _children(selection, "NoteRef")]
        note = "\n\n".join(n for n in notes if n) or None
        spans = []
        for coding in codings:
            code = self._code(coding)
            user = coding.get("creatingUser") or selection.get("creatingUser")
            annotator = self.intake.options.annotator_for(self.users.get(user, user))
            span = self.intake.span(doc, start, end, self.codes[code], annotator, where,
                                    note=note, span_id=_uuid(coding.get("guid")))
            self.spans.setdefault(selection.get("guid"), span)
            spans.append(span)
        return spans

    def _links(self) -> list[Relation]:
        relations = []
        for links in _children(self.root, "Links"):
            for link in _children(links, "Link"):
                ends = [self.spans.get(link.get(k)) for k in ("originGUID", "targetGUID")]
                if (ends[0] is None or ends[1] is None or ends[0].document != ends[1].document
                        or ends[0].annotator != ends[1].annotator):
                    self.intake.lose(SKIP_LINKS)
                    continue
                if link.get("direction") == "Bidirectional":
                    self.intake.lose("bidirectional links read as one way (origin to target)")
                relations.append(self.intake.relation(
                    link.get("name") or "link", ends[0], ends[1], ends[0].annotator,
                    self._where(link), relation_id=_uuid(link.get("guid"))))
        return relations


def _uuid(value: str | None) -> str | None:
    try:
        return str(uuid.UUID(str(value).strip("{}")))
    except ValueError:
        return None
