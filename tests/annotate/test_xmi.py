"""UIMA CAS XMI (INCEpTION) through dkpro-cassis: real INCEpTION CASes from ../shared, our own
INCEpTION-style fixture in tests/fixtures, round trips, UTF-16 offsets outside the BMP, and
hostile XML and archives."""

from __future__ import annotations

import itertools
import json
import time
import zipfile
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from cassis import load_cas_from_xmi, load_typesystem

from annotate import formats, model
from annotate.errors import InputError
from annotate.formats import xmi
from annotate.formats.base import ImportOptions, Intake
from annotate.model import GOLD, AnnotatedDocument, DocLabel, Document, Relation, Span
from annotate.schema import (
    AttributeDef,
    DocCategory,
    DocValue,
    Label,
    LabelSchema,
    RelationType,
)
from db.store import Store
from db.transfer import import_paths
from desktop.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "xmi"
WEBANNO = next((up / "shared" / "interop-corpus" / "webanno"
                for up in Path(__file__).resolve().parents
                if (up / "shared" / "interop-corpus").is_dir()), Path("no-interop-corpus"))
shared = pytest.mark.skipif(not WEBANNO.is_dir(), reason="the shared interop corpus is not here")

TEXT = "Émile 😀 met Zoë in Köln.\r\nTabs\there, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 too."
DOC = Document(TEXT, "Meeting 😀", meta={"documentUri": "file:/x", "source": {"n": [1, 2]}})
SCHEMA = LabelSchema(
    (Label("PER", attributes=(AttributeDef("certain", "bool"), AttributeDef("score", "number"),
                              AttributeDef("role", "choice", ("host", "guest")),
                              AttributeDef("comment", "text"))),
     Label("LOC")),
    (RelationType("meets"),),
    (DocCategory("stance", (DocValue("pro"), DocValue("contra")), multi=True),),
)


def read(path: Path, schema: LabelSchema = SCHEMA, **options) -> tuple[list[AnnotatedDocument],
                                                                       ImportOptions]:
    opts = ImportOptions(**options)
    return list(xmi.read(path, schema, opts)), opts


def spans_of(record: AnnotatedDocument) -> list[tuple[int, int, str, str]]:
    text = record.document.text
    return sorted((s.start, s.end, s.label, text[s.start:s.end]) for s in record.spans)


# -- INCEpTION's own files ---------------------------------------------------------------------
@shared
def test_inceptions_relation_export_maps_layers_to_labels_and_relations():
    records, opts = read(WEBANNO / "inception-relation_test", LabelSchema((), ()),
                         add_labels=True, label_map={"located in": "located_in"})
    (record,) = records
    assert record.document.text == "Darmstadt is in Hessen.\r\nHannover is in Lower Saxony."
    assert record.document.title == "relation_test.txt"
    assert record.document.meta["documentUri"].endswith("/source/relation_test.txt")
    assert spans_of(record) == [(0, 9, "city", "Darmstadt"), (16, 22, "state", "Hessen"),
                                (25, 33, "city", "Hannover"), (40, 52, "state", "Lower Saxony")]
    (rel,) = record.relations
    ends = {s.id: record.document.text[s.start:s.end] for s in record.spans}
    assert (rel.type, ends[rel.source], ends[rel.target]) == ("located_in", "Darmstadt", "Hessen")
    assert dict(opts.not_imported) == {
        "tokens (no tokenisation is kept)": 11,
        "sentences (no sentence split is kept)": 2,
        "tagset descriptions (the schema keeps no tagsets)": 4,
    }


@shared
def test_a_slot_feature_is_counted_never_dropped_silently():
    records, opts = read(WEBANNO / "cassis-testSimpleSlotFeature", LabelSchema((), ()),
                         add_labels=True)
    assert spans_of(records[0]) == [(0, 4, "SimpleLinkHost", "This"), (5, 7, "SimpleSpan", "is"),
                                    (8, 9, "SimpleSpan", "a")]
    assert opts.not_imported[xmi.SKIP_SLOTS] == 2


@shared
def test_a_cas_without_a_type_system_gets_one_inferred_from_its_elements():
    records, opts = read(WEBANNO / "testSingleTokenWithoutFeatureValue-reference.xmi",
                         LabelSchema((), ()), add_labels=True)
    assert spans_of(records[0]) == [(0, 4, "NamedEntity", "This")]
    assert opts.not_imported["tokens (no tokenisation is kept)"] == 5


