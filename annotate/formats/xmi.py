"""UIMA CAS XMI as INCEpTION writes and reads it ("UIMA CAS XMI (XML 1.0)"), through
dkpro-cassis.

**Writing** a folder laid out like the annotation part of an INCEpTION project export:
``TypeSystem.xml`` at the top and, per document, a folder ``<title>-<uid>/`` holding one CAS
per annotator, ``<annotator>.xmi`` (%-escaped), ``CURATION_USER.xmi`` for the gold layer and
``INITIAL_CAS.xmi`` for a document nobody annotated. Each CAS holds the text (its sofa),
a ``DocumentMetaData`` (title, and the metadata keys it has features for: ``documentId`` (else the
title), ``documentUri``, ``collectionId``, ``documentBaseUri``, ``language``; any other key
as a zero-width ``webanno.custom.Metadata`` with ``key`` and ``value``, its JSON),
the spans as the custom span layer ``webanno.custom.Span`` (feature ``label``, ``note``, and
one feature per attribute, typed from the schema) and the relations as the custom relation
layer ``webanno.custom.Relation`` (``Governor`` the source span, ``Dependent`` the target,
``label``; placed, as INCEpTION places them, over the dependent) and the document labels as
``webanno.custom.DocumentLabel`` (``category``, ``value``; an ``AnnotationBase``, as
INCEpTION's document metadata layers are). Lost, and counted:
statuses, attributes whose name is no UIMA feature name or whose value
does not fit the feature's type, and characters XML 1.0 cannot hold (written as U+FFFD, which
keeps every offset). The type system is written by cassis; each CAS with lxml in the layout
UIMA's serializer gives it (cassis's own serializer took seven times the native export).

**Reading** a folder, a zip archive (INCEpTION's download) or one ``.xmi`` file, each CAS
with the nearest ``TypeSystem.xml`` (its folder or one above it); a CAS without one gets a
type system inferred from its elements (every feature a string, or a reference where every
value is the id of an element). Every annotation type of the initial view is a span layer,
except relation layers (features ``Governor`` and ``Dependent``): labels, relation types and
attributes come from the layers' features as :mod:`annotate.formats.uima` says (our own
layer's label is its ``label`` feature); relations join the spans made of their ends;
document-level annotations (INCEpTION's document metadata layers) are document labels, the
category the layer's short name and the value its tag feature's. What
has no place is counted in the import summary: tokens, sentences, tagset descriptions,
zero-width annotations, slot feature links, features holding arrays or other structures,
other views, relations whose ends are not spans or are one span, elements of types the type
system lacks.
Offsets in XMI count UTF-16 code units; cassis converts them to code points both ways.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, unquote

from cassis import Cas, TypeSystem, load_cas_from_xmi, load_typesystem
from cassis.typesystem import FeatureStructure, Type
from lxml import etree

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
    writable,
)
from annotate.formats.brat import document_name
from annotate.formats.targets import atomic_path
from annotate.formats.uima import SKIP_SELF, tag_feature
from annotate.formats.uima import short_name as _short
from annotate.formats.xmlsafe import NOT_XML, Archive, parse, xml_text
from annotate.inputs import Found, parse_json, read_input, walk
from annotate.model import (
    GOLD,
    AnnotatedDocument,
    DocLabel,
    Document,
    Relation,
    Span,
    text_uid,
)
from annotate.schema import LabelSchema

TYPE_SYSTEM = "TypeSystem.xml"
SPAN_TYPE = "webanno.custom.Span"
RELATION_TYPE = "webanno.custom.Relation"
METADATA_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
EXTRA_META_TYPE = "webanno.custom.Metadata"
DOC_LABEL_TYPE = "webanno.custom.DocumentLabel"
ANNOTATION_BASE = "uima.cas.AnnotationBase"
ANNOTATION = "uima.tcas.Annotation"
INITIAL_CAS = "INITIAL_CAS"
CURATION_USER = "CURATION_USER"
LABEL, VALUE, NOTE = "label", "value", "note"
GOVERNOR, DEPENDENT = "Governor", "Dependent"
_META_FEATURES = ("documentId", "documentUri", "collectionId", "documentBaseUri")
_META_KEYS = frozenset({*_META_FEATURES, "language"})  # language: DocumentAnnotation's
_RESERVED = frozenset({"begin", "end", "sofa", LABEL, NOTE})
_FEATURE_NAME = re.compile(r"[^\W\d]\w*")
_RANGE = {"bool": "uima.cas.Boolean", "number": "uima.cas.Double", "text": "uima.cas.String",
          "choice": "uima.cas.String"}
_EXACT = 2**53
"""A uima.cas.Double holds every integer up to this size exactly, and not every one beyond: a
number attribute holds any 64-bit integer, and a larger one written to a Double was read back
as another number (2**53 + 1 as 2**53), the export saying "Nothing lost"."""
_FITS = {
    "uima.cas.Boolean": lambda v: isinstance(v, bool),
    "uima.cas.Double": lambda v: isinstance(v, float) or (
        isinstance(v, int) and not isinstance(v, bool) and abs(v) <= _EXACT),
    "uima.cas.String": lambda v: isinstance(v, str),
}
_PRIMITIVE = frozenset({"uima.cas.Boolean", "uima.cas.Byte", "uima.cas.Short",
                        "uima.cas.Integer", "uima.cas.Long", "uima.cas.Float",
                        "uima.cas.Double", "uima.cas.String"})
_SKIPPED_TYPES = {
    "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token":
        "tokens (no tokenisation is kept)",
    "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Sentence":
        "sentences (no sentence split is kept)",
    "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.TagsetDescription":
        "tagset descriptions (the schema keeps no tagsets)",
}

LOST_FEATURE_NAMES = "attributes whose name is not a UIMA feature name (or is reserved)"
LOST_FEATURE_TYPES = "attribute values that do not fit their feature's type"
SKIP_ZERO_WIDTH = "zero-width annotations (a span covers at least one character)"
SKIP_SLOTS = "slot feature links (INCEpTION link features have no place)"
SKIP_STRUCTURED = "feature values holding arrays or other structures"
SKIP_VIEWS = "views other than the initial view"
SKIP_UNKNOWN = "elements of types the type system does not describe"
SKIP_DOC_NO_VALUE = "document-level annotations without a value"
SKIP_ENDS = "relations whose ends are not imported spans"


# -- writing ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Layout:
    """The type system of an export and the features its span layer has."""

    types: TypeSystem
    attributes: dict[str, str]  # attribute name -> feature range


def type_system(schema: LabelSchema) -> _Layout:
    """The type system of an export of a store with ``schema``."""
    types = TypeSystem()
    meta = types.create_type(METADATA_TYPE, supertypeName="uima.tcas.DocumentAnnotation")
    for name in ("documentTitle", *_META_FEATURES):
        types.create_feature(meta, name, "uima.cas.String")
    types.create_feature(meta, "isLastSegment", "uima.cas.Boolean")
    extra = types.create_type(EXTRA_META_TYPE, supertypeName=ANNOTATION)
    types.create_feature(extra, "key", "uima.cas.String")
    types.create_feature(extra, VALUE, "uima.cas.String")
    doc_label = types.create_type(DOC_LABEL_TYPE, supertypeName=ANNOTATION_BASE)
    types.create_feature(doc_label, "category", "uima.cas.String")
    types.create_feature(doc_label, VALUE, "uima.cas.String")
    span = types.create_type(SPAN_TYPE, supertypeName=ANNOTATION)
    types.create_feature(span, LABEL, "uima.cas.String")
    types.create_feature(span, NOTE, "uima.cas.String")
    ranges: dict[str, set[str]] = {}
    for label in schema.labels:
        for attr in label.attributes:
            ranges.setdefault(attr.name, set()).add(_RANGE[attr.type])
    attributes = {}
    for name, found in sorted(ranges.items()):
        if _FEATURE_NAME.fullmatch(name) and name not in _RESERVED:
            attributes[name] = found.pop() if len(found) == 1 else "uima.cas.String"
            types.create_feature(span, name, attributes[name])
    relation = types.create_type(RELATION_TYPE, supertypeName=ANNOTATION)
    types.create_feature(relation, GOVERNOR, SPAN_TYPE)
    types.create_feature(relation, DEPENDENT, SPAN_TYPE)
    types.create_feature(relation, LABEL, "uima.cas.String")
    return _Layout(types, attributes)


def cas_name(annotator: str | None) -> str:
    """The file name (without ``.xmi``) of ``annotator``'s CAS (None: nobody's)."""
    if annotator is None:
        return INITIAL_CAS
    if annotator == GOLD:
        return CURATION_USER
    name = quote(annotator, safe="")
    if name in (INITIAL_CAS, CURATION_USER):
        name = f"%{ord(name[0]):02X}{name[1:]}"  # reads back as the annotator's own name
    return name


def write(records: Iterable[AnnotatedDocument], out: Path, schema: LabelSchema) -> ExportReport:
    """Write the folder ``out`` (replaced as a whole, only if every document was written)."""
    report = ExportReport("xmi")
    layout = type_system(schema)
    with atomic_path(out, "xmi") as folder:
        (folder / TYPE_SYSTEM).write_text(layout.types.to_xml(), encoding="utf-8")
        for record in records:
            record = writable(record, report)
            report.documents += 1
            report.drop(record, FORMATS["xmi"].drops)
            doc = record.document
            place = folder / document_name(doc)
            place.mkdir()
            for layer in layers(record, report, doc_labels=True):
                xmi = _cas_xmi(doc, layer, layout, report)
                (place / f"{cas_name(layer.annotator)}.xmi").write_bytes(xmi)
                report.spans += len(layer.spans)
                report.relations += len(layer.relations)
    return report


class _Clean:
    """Strings as XML 1.0 holds them, counting what had to be replaced."""

    def __init__(self, report: ExportReport):
        self.report = report

    def __call__(self, value: str) -> str:
        cleaned, count = xml_text(value)
        self.report.lose(NOT_XML, count)
        return cleaned


_XMI_NS = {"xmi": "http://www.omg.org/XMI", "cas": "http:///uima/cas.ecore",
           "type": "http:///de/tudarmstadt/ukp/dkpro/core/api/metadata/type.ecore",
           "custom": "http:///webanno/custom.ecore"}
_XMI_ID = f"{{{_XMI_NS['xmi']}}}id"
_TAGS = {
    "NULL": f"{{{_XMI_NS['cas']}}}NULL", "Sofa": f"{{{_XMI_NS['cas']}}}Sofa",
    "View": f"{{{_XMI_NS['cas']}}}View",
    METADATA_TYPE: f"{{{_XMI_NS['type']}}}DocumentMetaData",
    **{name: f"{{{_XMI_NS['custom']}}}{_short(name)}"
       for name in (EXTRA_META_TYPE, DOC_LABEL_TYPE, SPAN_TYPE, RELATION_TYPE)},
}


def _utf16(text: str) -> Callable[[int], int]:
    """Code point offset -> UTF-16 unit offset (what XMI counts) for ``text``."""
    if text.isascii() or max(text) <= "\uffff":
        return int
    units = [0, *accumulate(2 if ord(char) > 0xFFFF else 1 for char in text)]
    return units.__getitem__


def _shown(value: Any) -> str:
    """A primitive feature value as XMI writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _cas_xmi(doc: Document, layer: Layer, layout: _Layout, report: ExportReport) -> bytes:
    """One CAS as XMI: written with lxml in the layout UIMA's serializer (and cassis's) give
    it, for speed (cassis's serializer took 7 times the native export); the tests read every
    kind of element back with cassis against the exported TypeSystem.xml."""
    clean = _Clean(report)
    units = _utf16(doc.text)
    root = etree.Element(f"{{{_XMI_NS['xmi']}}}XMI", nsmap=_XMI_NS)
    root.set(f"{{{_XMI_NS['xmi']}}}version", "2.0")
    etree.SubElement(root, _TAGS["NULL"], {_XMI_ID: "0"})
    members: list[str] = []

    def add(type_name: str, begin: int | None, end: int, **features: str) -> str:
        """Add a feature structure (``begin`` None: not an annotation, no offsets)."""
        xmi_id = str(len(members) + 2)  # 0 is NULL, 1 the sofa
        members.append(xmi_id)
        attributes = {_XMI_ID: xmi_id, "sofa": "1"} if begin is None else {
            _XMI_ID: xmi_id, "sofa": "1", "begin": str(units(begin)), "end": str(units(end))}
        etree.SubElement(root, _TAGS[type_name], attributes | features)
        return xmi_id

    meta = {k: clean(v) for k, v in doc.meta.items() if k in _META_KEYS and isinstance(v, str)}
    title = clean(doc.title)
    meta.setdefault("documentId", title or doc.uid)
    add(METADATA_TYPE, 0, len(doc.text), **({"documentTitle": title} if title else {}),
        **meta, isLastSegment="false")
    for key, value in doc.meta.items():
        if key not in meta:
            add(EXTRA_META_TYPE, 0, 0, key=clean(key), value=clean(json_text(value)))
    for label in layer.doc_labels:
        add(DOC_LABEL_TYPE, None, 0, category=label.category, value=label.value)
    made: dict[str, str] = {}
    for span in layer.spans:
        features = {LABEL: span.label}
        if span.note is not None:
            features[NOTE] = clean(span.note)
        for name, value in span.attributes.items():
            if value is None:
                continue
            feature = layout.attributes.get(name)
            if feature is None:
                report.lose(LOST_FEATURE_NAMES)
            elif not _FITS[feature](value):
                report.lose(LOST_FEATURE_TYPES)
            else:
                features[name] = clean(value) if isinstance(value, str) else _shown(value)
        made[span.id] = add(SPAN_TYPE, span.start, span.end, **features)
    ends = {span.id: span for span in layer.spans}
    for rel in layer.relations:
        dependent = ends[rel.target]
        add(RELATION_TYPE, dependent.start, dependent.end, Governor=made[rel.source],
            Dependent=made[rel.target], label=rel.type)
    etree.SubElement(root, _TAGS["Sofa"], {_XMI_ID: "1", "sofaNum": "1",
                                           "sofaID": "_InitialView", "mimeType": "text",
                                           "sofaString": clean(doc.text)})
    etree.SubElement(root, _TAGS["View"], {"sofa": "1", "members": " ".join(members)})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# -- reading ---------------------------------------------------------------------------------
