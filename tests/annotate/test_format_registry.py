"""The format registry: one entry says what each format is, and the writers and detection go
by it."""

from pathlib import Path

import pytest

from annotate import formats
from annotate.formats.base import (
    LOST_ACROSS,
    LOST_ATTRIBUTES,
    LOST_DOC_LABELS,
    LOST_FRAGMENTS,
    LOST_META,
    LOST_NOTES,
    LOST_RELATION_NOTES,
    LOST_RELATIONS,
    LOST_STATUSES,
    ExportReport,
    ImportOptions,
)
from annotate.model import AnnotatedDocument, DocLabel, Document, Relation, Span
from annotate.schema import DocCategory, DocValue, LabelSchema, default_schema

_DEFAULT = default_schema()
SCHEMA = LabelSchema(_DEFAULT.labels, _DEFAULT.relations,
                     (DocCategory("stance", (DocValue("disputes"),)),))

DOC = Document("Rebels said the army fled.", "Report", meta={"source": "wire"})
RECORD = AnnotatedDocument(
    DOC,
    (Span(DOC.uid, 0, 25, "CLAIM", "amy", "s1", {"certainty": "reported"}, "who?"),
     Span(DOC.uid, 16, 20, "ORG", "amy", "s2"),
     Span(DOC.uid, 0, 20, "ORG", "amy", "s3", fragments=((0, 6), (16, 20)))),
    (Relation("ABOUT", "s1", "s2", "amy", "r1", "sure?"),
     Relation("DENIES", "s1", "elsewhere", "amy", "r2", target_document="f" * 64)),
    {"amy": "done"},
    (DocLabel(DOC.uid, "stance", "disputes", "amy"),),
)
BOTH_WAYS = [name for name in formats.IMPORT_FORMATS if name in formats.EXPORT_FORMATS]
LOST = {"attributes": LOST_ATTRIBUTES, "notes": LOST_NOTES, "relations": LOST_RELATIONS,
        "statuses": LOST_STATUSES, "meta": LOST_META, "doc_labels": LOST_DOC_LABELS,
        "fragments": LOST_FRAGMENTS, "relation notes": LOST_RELATION_NOTES,
        "links across documents": LOST_ACROSS}


@pytest.mark.parametrize("name", formats.EXPORT_FORMATS)
def test_a_writer_counts_as_lost_just_what_its_entry_says_it_drops(name, tmp_path):
    fmt = formats.get(name)
    if name == "spacy":
        pytest.importorskip("spacy")
    out = tmp_path / f"out{fmt.suffix}"
    report: ExportReport = fmt.module().write([RECORD], out, SCHEMA)
    for part, reason in LOST.items():
        assert (reason in report.lost) == (part in fmt.drops), (name, part, report.lost)
    assert out.is_dir() == fmt.folder


@pytest.mark.parametrize("name", BOTH_WAYS)
def test_what_a_writer_writes_is_detected_as_its_format(name, tmp_path):
    fmt = formats.get(name)
    out = tmp_path / f"out{fmt.suffix}"
    fmt.module().write([RECORD], out, SCHEMA)
    assert formats.detect(out) == name
    assert callable(fmt.module().read)


def test_an_unknown_format_is_named_with_the_known_ones():
    with pytest.raises(ValueError, match="unknown format 'xml'; known: native, doccano"):
        formats.get("xml")


def test_plain_files_are_no_format(tmp_path: Path):
    for name, text in (("a.txt", "text"), ("b.csv", "x,y\n"), ("c.jsonl", '{"text": "t"}\n')):
        (tmp_path / name).write_text(text)
        assert formats.detect(tmp_path / name) is None


def _read_back(name: str, path: Path) -> list[AnnotatedDocument]:
    module = formats.module(name)
    if name == "native":
        return list(module.read(path))
    options = ImportOptions()
    if name == "csv":
        return list(module.read(path, SCHEMA, options, lambda uid: DOC.text))
    return list(module.read(path, SCHEMA, options))


@pytest.mark.parametrize("name", BOTH_WAYS)
def test_a_round_trip_keeps_what_the_entry_says_the_format_carries(name, tmp_path):
    fmt = formats.get(name)
    out = tmp_path / f"out{fmt.suffix}"
    fmt.module().write([RECORD], out, SCHEMA)
    (back,) = _read_back(name, out)
    kept = {
        "attributes": any(s.attributes for s in back.spans),
        "notes": any(s.note for s in back.spans),
        "relations": bool(back.relations),
        "statuses": bool(back.status),
        "meta": back.document.meta.get("source") == "wire",
        "doc_labels": bool(back.doc_labels),
        "fragments": any(s.fragments == ((0, 6), (16, 20)) for s in back.spans),
        "relation notes": any(r.note == "sure?" for r in back.relations),
        "links across documents": any(r.target_document == "f" * 64 for r in back.relations),
    }
    assert {part for part, here in kept.items() if here} == set(fmt.carries), name


def test_a_read_only_format_is_offered_for_import_and_never_for_export():
    assert "webanno-tsv" in formats.IMPORT_FORMATS
    assert "webanno-tsv" not in formats.EXPORT_FORMATS
    assert not hasattr(formats.module("webanno-tsv"), "write")
