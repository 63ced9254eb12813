"""Bulk paths: streaming import in chunks (merged by :mod:`db.merge`), streaming export, and
statistics."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import groupby, islice, repeat
from operator import itemgetter
from typing import Any, Literal, NamedTuple

from sqlalchemy import Connection, func, select

from annotate import exact_json, layers, strings
from annotate.agreement_outline import Outline
from annotate.collector import collector_paused
from annotate.commands import Decision
from annotate.errors import InputError, ValidationError
from annotate.model import (
    GOLD,
    AnnotatedDocument,
    DocLabel,
    Document,
    Relation,
    Span,
    Status,
    utc_now,
)
from annotate.review_columns import SpanColumns
from annotate.suggestions import Shown, Suggestion
from annotate.validator import Incoming
from db import dialects, span_rows, suggestions, tombstones
from db.edits import decision_from_row
from db.engine import chunks, execute, marks
from db.merge import ImportSummary, Merger
from db.names import Names
from db.schema_io import write_schema
from db.tables import (
    AnnotatorModel,
    DecisionModel,
    DocLabelModel,
    DocumentModel,
    LabelModel,
    RelationModel,
    SpanModel,
    StatusModel,
)

D, S, R, ST, DL, DE = (
    DocumentModel.__table__,
    SpanModel.__table__,
    RelationModel.__table__,
    StatusModel.__table__,
    DocLabelModel.__table__,
    DecisionModel.__table__,
)
CHUNK = 256
CHUNK_CHARS = 1_000_000
"""A chunk ends at CHUNK documents or once its texts reach CHUNK_CHARS characters, so an
import holds a bounded amount of text whatever the size of the corpus or its documents."""


def _chunks(records: Iterable[AnnotatedDocument]) -> Iterator[list[AnnotatedDocument]]:
    chunk: list[AnnotatedDocument] = []
    chars = 0
    # Names are dropped as soon as they are done with, so that no document outlives its
    # chunk while the next one is read: the peak then follows the largest document.
    for record in records:
        chunk.append(record)
        chars += len(record.document.text)
        del record
        if len(chunk) >= CHUNK or chars >= CHUNK_CHARS:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def import_records(
    conn: Connection,
    names: Names,
    records: Iterable[AnnotatedDocument],
    progress: Callable[[int], None] | None,
    incoming: Incoming,
) -> ImportSummary:
    """Check (``incoming``: against the schema) and merge every record; names the schema
    lacks are refused together at the end, or, when ``incoming`` grows the schema, its rows
    are written as it grows (the caller journals the change)."""
    summary = ImportSummary()
    before = set(incoming.schema.label_names)
    ids_of: dict[str, int] = {}  # annotator name -> id, for the hot loops

    def who(name: str) -> int:
        found = ids_of.get(name)
        if found is None:
            found = ids_of[name] = names.annotator_id(conn, name)
        return found

    merger = Merger(
        conn, summary, who, lambda label: names.label_id(conn, label), tombstones.any_buried(conn)
    )
    count = 0
    across: list[Across] = []
    with collector_paused():
        for chunk in _chunks(records):
            _import_chunk(conn, names, chunk, incoming, merger, across)
            count += len(chunk)
            if progress is not None:
                progress(count)
            del chunk  # freed before the next chunk is read, not after
        if across and not any(incoming.unknown.values()):
            _links_across(conn, names, across, incoming, merger)
    incoming.finish()
    summary.labels_added = [n for n in incoming.schema.label_names if n not in before]
    return summary


# The hot paths go to the driver's executemany with prepared tuples: SQLAlchemy's per-row
# parameter processing would double the cost of a large import.
_INSERT_DOCUMENT = (
    "INSERT INTO documents (uid, title, text, length, meta, added_at) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (uid) DO NOTHING"
)


def _check_strings(record: AnnotatedDocument, holds_nul: bool) -> None:
    """No name that breaks the name rule and no text that cannot be stored reaches the store,
    whoever read the record (InputError naming the field, and the line the reader recorded in
    ``origin`` or else the document); nor a NUL character where the engine ``holds_nul`` not.
    The native reader leaves this check to here."""
    try:
        strings.check_record(record)
        if not holds_nul:
            strings.check_no_nul(record)
    except ValidationError as exc:
        if record.origin is not None:  # the reader said where in its file: that names it
            raise InputError(str(exc), None, record.origin) from None
        doc = record.document
        name = f"{strings.shown(doc.title)} ({doc.uid[:12]})" if doc.title else doc.uid[:12]
        raise InputError(f"document {name}: {exc}") from None


@dataclass(frozen=True, slots=True)
class Across:
    """A link across documents met in an import, resolved once every document is read
    (its target may come later in the file): its source's document id, the source span as
    read, where it was met, and the source's (id, annotator) here (None: skipped)."""

    relation: Relation
    document_id: int
    source: Span
    where: str
    here: tuple[str, str] | None


