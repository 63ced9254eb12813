"""Agreement figures checked against sklearn, the krippendorff package and brute force."""

from __future__ import annotations

import math
import random
import tracemalloc
import warnings
from collections import Counter
from collections.abc import Iterator

import krippendorff
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from annotate.agreement import (
    align_spans,
    cohen_kappa,
    compute_agreement,
    match_spans,
)
from annotate.model import GOLD, AnnotatedDocument, Document, Relation, Span
from annotate.tokenize import tokenize

WORDS = ["army", "said", "forty-two", "people's", "Tinzaouaten", "rebels", "l’armée", "état",
         "denied", "killed", "2024", "drone", "_x", "strike", "officials"]
PUNCT = [",", ".", "—", "(", ")", "«", "»", "!"]


# -- generated corpora ----------------------------------------------------------------------------
def make_text(rng: random.Random, words: int) -> str:
    parts = []
    for _ in range(words):
        parts.append(rng.choice(WORDS))
        if rng.random() < 0.2:
            parts.append(rng.choice(PUNCT))
    return rng.choice(["", " ", "\n"]).join([" ".join(parts[: len(parts) // 2]),
                                             " ".join(parts[len(parts) // 2 :])])


def make_corpus(seed: int, n_docs: int = 8, annotators: tuple[str, ...] = ("ann", "bo", "cy"),
                labels: tuple[str, ...] = ("CLAIM", "DENIAL", "PERSON")) -> list[AnnotatedDocument]:
    """Documents where annotators copy, shift, relabel or invent spans; some touched by one."""
    rng = random.Random(seed)
    docs = []
    for _ in range(n_docs):
        text = make_text(rng, rng.randint(0, 30))
        doc = Document(text + f" {rng.random()}")
        n = len(doc.text)
        base = []
        for _ in range(rng.randint(0, 6)):
            s = rng.randrange(n)
            base.append((s, rng.randint(s + 1, min(n, s + 25)), rng.choice(labels)))
        who = [a for a in annotators if rng.random() < 0.75]
        spans, status = [], {}
        for a in who:
            for s, e, label in base:
                roll = rng.random()
                if roll < 0.5:
                    certainty = rng.choice(["asserted", "reported"])
                    spans.append(Span(doc.uid, s, e, label, a, attributes={"certainty": certainty}))
                elif roll < 0.65:
                    spans.append(Span(doc.uid, s, min(n, e + rng.randint(0, 3)), label, a))
                elif roll < 0.8:
                    spans.append(Span(doc.uid, s, e, rng.choice(labels), a))
            for _ in range(rng.randint(0, 2)):
                s = rng.randrange(n)
                spans.append(Span(doc.uid, s, rng.randint(s + 1, n), rng.choice(labels), a))
            status[a] = rng.choice(["done", "done", "in_progress", "todo"])
        if rng.random() < 0.2:
            spans.append(Span(doc.uid, 0, n, labels[0], GOLD))
        rng.shuffle(spans)
        docs.append(AnnotatedDocument(doc, tuple(spans), (), status))
    return docs


# -- reference implementations (straight from the definitions) ----------------------------------
def touched(doc: AnnotatedDocument, a: str) -> bool:
    return any(s.annotator == a for s in doc.spans)


def counts_for_pair(doc: AnnotatedDocument, a: str, b: str) -> bool:
    done = doc.status.get(a) == "done" and doc.status.get(b) == "done"
    return done or (touched(doc, a) and touched(doc, b))


def counts_for(doc: AnnotatedDocument, a: str) -> bool:
    return doc.status.get(a) == "done" or touched(doc, a)


def token_codes(doc: AnnotatedDocument, a: str, label: str) -> list[int]:
    spans = [s for s in doc.spans if s.annotator == a and s.label == label]
    return [int(any(s.start < t.end and t.start < s.end for s in spans))
            for t in tokenize(doc.document.text)]


def reference_kappa(docs: list[AnnotatedDocument], a: str, b: str, label: str) -> float | None:
    x, y = [], []
    for doc in docs:
        if counts_for_pair(doc, a, b):
            x += token_codes(doc, a, label)
            y += token_codes(doc, b, label)
    if not x:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = cohen_kappa_score(x, y)
    return None if math.isnan(value) else float(value)


def reference_alpha(docs: list[AnnotatedDocument], annotators: list[str],
                    label: str) -> float | None:
    columns = []
    for doc in docs:
        n_tokens = len(list(tokenize(doc.document.text)))
        rows = [token_codes(doc, a, label) if counts_for(doc, a) else [math.nan] * n_tokens
                for a in annotators]
        columns += list(zip(*rows, strict=True))
    data = np.array(columns, dtype=float).T.reshape(len(annotators), -1)
    try:
        with np.errstate(all="ignore"):
            value = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except ValueError:  # one value only, or no unit coded twice
        return None
    return None if math.isnan(value) else float(value)


def key(s: Span) -> tuple[str, str, int, int]:
    return s.document, s.label, s.start, s.end


def brute_exact(a_spans: list[Span], b_spans: list[Span]) -> int:
    ca, cb = Counter(map(key, a_spans)), Counter(map(key, b_spans))
    return sum(min(n, cb[k]) for k, n in ca.items())


def brute_overlap(a_spans: list[Span], b_spans: list[Span]) -> list[tuple[int, int]]:
    candidates = []
    for i, x in enumerate(a_spans):
        for j, y in enumerate(b_spans):
            shared = min(x.end, y.end) - max(x.start, y.start)
            if x.document == y.document and x.label == y.label and shared > 0:
                candidates.append((-shared, x.start, x.end, y.start, y.end, i, j))
    used_a, used_b, pairs = set(), set(), []
    for *_, i, j in sorted(candidates):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j))
    return pairs


def pair_spans(docs: list[AnnotatedDocument], a: str, b: str,
               label: str | None = None) -> tuple[list[Span], list[Span]]:
    counted = [d for d in docs if counts_for_pair(d, a, b)]
    pick = [s for d in counted for s in d.spans if label is None or s.label == label]
    return [s for s in pick if s.annotator == a], [s for s in pick if s.annotator == b]


# -- property tests -------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**9), n_docs=st.integers(0, 10))
def test_token_kappa_and_alpha_match_sklearn_and_krippendorff(seed: int, n_docs: int) -> None:
    docs = make_corpus(seed, n_docs)
    report = compute_agreement(docs)
    assert GOLD not in report.annotators
    names = list(report.annotators)
    for pair in report.pairs:
        for label in report.labels:
            expected = reference_kappa(docs, pair.a, pair.b, label)
            got = pair.kappa[label]
            if expected is None:
                assert got.value is None and got.reason
            else:
                assert got.value == pytest.approx(expected, abs=1e-9)
    for label in report.labels:
        expected = reference_alpha(docs, names, label)
        got = report.alpha[label]
        if expected is None:
            assert got.value is None and got.reason
        else:
            assert got.value == pytest.approx(expected, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**9), n_docs=st.integers(0, 10))
def test_span_f1_matches_brute_force(seed: int, n_docs: int) -> None:
    docs = make_corpus(seed, n_docs)
    report = compute_agreement(docs)
    for pair in report.pairs:
        assert pair.documents == sum(counts_for_pair(d, pair.a, pair.b) for d in docs)
        totals = Counter()
        for label in report.labels:
            a_spans, b_spans = pair_spans(docs, pair.a, pair.b, label)
            exact = brute_exact(a_spans, b_spans)
            overlap = len(brute_overlap(a_spans, b_spans))
            for got, matches in ((pair.exact[label], exact), (pair.overlap[label], overlap)):
                assert (got.a, got.b, got.matches) == (len(a_spans), len(b_spans), matches)
                if a_spans or b_spans:
                    assert got.value == pytest.approx(2 * matches / (len(a_spans) + len(b_spans)))
                else:
                    assert got.value is None and got.reason
            totals.update(a=len(a_spans), b=len(b_spans), exact=exact, overlap=overlap)
        assert pair.exact_micro.matches == totals["exact"]
        assert pair.overlap_micro.matches == totals["overlap"]
        assert (pair.exact_micro.a, pair.exact_micro.b) == (totals["a"], totals["b"])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**9))
def test_match_spans_equals_brute_force(seed: int) -> None:
    docs = make_corpus(seed, 4)
    a_spans, b_spans = pair_spans(docs, "ann", "bo")
    overlap = match_spans(a_spans, b_spans, mode="overlap")
    expected = brute_overlap(a_spans, b_spans)
    assert sorted((a_spans.index(x), b_spans.index(y)) for x, y in overlap) == sorted(expected)
    exact = match_spans(a_spans, b_spans)
    assert len(exact) == brute_exact(a_spans, b_spans)
    assert all(key(x) == key(y) for x, y in exact)
    assert len({id(x) for x, _ in exact}) == len({id(y) for _, y in exact}) == len(exact)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**9))
