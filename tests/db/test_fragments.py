"""Discontinuous spans in the store: edits keep their fragments consistent, undo restores
them, and the store refuses fragments that do not fit the span."""

from __future__ import annotations

import pytest

from annotate.commands import CreateSpan, DeleteSpan, resize
from annotate.errors import InputError, ValidationError
from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store

TEXT = "the two armed units left"


def stored(store: Store) -> Span:
    document = Document(TEXT, "t")
    store.import_documents([AnnotatedDocument(document)])
    span = Span(document.uid, 4, 20, "ORG", "amina", "s1", fragments=((4, 7), (14, 20)))
    store.apply(CreateSpan(span), "amina")
    return span


def test_a_fragmented_span_is_stored_resized_and_restored_by_undo(store: Store) -> None:
    span = stored(store)
    assert store.span("s1").fragments == ((4, 7), (14, 20))
    store.apply(resize(store.span("s1"), 5, 20), "amina")
    assert store.span("s1").fragments == ((5, 7), (14, 20))
    store.apply(resize(store.span("s1"), 14, 18), "amina")  # one fragment left: contiguous
    assert store.span("s1").fragments == ()
    store.undo("amina")
    store.undo("amina")
    assert store.span("s1") == span
    store.apply(DeleteSpan(store.span("s1")), "amina")
    store.undo("amina")
    assert store.span("s1").fragments == ((4, 7), (14, 20))


@pytest.mark.parametrize("fragments", [((4, 7),), ((5, 7), (14, 20)), ((4, 15), (14, 20)),
                                       ((4, 7), (9, 8), (14, 20))])
def test_fragments_that_do_not_fit_the_span_are_refused(store: Store, fragments) -> None:
    document = Document(TEXT, "t")
    store.import_documents([AnnotatedDocument(document)])
    with pytest.raises(ValidationError, match="fragments"):
        store.apply(CreateSpan(Span(document.uid, 4, 20, "ORG", "amina",
                                    fragments=fragments)), "amina")


def test_an_import_refuses_fragments_that_do_not_fit_the_span(store: Store) -> None:
    document = Document(TEXT, "t")
    bad = Span(document.uid, 4, 20, "ORG", "amina", "s1", fragments=((4, 7), (14, 21)))
    with pytest.raises(InputError, match="fragments"):
        store.import_documents([AnnotatedDocument(document, (bad,))])
    assert store.span_count() == 0
