"""Hypothesis strategies for annotated documents with awkward texts (shared by format tests)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from annotate.model import STATUSES, AnnotatedDocument, Document, Relation, Span
from annotate.schema import AttributeDef, LabelSchema, default_schema

SCHEMA: LabelSchema = default_schema()
FRAGMENTS = ("Amina", "army", "ok", "40", "1,200", " ", "  ", "\t", ".", ",", "!", "?", "-",
             "'", "’", "😀", "🇲🇱", "𝒜", "\r\n", "\n", "\r", "\u2028", "e\u0301", "مرحبا",
             "שלום", "…")
ANNOTATORS = ("amina", "ben", "gold", "zoë k", "a/b.c")

texts = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=25).map("".join)


def attribute_values(attr: AttributeDef) -> st.SearchStrategy[Any]:
    values: st.SearchStrategy[Any] = {
        "choice": st.sampled_from(attr.choices or ("x",)),
        "text": st.text(alphabet="ab c\n1-", max_size=6),
        "number": st.integers(-10**6, 10**6) | st.floats(-1e9, 1e9, allow_nan=False),
        "bool": st.booleans(),
    }[attr.type]
    return st.none() | values


@st.composite
def spans_of(draw: st.DrawFn, doc: Document) -> Span:
    n = len(doc.text)
    start = draw(st.integers(0, n - 1))
    end = draw(st.integers(start + 1, n))
    label = draw(st.sampled_from(SCHEMA.labels))
    attributes = {}
    for attr in label.attributes:
        if draw(st.booleans()):
            attributes[attr.name] = draw(attribute_values(attr))
    note = draw(st.none() | st.text(alphabet="ab \n\r", max_size=5))
    return Span(doc.uid, start, end, label.name, draw(st.sampled_from(ANNOTATORS)),
                str(draw(st.uuids())), attributes, note)


@st.composite
def records(draw: st.DrawFn) -> AnnotatedDocument:
    meta = draw(st.dictionaries(st.sampled_from(("source", "url")), st.text(max_size=5),
                                max_size=2))
    doc = Document(draw(texts), draw(st.text(alphabet="Ab /:é-", max_size=10)), meta)
    spans = draw(st.lists(spans_of(doc), max_size=8))
    candidates = [(rtype.name, s, t) for rtype in SCHEMA.relations for s in spans for t in spans
                  if s is not t and s.annotator == t.annotator
                  and s.label in rtype.source_labels and t.label in rtype.target_labels]
    chosen = draw(st.lists(st.sampled_from(candidates), unique_by=lambda c: (c[0], c[1].id,
                                                                           c[2].id),
                           max_size=4)) if candidates else []
    relations = tuple(Relation(name, s.id, t.id, s.annotator, str(draw(st.uuids())))
                      for name, s, t in chosen)
    status = draw(st.dictionaries(st.sampled_from(ANNOTATORS), st.sampled_from(STATUSES),
                                  max_size=2))
    return AnnotatedDocument(doc, tuple(spans), relations, status)


corpora = st.lists(records(), min_size=1, max_size=4, unique_by=lambda r: r.document.uid)
