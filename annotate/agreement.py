"""Inter-annotator agreement: span F1, token kappa, Krippendorff's alpha, relation F1, attributes.

The definitions are those of FORMATS.md ("Agreement definitions"); the choices it leaves open:

- A document counts for a pair when both annotators marked it done, or both have a span in it
  (of any label, even one left out by ``labels``). It counts for one annotator (alpha) when that
  annotator marked it done or has a span in it.
- Exact matches pair identical spans one-to-one; overlap matches take candidate pairs (same label,
  at least one shared character) by largest overlap first, ties by the earlier start, then the
  earlier end of the first span, then of the second, and keep a pair when neither span is taken.
- Attribute agreement is per attribute name over the exactly matched pairs where at least one of
  the two spans sets it; a missing attribute differs from any value.
- Undefined figures (0/0) carry ``value=None`` and a short ``reason``; they are never 0 or 1.

The documents are read once, as a stream (:mod:`annotate.agreement_corpus`): spans become
numpy arrays over all documents, texts become token counts a batch at a time (the default
tokenizer, token coverage from a difference array per (annotator, label)) and are dropped, so
memory follows the spans and not the texts. Kappa comes from 2x2 counts and alpha from the
closed form of the coincidence matrix for binary nominal data with missing values. Overlap
matching lists the overlapping pairs only in clusters where they are few; in dense clusters it
finds the same matching without them (:mod:`annotate.overlap_matching`), so time and memory
stay near-linear.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Literal, NamedTuple

import numpy as np

from annotate.agreement_corpus import Corpus
from annotate.agreement_outline import Outline
from annotate.doc_agreement import CodingAgreement, doc_label_agreement
from annotate.model import GOLD, AnnotatedDocument, Span
from annotate.overlap_matching import Progress, match_by_overlap
from annotate.schema import DocCategory

MatchMode = Literal["exact", "overlap"]
AlignmentKind = Literal["agreed", "boundary", "label", "only_a", "only_b"]
_INT = np.int64
DENSE_PAIRS_PER_ROW = 8
"""A cluster of overlapping spans with more overlapping pairs than this per span is matched
without listing the pairs (memory stays linear in the spans)."""
_MISSING = object()


# -- results ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Metric:
    """A figure over ``units`` (tokens, or matched pairs); ``value`` None means undefined."""

    value: float | None
    units: int
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "units": self.units, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class F1:
    """``2·matches / (a + b)``, where ``a`` and ``b`` count each annotator's items."""

    value: float | None
    a: int
    b: int
    matches: int
    reason: str | None = None

    @classmethod
    def of(cls, a: int, b: int, matches: int, items: str = "spans") -> F1:
        if a + b == 0:
            return cls(None, 0, 0, 0, f"no {items}")
        return cls(2 * matches / (a + b), a, b, matches)

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "a": self.a, "b": self.b, "matches": self.matches,
                "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Alpha:
    """Krippendorff's alpha of one label over ``units`` pairable tokens by ``annotators`` coders."""

    value: float | None
    units: int
    annotators: int
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "units": self.units, "annotators": self.annotators,
                "reason": self.reason}


@dataclass(frozen=True, slots=True)
class PairAgreement:
    """Every pairwise figure for annotators ``a`` and ``b`` over the documents both counted."""

    a: str
    b: str
    documents: int
    exact: Mapping[str, F1]
    exact_micro: F1
    overlap: Mapping[str, F1]
    overlap_micro: F1
    kappa: Mapping[str, Metric]
    relations: F1
    attributes: Mapping[str, Metric]

    def to_json(self) -> dict[str, Any]:
        return {
            "annotators": [self.a, self.b],
            "documents": self.documents,
            "span_f1_exact": _f1_json(self.exact_micro, self.exact),
            "span_f1_overlap": _f1_json(self.overlap_micro, self.overlap),
            "token_kappa": {label: m.to_json() for label, m in self.kappa.items()},
            "relation_f1": self.relations.to_json(),
            "attributes": {name: m.to_json() for name, m in self.attributes.items()},
        }


