"""Assignments and blind mode in the store: journaled commands of a lead, undone like any
step, refused with a plain message when they do not apply, and each annotator's queue with
how far they got."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from annotate.commands import Assign, CreateSpan, SetBlind, SetStatus, Unassign
from annotate.errors import ValidationError
from annotate.history import describe
from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store

TEXTS = ("Amina met the army in Kidal.", "The ministry denied it.", "Ben saw it.")


@pytest.fixture
def uids(store: Store) -> list[str]:
    store.import_documents([AnnotatedDocument(Document(t, f"t{i}"))
                            for i, t in enumerate(TEXTS)])
    return [row.uid for row in store.list_documents()]


def test_assignments_are_journaled_steps_of_the_lead_and_undo_takes_them_back(
        store: Store, uids: list[str]) -> None:
    store.apply(Assign(((uids[0], "amina"), (uids[1], "amina"), (uids[0], "ben"))), "lead")
    assert store.assignments() == [(uids[0], "amina"), (uids[0], "ben"), (uids[1], "amina")]
    assert store.assignments("ben") == [(uids[0], "ben")]
    assert store.assignments(uids=[uids[1]]) == [(uids[1], "amina")]
    entry = store.history(limit=1)[0]
    assert (entry.op, entry.annotator) == ("assign", "lead")
    assert describe(entry.op, entry.payload) == "assign 2 documents to amina, ben"
    store.apply(Unassign(((uids[0], "amina"),)), "lead")
    assert store.assignments("amina") == [(uids[1], "amina")]
    store.undo("lead")
    assert store.assignments("amina") == [(uids[0], "amina"), (uids[1], "amina")]
    store.undo("lead")
    assert store.assignments() == []
    store.redo("lead")
    assert len(store.assignments()) == 3


def test_an_assignment_that_does_not_apply_is_refused_and_nothing_is_written(
        store: Store, uids: list[str]) -> None:
    store.apply(Assign(((uids[0], "amina"),)), "lead")
    refused = {
        "is assigned to amina already": Assign(((uids[1], "ben"), (uids[0], "amina"))),
        "no document nope": Assign(((uids[1], "ben"), ("nope", "ben"))),
        "named twice": Assign(((uids[1], "ben"), (uids[1], "ben"))),
        "is not assigned to amina": Unassign(((uids[1], "amina"),)),
        "unknown annotator 'zoe'": Unassign(((uids[0], "zoe"),)),
    }
    for message, command in refused.items():
        with pytest.raises(ValidationError, match=message):
            store.apply(command, "lead")
    assert store.assignments() == [(uids[0], "amina")]
    assert [e.op for e in store.history()].count("assign") == 1


def test_the_queue_shows_progress_and_when_a_document_goes_to_review(
        store: Store, uids: list[str]) -> None:
    store.apply(Assign(((uids[0], "amina"), (uids[0], "ben"), (uids[2], "amina"))), "lead")
    store.apply(CreateSpan(Span(uids[0], 0, 5, "PERSON", "amina")), "amina")
    store.apply(SetStatus(uids[0], "amina", "done"), "amina")
    queue = store.queue("amina")
    assert [(r.uid, r.status, r.spans, r.review) for r in queue] == [
        (uids[0], "done", 1, False), (uids[2], "todo", 0, False)]
    store.apply(SetStatus(uids[0], "ben", "done"), "ben")
    assert [r.review for r in store.queue("amina")] == [True, False]
    assert [r.title for r in store.queue("ben")] == ["t0"]
    assert store.queue("nobody") == []


def test_blind_mode_is_a_journaled_setting_undone_like_any_step(store: Store) -> None:
    assert not store.blind()
    store.apply(SetBlind(True), "lead")
    assert store.blind()
    entry = store.history(limit=1)[0]
    assert describe(entry.op, entry.payload) == "blind mode on"
    store.apply(SetBlind(False), "lead")
    assert not store.blind()
    store.undo("lead")
    assert store.blind()


def test_many_assignments_are_taken_back_a_part_at_a_time(store: Store) -> None:
    store.import_documents([AnnotatedDocument(Document(f"Report {i}.", f"r{i}"))
                            for i in range(600)])
    pairs = tuple((row.uid, name) for row in store.list_documents() for name in ("a", "b"))
    store.apply(Assign(pairs), "lead")
    deletes: list[str] = []

    def seen(_conn, _cursor, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("DELETE FROM ASSIGNMENTS"):
            deletes.append(statement)

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        store.apply(Unassign(pairs[:1100]), "lead")
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    assert len(deletes) == 4  # 550 documents of each, 500 a statement: not one a pair
    assert store.assignments() == list(pairs[1100:])
    store.undo("lead")
    assert len(store.assignments()) == 1200
