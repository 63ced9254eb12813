"""REFI-QDA projects (.qdpx): the export validated against the REFI-QDA schema from ../shared
(and, without it, by a structural check of our own), round trips with text outside the BMP,
a QualCoder-style project of our own in tests/fixtures, and hostile archives and XML."""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from annotate import formats
from annotate.errors import InputError
from annotate.formats import refiqda
from annotate.formats.base import ImportOptions
from annotate.model import AnnotatedDocument, DocLabel, Document, Relation, Span
from annotate.schema import (
    AttributeDef,
    DocCategory,
    DocValue,
    Label,
    LabelSchema,
    RelationType,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "refiqda" / "qualcoder-style"
XSD = next((up / "shared" / "interop-corpus" / "refi-qda" / "Project-mrt2019.xsd"
            for up in Path(__file__).resolve().parents
            if (up / "shared" / "interop-corpus").is_dir()), Path("no-interop-corpus"))
NS = {"q": refiqda.NS}
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

TEXT = "Rebels 😀 said the army fled 𝔗𝔬𝔴𝔫.\nZoë denied it."
DOC = Document(TEXT, "Report 😀", meta={"source": "wire"})
SCHEMA = LabelSchema((Label("CLAIM", attributes=(AttributeDef("certain", "bool"),)),
                      Label("ORG"), Label("LOCATION")), (RelationType("ABOUT"),),
                     (DocCategory("stance", (DocValue("pro"), DocValue("contra"))),))


def record() -> AnnotatedDocument:
    u = DOC.uid
    spans = (Span(u, 9, 27, "CLAIM", "amina", "s1", {"certain": True}, "a note 😀\nline two"),
             Span(u, 14, 22, "ORG", "amina", "s2"),
             Span(u, 28, 32, "LOCATION", "bruno", "s3"),  # 𝔗𝔬𝔴𝔫: four astral characters
             Span(u, 34, 37, "ORG", "bruno", "s4"))
    return AnnotatedDocument(DOC, spans, (Relation("ABOUT", "s1", "s2", "amina", "r1"),),
                             {"amina": "done"},
                             doc_labels=(DocLabel(u, "stance", "contra", "bruno"),))


def project_of(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("project.qde"))


def structure_problems(path: Path) -> list[str]:
    """Our own check of what the REFI-QDA schema requires of what we write, for a clone
    without ../shared: the root, GUIDs, codes referred to, texts present, positions."""
    problems = []
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("project.qde"))
        names = set(archive.namelist())
        if root.tag != f"{{{refiqda.NS}}}Project" or not root.get("name"):
            problems.append("root")
        guids = [el.get("guid") for el in root.iter() if el.get("guid") is not None]
        problems += [f"guid {g}" for g in guids if not GUID.fullmatch(g)]
        if len(guids) != len(set(guids)):
            problems.append("guids repeat")
        codes = {c.get("guid") for c in root.iterfind(".//q:Code", NS)}
        problems += [f"code {r.get('targetGUID')}" for r in root.iterfind(".//q:CodeRef", NS)
                     if r.get("targetGUID") not in codes]
        for source in root.iterfind(".//q:TextSource", NS):
            member = f"Sources/{source.get('plainTextPath').removeprefix('internal://')}"
            if member not in names:
                problems.append(f"missing {member}")
                continue
            text = archive.read(member).decode("utf-8")
            for sel in source.iterfind("q:PlainTextSelection", NS):
                start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
                if not 0 <= start < end <= len(text) or sel.find("q:Coding", NS) is None:
                    problems.append(f"selection {sel.get('guid')}")
    return problems


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    out = tmp_path / "project.qdpx"
    refiqda.write([record()], out, SCHEMA)
    return out


@pytest.mark.skipif(not XSD.is_file(), reason="the shared interop corpus is not here")
def test_the_export_is_valid_against_the_refi_qda_schema(exported):
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    assert schema.validate(project_of(exported)), schema.error_log


@pytest.mark.skipif(not XSD.is_file(), reason="the shared interop corpus is not here")
def test_our_fixture_is_valid_against_the_refi_qda_schema():
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    assert schema.validate(etree.parse(str(FIXTURE / "project.qde"))), schema.error_log


def test_the_export_passes_our_own_structural_check(exported):
    assert structure_problems(exported) == []


def test_positions_count_code_points_and_the_text_is_kept_whole(exported):
    root = project_of(exported)
    selections = {s.get("name"): (int(s.get("startPosition")), int(s.get("endPosition")))
                  for s in root.iterfind(".//q:PlainTextSelection", NS)}
    assert selections["𝔗𝔬𝔴𝔫"] == (28, 32)  # UTF-16 would say 29-37
    assert selections["Zoë"] == (34, 37)
    with zipfile.ZipFile(exported) as archive:
        (source,) = [n for n in archive.namelist() if n.startswith("Sources/")]
        assert archive.read(source).decode("utf-8") == TEXT