@dataclass(frozen=True, slots=True)
class AgreementReport:
    """Agreement of ``annotators`` on ``labels`` over ``documents`` documents read.

    ``to_json()`` keys: ``annotators``, ``labels``, ``documents``, ``pairs`` (one object per pair:
    ``annotators`` [a, b], ``documents``, ``span_f1_exact`` and ``span_f1_overlap`` as
    ``{"micro": F1, "labels": {label: F1}}``, ``token_kappa`` {label: Metric}, ``relation_f1`` F1,
    ``attributes`` {name: Metric}) and ``alpha`` {label: Alpha}. F1 is
    ``{"value", "a", "b", "matches", "reason"}``, Metric ``{"value", "units", "reason"}``,
    Alpha ``{"value", "units", "annotators", "reason"}``; an undefined value is null with a reason.
    ``document_labels``: one object per coding of :mod:`annotate.doc_agreement` (``category``,
    ``value`` (null for a single-choice category), ``kappa`` [{"annotators", "value",
    "documents", "reason"}], ``alpha`` {"value", "documents", "reason"}).
    """

    annotators: tuple[str, ...]
    labels: tuple[str, ...]
    documents: int
    pairs: tuple[PairAgreement, ...]
    alpha: Mapping[str, Alpha]
    doc_labels: tuple[CodingAgreement, ...] = ()

    def pair(self, a: str, b: str) -> PairAgreement:
        for pair in self.pairs:
            if {pair.a, pair.b} == {a, b}:
                return pair
        raise KeyError((a, b))

    def to_json(self) -> dict[str, Any]:
        return {
            "annotators": list(self.annotators),
            "labels": list(self.labels),
            "documents": self.documents,
            "pairs": [pair.to_json() for pair in self.pairs],
            "alpha": {label: a.to_json() for label, a in self.alpha.items()},
            "document_labels": [c.to_json() for c in self.doc_labels],
        }

    def format_table(self) -> str:
        """A plain-text report for the terminal."""
        lines = [f"Agreement of {len(self.annotators)} annotators ({', '.join(self.annotators)}) "
                 f"on {len(self.labels)} labels, {self.documents} documents read"]
        width = max([len(label) for label in self.labels] + [len("relations")]) + 2
        for pair in self.pairs:
            lines += ["", f"{pair.a} vs {pair.b}: {pair.documents} documents",
                      f"{'label':<{width}}{'exact F1 (m/a/b)':<28}{'overlap F1 (m/a/b)':<28}"
                      "token kappa (tokens)"]
            for label in self.labels:
                lines.append(f"{label:<{width}}{_f1_cell(pair.exact[label]):<28}"
                             f"{_f1_cell(pair.overlap[label]):<28}{_metric_cell(pair.kappa[label])}")
            lines.append(f"{'micro':<{width}}{_f1_cell(pair.exact_micro):<28}"
                         f"{_f1_cell(pair.overlap_micro)}")
            lines.append(f"{'relations':<{width}}{_f1_cell(pair.relations)}")
            lines += [f"attribute {name}: {_metric_cell(m)} matched pairs"
                      for name, m in pair.attributes.items()]
        lines += ["", "Krippendorff's alpha (nominal, tokens)",
                  f"{'label':<{width}}{'alpha':<28}{'units':<12}annotators"]
        for label, a in self.alpha.items():
            cell = _value(a.value, a.reason)
            lines.append(f"{label:<{width}}{cell:<28}{a.units:<12}{a.annotators}")
        if self.doc_labels:
            lines += ["", "Document labels: Cohen's kappa per pair, Krippendorff's alpha "
                      "(nominal, documents)"]
            for coding in self.doc_labels:
                lines.append(f"{coding.name}: alpha {coding.alpha.text()}")
                lines += [f"  {a} vs {b}: kappa {f.text()}" for (a, b), f in coding.kappa.items()]
        return "\n".join(lines)


def _f1_json(micro: F1, per_label: Mapping[str, F1]) -> dict[str, Any]:
    return {"micro": micro.to_json(), "labels": {k: v.to_json() for k, v in per_label.items()}}


def _value(value: float | None, reason: str | None) -> str:
    return f"n/a ({reason})" if value is None else f"{value:.3f}"


def _f1_cell(f1: F1) -> str:
    return f"{_value(f1.value, f1.reason)} ({f1.matches}/{f1.a}/{f1.b})"


def _metric_cell(m: Metric) -> str:
    return f"{_value(m.value, m.reason)} ({m.units})"


