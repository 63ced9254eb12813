"""Many edit commands applied in one go, inside the caller's transaction: what accepting the
agreed items of a whole corpus writes (:func:`db.review.accept_agreed`).

The spans they create and the span decisions they add are checked by the rules
:func:`db.edits.apply` and :func:`db.edits.check_placed` apply to one command (document known,
span in its text and fitting the schema, not only punctuation, id new; a decision's shape and
its gold span in its document, its item still open: :mod:`db.standing`), looked up a few
hundred at a time, and written with one executemany per table. Every other command they hold
runs through :func:`db.edits.apply`.
One command alone, or commands other than these (a delete, a move...), run one by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection

from annotate import edges
from annotate.commands import AddDecision, AddDocLabel, AddRelation, Batch, Command, CreateSpan
from annotate.errors import ValidationError
from annotate.model import Span
from annotate.validator import check_span
from db import edits, span_rows, standing, tombstones
from db.engine import execute, execute_many
from db.names import Names

_BATCH = 500  # values per look-up, well under SQLite's limit of parameters
_OTHERS = (AddRelation, AddDocLabel)
"""Commands that depend on spans created before them and that no decision of the same lot
needs to come before: run one by one between the spans and the decisions."""


def apply_many(conn: Connection, names: Names, commands: Sequence[Command],
               known: edits.Known | None) -> list[Command]:
    """Check and apply each of ``commands``, as :func:`db.edits.check_placed` and
    :func:`db.edits.apply` would one after the other; returns them as applied. Creating
    spans, adding relations and document labels, and adding decisions come in that order
    (each kind after what it may name), the spans and span decisions together."""
    every = [part for command in commands for part in _parts(command)]
    if len(commands) < 2 or not {type(part) for part in every} <= {CreateSpan, AddDecision,
                                                                   *_OTHERS}:
        done = []
        for command in commands:
            edits.check_placed(conn, command, known)
            done.append(edits.apply(conn, names, command, known))
        return done
    _check_open(conn, names, commands, known)  # first: as one command alone checks it
    spans, decisions, others, one_by_one = [], [], [], []
    for part in every:
        if type(part) is CreateSpan and not part.relations:
            spans.append(part.span)
        elif type(part) is AddDecision and part.decision.category is None \
                and part.decision.gold_relation is None:
            decisions.append(part.decision)
        else:  # a span joined by relations, a relation, a document label
            (one_by_one if type(part) is AddDecision else others).append(part)
    _create_spans(conn, names, spans, known)
    for command in others:
        edits.check_placed(conn, command, known)
        edits.apply(conn, names, command, known)
    _add_decisions(conn, names, decisions, known)
    for command in one_by_one:
        edits.add_checked_decision(conn, names, command)
    return list(commands)


def _check_open(conn: Connection, names: Names, commands: Sequence[Command],
                known: edits.Known | None) -> None:
    """:func:`db.standing.check_open` of every decision of ``commands``, each command's
    decisions before it is applied (and so after those of the commands before it)."""
    lots = [[p.decision for p in _parts(c) if type(p) is AddDecision] for c in commands]
    docs = _documents(conn, (d.document for lot in lots for d in lot), known)
    standing.check_open_many(conn, names, [[(d, docs[d.document][0]) for d in lot]
                                           for lot in lots])


def _parts(command: Command) -> Iterable[Command]:
    if isinstance(command, Batch):
        for part in command.commands:
            yield from _parts(part)
    else:
        yield command


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    return (values[at : at + _BATCH] for at in range(0, len(values), _BATCH))


def _documents(conn: Connection, uids: Iterable[str],
               known: edits.Known | None) -> dict[str, tuple[int, int]]:
    """Each document's id and length by uid; ValidationError naming one that is not here."""
    found = {} if known is None else known.documents
    missing = [uid for uid in dict.fromkeys(uids) if uid not in found]
    for part in _chunks(missing):
        found.update((uid, (doc_id, length)) for uid, doc_id, length in execute(
            conn, f"SELECT uid, id, length FROM documents WHERE uid IN ({_marks(part)})", part))
    for uid in missing:
        if uid not in found:
            raise ValidationError(f"no document {uid}")
    return found


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


