"""Reading spaCy DocBins: every span group and doc.ents as layers, user data kept, and what has
no place here (doc.cats, token annotations, kb ids, group attributes) counted, never dropped
in silence; bad bytes named."""

from __future__ import annotations

import zlib
from dataclasses import replace
from pathlib import Path

import pytest
import spacy
from formats_strategies import SCHEMA
from spacy.tokens import Doc, DocBin

from annotate.errors import InputError
from annotate.formats import spacy_docbin
from annotate.formats.base import ImportOptions
from annotate.model import new_id
from annotate.schema import LabelSchema

if not Doc.has_extension("source"):
    Doc.set_extension("source", default=None)


def read(path: Path, **options) -> tuple[list, dict[str, int]]:
    chosen = ImportOptions(add_labels=True, **options)
    records = list(spacy_docbin.read(path, LabelSchema(()), chosen))
    return records, dict(chosen.not_imported)


def layers(record) -> dict[str, list[tuple[str, str]]]:
    text = record.document.text
    found: dict[str, list[tuple[str, str]]] = {}
    for s in sorted(record.spans, key=lambda s: (s.start, s.end, s.label)):
        found.setdefault(s.annotator, []).append((s.label, text[s.start:s.end]))
    return found


@pytest.fixture
def foreign(tmp_path: Path) -> Path:
    """A DocBin as a spaCy pipeline leaves it: entities with a kb id, the default span group
    repeating an entity, another group with attributes, categories, token tags, custom user
    data (one value JSON cannot hold), and an empty Doc."""
    nlp = spacy.blank("en")
    doc = nlp.make_doc("Amina Keita met the army in Kidal on Monday.")
    doc.ents = [doc.char_span(0, 11, label="PERSON", kb_id="Q1"),
                doc.char_span(28, 33, label="GPE")]
    doc.spans["sc"] = [doc.char_span(0, 11, label="PERSON"), doc.char_span(16, 24, label="ORG")]
    doc.spans["ruler"] = [doc.char_span(37, 43, label="DATE"), doc.char_span(0, 5, label="NAME")]
    doc.spans["ruler"].attrs["source"] = "patterns.jsonl"
    doc.cats = {"CONFLICT": 1.0, "SPORT": 0.0}
    for token in doc:
        token.tag_ = "X"
    doc._.source = "wire"
    doc.user_data["batch"] = {"n": 3, "when": "2026-12-04"}
    doc.user_data["raw"] = b"\x00\x01"
    empty = nlp.make_doc("")
    plain = nlp.make_doc("Nothing here.")
    path = tmp_path / "pipeline.spacy"
    DocBin(docs=[doc, empty, plain], store_user_data=True,
           attrs=["ORTH", "TAG", "ENT_IOB", "ENT_TYPE", "ENT_KB_ID"]).to_disk(path)
    return path


def test_every_group_and_the_entities_are_layers(foreign: Path):
    (record, plain), lost = read(foreign, annotator="pipeline")
    assert layers(record) == {
        "pipeline": [("PERSON", "Amina Keita"), ("ORG", "the army"), ("GPE", "Kidal")],
        "pipeline:ruler": [("NAME", "Amina"), ("DATE", "Monday")],
    }
    assert plain.spans == () and plain.document.text == "Nothing here."
    assert (record.document.title, plain.document.title) == ("pipeline.spacy #1",
                                                             "pipeline.spacy #3")
    assert [(d.category, d.value, d.annotator) for d in record.doc_labels] == [
        ("label", "CONFLICT", "pipeline")]  # a score under 0.5 is no label
    assert lost == {
        "doc.user_data values JSON cannot hold (bytes, objects)": 1,
        "empty Docs (no text to annotate)": 1,
        "knowledge-base ids of spans (kb_id)": 1,
        "span group attributes (SpanGroup.attrs)": 1,
        "spans repeated in doc.ents (kept once)": 1,
        "token TAG annotations (tokens are not kept)": 10,
    }


def test_user_data_is_kept_in_the_metadata(foreign: Path):
    (record, _), _ = read(foreign)
    assert record.document.meta == {"spacy_user_data": {
        "._.source": "wire", "batch": {"n": 3, "when": "2026-12-04"}}}


def test_the_file_names_the_annotator_of_sc_and_ents(tmp_path: Path):
    doc = spacy.blank("en").make_doc("Keita spoke")
    doc.ents = [doc.char_span(0, 5, label="PERSON")]
    doc.user_data["annotator"] = "ben"
    path = tmp_path / "x.spacy"
    DocBin(docs=[doc], store_user_data=True).to_disk(path)
    ([record], lost) = read(path, annotator="kofi")
    assert layers(record) == {"ben": [("PERSON", "Keita")]} and lost == {}


def test_our_export_reads_back_whole_and_counts_nothing(tmp_path: Path, two_annotator_corpus):
    corpus = [replace(record, spans=tuple(replace(s, id=new_id()) for s in record.spans))
              for record in two_annotator_corpus(3)]  # a store's ids (the fixture's are not)
    for record in corpus:
        record.document.meta["source"] = "wire"
    out = tmp_path / "ours.spacy"
    report = spacy_docbin.write(corpus, out, SCHEMA)
    records, lost = read(out)
    assert lost == {}
    assert len(records) == 3
    for before, after in zip(corpus, records, strict=True):
        assert after.document.title == before.document.title
        assert after.document.meta == {"source": "wire"}
        assert {s.id for s in after.spans} == {s.id for s in before.spans}
        assert {(s.id, s.annotator, s.label) for s in after.spans} == {
            (s.id, s.annotator, s.label) for s in before.spans}
    assert sum(len(r.spans) for r in records) == report.spans


@pytest.mark.parametrize("content", [b"", b"not a docbin", b"\x78\x9c" + b"\x00" * 40,
                                     b"\x92\x01\x02"])
def test_bad_bytes_are_named(tmp_path: Path, content: bytes):
    path = tmp_path / "bad.spacy"
    path.write_bytes(content)
    with pytest.raises(InputError, match=rf"^{path}: not a spaCy DocBin"):
        read(path)


def test_a_label_spacy_allows_and_we_do_not_is_named(tmp_path: Path):
    doc = spacy.blank("en").make_doc("Keita spoke")
    doc.spans["sc"] = [doc.char_span(0, 5, label="BAD\tLABEL")]
    path = tmp_path / "x.spacy"
    DocBin(docs=[doc], store_user_data=True).to_disk(path)
    with pytest.raises(InputError, match=r"x.spacy:doc 1: span \[0, 5\): label 'BAD\\tLABEL' "
                                         r"holds U\+0009"):
        read(path)


def test_a_docbin_inflating_past_the_limit_is_refused_before_it_is_inflated(
        tmp_path: Path, monkeypatch):
    """A DocBin is deflated msgpack, which spaCy inflated whole whatever its size: a file of
    a few MB inflating to GBs (a zlib bomb) filled the memory before anything was checked."""
    monkeypatch.setattr(spacy_docbin, "MAX_INFLATED_BYTES", 1_000_000, raising=False)
    path = tmp_path / "bomb.spacy"
    path.write_bytes(zlib.compress(b"\0" * 1_000_001, 9))  # 1 KB here; 1 GB is 1 MB
    with pytest.raises(InputError, match=rf"^{path}: inflates to more than 1,000,000 bytes"):
        read(path)