def cohen_kappa(tokens: int, a_ones: int, b_ones: int, both_ones: int) -> Metric:
    """Cohen's kappa of two binary codings of ``tokens`` units, from their 2x2 counts."""
    if tokens == 0:
        return Metric(None, 0, "no tokens")
    both_zeros = tokens - a_ones - b_ones + both_ones
    chance = a_ones * b_ones + (tokens - a_ones) * (tokens - b_ones)  # pe · tokens²
    if chance == tokens * tokens:
        return Metric(None, tokens, "no variation")
    return Metric((tokens * (both_ones + both_zeros) - chance) / (tokens * tokens - chance), tokens)


# -- matching core (arrays) ---------------------------------------------------------------------
class _Rows(NamedTuple):
    """Items to match: only rows of the same ``group`` can match; ``[start, end)`` bounds."""

    group: np.ndarray
    start: np.ndarray
    end: np.ndarray


def _classes(*columns: np.ndarray) -> np.ndarray:
    """Dense ids, equal exactly for rows equal in every column."""
    n = len(columns[0])
    if n == 0:
        return np.zeros(0, _INT)
    order = np.lexsort(columns[::-1])
    changed = np.zeros(n, bool)
    changed[0] = True
    for column in columns:
        ordered = column[order]
        changed[1:] |= ordered[1:] != ordered[:-1]
    ids = np.empty(n, _INT)
    ids[order] = np.cumsum(changed) - 1
    return ids


def _occurrence(ids: np.ndarray) -> np.ndarray:
    """For each row, how many earlier rows carry the same id."""
    n = len(ids)
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    positions = np.arange(n)
    first = np.ones(n, bool)
    first[1:] = ordered[1:] != ordered[:-1]
    rank = np.empty(n, _INT)
    rank[order] = positions - np.maximum.accumulate(np.where(first, positions, 0))
    return rank


def _exact_pairs(a: _Rows, b: _Rows) -> tuple[np.ndarray, np.ndarray]:
    """Identical rows paired one-to-one (k-th copy with k-th copy), sorted by the ``a`` index."""
    if not len(a.group) or not len(b.group):
        return np.zeros(0, _INT), np.zeros(0, _INT)
    ids = _classes(*(np.concatenate(pair) for pair in zip(a, b, strict=True)))
    ids_a, ids_b = ids[: len(a.group)], ids[len(a.group) :]
    rank_a, rank_b = _occurrence(ids_a), _occurrence(ids_b)
    copies = int(max(rank_a.max(), rank_b.max())) + 1
    _, ia, ib = np.intersect1d(ids_a * copies + rank_a, ids_b * copies + rank_b,
                               assume_unique=True, return_indices=True)
    order = np.argsort(ia, kind="stable")
    return ia[order].astype(_INT), ib[order].astype(_INT)


class _Candidates(NamedTuple):
    """The overlapping pairs of two sides, counted, not listed: per ``a`` row, ``a_count``
    ``b`` rows start inside it, from ``a_first`` on in ``b``'s start order ``b_order``; per
    ``b`` row, ``b_count`` ``a`` rows start inside it after its start, likewise."""

    a_first: np.ndarray
    a_count: np.ndarray
    b_order: np.ndarray
    b_first: np.ndarray
    b_count: np.ndarray
    a_order: np.ndarray

    @classmethod
    def of(cls, a_lo: np.ndarray, a_hi: np.ndarray, b_lo: np.ndarray,
           b_hi: np.ndarray) -> _Candidates:
        a_order, b_order = np.argsort(a_lo, kind="stable"), np.argsort(b_lo, kind="stable")
        a_starts, b_starts = a_lo[a_order], b_lo[b_order]
        a_first = np.searchsorted(b_starts, a_lo, side="left")
        b_first = np.searchsorted(a_starts, b_lo, side="right")
        return cls(a_first, np.maximum(np.searchsorted(b_starts, a_hi) - a_first, 0), b_order,
                   b_first, np.maximum(np.searchsorted(a_starts, b_hi) - b_first, 0), a_order)

    def total(self) -> int:
        return int(self.a_count.sum() + self.b_count.sum())

    def listed(self) -> tuple[np.ndarray, np.ndarray]:
        """Every pair, as (a rows, b rows)."""
        ia1, ib1 = _spread(self.a_first, self.a_count, self.b_order)  # b starts inside a
        ib2, ia2 = _spread(self.b_first, self.b_count, self.a_order)  # a starts inside b
        return np.concatenate([ia1, ia2]), np.concatenate([ib1, ib2])