def test_a_round_trip_keeps_texts_codes_codings_notes_annotators_and_links(exported):
    assert formats.detect(exported) == "refi-qda"
    opts = ImportOptions()
    (back,) = refiqda.read(exported, SCHEMA, opts)
    assert back.document.text == TEXT and back.document.title == "Report 😀"
    assert sorted((s.annotator, s.start, s.end, s.label, s.note) for s in back.spans) == sorted(
        (s.annotator, s.start, s.end, s.label, s.note) for s in record().spans)
    ends = {s.id: (s.start, s.label) for s in back.spans}
    (rel,) = back.relations
    assert (rel.type, ends[rel.source], ends[rel.target], rel.annotator) == (
        "ABOUT", (9, "CLAIM"), (14, "ORG"), "amina")
    assert [(d.annotator, d.category, d.value) for d in back.doc_labels] == [
        ("bruno", "stance", "contra")]
    assert not opts.not_imported
    # read again: the same ids and values (the spans' times are the reading's: the file has none)
    (again,) = refiqda.read(exported, SCHEMA, ImportOptions())
    assert untimed(again) == untimed(back)


def untimed(record: AnnotatedDocument) -> AnnotatedDocument:
    """``record`` with its spans' times cleared (a second may pass between two readings)."""
    return replace(record, spans=tuple(replace(s, created="", updated="") for s in record.spans))


def test_what_qda_xml_has_no_place_for_is_counted(tmp_path):
    doc = Document("bell\x07 text", "t\x01itle", meta={"k": 1})
    span = Span(doc.uid, 0, 4, "CLAIM", "amy", "s", {"certain": False}, "n\x02")
    report = refiqda.write([AnnotatedDocument(doc, (span,), (), {"amy": "done"})],
                           tmp_path / "o.qdpx", SCHEMA)
    assert report.lost == {"attributes not carried": 1, "statuses not carried": 1,
                           "document metadata not carried": 1, refiqda.NOT_XML: 2}
    (back,) = refiqda.read(tmp_path / "o.qdpx", SCHEMA, ImportOptions())
    assert back.document.text == "bell\x07 text"  # a plain text file holds it whole


