"""One validator for every way in: a native file and a peer's store pass the same checks as an
edit (relation types, their endpoint labels, attributes); names the schema lacks are refused
naming them, the file and the line, or with --add-labels added as ONE journaled schema change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.commands import AddRelation, CreateSpan
from annotate.formats.base import ImportOptions
from annotate.model import AnnotatedDocument, Document, Relation, Span
from annotate.schema import RelationType
from db.store import Store
from db.transfer import import_paths
from desktop.cli import main

TEXT = "The army said the convoy was hit near the border on Monday."
DOC = Document(TEXT, "Report")
CORPUS = next((up / "shared" / "interop-corpus" / "brat" for up in Path(__file__).resolve().parents
               if (up / "shared" / "interop-corpus").is_dir()), Path("no-interop-corpus"))
"""Real files written by other tools, in ../shared beside the repository (or a worktree's)."""


def native_file(path: Path, *records: dict) -> Path:
    """A native JSONL file: a first record without spans, then ``records`` merged into the
    document (so each problem sits on a known line)."""
    lines = [{"id": DOC.uid, "title": "Report", "text": TEXT, "spans": []}]
    lines += [{"id": DOC.uid, "text": TEXT, **record} for record in records]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def span(span_id: str, start: int, end: int, label: str, **attributes: object) -> dict:
    return {"id": span_id, "start": start, "end": end, "label": label, "annotator": "amina",
            "attributes": attributes}


def relation(rtype: str, source: str, target: str) -> dict:
    return {"id": f"{rtype}-{source}", "type": rtype, "from": source, "to": target,
            "annotator": "amina"}


ARMY, CONVOY, CLAIM = span("a", 4, 8, "ORG"), span("c", 18, 24, "ORG"), span("s", 0, 13, "CLAIM")


def imported(store: Store, path: Path, **options: object) -> str | None:
    [result] = import_paths(store, [path], ImportOptions(**options))  # type: ignore[arg-type]
    return result.error


def test_a_relation_type_the_schema_lacks_is_refused_naming_file_and_line(
    store: Store, tmp_path: Path
) -> None:
    path = native_file(tmp_path / "in.jsonl", {"spans": [ARMY, CONVOY],
                                               "relations": [relation("SUPPORTS", "a", "c")]})
    error = imported(store, path)
    assert error is not None
    assert f"{path}:" in error
    assert "relation types not in the schema: SUPPORTS (first at line 2)" in error
    assert store.relations(DOC.uid) == [] and store.spans(DOC.uid) == []


def test_a_relation_its_type_does_not_allow_is_refused_with_its_line(
    store: Store, tmp_path: Path
) -> None:
    path = native_file(tmp_path / "in.jsonl", {"spans": [ARMY]},
                       {"spans": [ARMY, CONVOY], "relations": [relation("DENIES", "a", "c")]})
    error = imported(store, path)
    assert error is not None and f"{path}:line 3: DENIES cannot start at a ORG span" in error
    assert store.spans(DOC.uid) == []


def test_an_attribute_the_label_lacks_is_refused_naming_it(store: Store, tmp_path: Path) -> None:
    path = native_file(tmp_path / "in.jsonl", {"spans": [span("s", 0, 13, "CLAIM", mood="sad")]})
    error = imported(store, path)
    assert error is not None
    assert "attributes not in the schema: CLAIM.mood (first at line 2)" in error
    bad = native_file(tmp_path / "bad.jsonl", {"spans": [span("s", 0, 13, "CLAIM", figure=80)]})
    assert f"{bad}:line 2: span [0, 13) CLAIM: attribute 'figure' expects text" in str(
        imported(store, bad))


def test_a_peer_store_with_a_relation_type_we_lack_is_refused(
    store: Store, tmp_path: Path
) -> None:
    peer = Store.open(tmp_path / "peer.sqlite")
    schema = peer.schema()
    peer.set_schema(type(schema)(schema.labels, (*schema.relations, RelationType("SUPPORTS"))))
    peer.import_documents([AnnotatedDocument(DOC)])
    army, convoy = Span(DOC.uid, 4, 8, "ORG", "kofi"), Span(DOC.uid, 18, 24, "ORG", "kofi")
    for made in (army, convoy):
        peer.apply(CreateSpan(made), "kofi")
    peer.apply(AddRelation(DOC.uid, Relation("SUPPORTS", army.id, convoy.id, "kofi")), "kofi")
    peer.close()
    error = imported(store, tmp_path / "peer.sqlite")
    assert error is not None and "peer.sqlite" in error
    assert f"relation types not in the schema: SUPPORTS (first at document {DOC.uid})" in error
    assert store.relations(DOC.uid) == []


def test_add_labels_adds_labels_relation_types_and_attributes_as_one_schema_change(
    store: Store, tmp_path: Path
) -> None:
    path = native_file(tmp_path / "in.jsonl", {
        "spans": [ARMY, CONVOY, span("r", 9, 13, "RUMOUR", checked=True, weight=0.5),
                  span("s", 0, 13, "CLAIM", mood="sad")],
        "relations": [relation("SUPPORTS", "a", "c")],
    })
    before = store.schema()
    assert imported(store, path, add_labels=True, by="lead") is None
    schema = store.schema()
    rumour, claim = schema.label("RUMOUR"), schema.label("CLAIM")
    assert rumour is not None and claim is not None
    assert [(a.name, a.type) for a in rumour.attributes] == [("checked", "bool"),
                                                              ("weight", "number")]
    assert claim.attribute("mood") is not None and claim.attribute("mood").type == "text"
    assert schema.relation_type("SUPPORTS") == RelationType("SUPPORTS")
    [change] = store.history(op="set_schema")
    assert change.annotator == "lead"
    assert change.payload["before"] == before.to_json()
    assert change.payload["after"] == schema.to_json()
    assert len(store.relations(DOC.uid)) == 1
    # The import cannot be undone, so neither can the schema change it needed.
    assert store.next_undo("lead") is None


def test_brat_attributes_on_new_labels_are_refused_with_file_and_line_or_added_as_declared(
    store: Store, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "d.txt").write_text(TEXT, encoding="utf-8")
    (corpus / "d.ann").write_text("T1\tThreat 4 8\tarmy\nA1\tLevel T1 High\nA2\tSevere T1\n",
                                  encoding="utf-8")
    (corpus / "annotation.conf").write_text(
        "[entities]\nThreat\n[relations]\n[events]\n[attributes]\n"
        "Level Arg:Threat, Value:High|Low\nSevere Arg:<ENTITY>\n", encoding="utf-8")
    error = imported(store, corpus)
    assert error is not None and "d.ann:line 1" in error and "Threat" in error
    assert imported(store, corpus, add_labels=True) is None
    threat = store.schema().label("Threat")
    assert threat is not None
    assert [(a.name, a.type, a.choices) for a in threat.attributes] == [
        ("Level", "choice", ("High", "Low")), ("Severe", "bool", ())]
    [stored] = store.spans(DOC.uid)
    assert stored.attributes == {"Level": "High", "Severe": True}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared interop corpus is not here")
def test_the_ncbi_disease_corpus_imports_with_add_labels(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "s.sqlite")
    assert main(["import", "--db", db, str(CORPUS / "NCBI-disease"), "--quiet"]) == 1
    assert "NCBI-disease" in capsys.readouterr().err
    assert main(["import", "--db", db, str(CORPUS / "NCBI-disease"), "--add-labels",
                 "--by", "lead"]) == 0
    store = Store.open(db)
    try:
        disease = store.schema().label("Disease")
        assert disease is not None and disease.attribute("Category").type == "choice"
        assert store.span_count() > 200
    finally:
        store.close()
    assert main(["log", "--db", db, "--op", "set_schema"]) == 0
    assert "lead" in capsys.readouterr().out