def _import_chunk(
    conn: Connection,
    names: Names,
    chunk: Sequence[AnnotatedDocument],
    incoming: Incoming,
    merger: Merger,
    across: list[Across],
) -> None:
    summary = merger.summary
    now = utc_now()
    docs: dict[str, Document] = {}
    holds_nul = dialects.of(conn).holds_nul
    for record in chunk:
        _check_strings(record, holds_nul)
        docs.setdefault(record.document.uid, record.document)
    added = conn.exec_driver_sql(
        _INSERT_DOCUMENT,
        [
            (d.uid, d.title, d.text, len(d.text), json.dumps(d.meta) if d.meta else "{}", now)
            for d in docs.values()
        ],
    ).rowcount
    met = len(docs.keys() - summary.documents)  # a text an earlier chunk held: counted there
    summary.documents_added += added
    summary.documents_existing += met - added
    summary.documents.update(docs)
    ids = dict(conn.execute(select(D.c.uid, D.c.id).where(D.c.uid.in_(list(docs)))).all())
    spans: list[tuple[Span, int]] = []
    relations: list[tuple[Relation, int]] = []
    linked: dict[int, dict[str, str]] = {}  # document id -> joined span id -> annotator
    statuses: list[tuple[int, str, Status]] = []
    doc_labels: list[tuple[DocLabel, int]] = []
    crossing: list[tuple[Relation, int, Span, str]] = []
    for record in chunk:
        where = record.origin or f"document {record.document.uid}"
        try:
            record.check_offsets()
        except ValidationError as exc:
            raise InputError(str(exc), None, where) from None
        doc_id = ids[record.document.uid]
        fits = incoming.spans(record.spans, where)
        spans.extend(zip(fits, repeat(doc_id)))
        if record.relations:
            ends = {s.id: s for s in fits}
            relations += [
                (r, doc_id)
                for r in record.relations
                if not r.crosses and r.source in ends and r.target in ends
                and incoming.relation(r, ends[r.source], ends[r.target], where)
            ]
            crossing += [(r, doc_id, ends[r.source], where)
                         for r in record.relations if r.crosses and r.source in ends]
            joined = linked.setdefault(doc_id, {})  # a file may hold a document twice
            for r in record.relations:
                for end in (r.source,) if r.crosses else (r.source, r.target):
                    if end in ends:
                        joined[end] = ends[end].annotator
        statuses += [(doc_id, name, state) for name, state in record.status.items()]
        for label in record.doc_labels:
            if label.document != record.document.uid:
                raise InputError(f"a document label of {label.annotator} names another "
                                 "document", None, where)
            if incoming.doc_label(label, where):
                doc_labels.append((label, doc_id))
    _write_grown(conn, names, incoming)  # the schema's rows first: the spans name them
    if any(incoming.unknown.values()):
        return  # refused at the end, with every unknown name listed
    here = merger.spans(spans, linked)
    merger.relations(relations, here)
    merger.statuses(statuses)
    merger.doc_labels(doc_labels, incoming.schema)
    across += [Across(r, doc_id, source, where, here.get((doc_id, r.source)))
               for r, doc_id, source, where in crossing]


def _links_across(
    conn: Connection, names: Names, across: Sequence[Across], incoming: Incoming, merger: Merger
) -> None:
    """Check and merge the links across documents of an import, now that every document of
    it is here: each target document must be in the file or the store, and hold the target
    span (in the link's layer, under its id or that layer's copy of it), else an InputError
    names the link's place in its file."""
    uids = sorted({a.relation.target_document for a in across if a.relation.target_document})
    documents = dict(conn.execute(select(D.c.uid, D.c.id).where(D.c.uid.in_(uids))).all())
    wanted = {i for a in across for i in (a.relation.target,
                                          layers.copy_id(a.relation.target, a.relation.annotator))}
    found = spans_by_id(conn, names, wanted)
    relations: list[tuple[Relation, int]] = []
    here = {(a.document_id, a.relation.source): a.here for a in across if a.here is not None}
    for item in across:
        relation, where = item.relation, item.where
        assert relation.target_document is not None
        target_doc = documents.get(relation.target_document)
        if target_doc is None:
            raise InputError(f"relation {relation.id}: its target document "
                             f"{relation.target_document} is neither in the file nor here",
                             None, where)
        target = next((t for i in (relation.target,
                                   layers.copy_id(relation.target, relation.annotator))
                       if (t := found.get(i)) is not None
                       and t.document == relation.target_document
                       and t.annotator == relation.annotator), None)
        if target is None:
            raise InputError(f"relation {relation.id}: document {relation.target_document} "
                             f"has no span {relation.target} of {relation.annotator}", None, where)
        if not incoming.relation(relation, item.source, replace(target, id=relation.target),
                                 where):
            continue
        here[(target_doc, relation.target)] = (target.id, target.annotator)
        relations.append((relation, item.document_id))
    _write_grown(conn, names, incoming)
    if not any(incoming.unknown.values()):
        merger.relations(relations, here, documents)