# -- a QualCoder-style project -----------------------------------------------------------------
def zipped(folder: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return out


def test_a_qualcoder_style_project_imports_and_counts_what_it_leaves_out(tmp_path):
    opts = ImportOptions(add_labels=True)
    records = list(refiqda.read(zipped(FIXTURE, tmp_path / "f.qdpx"), LabelSchema((), ()),
                                opts))
    interview, inline = records
    text = interview.document.text
    assert text.startswith("Interview 😀 with Zoë")  # the byte-order mark removed
    assert sorted((s.annotator, text[s.start:s.end], s.label) for s in interview.spans) == [
        ("amina", "Zoë", "PERSON"), ("amina", "the army", "ARMED_GROUP"),
        ("bruno", "Kidal", "LOCATION")]
    zoe = next(s for s in interview.spans if s.label == "PERSON")
    assert zoe.note == "The interviewee.\n\nFollow up with Zoë."
    (rel,) = interview.relations
    assert rel.type == "CLAIMED_BY"
    assert [(s.annotator, inline.document.text[s.start:s.end]) for s in inline.spans] == [
        ("bruno", "Gao")]
    # a coding of the whole source, its code at the top of the codebook: a flat label
    assert [(d.annotator, d.category, d.value) for d in interview.doc_labels] == [
        ("bruno", "label", "LOCATION")]
    assert dict(opts.not_imported) == {
        refiqda.SKIP_UNCODED: 1,
        refiqda.SKIP_OUTSIDE: 1,
        refiqda.SKIP_MEDIA.format("picture"): 1,
        refiqda.SKIP_LINKS: 2,  # across annotators; from a note
        refiqda.SKIP_PROJECT.format("cases"): 1,
        refiqda.SKIP_PROJECT.format("variables"): 1,
    }


# -- hostile input ---------------------------------------------------------------------------------
def archive_with(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def read_all(path: Path) -> list[AnnotatedDocument]:
    return list(refiqda.read(path, SCHEMA, ImportOptions(add_labels=True)))


def project_xml(body: str) -> bytes:
    return (f'<?xml version="1.0"?>\n<Project xmlns="{refiqda.NS}" name="p">\n{body}\n'
            "</Project>").encode()


def test_a_member_pointing_outside_the_archive_is_refused(tmp_path):
    path = archive_with(tmp_path / "slip.qdpx", {"project.qde": project_xml(""),
                                                 "Sources/../../../evil.txt": b"x"})
    with pytest.raises(InputError, match=r"slip\.qdpx:member .*evil\.txt.*points outside"):
        read_all(path)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    monkeypatch.setattr("annotate.formats.xmlsafe.MAX_MEMBER_BYTES", 1_000_000)
    body = ('<Sources><TextSource guid="5b1c6f0e-0000-4000-8000-000000000001" '
            'plainTextPath="internal://a.txt"/></Sources>')
    path = archive_with(tmp_path / "bomb.qdpx", {"project.qde": project_xml(body),
                                                 "Sources/a.txt": b"a" * 5_000_000})
    with pytest.raises(InputError, match=r"member Sources/a\.txt: the member unpacks to more"):
        read_all(path)


def test_entity_declarations_are_refused(tmp_path):
    xml = (b'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Description>&x;</Description>'
           b"</Project>")
    path = archive_with(tmp_path / "xxe.qdpx", {"project.qde": xml})
    with pytest.raises(InputError, match=r"xxe\.qdpx:project\.qde:line 1: the XML declares"):
        read_all(path)


def test_broken_xml_names_the_member_line_and_column(tmp_path):
    path = archive_with(tmp_path / "b.qdpx", {"project.qde": project_xml("<Sources>")})
    with pytest.raises(InputError, match=r"b\.qdpx:project\.qde:line \d+, column \d+: not well"):
        read_all(path)


@pytest.mark.parametrize(("selection", "words"), [
    ('startPosition="5" endPosition="999"', "does not lie in the text"),
    ('startPosition="x" endPosition="2"', "must be whole numbers"),
])
def test_a_bad_selection_is_refused_naming_its_line(tmp_path, selection, words):
    body = ('<CodeBook><Codes><Code guid="5b1c6f0e-0000-4000-8000-000000000c01" name="ORG" '
            'isCodable="true"/></Codes></CodeBook><Sources><TextSource '
            'guid="5b1c6f0e-0000-4000-8000-000000000001"><PlainTextContent>Some text here'
            f'</PlainTextContent>\n<PlainTextSelection guid="5b1c6f0e-0000-4000-8000-00000000'
            f'0002" {selection}><Coding guid="5b1c6f0e-0000-4000-8000-000000000003"><CodeRef '
            'targetGUID="5b1c6f0e-0000-4000-8000-000000000c01"/></Coding></PlainTextSelection>'
            "</TextSource></Sources>")
    path = archive_with(tmp_path / "bad.qdpx", {"project.qde": project_xml(body)})
    with pytest.raises(InputError, match=rf"project\.qde:line 4, PlainTextSelection: .*{words}"):
        read_all(path)


def test_a_coding_of_an_unknown_code_and_a_missing_text_are_refused(tmp_path):
    body = ('<Sources><TextSource guid="5b1c6f0e-0000-4000-8000-000000000001" '
            'plainTextPath="internal://gone.txt"/></Sources>')
    path = archive_with(tmp_path / "gone.qdpx", {"project.qde": project_xml(body)})
    with pytest.raises(InputError, match=r"gone\.qdpx:line 3, TextSource: .*no Sources/gone"):
        read_all(path)
    body = ('<Sources><TextSource guid="5b1c6f0e-0000-4000-8000-000000000001"><PlainTextContent>'
            'Text</PlainTextContent><PlainTextSelection guid="5b1c6f0e-0000-4000-8000-00000000'
            '0002" startPosition="0" endPosition="2"><Coding guid="5b1c6f0e-0000-4000-8000-0000'
            '00000003"><CodeRef targetGUID="5b1c6f0e-0000-4000-8000-00000000dead"/></Coding>'
            "</PlainTextSelection></TextSource></Sources>")
    path = archive_with(tmp_path / "code.qdpx", {"project.qde": project_xml(body)})
    with pytest.raises(InputError, match="which the codebook does not hold"):
        read_all(path)


def test_not_a_zip_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "fake.qdpx"
    path.write_bytes(b"PK\x03\x04 not a zip" * 50)
    with pytest.raises(InputError, match=r"fake\.qdpx: not a readable zip archive"):
        read_all(path)


def test_a_text_beginning_with_a_byte_order_mark_keeps_it_and_its_spans(tmp_path):
    """The reader drops a byte order mark other tools write before a source's text; a text of
    ours that begins with U+FEFF (a .txt imported with it kept, a JSONL field) is written with
    one more, so the import gets it back whole and every span where it was."""
    text = "\ufeffAmina said the army left"
    doc = Document(text, "bom")
    spans = (Span(doc.uid, 1, 6, "ORG", "amina", "s1"), Span(doc.uid, 16, 20, "ORG", "amina", "s2"))
    out = tmp_path / "bom.qdpx"
    refiqda.write([AnnotatedDocument(doc, spans)], out, SCHEMA)
    (back,) = refiqda.read(out, SCHEMA, ImportOptions())
    assert back.document.text == text
    assert sorted((s.start, s.end, text[s.start:s.end]) for s in back.spans) == [
        (1, 6, "Amina"), (16, 20, "army")]
