"""Reading a peer's store file: untrusted input, read without running any of its code.

The file is opened read-only (``mode=ro``: never ``immutable``, which would misread a file
being written) with the standard library's sqlite3, which loads no extension. Before a row is
read: ``trusted_schema=OFF`` (its schema may call no function with side effects),
``query_only=ON``, the SQLite header, ``PRAGMA integrity_check``, and a check that it holds
Counterclaim's tables as plain tables (not views, virtual tables or generated columns) with
the columns read, at a migration revision of ours. Rows are read from those base tables only,
by explicit columns, in one read transaction, so no view of the file is queried and no trigger
can fire. Every statement runs under a time limit (a progress handler), so a crafted file
cannot hang the import. Every value read is checked as a file's would be.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from annotate import strings
from annotate.errors import InputError, ValidationError
from annotate.formats.base import check_span_text, check_text
from annotate.inputs import MAX_STREAMED_BYTES, open_input
from annotate.model import (
    STATUSES,
    AnnotatedDocument,
    DocLabel,
    Document,
    Relation,
    Span,
    fragments_problem,
    text_uid,
)
from db import migrate, span_rows
from db.engine import marks

MAGIC = b"SQLite format 3\x00"
STORE_SUFFIXES = frozenset({".sqlite", ".sqlite3", ".db"})
COLUMNS: dict[str, tuple[str, ...]] = {
    "alembic_version": ("version_num",),
    "annotators": ("id", "name"),
    "labels": ("id", "name"),
    "documents": ("id", "uid", "title", "text", "meta"),
    "spans": tuple(c for c in span_rows.COLUMNS if c != "fragments"),
    "relations": ("id", "document_id", "type", "source_id", "target_id", "annotator_id"),
    "document_status": ("document_id", "annotator_id", "state"),
}
"""The tables read, and the columns read from each."""
OPTIONAL: dict[str, tuple[str, ...]] = {
    "doc_labels": ("document_id", "annotator_id", "category", "value", "created"),
}
"""Tables a store of an older revision lacks; read, and checked like the others, when there."""
LATER: dict[str, str] = {"spans": "fragments", "relations": "note"}
"""Columns read when the peer's store has them (added by migration 0006): NULL otherwise."""
TIME_LIMIT = 120.0
"""Seconds any one statement on the peer file may take."""
CHECK_LINES = 3
"""How many of integrity_check's problems a refusal quotes."""
_STEPS = 1_000  # virtual machine steps between two looks at the clock


def is_store_file(path: Path) -> bool:
    """Whether ``path`` is meant as a store: a store suffix, or a SQLite header."""
    if path.suffix.lower() in STORE_SUFFIXES:
        return True
    try:
        with open_input(path, MAX_STREAMED_BYTES) as handle:
            return handle.read(len(MAGIC)) == MAGIC
    except (InputError, OSError):
        return False


class _Clock:
    """A progress handler that interrupts a statement running past its time limit, and a
    watchdog thread for the integrity check, which SQLite runs as one step."""

    def __init__(self, limit: float):
        self.limit = limit
        self.deadline = time.monotonic() + limit

    def restart(self) -> None:
        self.deadline = time.monotonic() + self.limit

    def __call__(self) -> int:
        return int(time.monotonic() > self.deadline)

    @contextmanager
    def watchdog(self, conn: sqlite3.Connection) -> Iterator[None]:
        self.restart()
        timer = threading.Timer(max(self.limit, 0.0), conn.interrupt)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()


def _open(path: Path, clock: _Clock) -> sqlite3.Connection:
    with open_input(path, MAX_STREAMED_BYTES) as handle:  # a regular file within the cap
        if handle.read(len(MAGIC)) != MAGIC:
            raise InputError("not a SQLite file, so not a Counterclaim store", str(path))
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    conn.set_progress_handler(clock, _STEPS)
    conn.execute("PRAGMA trusted_schema=OFF")
    conn.execute("PRAGMA query_only=ON")
    return conn


