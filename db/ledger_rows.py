"""The rows the ledger is built from (:mod:`annotate.ledger`): every claim and denial span with
its document's date, and the claimant, subject and denial links that leave it, in two queries;
then the texts of their spans, each document's text read once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter
from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection, Row

from annotate import exact_json
from annotate.collector import collector_paused
from annotate.errors import ValidationError
from annotate.ledger import (
    CLAIM_LINKS,
    CLAIMANT_LINKS,
    DENIES_LINK,
    SUBJECT_LINK,
    ClaimRecord,
    Party,
)
from db.engine import chunks, execute, marks

_KINDS = "('claim', 'denial')"
_LINK_TYPES = (*CLAIMANT_LINKS.values(), SUBJECT_LINK, DENIES_LINK, *CLAIM_LINKS)
_CLAIMS = (
    "SELECT s.id, s.start, s.\"end\", a.name, l.category, s.attributes, s.document_id "
    "FROM spans AS s JOIN labels AS l ON l.id = s.label_id "
    "JOIN annotators AS a ON a.id = s.annotator_id "
    f"WHERE l.category IN {_KINDS}"
)
_LINKS = (
    "SELECT r.source_id, r.type, r.target_id, t.start, t.\"end\", t.document_id, ac.name "
    "FROM relations AS r JOIN spans AS t ON t.id = r.target_id "
    "LEFT JOIN actor_links AS al ON al.span_id = t.id "
    "LEFT JOIN actors AS ac ON ac.id = al.actor_id "
    f"WHERE r.type IN ({', '.join('?' * len(_LINK_TYPES))})"
)
"""The links the ledger reads, of every span: those that leave no claim are passed over (a
relation's layer is its source's, so a layer's claims have links of that layer only)."""
_LINKS_IN_EVENT = (" AND r.document_id IN "
                   "(SELECT document_id FROM event_documents WHERE event_id = ?)")
_LINKS_BY = " AND r.annotator_id = (SELECT id FROM annotators WHERE name = ?)"
_LINKS_OF = " AND r.document_id IN (SELECT id FROM documents WHERE uid IN ({}))"
_IN_EVENT = " AND s.document_id IN (SELECT document_id FROM event_documents WHERE event_id = ?)"
_BY = " AND a.name = ?"


def _event_id(conn: Connection, name: str) -> str:
    row = execute(conn, "SELECT id FROM events WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise ValidationError(f"no event named {name!r} (see `counterclaim events`)")
    return row[0]


def claim_records(conn: Connection, event: str | None = None, annotator: str | None = None,
                  documents: Sequence[str] | None = None,
                  spans: Sequence[str] | None = None) -> list[ClaimRecord]:
    """Every claim and denial (of the documents of ``event``, of ``annotator``'s layer, of the
    ``documents`` (uids), of the ``spans`` (ids), when given) with its links; ValidationError
    for an event that does not exist."""
    where, params, link_where = "", [], ""
    if documents is not None:
        where += (" AND s.document_id IN (SELECT id FROM documents WHERE uid IN "
                  f"({marks(documents)}))")
        link_where += _LINKS_OF.format(marks(documents))
        params += documents
    if spans is not None:
        where += f" AND s.id IN ({marks(spans)})"
        link_where += f" AND r.source_id IN ({marks(spans)})"
        params += spans
    if event is not None:
        where += _IN_EVENT
        link_where += _LINKS_IN_EVENT
        params.append(_event_id(conn, event))
    if annotator is not None:
        where += _BY
        link_where += _LINKS_BY
        params.append(annotator)
    with collector_paused():  # tens of thousands of records, parties and attributes
        claimants, subjects, denies, linked = _links(
            execute(conn, _LINKS + link_where, (*_LINK_TYPES, *params)))
        claims = _claims(execute(conn, _CLAIMS + where, params), denies, linked)
        ends: dict[int, set[tuple[int, int]]] = {}  # where the parties' spans are
        for found in (claimants, subjects):
            for _, (doc_id, start, end, _actor) in found.values():
                ends.setdefault(doc_id, set()).add((start, end))
        pieces = _fill(conn, claims, ends)
        held: dict[Party, Party] = {}

        def party(end: tuple[tuple[int, str], _Place] | None) -> Party | None:
            if end is None:
                return None
            doc_id, start, stop, actor = end[1]
            found = Party(pieces[doc_id, start, stop], actor)
            return held.setdefault(found, found)

        records = [record for found in claims.values() for record in found]
        for record in records:
            record.claimant = party(claimants.get(record.id))
            record.subject = party(subjects.get(record.id))
        return records


def _claims(rows: Iterable[Row[Any]], denies: Mapping[str, list[str]],
            linked: Mapping[str, list[tuple[str, str]]]) -> dict[int, list[ClaimRecord]]:
    """The rows of :data:`_CLAIMS` as claim records with their links (:func:`_links`), by
    document id, their document, text and parties left to fill (:func:`_fill`). Each row is
    made a record as it is read, and the names many records share (annotators, kinds) are held
    once: a ledger holds tens of thousands."""
    held: dict[str, str] = {}
    claims: dict[int, list[ClaimRecord]] = {}
    for span_id, start, end, who, kind, attributes, doc_id in rows:
        denied = denies.get(span_id)
        claimed = linked.get(span_id)
        claims.setdefault(doc_id, []).append(ClaimRecord(
            span_id, "", start, end, "", held.setdefault(who, who),
            held.setdefault(kind, kind), _json(attributes),
            denies=tuple(sorted(denied)) if denied else (),
            linked=tuple(sorted(claimed)) if claimed else (),
        ))
    return claims


_TEXTS_AT_ONCE = 200
"""Documents whose texts one statement reads: a few megabytes of ordinary texts at most."""
LONG_TEXT = 500_000
"""Code points of a text read whole; a longer one is read a piece of this many at a time (the
5 MB text of 200,000 spans, one emoji in it, was a 20 MB str held beside the window's own
while the Ledger built: its peak)."""


def _fill(conn: Connection, claims: Mapping[int, list[ClaimRecord]],
          ends: Mapping[int, Iterable[tuple[int, int]]]) -> dict[tuple[int, int, int], str]:
    """Give the ``claims`` (by document id) their document's uid, date and title and their
    texts; the text of each of the ``ends`` (by document id: the parties' spans), keyed
    (document id, start, end). Each document row is read once (a text longer than
    :data:`LONG_TEXT` a piece at a time, :class:`_LongText`): reading its text, or a
    column stored after it, for every span of a long document reads the whole text again each
    time, which takes hours for a long document with many claims."""
    pieces: dict[tuple[int, int, int], str] = {}
    long: list[int] = []
    for chunk in chunks(list(claims.keys() | ends.keys()), _TEXTS_AT_ONCE):
        for doc_id, uid, title, meta, text in execute(
                conn, "SELECT id, uid, title, meta, CASE WHEN length(text) <= ? THEN text END "
                f"FROM documents WHERE id IN ({marks(chunk)})", (LONG_TEXT, *chunk)):
            published, title = _published(meta), title or ""
            for record in claims.get(doc_id, ()):
                record.document, record.published, record.title = uid, published, title
            if text is None:
                long.append(doc_id)
                continue
            for record in claims.get(doc_id, ()):
                record.text = text[record.start:record.end]
            for start, end in ends.get(doc_id, ()):
                pieces[doc_id, start, end] = text[start:end]
    for doc_id in long:
        text = _LongText(conn, doc_id)
        for record in sorted(claims.get(doc_id, ()), key=attrgetter("start")):
            record.text = text.piece(record.start, record.end)
        for start, end in sorted(ends.get(doc_id, ())):
            pieces[doc_id, start, end] = text.piece(start, end)
    return pieces


class _LongText:
    """The text of document ``doc_id``, longer than :data:`LONG_TEXT`, read a piece of that
    many code points at a time (longer where a piece asked for is longer): pieces asked for in
    order of their starts read it about once."""

    def __init__(self, conn: Connection, doc_id: int) -> None:
        self.conn, self.doc_id = conn, doc_id
        self.at, self.reach, self.window = 0, -1, ""

    def piece(self, start: int, end: int) -> str:
        """``text[start:end]``."""
        if start < self.at or end > self.reach:
            self.window = ""  # let go before the next is read
            self.at, self.reach = start, start + max(LONG_TEXT, end - start)
            self.window = execute(self.conn, "SELECT substr(text, ?, ?) FROM documents "
                                  "WHERE id = ?", (start + 1, self.reach - start,
                                                   self.doc_id)).fetchone()[0]
        return self.window[start - self.at:end - self.at]


_Place = tuple[int, int, int, str | None]
"""Where a party's span is and who it is: (document id, start, end, actor name)."""
_Ends = dict[str, tuple[tuple[int, str], _Place]]
"""The party a link leads to, by the id of the claim it leaves, and where that party's span
is: (start, span id), so that the first in the text wins."""


def _links(links: Iterable[Row[Any]]) -> tuple[
        _Ends, _Ends, dict[str, list[str]], dict[str, list[tuple[str, str]]]]:
    """The rows of :data:`_LINKS` as claimants, subjects, denied claims and (type, claim) of
    the claims linked to (:data:`annotate.ledger.CLAIM_LINKS`), by claim id."""
    claimants: _Ends = {}
    subjects: _Ends = {}
    denies: dict[str, list[str]] = {}
    linked: dict[str, list[tuple[str, str]]] = {}
    for source, kind, target, start, end, doc_id, actor in links:
        if kind == DENIES_LINK:
            denies.setdefault(source, []).append(target)
            continue
        if kind in CLAIM_LINKS:
            linked.setdefault(source, []).append((kind, target))
            continue
        found = subjects if kind == SUBJECT_LINK else claimants
        place = (start, target)
        known = found.get(source)
        if known is None or place < known[0]:  # the first in the text
            found[source] = (place, (doc_id, start, end, actor))
    return claimants, subjects, denies, linked


_EMPTY: Mapping[str, Any] = MappingProxyType({})
"""The attributes of every record that has none (most have none): one read-only mapping."""


def _json(stored: str | dict[str, Any] | None) -> Mapping[str, Any]:
    """A JSON column's object (read only): SQLite gives its text, PostgreSQL the object
    itself."""
    if isinstance(stored, dict):
        return stored or _EMPTY
    found = exact_json.loads(stored) if stored and stored != "{}" else _EMPTY
    return found if isinstance(found, dict) and found else _EMPTY


def _published(meta: str | dict[str, Any] | None) -> str | None:
    """The document's publication date from its metadata ("published", or "date")."""
    found = _json(meta)
    value = found.get("published") or found.get("date")
    return str(value) if value else None