def files(root: Path) -> list[Found]:
    """The ``.xmi`` files and type systems under ``root``, and those left out, with the
    reason (links out of the folder, special files: see :func:`annotate.inputs.walk`)."""
    return list(walk(root, lambda path: path.endswith(".xmi")
                     or Path(path).name.lower() == TYPE_SYSTEM.lower()))


def holds(path: Path) -> bool:
    """Whether ``path`` is a CAS: an ``.xmi`` file, a folder holding one or a type system,
    or a zip archive holding an ``.xmi`` member."""
    if path.is_dir():
        return (path / TYPE_SYSTEM).exists() or any(path.rglob("*.xmi"))
    suffix = path.suffix.lower()
    if suffix == ".zip":
        try:
            with Archive(path) as archive:
                return any(member.suffix == ".xmi" for member in archive.members)
        except InputError:
            return False
    return suffix == ".xmi"


class _Tree:
    """The files of an import: a folder's, an archive's or one file's (with the type system
    beside it), by path relative to the top."""

    def __init__(self, path: Path):
        self.path = path
        self.archive: Archive | None = None
        if path.is_dir():
            found = [f.path for f in files(path) if not f.skipped]
            self.members = {PurePosixPath(p.relative_to(path).as_posix()): p for p in found}
        elif path.suffix.lower() == ".zip":
            self.archive = Archive(path)
            self.members = dict.fromkeys(self.archive.members)
        else:
            beside = path.with_name(TYPE_SYSTEM)
            self.members = {PurePosixPath(path.name): path}
            if beside.is_file():
                self.members[PurePosixPath(TYPE_SYSTEM)] = beside

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()

    def where(self, member: PurePosixPath) -> str:
        if self.archive is not None:
            return self.archive.where(member)
        return str(self.members[member])

    def read(self, member: PurePosixPath) -> bytes:
        if self.archive is not None:
            return self.archive.read(member)
        return read_input(self.members[member])

    def cases(self) -> list[PurePosixPath]:
        return sorted(m for m in self.members if m.suffix == ".xmi")

    def type_system_of(self, member: PurePosixPath) -> PurePosixPath | None:
        """The nearest type system: beside ``member``, else in a folder above it."""
        for folder in member.parents:
            for name in (TYPE_SYSTEM, TYPE_SYSTEM.lower()):
                if folder / name in self.members:
                    return folder / name
        return None


