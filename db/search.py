"""The document list query: filters by full-text search, status and label.

The full-text index (FTS5 on SQLite, tsvector on PostgreSQL: :mod:`db.dialects`) is filled
after the documents are stored, not with them: imports stay fast. The window brings it up to
date in the background (a chunk of documents per transaction, a long document's parts a few
per transaction: :mod:`db.dialects.index_parts`), its search covering what is indexed so far
meanwhile; the command line's search first indexes the documents added since the last refresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Dialect,
    Integer,
    Select,
    String,
    and_,
    bindparam,
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
from db import dialects
from db.dialects import index_parts
from db.engine import execute
from db.names import Names
from db.tables import AssignmentModel, DocumentModel, SettingModel, SpanModel, StatusModel

if TYPE_CHECKING:
    from annotate.query import Query

D, S, ST, AS = (DocumentModel.__table__, SpanModel.__table__, StatusModel.__table__,
                 AssignmentModel.__table__)
INDEXED_UP_TO = index_parts.INDEXED_UP_TO
INDEXED_PARTS = "fts_indexed_parts"
"""How many parts of the document after :data:`INDEXED_UP_TO` are indexed, while it is
indexed a few parts per transaction (:func:`refresh_index`)."""
PARTED = "fts_parted"
"""Set once a document is indexed in several parts: searches then match whole documents
(:mod:`db.dialects.index_parts`), a store without one keeps its single full-text query."""
INDEX_MARKS = (INDEXED_UP_TO, INDEXED_PARTS, PARTED)
"""The settings that describe the search index (a copy of the store, without its index,
leaves them behind)."""


def unindexed(conn: Connection) -> tuple[int, int] | None:
    """(last indexed id, newest id) when documents wait to be indexed, else None."""
    if not dialects.of(conn).has_search_index(conn):
        return None
    done = _number(conn, INDEXED_UP_TO)
    newest = conn.scalar(select(func.max(D.c.id))) or 0
    return (done, newest) if newest > done else None


def _number(conn: Connection, key: str) -> int:
    return int(conn.scalar(select(SettingModel.value).where(SettingModel.key == key)) or 0)


def _put(conn: Connection, key: str, value: int) -> None:
    conn.execute(
        text(
            "INSERT INTO settings(key, value) VALUES (:k, :v) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ),
        {"k": key, "v": str(value)},
    )


def is_parted(conn: Connection) -> bool:
    """Whether a document is indexed in several parts (:data:`PARTED`): one statement on the
    driver, as the document list's."""
    return execute(conn, "SELECT 1 FROM settings WHERE key = ?", (PARTED,)).fetchone() is not None


def _within(conn: Connection, done: int, newest: int, characters: int) -> int:
    """The last of the documents after ``done`` (up to ``newest``) whose texts, added up from
    the first, have not yet reached ``characters`` before it (the first, at least); a
    document of several parts is alone (its parts go a few per transaction)."""
    total = 0
    rows = conn.execute(select(D.c.id, D.c.length).where(D.c.id > done, D.c.id <= newest)
                        .order_by(D.c.id))
    before = done
    for doc_id, length in rows:
        if length > index_parts.PART:
            rows.close()
            return before if total else int(doc_id)
        total += length
        if total >= characters:
            rows.close()
            return int(doc_id)
        before = int(doc_id)
    return newest


@dataclass
class LongText:
    """The text of the document being indexed in parts, read once for all its transactions:
    SQLite's substr reads the whole value on every call (quadratic on 50 MB), and a read in
    the write transaction would hold the lock while it lasts (:func:`read_ahead`)."""

    doc_id: int = 0
    title: str = ""
    text: str = ""

    def read(self, conn: Connection, doc_id: int) -> None:
        """Hold document ``doc_id``'s title and text (stored texts never change)."""
        if self.doc_id != doc_id:
            row = conn.execute(select(D.c.title, D.c.text).where(D.c.id == doc_id)).one()
            self.doc_id, self.title, self.text = doc_id, row.title, row.text

    def clear(self) -> None:
        self.doc_id, self.title, self.text = 0, "", ""


def _following(conn: Connection, done: int) -> int | None:
    """The id of the first document after ``done`` (read from the table's b-tree alone: a
    long text's overflow pages, which ``length`` comes after, are not walked)."""
    return conn.scalar(select(D.c.id).where(D.c.id > done).order_by(D.c.id).limit(1))


def read_ahead(conn: Connection, kept: LongText) -> None:
    """In a read transaction before :func:`refresh_index`'s: the next document to index
    read into ``kept`` when it has several parts (then the write transaction reads nothing
    of it)."""
    pending = unindexed(conn)
    following = None if pending is None else _following(conn, pending[0])
    if following is None or following == kept.doc_id:
        return
    if conn.scalar(select(D.c.length).where(D.c.id == following)) > index_parts.PART:
        kept.read(conn, following)


