"""Checks shared by the reliability tests: the store file is sound, the journal explains every
row of the annotation tables (nothing half-applied), and what a writer reported committed is
there. Reads the file with plain sqlite3 so the checks do not trust the code they test."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotate.commands import (
    Batch,
    Command,
    CreateSpan,
    DeleteSpan,
    SetStatus,
    UpdateSpan,
    command_from_dict,
)

SpanState = tuple[str, str, int, int]
"""(document uid, label, start, end) of a span."""


def connect_ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)


def integrity(path: Path) -> str:
    with connect_ro(path) as conn:
        result = "; ".join(row[0] for row in conn.execute("PRAGMA integrity_check"))
    conn.close()
    return result


def stored_spans(conn: sqlite3.Connection) -> dict[str, SpanState]:
    rows = conn.execute(
        "SELECT s.id, d.uid, l.name, s.start, s.\"end\" FROM spans s "
        "JOIN documents d ON d.id = s.document_id JOIN labels l ON l.id = s.label_id")
    return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}


def stored_statuses(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    rows = conn.execute(
        "SELECT d.uid, a.name, st.state FROM document_status st "
        "JOIN documents d ON d.id = st.document_id JOIN annotators a ON a.id = st.annotator_id")
    return {(r[0], r[1]): r[2] for r in rows}


@dataclass
class JournalModel:
    """The annotation tables as the journal says they must be: every do/undo/redo row's
    applied command replayed in order onto an empty start (documents come from imports)."""

    spans: dict[str, SpanState] = field(default_factory=dict)
    statuses: dict[tuple[str, str], str] = field(default_factory=dict)
    last_id: int = 0
    rows: int = 0

    def apply(self, command: Command) -> None:
        if isinstance(command, CreateSpan):
            assert command.span.id not in self.spans, f"journal creates {command.span.id} twice"
            s = command.span
            self.spans[s.id] = (s.document, s.label, s.start, s.end)
        elif isinstance(command, DeleteSpan):
            assert self.spans.pop(command.span.id, None) is not None, \
                f"journal deletes {command.span.id}, which it never created"
        elif isinstance(command, UpdateSpan):
            assert command.before.id in self.spans, f"journal updates unknown {command.before.id}"
            a = command.after
            self.spans[a.id] = (a.document, a.label, a.start, a.end)
        elif isinstance(command, SetStatus):
            self.statuses[(command.document, command.annotator)] = command.state
        elif isinstance(command, Batch):
            for part in command.commands:
                self.apply(part)
        else:
            raise AssertionError(f"the crash tests do not make {command.op}")

    def catch_up(self, conn: sqlite3.Connection) -> list[tuple[int, dict[str, Any]]]:
        """Replay the journal rows added since the last call; returns them (id, payload)."""
        new = conn.execute(
            "SELECT id, payload FROM journal WHERE id > ? AND kind IN ('do', 'undo', 'redo') "
            "ORDER BY id", (self.last_id,)).fetchall()
        replayed = []
        for row_id, payload in new:
            data = json.loads(payload)
            self.apply(command_from_dict(data))
            replayed.append((row_id, data))
            self.last_id = row_id
            self.rows += 1
        return replayed

    def check_tables(self, conn: sqlite3.Connection) -> None:
        """Every span and status row is one the journal made, and every one it made is there."""
        spans = stored_spans(conn)
        missing = self.spans.keys() - spans.keys()
        orphans = spans.keys() - self.spans.keys()
        assert not missing, f"journal says these spans exist, the table lacks them: {missing}"
        assert not orphans, f"spans without a journal row: {orphans}"
        changed = {k: (spans[k], v) for k, v in self.spans.items() if spans[k] != v}
        assert not changed, f"spans whose stored state is not the journal's: {changed}"
        statuses = stored_statuses(conn)
        assert statuses == self.statuses, (statuses, self.statuses)


def touched(payload: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Span ids and document uids (status) a journal payload changes."""
    spans: set[str] = set()
    documents: set[str] = set()
    command = command_from_dict(payload)
    for span_id in command.changes().spans:
        spans.add(span_id)
    if isinstance(command, SetStatus):
        documents.add(command.document)
    if isinstance(command, Batch):
        for part in command.commands:
            s, d = touched(part.to_dict())
            spans |= s
            documents |= d
    return spans, documents


@dataclass
class Reported:
    """What a writer said it committed: the last reported state of each span (None: gone)
    and each document's status."""

    spans: dict[str, SpanState | None] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)
    edits: int = 0

    def take(self, line: str) -> bool:
        """Read one ``E {...}`` report line; False for any other line."""
        if not line.startswith("E "):
            return False
        data = json.loads(line[2:])
        for span_id, state in data.get("spans", {}).items():
            self.spans[span_id] = tuple(state) if state is not None else None  # type: ignore[assignment]
        self.statuses.update(data.get("status", {}))
        self.edits += 1
        return True

    def check(self, conn: sqlite3.Connection, annotator: str,
              unreported: list[tuple[int, dict[str, Any]]]) -> None:
        """Everything reported is in the store, except what a committed but unreported edit
        (at most one: the writer was killed between commit and report) changed since."""
        assert len(unreported) <= 1, f"{len(unreported)} committed edits were never reported"
        explained_spans, explained_docs = (touched(unreported[0][1]) if unreported
                                           else (set(), set()))
        spans = stored_spans(conn)
        for span_id, state in self.spans.items():
            if span_id in explained_spans:
                continue
            assert spans.get(span_id) == state, \
                f"span {span_id}: reported {state}, stored {spans.get(span_id)} (edit lost)"
        statuses = stored_statuses(conn)
        for uid, state in self.statuses.items():
            if uid not in explained_docs:
                assert statuses.get((uid, annotator), "todo") == state, f"status of {uid} lost"
        # The unreported edit is committed: from now on its result is what must last.
        for span_id in explained_spans:
            self.spans[span_id] = spans.get(span_id)
        for uid in explained_docs:
            self.statuses[uid] = statuses.get((uid, annotator), "todo")


def check_whole(path: Path) -> JournalModel:
    """The file passes integrity_check and its tables are exactly what its journal says."""
    assert integrity(path) == "ok"
    model = JournalModel()
    with connect_ro(path) as conn:
        model.catch_up(conn)
        model.check_tables(conn)
    conn.close()
    return model


def tamper(path: Path, sql: str) -> None:
    """Run ``sql`` on the store file as a foreign program would (plain sqlite3, no checks)."""
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.close()
