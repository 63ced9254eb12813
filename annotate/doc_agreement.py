"""Agreement on document labels: Cohen's kappa per pair of annotators and Krippendorff's alpha
(nominal) over documents, per document category.

Which documents count (the choices FORMATS.md leaves open, made here):

- A single-choice category is one nominal coding per document: an annotator codes a document
  when they gave it a value of the category. Kappa for a pair is over the documents both coded;
  alpha over the documents two or more coded.
- A multi-choice category is one yes/no coding per value: an annotator codes a document when
  they gave it any value of the category or marked it done (then a value not given is a "no").
  Figures are per value; kappa and alpha are over the documents as above.

An undefined figure (no document, or every code the same) has ``value`` None and a reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from annotate.model import GOLD, AnnotatedDocument
from annotate.schema import DocCategory, DocValue

Codes = dict[str, dict[str, str]]
"""document uid -> annotator -> the code they gave (a value, or "yes"/"no")."""


@dataclass(frozen=True, slots=True)
class Figure:
    """A kappa or alpha over ``documents``; ``value`` None when undefined (``reason`` says why)."""

    value: float | None
    documents: int
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "documents": self.documents, "reason": self.reason}

    def text(self) -> str:
        shown = f"n/a ({self.reason})" if self.value is None else f"{self.value:.3f}"
        return f"{shown} ({self.documents} documents)"


@dataclass(frozen=True, slots=True)
class CodingAgreement:
    """The figures of one coding: a single-choice category (``value`` None) or one value of a
    multi-choice category. ``kappa`` per pair of annotators (a, b)."""

    category: str
    value: str | None
    kappa: Mapping[tuple[str, str], Figure]
    alpha: Figure

    @property
    def name(self) -> str:
        return self.category if self.value is None else f"{self.category}: {self.value}"

    def to_json(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "value": self.value,
            "kappa": [{"annotators": [a, b], **f.to_json()} for (a, b), f in self.kappa.items()],
            "alpha": self.alpha.to_json(),
        }


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> Figure:
    """Cohen's kappa of two coders' nominal codes, one (a, b) pair per document."""
    n = len(pairs)
    if n == 0:
        return Figure(None, 0, "no document coded by both")
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    chance = sum(first[c] * second[c] for c in first) / (n * n)
    if chance == 1:
        return Figure(None, n, "no variation")
    return Figure((observed - chance) / (1 - chance), n)


def krippendorff_alpha(units: Iterable[Sequence[str]]) -> Figure:
    """Krippendorff's alpha (nominal) of units each coded by several coders (one code each);
    units with fewer than two codes are not pairable and left out."""
    coincidences: Counter[tuple[str, str]] = Counter()
    count = 0
    for codes in units:
        m = len(codes)
        if m < 2:
            continue
        count += 1
        for i, c in enumerate(codes):
            for j, k in enumerate(codes):
                if i != j:
                    coincidences[(c, k)] += 1 / (m - 1)
    if count == 0:
        return Figure(None, 0, "no document coded by two annotators")
    totals: Counter[str] = Counter()
    for (c, _), weight in coincidences.items():
        totals[c] += weight
    n = sum(totals.values())
    observed = sum(w for (c, k), w in coincidences.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k) / (n - 1)
    if expected == 0:
        return Figure(None, count, "no variation")
    return Figure(1 - observed / expected, count)


def _coding(category: str, value: str | None, codes: Codes,
            annotators: Sequence[str]) -> CodingAgreement:
    kappa = {
        (a, b): cohen_kappa([(by[a], by[b]) for by in codes.values() if a in by and b in by])
        for a, b in combinations(annotators, 2)
    }
    alpha = krippendorff_alpha(
        [by[a] for a in annotators if a in by] for by in codes.values())
    return CodingAgreement(category, value, kappa, alpha)


def _categories(docs: Sequence[AnnotatedDocument]) -> list[DocCategory]:
    """The categories the labels use, with their values; multi-choice when one annotator gave
    one document several values of it (used when no schema is given)."""
    values: dict[str, dict[str, None]] = {}
    several: set[str] = set()
    for doc in docs:
        held = Counter((d.annotator, d.category) for d in doc.doc_labels)
        several.update(category for (_, category), n in held.items() if n > 1)
        for d in doc.doc_labels:
            values.setdefault(d.category, {})[d.value] = None
    return [DocCategory(name, tuple(DocValue(v) for v in sorted(found)), name in several)
            for name, found in sorted(values.items())]


def doc_label_agreement(documents: Iterable[AnnotatedDocument], annotators: Sequence[str],
                        categories: Sequence[DocCategory] | None = None
                        ) -> list[CodingAgreement]:
    """The figures of the document ``categories`` (default: as the labels use them) that some
    label uses, for ``annotators``, as the module says: one coding per single-choice category,
    one per value of a multi-choice category."""
    docs = list(documents)
    chosen = [a for a in dict.fromkeys(annotators) if a != GOLD]
    used = {d.category for doc in docs for d in doc.doc_labels}
    result = []
    for category in _categories(docs) if categories is None else categories:
        if category.name not in used:
            continue
        given: dict[str, dict[str, set[str]]] = {}
        for doc in docs:
            by = given.setdefault(doc.document.uid, {})
            for d in doc.doc_labels:
                if d.category == category.name and d.annotator in chosen:
                    by.setdefault(d.annotator, set()).add(d.value)
            if category.multi:
                for a in chosen:
                    if doc.status.get(a) == "done":
                        by.setdefault(a, set())
        if not category.multi:
            codes = {uid: {a: min(v) for a, v in by.items()} for uid, by in given.items()}
            result.append(_coding(category.name, None, codes, chosen))
            continue
        for value in category.value_names:
            codes = {uid: {a: "yes" if value in v else "no" for a, v in by.items()}
                     for uid, by in given.items()}
            result.append(_coding(category.name, value, codes, chosen))
    return result
