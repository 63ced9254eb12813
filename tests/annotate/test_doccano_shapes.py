"""doccano: every shape it has written and imports, on small files of our own (tests/fixtures/
doccano), and the export in the shape the current doccano imports."""

import json
from pathlib import Path

import pytest

from annotate.errors import InputError
from annotate.formats import detect, doccano
from annotate.formats.base import ExportReport, ImportOptions
from annotate.model import AnnotatedDocument, DocLabel, Document, Relation, Span
from annotate.schema import DocCategory, DocValue, LabelSchema, default_schema

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "doccano"
TEXT = "Amina Diallo met the ministry in Kidal."


def read(name: str, **options) -> tuple[list[AnnotatedDocument], dict[str, int]]:
    opts = ImportOptions(add_labels=True, **options)
    records = list(doccano.read(FIXTURES / name, default_schema(), opts))
    return records, dict(opts.not_imported)


def spans(records) -> list[tuple[str, str, str]]:
    return sorted((s.annotator, s.label, r.document.text[s.start:s.end])
                  for r in records for s in r.spans)


def doc_labels(records) -> list[tuple[str, str, str, str]]:
    return sorted((r.document.text[:6], d.annotator, d.category, d.value)
                  for r in records for d in r.doc_labels)


def test_every_fixture_is_detected_as_doccano():
    for path in FIXTURES.iterdir():
        assert detect(path) == "doccano", path.name


def test_doccano_1x_annotations_keep_users_and_name_labels_by_id():
    records, lost = read("v1_annotations.jsonl")
    assert spans(records) == [("user1", "label-3", "Amina Diallo"), ("user1", "label-4", "Kidal"),
                              ("user2", "label-3", "Amina")]
    [record] = records
    assert record.document.meta == {"annotation_approver": None, "source": "wire", "id": 7}
    assert doc_labels(records) == [("Amina ", "user2", "label", "label-9")]  # on the whole text
    assert lost == {}


def test_doccano_1x_label_ids_follow_the_label_map():
    records, _ = read("v1_annotations.jsonl",
                      label_map={"3": "PERSON", "4": "GPE", "9": "meeting"})
    assert spans(records) == [("user1", "GPE", "Kidal"), ("user1", "PERSON", "Amina Diallo"),
                              ("user2", "PERSON", "Amina")]
    assert doc_labels(records) == [("Amina ", "user2", "label", "meeting")]


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


def test_intent_entities_as_lists_and_cats():
    records, lost = read("intent.jsonl")
    assert spans(records) == [("imported", "GPE", "Gao"), ("imported", "GPE", "Kidal")]
    assert doc_labels(records) == [("Fly fr", "imported", "label", "flight")]
    assert lost == {}


def test_a_label_list_of_strings_is_document_labels_not_texts():
    records, lost = read("classification.jsonl")
    assert [r.document.text for r in records] == ["A fine report.", "A poor report."]
    assert spans(records) == []
    assert doc_labels(records) == [("A fine", "imported", "label", "positive"),
                                   ("A poor", "imported", "label", "negative"),
                                   ("A poor", "imported", "label", "short")]
    assert lost == {}


def test_a_document_label_the_schema_knows_keeps_its_category(tmp_path):
    schema = default_schema()
    schema = LabelSchema(schema.labels, schema.relations,
                         (DocCategory("tone", (DocValue("positive"), DocValue("negative"))),))
    records = list(doccano.read(FIXTURES / "classification.jsonl", schema,
                                ImportOptions(add_labels=True)))
    assert doc_labels(records) == [("A fine", "imported", "tone", "positive"),
                                   ("A poor", "imported", "label", "short"),
                                   ("A poor", "imported", "tone", "negative")]


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


@pytest.mark.parametrize("annotator", [5, ["amina"], {"name": "amina"}, True])
def test_an_annotator_that_is_not_a_name_is_refused(tmp_path, annotator):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": TEXT, "label": [[0, 5, "PERSON"]],
                                "annotator": annotator}) + "\n")
    with pytest.raises(InputError, match=r'line 1: "annotator" must be a name, got '):
        list(doccano.read(path, default_schema(), ImportOptions(add_labels=True)))
    # before, the spans went to the default annotator and the value was dropped unsaid