def test_align_spans_accounts_for_every_span_once(seed: int) -> None:
    docs = make_corpus(seed, 4)
    a_spans, b_spans = pair_spans(docs, "ann", "bo")
    alignments = align_spans(a_spans, b_spans)
    assert sorted(id(al.a) for al in alignments if al.a) == sorted(map(id, a_spans))
    assert sorted(id(al.b) for al in alignments if al.b) == sorted(map(id, b_spans))
    for al in alignments:
        if al.a and al.b:
            assert al.a.document == al.b.document
            assert min(al.a.end, al.b.end) > max(al.a.start, al.b.start)
            same_bounds = (al.a.start, al.a.end) == (al.b.start, al.b.end)
            same_label = al.a.label == al.b.label
            assert al.kind == ("agreed" if same_bounds and same_label
                               else "boundary" if same_label else "label")
        else:
            assert al.kind == ("only_a" if al.a else "only_b")


# -- hand-checked cases ---------------------------------------------------------------------------
TEXT = "The army said forty-two people were killed in Tinza; rebels denied it."


def span(doc: Document, who: str, start: int, end: int, label: str, **attributes: str) -> Span:
    return Span(doc.uid, start, end, label, who, attributes=attributes)


def test_relation_f1_and_attributes_hand_checked() -> None:
    doc = Document(TEXT)
    a = [span(doc, "a", 0, 8, "ORG"), span(doc, "a", 14, 42, "CLAIM", certainty="asserted"),
         span(doc, "a", 46, 51, "LOCATION"), span(doc, "a", 53, 69, "DENIAL")]
    b = [span(doc, "b", 0, 8, "ORG"), span(doc, "b", 14, 42, "CLAIM", certainty="reported"),
         span(doc, "b", 46, 51, "LOCATION", kind="town"), span(doc, "b", 53, 59, "ORG")]
    relations = [
        Relation("CLAIMED_BY", a[1].id, a[0].id, "a"),  # matches b's
        Relation("ABOUT", a[1].id, a[2].id, "a"),  # b has the same spans but CLAIMED_BY
        Relation("DENIES", a[3].id, a[1].id, "a"),  # b has no such end span
        Relation("CLAIMED_BY", b[1].id, b[0].id, "b"),
        Relation("CLAIMED_BY", b[1].id, b[2].id, "b"),
    ]
    report = compute_agreement([AnnotatedDocument(doc, tuple(a + b), tuple(relations), {})])
    pair = report.pair("a", "b")
    assert (pair.relations.a, pair.relations.b, pair.relations.matches) == (3, 2, 1)
    assert pair.relations.value == pytest.approx(2 / 5)
    assert pair.attributes["certainty"].value == 0.0
    assert pair.attributes["certainty"].units == 1
    assert pair.attributes["kind"].value == 0.0  # set by one side only
    assert pair.exact_micro.matches == 3


