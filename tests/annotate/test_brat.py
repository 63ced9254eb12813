"""brat standoff in full: file names with dots, annotation.conf, events, discontinuous spans,
notes, comments, normalisations and equivalences (issue 14 point 2). The fixtures are small
files written here; test_brat_corpus.py reads the real corpora of ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.errors import InputError
from annotate.formats import brat
from annotate.formats.base import ImportOptions
from annotate.schema import LabelSchema


def folder(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    for name, content in files.items():
        (root / name).write_text(content, encoding="utf-8", newline="")
    return root


def read(root: Path, schema: LabelSchema | None = None, **options) -> list:
    options.setdefault("add_labels", True)
    return list(brat.read(root, schema or LabelSchema(), ImportOptions(**options)))


def test_a_name_with_dots_pairs_its_txt_and_ann(tmp_path):
    root = folder(tmp_path, {
        "esp.train-doc-29.txt": "Madrid y Lisboa",
        "esp.train-doc-29.ann": "T1\tLOC 0 6\tMadrid\nT2\tLOC 9 15\tLisboa\n",
        "esp.train-doc-30.txt": "Sin nada",
    })
    records = {r.document.title: r for r in read(root)}
    assert sorted(records) == ["esp.train-doc-29", "esp.train-doc-30"]
    assert [(s.start, s.end, s.label) for s in records["esp.train-doc-29"].spans] == [
        (0, 6, "LOC"), (9, 15, "LOC")]
    assert records["esp.train-doc-30"].spans == ()


FIXTURE = Path(__file__).resolve().parents[1] / "data" / "brat"


def fixture_records() -> dict[str, object]:
    return {r.document.title: r for r in read(FIXTURE)}


def by_label(record) -> dict[str, list]:
    found: dict[str, list] = {}
    for span in record.spans:
        found.setdefault(span.label, []).append(span)
    return found


def test_an_event_is_a_span_marked_with_its_trigger_and_relations_for_its_roles():
    record = fixture_records()["news.2024-06"]
    spans = by_label(record)
    [merge] = spans["Merge-org"]  # T6 stands in its event E1's span: no span of its own
    assert merge.attributes == {brat.EVENT: "Merge-org", "Confidence": "High"}
    assert (merge.start, merge.end) == (59, 65)
    roles = sorted((r.type, next(s.start for s in record.spans if s.id == r.target))
                   for r in record.relations if r.source == merge.id)
    assert roles == [("Org-Arg", 50), ("Org-Arg", 66)]  # Org-Arg2 is a second Org-Arg
    [report] = spans["Report"]
    assert report.note == "reported speech"
    assert {(r.type, r.target) for r in record.relations if r.source == report.id} == {
        ("Reporter-Arg", spans["Person"][1].id), ("Event-Arg", merge.id)}
    moves = spans["Move"]  # one trigger, two events: two spans where it lies
    assert len(moves) == 2 and {(m.start, m.end) for m in moves} == {(80, 84)}


def test_a_discontinuous_span_keeps_its_fragments_and_one_split_at_a_line_break_is_joined():
    records = fixture_records()
    [units] = [s for s in by_label(records["news.2024-06"])["Organization"] if s.fragments]
    assert (units.start, units.end, units.fragments) == (66, 75, ((66, 69), (70, 75)))
    madrid = by_label(records["esp.train-doc-29"])["LOC"][0]
    assert (madrid.start, madrid.end, madrid.fragments) == (0, 13, ())


def test_notes_comments_normalisations_and_equivalences_are_kept():
    record = fixture_records()["news.2024-06"]
    spans = by_label(record)
    amina, she = spans["Person"]
    bamako = spans["GPE"][0]
    army = next(s for s in spans["Organization"] if not s.fragments)
    assert amina.attributes == {"Mention": "Name", "Individual": True, "*Alias": "1"}
    assert she.attributes == {"*Alias": "1"}
    assert bamako.note == "capital of Mali"
    assert bamako.attributes == {"N:Reference": "Wikipedia:3560\tBamako"}
    assert army.attributes == {"#Lemma": " army"}
    [located] = [r for r in record.relations if r.type == "Located"]
    assert located.note == "where she met them"


def test_the_conf_declares_entities_events_roles_and_attributes():
    schema = brat.declared_schema(FIXTURE)
    assert schema.label("Merge-org").attribute(brat.EVENT).type == "text"
    assert schema.label("Report").attribute("Confidence").choices == ("High", "Low")
    assert schema.label("Person").attribute("Mention").choices == ("Name", "Nominal")
    assert schema.relation_type("Org-Arg").source_labels == ("Merge-org",)
    assert schema.relation_type("Org-Arg").target_labels == ("Organization",)
    event_arg = schema.relation_type("Event-Arg")
    assert event_arg.target_labels == ("Merge-org", "Report", "Move")
    assert schema.relation_type("Agent-Arg").target_labels == ()  # <ENTITY>: any


def test_role_numbers_are_read_and_written_back():
    assert brat.role_types(["Theme", "Theme2", "Theme3", "Cause"]) == [
        "Theme", "Theme", "Theme", "Cause"]
    assert brat.role_types(["MyArg2"]) == ["MyArg2"]  # not a count: kept as written
    assert brat.role_types(["Theme", "Theme3"]) == ["Theme", "Theme3"]
    assert brat.role_names(["Theme", "Theme", "Cause"]) == ["Theme", "Theme2", "Cause"]


def test_what_has_no_place_is_counted_not_dropped(tmp_path):
    root = folder(tmp_path, {
        "d.txt": "Amina met Kofi",
        "d.ann": "T1\tPerson 0 5\tAmina\nT2\tPerson 10 14\tKofi\nR1\tKnows Arg1:T1 Arg2:T2\n"
                 "A1\tSure R1\n#1\tLemma R1\tknow\n#2\tAnnotatorNotes R1\tfriends\n",
    })
    options = ImportOptions(add_labels=True)
    [record] = brat.read(root, LabelSchema(), options)
    assert [r.note for r in record.relations] == ["friends"]
    assert dict(options.not_imported) == {
        "attributes on relations (a relation holds a note only)": 1,
        "comments (other than AnnotatorNotes) on relations (a relation holds a note only)": 1}


def test_a_label_map_renames_an_event_and_its_trigger_alike():
    [record] = [r for r in read(FIXTURE, label_map={"Merge-org": "Merger"})
                if r.document.title == "news.2024-06"]
    [merger] = by_label(record)["Merger"]
    assert merger.attributes[brat.EVENT] == "Merger"


def test_an_equivalence_line_without_type_or_ids_is_refused_naming_its_line(tmp_path):
    root = folder(tmp_path, {"doc.txt": "The army said", "doc.ann": "T1\tORG 4 8\tarmy\n*\n"})
    with pytest.raises(InputError, match="an equivalence needs a type and two ids") as refused:
        read(root)
    assert "line 2" in str(refused.value)


@pytest.mark.parametrize(("first", "second"), [
    ("A1\tKind T1 a", "A2\tKind T1 b"), ("A1\tKind T1 a", "A2\tKind T1 a"),
    ("A1\tKind T1 a", "A2\tKind T1"),
    ("A1\tAnnotator T1 amina", "A2\tAnnotator T1 bruno"),  # whose span: the last name won
])
def test_an_attribute_given_twice_on_one_annotation_is_refused_naming_its_line(
        tmp_path, first, second):
    root = folder(tmp_path, {"doc.txt": "The army said",
                             "doc.ann": f"T1\tORG 4 8\tarmy\n{first}\n{second}\n"})
    name = first.split()[1]
    with pytest.raises(InputError, match=f"T1 already has the attribute {name}") as refused:
        read(root)  # the last line's value was kept, the first one's dropped unsaid
    assert "doc.ann:line 3" in str(refused.value)