def _write_grown(conn: Connection, names: Names, incoming: Incoming) -> None:
    """Write the schema's rows when the import grew it since they were last written."""
    if incoming.grown:
        write_schema(conn, incoming.schema, {})
        names.clear()
        incoming.grown = False


def spans_by_id(conn: Connection, names: Names, ids: Iterable[str]) -> dict[str, Span]:
    """The spans of ``ids`` that exist, by id."""
    items = list(ids)
    label = names.label_names(conn).__getitem__
    annotator = names.annotator_names(conn).__getitem__
    found: dict[str, Span] = {}
    for part in chunks(items):
        rows = execute(conn, f"SELECT d.uid, {span_rows.column_list('s')} FROM spans AS s "
                       f"JOIN documents AS d ON d.id = s.document_id WHERE s.id IN ({marks(part)})",
                       tuple(part))
        for row in rows:
            span = span_rows.from_row(row[1:], row[0], label, annotator)
            found[span.id] = span
    return found


# -- reading --------------------------------------------------------------------------------


def _ids(
    conn: Connection, names: Names, annotators: Sequence[str] | None, labels: Sequence[str] | None
) -> tuple[list[int] | None, list[int] | None]:
    who = (
        None
        if annotators is None
        else [i for a in annotators if (i := names.find_annotator(conn, a)) is not None]
    )
    what = (
        None
        if labels is None
        else [i for name in labels if (i := names.find_label(conn, name)) is not None]
    )
    return who, what


def _in(column: str, values: Sequence[int]) -> tuple[str, list[int]]:
    """``column IN (?, ...)`` for ``values``; for none, a clause no row meets (PostgreSQL
    refuses an empty ``IN ()``)."""
    if not values:
        return "1 = 0", []
    return f"{column} IN ({marks(values)})", list(values)


HEARD_EVERY = 5_000
"""Rows a read heeding a cancel (:func:`_heeding`) reads between two checks."""


def _heeding(rows: Iterable[Any], heard: Callable[[int], object]) -> Iterator[Any]:
    """``rows``, telling ``heard`` how many were read before each :data:`HEARD_EVERY`."""
    rows = iter(rows)
    read = 0
    while batch := list(islice(rows, HEARD_EVERY)):
        heard(read)
        yield from batch
        read += len(batch)


def _spans_for(
    conn: Connection,
    names: Names,
    docs: dict[int, str],
    who: list[int] | None,
    what: list[int] | None,
    within: tuple[str, int, int, int] | None = None,
    heard: Callable[[int], object] | None = None,
) -> dict[int, list[Span]]:
    """Spans of the documents ``docs`` (id -> uid), by position; with ``within`` (how, start,
    end, lowest start) only those of :func:`spans_within`. Read through the driver with
    attributes parsed only when not empty: this is the export's hot loop. ``heard`` is told
    the spans read so far every :data:`HEARD_EVERY` spans (an exception it raises stops the
    read: a cancel)."""
    label = names.label_names(conn).__getitem__
    annotator = names.annotator_names(conn).__getitem__
    result: dict[int, list[Span]] = {doc_id: [] for doc_id in docs}
    for row in _span_rows(conn, docs, who, what, within, heard):
        doc_id = row[1]
        result[doc_id].append(span_rows.from_row(row, docs[doc_id], label, annotator))
    return result


def _span_columns_for(conn: Connection, names: Names, docs: dict[int, str],
                      heard: Callable[[int], object] | None = None) -> dict[int, SpanColumns]:
    """The spans of the documents ``docs`` (id -> uid) as :func:`_spans_for` reads them,
    into columns: no Span is made."""
    label = names.label_names(conn).__getitem__
    annotator = names.annotator_names(conn).__getitem__
    result = {doc_id: SpanColumns(uid) for doc_id, uid in docs.items()}
    for span_id, doc_id, annotator_id, label_id, start, end, attributes, note, created, \
            updated, fragments in _span_rows(conn, docs, None, None, None, heard):
        result[doc_id].add(span_id, start, end, label(label_id), annotator(annotator_id),
                           span_rows.attributes_from(attributes), note, created, updated,
                           span_rows.fragments_from(fragments))
    return result


