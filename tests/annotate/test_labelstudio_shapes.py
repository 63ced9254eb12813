"""Label Studio: every result and data shape, on small files of our own (tests/fixtures/
labelstudio), and the export checked against Label Studio's own import rules."""

import json
import time
from pathlib import Path

import pytest

from annotate.collector import collector_paused
from annotate.errors import InputError
from annotate.formats import labelstudio
from annotate.formats.base import ImportOptions
from annotate.formats.html_text import ShownText
from annotate.model import GOLD, AnnotatedDocument, DocLabel, Document, Relation, Span
from annotate.schema import default_schema

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "labelstudio"


def read(path: Path, **options) -> tuple[list[AnnotatedDocument], dict[str, int]]:
    opts = ImportOptions(add_labels=True, **options)
    records = list(labelstudio.read(path, default_schema(), opts))
    return records, dict(opts.not_imported)


def spans(records) -> list[tuple[str, str, str]]:
    return sorted((s.annotator, s.label, r.document.text[s.start:s.end])
                  for r in records for s in r.spans)


def test_labels_per_region_results_predictions_and_what_is_counted():
    records, lost = read(FIXTURES / "text_results.json")
    [record] = records
    assert spans(records) == [
        ("ner-2024", "PERSON", "Amina Diallo"),  # the prediction: its own layer, by version
        ("sergei@example.org", "GPE", "Kidal"),
        ("sergei@example.org", "ORG", "ministry"),  # completed_by 14: the same member's email
        ("sergei@example.org", "PERSON", "Amina Diallo"),
    ]
    person = next(s for s in record.spans if s.annotator != "ner-2024" and s.label == "PERSON")
    assert (person.attributes, person.note) == ({"certainty": 4}, "named in full")
    [rel] = record.relations
    assert rel.type == labelstudio.UNTYPED  # Label Studio relations need no label
    assert record.document.meta == {
        "source": "wire", "batch": 2,
        "notes": [{"annotator": "sergei@example.org", "name": "summary", "text": ["a meeting"]}]}
    assert sorted((d.annotator, d.category, d.value) for d in record.doc_labels) == [
        ("sergei@example.org", "quality", "3"),  # a rating of the whole text
        ("sergei@example.org", "topic", "politics"), ("sergei@example.org", "topic", "security")]
    assert lost == {labelstudio.DRAFTS: 1, labelstudio.REVIEWS: 1, labelstudio.CANCELLED: 1,
                    labelstudio.SCORES: 2}


def test_hypertext_regions_by_global_offsets_and_by_xpaths():
    records, lost = read(FIXTURES / "hypertext.json")
    [record] = records
    assert record.document.text == "Ama & Bo 😀 met\nin Kidal.\nThen they left."
    assert spans(records) == [("amina", "EVENT", "Ama & Bo 😀 met\nin Kidal.\nThen"),
                              ("amina", "EVENT", "left"),  # placed by its XPaths alone
                              ("amina", "GPE", "Kidal")]
    assert record.document.meta["html"].startswith("<div><p>Ama &amp; Bo")
    assert lost == {}


def test_shown_text_maps_label_studio_positions():
    shown = ShownText("<p>a<br>b</p>\n<p>c<b>d</b></p><style>x{}</style><p>e</p>")
    assert shown.text == "a\nb\ncd\ne"
    # Label Studio counts: a=0, br=1, b=2, "\n"=3, c=4, d=5, "x{}"=6..8, e=9
    assert [shown.start(g) for g in (0, 1, 2, 3, 4, 5, 6, 9)] == [0, 1, 2, 4, 4, 5, 7, 7]
    assert [shown.end(g) for g in (1, 3, 4, 6, 9, 10)] == [1, 3, 3, 6, 6, 8]
    assert shown.at("/p[2]/b[1]/text()[1]", 1) == 6
    assert shown.at("/p[2]", 1) == 5 and shown.at("/p[9]", 0) is None