def test_document_touched_by_one_annotator_does_not_count() -> None:
    shared, solo = Document(TEXT), Document(TEXT + " Again.")
    spans_shared = [span(shared, "a", 0, 8, "ORG"), span(shared, "b", 0, 8, "ORG")]
    spans_solo = [span(solo, "a", 14, 42, "CLAIM")]
    docs = [AnnotatedDocument(shared, tuple(spans_shared), (), {"a": "in_progress"}),
            AnnotatedDocument(solo, tuple(spans_solo), (), {"a": "done", "b": "in_progress"})]
    pair = compute_agreement(docs).pair("a", "b")
    assert pair.documents == 1
    assert pair.exact["CLAIM"].a == 0 and pair.exact["CLAIM"].value is None
    assert pair.exact["ORG"].value == 1.0
    assert pair.kappa["ORG"].units == len(list(tokenize(TEXT)))
    # Both marking it done makes the untouched document count, with b's empty annotation.
    docs[1] = AnnotatedDocument(solo, tuple(spans_solo), (), {"a": "done", "b": "done"})
    pair = compute_agreement(docs).pair("a", "b")
    assert pair.documents == 2
    assert (pair.exact["CLAIM"].a, pair.exact["CLAIM"].b, pair.exact["CLAIM"].value) == (1, 0, 0.0)


