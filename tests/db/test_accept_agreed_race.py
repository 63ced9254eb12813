"""Accept-agreed over a corpus reads it first (tens of seconds on a big store: the window runs
it in a worker while annotators go on working), then writes one step. A span of an item it
found agreed that is edited in between (relabelled, moved, its attributes changed, deleted) by
the window or another program leaves that item agreed no more: the step is refused whole, as
when another reviewer decided meanwhile, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from annotate.commands import Command, DeleteSpan, UpdateSpan
from annotate.errors import ValidationError
from annotate.model import GOLD, AnnotatedDocument, Document, Span
from db import review
from db.store import Store

DOC = Document("The army took Kidal on Monday, the ministry said.", "Report")
THEIRS = (Span(DOC.uid, 0, 8, "CLAIM", "amina", "a1"), Span(DOC.uid, 0, 8, "CLAIM", "bo", "b1"),
          Span(DOC.uid, 31, 43, "ORG", "amina", "a2"), Span(DOC.uid, 31, 43, "ORG", "bo", "b2"))
EDITS: dict[str, Callable[[Span], Command]] = {
    "relabelled": lambda span: UpdateSpan(span, replace(span, label="DENIAL")),
    "moved": lambda span: UpdateSpan(span, replace(span, end=span.end - 1)),
    "attributes": lambda span: UpdateSpan(span, replace(span, attributes={"certainty":
                                                                          "hedged"})),
    "deleted": lambda span: DeleteSpan(span),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_agreed_span_edited_while_the_corpus_is_read_is_not_accepted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str) -> None:
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(DOC, THEIRS)])
    write = review._accept
    edited: list[Command] = []

    def edited_meanwhile(reviewing: Store, *rest):  # type: ignore[no-untyped-def]
        if not edited:  # the window, or another program: amina edits her claim
            other = Store.open(path)
            try:
                mine = next(s for s in other.spans(DOC.uid) if s.id == "a1")
                edited.append(EDITS[edit](mine))
                assert other.apply(edited[0], "amina") is not None
            finally:
                other.close()
        return write(reviewing, *rest)

    monkeypatch.setattr(review, "_accept", edited_meanwhile)
    try:
        with pytest.raises(ValidationError, match=r"span a1 .*changed since"):
            review.accept_agreed(store, "lead")
        assert store.spans(DOC.uid, [GOLD]) == [] and store.decisions(DOC.uid) == []
        monkeypatch.setattr(review, "_accept", write)
        assert review.accept_agreed(store, "lead") == 1  # the ORG both still give
    finally:
        store.close()


def test_an_edit_of_another_document_meanwhile_leaves_the_accept_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit meanwhile elsewhere than in the agreed items leaves them agreed."""
    path = tmp_path / "s.sqlite"
    other_doc = Document("Nothing happened on Tuesday.", "Other")
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(DOC, THEIRS), AnnotatedDocument(
        other_doc, (Span(other_doc.uid, 0, 7, "CLAIM", "amina", "o1"),))])
    write = review._accept
    edited: list[bool] = []

    def edited_meanwhile(reviewing: Store, *rest):  # type: ignore[no-untyped-def]
        if not edited:
            edited.append(True)
            span = store.spans(other_doc.uid)[0]
            assert store.apply(UpdateSpan(span, replace(span, label="DENIAL")), "amina")
        return write(reviewing, *rest)

    monkeypatch.setattr(review, "_accept", edited_meanwhile)
    try:
        assert review.accept_agreed(store, "lead") == 2
        assert len(store.spans(DOC.uid, [GOLD])) == 2
    finally:
        store.close()


def test_a_redo_of_an_accept_whose_span_was_edited_since_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    try:
        store.import_documents([AnnotatedDocument(DOC, THEIRS)])
        assert review.accept_agreed(store, "lead") == 2
        assert store.undo("lead") is not None
        mine = next(s for s in store.spans(DOC.uid) if s.id == "a1")
        assert store.apply(UpdateSpan(mine, replace(mine, label="DENIAL")), "amina")
        with pytest.raises(ValidationError, match=r"span a1 .*changed since"):
            store.redo("lead")
        assert store.spans(DOC.uid, [GOLD]) == [] and store.decisions(DOC.uid) == []
    finally:
        store.close()