def _span_rows(
    conn: Connection,
    docs: dict[int, str],
    who: list[int] | None,
    what: list[int] | None,
    within: tuple[str, int, int, int] | None,
    heard: Callable[[int], object] | None,
) -> Iterable[Any]:
    """The span rows (``span_rows.COLUMNS``) of :func:`_spans_for`, on the driver's cursor."""
    clauses, params = zip(
        *(
            _in(column, values)
            for column, values in (
                ("document_id", list(docs)),
                ("annotator_id", who),
                ("label_id", what),
            )
            if values is not None
        ),
        strict=True,
    )
    extra: tuple[int, ...] = ()
    if within is not None:
        how, start, end, lowest = within
        clauses += (RANGES[how],)
        extra = (end, lowest) if how == "starting" else (end, lowest, start)
    # The driver's own cursor: plain tuples, no result-row objects, in this transaction.
    rows = execute(
        conn, f"SELECT {span_rows.column_list()} FROM spans WHERE {' AND '.join(clauses)} "
        "ORDER BY document_id, start",
        (*(p for group in params for p in group), *extra),
    )
    return rows if heard is None else _heeding(rows, heard)


def _relations_for(
    conn: Connection, names: Names, docs: dict[int, str], who: list[int] | None,
    what: list[int] | None = None,
) -> dict[int, list[Relation]]:
    """Relations of the documents ``docs`` (id -> uid): those starting there, links to other
    documents among them; with labels ``what``, only links to other documents whose target
    span has one of them (a file leaving the target out would hold a dangling link). Read
    through the driver (a document opened in the window reads its links so)."""
    clauses, params = [_in("r.document_id", list(docs))], []
    if who is not None:
        clauses.append(_in("r.annotator_id", who))
    joins = "LEFT JOIN documents other ON other.id = r.target_document_id"
    if what is not None:
        joins += " LEFT JOIN spans target ON target.id = r.target_id"
        within, labels = _in("target.label_id", what)
        clauses.append((f"(r.target_document_id IS NULL OR {within})", labels))
    where = " AND ".join(clause for clause, _ in clauses)
    for _, values in clauses:
        params += values
    rows = execute(conn, "SELECT r.document_id, r.type, r.source_id, r.target_id, "
                   f"r.annotator_id, r.id, r.note, other.uid FROM relations r {joins} "
                   f"WHERE {where} ORDER BY r.document_id, r.id", params)
    result: dict[int, list[Relation]] = {doc_id: [] for doc_id in docs}
    for doc_id, kind, source, target, annotator_id, relation_id, note, target_uid in rows:
        result[doc_id].append(Relation(kind, source, target,
                                       names.annotator_name(conn, annotator_id), relation_id,
                                       note, target_uid))
    return result


def _doc_labels_for(
    conn: Connection, names: Names, docs: dict[int, str], who: list[int] | None
) -> dict[int, tuple[DocLabel, ...]]:
    """Document labels of the documents ``docs`` (id -> uid), by annotator, category, value
    (read through the driver)."""
    where, params = _in("document_id", list(docs))
    if who is not None:
        clause, values = _in("annotator_id", who)
        where, params = f"{where} AND {clause}", params + values
    found: dict[int, list[DocLabel]] = {doc_id: [] for doc_id in docs}
    for doc_id, annotator_id, category, value, created in execute(
            conn, "SELECT document_id, annotator_id, category, value, created FROM doc_labels "
            f"WHERE {where}", params):
        found[doc_id].append(DocLabel(docs[doc_id], category, value,
                                      names.annotator_name(conn, annotator_id), created))
    return {doc_id: tuple(sorted(labels, key=lambda d: (d.annotator, d.category, d.value))
                          if len(labels) > 1 else labels)
            for doc_id, labels in found.items()}


def _doc_ids(conn: Connection, uids: Sequence[str]) -> dict[int, str]:
    return dict(conn.execute(select(D.c.id, D.c.uid).where(D.c.uid.in_(list(uids)))).all())


def spans_of(
    conn: Connection, names: Names, uids: Sequence[str], annotators: Sequence[str] | None
) -> dict[str, list[Span]]:
    docs = _doc_ids(conn, uids)
    who, _ = _ids(conn, names, annotators, None)
    return {docs[i]: spans for i, spans in _spans_for(conn, names, docs, who, None).items()}


Within = Literal["meeting", "starting"]
RANGES = {"meeting": 'start < ? AND start >= ? AND "end" > ?',
          "starting": "start < ? AND start >= ?"}
"""The clauses of :func:`spans_within` (parameters: the range's end, the lowest start, and
for "meeting" the range's start): each reads a stretch of the index on (document, start)."""


def spans_within(
    conn: Connection, names: Names, uid: str, annotators: Sequence[str] | None,
    how: Within, start: int, end: int, reach: int | None = None,
) -> list[Span]:
    """The spans of document ``uid`` (by ``annotators``, if given) meeting code points
    ``[start, end)`` (``how`` "meeting") or starting in them ("starting"), by position.
    ``reach``: no span meeting the range is longer (the index is read from ``start - reach``
    on, not from the document's start)."""
    docs = _doc_ids(conn, [uid])
    who, _ = _ids(conn, names, annotators, None)
    if not docs:
        return []
    lowest = start if how == "starting" else 0 if reach is None else start - reach
    return next(iter(_spans_for(conn, names, docs, who, None,
                                (how, start, end, lowest)).values()))