def read(path: Path, schema: LabelSchema, options: ImportOptions) -> Iterator[AnnotatedDocument]:
    """One record per CAS; InputError names the file and the element at fault."""
    intake = Intake(schema, options, path)
    tree = _Tree(Path(path))
    try:
        loaded: dict[PurePosixPath, TypeSystem] = {}
        for member in tree.cases():
            intake.file = tree.where(member)
            data = tree.read(member)
            root = parse(data, intake.file)
            found = tree.type_system_of(member)
            if found is None:
                types = _inferred(root)
            else:
                if found not in loaded:
                    loaded[found] = _type_system(tree.read(found), tree.where(found))
                types = loaded[found]
            intake.lose(SKIP_UNKNOWN, sum(not types.contains_type(name)
                                          for name in map(_type_name, root) if name))
            cas = _load(data, types, intake.file)
            yield _CasReader(cas, intake, _annotator(member, options), _title(member)).record()
    finally:
        tree.close()
    intake.file = str(path)
    intake.finish()


def _type_system(data: bytes, where: str) -> TypeSystem:
    parse(data, where)  # refuses what is not well-formed, and any DTD, naming the line
    try:
        return load_typesystem(data.decode("utf-8"))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise InputError(f"not a UIMA type system ({exc})", where) from None