def _check(conn: sqlite3.Connection, clock: _Clock, name: str) -> None:
    """InputError naming the file unless it is sound and holds our tables at our revision."""
    with clock.watchdog(conn):
        problems = [row[0] for row in conn.execute(f"PRAGMA integrity_check({CHECK_LINES})")]
    if problems != ["ok"]:
        raise InputError(f"the store file is damaged: {'; '.join(problems)}", name)
    clock.restart()
    objects = {
        row[0]: (row[1], row[2] or "")
        for row in conn.execute("SELECT name, type, sql FROM sqlite_master")
    }
    tables = [*COLUMNS.items(), *((t, c) for t, c in OPTIONAL.items() if t in objects)]
    for table, columns in tables:
        kind, sql = objects.get(table, ("", ""))
        if kind != "table" or not sql.lstrip().upper().startswith("CREATE TABLE"):
            found = f" (it is a {kind})" if kind and kind != "table" else ""
            raise InputError(
                f"not a Counterclaim store: it has no table {table!r}{found}", name
            )
        present = {
            row[0]: row[1]
            for row in conn.execute("SELECT name, hidden FROM pragma_table_xinfo(?)", (table,))
        }
        missing = [c for c in columns if c not in present]
        if missing:
            raise InputError(
                f"not a Counterclaim store: table {table!r} lacks {', '.join(missing)}", name
            )
        if any(present[c] for c in columns):
            raise InputError(f"not a Counterclaim store: table {table!r} computes columns", name)
    revisions = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
    if len(revisions) != 1 or revisions[0] not in migrate.known_revisions():
        raise InputError(
            f"a store of another version of Counterclaim (revision {', '.join(map(str, revisions))}"
            "); open it with that version and export it as native JSONL",
            name,
        )


def _names(conn: sqlite3.Connection, table: str, name: str) -> dict[Any, str]:
    result = {}
    for key, value in conn.execute(f"SELECT id, name FROM {table}"):  # table: one of ours
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{table} row {key}: a name must be a non-empty string", name)
        result[key] = value
    return result


def _json_object(value: Any, what: str, name: str, where: str) -> dict[str, Any]:
    if value is None or value == "":
        return {}
    try:
        data = json.loads(value) if isinstance(value, str | bytes) else value
    except (ValueError, RecursionError):
        raise InputError(f"{what} is not valid JSON", name, where) from None
    if not isinstance(data, dict):
        raise InputError(f"{what} must be a JSON object", name, where)
    return data


def _fragments(value: Any, start: Any, end: Any, name: str, where: str) -> str | None:
    """A span's fragments column checked (:func:`annotate.model.fragments_problem`), as
    stored."""
    if value is None:
        return None
    try:
        data = json.loads(value) if isinstance(value, str | bytes) else None
        fragments = tuple(tuple(pair) for pair in data) if isinstance(data, list) else data
    except (ValueError, TypeError, RecursionError):
        fragments = None
    problem = fragments_problem(fragments, start, end) if fragments else "not a list of pairs"
    if problem:
        raise InputError(f"the fragments column: {problem}", name, where)
    return span_rows.fragments_json(fragments)