# -- the export, in the shape the current doccano imports --------------------------------------
def doccano_import_problems(line: dict) -> list[str]:
    """The current doccano's JSONL import rules (backend/data_import/pipeline: factories.py
    picks the columns by project, labels.py parses them): a "text"; sequence labelling:
    "label" as [start, end, label] lists; text classification: "label" as names; intent
    detection: "entities" as such lists and "cats" as names; relations: "entities" objects
    with integer ids and "relations" whose integer from_id/to_id name them."""
    problems = []
    text = line.get("text")
    if not isinstance(text, str) or not text:
        return ["no text"]

    def span(entry) -> bool:
        return (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[2], str)
                and entry[2] != "" and 0 <= entry[0] < entry[1] <= len(text))

    def names(entries) -> bool:
        return all(isinstance(e, str) and e for e in entries)

    if "relations" in line:
        ids = set()
        for e in line["entities"]:
            if not (isinstance(e.get("id"), int) and span([e["start_offset"], e["end_offset"],
                                                           e["label"]])):
                problems.append(f"bad entity {e}")
            ids.add(e.get("id"))
        for r in line["relations"]:
            if not ({r.get("from_id"), r.get("to_id")} <= ids and r.get("type")):
                problems.append(f"bad relation {r}")
    elif "entities" in line:
        problems += [f"bad entity {e}" for e in line["entities"] if not span(e)]
        if not names(line.get("cats", [])):
            problems.append(f"bad cats {line.get('cats')}")
    elif not (all(map(span, line["label"])) or names(line["label"])):
        problems.append(f"bad label {line['label']}")
    return problems


def export(tmp_path: Path, records: list[AnnotatedDocument]) -> tuple[list[dict], ExportReport]:
    out = tmp_path / "out.jsonl"
    report = doccano.write(records, out, default_schema())
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [doccano_import_problems(line) for line in lines] == [[]] * len(lines)
    back, lost = read_path(out)
    assert (spans(back), doc_labels(back), lost) == (spans(records), doc_labels(records), {})
    assert sorted(relation_texts(back)) == sorted(relation_texts(records))
    return lines, report


def relation_texts(records) -> list[tuple[str, str, str, str]]:
    found = []
    for r in records:
        text = {s.id: r.document.text[s.start:s.end] for s in r.spans}
        found += [(r.annotator, r.type, text[r.source], text[r.target]) for r in r.relations]
    return found


DOC = Document(TEXT)
OTHER = Document("Bo left Gao.")
A = Span(DOC.uid, 0, 12, "PERSON", "amina", "a")
B = Span(DOC.uid, 33, 38, "GPE", "amina", "b")
C = Span(DOC.uid, 0, 5, "PERSON", "kofi", "c")


def test_the_export_of_spans_is_doccano_sequence_labelling(tmp_path):
    lines, report = export(tmp_path, [AnnotatedDocument(DOC, (A, B, C))])
    assert [sorted(line) for line in lines] == [
        ["annotator", "id", "label", "meta", "text", "title"]] * 2
    assert report.spans == 3 and not report.lost


def test_document_labels_alone_are_doccano_text_classification(tmp_path):
    labels = (DocLabel(DOC.uid, "label", "positive", "amina"),
              DocLabel(DOC.uid, "label", "long", "amina"))
    lines, _ = export(tmp_path, [AnnotatedDocument(DOC, doc_labels=labels),
                                 AnnotatedDocument(OTHER)])
    assert [line["label"] for line in lines] == [["long", "positive"], []]


def test_spans_after_document_labels_make_the_file_intent_detection(tmp_path):
    first = AnnotatedDocument(OTHER, doc_labels=(DocLabel(OTHER.uid, "label", "short", "kofi"),))
    lines, _ = export(tmp_path, [first, AnnotatedDocument(DOC, (A, B, C))])
    assert [(line["entities"], line["cats"]) for line in lines] == [
        ([], ["short"]), ([[0, 12, "PERSON"], [33, 38, "GPE"]], []), ([[0, 5, "PERSON"]], [])]


def test_a_relation_makes_the_file_doccano_relations_and_counts_its_cats(tmp_path):
    first = AnnotatedDocument(OTHER, doc_labels=(DocLabel(OTHER.uid, "label", "short", "kofi"),))
    rel = Relation("LOCATED_IN", "a", "b", "amina", "r")
    lines, report = export(tmp_path, [first, AnnotatedDocument(DOC, (A, B, C), (rel,))])
    ids = [e["id"] for line in lines for e in line["entities"]]
    assert len(ids) == len(set(ids)) == 3 and lines[0]["cats"] == ["short"]
    assert report.relations == 1 and report.lost == {doccano.CATS_IN_RELATIONS: 1}


def read_path(path: Path) -> tuple[list[AnnotatedDocument], dict[str, int]]:
    opts = ImportOptions(add_labels=True)
    return list(doccano.read(path, default_schema(), opts)), dict(opts.not_imported)
