"""Suggestions: spans a pattern or a model proposes, kept apart from everyone's work.

A suggestion is nobody's annotation: the store keeps it in a table of its own, so nothing that
counts, compares, exports or reviews spans ever sees it. Each names its ``source`` (a pattern
file, "tag the other occurrences", a model and its version) and carries a ``score`` in [0, 1].
An annotator judges it: accepting puts an ordinary span into their own layer (one undoable step
with the :class:`annotate.model.Verdict` that records it), rejecting records a verdict only;
either way it is no longer shown to them. Undoing the step shows it again.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from annotate.commands import AddVerdict, Batch, ChangeSet, Command, CreateSpan
from annotate.errors import ValidationError
from annotate.model import Span, Verdict, new_id, utc_now

Order = Literal["text", "score"]
"""How Tab walks the suggestions: in text order, or lowest score (least sure) first."""

Key = tuple[str, int, int, str]
"""(document uid, start, end, label): what makes two suggestions the same."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A span proposed by ``source`` with confidence ``score``."""

    document: str  # document uid
    start: int
    end: int
    label: str
    source: str
    score: float = 1.0
    id: str = field(default_factory=new_id)
    created: str = field(default_factory=utc_now, compare=False)

    @property
    def key(self) -> Key:
        return (self.document, self.start, self.end, self.label)

    def check(self, length: int) -> None:
        """ValidationError unless it lies within a text of ``length`` code points, names a
        source and has a score in [0, 1]."""
        if not (0 <= self.start < self.end <= length):
            raise ValidationError(f"suggestion [{self.start}, {self.end}) is outside the text "
                                  f"(length {length})")
        if not self.source.strip():
            raise ValidationError("a suggestion must name its source")
        if not (isinstance(self.score, int | float) and math.isfinite(self.score)
                and 0.0 <= self.score <= 1.0):
            raise ValidationError(f"suggestion score {self.score!r} is not between 0 and 1")


def visible(suggestions: Iterable[Suggestion], verdicts: Iterable[Verdict],
            spans: Iterable[Span]) -> list[Suggestion]:
    """What one annotator is shown, in text order: the suggestions they have not judged
    (``verdicts``: theirs) and whose span their layer (``spans``) does not hold already under
    that label; of suggestions that are the same, the one with the highest score. None
    without a look at the rest when there are no suggestions (what a key press of a document
    without any asks at each edit)."""
    if not suggestions:
        return []
    judged = {(v.document, v.start, v.end, v.label) for v in verdicts}
    held = {(s.document, s.start, s.end, s.label) for s in spans}
    best: dict[Key, Suggestion] = {}
    for suggestion in suggestions:
        key = suggestion.key
        if key in judged or key in held:
            continue
        kept = best.get(key)
        if kept is None or suggestion.score > kept.score:
            best[key] = suggestion
    return sorted(best.values(), key=lambda s: (s.start, s.end, s.label))


@dataclass(slots=True)
class Shown:
    """What decides the suggestions of document ``document`` that ``annotator`` is shown: its
    suggestions, their verdicts on them and their spans there (by id); kept current from the
    changes of spans (:meth:`follow`), so an edit reads none of it back."""

    document: str
    annotator: str
    suggestions: list[Suggestion]
    verdicts: list[Verdict]
    spans: dict[str, Span]

    def visible(self) -> list[Suggestion]:
        """What they are shown (:func:`visible`)."""
        return visible(self.suggestions, self.verdicts, self.spans.values())

    def follow(self, changes: ChangeSet) -> None:
        """Take the spans ``changes`` left (a change of suggestions or verdicts, which it
        cannot follow, is read again instead)."""
        for span_id, span in changes.spans_after().items():
            if span is not None and span.document == self.document \
                    and span.annotator == self.annotator:
                self.spans[span_id] = span
            else:
                self.spans.pop(span_id, None)


def walk(suggestions: Sequence[Suggestion], current: Suggestion | None, order: Order = "text",
         backwards: bool = False) -> Suggestion | None:
    """The suggestion after ``current`` (the first when None), in ``order``; wraps around.
    None when there are none."""
    if not suggestions:
        return None
    if order == "score":
        ranked = sorted(suggestions, key=lambda s: (s.score, s.start, s.end, s.label))
    else:
        ranked = sorted(suggestions, key=lambda s: (s.start, s.end, s.label))
    if backwards:
        ranked.reverse()
    if current is None or current not in ranked:
        return ranked[0]
    return ranked[(ranked.index(current) + 1) % len(ranked)]


def verdict(suggestion: Suggestion, annotator: str, kind: Literal["accept", "reject"],
            chosen: str | None = None) -> Verdict:
    """The verdict ``annotator`` gives ``suggestion``."""
    return Verdict(suggestion.document, annotator, suggestion.start, suggestion.end,
                   suggestion.label, kind, suggestion.source, suggestion.score,
                   None if chosen == suggestion.label else chosen)


def accept(suggestion: Suggestion, annotator: str, label: str | None = None) -> list[Command]:
    """The commands that accept ``suggestion`` into ``annotator``'s layer, under ``label``
    (default: its own): the span and the verdict that records it."""
    chosen = label or suggestion.label
    span = Span(suggestion.document, suggestion.start, suggestion.end, chosen, annotator)
    return [CreateSpan(span), AddVerdict(verdict(suggestion, annotator, "accept", chosen))]


def accept_one(suggestion: Suggestion, annotator: str, label: str | None = None) -> Batch:
    """Accepting ``suggestion`` as one undoable step."""
    return Batch(tuple(accept(suggestion, annotator, label)), "accept suggestion")


def reject(suggestion: Suggestion, annotator: str) -> AddVerdict:
    """Rejecting ``suggestion``: hidden from ``annotator`` from now on (undo shows it again)."""
    return AddVerdict(verdict(suggestion, annotator, "reject"))


def accept_above(suggestions: Iterable[Suggestion], annotator: str, score: float) -> Batch:
    """Accepting, as ONE undoable step, every suggestion (shown to ``annotator``) whose score is
    ``score`` or more; of overlapping ones with the same label, the better scored (or first)."""
    taken: list[Suggestion] = []
    ranked = sorted((s for s in suggestions if s.score >= score),
                    key=lambda s: (-s.score, s.start, s.end))
    for suggestion in ranked:
        if not any(t.document == suggestion.document and t.label == suggestion.label
                   and t.start < suggestion.end and suggestion.start < t.end for t in taken):
            taken.append(suggestion)
    taken.sort(key=lambda s: (s.document, s.start, s.end, s.label))
    commands = [c for s in taken for c in accept(s, annotator)]
    return Batch(tuple(commands), f"accept suggestions scored {score:g} or more")
