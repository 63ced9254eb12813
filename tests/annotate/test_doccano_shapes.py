"""doccano: every shape it has written and imports, on small files of our own (tests/fixtures/
doccano), and the export in the shape the current doccano imports."""

import json
from pathlib import Path

import pytest

from annotate.errors import InputError
from annotate.formats import detect, doccano
from annotate.formats.base import ImportOptions
from annotate.model import AnnotatedDocument, Document, Relation, Span
from annotate.schema import default_schema

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "doccano"
TEXT = "Amina Diallo met the ministry in Kidal."


def read(name: str, **options) -> tuple[list[AnnotatedDocument], dict[str, int]]:
    opts = ImportOptions(add_labels=True, **options)
    records = list(doccano.read(FIXTURES / name, default_schema(), opts))
    return records, dict(opts.not_imported)


def spans(records) -> list[tuple[str, str, str]]:
    return sorted((s.annotator, s.label, r.document.text[s.start:s.end])
                  for r in records for s in r.spans)


def test_every_fixture_is_detected_as_doccano():
    for path in FIXTURES.iterdir():
        assert detect(path) == "doccano", path.name


def test_doccano_1x_annotations_keep_users_and_name_labels_by_id():
    records, lost = read("v1_annotations.jsonl")
    assert spans(records) == [("user1", "label-3", "Amina Diallo"), ("user1", "label-4", "Kidal"),
                              ("user2", "label-3", "Amina")]
    [record] = records
    assert record.document.meta == {"annotation_approver": None, "source": "wire", "id": 7}
    assert lost == {doccano.DOCUMENT_LABELS: 1}  # user 2's label 9 on the whole text


def test_doccano_1x_label_ids_follow_the_label_map():
    records, _ = read("v1_annotations.jsonl", label_map={"3": "PERSON", "4": "GPE"})
    assert spans(records) == [("user1", "GPE", "Kidal"), ("user1", "PERSON", "Amina Diallo"),
                              ("user2", "PERSON", "Amina")]


def test_label_lists_and_span_objects():
    records, lost = read("spans_label.jsonl")
    assert spans(records) == [("imported", "GPE", "Kidal"), ("imported", "PERSON", "Amina Diallo")]
    assert [r.document.text for r in records] == [TEXT, "Nothing here."]
    assert lost == {}


def test_a_pretty_printed_relation_object_spread_over_lines():
    records, lost = read("relations_pretty.jsonl")
    first, second = records
    [rel] = first.relations
    by_id = {s.id: first.document.text[s.start:s.end] for s in first.spans}
    assert (rel.type, by_id[rel.source], by_id[rel.target]) == ("LOCATED_IN", "Amina Diallo",
                                                               "Kidal")
    assert spans([second]) == [("imported", "PERSON", "Bo")]
    assert lost == {}


def test_intent_entities_as_lists_and_cats_are_counted():
    records, lost = read("intent.jsonl")
    assert spans(records) == [("imported", "GPE", "Gao"), ("imported", "GPE", "Kidal")]
    assert lost == {doccano.DOCUMENT_LABELS: 1}


def test_a_label_list_of_strings_is_document_labels_not_texts():
    records, lost = read("classification.jsonl")
    assert [r.document.text for r in records] == ["A fine report.", "A poor report."]
    assert spans(records) == []
    assert lost == {doccano.DOCUMENT_LABELS: 3}


def test_the_text_key_names_the_field_holding_the_text():
    records, _ = read("text_key.jsonl", text_key="content")
    [record] = records
    assert record.document.text == "Gao is far."
    assert record.document.meta == {"text": "not this"}  # the other field is kept
    assert spans(records) == [("imported", "GPE", "Gao")]


def test_lines_with_no_text_are_counted_with_their_labels():
    records, lost = read("no_text.jsonl")
    assert [r.document.text for r in records] == ["Gao is far."]
    assert lost == {doccano.NO_TEXT: 2, doccano.LABELS_ON_NO_TEXT: 2}


def test_a_value_not_closed_by_the_end_names_its_first_line(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "ok", "label": []}\n{\n  "text": "x",\n  "label": [\n', "utf-8")
    with pytest.raises(InputError, match=r"d\.jsonl:line 2: not valid JSON \(the value that "
                                         r"starts here is not complete"):
        list(doccano.read(path, default_schema(), ImportOptions()))


def test_relations_need_entities_with_ids(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": TEXT, "entities": [[0, 5, "PERSON"]],
                                "relations": [{"from_id": 0, "to_id": 0, "type": "R"}]}) + "\n")
    with pytest.raises(InputError, match=r"line 1: \"relations\" need \"entities\" that are "
                                         r"objects with ids"):
        list(doccano.read(path, default_schema(), ImportOptions(add_labels=True)))


# -- the export, in the shape the current doccano imports --------------------------------------
def doccano_import_problems(line: dict) -> list[str]:
    """The current doccano's JSONL import rules (backend/data_import/pipeline: a "text"
    column; sequence labelling: "label" as [start, end, label] lists; relations: "entities"
    objects with integer ids and "relations" with integer from_id/to_id naming them)."""
    problems = []
    text = line.get("text")
    if not isinstance(text, str) or not text:
        problems.append("no text")
    if "entities" in line:
        ids = set()
        for e in line["entities"]:
            if not (isinstance(e.get("id"), int) and isinstance(e.get("label"), str)
                    and 0 <= e["start_offset"] < e["end_offset"] <= len(text)):
                problems.append(f"bad entity {e}")
            ids.add(e.get("id"))
        for r in line.get("relations", []):
            if r.get("from_id") not in ids or r.get("to_id") not in ids or not r.get("type"):
                problems.append(f"bad relation {r}")
    else:
        for entry in line.get("label", []):
            if not (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[2], str)
                    and 0 <= entry[0] < entry[1] <= len(text)):
                problems.append(f"bad label {entry}")
    return problems


def test_the_export_is_in_doccano_import_shape_and_reads_back(tmp_path):
    doc = Document(TEXT)
    a = Span(doc.uid, 0, 12, "PERSON", "amina", "a")
    b = Span(doc.uid, 33, 38, "GPE", "amina", "b")
    c = Span(doc.uid, 0, 5, "PERSON", "kofi", "c")
    records = [AnnotatedDocument(doc, (a, b, c), (Relation("LOCATED_IN", "a", "b", "amina", "r"),))]
    out = tmp_path / "out.jsonl"
    report = doccano.write(records, out, default_schema())
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [doccano_import_problems(line) for line in lines] == [[], []]
    assert report.spans == 3 and report.relations == 1
    back, _ = read_path(out)
    assert spans(back) == spans(records)


def read_path(path: Path) -> tuple[list[AnnotatedDocument], dict[str, int]]:
    opts = ImportOptions(add_labels=True)
    return list(doccano.read(path, default_schema(), opts)), dict(opts.not_imported)
