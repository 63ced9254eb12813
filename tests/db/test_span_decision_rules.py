"""The rules of a decision on spans, checked one by one (:func:`db.edits.check_decision_shape`
and :func:`db.edits.check_span_decision`) or tens of thousands at once, as accept-agreed
checks them (:func:`db.edits.check_span_decisions`): the same refusals."""

from __future__ import annotations

from dataclasses import replace

import pytest

from annotate.commands import Decision
from annotate.errors import ValidationError
from annotate.model import GOLD, Span
from db.edits import check_decision_shape, check_span_decision, check_span_decisions

GOLD_SPAN = Span("d1", 0, 4, "CLAIM", GOLD, "g1", created="2026-12-06T06:00:00Z")
ACCEPT = Decision("x1", "d1", "accept", ("s1", "s2"), GOLD_SPAN, "judge", "2026-12-06T06:00:00Z")
DOCUMENTS = {"g1": "d1", "g2": "d2"}


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (replace(ACCEPT, kind="maybe"), "accepts or rejects"),  # type: ignore[arg-type]
        (replace(ACCEPT, sources=()), "needs the spans"),
        (replace(ACCEPT, kind="reject"), "a reject puts no span"),
        (replace(ACCEPT, gold_span=None), "needs the gold span"),
        (replace(ACCEPT, gold_span=replace(GOLD_SPAN, annotator="amina")), "needs the gold span"),
        (replace(ACCEPT, gold_span=replace(GOLD_SPAN, id="g2")), "another document"),
        (replace(ACCEPT, gold_span=replace(GOLD_SPAN, id="g3")), "no span g3"),
    ],
)
def test_many_decisions_are_refused_as_one_is(bad: Decision, message: str) -> None:
    sound = [ACCEPT, replace(ACCEPT, id="x2", kind="reject", gold_span=None)]
    check_span_decisions(sound, DOCUMENTS)
    with pytest.raises(ValidationError, match=message):
        check_decision_shape(bad)
        check_span_decision(bad, _document_of)
    with pytest.raises(ValidationError, match=message):
        check_span_decisions([*sound, bad, ACCEPT], DOCUMENTS)


def _document_of(span_id: str) -> str:
    """The document of a span, as the store says it (ValidationError when there is none)."""
    if span_id not in DOCUMENTS:
        raise ValidationError(f"no span {span_id} (it may have been deleted)")
    return DOCUMENTS[span_id]