def test_undefined_figures_are_none_with_a_reason() -> None:
    empty = compute_agreement([], annotators=["a", "b"], labels=["CLAIM"])
    pair = empty.pair("a", "b")
    assert pair.documents == 0
    for metric in (pair.exact["CLAIM"], pair.overlap_micro, pair.kappa["CLAIM"], pair.relations,
                   empty.alpha["CLAIM"]):
        assert metric.value is None and metric.reason
    assert empty.to_json()["pairs"][0]["token_kappa"]["CLAIM"] == {
        "value": None, "units": 0, "reason": "no tokens"}

    doc = Document(TEXT)
    docs = [AnnotatedDocument(doc, (span(doc, "a", 0, 8, "ORG"), span(doc, "b", 0, 8, "ORG")), (),
                              {"a": "done", "b": "done"})]
    report = compute_agreement(docs, labels=["ORG", "CLAIM"])
    claim = report.pair("a", "b").kappa["CLAIM"]
    assert claim.value is None and claim.reason == "no variation" and claim.units > 0
    assert report.alpha["CLAIM"].value is None and report.alpha["CLAIM"].reason == "no variation"
    assert report.pair("a", "b").kappa["ORG"].value == 1.0
    assert report.alpha["ORG"].value == 1.0


def test_cohen_kappa_from_counts() -> None:
    assert cohen_kappa(4, 2, 2, 2).value == 1.0
    assert cohen_kappa(4, 2, 2, 0).value == -1.0
    assert cohen_kappa(4, 0, 4, 0).value == 0.0
    assert cohen_kappa(4, 4, 4, 4).reason == "no variation"


def test_match_and_align_hand_checked() -> None:
    doc = Document(TEXT)
    a = [span(doc, "a", 0, 8, "ORG"), span(doc, "a", 14, 30, "CLAIM"),
         span(doc, "a", 46, 51, "ORG"), span(doc, "a", 53, 59, "PERSON")]
    b = [span(doc, "b", 0, 8, "ORG"), span(doc, "b", 10, 20, "CLAIM"),
         span(doc, "b", 14, 42, "CLAIM"), span(doc, "b", 46, 51, "LOCATION"),
         span(doc, "b", 60, 69, "DENIAL")]
    assert match_spans(a, b) == [(a[0], b[0])]
    assert match_spans(a, b, mode="overlap") == [(a[0], b[0]), (a[1], b[2])]  # 16 shared > 6
    kinds = [(al.kind, al.a, al.b) for al in align_spans(a, b)]
    assert kinds == [("agreed", a[0], b[0]), ("only_b", None, b[1]), ("boundary", a[1], b[2]),
                     ("label", a[2], b[3]), ("only_a", a[3], None), ("only_b", None, b[4])]


