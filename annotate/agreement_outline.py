"""What agreement reads of a document it does not compare (:mod:`annotate.agreement_corpus`),
and the rule that tells: a document is compared when at least two of the chosen annotators
count it (a span in it, or marked it done). Light: no numpy, for the store to import."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from annotate.model import GOLD, DocLabel, Status


@dataclass(frozen=True, slots=True)
class Outline:
    """What agreement reads of a document it does not compare: ``labels`` maps each annotator
    with spans in it to the labels of those spans; ``status`` and ``doc_labels`` as in
    :class:`~annotate.model.AnnotatedDocument`."""

    uid: str
    labels: Mapping[str, frozenset[str]]
    status: Mapping[str, Status]
    doc_labels: tuple[DocLabel, ...] = ()


def counted_by(present: Iterable[str], status: Mapping[str, Status],
               pool: Collection[str] | None) -> list[str]:
    """The annotators who count a document: a span in it or marked it done, among ``pool``
    (None: everyone but gold), sorted."""
    done = {a for a, state in status.items() if state == "done"}
    return sorted(a for a in done.union(present) if (a != GOLD if pool is None else a in pool))


def compared(outline: Outline, annotators: Collection[str] | None) -> bool:
    """Whether agreement of ``annotators`` (None: everyone but gold) keeps the document
    ``outline`` is of, and so must read its text and spans: two of them count it."""
    return len(counted_by(outline.labels, outline.status, annotators)) >= 2
