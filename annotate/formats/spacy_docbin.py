"""spaCy DocBin (``.spacy``), the optional extra ``counterclaim[spacy]``.

One ``Doc`` per document, tokenised by ``spacy.blank("en")`` (no model needed), holding every
annotator's spans: all of them in ``doc.spans["sc"]`` (each span's id kept as the spaCy span
id) and each annotator's in ``doc.spans["sc:<annotator>"]``, aligned to tokens with
``alignment_mode="expand"``. ``doc.ents`` holds the entity-category spans of one annotator,
``gold`` if present, else the first by name (``doc.user_data["ents"]`` names it), where they
do not overlap (``spacy.util.filter_spans``: longest first). ``doc.user_data`` also holds
``uid``, ``title`` and ``meta``. ``doc.cats`` holds the document labels of the annotator whose
entities are in ``doc.ents`` (else of the first by name who gave any) by their flat names
(:meth:`LabelSchema.flat_name`): 1.0 for a value given, 0.0 for the other values of a category
they gave one of (a category they left alone is not in ``cats``); every annotator's document
labels are in ``user_data["doc_labels"]`` ({annotator: [[category, value], …]}), read back
as they were. Only the token attributes a blank pipeline sets are stored
(text, spacing, entities). Counted in the report: spans whose text changed when aligned to
tokens (widened to whole tokens, or narrowed where an end lay in the white space spaCy keeps
outside tokens), spans on no token, entity spans not in ``doc.ents`` (overlapping, or another
annotator's), and the attributes, notes, relations and statuses spaCy has no place for.

A large export builds its Docs in worker processes (:mod:`annotate.formats.workers`), a chunk
of documents each, and merges their DocBins in order: the file is byte for byte the one a
single process writes. Serialising the merged DocBin stays serial.

Reading (``import --format spacy``, or any ``.spacy`` file) keeps every span group and
``doc.ents``, each as an annotator's layer: ``doc.spans["sc:<name>"]`` as annotator
``<name>`` (our export); spaCy's default group ``doc.spans["sc"]`` and ``doc.ents`` as the
Doc's ``user_data["annotator"]``, else the import's annotator (``A``); any other group ``G`` as
annotator ``A:G`` (a group's name is kept as its layer's; ``--map-annotator`` renames it). A span
already read under the same spaCy span id (our export's ``sc`` repeats every layer), or our
export's ``doc.ents`` (a copy of one layer's entities), is the same span; another span a layer
already holds (same offsets and label, e.g. in both ``doc.ents`` and ``sc``) is kept once,
counted. ``doc.user_data`` is kept in the document's metadata under ``spacy_user_data`` (but
for the keys our export writes: uid, title, meta, ents, annotator; a custom attribute's key
``("._.", name, start, end)`` becomes ``._.name``, ``._.name[start:end]``); values JSON cannot
hold are counted. Document labels come from ``user_data["doc_labels"]`` (our export), else
from ``doc.cats`` (the names scored 0.5 or more, as ``A``'s; a lower score is no label).
Counted as not imported: token annotations (tag, pos, morph, lemma, dep), knowledge-base ids,
span group attributes, empty Docs.
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from functools import cache, partial
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any, NamedTuple

import orjson

from annotate.errors import CounterclaimError, InputError
from annotate.formats import FORMATS
from annotate.formats.base import (
    ExportReport,
    ImportOptions,
    Intake,
    SpanRow,
    check_text,
    layers,
    span_rows,
    writable,
)
from annotate.formats.targets import atomic_path
from annotate.formats.workers import in_order
from annotate.formats.xmlsafe import MAX_ARCHIVE_BYTES
from annotate.inputs import read_input
from annotate.model import GOLD, AnnotatedDocument, Span, text_uid
from annotate.schema import LabelSchema

SPANS_KEY = "sc"
LAYER_PREFIX = f"{SPANS_KEY}:"  # doc.spans["sc:<annotator>"]: one annotator's spans
DOCBIN_ATTRS = ("ENT_IOB", "ENT_TYPE")  # with ORTH and SPACY, which a DocBin always stores
REALIGNED = "spans whose text changed when aligned to spaCy tokens"
LOST_NO_TOKEN = "spans covering no token not carried by spaCy"
USER_DATA_KEY = "spacy_user_data"  # the metadata key that keeps doc.user_data
TOKEN_ANNOTATIONS = ("TAG", "POS", "MORPH", "LEMMA", "DEP")
NOT_IN_ENTS = "overlapping entity spans left out of doc.ents (kept in spans['sc'])"
OTHER_ENTS = "other annotators' entity spans not in doc.ents (kept in spans['sc'])"
OTHER_CATS = "other annotators' document labels not in doc.cats (kept in user_data)"
DOC_LABELS_KEY = "doc_labels"  # user_data: {annotator: [[category, value], ...]}
OWN_USER_DATA = frozenset({"uid", "title", "meta", "ents", "annotator", DOC_LABELS_KEY})


class SpacyMissing(CounterclaimError):
    """The optional spaCy dependency is not installed."""


def spacy_module() -> ModuleType:
    """spaCy, or SpacyMissing saying how to install it."""
    try:
        import spacy
    except ImportError:
        raise SpacyMissing("spaCy is not installed: pip install 'counterclaim[spacy]'") from None
    return spacy


@contextmanager
def _plugins_looked_up_once() -> Iterator[None]:
    """srsly searches every installed package's entry points for msgpack plug-ins each time it
    packs or unpacks, several times per Doc (about a millisecond each); within one export or
    import the answer cannot change, so it is looked up once and reused until the end."""
    from srsly import msgpack

    registries = [r for r in (getattr(msgpack, name, None)
                              for name in ("msgpack_encoders", "msgpack_decoders"))
                  if r is not None and "get_all" not in vars(r)]
    for registry in registries:
        registry.get_all = partial(dict, registry.get_all())
    try:
        yield
    finally:
        for registry in registries:
            del registry.get_all


@contextmanager
def _compressed_fast() -> Iterator[None]:
    """``DocBin.to_bytes`` deflates at zlib's default level 6, some 60 MB/s: most of an
    export's last step, which no worker can share. Level 1 is nearly four times as fast for a
    file about 8% larger, and a reader inflates either alike; so, for the length of the
    block, the zlib spaCy's serialiser calls compresses at level 1. (Where spaCy's serialiser
    no longer holds the zlib module, nothing changes and the file is written at level 6.)"""
    from spacy.tokens import _serialize

    if getattr(_serialize, "zlib", None) is not zlib:
        yield
        return
    _serialize.zlib = SimpleNamespace(  # type: ignore[assignment]
        compress=partial(zlib.compress, level=1), decompress=zlib.decompress, error=zlib.error)
    try:
        yield
    finally:
        _serialize.zlib = zlib


MAX_INFLATED_BYTES = MAX_ARCHIVE_BYTES
"""The most a DocBin (deflated msgpack) may inflate to, as all the members of an archive
together: spaCy inflated it whole whatever its size, so a file of a few MB could fill the
memory with GBs of zeros before anything was checked (a zlib bomb)."""


@contextmanager
def _inflated_within(limit: int, path: Path) -> Iterator[None]:
    """For the length of the block, the zlib spaCy's serialiser calls inflates at most
    ``limit`` bytes, and refuses a DocBin inflating to more (InputError naming ``path``)
    before holding more than that. (Where spaCy's serialiser no longer holds the zlib module,
    nothing changes.)"""
    from spacy.tokens import _serialize

    if getattr(_serialize, "zlib", None) is not zlib:
        yield
        return

    def decompress(data: bytes) -> bytes:
        inflater, size, rest = zlib.decompressobj(), 0, data
        while rest and size <= limit:  # counted a MB at a time, nothing kept
            size += len(inflater.decompress(rest, 1 << 20))
            rest = inflater.unconsumed_tail
        if size + len(inflater.flush()) > limit:
            raise InputError(f"inflates to more than {limit:,} bytes (the most a DocBin may "
                             "hold); refused before it is read", str(path))
        return zlib.decompress(data)

    _serialize.zlib = SimpleNamespace(  # type: ignore[assignment]
        compress=zlib.compress, decompress=decompress, error=zlib.error)
    try:
        yield
    finally:
        _serialize.zlib = zlib


def _docbin() -> Any:
    """An empty DocBin storing what an export writes: the token attributes below and
    ``user_data``."""
    spacy_module()
    from spacy.tokens import DocBin

    return DocBin(attrs=DOCBIN_ATTRS, store_user_data=True)


@cache
def _blank(spacy: ModuleType) -> Any:
    """The tokenizer-only English pipeline (no model download), built once."""
    return spacy.blank("en")


class _Item(NamedTuple):
    """What the Doc of one document is built from (small and quick to send to a worker)."""

    text: str
    user_data: dict[str, Any]  # its "ents": whose entity spans go to doc.ents
    layers: list[tuple[str, list[SpanRow]]]  # annotator, spans
    cats: dict[str, float]  # doc.cats


def write(records: Iterable[AnnotatedDocument], out: Path, schema: LabelSchema) -> ExportReport:
    """Write one DocBin file, its Docs built a chunk of documents at a time (by worker
    processes for a large export: :mod:`annotate.formats.workers`) and merged in order."""
    report = ExportReport("spacy")
    entity_labels = frozenset(label.name for label in schema.labels
                              if label.category == "entity")
    docs = _docbin()  # a clear error first when spaCy is missing
    items = (_item(record, report, schema) for record in records)
    built = in_order(partial(_build, entity_labels=entity_labels), items)
    with _plugins_looked_up_once(), closing(built):
        for state, counted in built:
            part = _docbin()
            vars(part).update(state)
            docs.merge(part)
            report.absorb(counted)
        with _compressed_fast():
            data = docs.to_bytes()
    with atomic_path(out, "spacy") as tmp:
        tmp.write_bytes(data)
    return report


def _item(record: AnnotatedDocument, report: ExportReport, schema: LabelSchema) -> _Item:
    """Check and count ``record`` (what spaCy has no place for) and keep what its Doc needs."""
    record = writable(record, report)
    report.documents += 1
    report.drop(record, FORMATS["spacy"].drops)
    source = record.document
    parts = [(layer.annotator, span_rows(layer))
             for layer in layers(record, None) if layer.annotator is not None]
    names = [name for name, _ in parts]
    ents_by = GOLD if GOLD in names else names[0] if names else None
    user_data = {"uid": source.uid, "title": source.title, "meta": source.meta,
                 "ents": ents_by}
    cats: dict[str, float] = {}
    if record.doc_labels:
        given: dict[str, list[list[str]]] = {}
        for label in sorted(record.doc_labels, key=lambda d: d.key):
            given.setdefault(label.annotator, []).append([label.category, label.value])
        user_data[DOC_LABELS_KEY] = given
        cats_by = ents_by if ents_by in given else min(given)
        report.lose(OTHER_CATS, sum(len(v) for k, v in given.items() if k != cats_by))
        cats = _cats(given[cats_by], schema)
    return _Item(source.text, user_data, parts, cats)


def _cats(labels: list[list[str]], schema: LabelSchema) -> dict[str, float]:
    """``doc.cats`` of one annotator's labels: 1.0 for each value given, 0.0 for the other
    values of the categories given (values the schema no longer has are left out)."""
    chosen = {(c, v) for c, v in labels}
    cats: dict[str, float] = {}
    for name in dict.fromkeys(c for c, _ in labels):
        category = schema.doc_category(name)
        values = category.value_names if category is not None else ()
        for value in dict.fromkeys((*values, *(v for c, v in labels if c == name))):
            cats[schema.flat_name(name, value)] = float((name, value) in chosen)
    return cats


def _build(chunk: tuple[_Item, ...], entity_labels: frozenset[str]
           ) -> tuple[dict[str, Any], ExportReport]:
    """The DocBin of the chunk's documents as its attributes (what plain pickling would send
    from a worker; spaCy's own pickling of a DocBin compresses it, which the merge would
    undo), and the spans written and lost in it."""
    nlp = _blank(spacy_module())
    counted = ExportReport("spacy")
    docs = _docbin()
    with _plugins_looked_up_once():
        for item in chunk:
            docs.add(_doc(item, nlp, entity_labels, counted))
    return vars(docs), counted


def _doc(item: _Item, nlp: Any, entity_labels: frozenset[str], report: ExportReport) -> Any:
    """The Doc of one document with every annotator's spans."""
    from spacy.util import filter_spans

    doc = nlp.make_doc(item.text)
    ents_by = item.user_data["ents"]
    everything, entities = [], []
    for annotator, spans in item.layers:
        aligned = []
        for start, end, label, span_id in spans:
            got = doc.char_span(start, end, label=label, alignment_mode="expand",
                                span_id=span_id)
            if got is None or not len(got):  # white space outside any token
                report.lose(LOST_NO_TOKEN)
                continue
            if got.start_char != start or got.end_char != end:
                report.lose(REALIGNED)
            aligned.append(got)
            if label in entity_labels:
                if annotator == ents_by:
                    entities.append(got)
                else:
                    report.lose(OTHER_ENTS)
        doc.spans[f"{LAYER_PREFIX}{annotator}"] = aligned
        everything += aligned
    doc.spans[SPANS_KEY] = everything
    ents = filter_spans(entities)
    doc.ents = ents
    report.lose(NOT_IN_ENTS, len(entities) - len(ents))
    report.spans += len(everything)
    doc.user_data.update(item.user_data)
    doc.cats = item.cats
    return doc


