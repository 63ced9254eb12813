"""spaCy DocBin export: every span in doc.spans["sc"] with its label and token-aligned text,
non-overlapping entities, alignment changes counted, and a clear error without spaCy."""

from __future__ import annotations

import sys
from itertools import pairwise
from pathlib import Path

import pytest
import spacy
from formats_strategies import SCHEMA, corpora
from hypothesis import HealthCheck, given, settings
from spacy.tokens import DocBin

from annotate.errors import CounterclaimError
from annotate.formats import spacy_docbin
from annotate.formats.base import LOST_RELATIONS, ImportOptions
from annotate.model import AnnotatedDocument, Document, Span


def load(path: Path) -> list:
    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(corpus=corpora)
def test_docbin_holds_every_span_aligned(tmp_path, corpus):
    out = tmp_path / f"{len(list(tmp_path.iterdir()))}.spacy"
    report = spacy_docbin.write(corpus, out, SCHEMA)
    docs = iter(load(out))
    expanded = no_token = not_in_ents = 0
    for record in corpus:
        annotators = sorted({s.annotator for s in record.spans}) or [None]
        for annotator in annotators:
            doc = next(docs)
            assert doc.text == record.document.text
            assert doc.user_data["uid"] == record.document.uid
            assert doc.user_data["title"] == record.document.title
            assert doc.user_data["annotator"] == annotator
            group = list(doc.spans["sc"])
            for span in group:
                assert span.text == doc.text[span.start_char:span.end_char]
            layer = [s for s in record.spans if s.annotator == annotator]
            for s in layer:
                matches = [g for g in group if g.id_ == s.id]
                if not matches:  # only a span on white space alone has no token
                    assert not doc.text[s.start:s.end].strip() or all(
                        t.is_space for t in doc if t.idx < s.end and t.idx + len(t) > s.start)
                    no_token += 1
                    continue
                [g] = matches
                assert g.label_ == s.label
                inked = [i for i in range(s.start, s.end) if not doc.text[i].isspace()]
                if inked:  # every visible character of the span stays in it
                    assert g.start_char <= inked[0] and inked[-1] < g.end_char
                else:  # white space alone: it is on a white-space token
                    assert g.start_char < s.end and s.start < g.end_char
                expanded += (g.start_char, g.end_char) != (s.start, s.end)
            ents = sorted(doc.ents, key=lambda e: e.start)
            assert all(a.end <= b.start for a, b in pairwise(ents))
            assert all(SCHEMA.label(e.label_).category == "entity" for e in ents)
            entity_spans = [g for g in group if SCHEMA.label(g.label_).category == "entity"]
            not_in_ents += len(entity_spans) - len(ents)
    assert next(docs, None) is None
    assert report.lost[spacy_docbin.REALIGNED] == expanded
    assert report.lost[spacy_docbin.LOST_NO_TOKEN] == no_token
    assert report.lost[spacy_docbin.NOT_IN_ENTS] == not_in_ents
    assert report.lost[LOST_RELATIONS] == sum(len(r.relations) for r in corpus)
    back = list(spacy_docbin.read(out, SCHEMA, ImportOptions()))
    assert sum(len(r.spans) for r in back) == report.spans


def test_expansion_is_reported_and_read_back_aligned(tmp_path):
    doc = Document("The armies of Mali moved.")
    spans = (Span(doc.uid, 5, 10, "ARMED_GROUP", "a"), Span(doc.uid, 4, 18, "ORG", "a"))
    report = spacy_docbin.write([AnnotatedDocument(doc, spans)], tmp_path / "x.spacy", SCHEMA)
    assert report.lost[spacy_docbin.REALIGNED] == 1
    assert "1 spans whose text changed when aligned to spaCy tokens" in report.summary()
    [loaded] = load(tmp_path / "x.spacy")
    assert [(e.text, e.label_) for e in loaded.ents] == [("armies of Mali", "ORG")]
    [record] = spacy_docbin.read(tmp_path / "x.spacy", SCHEMA, ImportOptions())
    assert sorted((s.start, s.end, s.label, s.annotator) for s in record.spans) == [
        (4, 10, "ARMED_GROUP", "a"), (4, 18, "ORG", "a")]
    assert {s.id for s in record.spans} == {s.id for s in spans}


def test_missing_spacy_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy", None)
    with pytest.raises(CounterclaimError, match=r"^spaCy is not installed: pip install "
                                                r"'counterclaim\[spacy\]'$"):
        spacy_docbin.write([], tmp_path / "x.spacy", SCHEMA)
    assert not (tmp_path / "x.spacy").exists()
