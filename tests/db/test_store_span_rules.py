"""The store's own checks on edits (issue 12 points 3 and 4): a span placed on punctuation
alone is refused, whoever asks; a relabel may not leave links its new label does not allow.
An undo puts back what was there, whatever it holds."""

from __future__ import annotations

import pytest

from annotate.commands import (
    AddRelation,
    CreateSpan,
    DeleteSpan,
    relabel,
    resize,
    set_note,
)
from annotate.errors import ValidationError
from annotate.model import AnnotatedDocument, Document, Relation, Span
from annotate.progress import with_progress
from annotate.relabel import plan_relabel

DOC = Document("Rebel forces, the army said. “Not so.”", "Report")


def at(words: str) -> tuple[int, int]:
    start = DOC.text.index(words)
    return start, start + len(words)


@pytest.fixture
def store(store):
    store.import_documents([AnnotatedDocument(DOC)])
    return store


@pytest.mark.parametrize("place", [", ", "“", ".”", ". “"])
def test_a_span_on_punctuation_alone_is_refused_even_inside_a_batch(store, place):
    span = Span(DOC.uid, *at(place), "CLAIM", "amina")
    with pytest.raises(ValidationError, match="only punctuation or spaces"):
        store.apply(CreateSpan(span), "amina")
    first_edit = with_progress(CreateSpan(span), "amina", lambda _uid: "todo")
    with pytest.raises(ValidationError, match="only punctuation or spaces"):
        store.apply(first_edit, "amina")
    assert store.spans(DOC.uid) == []
    assert store.history("amina") == []


def test_moving_an_edge_onto_punctuation_alone_is_refused(store):
    span = Span(DOC.uid, *at("said"), "CLAIM", "amina")
    store.apply(CreateSpan(span), "amina")
    store.apply(resize(span, span.start, span.end + 1), "amina")  # "said." keeps a word
    with pytest.raises(ValidationError, match=r"only punctuation or spaces \('\.'\)"):
        store.apply(resize(store.span(span.id), span.end, span.end + 1), "amina")
    assert (store.span(span.id).start, store.span(span.id).end) == at("said.")
    store.apply(set_note(store.span(span.id), "fine"), "amina")  # not a move: not asked


def test_an_imported_punctuation_span_can_still_be_deleted_and_the_delete_undone(store):
    comma = Span(DOC.uid, *at(","), "CLAIM", "amina", "old")
    store.import_documents([AnnotatedDocument(DOC, (comma,))])  # from an older tool
    store.apply(DeleteSpan(store.span("old")), "amina")
    store.undo("amina")
    assert store.span("old").label == "CLAIM"


def test_a_relabel_may_not_leave_a_link_its_label_does_not_allow(store):
    claim = Span(DOC.uid, *at("the army said"), "CLAIM", "amina")
    person = Span(DOC.uid, *at("Rebel forces"), "ARMED_GROUP", "amina")
    store.apply(CreateSpan(claim), "amina")
    store.apply(CreateSpan(person), "amina")
    link = Relation("CLAIMED_BY", claim.id, person.id, "amina")
    store.apply(AddRelation(DOC.uid, link), "amina")
    with pytest.raises(ValidationError, match="cannot keep its links CLAIMED_BY"):
        store.apply(relabel(store.span(claim.id), "DENIAL"), "amina")
    assert store.span(claim.id).label == "CLAIM"
    store.apply(relabel(store.span(person.id), "ORG"), "amina")  # CLAIMED_BY may end at ORG

    spans = {s.id: s for s in store.spans(DOC.uid)}
    plan = plan_relabel(store.span(claim.id), "DENIAL", store.schema(),
                        store.relations(DOC.uid), spans)
    store.apply(plan.command, "amina")  # the links go in the same step
    assert store.span(claim.id).label == "DENIAL" and store.relations(DOC.uid) == []
    store.undo("amina")
    assert store.span(claim.id).label == "CLAIM" and store.relations(DOC.uid) == [link]
    store.redo("amina")
    assert store.span(claim.id).label == "DENIAL" and store.relations(DOC.uid) == []