def _spread(first: np.ndarray, count: np.ndarray,
            order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every ``(i, order[first[i] + k])`` with ``k < count[i]``."""
    owner = np.repeat(np.arange(len(first)), count)
    offsets = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count - first, count)
    return owner, order[offsets]


def _dense_rows(a_lo: np.ndarray, a_hi: np.ndarray, b_lo: np.ndarray, b_hi: np.ndarray,
                found: _Candidates) -> tuple[np.ndarray, np.ndarray]:
    """Which rows of either side lie in a dense cluster: a run of intervals chained by
    overlaps, with more than :data:`DENSE_PAIRS_PER_ROW` overlapping pairs per interval."""
    lo, hi = np.concatenate([a_lo, b_lo]), np.concatenate([a_hi, b_hi])
    order = np.argsort(lo, kind="stable")
    reach = np.maximum.accumulate(hi[order])
    cluster = np.empty(len(lo), _INT)
    cluster[order] = np.cumsum(np.concatenate([[0], lo[order][1:] >= reach[:-1]]))
    pairs = np.bincount(cluster, np.concatenate([found.a_count, found.b_count]))
    dense = (pairs > DENSE_PAIRS_PER_ROW * np.bincount(cluster))[cluster]
    return dense[: len(a_lo)], dense[len(a_lo) :]


def _listed_overlap_pairs(a_lo: np.ndarray, a_hi: np.ndarray, b_lo: np.ndarray,
                          b_hi: np.ndarray,
                          found: _Candidates) -> tuple[np.ndarray, np.ndarray]:
    """:func:`match_by_overlap` by listing every overlapping pair: quicker where they are few."""
    ia, ib = found.listed()
    overlap = np.minimum(a_hi[ia], b_hi[ib]) - np.maximum(a_lo[ia], b_lo[ib])
    shared = overlap > 0  # an empty interval shares nothing
    ia, ib, overlap = ia[shared], ib[shared], overlap[shared]
    order = np.lexsort((ib, ia, b_hi[ib], b_lo[ib], a_hi[ia], a_lo[ia], -overlap))
    ia, ib = ia[order], ib[order]
    # A candidate whose two rows have no other candidate is always kept; settle the rest in order.
    keep = (np.bincount(ia)[ia] == 1) & (np.bincount(ib)[ib] == 1)
    taken_a: set[int] = set()
    taken_b: set[int] = set()
    contested = np.flatnonzero(~keep)
    for k, x, y in zip(contested.tolist(), ia[contested].tolist(), ib[contested].tolist(),
                       strict=True):
        if x not in taken_a and y not in taken_b:
            taken_a.add(x)
            taken_b.add(y)
            keep[k] = True
    return ia[keep], ib[keep]


def _overlap_pairs(a: _Rows, b: _Rows,
                   progress: Progress | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Same-group rows sharing at least one position, one-to-one, largest overlap first
    (:mod:`annotate.overlap_matching`), sorted by the ``a`` index. The overlapping pairs are
    counted first: where they are few they are listed and settled in order; clusters dense
    with them are matched without listing them."""
    if not len(a.group) or not len(b.group):
        return np.zeros(0, _INT), np.zeros(0, _INT)
    width = int(max(a.end.max(), b.end.max())) + 1  # groups side by side on one line
    a_lo, a_hi = a.group * width + a.start, a.group * width + a.end
    b_lo, b_hi = b.group * width + b.start, b.group * width + b.end
    found = _Candidates.of(a_lo, a_hi, b_lo, b_hi)
    if found.total() <= DENSE_PAIRS_PER_ROW * (len(a_lo) + len(b_lo)):
        ia, ib = _listed_overlap_pairs(a_lo, a_hi, b_lo, b_hi, found)
    else:
        dense_a, dense_b = _dense_rows(a_lo, a_hi, b_lo, b_hi, found)
        ia_parts, ib_parts = [np.zeros(0, _INT)], [np.zeros(0, _INT)]
        for rows_a, rows_b, dense in ((~dense_a, ~dense_b, False), (dense_a, dense_b, True)):
            in_a, in_b = np.flatnonzero(rows_a), np.flatnonzero(rows_b)
            if len(in_a) and len(in_b):
                bounds = (a_lo[in_a], a_hi[in_a], b_lo[in_b], b_hi[in_b])
                x, y = (match_by_overlap(*bounds, progress) if dense else
                        _listed_overlap_pairs(*bounds, _Candidates.of(*bounds)))
                ia_parts.append(in_a[x])
                ib_parts.append(in_b[y])
        ia, ib = np.concatenate(ia_parts), np.concatenate(ib_parts)
    order = np.argsort(ia, kind="stable")
    return ia[order], ib[order]


def _matched(mode: MatchMode, a: _Rows, b: _Rows,
             progress: Progress | None) -> tuple[np.ndarray, np.ndarray]:
    return _overlap_pairs(a, b, progress) if mode == "overlap" else _exact_pairs(a, b)


# -- span-level helpers (one document or a few) -------------------------------------------------
@dataclass(frozen=True, slots=True)
class Alignment:
    """How one span of ``a`` relates to one of ``b``; one side is None for ``only_*``."""

    kind: AlignmentKind
    a: Span | None
    b: Span | None


def _span_rows(spans: Sequence[Span], groups: dict[Any, int], by_label: bool = True) -> _Rows:
    keys = ((s.document, s.label) if by_label else s.document for s in spans)
    return _Rows(
        np.fromiter((groups.setdefault(k, len(groups)) for k in keys), _INT, len(spans)),
        np.fromiter((s.start for s in spans), _INT, len(spans)),
        np.fromiter((s.end for s in spans), _INT, len(spans)),
    )


def _pair_indices(a_spans: Sequence[Span], b_spans: Sequence[Span], mode: MatchMode,
                  by_label: bool = True,
                  progress: Progress | None = None) -> list[tuple[int, int]]:
    groups: dict[Any, int] = {}
    ia, ib = _matched(mode, _span_rows(a_spans, groups, by_label),
                      _span_rows(b_spans, groups, by_label), progress)
    return list(zip(ia.tolist(), ib.tolist(), strict=True))


def match_spans(a_spans: Sequence[Span], b_spans: Sequence[Span],
                mode: MatchMode = "exact") -> list[tuple[Span, Span]]:
    """One-to-one matches between two annotators' spans (same document and label).

    ``exact``: same start and end; ``overlap``: at least one shared character, largest overlap
    first. Pairs come in the order of ``a_spans``.
    """
    return [(a_spans[i], b_spans[j]) for i, j in _pair_indices(a_spans, b_spans, mode)]


def align_spans(a_spans: Sequence[Span], b_spans: Sequence[Span],
                progress: Progress | None = None) -> list[Alignment]:
    """Every span of either side, aligned: exact matches, then same-label overlaps
    (``boundary``), then other-label spans with the same bounds or overlapping (``label``),
    in document order. ``progress`` hears from long overlap matchings (and may stop them)."""

    def position(al: Alignment) -> tuple[str, int, int]:
        spans = [s for s in (al.a, al.b) if s is not None]
        return spans[0].document, min(s.start for s in spans), max(s.end for s in spans)

    return sorted(aligned_pairs(a_spans, b_spans, progress), key=position)


def aligned_pairs(a_spans: Sequence[Span], b_spans: Sequence[Span],
                  progress: Progress | None = None) -> list[Alignment]:
    """:func:`align_spans` in no particular order: for a caller that only joins the pairs."""
    a_spans, b_spans = list(a_spans), list(b_spans)
    out: list[Alignment] = []
    steps: tuple[tuple[AlignmentKind, MatchMode, bool], ...] = (
        ("agreed", "exact", True), ("boundary", "overlap", True),
        ("label", "exact", False), ("label", "overlap", False))
    left_a, left_b = list(range(len(a_spans))), list(range(len(b_spans)))
    for kind, mode, by_label in steps:
        if not left_a or not left_b:
            break  # nothing left to pair (a side done: its spans all matched)
        sub_a, sub_b = [a_spans[i] for i in left_a], [b_spans[j] for j in left_b]
        pairs = _pair_indices(sub_a, sub_b, mode, by_label, progress)
        out += [Alignment(kind, sub_a[i], sub_b[j]) for i, j in pairs]
        used_a, used_b = {i for i, _ in pairs}, {j for _, j in pairs}
        left_a = [x for k, x in enumerate(left_a) if k not in used_a]
        left_b = [x for k, x in enumerate(left_b) if k not in used_b]
    out += [Alignment("only_a", a_spans[i], None) for i in left_a]
    out += [Alignment("only_b", None, b_spans[j]) for j in left_b]
    return out


NO_SPAN = "—"
"""The confusion side of a span the other annotator has no counterpart for."""


def label_confusion(documents: Iterable[AnnotatedDocument], a: str, b: str,
                    progress: Progress | None = None) -> dict[tuple[str, str], int]:
    """Counts of (label of ``a``, label of ``b``) over the spans :func:`align_spans` pairs:
    the same label for agreed and boundary pairs, two labels for a label disagreement, and
    :data:`NO_SPAN` on the side that has no span. Documents count as in agreement: both
    annotators marked them done, or both have a span in them. ``progress`` as for
    :func:`align_spans`."""
    a_spans: list[Span] = []
    b_spans: list[Span] = []
    for doc in documents:
        of_a = [s for s in doc.spans if s.annotator == a]
        of_b = [s for s in doc.spans if s.annotator == b]
        if (of_a and of_b) or doc.status.get(a) == doc.status.get(b) == "done":
            a_spans += of_a
            b_spans += of_b
    return dict(Counter(
        (al.a.label if al.a else NO_SPAN, al.b.label if al.b else NO_SPAN)
        for al in align_spans(a_spans, b_spans, progress)))


# -- figures ------------------------------------------------------------------------------------
def _token_figures(corpus: Corpus, labels: Sequence[str], pairs: list[tuple[int, int]],
                   pair_docs: list[np.ndarray]) -> tuple[list[dict[str, Metric]], dict[str, Alpha]]:
    """Token kappa per pair and label, Krippendorff's alpha per label."""
    ntok = corpus.tokens_per_doc
    coders = corpus.counted.sum(axis=0)  # >= 2 for every kept document
    units = int(ntok.sum())
    values = int((coders * ntok).sum())
    coding = int((corpus.counted & (ntok > 0)).any(axis=1).sum())
    kappas: list[dict[str, Metric]] = [{} for _ in pairs]
    alphas: dict[str, Alpha] = {}
    for lb, label in enumerate(labels):
        ones = corpus.ones(lb)
        ones_sum = ones.sum(axis=0)
        squares = ones_sum.copy()  # Σ n1² per document = Σ n1 + 2 Σ_pairs both-ones
        for p, (a, b) in enumerate(pairs):
            both = corpus.both(lb, a, b)
            squares += 2 * both
            docs = pair_docs[p]
            kappas[p][label] = cohen_kappa(int(ntok[docs].sum()), int(ones[a][docs].sum()),
                                           int(ones[b][docs].sum()), int(both[docs].sum()))
        alphas[label] = _alpha(units, values, coders, ones_sum, squares, coding)
    return kappas, alphas


def _alpha(units: int, values: int, coders: np.ndarray, ones: np.ndarray, squares: np.ndarray,
           annotators: int) -> Alpha:
    """Nominal alpha for binary codes from per-document sums over tokens of the number of ones
    (``ones``) and its square (``squares``), ``coders`` coders per document.

    The coincidence of 0 with 1 is o01 = Σ n1·(m − n1)/(m − 1) over units, and
    alpha = 1 − (n − 1)·o01/(n0·n1) with n0, n1 the pairable zeros and ones, n = n0 + n1.
    """
    if units == 0:
        return Alpha(None, 0, annotators, "no pairable units")
    n1 = int(ones.sum())
    n0 = values - n1
    if n0 == 0 or n1 == 0:
        return Alpha(None, units, annotators, "no variation")
    mixed = coders * ones - squares  # Σ n1·(m − n1) per document
    disagreement = sum(int(mixed[coders == m].sum()) / (m - 1) for m in np.unique(coders).tolist())
    return Alpha(1 - (values - 1) * disagreement / (n0 * n1), units, annotators)


def _f1_by_label(labels: Sequence[str], a_labels: np.ndarray, b_labels: np.ndarray,
                 matched_labels: np.ndarray) -> tuple[dict[str, F1], F1]:
    size = len(labels)
    na, nb = np.bincount(a_labels, minlength=size), np.bincount(b_labels, minlength=size)
    nm = np.bincount(matched_labels, minlength=size)
    per_label = {label: F1.of(int(na[i]), int(nb[i]), int(nm[i])) for i, label in enumerate(labels)}
    return per_label, F1.of(int(na.sum()), int(nb.sum()), int(nm.sum()))


def _attribute_agreement(
    pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]],
) -> dict[str, Metric]:
    """Per attribute name, the share of matched pairs (their two spans' attributes) where
    both give it the same value, over the pairs where at least one gives it."""
    total: Counter[str] = Counter()
    equal: Counter[str] = Counter()
    for x, y in pairs:
        if x or y:
            for name in x.keys() | y.keys():
                total[name] += 1
                equal[name] += x.get(name, _MISSING) == y.get(name, _MISSING)
    return {name: Metric(equal[name] / total[name], total[name]) for name in sorted(total)}


