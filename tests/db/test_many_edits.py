"""Many commands applied together (Store.apply_each over db.many_edits): each refused by the
rules one command meets alone, and then nothing of any of them is written."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from server_store import fresh_store_location

from annotate.commands import (
    AcceptAgreed,
    AddDecision,
    Batch,
    CreateSpan,
    Decision,
    gold_parts,
)
from annotate.errors import ValidationError
from annotate.model import GOLD, AnnotatedDocument, Document, Span, new_id
from db.standing import DecidedMeanwhile
from db.store import Store

TEXTS = ("The ministry said forty people died.", "Rebels denied it, citing the army.")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(fresh_store_location(tmp_path))
    opened.import_documents([AnnotatedDocument(Document(text, f"t{n}"))
                             for n, text in enumerate(TEXTS)])
    yield opened
    opened.close()


def accept(uid: str, start: int, end: int, document: str | None = None,
           span_id: str | None = None, by: str = "judge") -> Batch:
    """A gold span and its accept decision (``document``: the decision's, if not the span's),
    ruling on a source of its own."""
    gold = Span(uid, start, end, "CLAIM", GOLD, span_id or new_id())
    decision = Decision(new_id(), document or uid, "accept", (f"source-{start}-{end}",), gold,
                        by)
    return Batch((CreateSpan(gold), AddDecision(decision)), "accept span")


def uids(store: Store) -> list[str]:
    return [row.uid for row in store.list_documents()]


def gold_and_steps(store: Store) -> tuple[int, int]:
    return store.span_count(GOLD), len(store.history("judge", limit=None))


def test_many_accepts_are_written_with_one_undo_step_each(store: Store) -> None:
    first, second = uids(store)
    done = store.apply_each([accept(first, 4, 12), accept(first, 18, 30),
                             accept(second, 0, 6)], "judge")
    assert [sorted(c.documents) for c in done] == [[first], [first], [second]]
    assert gold_and_steps(store) == (3, 3)
    assert [len(store.decisions(uid)) for uid in (first, second)] == [2, 1]
    assert store.undo("judge") is not None
    assert store.span_count(GOLD) == 2 and len(store.decisions(second)) == 0


@pytest.mark.parametrize(("bad", "message"), [
    (lambda first, second: accept(first, 35, 36), "punctuation"),  # the final "."
    (lambda first, second: accept(first, 0, 99), "outside the text"),
    (lambda first, second: accept("f" * 64, 0, 3), "no document"),
    (lambda first, second: accept(first, 4, 12, document=second), "another document"),
    (lambda first, second: accept(second, 14, 20, span_id="taken"), "exists already"),
])
def test_a_refused_command_writes_none_of_them(store: Store, bad, message: str) -> None:
    first, second = uids(store)
    store.apply_each([accept(first, 0, 3, span_id="taken"), accept(second, 7, 13)], "judge")
    before = gold_and_steps(store)
    with pytest.raises(ValidationError, match=message):
        store.apply_each([accept(first, 4, 12), bad(first, second), accept(second, 0, 6)],
                         "judge")
    assert gold_and_steps(store) == before


def test_a_decision_id_given_twice_is_refused(store: Store) -> None:
    first, _ = uids(store)
    one, two = accept(first, 4, 12), accept(first, 18, 30)
    decision = one.commands[1].decision  # type: ignore[attr-defined]
    twice = Batch((two.commands[0], AddDecision(Decision(
        decision.id, first, "accept", ("x",), two.commands[0].span, "judge"))))  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="exists already"):
        store.apply_each([one, twice], "judge")
    assert gold_and_steps(store) == (0, 0)


def test_a_decision_id_taken_in_the_store_is_refused(store: Store) -> None:
    first, second = uids(store)
    one = accept(first, 4, 12)
    store.apply(one, "judge")
    decision = one.commands[1].decision  # type: ignore[attr-defined]
    two = accept(second, 0, 6)
    again = Batch((two.commands[0], AddDecision(Decision(
        decision.id, second, "accept", ("x",), two.commands[0].span, "judge"))))  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match=f"decision {decision.id} exists already"):
        store.apply_each([accept(first, 18, 30), again], "judge")
    assert gold_and_steps(store) == (1, 1)


def test_an_item_decided_meanwhile_is_refused_naming_who(store: Store) -> None:
    first, second = uids(store)
    store.apply(accept(first, 4, 12, by="lead"), "lead")
    with pytest.raises(DecidedMeanwhile, match="lead accepted this item already"):
        store.apply_each([accept(second, 0, 6), accept(first, 4, 12)], "judge")
    assert gold_and_steps(store) == (1, 0)


def test_two_commands_deciding_one_item_are_refused(store: Store) -> None:
    first, _ = uids(store)
    with pytest.raises(DecidedMeanwhile, match="you accepted this item already"):
        store.apply_each([accept(first, 4, 12), accept(first, 4, 12)], "judge")
    assert gold_and_steps(store) == (0, 0)


def one_step(store: Store, commands) -> AcceptAgreed:
    """An accept-agreed step of ``commands``, read now (its sources not looked for)."""
    return AcceptAgreed.made_of(gold_parts(commands), read_after=store.last_journal_id())


def test_one_span_or_decision_whose_id_is_taken_is_named(store: Store) -> None:
    """An accept-agreed step of one item (a single gold span and decision) whose id is taken
    is refused naming that id: written alone, its row's values are all the same in every row,
    and the id, written into the statement with the rest, was no longer the first value of
    the row the refusal names (``span {} exists already``: the attributes)."""
    first, second = uids(store)
    store.apply_each([accept(first, 0, 3, span_id="taken"), accept(second, 7, 13)], "judge")
    # the sources the steps below accept, agreeing with their gold spans (a server's store
    # checks each source as it stands: its commits come in no order the journal could show)
    store.apply_each([CreateSpan(Span(uid, start, end, "CLAIM", "amina", f"source-{start}-{end}"))
                      for uid, start, end in ((first, 4, 12), (second, 0, 6))], "amina")
    before = gold_and_steps(store)
    with pytest.raises(ValidationError, match="span taken exists already"):
        store.apply(one_step(store, accept(first, 4, 12, span_id="taken").commands), "judge")
    taken = store.decisions(first)[0]
    step = accept(second, 0, 6)
    again = AddDecision(Decision(taken.id, second, "accept", ("source-0-6",),
                                 step.commands[0].span,  # type: ignore[attr-defined]
                                 "judge"))
    with pytest.raises(ValidationError, match=f"decision {taken.id} exists already"):
        store.apply(one_step(store, [step.commands[0], again]), "judge")
    assert gold_and_steps(store) == before