@shared
def test_the_cli_reports_what_was_not_imported_also_in_a_dry_run(tmp_path, capsys):
    db = str(tmp_path / "s.sqlite")
    assert main(["import", "--db", db, "--add-labels", "--dry-run", "--map",
                 "located in=located_in", str(WEBANNO / "inception-relation_test")]) == 0
    out = capsys.readouterr().out
    assert "not imported: 2 sentences (no sentence split is kept); 4 tagset descriptions" in out
    assert "11 tokens" in out


# -- our own INCEpTION-style fixture (UTF-16 offsets, layers, slots) -------------------------------
def test_an_inception_project_layout_names_the_annotator_and_converts_utf16_offsets():
    records, opts = read(FIXTURES / "inception-style", LabelSchema((), ()), add_labels=True)
    (record,) = records
    assert record.document.text == "Émile 😀 met Zoë in Köln."
    # in the file, Zoë is at UTF-16 units 13-16 and Köln at 20-24 (the emoji counts twice)
    assert spans_of(record) == [(0, 5, "PER", "Émile"), (8, 11, "Meeting", "met"),
                                (12, 15, "PER", "Zoë"), (19, 23, "Place", "Köln")]
    assert {s.annotator for s in record.spans} == {"amina"}
    by_label = {s.label: s for s in record.spans}
    assert by_label["PER"].attributes in ({"confidence": 0.5}, {})
    assert by_label["Place"].attributes == {"capital": False}
    (rel,) = record.relations
    assert rel.type == "meets"
    assert [(d.annotator, d.category, d.value) for d in record.doc_labels] == [
        ("amina", "Sentiment", "positive")]  # a document metadata layer
    assert dict(opts.not_imported) == {
        xmi.SKIP_DOC_NO_VALUE: 1,
        "tokens (no tokenisation is kept)": 3,
        xmi.SKIP_ZERO_WIDTH: 1,
        xmi.SKIP_ENDS: 1,  # a relation from a token
        xmi.SKIP_SLOTS: 2,
        xmi.SKIP_STRUCTURED: 1,  # a string array
    }


def test_the_same_layout_reads_from_a_zip(tmp_path, monkeypatch):
    seconds = itertools.count(time.time())  # each read in a second of its own, as under load
    monkeypatch.setattr(model, "time", SimpleNamespace(
        strftime=time.strftime, gmtime=time.gmtime, time=lambda: next(seconds)))
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in (FIXTURES / "inception-style").rglob("*"):
            if path.is_file():
                zipped.write(path, path.relative_to(FIXTURES / "inception-style").as_posix())
    assert formats.detect(archive) == "xmi"
    from_zip, _ = read(archive, LabelSchema((), ()), add_labels=True)
    from_folder, _ = read(FIXTURES / "inception-style", LabelSchema((), ()), add_labels=True)
    assert untimed(from_zip) == untimed(from_folder)


def untimed(records: list[AnnotatedDocument]) -> list[AnnotatedDocument]:
    """``records`` with their spans' times left out: a CAS holds none, so each read stamps
    its spans with the second it ran in, and two reads may straddle a second."""
    return [replace(r, spans=tuple(replace(s, created="", updated="") for s in r.spans))
            for r in records]


# -- round trips -----------------------------------------------------------------------------------
def record() -> AnnotatedDocument:
    u = DOC.uid
    spans = (
        Span(u, 0, 5, "PER", "amina", "a1", {"certain": True, "score": 0.75, "role": "host"},
             "a note\nwith a line"),
        Span(u, 8, 11, "LOC", "amina", "a2"),
        Span(u, 12, 15, "PER", "amina", "a3", {"comment": "Zoë 😀", "score": 3}),
        Span(u, 37, 44, "LOC", "amina", "a4"),  # 𝔘𝔫𝔦𝔠𝔬𝔡𝔢: seven astral characters
        Span(u, 0, 5, "PER", GOLD, "g1"),
        Span(u, 19, 23, "LOC", "INITIAL_CAS", "b1"),
    )
    relations = (Relation("meets", "a1", "a3", "amina", "r1"),
                 Relation("meets", "a3", "a4", "amina", "r2"))
    labels = (DocLabel(u, "stance", "contra", "amina"), DocLabel(u, "stance", "pro", "chloé"))
    return AnnotatedDocument(DOC, spans, relations, doc_labels=labels)


def comparable(records: list[AnnotatedDocument]) -> tuple:
    spans = sorted((s.annotator, s.start, s.end, s.label, tuple(sorted(s.attributes.items())),
                    s.note) for r in records for s in r.spans)
    by_id = {s.id: (s.annotator, s.start, s.label) for r in records for s in r.spans}
    relations = sorted((r.type, by_id[r.source], by_id[r.target]) for rec in records
                       for r in rec.relations)
    docs = {(r.document.uid, r.document.title, json.dumps(r.document.meta, sort_keys=True))
            for r in records}
    labels = sorted((d.annotator, d.category, d.value) for r in records for d in r.doc_labels)
    return spans, relations, docs, labels


