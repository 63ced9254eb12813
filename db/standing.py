"""Decisions that still stand, so that two reviewers deciding the same item at once never
overwrite each other: a decision is made on an open item only (the review list says so, and
:func:`check_open` says so again inside the write transaction, where every earlier commit is
seen and no other writer's is under way). A reviewer whose list was out of date is told
who decided first; nothing of theirs is written."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection

from annotate.commands import Decision
from annotate.errors import ValidationError
from annotate.model import GOLD
from db.engine import chunks, execute, marks
from db.names import Names

_DECISIONS_OF = (
    "SELECT kind, sources, gold_span_id, gold_relation_id, category, gold_labels, "
    "decided_by_id, at FROM decisions WHERE document_id = ?"
)
_DECISIONS_OF_MANY = (
    "SELECT document_id, kind, sources, gold_span_id, gold_relation_id, category, gold_labels, "
    "decided_by_id, at FROM decisions WHERE document_id IN"
)
_SPAN_HELD = "SELECT 1 FROM spans WHERE id = ?"
_RELATION_HELD = "SELECT 1 FROM relations WHERE id = ?"
_GOLD_LABELS = (
    "SELECT l.category, l.value FROM doc_labels AS l JOIN annotators AS a "
    "ON a.id = l.annotator_id WHERE l.document_id = ? AND a.name = ?"
)


class DecidedMeanwhile(ValidationError):
    """A decision on an item that another decision (another reviewer's, as a rule) settled
    since the deciding reviewer's list was read."""


def _stands(conn: Connection, doc_id: int, kind: str, gold_span: str | None,
            gold_relation: str | None, category: str | None, gold_labels: str | None) -> bool:
    """Whether a stored decision still settles its item (as :mod:`annotate.adjudication`
    reads it): a reject, or an accept whose gold span, relation or labels are still there."""
    if kind == "reject":
        return True
    if gold_span is not None:
        return execute(conn, _SPAN_HELD, (gold_span,)).fetchone() is not None
    if gold_relation is not None:
        return execute(conn, _RELATION_HELD, (gold_relation,)).fetchone() is not None
    held = {(c, v) for c, v in execute(conn, _GOLD_LABELS, (doc_id, GOLD))}
    return all((category, v) in held for _, v, _ in json.loads(gold_labels or "[]"))


def check_open(conn: Connection, names: Names, decision: Decision, doc_id: int) -> None:
    """DecidedMeanwhile when a decision that still stands rules on some of ``decision``'s
    sources (of the same document category, for a decision on document labels)."""
    _check_open(conn, names, decision, doc_id,
                execute(conn, _DECISIONS_OF, (doc_id,)).fetchall(), ())


def by_document(decisions: Iterable[Decision]) -> dict[str, list[Decision]]:
    """``decisions`` by the uid of their document, each document's in their order."""
    found: dict[str, list[Decision]] = {}
    for decision in decisions:  # tens of thousands: no list made for nothing
        mine = found.get(decision.document)
        if mine is None:
            found[decision.document] = [decision]
        else:
            mine.append(decision)
    return found


def check_open_many(conn: Connection, names: Names,
                    lots: Sequence[tuple[int, Sequence[Decision]]]) -> None:
    """:func:`check_open` of each decision of ``lots`` (the id of a document, decisions of
    it: a command's decisions by document, :func:`by_document`), lot after lot, as if each
    lot were written before the next is checked: the decisions of earlier lots stand (their
    lot writes what they accept, or fails). The stored decisions are read a few hundred
    documents at a time; a lot whose document has none stored nor in an earlier lot is
    passed whole (accept-agreed's lots: one per document, tens of thousands of decisions)."""
    docs = list(dict.fromkeys([doc_id for doc_id, _ in lots]))
    stored: dict[int, list[Any]] = {}
    for part in chunks(docs):
        for row in execute(conn, f"{_DECISIONS_OF_MANY} ({marks(part)})", part):
            stored.setdefault(row[0], []).append(row[1:])
    earlier: dict[int, Sequence[Decision]] = {}
    for doc_id, decisions in lots:
        before = earlier.get(doc_id)
        if doc_id in stored or before is not None:
            for decision in decisions:
                _check_open(conn, names, decision, doc_id, stored.get(doc_id, ()),
                            before or ())
            earlier[doc_id] = [*(before or ()), *decisions]
        else:  # nothing stands in their way
            earlier[doc_id] = decisions


def _check_open(conn: Connection, names: Names, decision: Decision, doc_id: int,
                stored: Sequence[Any], standing: Sequence[Decision]) -> None:
    """:func:`check_open` against the document's ``stored`` decision rows and the decisions
    ``standing`` besides (not stored yet)."""
    mine = set(decision.sources)
    for kind, sources, span, relation, category, labels, by, at in stored:
        if category != decision.category or mine.isdisjoint(json.loads(sources)):
            continue
        if _stands(conn, doc_id, kind, span, relation, category, labels):
            _refuse(decision, names.annotator_name(conn, by), kind, at)
    for other in standing:
        if other.category == decision.category and not mine.isdisjoint(other.sources):
            _refuse(decision, other.decided_by, other.kind, other.at)


def _refuse(decision: Decision, who: str, kind: str, at: str) -> None:
    verb = "accepted" if kind == "accept" else "rejected"
    first = "you" if who == decision.decided_by else who
    raise DecidedMeanwhile(
        f"{first} {verb} this item already (at {at}) while your list was out of "
        "date: your decision was not saved; look at the item again")
