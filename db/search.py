"""The document list query: filters by full-text search, status and label.

The full-text index (FTS5 on SQLite, tsvector on PostgreSQL: :mod:`db.dialects`) is filled
lazily: imports stay fast, and the first search after an import indexes only the documents
added since the last one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    TextClause,
    and_,
    column,
    exists,
    false,
    func,
    not_,
    or_,
    select,
    text,
)

from annotate.model import Status
from annotate.query import And, Not, Query, Term, parse
from db import dialects
from db.names import Names
from db.tables import AssignmentModel, DocumentModel, SettingModel, SpanModel, StatusModel

D, S, ST, AS = (DocumentModel.__table__, SpanModel.__table__, StatusModel.__table__,
                 AssignmentModel.__table__)
INDEXED_UP_TO = "fts_indexed_up_to"


def unindexed(conn: Connection) -> tuple[int, int] | None:
    """(last indexed id, newest id) when documents wait to be indexed, else None."""
    if not dialects.of(conn).has_search_index(conn):
        return None
    done = int(
        conn.scalar(select(SettingModel.value).where(SettingModel.key == INDEXED_UP_TO)) or 0
    )
    newest = conn.scalar(select(func.max(D.c.id))) or 0
    return (done, newest) if newest > done else None


def refresh_index(conn: Connection, limit: int | None = None) -> bool:
    """Index the documents added since the last refresh (stored texts never change), at most
    ``limit`` of them; whether some still wait."""
    pending = unindexed(conn)
    if pending is None:
        return False
    done, newest = pending
    if limit is not None:  # the limit-th document after the last indexed one, if any
        last = conn.scalar(
            select(D.c.id).where(D.c.id > done).order_by(D.c.id).offset(limit - 1).limit(1)
        )
        newest = newest if last is None else last
    dialects.of(conn).fill_search_index(conn, done, newest)
    conn.execute(
        text(
            "INSERT INTO settings(key, value) VALUES (:k, :v) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ),
        {"k": INDEXED_UP_TO, "v": str(newest)},
    )
    return unindexed(conn) is not None


def like_filter(tree: Query) -> ColumnElement[bool]:
    """``tree`` as substring tests on the title and text, for a store without its search
    index: the same logic, coarser words (a term's words joined by a space, anywhere in a
    word)."""
    if isinstance(tree, Term):
        pattern = f"%{' '.join(tree.words)}%"  # words hold no % or _ (letters and digits)
        return D.c.title.ilike(pattern) | D.c.text.ilike(pattern)
    if isinstance(tree, Not):
        return not_(like_filter(tree.part))
    parts = [like_filter(part) for part in tree.parts]
    return and_(*parts) if isinstance(tree, And) else or_(*parts)


@dataclass(frozen=True)
class DocumentFilter:
    """The document list's filters as SQL, for its rows and for its count."""

    span_count: ColumnElement[int]
    """The annotator's spans in the document (all annotators' when None)."""
    state: ColumnElement[str]
    """The annotator's status of the document."""
    conditions: tuple[ColumnElement[bool], ...]
    matches: TextClause | None
    """The ids the search index gives for the search (None: no search, or no index and the
    search is among the conditions)."""


def document_filter(
    conn: Connection,
    names: Names,
    annotator: str | None,
    search_text: str | None,
    status: Status | None,
    label: str | None,
    indexed: bool,
    assigned: bool = False,
) -> DocumentFilter:
    """The filters of the document list (QueryError for a search that cannot be read);
    ``indexed``: whether the store has its search index; ``assigned``: only the documents
    assigned to ``annotator`` (their queue)."""
    who = names.find_annotator(conn, annotator) if annotator else None
    span_filter = S.c.document_id == D.c.id
    if annotator:
        span_filter = span_filter & (S.c.annotator_id == (who or -1))
    state = func.coalesce(
        select(ST.c.state)
        .where(ST.c.document_id == D.c.id, ST.c.annotator_id == (who or -1))
        .scalar_subquery(),
        "todo",
    )
    conditions: list[ColumnElement[bool]] = []
    matches = None
    if search_text and search_text.strip():
        tree = parse(search_text)
        if indexed:
            matches = dialects.of(conn).search_ids(tree)
        else:
            conditions.append(like_filter(tree))
    if status is not None:
        conditions.append(state == status)
    if assigned:
        conditions.append(exists().where(AS.c.document_id == D.c.id,
                                         AS.c.annotator_id == (who or -1)))
    if label:
        label_id = names.find_label(conn, label)
        conditions.append(false() if label_id is None else
                          exists().where(span_filter, S.c.label_id == label_id))
    span_count = select(func.count()).where(span_filter).scalar_subquery()
    return DocumentFilter(span_count, state, tuple(conditions), matches)


def document_query(found: DocumentFilter) -> Select:
    """Rows of (uid, title, source, length, span_count, state) for the document list, in no
    order: the caller orders and pages (documents are walked in id order, each looked up in
    the search's matches, so a first page stops early)."""
    query = select(
        D.c.uid,
        D.c.title,
        D.c.meta["source"].as_string().label("source"),
        D.c.length,
        found.span_count.label("span_count"),
        found.state.label("state"),
    ).where(*found.conditions)
    if found.matches is not None:
        query = query.where(D.c.id.in_(found.matches))
    return query


def count_query(found: DocumentFilter) -> Select:
    """How many documents pass. A search alone is counted in the index (which holds exactly
    the documents indexed so far: documents are never deleted); with other filters each
    match is looked up by id."""
    if found.matches is None:
        return select(func.count()).select_from(D).where(*found.conditions)
    if not found.conditions:
        return select(func.count()).select_from(
            found.matches.columns(column("id")).subquery())
    return select(func.count()).select_from(D).where(D.c.id.in_(found.matches),
                                                     *found.conditions)