def span_reach(conn: Connection, names: Names, uid: str,
               annotators: Sequence[str] | None) -> int:
    """The length of the longest span of document ``uid`` (by ``annotators``, if given)."""
    docs = _doc_ids(conn, [uid])
    who, _ = _ids(conn, names, annotators, None)
    if not docs:
        return 0
    clause, params = _in("annotator_id", who) if who is not None else ("1 = 1", [])
    row = execute(conn, f'SELECT max("end" - start) FROM spans WHERE document_id = ? AND '
                  f"{clause}", (next(iter(docs)), *params)).fetchone()
    return int(row[0] or 0)


def relations_of(
    conn: Connection, names: Names, uids: Sequence[str], annotators: Sequence[str] | None
) -> dict[str, list[Relation]]:
    docs = _doc_ids(conn, uids)
    who, _ = _ids(conn, names, annotators, None)
    return {docs[i]: rels for i, rels in _relations_for(conn, names, docs, who).items()}


def links_into(conn: Connection, names: Names, uid: str) -> list[tuple[str, Relation]]:
    """The links across documents that end in document ``uid``, each with the uid of the
    document it starts in (where it is stored), by that document and id."""
    home = D.alias("home")
    query = (
        select(R, home.c.uid.label("home_uid"))
        .join(home, home.c.id == R.c.document_id)
        .where(R.c.target_document_id == select(D.c.id).where(D.c.uid == uid).scalar_subquery())
        .order_by(R.c.document_id, R.c.id)
    )
    return [(r.home_uid, Relation(r.type, r.source_id, r.target_id,
                                  names.annotator_name(conn, r.annotator_id), r.id, r.note, uid))
            for r in conn.execute(query)]


@dataclass(frozen=True, slots=True)
class DocumentView:
    """What a window shows of one document, read in one transaction."""

    document: Document
    spans: list[Span] | None
    """The shown annotators' spans by position; None for a text longer than was asked for
    whole (read a region at a time instead)."""
    relations: list[Relation]
    """The shown annotators' relations."""
    doc_labels: list[DocLabel]
    """Every annotator's document labels, by annotator, category, value."""
    suggestions: Shown
    """What decides the suggestions the viewer is shown (:meth:`Shown.visible`)."""


def document_views(conn: Connection, names: Names, uids: Sequence[str],
                   annotators: Sequence[str], viewer: str, whole_up_to: int,
                   ahead_up_to: int) -> dict[str, DocumentView]:
    """Documents ``uids`` with their annotations as a window shows them: ``annotators``'
    spans (when a text is at most ``whole_up_to`` code points long) and relations, every
    document label, and the suggestions ``viewer`` has not judged; each statement once for
    all of them (the suggestions' once for each). The first is read whatever its length, the
    others only when their text is at most ``ahead_up_to`` long (read ahead: a longer one is
    read when it is opened). Those not read, or not there, are left out."""
    where, params = _in("uid", list(uids))
    rows = execute(conn, "SELECT id, uid, title, CASE WHEN uid = ? OR length(text) <= ? "
                   f"THEN text END, meta FROM documents WHERE {where}",
                   (uids[0], min(ahead_up_to, whole_up_to), *params)).fetchall()
    read = {doc_id: (uid, title, text, meta) for doc_id, uid, title, text, meta in rows
            if text is not None}
    docs = {doc_id: row[0] for doc_id, row in read.items()}
    who, _ = _ids(conn, names, annotators, None)
    spans = _spans_for(conn, names, {doc_id: uid for doc_id, (uid, _, text, _) in read.items()
                                     if len(text) <= whole_up_to}, who, None)
    relations = _relations_for(conn, names, docs, who)
    doc_labels = _doc_labels_for(conn, names, docs, None)
    suggested = suggestions.of_documents(conn, list(docs.values()))
    views: dict[str, DocumentView] = {}
    for doc_id, (uid, title, text, meta) in read.items():
        shown = spans.get(doc_id)
        views[uid] = DocumentView(
            Document(text, title, exact_json.loads(meta) if meta else {}, uid), shown,
            relations[doc_id], list(doc_labels[doc_id]),
            shown_suggestions(conn, names, uid, viewer, shown if viewer in annotators else None,
                              suggested.get(uid, [])))
    return views