def test_report_json_and_table_are_complete() -> None:
    docs = make_corpus(7, 6)
    report = compute_agreement(docs, annotators=["ann", "bo", "cy"])
    data = report.to_json()
    assert set(data) == {"annotators", "labels", "documents", "pairs", "alpha",
                         "document_labels"}
    assert [p["annotators"] for p in data["pairs"]] == [["ann", "bo"], ["ann", "cy"], ["bo", "cy"]]
    first = data["pairs"][0]
    assert set(first) == {"annotators", "documents", "span_f1_exact", "span_f1_overlap",
                          "token_kappa", "relation_f1", "attributes"}
    assert set(first["span_f1_exact"]["labels"]) == set(report.labels)
    assert set(data["alpha"]["CLAIM"]) == {"value", "units", "annotators", "reason"}
    table = report.format_table()
    assert "ann vs bo" in table and "Krippendorff" in table
    assert all(label in table for label in report.labels)


def test_documents_are_read_as_a_stream_memory_follows_the_spans_not_the_texts() -> None:
    """Issue 17 point 4: texts are reduced to token counts a batch at a time and dropped, so
    four times the documents (each 400,000 characters, two spans) take about the memory of
    one time; figures as over a list of the same documents."""

    def corpus(n_docs: int) -> Iterator[AnnotatedDocument]:
        for i in range(n_docs):
            text = f"report {i} " + ("x" * 49 + " ") * 8_000
            uid = Document(text).uid
            yield AnnotatedDocument(
                Document(text, uid=uid),
                (Span(uid, 0, 6, "CLAIM", "ann", id=f"a{i}"),
                 Span(uid, 0, 9 + i % 2, "CLAIM", "bo", id=f"b{i}")),
                status={"ann": "done", "bo": "done"})

    def peak(n_docs: int) -> int:
        tracemalloc.start()
        try:
            compute_agreement(corpus(n_docs))
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    one, four = peak(10), peak(40)
    assert four < 1.5 * one, (one, four)
    assert compute_agreement(corpus(40)).to_json() == compute_agreement(list(corpus(40))).to_json()


def test_a_long_text_costs_few_bytes_a_token_while_its_tokens_are_counted() -> None:
    """The token bounds of a batch are held as 32-bit numbers and the coverage is summed in
    place: 400,000 tokens and 4,000 spans of two annotators peak under 16.5 MB over the
    document in hand (18.4 MB with 64-bit bounds and a summed copy)."""
    text = "word " * 400_000
    uid = Document(text).uid
    spans = tuple(Span(uid, k * 50, k * 50 + 20, label, who, id=f"{who}{label}{k}")
                  for k in range(1000) for who in ("ann", "bo") for label in ("CLAIM", "ORG"))
    doc = AnnotatedDocument(Document(text, uid=uid), spans)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        report = compute_agreement([doc])
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert report.pair("ann", "bo").kappa["CLAIM"].units == 400_000
    assert peak < 16_500_000, peak


@pytest.mark.parametrize("denial_first", [False, True], ids=["claim-first", "denial-first"])
def test_links_across_documents_count_in_relation_f1_aligned_by_their_ends(denial_first) -> None:
    claims = Document("The army said 42 people died. Rebels said 80 died.")
    denial = Document("The rebels denied the army's figure.")
    spans = {who: (span(claims, who, 0, 29, "CLAIM"), span(claims, who, 30, 51, "CLAIM"),
                   span(denial, who, 0, 36, "DENIAL")) for who in "abc"}

    def denies(who: str, claim: int) -> Relation:
        return Relation("DENIES", spans[who][2].id, spans[who][claim].id, who,
                        target_document=claims.uid)

    records = [AnnotatedDocument(claims, tuple(s for who in "abc" for s in spans[who][:2])),
               AnnotatedDocument(denial, tuple(spans[who][2] for who in "abc"),
                                 (denies("a", 0), denies("b", 0), denies("c", 1)))]
    report = compute_agreement(records[::-1] if denial_first else records)
    agreed, apart = report.pair("a", "b").relations, report.pair("a", "c").relations
    assert (agreed.a, agreed.b, agreed.matches) == (1, 1, 1)
    assert (apart.a, apart.b, apart.matches) == (1, 1, 0)
