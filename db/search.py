"""The document list query: filters by full-text search, status and label.

The full-text index (FTS5 on SQLite, tsvector on PostgreSQL: :mod:`db.dialects`) is filled
lazily: imports stay fast, and the first search after an import indexes only the documents
added since the last one.
"""

from __future__ import annotations

from sqlalchemy import Connection, Select, exists, false, func, select, text

from annotate.model import Status
from db import dialects
from db.names import Names
from db.tables import DocumentModel, SettingModel, SpanModel, StatusModel

D, S, ST = DocumentModel.__table__, SpanModel.__table__, StatusModel.__table__
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


def document_query(
    conn: Connection,
    names: Names,
    annotator: str | None,
    search_text: str | None,
    status: Status | None,
    label: str | None,
) -> Select:
    """Rows of (uid, title, source, length, span_count, state) for the document list. Span
    counts and status are the annotator's (all annotators' spans when None)."""
    who = names.find_annotator(conn, annotator) if annotator else None
    span_filter = S.c.document_id == D.c.id
    if annotator:
        span_filter = span_filter & (S.c.annotator_id == (who or -1))
    span_count = select(func.count()).where(span_filter).scalar_subquery()
    state = func.coalesce(
        select(ST.c.state)
        .where(ST.c.document_id == D.c.id, ST.c.annotator_id == (who or -1))
        .scalar_subquery(),
        "todo",
    )
    query = select(
        D.c.uid,
        D.c.title,
        D.c.meta["source"].as_string().label("source"),
        D.c.length,
        span_count.label("span_count"),
        state.label("state"),
    )
    if search_text and search_text.strip():
        dialect = dialects.of(conn)
        if dialect.has_search_index(conn):
            query = query.where(dialect.search_clause(D.c.id, search_text))
        else:
            pattern = f"%{search_text.strip()}%"
            query = query.where(D.c.title.ilike(pattern) | D.c.text.ilike(pattern))
    if status is not None:
        query = query.where(state == status)
    if label:
        label_id = names.find_label(conn, label)
        if label_id is None:
            return query.where(false())
        query = query.where(exists().where(span_filter, S.c.label_id == label_id))
    return query