def shown_suggestions(conn: Connection, names: Names, uid: str, viewer: str,
                      spans: Sequence[Span] | None = None,
                      found: list[Suggestion] | None = None) -> Shown:
    """What decides the suggestions of document ``uid`` that ``viewer`` is shown: its
    suggestions (``found``, when read already) and, when it has some, the viewer's verdicts
    and spans there (taken from ``spans``, the document's spans of the viewer and maybe
    others', when given)."""
    if found is None:
        found = suggestions.of_documents(conn, [uid]).get(uid, [])
    if not found:
        return Shown(uid, viewer, [], [], {})
    mine = ([s for s in spans if s.annotator == viewer] if spans is not None
            else spans_of(conn, names, [uid], [viewer]).get(uid, []))
    return Shown(uid, viewer, found, suggestions.verdicts(conn, names, uid, viewer),
                 {s.id: s for s in mine})


def iter_records(
    conn: Connection,
    names: Names,
    annotators: Sequence[str] | None,
    labels: Sequence[str] | None,
    status: Status | None,
    uids: Sequence[str] | None,
    batch: int,
) -> Iterator[AnnotatedDocument]:
    who, what = _ids(conn, names, annotators, labels)
    last = 0
    while True:
        query = (
            select(D.c.id, D.c.uid, D.c.title, D.c.text, D.c.meta)
            .where(D.c.id > last)
            .order_by(D.c.id)
            .limit(batch)
        )
        if uids is not None:
            query = query.where(D.c.uid.in_(list(uids)))
        if status is not None:
            marked = select(ST.c.document_id).where(ST.c.state == status)
            if who is not None:
                marked = marked.where(ST.c.annotator_id.in_(who))
            query = query.where(D.c.id.in_(marked))
        rows = conn.execute(query).all()
        if not rows:
            return
        last = rows[-1].id
        docs = {r.id: r.uid for r in rows}
        spans = _spans_for(conn, names, docs, who, what)
        relations = _relations_for(conn, names, docs, who, what)
        statuses: dict[int, dict[str, Status]] = {doc_id: {} for doc_id in docs}
        status_query = select(ST).where(ST.c.document_id.in_(list(docs)))
        if who is not None:
            status_query = status_query.where(ST.c.annotator_id.in_(who))
        for s in conn.execute(status_query):
            statuses[s.document_id][names.annotator_name(conn, s.annotator_id)] = s.state
        doc_labels = _doc_labels_for(conn, names, docs, who)
        for r in rows:
            kept = {s.id for s in spans[r.id]}
            rels = tuple(x for x in relations[r.id]
                         if x.source in kept and (x.crosses or x.target in kept))
            yield AnnotatedDocument(
                Document(r.text, r.title, r.meta or {}, r.uid),
                tuple(spans[r.id]),
                rels,
                statuses[r.id],
                doc_labels[r.id],
            )


def iter_outlined(
    conn: Connection, names: Names, wanted: Callable[[Outline], bool], batch: int
) -> Iterator[AnnotatedDocument | Outline]:
    """Every document in store order: whole when ``wanted`` says so of its :class:`Outline`,
    else the outline alone (who has spans of which labels, statuses, document labels), read
    by a grouped query, so its text and spans are never read."""
    last = 0
    while True:
        docs = dict(conn.execute(
            select(D.c.id, D.c.uid).where(D.c.id > last).order_by(D.c.id).limit(batch)).all())
        if not docs:
            return
        last = max(docs)
        where, params = _in("document_id", list(docs))
        labels: dict[int, dict[str, set[str]]] = {doc_id: {} for doc_id in docs}
        for doc_id, annotator_id, label_id in execute(
                conn, "SELECT DISTINCT document_id, annotator_id, label_id FROM spans "
                f"WHERE {where}", params):
            labels[doc_id].setdefault(names.annotator_name(conn, annotator_id), set()).add(
                names.label_name(conn, label_id))
        statuses: dict[int, dict[str, Status]] = {doc_id: {} for doc_id in docs}
        for doc_id, annotator_id, state in execute(
                conn, f"SELECT document_id, annotator_id, state FROM document_status WHERE {where}",
                params):
            statuses[doc_id][names.annotator_name(conn, annotator_id)] = state
        doc_labels = _doc_labels_for(conn, names, docs, None)
        outlines = {doc_id: Outline(uid, {a: frozenset(x) for a, x in labels[doc_id].items()},
                                    statuses[doc_id], doc_labels[doc_id])
                    for doc_id, uid in docs.items()}
        whole = [o.uid for o in outlines.values() if wanted(o)]
        read = ({d.document.uid: d for d in iter_records(conn, names, None, None, None, whole,
                                                         batch)} if whole else {})
        for outline in outlines.values():
            yield read.pop(outline.uid, outline)


@dataclass(frozen=True, slots=True)
class ReviewMaterial:
    """What adjudication reads of one document: its spans (by position), its annotators'
    statuses (none: todo), its decisions (oldest first), document labels and relations."""

    uid: str
    spans: tuple[Span, ...] | SpanColumns
    status: dict[str, Status]
    decisions: tuple[Decision, ...]
    doc_labels: tuple[DocLabel, ...]
    relations: tuple[Relation, ...] = ()