def _text(value: Any, what: str, name: str, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise InputError(f"{what} must be a non-empty string", name, where)
    return value


def _in(values: Sequence[Any]) -> str:
    return f"IN ({marks(values)})"


class _Reader:
    """One batch of documents at a time, with their spans, relations, statuses and document
    labels."""

    def __init__(self, conn: sqlite3.Connection, clock: _Clock, name: str):
        self.conn, self.clock, self.name = conn, clock, name
        self.annotators = _names(conn, "annotators", name)
        self.labels = _names(conn, "labels", name)
        self.has_doc_labels = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'doc_labels'"
        ).fetchone() is not None
        self.later = {
            table: column if self._has(table, column) else "NULL"
            for table, column in LATER.items()
        }
        self.target_uid = (  # a link's target document, when another (migration 0011)
            "(SELECT uid FROM documents AS t WHERE t.id = relations.target_document_id)"
            if self._has("relations", "target_document_id") else "NULL")

    def _has(self, table: str, column: str) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM pragma_table_xinfo(?) WHERE name = ?", (table, column)
        ).fetchone() is not None

    def _rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        self.clock.restart()
        return self.conn.execute(sql, params).fetchall()

    def batches(self, size: int) -> Iterator[list[AnnotatedDocument]]:
        last = 0
        while rows := self._rows(
            "SELECT rowid, id, uid, title, text, meta FROM documents WHERE rowid > ? "
            "ORDER BY rowid LIMIT ?",
            (last, size),
        ):
            last = rows[-1][0]
            yield self._records(rows)

    def _records(self, rows: list[tuple[Any, ...]]) -> list[AnnotatedDocument]:
        docs: dict[Any, Document] = {}
        places: dict[Any, str] = {}
        for rowid, doc_id, uid, title, text, meta in rows:
            where = places[doc_id] = f"document row {rowid}"
            text = check_text(text, self.name, where)
            if uid != text_uid(text):
                raise InputError("the uid is not the sha256 of the text", self.name, where)
            if title is not None and not isinstance(title, str):
                raise InputError("the title must be a string", self.name, where)
            meta = _json_object(meta, "meta", self.name, where)
            docs[doc_id] = Document(text, title or "", meta, uid)
        ids = list(docs)
        spans = self._spans(docs)
        relations = self._relations(docs, spans)
        status: dict[Any, dict[str, Any]] = {doc_id: {} for doc_id in ids}
        for doc_id, who, state in self._rows(
            f"SELECT document_id, annotator_id, state FROM document_status "
            f"WHERE document_id {_in(ids)}",
            ids,
        ):
            if state not in STATUSES or who not in self.annotators:
                raise InputError(
                    f"a status of document {docs[doc_id].uid[:12]} is not valid", self.name
                )
            status[doc_id][self.annotators[who]] = state
        doc_labels = self._doc_labels(docs)
        records = []
        for doc_id, doc in docs.items():
            record = AnnotatedDocument(
                doc, tuple(spans[doc_id].values()), tuple(relations[doc_id]), status[doc_id],
                tuple(doc_labels[doc_id]),
            )
            try:
                strings.check_record(record)
            except ValidationError as exc:
                raise InputError(str(exc), self.name, places[doc_id]) from None
            records.append(record)
        return records

    def _doc_labels(self, docs: dict[Any, Document]) -> dict[Any, list[DocLabel]]:
        ids = list(docs)
        result: dict[Any, list[DocLabel]] = {doc_id: [] for doc_id in ids}
        if not self.has_doc_labels:
            return result
        for doc_id, who, category, value, created in self._rows(
            f"SELECT document_id, annotator_id, category, value, created FROM doc_labels "
            f"WHERE document_id {_in(ids)}",
            ids,
        ):
            if (who not in self.annotators or not isinstance(category, str)
                    or not isinstance(value, str) or not isinstance(created, str)):
                raise InputError(
                    f"a document label of document {docs[doc_id].uid[:12]} is not valid",
                    self.name)
            result[doc_id].append(
                DocLabel(docs[doc_id].uid, category, value, self.annotators[who], created))
        return result

    def _spans(self, docs: dict[Any, Document]) -> dict[Any, dict[str, Span]]:
        ids = list(docs)
        result: dict[Any, dict[str, Span]] = {doc_id: {} for doc_id in ids}
        columns = ", ".join(f'"{c}"' for c in COLUMNS["spans"])
        rows = self._rows(
            f"SELECT {columns}, {self.later['spans']} FROM spans WHERE document_id {_in(ids)} "
            'ORDER BY document_id, start, "end", id',
            ids,
        )
        for row in rows:
            (span_id, doc_id, who, label, start, end, attributes, note, created, updated,
             fragments) = row
            doc = docs[doc_id]
            where = f"span {span_id}"
            span_id = _text(span_id, "a span id", self.name, f"document {doc.uid[:12]}")
            check_span_text(doc.text, start, end, None, self.name, where)
            if label not in self.labels or who not in self.annotators:
                raise InputError("the span's label or annotator is missing", self.name, where)
            if note is not None and not isinstance(note, str):
                raise InputError("the note must be a string", self.name, where)
            checked = (
                span_id, doc_id, who, label, start, end,
                span_rows.attributes_json(
                    _json_object(attributes, "attributes", self.name, where)
                ),
                note,
                _text(created, "created", self.name, where),
                updated if isinstance(updated, str) and updated else created,
                _fragments(fragments, start, end, self.name, where),
            )
            result[doc_id][span_id] = span_rows.from_row(
                checked, doc.uid, self.labels.__getitem__, self.annotators.__getitem__
            )
        return result

    def _relations(
        self, docs: dict[Any, Document], spans: dict[Any, dict[str, Span]]
    ) -> dict[Any, list[Relation]]:
        ids = list(docs)
        result: dict[Any, list[Relation]] = {doc_id: [] for doc_id in ids}
        for doc_id, rel_id, rtype, source, target, who, note, other in self._rows(
            "SELECT document_id, id, type, source_id, target_id, annotator_id, "
            f"{self.later['relations']}, {self.target_uid} FROM relations "
            f"WHERE document_id {_in(ids)} ORDER BY document_id, id",
            ids,
        ):
            where = f"relation {rel_id}"
            ends = spans[doc_id]
            if (source not in ends or (other is None and target not in ends)
                    or who not in self.annotators):
                raise InputError(
                    "refers to a span or annotator its document lacks", self.name, where
                )
            rel_id = _text(rel_id, "a relation id", self.name, where)
            rtype = _text(rtype, "the relation type", self.name, where)
            if note is not None and not isinstance(note, str):
                raise InputError("the note must be a string", self.name, where)
            if other is not None and not isinstance(other, str):
                raise InputError("its target document is not valid", self.name, where)
            result[doc_id].append(  # a link across documents: resolved by the import
                Relation(rtype, source, target, self.annotators[who], rel_id, note, other)
            )
        return result


