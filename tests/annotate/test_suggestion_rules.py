"""The suggestion layer's domain rules: what an annotator is shown, the order Tab walks, and
the commands accepting and rejecting make."""

from __future__ import annotations

import pytest

from annotate.commands import AddVerdict, Batch, CreateSpan
from annotate.errors import ValidationError
from annotate.model import Span, Verdict
from annotate.suggestions import Suggestion, accept, accept_above, reject, visible, walk

A = Suggestion("doc", 0, 5, "PERSON", "pattern:names", 0.9, "a")
B = Suggestion("doc", 10, 15, "ORG", "model:m 1", 0.4, "b")
C = Suggestion("doc", 20, 25, "PERSON", "model:m 1", 0.7, "c")


def test_shown_are_those_not_judged_and_not_held_in_text_order() -> None:
    judged = [Verdict("doc", "amina", 10, 15, "ORG", "reject", "model:m 1", 0.4)]
    held = [Span("doc", 20, 25, "PERSON", "amina")]
    assert visible([C, B, A], judged, held) == [A]
    other_label = [Span("doc", 20, 25, "ORG", "amina")]
    assert visible([C, B, A], [], other_label) == [A, B, C]


def test_the_same_suggestion_twice_is_shown_once_with_the_higher_score() -> None:
    again = Suggestion("doc", 0, 5, "PERSON", "model:m 1", 0.95, "a2")
    assert visible([A, again], [], []) == [again]


def test_walk_in_text_order_or_least_sure_first_wrapping_around() -> None:
    shown = [A, B, C]
    assert walk(shown, None) == A
    assert walk(shown, A) == B
    assert walk(shown, C) == A
    assert walk(shown, A, backwards=True) == C
    assert walk(shown, None, "score") == B
    assert walk(shown, B, "score") == C
    assert walk(shown, C, "score") == A
    assert walk([], None) is None


def test_accept_makes_a_span_of_mine_and_a_verdict_under_its_label_or_another() -> None:
    span, verdict = accept(A, "amina")
    assert isinstance(span, CreateSpan) and isinstance(verdict, AddVerdict)
    assert (span.span.start, span.span.end, span.span.label, span.span.annotator) == \
        (0, 5, "PERSON", "amina")
    assert verdict.verdict.kind == "accept" and verdict.verdict.chosen is None
    span, verdict = accept(A, "amina", "ORG")
    assert span.span.label == "ORG"
    assert verdict.verdict.label == "PERSON" and verdict.verdict.chosen == "ORG"


def test_reject_is_a_verdict_alone() -> None:
    command = reject(B, "amina")
    assert command.verdict == Verdict("doc", "amina", 10, 15, "ORG", "reject", "model:m 1", 0.4)


def test_accept_above_takes_the_better_of_overlapping_suggestions_in_one_step() -> None:
    overlapping = Suggestion("doc", 2, 8, "PERSON", "model:m 1", 0.8, "o")
    batch = accept_above([A, B, C, overlapping], "amina", 0.5)
    assert isinstance(batch, Batch)
    created = [c.span for c in batch.commands if isinstance(c, CreateSpan)]
    assert [(s.start, s.end) for s in created] == [(0, 5), (20, 25)]
    assert sum(isinstance(c, AddVerdict) for c in batch.commands) == 2
    assert accept_above([B], "amina", 0.5).commands == ()


@pytest.mark.parametrize("bad", [
    Suggestion("doc", 3, 3, "PERSON", "p"),
    Suggestion("doc", 0, 11, "PERSON", "p"),
    Suggestion("doc", 0, 5, "PERSON", " "),
    Suggestion("doc", 0, 5, "PERSON", "p", 1.5),
    Suggestion("doc", 0, 5, "PERSON", "p", float("nan")),
])
def test_a_suggestion_outside_its_text_or_without_source_or_score_is_refused(bad) -> None:
    with pytest.raises(ValidationError):
        bad.check(10)


def test_a_document_without_suggestions_shows_none_without_a_look_at_its_spans() -> None:
    """Each edit of the window asks what the document's suggestions show: with none, its
    judged and held keys were gathered (two set comprehensions) and an empty list sorted."""
    import sys

    called: list[str] = []

    def profile(frame, event: str, _arg: object) -> None:  # type: ignore[no-untyped-def]
        if event == "call":
            called.append(frame.f_code.co_name)

    held = [Span("doc", 20, 25, "PERSON", "amina")]
    judged = [Verdict("doc", "amina", 10, 15, "ORG", "reject", "model:m 1", 0.4)]
    sys.setprofile(profile)
    try:
        shown = visible([], judged, held)
    finally:
        sys.setprofile(None)
    assert shown == [] and called == ["visible"]
