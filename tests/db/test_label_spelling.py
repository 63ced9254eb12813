"""Names other tools give labels and relation types ("Important Stuff", doccano's label ids,
STTS tags such as "$,", "located in") are not label names here. With --add-labels an import
gives each a spelling the name rule accepts, the same for every use in the file, and says so in
its summary; without it the name is refused with the --map that fixes it."""

import json
from pathlib import Path

import pytest

from annotate.formats import native
from annotate.formats.base import ImportOptions
from annotate.model import AnnotatedDocument, Document, Relation, Span
from annotate.schema import (
    Label,
    LabelSchema,
    RelationType,
    fit_name,
    is_label_name,
    label_spelling,
)
from db.store import Store
from db.transfer import import_paths

SHARED = next((up / "shared" / "interop-corpus" for up in Path(__file__).resolve().parents
               if (up / "shared" / "interop-corpus").is_dir()), Path("no-interop-corpus"))


@pytest.mark.parametrize(("name", "spelled"), [
    ("Important Stuff", "Important_Stuff"),
    ("12", "label-12"),
    ("$,", "DOLLAR_SIGN_COMMA"),
    ("located in", "located_in"),
    ("Événement", "Evenement"),
    ("CLAIM", "CLAIM"),
])
def test_a_spelling_the_rule_accepts(name: str, spelled: str) -> None:
    assert label_spelling(name) == spelled
    assert is_label_name(spelled)


def test_every_name_gets_a_spelling_of_its_own() -> None:
    renamed: dict[str, str] = {}
    names = ["a b", "a-b", "a_b", "a  b", "Лицо", "Лицо!", "x" * 90 + " y", "x" * 90 + "!y"]
    spelled = [fit_name(name, renamed) for name in names]
    assert spelled[1:3] == ["a-b", "a_b"]  # already label names: kept
    assert all(map(is_label_name, spelled))
    assert len({spelled[0], spelled[3], spelled[4], spelled[5], spelled[6], spelled[7]}) == 6
    assert [fit_name(name, renamed) for name in names] == spelled  # the same every time


def test_a_damaged_name_is_left_to_be_refused() -> None:
    for name in ("BAD\tLABEL", "x" * 101, " padded"):
        assert fit_name(name, {}) == name


def labelstudio_task(tmp_path: Path) -> Path:
    text = "The army said it repelled the attack."
    result = [
        {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 4, "end": 8, "text": "army", "labels": ["Armed group"]}},
        {"id": "r2", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 14, "end": 36, "text": "it repelled the attack",
                   "labels": ["Claim (reported)"]}},
        {"from_id": "r2", "to_id": "r1", "type": "relation", "direction": "right",
         "labels": ["claimed by"]},
    ]
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([{"id": 1, "data": {"text": text},
                                 "annotations": [{"id": 1, "result": result}]}]))
    return path


def test_label_studio_names_are_spelled_and_reported(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.sqlite")
    refused = import_paths(store, [labelstudio_task(tmp_path)])[0]
    assert refused.error is not None and "--map" in refused.error
    [done] = import_paths(store, [labelstudio_task(tmp_path)], ImportOptions(add_labels=True))
    assert done.error is None, done.error
    assert done.renamed == {"Armed group": "Armed_group", "Claim (reported)": "Claim_reported",
                            "claimed by": "claimed_by"}
    assert any("renamed to fit the name rule: 'Armed group' as Armed_group" in line
               for line in done.lines())
    [doc] = store.list_documents()
    assert sorted(s.label for s in store.spans(doc.uid)) == ["Armed_group", "Claim_reported"]
    assert [r.type for r in store.relations(doc.uid)] == ["claimed_by"]
    store.close()


def test_native_names_are_spelled_on_the_shared_path(tmp_path: Path) -> None:
    doc = Document("Officials denied the report.")
    spans = (Span(doc.uid, 0, 9, "Source org", "amina", "s1"),
             Span(doc.uid, 10, 16, "Denial!", "amina", "s2"))
    path = tmp_path / "peer.jsonl"
    native.write([AnnotatedDocument(doc, spans, (Relation("made by", "s2", "s1", "amina", "r1"),))],
                 path)
    store = Store.open(tmp_path / "s.sqlite")
    [done] = import_paths(store, [path], ImportOptions(add_labels=True))
    assert done.error is None, done.error
    assert done.renamed == {"Source org": "Source_org", "Denial!": "Denial", "made by": "made_by"}
    assert {s.label for s in store.spans(doc.uid)} == {"Source_org", "Denial"}
    assert store.schema().relation_type("made_by") is not None
    store.close()


def test_a_name_that_fits_is_never_renamed(tmp_path: Path) -> None:
    doc = Document("Officials denied the report.")
    path = tmp_path / "ok.jsonl"
    native.write([AnnotatedDocument(doc, (Span(doc.uid, 0, 9, "ORG", "amina", "s1"),))], path)
    store = Store.open(tmp_path / "s.sqlite")
    store.set_schema(LabelSchema((Label("ORG", "entity"),), (RelationType("R", ("ORG",),
                                                                          ("ORG",)),)))
    [done] = import_paths(store, [path], ImportOptions(add_labels=True))
    assert done.error is None and done.renamed == {}
    assert not any("renamed" in line for line in done.lines())
    store.close()


REAL = {
    "conll/transformer-labeling.conll2003.user2": {"12": "label-12"},
    "labelstudio/lsf-phrases-annotations-1.json": {"Important Stuff": "Important_Stuff"},
    "webanno/inception-relation_test": {"located in": "located_in"},
    "webanno/webanno-relationLabelTest-user1.tsv": {"$,": "DOLLAR_SIGN_COMMA",
                                                   "$.": "DOLLAR_SIGN_FULL_STOP"},
}


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared interop corpus is not here")
@pytest.mark.parametrize("name", sorted(REAL))
def test_real_files_refused_for_their_names_now_import(tmp_path: Path, name: str) -> None:
    store = Store.open(tmp_path / "s.sqlite")
    [done] = import_paths(store, [SHARED / name], ImportOptions(add_labels=True))
    assert done.error is None, done.error
    assert REAL[name].items() <= done.renamed.items()
    assert store.span_count() > 0
    store.close()