def _load(data: bytes, types: TypeSystem, where: str) -> Cas:
    try:
        return load_cas_from_xmi(data.decode("utf-8"), typesystem=types, lenient=True)
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        raise InputError(f"not a UIMA CAS its type system describes ({exc})", where) from None


def _annotator(member: PurePosixPath, options: ImportOptions) -> str | None:
    """Whose CAS ``member`` is: by its name inside a document's folder (INCEpTION's layout),
    else the import's annotator. None: nobody's (an initial CAS)."""
    if member.stem == INITIAL_CAS:
        return None
    if member.stem == CURATION_USER:
        return GOLD
    if len(member.parts) < 2:
        return options.annotator_for(None)
    return options.annotator_for(unquote(member.stem))


def _title(member: PurePosixPath) -> str:
    """The document's title when its CAS does not name it: its folder's, else file's name."""
    return member.parent.name if len(member.parts) > 1 else member.stem


def _xml_id(value: str) -> bool:
    return value.isdigit() and value != "0"


def _type_name(element: Any) -> str | None:
    """The UIMA type an XMI element is of (``http:///a/b.ecore`` and ``T``: ``a.b.T``), or
    None for XMI's and the CAS's own elements."""
    namespace, _, local = str(element.tag).partition("}")
    if not namespace.startswith("{http:///") or namespace.startswith("{http:///uima/"):
        return None
    return f"{namespace[len('{http:///'):].removesuffix('.ecore').replace('/', '.')}.{local}"


