"""Many edit commands applied in one go, inside the caller's transaction: what accepting the
agreed items of a whole corpus writes (:func:`db.review.accept_agreed`: one
:class:`~annotate.commands.AcceptAgreed`), and what undoing that takes back
(:class:`~annotate.commands.WithdrawAgreed`).

The spans they create and the span decisions they add are checked by the rules
:func:`db.edits.apply` and :func:`db.edits.check_placed` apply to one command (document known,
span in its text and fitting the schema, not only punctuation, id new; a decision's shape and
its gold span in its document, its item still open: :mod:`db.standing`), looked up a few
hundred at a time, and written with one executemany per table. Every other command they hold
runs through :func:`db.edits.apply`.
One command alone (but an AcceptAgreed), or commands other than these (a delete, a move...),
run one by one. Undo and redo go through :func:`replay`: a WithdrawAgreed removes exactly the
gold spans and decisions whose ids it names (ValidationError when one is gone, or a relation
made since links a span), a few hundred per statement, after the rest of it (relations,
document labels) has run through :func:`db.edits.apply`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from operator import attrgetter, itemgetter
from typing import Any

from sqlalchemy import Connection

from annotate import edges
from annotate.commands import (
    AcceptAgreed,
    AddDecision,
    AddDocLabel,
    AddRelation,
    Batch,
    Command,
    CreateSpan,
    Decision,
    WithdrawAgreed,
)
from annotate.errors import ValidationError
from annotate.model import Span
from annotate.validator import check_spans
from db import bulk, dialects, edits, journal, span_rows, standing, tombstones
from db.engine import chunks, execute, execute_many, inserting, marks
from db.names import Names

_DOCUMENT = attrgetter("document")
_ID, _LENGTH = itemgetter(0), itemgetter(1)
"""A document's id and length in :func:`db.edits.documents`."""
_DECISION_COLUMNS = ", ".join(f"e.{column}" for column in bulk.DECISION_COLUMNS)
_NEW = " ON CONFLICT (id) DO NOTHING"
"""What makes an INSERT skip a row whose id is taken (its rowcount tells)."""
_OTHERS = (AddRelation, AddDocLabel)
"""Commands that depend on spans created before them and that no decision of the same lot
needs to come before: run one by one between the spans and the decisions."""


def apply_many(conn: Connection, names: Names, commands: Sequence[Command],
               known: edits.Known | None) -> list[Command]:
    """Check and apply each of ``commands``, as :func:`db.edits.check_placed` and
    :func:`db.edits.apply` would one after the other; returns them as applied. Creating
    spans, adding relations and document labels, and adding decisions come in that order
    (each kind after what it may name), the spans and span decisions together."""
    alone = len(commands) < 2 and type(commands[0]) is not AcceptAgreed
    split = None if alone else _split(commands)
    if split is None:
        done = []
        for command in commands:
            edits.check_placed(conn, command, known)
            done.append(edits.apply(conn, names, command, known))
        return done
    spans, decisions, others, one_by_one, lots = split
    docs = edits.documents(conn, [*[uid for uid, _ in lots], *[s.document for s in spans]],
                           known)
    # first, as for one command alone: a decision taken meanwhile refuses the write
    standing.check_open_many(conn, names, [(docs[uid][0], mine) for uid, mine in lots])
    for command in commands:
        if type(command) is AcceptAgreed:
            _check_still_agreed(conn, names, command)
    _create_spans(conn, names, spans, known, docs)
    for command in others:
        edits.check_placed(conn, command, known)
        edits.apply(conn, names, command, known)
    _add_decisions(conn, names, decisions, docs, {s.id: s.document for s in spans})
    for command in one_by_one:
        edits.add_checked_decision(conn, names, command)
    return list(commands)


Split = tuple[list[Span], list[Decision], list[Command], list[AddDecision],
              list[tuple[str, list[Decision]]]]


def _split(commands: Sequence[Command]) -> Split | None:
    """What ``commands`` are made of (a Batch's commands at any depth, an AcceptAgreed's
    parts), by how they are applied: spans created together (none joined by relations),
    span decisions added together, the others (relations, document labels, spans joined by
    relations) one by one before those decisions, and decisions on relations or document
    labels one by one after them; and the lots of decisions :func:`db.standing.check_open`
    takes, each command's by document (uid, its decisions). None when a command is of none
    of those kinds."""
    spans: list[Span] = []
    decisions: list[Decision] = []
    others: list[Command] = []
    one_by_one: list[AddDecision] = []
    lots: list[tuple[str, list[Decision]]] = []
    for command in commands:
        lot: list[Decision] = []
        if type(command) is AcceptAgreed:
            gold, agreed, made_of = command.parts()
            spans += gold
            decisions += agreed
            lot += agreed
        else:
            made_of = _parts(command)
        for part in made_of:
            kind = type(part)
            if kind is CreateSpan and not part.relations:  # type: ignore[attr-defined]
                spans.append(part.span)  # type: ignore[attr-defined]
            elif kind is AddDecision:
                decision = part.decision  # type: ignore[attr-defined]
                lot.append(decision)
                if decision.category is None and decision.gold_relation is None:
                    decisions.append(decision)
                else:
                    one_by_one.append(part)  # type: ignore[arg-type]
            elif kind is CreateSpan or kind in _OTHERS:
                others.append(part)
            else:
                return None
        lots += standing.by_document(lot).items()
    return spans, decisions, others, one_by_one, lots