def test_deeply_nested_html_costs_time_in_proportion_to_its_size():
    """Ten times the depth costs at most 30 times the CPU time of this thread (quadratic work
    would be a hundred): CPU time, with the collector off, so another program's load or a
    collection in the middle weighs on neither size."""
    def parse(depth: int) -> float:
        html = "<div>" * depth + "deep" + "</div>" * depth
        start = time.thread_time()
        shown = ShownText(html)
        spent = time.thread_time() - start
        assert shown.text == "deep"
        assert shown.at("/div[1]" * depth + "/text()[1]", 2) == 2
        return spent

    with collector_paused():
        small, large = min(parse(1500) for _ in range(3)), min(parse(15000) for _ in range(3))
    assert large < 30 * small, (small, large)


def test_paragraphs_become_lines_and_paragraph_offsets_map_into_them():
    records, _ = read(FIXTURES / "paragraphs.json")
    [record] = records
    assert record.document.text == "Where is Bo?\nIn Gao, I think.\nThen we go."
    assert spans(records) == [("annotator-3", "EVENT", "Bo?\nIn Gao, I think.\nThen"),
                              ("annotator-3", "GPE", "Gao")]
    assert record.document.meta == {"dialogue": [{"author": "Ama"}, {"author": "Kofi"},
                                                 {"author": "Ama"}]}


def test_the_only_text_field_is_the_text_and_several_need_the_text_key():
    records, _ = read(FIXTURES / "data_keys.json")
    assert [r.document.text for r in records] == ["Gao is far."]
    assert records[0].document.meta == {"n": 3}
    with pytest.raises(InputError, match=r"two_text_fields\.json:line 2, task 1: which data "
                                         r"field holds the text\? The task has 'body', "
                                         r"'headline'; name it with --text-key"):
        read(FIXTURES / "two_text_fields.json")
    records, _ = read(FIXTURES / "two_text_fields.json", text_key="body")
    assert spans(records) == [("annotator-3", "GPE", "Gao")]
    with pytest.raises(InputError, match=r"task 1: the task's data has no field 'lede'"):
        read(FIXTURES / "two_text_fields.json", text_key="lede")


def test_results_on_an_image_and_empty_texts_are_counted():
    records, lost = read(FIXTURES / "image_and_text.json")
    assert spans(records) == [("annotator-3", "GPE", "Gao")]
    assert lost == {labelstudio.not_placed("rectanglelabels"): 1, labelstudio.EMPTY: 1,
                    labelstudio.ON_EMPTY: 1}


# -- the export, against Label Studio's import rules -----------------------------------------
def label_studio_import_problems(tasks: list, member_ids: set[int],
                                 member_emails: set[str]) -> list[str]:
    """Label Studio's rules for importing tasks with annotations, restated from its
    tasks/serializers.py (_insert_valid_completed_by: completed_by absent, a member's integer
    id, or {"email": a member's email}; anything else refuses the file) and what its front end
    needs to show a result: region ids unique per from_name within an annotation, relations
    between regions that exist, a labels region's value.start/end/text matching data.text (a
    per-region textarea's value.text is its own list of texts)."""
    problems = []
    for t, task in enumerate(tasks):
        text = task["data"]["text"]
        for a, annotation in enumerate(task.get("annotations", [])):
            where = f"task {t} annotation {a}"
            who = annotation.get("completed_by")
            if isinstance(who, dict):
                if "email" not in who or who["email"] not in member_emails:
                    problems.append(f"{where}: completed_by {who} is not a member's email")
            elif who is not None and not (type(who) is int and who in member_ids):
                problems.append(f"{where}: completed_by {who!r} is not a member's id or email")
            seen, regions = set(), set()
            for result in annotation["result"]:
                if result["type"] == "relation":
                    continue
                key = (result["from_name"], result["id"])
                if key in seen:
                    problems.append(f"{where}: region id {key} twice")
                seen.add(key)
                regions.add(result["id"])
                value = result["value"]
                if result["type"] == "labels" and text[value["start"]:value["end"]] != \
                        value["text"]:
                    problems.append(f"{where}: {value} does not match the text")
            for result in annotation["result"]:
                if result["type"] == "relation" and not {result["from_id"],
                                                         result["to_id"]} <= regions:
                    problems.append(f"{where}: relation to a missing region")
    return problems