def _inferred(root: Any) -> TypeSystem:
    """A type system for a CAS that came without one: a type per element (an annotation when
    it has begin and end), a feature per attribute, a reference where every value of it is
    the id of an element, else a string."""
    xmi = "{http://www.omg.org/XMI}"
    ids = {el.get(f"{xmi}id") for el in root}
    seen: dict[str, dict[str, list[str]]] = {}
    for el in root:
        name = _type_name(el)
        if name is None:
            continue
        features = seen.setdefault(name, {})
        for key, value in el.attrib.items():
            if not key.startswith("{"):
                features.setdefault(key, []).append(value)
    types = TypeSystem()
    for name, features in seen.items():
        annotation = {"begin", "end"} <= features.keys()
        declared = types.create_type(name, supertypeName=ANNOTATION if annotation else
                                     "uima.cas.TOP")
        for feature, values in features.items():
            if feature in ("begin", "end", "sofa"):
                continue
            refers = all(_xml_id(v) and v in ids for v in values)
            types.create_feature(declared, feature, "uima.cas.TOP" if refers else
                                 "uima.cas.String")
    return types


class _CasReader:
    """The record of one CAS: its text, metadata, spans and relations."""

    def __init__(self, cas: Cas, intake: Intake, annotator: str | None, title: str):
        self.cas, self.intake, self.title = cas, intake, title
        self.annotator = intake.options.annotator_for(None) if annotator is None else annotator
        self.types = cas.typesystem

    def record(self) -> AnnotatedDocument:
        intake = self.intake
        views = [v for v in self.cas.views if v.sofa.sofaID != "_InitialView"]
        intake.lose(SKIP_VIEWS, len(views))
        text = check_text(self.cas.sofa_string, intake.file, "the initial view's sofa")
        items = list(self.cas.select_all_fs())
        doc = self._document(text, items)
        spans: dict[int, Span] = {}
        relations: list[FeatureStructure] = []
        labels: list[DocLabel] = []
        for fs in items:
            kind = fs.type
            if kind.name in _SKIPPED_TYPES:
                intake.lose(_SKIPPED_TYPES[kind.name])
            elif self._is_metadata(kind) or kind.name == EXTRA_META_TYPE:
                continue  # read above
            elif not self._is_annotation(kind):
                if self.types.subsumes(ANNOTATION_BASE, kind.name):
                    labels += self._doc_label(doc, fs)
                continue  # other structures are counted where a feature refers to them
            elif self._is_relation(kind):
                relations.append(fs)
            elif fs.begin == fs.end:
                intake.lose(SKIP_ZERO_WIDTH)
            else:
                spans[fs.xmiID] = self._span(doc, fs)
        made = [rel for fs in relations if (rel := self._relation(fs, spans)) is not None]
        return AnnotatedDocument(doc, tuple(spans.values()), tuple(made),
                                 doc_labels=tuple(labels))

    def _doc_label(self, doc: Document, fs: FeatureStructure) -> list[DocLabel]:
        """A document-level annotation (INCEpTION's document metadata layers, our own
        ``webanno.custom.DocumentLabel``) as a document label: category the layer's short name
        (ours: its ``category``), value its tag feature's; without a value, counted."""
        where = f"{_short(fs.type.name)} xmi:id {fs.xmiID}"
        if fs.type.name == DOC_LABEL_TYPE:
            category, value = fs.get("category"), fs.get(VALUE)
        else:
            category = _short(fs.type.name)
            tag = tag_feature(fs.type.name, (f.name for f in fs.type.all_features))
            value = fs.get(tag) if tag else None
        if value is None:
            self.intake.lose(SKIP_DOC_NO_VALUE)
            return []
        return [self.intake.doc_label(doc, category, str(value), self.annotator, where)]

    def _is_annotation(self, kind: Type) -> bool:
        return self.types.subsumes(ANNOTATION, kind.name)

    def _is_metadata(self, kind: Type) -> bool:
        return kind.name in (METADATA_TYPE, "uima.tcas.DocumentAnnotation")

    def _is_relation(self, kind: Type) -> bool:
        names = {f.name for f in kind.all_features}
        return GOVERNOR in names and DEPENDENT in names

    def _document(self, text: str, items: list[FeatureStructure]) -> Document:
        meta: dict[str, Any] = {}
        title = self.title
        extra: dict[str, Any] = {}
        for fs in items:
            if fs.type.name == EXTRA_META_TYPE:
                extra[str(fs.get("key"))] = self._json(fs.get(VALUE), fs)
            if not self._is_metadata(fs.type):
                continue
            for feature in fs.type.all_features:
                value = fs.get(feature.name)
                if feature.name in ("sofa", "begin", "end", "isLastSegment") or value is None:
                    continue
                if feature.name == "documentTitle":
                    title = str(value)
                elif feature.rangeType.name in _PRIMITIVE:
                    meta[feature.name] = value
        if meta.get("language") == "x-unspecified":
            del meta["language"]
        if meta.get("documentId") in (title, self.title, text_uid(text)):
            del meta["documentId"]  # what the writer puts there when the metadata has none
        return self.intake.document(text, title, meta | extra, "DocumentMetaData")

    def _json(self, value: Any, fs: FeatureStructure) -> Any:
        try:
            return parse_json(str(value))
        except ValueError:
            raise self.intake.error("the metadata value is not JSON",
                                    f"{_short(fs.type.name)} xmi:id {fs.xmiID}") from None

    def _features(self, fs: FeatureStructure) -> tuple[str | None, dict[str, Any]]:
        """The tag feature's value (:func:`annotate.formats.uima.tag_feature`) and the other
        primitive features; slot links and structured values counted."""
        values: dict[str, Any] = {}
        for feature in fs.type.all_features:
            name = feature.name
            if name in ("sofa", "begin", "end", GOVERNOR, DEPENDENT):
                continue
            value = fs.get(name)
            if value is None:
                continue
            if feature.rangeType.name in _PRIMITIVE:
                values[name] = value
            elif feature.rangeType.name == "uima.cas.FSArray" and _is_slot(value):
                self.intake.lose(SKIP_SLOTS, len(value.elements or ()))
            else:
                self.intake.lose(SKIP_STRUCTURED)
        tag = LABEL if fs.type.name == SPAN_TYPE else tag_feature(
            fs.type.name, (f.name for f in fs.type.all_features))
        found = values.pop(tag, None) if tag else None
        return (None if found is None else str(found)), values

    def _span(self, doc: Document, fs: FeatureStructure) -> Span:
        label, values = self._features(fs)
        note = values.pop(NOTE, None) if fs.type.name == SPAN_TYPE else None
        where = f"{_short(fs.type.name)} xmi:id {fs.xmiID}"
        return self.intake.span(doc, fs.begin, fs.end, label or _short(fs.type.name),
                                self.annotator, where, attributes=values,
                                note=None if note is None else str(note))

    def _relation(self, fs: FeatureStructure, spans: dict[int, Span]) -> Relation | None:
        ends = [fs.get(GOVERNOR), fs.get(DEPENDENT)]
        found = [spans.get(end.xmiID) if isinstance(end, FeatureStructure) else None
                 for end in ends]
        if None in found:
            self.intake.lose(SKIP_ENDS)
            return None
        if found[0] is found[1]:
            self.intake.lose(SKIP_SELF)
            return None
        label, values = self._features(fs)
        if values:
            self.intake.lose("relation features besides the type (a relation has no "
                             "attributes)", len(values))
        where = f"{_short(fs.type.name)} xmi:id {fs.xmiID}"
        return self.intake.relation(label or _short(fs.type.name), found[0], found[1],
                                    self.annotator, where)


def _is_slot(array: Any) -> bool:
    """Whether an FSArray holds INCEpTION link structures (a ``role`` and a ``target``)."""
    elements = getattr(array, "elements", None) or []
    return all(isinstance(e, FeatureStructure)
               and {"role", "target"} <= {f.name for f in e.type.all_features}
               for e in elements)