def replay(conn: Connection, names: Names, command: Command,
           known: edits.Known | None) -> Command:
    """Apply ``command``, an undo's or a redo's, as :func:`db.edits.apply` does (no placement
    check: what was there comes back as it was); an AcceptAgreed or a WithdrawAgreed in
    bulk. Returns it as applied."""
    if type(command) is WithdrawAgreed:
        return _withdraw(conn, names, command, known)
    if type(command) is AcceptAgreed:
        return apply_many(conn, names, [command], known)[0]
    token = edits.REPLAYING.set(True)
    try:
        return edits.apply(conn, names, command, known)
    finally:
        edits.REPLAYING.reset(token)


def _parts(command: Command) -> list[Command]:
    """The commands ``command`` is made of: a Batch's, at any depth, in order."""
    if not _is_batch(type(command)):
        return [command]
    return [part for within in command.commands  # type: ignore[attr-defined]
            for part in (_parts(within) if _is_batch(type(within)) else (within,))]


@cache
def _is_batch(kind: type) -> bool:
    """Whether commands of ``kind`` are Batches (asked of tens of thousands: once per kind)."""
    return issubclass(kind, Batch)


def _create_spans(conn: Connection, names: Names, spans: Sequence[Span],
                  known: edits.Known | None, docs: dict[str, tuple[int, int]]) -> None:
    """Create ``spans`` (none joined by relations), checked as one CreateSpan each; ``docs``:
    the id and length of their documents (:func:`db.edits.documents`)."""
    if not spans:
        return
    schema = edits.known(conn).schema if known is None else known.schema
    located = list(map(docs.__getitem__, map(_DOCUMENT, spans)))  # (id, length) each
    check_spans(schema, zip(spans, map(_LENGTH, located), strict=True))
    placed = list(zip(spans, map(_ID, located), strict=True))
    by_doc: dict[int, list[Span]] = {}
    for span, doc_id in placed:
        group = by_doc.get(doc_id)
        if group is None:
            by_doc[doc_id] = [span]
        else:
            group.append(span)
    _check_ink(conn, by_doc)
    who = {name: names.annotator_id(conn, name) for name in {s.annotator for s in spans}}
    what = {name: names.label_id(conn, name) for name in {s.label for s in spans}}
    _insert_new(conn, *inserting("spans", span_rows.COLUMNS,
                                 span_rows.to_rows(placed, who, what), _NEW), "span")
    if tombstones.any_buried(conn):  # else no id of them is (a look rather than a delete each)
        tombstones.unbury(conn, "span", [s.id for s in spans])


def _check_ink(conn: Connection, by_doc: dict[int, list[Span]]) -> None:
    """:func:`annotate.edges.check_inks` of the texts of the spans of ``by_doc`` (by the id of
    its document), read a few hundred documents' texts at a time."""
    for part in chunks(list(by_doc)):
        for doc_id, text in execute(
                conn, f"SELECT id, text FROM documents WHERE id IN ({marks(part)})", part):
            edges.check_inks([text[span.start : span.end] for span in by_doc[doc_id]])


def _add_decisions(conn: Connection, names: Names, decisions: Sequence[Any],
                   docs: dict[str, tuple[int, int]], created: dict[str, str]) -> None:
    """Add the span ``decisions``, checked as one AddDecision each; ``docs``: the id and
    length of their documents (:func:`db.edits.documents`); ``created``: the document of
    each span just created (by id), which need not be looked up."""
    if not decisions:
        return
    gold_ids = [d.gold_span.id for d in decisions
                if d.gold_span is not None and d.gold_span.id not in created]
    gold_in = created | _found(conn, "SELECT s.id, d.uid FROM spans s JOIN documents d "
                               "ON d.id = s.document_id WHERE s.id IN", gold_ids)
    edits.check_span_decisions(decisions, gold_in)
    _insert_new(conn, *inserting("decisions", edits.DECISION_ROW, edits.decision_rows(
        conn, names, [(d, docs[d.document][0]) for d in decisions]), _NEW), "decision")