def test_a_round_trip_keeps_every_layer_attribute_note_relation_and_the_metadata(tmp_path):
    out = tmp_path / "export"
    report = xmi.write([record()], out, SCHEMA)
    assert report.lost == {}
    assert sorted(p.name for p in out.iterdir()) == [".counterclaim-export.json",
                                                     "Meeting-" + DOC.uid[:12],
                                                     "TypeSystem.xml"]
    assert sorted(p.name for p in (out / f"Meeting-{DOC.uid[:12]}").iterdir()) == [
        "%49NITIAL_CAS.xmi", "CURATION_USER.xmi", "amina.xmi", "chlo%C3%A9.xmi"]
    back, opts = read(out)
    assert comparable(back) == comparable([record()])
    assert not opts.not_imported
    assert all(r.document.text == TEXT for r in back)


def test_the_export_counts_utf16_units_as_inception_does(tmp_path):
    out = tmp_path / "export"
    xmi.write([record()], out, SCHEMA)
    types = load_typesystem((out / "TypeSystem.xml").read_text(encoding="utf-8"))
    raw = (out / f"Meeting-{DOC.uid[:12]}" / "amina.xmi").read_text(encoding="utf-8")
    assert 'begin="13" end="16"' in raw  # Zoë, after an emoji of two UTF-16 units
    assert 'begin="38" end="52"' in raw  # 𝔘𝔫𝔦𝔠𝔬𝔡𝔢: 37-44 in code points
    cas = load_cas_from_xmi(raw, typesystem=types)
    covered = sorted(s.get_covered_text() for s in cas.select(xmi.SPAN_TYPE))
    assert covered == ["Zoë", "met", "Émile", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢"]
    (rel,) = [r for r in cas.select(xmi.RELATION_TYPE) if r.Governor.begin == 0]
    assert (rel.label, rel.Dependent.get_covered_text()) == ("meets", "Zoë")
    assert (rel.begin, rel.end) == (rel.Dependent.begin, rel.Dependent.end)
    (meta,) = cas.select(xmi.METADATA_TYPE)
    assert (meta.documentTitle, meta.documentUri) == ("Meeting 😀", "file:/x")


def test_what_xmi_cannot_hold_is_counted(tmp_path):
    doc = Document("bell\x07 here", "t\x01")
    odd = LabelSchema((Label("PER", attributes=(AttributeDef("two words", "text"),
                                                AttributeDef("label", "text"))),), ())
    span = Span(doc.uid, 0, 4, "PER", "amy", "s", {"two words": "x", "label": "y"})
    report = xmi.write([AnnotatedDocument(doc, (span,), (), {"amy": "done"})], tmp_path / "o",
                       odd)
    assert report.lost == {xmi.NOT_XML: 2, xmi.LOST_FEATURE_NAMES: 2,
                           "statuses not carried": 1}
    (back,), _ = read(tmp_path / "o", odd)
    assert back.document.text == "bell\ufffd here"  # same length: every offset holds


def test_an_integer_a_double_cannot_hold_exactly_is_counted_not_forged(tmp_path):
    """A number feature is a uima.cas.Double, which holds every integer up to 2**53 exactly:
    a larger one (a number attribute holds any 64-bit integer) read back as another number."""
    u = DOC.uid
    spans = (Span(u, 0, 5, "PER", "amy", "s1", {"score": 2**53}),
             Span(u, 8, 11, "PER", "amy", "s2", {"score": 2**53 + 1}),
             Span(u, 12, 15, "PER", "amy", "s3", {"score": -(2**62) - 1}))
    report = xmi.write([AnnotatedDocument(DOC, spans)], tmp_path / "o", SCHEMA)
    assert report.lost == {xmi.LOST_FEATURE_TYPES: 2}
    (back,), _ = read(tmp_path / "o")
    assert sorted((s.start, s.attributes.get("score")) for s in back.spans) == [
        (0, 2**53), (8, None), (12, None)]


# -- hostile input ---------------------------------------------------------------------------------
def write_case(folder: Path, xmi_text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "doc.xmi").write_text(xmi_text, encoding="utf-8")
    return folder / "doc.xmi"


def test_broken_xml_is_refused_naming_file_line_and_column(tmp_path):
    path = write_case(tmp_path, '<?xml version="1.0"?>\n<xmi:XMI xmlns:xmi="x">\n<a></b>\n')
    with pytest.raises(InputError) as caught:
        read(path)
    assert str(caught.value).startswith(f"{path}:line 3, column")
    assert "not well-formed XML" in str(caught.value)


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY e "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
])
def test_entity_declarations_are_refused_before_anything_expands(tmp_path, doctype):
    path = write_case(tmp_path, f'<?xml version="1.0"?>{doctype}<x>&e;</x>')
    with pytest.raises(InputError, match="declares a document type"):
        read(path)


