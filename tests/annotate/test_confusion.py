"""The label confusion between two annotators, counted by hand on small documents."""

from __future__ import annotations

import random

from annotate.agreement import NO_SPAN, align_spans, label_confusion
from annotate.model import AnnotatedDocument, Document, Span

TEXT = "The mayor said the army denied any strike near the market on Monday."


def spans(doc: Document, who: str, *marks: tuple[str, str, int]) -> list[Span]:
    """Spans of ``who`` on the n-th occurrence of a word run, by label."""
    out = []
    for label, words, nth in marks:
        start = -1
        for _ in range(nth + 1):
            start = doc.text.index(words, start + 1)
        out.append(Span(doc.uid, start, start + len(words), label, who))
    return out


def test_agreed_boundary_label_and_one_sided_spans_are_counted() -> None:
    doc = Document(TEXT, "one")
    a = spans(doc, "amina", ("PERSON", "The mayor", 0), ("ORG", "the army", 0),
              ("DENIAL", "denied any strike", 0), ("LOCATION", "the market", 0),
              ("CLAIM", "said", 0))
    b = spans(doc, "bo", ("PERSON", "mayor", 0), ("PERSON", "the army", 0),
              ("DENIAL", "denied any strike", 0), ("LOCATION", "Monday", 0))
    confusion = label_confusion([AnnotatedDocument(doc, tuple(a + b))], "amina", "bo")
    assert confusion == {
        ("PERSON", "PERSON"): 1,  # boundary disagreement, same label
        ("ORG", "PERSON"): 1,  # same bounds, other label
        ("DENIAL", "DENIAL"): 1,  # exact agreement
        ("LOCATION", NO_SPAN): 1,
        ("CLAIM", NO_SPAN): 1,
        (NO_SPAN, "LOCATION"): 1,
    }


def test_documents_count_only_when_both_worked_on_them() -> None:
    one, two, three = (Document(f"{TEXT} ({n})", f"doc {n}") for n in range(3))
    only_a = AnnotatedDocument(one, tuple(spans(one, "amina", ("CLAIM", "said", 0))))
    both_done = AnnotatedDocument(two, tuple(spans(two, "amina", ("CLAIM", "said", 0))),
                                  status={"amina": "done", "bo": "done"})
    gold_too = AnnotatedDocument(three, tuple(
        spans(three, "amina", ("ORG", "the army", 0))
        + spans(three, "bo", ("ORG", "the army", 0))
        + spans(three, "gold", ("PERSON", "The mayor", 0))))
    confusion = label_confusion([only_a, both_done, gold_too], "amina", "bo")
    assert confusion == {("CLAIM", NO_SPAN): 1, ("ORG", "ORG"): 1}


def test_swapping_the_pair_transposes_and_totals_match_the_alignment() -> None:
    rng = random.Random(7)
    labels = ["CLAIM", "DENIAL", "PERSON"]
    docs = []
    all_a: list[Span] = []
    all_b: list[Span] = []
    for i in range(20):
        doc = Document(f"{TEXT} {TEXT} ({i})", f"doc {i}")
        made = []
        for who in ("amina", "bo"):
            for _ in range(rng.randrange(1, 6)):
                start = rng.randrange(0, len(doc.text) - 10)
                made.append(Span(doc.uid, start, start + rng.randrange(1, 10),
                                 rng.choice(labels), who))
        docs.append(AnnotatedDocument(doc, tuple(made)))
        all_a += [s for s in made if s.annotator == "amina"]
        all_b += [s for s in made if s.annotator == "bo"]
    forward = label_confusion(docs, "amina", "bo")
    backward = label_confusion(docs, "bo", "amina")
    assert backward == {(y, x): n for (x, y), n in forward.items()}
    assert sum(forward.values()) == len(align_spans(all_a, all_b))
    from_a = sum(n for (x, _), n in forward.items() if x != NO_SPAN)
    from_b = sum(n for (_, y), n in forward.items() if y != NO_SPAN)
    assert (from_a, from_b) == (len(all_a), len(all_b))
