"""The doccano and Label Studio files of ../shared/interop-corpus (written by doccano,
doccano-transformer and Label Studio; SOURCES.md there) import fully through the one import
path, or are refused naming file and place; what has no place is counted in the summary."""

from pathlib import Path

import pytest

from annotate.formats import doccano, labelstudio
from annotate.formats.base import ImportOptions
from db.transfer import import_paths
from desktop.cli import main

SHARED = next((up / "shared" / "interop-corpus" for up in Path(__file__).resolve().parents
               if (up / "shared" / "interop-corpus").is_dir()), Path("no-interop-corpus"))
pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="the shared interop corpus is not here")

# file -> (documents, {annotator: (spans, document labels)}, relations, not imported)
DOCCANO = {
    "export-example-intent_detection.jsonl": (2, {"imported": (3, 2)}, 0, {}),
    "export-example-relation_extraction.jsonl": (1, {"imported": (4, 0)}, 3, {}),
    "export-example-sequence_labeling.jsonl": (3, {"imported": (4, 0)}, 0, {}),
    "export-example-text_classification.jsonl": (3, {"imported": (0, 3)}, 0, {}),
    "import-test-relation_extraction.jsonl": (1, {"imported": (4, 0)}, 3, {}),
    "import-test-sequence_labeling.jsonl": (2, {"imported": (1, 0)}, 0,
                                            {doccano.NO_TEXT: 1, doccano.LABELS_ON_NO_TEXT: 1}),
    "transformer-labeling-v1.jsonl": (2, {"user1": (5, 0), "user2": (11, 0)}, 0, {}),
    "transformer-labeling_text_label.jsonl": (2, {"imported": (11, 0)}, 0, {}),
}
LABEL_STUDIO = {
    "converter-csv_test.json": (2, {}, 0, {labelstudio.SCORES: 6, labelstudio.REVIEWS: 2,
                                           labelstudio.not_placed("rectanglelabels"): 5}),
    "converter-csv_test_history.json": (1, {"sergei@heartex.e2e": (0, 1)}, 0, {}),
    "lsf-named_entity-annotations-1.json": (1, {"imported": (1, 0)}, 0, {}),
    "lsf-named_entity-tasks.json": (1, {"model 1": (1, 0)}, 0, {}),
    "lsf-phrases-annotations-1.json": (1, {"imported": (1, 0)}, 0, {}),
    "lsf-rich_text_html-annotations-1.json": (1, {"imported": (4, 0)}, 0, {}),
}


def outcome(store, path: Path, **options):
    [result] = import_paths(store, [path], ImportOptions(add_labels=True, **options))
    assert result.error is None, result.error
    s = result.summary
    added = {name: (kinds.get("spans", {}).get("added", 0),
                    kinds.get("doc_labels", {}).get("added", 0))
             for name, kinds in s.by_annotator.items()}
    return s.documents_added, added, s.total("relations", "added"), s.not_imported


@pytest.mark.parametrize("name", sorted(DOCCANO))
def test_doccano_files_import_fully(store, name):
    assert outcome(store, SHARED / "doccano" / name) == DOCCANO[name]


@pytest.mark.parametrize("name", sorted(LABEL_STUDIO))
def test_label_studio_files_import_fully(store, name):
    labels = {"Important Stuff": "Important_Stuff"}  # not a label name here: mapped
    assert outcome(store, SHARED / "labelstudio" / name, label_map=labels) == LABEL_STUDIO[name]


def test_label_studio_regions_land_on_their_text(store):
    import_paths(store, [SHARED / "labelstudio" / "lsf-rich_text_html-annotations-1.json",
                         SHARED / "labelstudio" / "lsf-phrases-annotations-1.json",
                         SHARED / "labelstudio" / "lsf-named_entity-tasks.json"],
                 ImportOptions(add_labels=True,
                               label_map={"Important Stuff": "Important_Stuff"}))
    shown = sorted((s.label, record.document.text[s.start:s.end][:40])
                   for record in store.iter_documents() for s in record.spans)
    assert shown == [
        ("Date", "February 22"),
        ("Date", "Vincent: Look, Mr. Wolfe"),
        ("Date", "appreciated.\nVincent: Look, Mr. Wolf"),  # its globalOffsets, as Label
        ("Important_Stuff", "Uncomfortable silences. Why do we feel i"),  # Studio places it
        ("Person", "Jules"),
        ("Person", "The Wolf"),
    ]


def test_a_region_whose_text_is_not_at_its_offsets_is_refused_naming_it(store):
    # the front end's example holds a region copied from another task: its text is elsewhere
    path = SHARED / "labelstudio" / "lsf-rich_text_plain-annotations-1.json"
    [result] = import_paths(store, [path], ImportOptions(add_labels=True))
    assert result.error == (
        f"{path}:line 1, task 1, annotations 1, result 1: span [343, 354): the file says "
        "'February 22' "
        "but the text there is ' supporters'")
    assert store.stats()["documents"] == 0


def test_dry_run_prints_what_is_not_imported(tmp_path, capsys):
    path = SHARED / "labelstudio" / "converter-csv_test.json"
    assert main(["--db", str(tmp_path / "s.sqlite"), "import", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert ("  not imported: 6 prediction scores; 5 rectanglelabels results (no place in a text "
            "annotation); 2 reviews of annotations") in out