def _document_pages(conn: Connection, uids: Sequence[str] | None,
                    batch: int) -> Iterator[dict[int, str]]:
    """The documents ``uids`` (default: all) in store order, ``batch`` at a time: id -> uid."""
    chosen = [] if uids is None else list(uids)
    if uids is not None and not chosen:
        return
    among = f" AND uid IN ({marks(chosen)})" if uids is not None else ""
    sql = f"SELECT id, uid FROM documents WHERE id > ?{among} ORDER BY id LIMIT ?"
    last = 0
    while True:  # on the driver: SQLAlchemy's compiling a select cost more than running it
        docs = dict(execute(conn, sql, (last, *chosen, batch)).fetchall())
        if not docs:
            return
        last = max(docs)
        yield docs


def iter_review(conn: Connection, names: Names, uids: Sequence[str] | None,
                batch: int, heard: Callable[[int], object] | None = None,
                columns: bool = False) -> Iterator[ReviewMaterial]:
    """The review material of the documents ``uids`` (default: all), in store order, read
    ``batch`` documents at a time with one query per table; ``heard`` as for
    :func:`_spans_for` (a document of 200,000 spans takes seconds to read). With
    ``columns``, each document's spans come as :class:`~annotate.review_columns.SpanColumns`
    (a Span made for its gold layer's alone, the decisions' gold spans)."""
    for docs in _document_pages(conn, uids, batch):
        spans: dict[int, Any] = (_span_columns_for(conn, names, docs, heard) if columns
                                 else _spans_for(conn, names, docs, None, None, heard=heard))
        statuses: dict[int, dict[str, Status]] = {doc_id: {} for doc_id in docs}
        for s in conn.execute(select(ST).where(ST.c.document_id.in_(list(docs)))):
            statuses[s.document_id][names.annotator_name(conn, s.annotator_id)] = s.state
        decided: dict[int, list[Any]] = {doc_id: [] for doc_id in docs}
        rows = conn.execute(select(DE).where(DE.c.document_id.in_(list(docs)))
                            .order_by(DE.c.document_id, DE.c.at, DE.c.id))
        for row in rows.all():
            decided[row.document_id].append(row)
        doc_labels = _doc_labels_for(conn, names, docs, None)
        relations = _relations_for(conn, names, docs, None)
        for doc_id, uid in docs.items():
            mine = spans[doc_id]
            by_id = ({s.id: s for s in map(mine.span, mine.rows_of([GOLD]))} if columns
                     else {s.id: s for s in mine})
            rels = {r.id: r for r in relations[doc_id]}
            yield ReviewMaterial(
                uid,
                mine if columns else tuple(mine),
                statuses[doc_id],
                tuple(decision_from_row(conn, names, row, uid, by_id, rels)
                      for row in decided[doc_id]),
                doc_labels[doc_id],
                tuple(relations[doc_id]),
            )


class RowNames(NamedTuple):
    """What the ids in :class:`ReviewRows` name, as the read that found them saw it."""

    annotators: dict[str, int]
    """Each annotator's id, by name."""
    labels: dict[int, str]
    """Each label's name, by id."""


class ReviewRows(NamedTuple):  # a tuple: tens of thousands of documents are read
    """What accepting a document's agreed items reads of it first, no span built: its span
    rows (annotator id, label id, start, end, attributes and id as stored, note, fragments as
    stored), by position, and the ids of the annotators who have one (``present``); the ids
    of those who marked it done, read where that tells something (``done``: see
    :func:`iter_review_rows`); per decision (oldest first) its kind, category, sources and
    gold span id; its decisions on document labels, its document labels, whether a relation
    starts in it, and the names of the ids (``names``, one for every document of a read:
    ids, not names, are read for each span row)."""

    uid: str
    spans: tuple[tuple[Any, ...], ...]
    present: Collection[int]
    done: Collection[int]
    decided: tuple[tuple[str, str | None, tuple[str, ...], str | None], ...]
    label_decisions: tuple[Decision, ...]
    doc_labels: tuple[DocLabel, ...]
    related: bool
    names: RowNames


class DecisionRow(NamedTuple):
    """A decision's row as :func:`db.edits.decision_from_row` reads it, its JSON parsed."""

    id: str
    kind: str
    sources: list[str]
    gold_span_id: str | None
    gold_relation_id: str | None
    category: str | None
    gold_labels: list[list[str]] | None
    decided_by_id: int
    at: str

    @classmethod
    def read(cls, row: Sequence[Any]) -> DecisionRow:
        """The row of the driver's columns in this order, sources and gold labels JSON text."""
        decision_id, kind, sources, span, relation, category, labels, by, at = row
        return cls(decision_id, kind, json.loads(sources), span, relation, category,
                   json.loads(labels) if labels else None, by, at)


