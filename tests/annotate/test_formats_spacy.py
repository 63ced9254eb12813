"""spaCy DocBin export: every span in doc.spans["sc"] with its label and token-aligned text,
non-overlapping entities, alignment changes counted, and a clear error without spaCy."""

from __future__ import annotations

import sys
import zlib
from collections import Counter
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
    docs = load(out)
    assert len(docs) == len(corpus)  # one Doc per document
    expanded = no_token = not_in_ents = other_ents = 0
    carried = set()
    for record, doc in zip(corpus, docs, strict=True):
        assert doc.text == record.document.text
        assert doc.user_data["uid"] == record.document.uid
        assert doc.user_data["title"] == record.document.title
        names = sorted({s.annotator for s in record.spans}
                       | {r.annotator for r in record.relations})
        ents_by = "gold" if "gold" in names else names[0] if names else None
        assert doc.user_data["ents"] == ents_by
        assert sorted(doc.spans) == sorted(["sc", *(f"sc:{name}" for name in names)])
        group = list(doc.spans["sc"])
        for span in group:
            assert span.text == doc.text[span.start_char:span.end_char]
        for s in record.spans:
            matches = [g for g in group if g.id_ == s.id]
            layer = [(g.start_char, g.end_char, g.label_) for g in doc.spans[f"sc:{s.annotator}"]
                     if g.id_ == s.id]
            if not matches:  # only a span on white space alone has no token
                assert not layer
                assert not doc.text[s.start:s.end].strip() or all(
                    t.is_space for t in doc if t.idx < s.end and t.idx + len(t) > s.start)
                no_token += 1
                continue
            [g] = matches
            carried.add(s.id)
            assert layer == [(g.start_char, g.end_char, g.label_)]
            assert g.label_ == s.label
            inked = [i for i in range(s.start, s.end) if not doc.text[i].isspace()]
            if inked:  # every visible character of the span stays in it
                assert g.start_char <= inked[0] and inked[-1] < g.end_char
            else:  # white space alone: it is on a white-space token
                assert g.start_char < s.end and s.start < g.end_char
            expanded += (g.start_char, g.end_char) != (s.start, s.end)
        ents = sorted(doc.ents, key=lambda e: e.start)
        assert all(a.end <= b.start for a, b in pairwise(ents))
        def is_entity(g) -> bool:
            return SCHEMA.label(g.label_).category == "entity"
        chosen = [g for g in doc.spans[f"sc:{ents_by}"] if is_entity(g)] if ents_by else []
        assert {(e.start_char, e.end_char, e.label_) for e in ents} <= {
            (g.start_char, g.end_char, g.label_) for g in chosen}
        not_in_ents += len(chosen) - len(ents)
        other_ents += sum(is_entity(g) for g in group) - len(chosen)
    assert report.lost[spacy_docbin.REALIGNED] == expanded
    assert report.lost[spacy_docbin.LOST_NO_TOKEN] == no_token
    assert report.lost[spacy_docbin.NOT_IN_ENTS] == not_in_ents
    assert report.lost[spacy_docbin.OTHER_ENTS] == other_ents
    assert report.lost[LOST_RELATIONS] == sum(len(r.relations) for r in corpus)
    back = list(spacy_docbin.read(out, SCHEMA, ImportOptions()))
    assert Counter((r.document.uid, s.id, s.annotator, s.label) for r in back for s in r.spans) \
        == Counter((r.document.uid, s.id, s.annotator, s.label) for r in corpus for s in r.spans
                   if s.id in carried)
    assert report.spans == len(carried)


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


def test_docbin_without_annotator_groups_reads_sc_or_ents(tmp_path):
    nlp = spacy.blank("en")
    older = nlp.make_doc("Amina met the army")
    older.spans["sc"] = [older.char_span(0, 5, label="PERSON"), older.char_span(10, 18,
                                                                                 label="ORG")]
    older.user_data["annotator"] = "ben"
    foreign = nlp.make_doc("Keita spoke")
    foreign.ents = [foreign.char_span(0, 5, label="PERSON")]
    path = tmp_path / "x.spacy"
    DocBin(docs=[older, foreign], store_user_data=True).to_disk(path)
    first, second = spacy_docbin.read(path, SCHEMA, ImportOptions(annotator="kofi"))
    assert sorted((s.start, s.end, s.label, s.annotator) for s in first.spans) == [
        (0, 5, "PERSON", "ben"), (10, 18, "ORG", "ben")]
    assert [(s.start, s.end, s.label, s.annotator) for s in second.spans] == [
        (0, 5, "PERSON", "kofi")]


def test_missing_spacy_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy", None)
    with pytest.raises(CounterclaimError, match=r"^spaCy is not installed: pip install "
                                                r"'counterclaim\[spacy\]'$"):
        spacy_docbin.write([], tmp_path / "x.spacy", SCHEMA)
    assert not (tmp_path / "x.spacy").exists()


def test_failed_large_export_writes_nothing(tmp_path, small_chunks, two_annotator_corpus):
    def records():
        yield from two_annotator_corpus(9)
        raise RuntimeError("store went away")

    with pytest.raises(RuntimeError, match="store went away"):
        spacy_docbin.write(records(), tmp_path / "x.spacy", SCHEMA)
    assert list(tmp_path.iterdir()) == []


def test_docbin_is_deflated_fast_and_spacy_left_as_it_was(tmp_path, two_annotator_corpus):
    from spacy.tokens import _serialize

    out = tmp_path / "x.spacy"
    spacy_docbin.write(two_annotator_corpus(3), out, SCHEMA)
    data = out.read_bytes()
    assert zlib.compress(zlib.decompress(data), 1) == data  # level 1: the patch took effect
    assert _serialize.zlib is zlib  # and was undone
    assert len(load(out)) == 3