def test_the_export_is_importable_by_label_studio(tmp_path):
    doc = Document("Amina Diallo met the ministry in Kidal.")
    layers = {"amina": ("a", "b"), "annotator-14": ("c",), "sergei@example.org": ("d",),
              GOLD: ("e",)}
    made = []
    for name, ids in layers.items():
        made += [Span(doc.uid, 0, 12, "PERSON", name, ids[0], note="full name")]
        made += [Span(doc.uid, 33, 38, "GPE", name, i) for i in ids[1:]]
    labels = (DocLabel(doc.uid, "topic", "politics", "amina"),
              DocLabel(doc.uid, "topic", "security", "amina"),
              DocLabel(doc.uid, "tone", "flat", "kofi"))  # kofi: document labels only
    record = AnnotatedDocument(doc, tuple(made), (Relation("LOCATED_IN", "a", "b", "amina", "r"),),
                               doc_labels=labels)
    out = tmp_path / "ls.json"
    labelstudio.write([record], out, default_schema())
    tasks = json.loads(out.read_text("utf-8"))
    emails = {name + labelstudio.PLACEHOLDER_DOMAIN for name in ("amina", "gold", "kofi")}
    assert label_studio_import_problems(tasks, {14}, emails | {"sergei@example.org"}) == []
    assert sorted(map(str, (a["completed_by"] for a in tasks[0]["annotations"]))) == [
        "14", "{'email': 'amina@counterclaim.invalid'}", "{'email': 'gold@counterclaim.invalid'}",
        "{'email': 'kofi@counterclaim.invalid'}", "{'email': 'sergei@example.org'}"]
    back, lost = read(out)
    assert spans(back) == spans([record])  # the placeholder address reads back as the name
    assert set(back[0].doc_labels) == set(labels) and lost == {}


def _task_with(tmp_path: Path, **fields) -> Path:
    """A file of one task labelling "Amina" (region r1), with ``fields`` set on the task."""
    region = {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
              "value": {"start": 0, "end": 5, "text": "Amina", "labels": ["PERSON"]}}
    task = {"id": 1, "data": {"text": "Amina left"},
            "annotations": [{"completed_by": 1, "result": [region]}]} | fields
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([task]))
    return path


def _noted(text) -> dict:
    region = {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
              "value": {"start": 0, "end": 5, "labels": ["PERSON"]}}
    note = {"id": "r1", "from_name": labelstudio.NOTE, "to_name": "text", "type": "textarea",
            "value": {"text": text}}
    return {"annotations": [{"completed_by": 1, "result": [region, note]}]}


@pytest.mark.parametrize(("text", "note"), [
    (["first line", "second"], "first line\nsecond"), ("one string", "one string"), ([], "")])
def test_a_region_note_is_its_text_lines(tmp_path, text, note):
    [record], _ = read(_task_with(tmp_path, **_noted(text)))
    assert [s.note for s in record.spans] == [note]  # a string was cut into its characters


@pytest.mark.parametrize("text", [[1, None], ["a", {"b": 1}], 5])
def test_a_region_note_that_is_not_text_is_refused(tmp_path, text):
    with pytest.raises(InputError, match="result 2: a note is text or a list of lines"):
        read(_task_with(tmp_path, **_noted(text)))  # [1, None] was kept as "1\nNone"


@pytest.mark.parametrize("key", ["annotations", "completions", "predictions"])
@pytest.mark.parametrize("value", ["x", {"result": []}, 0, ""])
def test_annotations_that_are_not_a_list_are_refused(tmp_path, key, value):
    with pytest.raises(InputError, match=f'task 1: "{key}" must be a list'):
        read(_task_with(tmp_path, **{key: value}))  # were read as none, the file imported