def _span_figures(corpus: Corpus, labels: Sequence[str], a: int, b: int, docs: np.ndarray,
                  span_class: np.ndarray, progress: Progress | None) -> dict[str, Any]:
    in_docs = docs[corpus.doc]
    rows_a = np.flatnonzero((corpus.ann == a) & in_docs)
    rows_b = np.flatnonzero((corpus.ann == b) & in_docs)

    def rows(selected: np.ndarray) -> _Rows:
        return _Rows(corpus.label[selected], corpus.start[selected], corpus.end[selected])

    out: dict[str, Any] = {}
    for mode in ("exact", "overlap"):
        ia, ib = _matched(mode, rows(rows_a), rows(rows_b), progress)
        out[mode] = _f1_by_label(labels, corpus.label[rows_a], corpus.label[rows_b],
                                 corpus.label[rows_a[ia]])
        if mode == "exact":
            out["attributes"] = _attribute_agreement(
                (corpus.attributes[i], corpus.attributes[j])
                for i, j in zip(rows_a[ia].tolist(), rows_b[ib].tolist(), strict=True))

    rel = corpus.relations
    rel_in = docs[corpus.doc[rel[:, 2]]]

    def relation_rows(annotator: int) -> _Rows:
        r = rel[(rel[:, 0] == annotator) & rel_in]
        return _Rows(r[:, 1], span_class[r[:, 2]], span_class[r[:, 3]])

    ra, rb = relation_rows(a), relation_rows(b)
    out["relations"] = F1.of(len(ra.group), len(rb.group), len(_exact_pairs(ra, rb)[0]),
                             items="relations")
    return out