def read(path: Path, schema: LabelSchema, options: ImportOptions) -> Iterator[AnnotatedDocument]:
    """Records of a DocBin (read whole, within :data:`annotate.inputs.MAX_FILE_BYTES`): its
    span groups and ``doc.ents`` as annotators' layers (see the module), ``doc.user_data``
    kept in the metadata; what has no place here counted in ``options`` (``doc.cats``, token
    annotations, knowledge-base ids, span group attributes, user data that is not JSON)."""
    spacy = spacy_module()
    from spacy.tokens import DocBin

    intake = Intake(schema, options, path)
    data = read_input(path)
    try:
        with _plugins_looked_up_once(), _inflated_within(MAX_INFLATED_BYTES, path):
            docs = list(DocBin(store_user_data=True).from_bytes(data).get_docs(
                _blank(spacy).vocab))
    except InputError:
        raise
    except Exception as exc:  # msgpack, zlib and spaCy each raise their own on bad bytes
        raise InputError(f"not a spaCy DocBin ({type(exc).__name__}: {exc})", str(path)) from None
    del data
    for n, doc in enumerate(docs, start=1):
        if not doc.text:
            intake.lose("empty Docs (no text to annotate)")
            continue
        yield _record(doc, n, intake, path)
    intake.finish()


def _record(doc: Any, n: int, intake: Intake, path: Path) -> AnnotatedDocument:
    """The ``n``-th Doc as a record: its text, title (``user_data["title"]``, else the file's
    name and ``n``) and metadata, and every span group's spans."""
    where = f"doc {n}"
    text = check_text(doc.text, path, where)
    data: dict[Any, Any] = doc.user_data
    meta = data.get("meta")
    meta = dict(meta) if isinstance(meta, dict) else {}
    kept = _user_data(data, intake)
    if kept:
        meta[USER_DATA_KEY] = kept
    title = data.get("title")
    document = intake.document(text, title if isinstance(title, str) else f"{path.name} #{n}",
                               meta, where, text_uid(text))
    _count_unkept(doc, intake)
    found = data.get("annotator")
    base = intake.options.annotator_for(found if isinstance(found, str) else None)
    ours = {key.removeprefix(LAYER_PREFIX): group for key, group in doc.spans.items()
            if key.startswith(LAYER_PREFIX)}
    ents = data.get("ents")
    copied = ents if isinstance(ents, str) and ents in ours else None  # our export's doc.ents
    sources = [*((name, group, f"doc.spans['{LAYER_PREFIX}{name}']")
                 for name, group in ours.items()),
               *((_layer(key, base), group, f"doc.spans[{key!r}]")
                 for key, group in doc.spans.items() if not key.startswith(LAYER_PREFIX)),
               (copied or base, doc.ents, "doc.ents")]
    spans: list[Span] = []
    seen: set[str] = set()  # spaCy span ids an earlier group held
    placed: set[tuple[str, int, int, str]] = set()  # (annotator, start, end, label) of those
    label_map = intake.options.label_map
    for annotator, group, name in sources:
        ids_here: set[str] = set()
        placed_here: set[tuple[str, int, int, str]] = set()
        for s in group:
            if s.id_ and s.id_ in seen:  # the same span (our export's "sc" repeats them all)
                continue
            position = (annotator, s.start_char, s.end_char, label_map.get(s.label_, s.label_))
            if position in placed:
                if annotator != copied or name != "doc.ents":  # ours copies a layer's
                    intake.lose(f"spans repeated in {name} (kept once)")
                continue
            spans.append(intake.span(document, s.start_char, s.end_char, s.label_, annotator,
                                     where, span_id=_uuid_or_none(s.id_)))
            ids_here.add(s.id_)
            placed_here.add(position)
        seen |= ids_here
        placed |= placed_here
    return AnnotatedDocument(document, tuple(spans),
                             doc_labels=_doc_labels(intake, document, doc, base, where),
                             origin=where)