def test_a_span_outside_the_text_is_refused_naming_the_element(tmp_path):
    out = tmp_path / "export"
    xmi.write([record()], out, SCHEMA)
    case = out / f"Meeting-{DOC.uid[:12]}" / "amina.xmi"
    case.write_text(case.read_text(encoding="utf-8").replace('begin="13" end="16"',
                                                             'begin="13" end="9999"'))
    with pytest.raises(InputError) as caught:
        read(out)
    assert str(caught.value).startswith(f"{case}:Span xmi:id")


def test_an_archive_member_pointing_outside_is_refused(tmp_path):
    archive = tmp_path / "slip.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("../../evil.xmi", "<x/>")
    with pytest.raises(InputError, match="points outside"):
        read(archive)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    monkeypatch.setattr("annotate.formats.xmlsafe.MAX_MEMBER_BYTES", 1_000_000)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("doc.xmi", b"<x>" + b"0" * 5_000_000 + b"</x>")
    assert archive.stat().st_size < 50_000
    with pytest.raises(InputError, match=r"bomb\.zip:member doc\.xmi: the member unpacks to more"):
        read(archive)


def test_elements_the_type_system_does_not_describe_are_counted(tmp_path):
    out = tmp_path / "export"
    xmi.write([record()], out, SCHEMA)
    (out / "TypeSystem.xml").write_text(
        '<typeSystemDescription xmlns="http://uima.apache.org/resourceSpecifier"><types/>'
        "</typeSystemDescription>", encoding="utf-8")
    with pytest.warns(UserWarning):  # cassis's own word for each type it does not know
        back, opts = read(out)
    assert not any(r.spans for r in back)
    # per CAS (amina, chloé, gold, INITIAL_CAS-the-annotator): the metadata and the extra
    # metadata key; then the spans, relations and document labels
    assert opts.not_imported == {xmi.SKIP_UNKNOWN: 4 * 2 + 4 + 2 + 1 + 1 + 2}


def test_a_bad_file_imports_nothing_and_the_store_is_unchanged(tmp_path):
    out = tmp_path / "export"
    xmi.write([record()], out, SCHEMA)
    case = out / f"Meeting-{DOC.uid[:12]}" / "amina.xmi"
    case.write_text(case.read_text(encoding="utf-8")[:-40])
    store = Store.open(tmp_path / "s.sqlite")
    try:
        [result] = import_paths(store, [out], ImportOptions(add_labels=True))
        assert result.error is not None and str(case) in result.error
        assert store.count_documents() == 0
    finally:
        store.close()


def test_intake_lose_counts_into_the_options():
    opts = ImportOptions()
    intake = Intake(SCHEMA, opts, "f")
    intake.lose("things", 2)
    intake.lose("things")
    intake.lose("none", 0)
    assert dict(opts.not_imported) == {"things": 3}


def test_a_dry_run_reports_what_would_not_be_imported_and_writes_nothing(tmp_path, capsys):
    db = str(tmp_path / "s.sqlite")
    assert main(["import", "--db", db, "--add-labels", "--dry-run",
                 str(FIXTURES / "inception-style")]) == 0
    out = capsys.readouterr().out
    assert "  amina: spans 4 added; relations 1 added" in out
    assert ("  not imported: 1 document-level annotations without a value; 1 feature values "
            "holding arrays or other structures; 1 relations whose ends are not imported spans; "
            "2 slot feature links") in out
    store = Store.open(db)
    try:
        assert store.count_documents() == 0
    finally:
        store.close()


def test_the_journal_keeps_what_an_import_left_out(tmp_path):
    store = Store.open(tmp_path / "s.sqlite")
    try:
        [result] = import_paths(store, [FIXTURES / "inception-style"],
                                ImportOptions(add_labels=True))
        assert result.summary is not None
        assert result.summary.not_imported[xmi.SKIP_SLOTS] == 2
        assert result.summary.to_json()["not_imported"][xmi.SKIP_SLOTS] == 2
    finally:
        store.close()
