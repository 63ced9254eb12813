"""A part of a document's spans read alone (a big document shown a region at a time)."""

from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store

TEXT = "abcdefghij" * 10


def test_spans_meeting_or_starting_in_a_range_by_annotator(store: Store) -> None:
    document = Document(TEXT, "parts")
    spans = [Span(document.uid, start, end, "ORG", who, f"{who}-{start}-{end}")
             for who in ("amina", "bo")
             for start, end in ((0, 5), (3, 40), (10, 12), (19, 20), (20, 21), (50, 90))]
    store.import_documents([AnnotatedDocument(document, tuple(spans))])
    meeting = store.spans_within(document.uid, ["amina"], 10, 20)
    assert [(s.start, s.end) for s in meeting] == [(3, 40), (10, 12), (19, 20)]
    assert {s.annotator for s in meeting} == {"amina"}
    starting = store.spans_within(document.uid, ["amina"], 10, 20, starting=True)
    assert [(s.start, s.end) for s in starting] == [(10, 12), (19, 20)]
    both = store.spans_within(document.uid, None, 40, 60)
    assert sorted(s.id for s in both) == ["amina-50-90", "bo-50-90"]
    assert store.spans_within(document.uid, ["amina"], 91, 100) == []
    assert store.spans_within("no such document", None, 0, 100) == []
    whole = store.spans_within(document.uid, ["bo"], 0, len(TEXT))
    assert whole == store.spans(document.uid, ["bo"])


def test_the_reach_bounds_the_read_and_misses_no_span(store: Store) -> None:
    document = Document(TEXT, "reach")
    spans = [Span(document.uid, 2, 90, "ORG", "amina", "long"),
             Span(document.uid, 40, 45, "ORG", "amina", "short"),
             Span(document.uid, 0, 99, "ORG", "bo", "longer")]
    store.import_documents([AnnotatedDocument(document, tuple(spans))])
    assert store.span_reach(document.uid, ["amina"]) == 88
    assert store.span_reach(document.uid) == 99
    assert store.span_reach(document.uid, ["nobody"]) == 0
    assert store.span_reach("no such document") == 0
    reach = store.span_reach(document.uid, ["amina"])
    assert [s.id for s in store.spans_within(document.uid, ["amina"], 80, 85, reach=reach)] \
        == ["long"]
    assert [s.id for s in store.spans_within(document.uid, ["amina"], 80, 85, reach=5)] == []