def refresh_index(conn: Connection, limit: int | None = None,
                  characters: int | None = None, kept: LongText | None = None) -> bool:
    """Index the documents added since the last refresh (stored texts never change), at most
    ``limit`` of them, and no more after their texts reach ``characters`` (one at least);
    whether some still wait. With ``characters``, a document of several parts is indexed
    alone, ``characters`` of its parts at a time (one part at least; ``kept`` holds its text
    between the calls, :func:`read_ahead`): no transaction writes much more than
    ``characters``."""
    pending = unindexed(conn)
    if pending is None:
        return False
    done, newest = pending
    dialect = dialects.of(conn)
    kept = LongText() if kept is None else kept
    each = None if characters is None else max(1, characters // index_parts.PART)
    if each is not None and kept.doc_id == _following(conn, done):
        newest, long = kept.doc_id, [kept.doc_id]  # alone
    else:
        if limit is not None:  # the limit-th document after the last indexed one, if any
            last = conn.scalar(
                select(D.c.id).where(D.c.id > done).order_by(D.c.id).offset(limit - 1).limit(1)
            )
            newest = newest if last is None else last
        if characters is not None:
            newest = _within(conn, done, newest, characters)
        dialect.fill_search_index(conn, done, newest)
        long = list(conn.scalars(select(D.c.id).where(  # the one after ``done`` first
            D.c.id > done, D.c.id <= newest, D.c.length > index_parts.PART).order_by(D.c.id)))
    first = _number(conn, INDEXED_PARTS)  # of the document after ``done``, if it is long
    for doc_id in long:
        kept.read(conn, doc_id)
        count = index_parts.part_count(len(kept.text))  # a file's length column may lie
        end = count if each is None else min(count, first + each)
        dialect.add_parts(conn, doc_id, kept.title,
                          [(n, index_parts.part_text(kept.text, n)) for n in range(first, end)])
        _put(conn, PARTED, 1)
        if end < count:  # a chunk of its own (_within): the rest in the next
            _put(conn, INDEXED_PARTS, end)
            return True
        conn.execute(SettingModel.__table__.delete().where(SettingModel.key == INDEXED_PARTS))
        kept.clear()
        first = 0
    _put(conn, INDEXED_UP_TO, newest)
    return unindexed(conn) is not None


def like_filter(tree: Query) -> ColumnElement[bool]:
    """``tree`` as substring tests on the title and text, for a store without its search
    index: the same logic, coarser words (a term's words joined by a space, anywhere in a
    word)."""
    from annotate.query import And, Not, Term  # a search's: not the window's start

    if isinstance(tree, Term):
        pattern = f"%{' '.join(tree.words)}%"  # words hold no % or _ (letters and digits)
        return D.c.title.ilike(pattern) | D.c.text.ilike(pattern)
    if isinstance(tree, Not):
        return not_(like_filter(tree.part))
    parts = [like_filter(part) for part in tree.parts]
    return and_(*parts) if isinstance(tree, And) else or_(*parts)


NO_LIMIT = 2**63 - 1
"""The page size of a listing without one (an integer both engines take)."""
WHO, STATUS, LABEL = (bindparam("who", type_=Integer), bindparam("status", type_=String),
                      bindparam("label", type_=Integer))
LIMIT, OFFSET = bindparam("limit", type_=BigInteger), bindparam("offset", type_=BigInteger)


@dataclass(frozen=True)
class Shape:
    """What the document list's statements depend on, the values they are run with aside:
    statements of one shape are built and compiled once (:func:`statements`)."""

    engine: str
    """The SQLAlchemy dialect's name."""
    annotator: bool
    """Spans and statuses of one annotator (``who``); else spans of all."""
    search: str | Query | None
    """The search index's SELECT of matching ids (its words are parameters), or, with no
    index, the search itself (tested as substrings); None: no search."""
    status: bool
    label: bool | None
    """None: no label filter; False: a label the store does not know (nothing passes)."""
    assigned: bool
    parted: bool = False
    """The search's matches are a set (the index has parts: :data:`PARTED`), not a stream in
    id order: the page walks the documents by id through it, as the raw query does."""


@dataclass(frozen=True)
class Statement:
    """One statement compiled for the driver (:func:`db.engine.execute`): its SQL with ``?``
    placeholders, the name of each placeholder's value, and the values fixed in the SQL."""

    sql: str
    names: tuple[str, ...]
    fixed: dict[str, Any]

    def run(self, conn: Connection, values: dict[str, Any]) -> Any:
        """The driver's cursor over the statement run with ``values`` (by name)."""
        given = self.fixed | values
        return execute(conn, self.sql, tuple(given[name] for name in self.names))


@dataclass(frozen=True)
class Listing:
    """The document list for one set of filters: its count and its pages."""

    count_statement: Statement
    page_statement: Statement
    values: dict[str, Any]

    def count(self, conn: Connection) -> int:
        """How many documents pass. A search alone is counted in the index (which holds
        exactly the documents indexed so far: documents are never deleted)."""
        return int(self.count_statement.run(conn, self.values).fetchone()[0])

    def rows(self, conn: Connection, limit: int | None, offset: int = 0) -> list[tuple]:
        """Rows of (uid, title, source, length, span_count, state), in store order from
        ``offset``. A search's matches are walked in id order, each document looked up by
        id: a page stops early (FTS5 gives its matches in that order, one at a time; looking
        each document up in the matches would find them all first)."""
        return self.page_statement.run(conn, self.values | {
            "limit": NO_LIMIT if limit is None else limit, "offset": offset}).fetchall()


def listing(
    conn: Connection,
    names: Names,
    annotator: str | None,
    search_text: str | None,
    status: Status | None,
    label: str | None,
    indexed: bool,
    assigned: bool = False,
) -> Listing:
    """The document list's statements for these filters (QueryError for a search that
    cannot be read); ``indexed``: whether the store has its search index; ``assigned``: only
    the documents assigned to ``annotator`` (their queue). Only the names are looked up
    here: the statements come compiled from :func:`statements`."""
    values: dict[str, Any] = {
        "who": (names.find_annotator(conn, annotator) if annotator else None) or -1,
        "status": status,
    }
    search: str | Query | None = None
    parted = False
    if search_text and search_text.strip():
        from annotate.query import parse  # the search box's language: read when first used

        search = parse(search_text)
        if indexed:
            parted = is_parted(conn)
            search, words = dialects.of(conn).search_ids(search, parted)
            values |= words
    label_id = names.find_label(conn, label) if label else None
    values["label"] = label_id
    shape = Shape(conn.dialect.name, bool(annotator), search, status is not None,
                  None if not label else label_id is not None, assigned, parted)
    count, page = statements(shape)
    return Listing(count, page, values)


@lru_cache(maxsize=256)
def statements(shape: Shape) -> tuple[Statement, Statement]:
    """The count and page statements of the document list for ``shape``, compiled."""
    span_filter = S.c.document_id == D.c.id
    if shape.annotator:
        span_filter = span_filter & (S.c.annotator_id == WHO)
    state = func.coalesce(
        select(ST.c.state).where(ST.c.document_id == D.c.id, ST.c.annotator_id == WHO)
        .scalar_subquery(),
        "todo",
    )
    conditions: list[ColumnElement[bool]] = []
    matches = None
    if isinstance(shape.search, str):
        matches = text(shape.search).columns(column("id"))
    elif shape.search is not None:
        conditions.append(like_filter(shape.search))
    if shape.status:
        conditions.append(state == STATUS)
    if shape.assigned:
        conditions.append(exists().where(AS.c.document_id == D.c.id, AS.c.annotator_id == WHO))
    if shape.label is not None:
        conditions.append(exists().where(span_filter, S.c.label_id == LABEL) if shape.label
                          else false())
    span_count = select(func.count()).where(span_filter).scalar_subquery()
    page = select(
        D.c.uid,
        D.c.title,
        D.c.meta["source"].as_string().label("source"),
        D.c.length,
        span_count.label("span_count"),
        state.label("state"),
    ).where(*conditions)
    if matches is None:
        page = page.order_by(D.c.id)
        count = select(func.count()).select_from(D).where(*conditions)
    elif shape.parted:  # sorting the matches' rows, all read, took 20x the count and page
        page = page.where(D.c.id.in_(matches)).order_by(D.c.id)
        count = (select(func.count()).select_from(matches.subquery("found")) if not conditions
                 else select(func.count()).select_from(D).where(D.c.id.in_(matches), *conditions))
    else:
        found = matches.subquery("found")
        page = page.select_from(found.join(D, D.c.id == found.c.id)).order_by(found.c.id)
        count = (select(func.count()).select_from(found) if not conditions else
                 select(func.count()).select_from(D).where(D.c.id.in_(matches), *conditions))
    engine = qmark(shape.engine)
    return (_compiled(count, engine), _compiled(page.limit(LIMIT).offset(OFFSET), engine))


def _compiled(statement: Select, engine: Dialect) -> Statement:
    """``statement`` for the driver, the values fixed in it as the driver takes them (a JSON
    path, for one)."""
    compiled = statement.compile(dialect=engine)
    fixed = {}
    for name, value in compiled.params.items():
        process = compiled.binds[name].type.dialect_impl(engine).bind_processor(engine)
        fixed[name] = value if process is None or value is None else process(value)
    return Statement(compiled.string, tuple(compiled.positiontup or ()), fixed)


@cache
def qmark(engine: str) -> Dialect:
    """SQLAlchemy's dialect of ``engine`` writing ``?`` placeholders (the driver's way of
    :func:`db.engine.execute`); PostgreSQL's is imported by a server's store alone (the
    window's start on a file does without it)."""
    if engine == "postgresql":
        from sqlalchemy.dialects.postgresql import psycopg

        return psycopg.dialect(paramstyle="qmark")
    from sqlalchemy.dialects import sqlite

    return sqlite.dialect(paramstyle="qmark")
