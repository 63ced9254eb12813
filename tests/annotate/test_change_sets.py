"""What a command says it changed (its ChangeSet) and the journal row it wrote, made at each
edit of the window (Qt-free)."""

from dataclasses import replace

import pytest
from call_counting import python_calls, spans_made_plain

from annotate.commands import (
    Batch,
    ChangeSet,
    Command,
    CreateSpan,
    DeleteSpan,
    SetStatus,
    UpdateSpan,
)
from annotate.journal_entry import JournalEntry
from annotate.model import Relation, Span
from annotate.progress import with_progress


def test_a_change_set_is_made_without_frozen_construction_and_hashed_by_its_fields():
    """Frozen construction set each of its 13 fields through ``object.__setattr__`` (6x the
    cost), and each key press made several."""
    assert not ChangeSet.__dataclass_params__.frozen  # type: ignore[attr-defined]
    one, other = ChangeSet(documents=frozenset({"d"})), ChangeSet(documents=frozenset({"d"}))
    assert one == other and hash(one) == hash(other)
    assert hash(one) != hash(ChangeSet(documents=frozenset({"e"})))


def _no_union(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(self: ChangeSet, other: ChangeSet) -> ChangeSet:
        raise AssertionError("a union of change sets made")
    monkeypatch.setattr(ChangeSet, "__or__", refused)


def test_a_span_commands_changes_are_made_at_once(monkeypatch):
    """Creating, deleting or updating a span says what it changed in one ChangeSet (a union
    of the span's and its links' made three), the same as before."""
    _no_union(monkeypatch)
    span = Span("a", 2, 6, "ORG", "amy", "s1")
    moved = replace(span, start=3, label="PER")
    near = Relation("cites", "s1", "s2", "amy", "r1")
    far = Relation("cites", "s1", "s9", "amy", "r2", target_document="b")
    made = ChangeSet(documents=frozenset({"a", "b"}), spans=frozenset({"s1"}),
                     relations=frozenset({"r1", "r2"}), ranges=(("a", 2, 6),),
                     edits=((None, span),))
    assert CreateSpan(span, (near, far)).changes() == made
    assert DeleteSpan(span, (near, far)).changes() == replace(made, edits=((span, None),))
    assert CreateSpan(span).changes() == ChangeSet(
        documents=frozenset({"a"}), spans=frozenset({"s1"}), ranges=(("a", 2, 6),),
        edits=((None, span),))
    assert UpdateSpan(span, moved).changes() == ChangeSet(
        documents=frozenset({"a"}), spans=frozenset({"s1"}),
        ranges=(("a", 2, 6), ("a", 3, 6)), edits=((span, moved),))


class _Counted(CreateSpan):
    """A create that counts how often its changes are asked for."""

    asked = 0

    def changes(self) -> ChangeSet:
        _Counted.asked += 1
        return super().changes()


def test_a_first_edit_asks_its_command_for_its_changes_once():
    """with_progress runs at every edit of the window: it asked twice (whose layer, which
    document)."""
    command = _Counted(Span("doc", 0, 4, "ORG", "amy", "s1"))
    _Counted.asked = 0
    marked = with_progress(command, "amy", {"doc": "todo"}.__getitem__)
    assert marked == Batch((command, SetStatus("doc", "amy", "in_progress")), command.op)
    assert _Counted.asked == 1


def test_a_journal_entry_is_made_without_frozen_construction():
    """Each edit makes one (its change set carries it), each read of the History as many as it
    lists: frozen, each of its 11 fields was set through ``object.__setattr__``."""
    assert not JournalEntry.__dataclass_params__.frozen  # type: ignore[attr-defined]
    entry = JournalEntry(1, "2026-12-07T05:00:00Z", "amy", "create_span", "do", "active", {})
    assert entry == JournalEntry(1, "2026-12-07T05:00:00Z", "amy", "create_span", "do",
                                 "active", {})


def test_span_delta_counts_an_annotators_spans_gained_and_lost():
    """What the document list and the status bar add to their counts at each press: a make
    gains one, a delete loses one, a relabel neither, a move to another annotator or document
    one each way; another annotator's spans and another document's count for nothing."""
    made = Span("d", 0, 4, "ORG", "amina", "a")
    relabelled = replace(made, label="DATE")
    theirs = replace(made, annotator="bo", id="b")
    changes = ChangeSet(edits=((None, made), (made, relabelled), (None, theirs),
                               (replace(made, id="c"), None),
                               (replace(made, id="e"), replace(made, id="e", document="f"))))
    assert changes.span_delta("amina") == 0  # made, relabelled, one deleted, one moved
    assert changes.span_delta("amina", "d") == -1 and changes.span_delta("amina", "f") == 1
    assert changes.span_delta("bo") == 1 and changes.span_delta("bo", "f") == 0
    assert ChangeSet(edits=((None, made),)).span_delta("amina", "d") == 1
    assert ChangeSet(edits=((made, None),)).span_delta("amina") == -1


def test_a_commands_type_is_told_in_c_and_an_abstract_command_is_refused():
    """The service, the layers' rules and the store ask a key press's command its type 15
    times (isinstance): ABCMeta answered each in a Python frame of its own. A command class
    answers in C now; one with abstract methods left is still refused, as an ABC's."""
    span = Span("d", 0, 4, "ORG", "amy", "s1")
    made = CreateSpan(span)
    asked: list[bool] = []
    assert python_calls(lambda: asked.extend((
        isinstance(made, UpdateSpan), isinstance(made, (SetStatus, Batch, DeleteSpan)),
        isinstance(made, Command), issubclass(CreateSpan, UpdateSpan)))) == []
    assert asked == [False, False, True, False]
    with pytest.raises(TypeError, match="abstract"):
        Command()  # type: ignore[abstract]

    class Halfway(Command):
        def inverse(self) -> Command:
            return self

    with pytest.raises(TypeError, match="changes"):
        Halfway()  # type: ignore[abstract]


def test_a_span_commands_changes_are_made_without_a_comprehension():
    """A key press makes its command's changes twice (the service's check of progress, the
    store's change set): its sets were made by four comprehensions, a frame each."""
    span = Span("a", 2, 6, "ORG", "amy", "s1")
    moved = replace(span, start=3, label="PER")
    for command in (CreateSpan(span), DeleteSpan(span), UpdateSpan(span, moved)):
        assert python_calls(command.changes) == ["_span_changes", "__init__"]


def test_a_span_commands_journal_forms_are_its_own_and_its_inverses_made_plain_once(
        monkeypatch):
    """A journal row holds the command's form and its inverse's: for a span made, deleted or
    changed they hold the same spans, now made plain once (each span's dict ~10 K
    instructions, twice at each key press), the forms as ``to_dict`` gives them."""
    span = Span("a", 2, 6, "ORG", "amy", "s1", attributes={"certainty": "reported"})
    far = Relation("cites", "s1", "s9", "amy", "r2", target_document="b")
    made = spans_made_plain(monkeypatch)
    for command in (CreateSpan(span, (far,)), DeleteSpan(span),
                    UpdateSpan(span, replace(span, label="PER"))):
        made.clear()
        forms = command.journal_forms()
        assert len(made) == (2 if isinstance(command, UpdateSpan) else 1), command
        assert forms == (command.to_dict(), command.inverse().to_dict())
        assert [list(form) for form in forms] == \
            [list(command.to_dict()), list(command.inverse().to_dict())]  # keys in order
    status = SetStatus("a", "amy", "done", "todo")
    assert status.journal_forms() == (status.to_dict(), status.inverse().to_dict())