def check_store_file(path: Path, time_limit: float = TIME_LIMIT) -> None:
    """InputError naming the file unless ``path`` is a sound Counterclaim store of a revision
    this version knows (read only, as untrusted)."""
    with _checked(Path(path), time_limit):
        pass


def read_peer_store(
    path: Path, batch: int = 200, time_limit: float = TIME_LIMIT
) -> Iterator[AnnotatedDocument]:
    """The annotated documents of a peer's store file, streamed ``batch`` documents at a
    time; InputError naming the file for anything that is not a sound Counterclaim store."""
    path = Path(path)
    with _checked(path, time_limit) as (conn, clock):
        conn.execute("BEGIN")  # one snapshot, even if the peer's program is writing
        reader = _Reader(conn, clock, str(path))
        for records in reader.batches(batch):
            yield from records


@contextmanager
def _checked(path: Path, time_limit: float) -> Iterator[tuple[sqlite3.Connection, _Clock]]:
    """The store file at ``path`` opened read only and checked (:func:`_check`), with the
    clock that limits its statements; what SQLite refuses inside becomes InputError naming
    the file."""
    name = str(path)
    clock = _Clock(time_limit)
    conn: sqlite3.Connection | None = None
    try:
        conn = _open(path, clock)
        _check(conn, clock, name)
        yield conn, clock
    except sqlite3.Error as exc:
        if clock():
            raise InputError(f"reading took over {time_limit:g} s; refused", name) from None
        raise InputError(f"the store file is damaged or unreadable ({exc})", name) from None
    finally:
        if conn is not None:
            conn.close()