DECISION_COLUMNS = DecisionRow._fields
"""The columns of the decisions table :meth:`DecisionRow.read` takes, in its order."""
_REVIEW_DECISIONS = (
    f"SELECT document_id, {', '.join(DECISION_COLUMNS)} FROM decisions "
    "WHERE document_id IN ({}) ORDER BY document_id, at, id"
)
_WHO = itemgetter(0)
"""A review span row's annotator."""
_REVIEW_SPANS = (
    'SELECT annotator_id, label_id, start, "end", attributes, id, note, fragments, document_id '
    "FROM spans WHERE document_id IN ({}) ORDER BY document_id, start"
)
"""Ids, not names: a joined name is a string made per row (about a tenth of the read)."""


def iter_review_rows(conn: Connection, names: Names, uids: Sequence[str] | None,
                     batch: int, annotators: Collection[str]) -> Iterator[ReviewRows]:
    """The :class:`ReviewRows` of the documents ``uids`` (default: all), in store order, read
    ``batch`` documents at a time with one query per table, through the driver. Who marked a
    document done is read only where that tells something about ``annotators`` (those whose
    work is compared): a document where one of them has no span, or with document labels;
    elsewhere each of them is compared for their spans, done or not (the done marks of a
    corpus where everyone annotated every document were a tenth of its read)."""
    named = RowNames({name: who for who, name in names.annotator_names(conn).items()},
                     dict(names.label_names(conn)))
    wanted = {named.annotators[name] for name in annotators if name in named.annotators}
    for docs in _document_pages(conn, uids, batch):
        ids = list(docs)
        where = marks(ids)
        spans = {doc_id: tuple(rows) for doc_id, rows in groupby(
            execute(conn, _REVIEW_SPANS.format(where), ids), itemgetter(8))}
        present = {doc_id: set(map(_WHO, rows)) for doc_id, rows in spans.items()}
        doc_labels = _doc_labels_for(conn, names, docs, None)
        unsure = [doc_id for doc_id in ids
                  if doc_labels[doc_id] or not wanted <= present.get(doc_id, frozenset())]
        done: dict[int, set[int]] = {}
        for part in chunks(unsure):
            for doc_id, who in execute(
                    conn, "SELECT document_id, annotator_id FROM document_status WHERE state "
                    f"= 'done' AND document_id IN ({marks(part)})", part):
                done.setdefault(doc_id, set()).add(who)
        decided: dict[int, list[DecisionRow]] = {}
        for doc_id, *row in execute(conn, _REVIEW_DECISIONS.format(where), ids):
            decided.setdefault(doc_id, []).append(DecisionRow.read(row))
        related = {doc_id for doc_id, in execute(
            conn, f"SELECT DISTINCT document_id FROM relations WHERE document_id IN ({where})",
            ids)}
        for doc_id, uid in docs.items():
            rows = decided.get(doc_id)
            yield ReviewRows(
                uid, spans.get(doc_id, ()), present.get(doc_id, ()), done.get(doc_id, ()),
                () if rows is None else tuple((r.kind, r.category, tuple(r.sources),
                                               r.gold_span_id) for r in rows),
                () if rows is None else tuple(decision_from_row(conn, names, r, uid, {}, {})
                                              for r in rows if r.category is not None),
                doc_labels[doc_id], doc_id in related, named,
            )


def stats(conn: Connection) -> dict[str, Any]:
    docs, chars = conn.execute(select(func.count(), func.coalesce(func.sum(D.c.length), 0))).one()
    per_label = dict(
        conn.execute(
            select(LabelModel.name, func.count(S.c.id))
            .select_from(LabelModel.__table__)
            .outerjoin(S, S.c.label_id == LabelModel.id)
            .group_by(LabelModel.id)
            .order_by(LabelModel.position)
        ).all()
    )
    per_annotator = dict(
        conn.execute(
            select(AnnotatorModel.name, func.count(S.c.id))
            .join(S, S.c.annotator_id == AnnotatorModel.id)
            .group_by(AnnotatorModel.id)
            .order_by(AnnotatorModel.name)
        ).all()
    )
    status: dict[str, dict[str, int]] = {}
    for name, state, n in conn.execute(
        select(AnnotatorModel.name, ST.c.state, func.count())
        .join(ST, ST.c.annotator_id == AnnotatorModel.id)
        .group_by(AnnotatorModel.name, ST.c.state)
    ):
        status.setdefault(name, {})[state] = n
    return {
        "documents": docs,
        "characters": chars,
        "spans": sum(per_label.values()),
        "spans_per_label": per_label,
        "spans_per_annotator": per_annotator,
        "relations": conn.scalar(select(func.count()).select_from(R)) or 0,
        "status": status,
    }