def compute_agreement(documents: Iterable[AnnotatedDocument | Outline],
                      annotators: Sequence[str] | None = None,
                      labels: Sequence[str] | None = None,
                      progress: Progress | None = None,
                      categories: Sequence[DocCategory] | None = None) -> AgreementReport:
    """Every agreement figure of FORMATS.md for ``annotators`` (default: everyone who marked a
    document done or has a span or document label, except gold) on ``labels`` (default: every
    label they used), and on the document ``categories`` (default: those their document labels
    use; :mod:`annotate.doc_agreement`). A document two of ``annotators`` do not count may come
    as its :class:`~annotate.agreement_corpus.Outline` (the same figures, without reading its
    text or spans). ``progress`` hears from long overlap matchings (and may stop them)."""
    corpus = Corpus(documents, annotators, labels)  # read once, as a stream
    if annotators is None:
        annotators = sorted(corpus.named - {GOLD})
    annotators = list(dict.fromkeys(annotators))
    if labels is None:
        chosen = set(annotators)
        labels = sorted({label for who, label in corpus.used if who in chosen})
    labels = list(dict.fromkeys(labels))
    corpus.choose(annotators, labels)
    pairs = list(combinations(range(len(annotators)), 2))
    pair_docs = [corpus.pair_documents(a, b) for a, b in pairs]
    kappas, alphas = _token_figures(corpus, labels, pairs, pair_docs)
    span_class = _classes(corpus.label, corpus.start, corpus.end)
    reports = []
    for (a, b), docs_ab, kappa in zip(pairs, pair_docs, kappas, strict=True):
        f = _span_figures(corpus, labels, a, b, docs_ab, span_class, progress)
        reports.append(PairAgreement(
            annotators[a], annotators[b], int(docs_ab.sum()),
            exact=f["exact"][0], exact_micro=f["exact"][1],
            overlap=f["overlap"][0], overlap_micro=f["overlap"][1],
            kappa=kappa, relations=f["relations"], attributes=f["attributes"]))
    return AgreementReport(tuple(annotators), tuple(labels), corpus.documents, tuple(reports),
                           alphas, tuple(doc_label_agreement(corpus.light, annotators, categories)))