def _create_spans(conn: Connection, names: Names, spans: Sequence[Span],
                  known: edits.Known | None) -> None:
    """Create ``spans`` (none joined by relations), checked as one CreateSpan each."""
    if not spans:
        return
    docs = _documents(conn, (s.document for s in spans), known)
    schema = edits.known(conn).schema if known is None else known.schema
    for span in spans:
        check_span(schema, span, docs[span.document][1])
    _check_ink(conn, spans, docs)
    who = {name: names.annotator_id(conn, name) for name in {s.annotator for s in spans}}
    what = {name: names.label_id(conn, name) for name in {s.label for s in spans}}
    rows = span_rows.to_rows(((s, docs[s.document][0]) for s in spans), who, what)
    execute(conn, "SAVEPOINT many_spans")
    if conn.exec_driver_sql(span_rows.INSERT_NEW, rows).rowcount != len(rows):
        execute(conn, "ROLLBACK TO many_spans")  # name the first id found taken
        for span, row in zip(spans, rows, strict=True):
            if not execute(conn, span_rows.INSERT_NEW, row).rowcount:
                raise ValidationError(f"span {span.id} exists already")
    execute(conn, "RELEASE many_spans")
    tombstones.unbury(conn, "span", [s.id for s in spans])


def _check_ink(conn: Connection, spans: Sequence[Span],
               docs: dict[str, tuple[int, int]]) -> None:
    """:func:`annotate.edges.check_ink` of each span's text, read a few hundred documents'
    texts at a time."""
    by_doc: dict[int, list[Span]] = {}
    for span in spans:
        by_doc.setdefault(docs[span.document][0], []).append(span)
    for part in _chunks(list(by_doc)):
        for doc_id, text in execute(
                conn, f"SELECT id, text FROM documents WHERE id IN ({_marks(part)})", part):
            for span in by_doc[doc_id]:
                edges.check_ink(text[span.start : span.end])


def _add_decisions(conn: Connection, names: Names, decisions: Sequence[Any],
                   known: edits.Known | None) -> None:
    """Add the span ``decisions``, checked as one AddDecision each."""
    if not decisions:
        return
    docs = _documents(conn, (d.document for d in decisions), known)
    ids = [d.id for d in decisions]
    taken = _found(conn, "SELECT id, id FROM decisions WHERE id IN", ids)
    gold_ids = [d.gold_span.id for d in decisions if d.gold_span is not None]
    gold_in = _found(conn, "SELECT s.id, d.uid FROM spans s JOIN documents d "
                     "ON d.id = s.document_id WHERE s.id IN", gold_ids)
    seen: set[str] = set()
    for decision in decisions:
        if decision.id in taken or decision.id in seen:
            raise ValidationError(f"decision {decision.id} exists already")
        seen.add(decision.id)
        edits.check_decision_shape(decision)
        edits.check_span_decision(decision, lambda span_id: _gold_document(gold_in, span_id))
    execute_many(conn, edits.INSERT_DECISION,
                 [edits.decision_row(conn, names, d, docs[d.document][0]) for d in decisions])


def _gold_document(found: dict[str, str], span_id: str) -> str:
    """The document of the span ``span_id`` in ``found``, as :func:`db.edits.load_span` says
    it."""
    if span_id not in found:
        raise ValidationError(f"no span {span_id} (it may have been deleted)")
    return found[span_id]


def _found(conn: Connection, sql: str, ids: Sequence[str]) -> dict[str, str]:
    """Rows (key, value) of ``sql`` (a SELECT ending in ``IN``) for ``ids``, by key."""
    result: dict[str, str] = {}
    for part in _chunks(list(dict.fromkeys(ids))):
        result.update(execute(conn, f"{sql} ({_marks(part)})", part).fetchall())
    return result
