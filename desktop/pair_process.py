"""The dashboard's pair figures (agreement and label confusion of two annotators over the whole
corpus), computed in a child process (:mod:`desktop.child_process`): reading the corpus and
aligning its spans is pure Python, which in a thread of the window held the window's GIL (a
stall of a few tenths of a second after each edit on 2,000 documents) and the corpus in its
memory. No Qt here: the child imports this module."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.child_process import Progress

if TYPE_CHECKING:
    from annotate.agreement import F1, Metric
    from db.store import Store


@dataclass(frozen=True, slots=True)
class PairFigures:
    """What the dashboard shows for annotators ``a`` and ``b``."""

    a: str
    b: str
    documents: int
    kappa: Mapping[str, Metric]
    overlap: Mapping[str, F1]
    confusion: Mapping[tuple[str, str], int]


def pair_figures(store: Store, a: str, b: str, progress: Progress | None = None) -> PairFigures:
    """Agreement and label confusion of ``a`` and ``b`` over every document of ``store``."""
    from annotate.agreement import compute_agreement, label_confusion

    docs = list(store.iter_documents(annotators=[a, b]))
    figures = compute_agreement(docs, [a, b], progress=progress).pair(a, b)
    confusion = label_confusion(docs, a, b, progress=progress)
    return PairFigures(a, b, figures.documents, dict(figures.kappa), dict(figures.overlap),
                       confusion)