def _check_still_agreed(conn: Connection, names: Names, accepted: AcceptAgreed) -> None:
    """Each span decision of ``accepted`` accepts spans that agree with its gold copy still:
    every source is there with the gold span's label, bounds and attributes. The corpus was
    read before this write (tens of seconds on a big store, while annotators work on): a
    source edited since (relabelled, moved, its attributes changed, deleted) leaves its item
    agreed no more. Checked in the documents the journal says changed after
    :attr:`~annotate.commands.AcceptAgreed.read_after`, in all when it cannot tell.
    ValidationError naming the first such span."""
    decisions = accepted.parts()[1]
    if accepted.read_after is not None and dialects.of(conn).commits_in_order:
        touched = journal.documents_since(conn, accepted.read_after)
        if touched is not None:
            decisions = [d for d in decisions if d.document in touched]
    sources = list(dict.fromkeys(source for d in decisions for source in d.sources))
    found: dict[str, tuple[int, int, int, str | None]] = {}
    for part in chunks(sources):
        found.update((row[0], row[1:]) for row in execute(
            conn, f'SELECT id, label_id, start, "end", attributes FROM spans '
            f"WHERE id IN ({marks(part)})", part))
    label_of = names.label_names(conn)
    for decision in decisions:
        gold = decision.gold_span
        assert gold is not None  # (an accept)
        for source in decision.sources:
            row = found.get(source)
            if (row is None or label_of[row[0]] != gold.label or row[1] != gold.start
                    or row[2] != gold.end
                    or span_rows.attributes_from(row[3]) != gold.attributes):
                raise ValidationError(
                    f"span {source} of document {decision.document} changed since the "
                    "agreed items were read (edited or deleted meanwhile): nothing was "
                    "accepted; accept the agreed items again")


def _insert_new(conn: Connection, sql: str, rows: Sequence[Sequence[Any]], what: str) -> None:
    """Insert ``rows`` by ``sql`` (an INSERT that skips a row whose id, its first value, is
    taken), all in one go; ValidationError naming the first ``what`` whose id is taken (in
    the store, or by a row before it), and none inserted."""
    execute(conn, "SAVEPOINT many_new")
    if conn.exec_driver_sql(sql, rows).rowcount != len(rows):  # type: ignore[arg-type]
        execute(conn, "ROLLBACK TO many_new")
        for row in rows:
            if not execute(conn, sql, row).rowcount:
                raise ValidationError(f"{what} {row[0]} exists already")
    execute(conn, "RELEASE many_new")


def _found(conn: Connection, sql: str, ids: Sequence[str]) -> dict[str, str]:
    """Rows (key, value) of ``sql`` (a SELECT ending in ``IN``) for ``ids``, by key."""
    result: dict[str, str] = {}
    for part in chunks(list(dict.fromkeys(ids))):
        result.update(execute(conn, f"{sql} ({marks(part)})", part).fetchall())
    return result


def _withdraw(conn: Connection, names: Names, command: WithdrawAgreed,
              known: edits.Known | None) -> WithdrawAgreed:
    """Take back what an AcceptAgreed wrote: its other commands one by one, then its span
    decisions and its gold spans a few hundred per statement (ValidationError naming the
    first that is no longer there, or that a relation made since links); returns it with
    ``taken`` filled in: what was taken back, as it was."""
    done = [edits.apply(conn, names, part, known) for part in command.commands]
    spans = _stored_spans(conn, names, command.spans)
    decisions = _stored_decisions(conn, names, command.decisions, spans)
    execute_many(conn, edits.DELETE_DECISION, [(i,) for i in command.decisions])
    execute_many(conn, edits.DELETE_SPAN, [(i,) for i in command.spans])
    tombstones.bury(conn, "span", command.spans)
    taken = AcceptAgreed.made_of(([spans[i] for i in command.spans], decisions,
                                  [c.inverse() for c in reversed(done)]), command.title)
    return WithdrawAgreed(command.spans, command.decisions, tuple(done), command.title, taken)


def _stored_spans(conn: Connection, names: Names, ids: Sequence[str]) -> dict[str, Span]:
    """The spans of ``ids`` as stored, each linked by no relation (else ValidationError)."""
    stored = bulk.spans_by_id(conn, names, ids)
    for span_id in ids:
        if span_id not in stored:
            raise ValidationError(f"no span {span_id} (it may have been deleted)")
    linked = _found(conn, "SELECT source_id, id FROM relations WHERE source_id IN", ids) | \
        _found(conn, "SELECT target_id, id FROM relations WHERE target_id IN", ids)
    if linked:
        span_id, relation = next(iter(linked.items()))
        raise ValidationError(f"the gold span {span_id} is linked since (relation "
                              f"{relation}): take that link back first")
    return stored


def _stored_decisions(conn: Connection, names: Names, ids: Sequence[str],
                      spans: dict[str, Span]) -> list[Decision]:
    """The decisions of ``ids`` as stored, in that order (ValidationError naming one that is
    not); their gold spans are among ``spans``."""
    stored: dict[str, Decision] = {}
    for part in chunks(ids):
        for uid, *row in execute(conn, f"SELECT d.uid, {_DECISION_COLUMNS} FROM decisions e "
                                 "JOIN documents d ON d.id = e.document_id WHERE e.id IN "
                                 f"({marks(part)})", part):
            decision = edits.decision_from_row(conn, names, bulk.DecisionRow.read(row), uid,
                                               spans, {})
            stored[decision.id] = decision
    missing = next((i for i in ids if i not in stored), None)
    if missing is not None:
        raise ValidationError(f"no decision {missing} (it may have been undone)")
    return [stored[i] for i in ids]