def _doc_labels(intake: Intake, document: Any, doc: Any, owner: str, where: str
                ) -> tuple[Any, ...]:
    """A Doc's document labels: ``user_data["doc_labels"]`` as written, else the ``doc.cats``
    names scored 0.5 or more, as ``owner``'s."""
    given = doc.user_data.get(DOC_LABELS_KEY)
    if isinstance(given, dict):
        try:
            return tuple(intake.doc_label(document, category, value, annotator, where)
                         for annotator, labels in given.items()
                         for category, value in labels)
        except (TypeError, ValueError):
            raise intake.error(f'user_data["{DOC_LABELS_KEY}"] must map annotators to '
                               "[category, value] pairs", where) from None
    return tuple(intake.flat_doc_label(document, name, owner, where)
                 for name, score in doc.cats.items() if score >= 0.5)


def _layer(key: str, base: str) -> str:
    """The annotator a span group (other than ``sc:<name>``) is read as: spaCy's default
    group ``sc`` as ``base``, any other ``G`` as ``base:G``."""
    return base if key == SPANS_KEY else f"{base}:{key}"


def _count_unkept(doc: Any, intake: Intake) -> None:
    """Count what a Doc holds that has no place here."""
    for attribute in TOKEN_ANNOTATIONS:
        if doc.has_annotation(attribute):
            intake.lose(f"token {attribute} annotations (tokens are not kept)", len(doc))
    spans = [*doc.ents, *(s for group in doc.spans.values() for s in group)]
    intake.lose("knowledge-base ids of spans (kb_id)", sum(bool(s.kb_id_) for s in spans))
    intake.lose("span group attributes (SpanGroup.attrs)",
                sum(len(group.attrs) for group in doc.spans.values()))


def _user_data(data: dict[Any, Any], intake: Intake) -> dict[str, Any]:
    """``doc.user_data`` but for the keys our own export writes, as JSON: a custom attribute's
    key ``("._.", name, start, end)`` as ``._.name`` (of the Doc) or ``._.name[start:end]``
    (of a token or span); a value JSON cannot hold is counted, not kept."""
    kept: dict[str, Any] = {}
    for key, value in data.items():
        if key in OWN_USER_DATA:
            continue
        name = _key_name(key)
        try:
            kept[name] = orjson.loads(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS))
        except (TypeError, orjson.JSONEncodeError):
            intake.lose("doc.user_data values JSON cannot hold (bytes, objects)")
    return kept


def _key_name(key: Any) -> str:
    if isinstance(key, tuple) and len(key) == 4 and key[0] == "._.":
        _, name, start, end = key
        if start is None:
            return f"._.{name}"
        return f"._.{name}[{start}:{end}]" if end is not None else f"._.{name}[{start}]"
    return key if isinstance(key, str) else repr(key)


def _uuid_or_none(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None
