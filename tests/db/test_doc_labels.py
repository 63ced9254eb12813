"""Document labels in the store: journaled, undoable edits checked by the same rules whoever
makes them (known value, single choice, own layer, gold by adjudication only), schema changes
that must keep fitting them, and decisions on them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from server_store import query

from annotate import doclabels
from annotate.commands import AddDecision, AddDocLabel, Batch, Decision, RemoveDocLabel
from annotate.errors import ValidationError
from annotate.model import GOLD, AnnotatedDocument, DocLabel, Document
from annotate.schema import DocCategory, DocValue, LabelSchema
from db.store import Store

STANCE = DocCategory("stance", (DocValue("supports", "1"), DocValue("disputes", "2")))
TOPICS = DocCategory("topics", (DocValue("casualties", "4"), DocValue("aid", "5")), multi=True)


@pytest.fixture
def uid(store: Store) -> str:
    document = Document("Rebels said the convoy was hit near the border.", "t")
    store.import_documents([AnnotatedDocument(document)])
    schema = store.schema()
    store.set_schema(LabelSchema(schema.labels, schema.relations, (STANCE, TOPICS)), by="lead")
    return document.uid


def toggle(store: Store, uid: str, category: str, value: str, who: str = "amina") -> None:
    command = doclabels.toggle(store.schema(), store.doc_labels(uid), uid, category, value, who)
    store.apply(command, who)


def values(store: Store, uid: str, who: str = "amina") -> list[str]:
    return [f"{d.category}:{d.value}" for d in store.doc_labels(uid, [who])]


def test_the_schema_keeps_its_document_categories(store: Store, uid: str) -> None:
    assert store.schema().documents == (STANCE, TOPICS)
    assert store.next_undo("lead") == "set_schema"
    store.undo("lead")
    assert store.schema().documents == ()
    store.redo("lead")
    assert store.schema().documents == (STANCE, TOPICS)


def test_toggling_is_journaled_and_undone_step_by_step(store: Store, uid: str) -> None:
    toggle(store, uid, "stance", "supports")
    toggle(store, uid, "topics", "casualties")
    toggle(store, uid, "topics", "aid")
    assert values(store, uid) == ["stance:supports", "topics:aid", "topics:casualties"]
    toggle(store, uid, "stance", "disputes")  # single choice: replaces, one step
    assert values(store, uid) == ["stance:disputes", "topics:aid", "topics:casualties"]
    ops = [(e.op, e.documents) for e in store.history("amina")]
    assert ops[:2] == [("batch", (uid,)), ("add_doc_label", (uid,))]
    assert store.history("amina")[0].payload["commands"][1]["label"]["value"] == "disputes"
    store.undo("amina")
    assert values(store, uid)[0] == "stance:supports"
    toggle(store, uid, "topics", "aid")  # off
    assert values(store, uid) == ["stance:supports", "topics:casualties"]
    store.undo("amina")
    store.undo("amina")
    assert values(store, uid) == ["stance:supports", "topics:casualties"]
    store.redo("amina")
    assert values(store, uid) == ["stance:supports", "topics:aid", "topics:casualties"]


def test_the_store_refuses_what_the_rules_refuse(store: Store, uid: str) -> None:
    toggle(store, uid, "stance", "supports")
    refused = [
        (AddDocLabel(DocLabel(uid, "stance", "disputes", "amina")), "amina", "takes one value"),
        (AddDocLabel(DocLabel(uid, "stance", "supports", "amina")), "amina", "already"),
        (AddDocLabel(DocLabel(uid, "mood", "calm", "amina")), "amina", "unknown document"),
        (AddDocLabel(DocLabel(uid, "stance", "maybe", "amina")), "amina", "no value 'maybe'"),
        (AddDocLabel(DocLabel(uid, "stance", "supports", "bob")), "amina", "bob's layer"),
        (RemoveDocLabel(DocLabel(uid, "stance", "supports", "amina")), "bob", "amina's layer"),
        (AddDocLabel(DocLabel(uid, "stance", "supports", GOLD)), GOLD, "only by adjudication"),
        (RemoveDocLabel(DocLabel(uid, "stance", "disputes", "amina")), "amina", "has no"),
        (AddDocLabel(DocLabel("0" * 64, "stance", "supports", "amina")), "amina", "no document"),
    ]
    rows = query(store, "SELECT count(*) FROM journal")
    for command, who, message in refused:
        with pytest.raises(ValidationError, match=message):
            store.apply(command, who)
    assert values(store, uid) == ["stance:supports"]
    assert query(store, "SELECT count(*) FROM journal") == rows


def test_a_schema_change_cannot_drop_what_documents_hold(store: Store, uid: str) -> None:
    toggle(store, uid, "topics", "casualties")
    toggle(store, uid, "topics", "aid")
    schema = store.schema()
    with pytest.raises(ValidationError, match="'topics' still has 2 labels"):
        store.set_schema(LabelSchema(schema.labels, schema.relations, (STANCE,)), by="lead")
    single = DocCategory("topics", TOPICS.values, multi=False)
    with pytest.raises(ValidationError, match="must stay multi-choice"):
        store.set_schema(LabelSchema(schema.labels, schema.relations, (STANCE, single)),
                         by="lead")
    assert store.schema().documents == (STANCE, TOPICS)


def test_a_removed_label_is_buried_and_raised_by_undo(store: Store, uid: str) -> None:
    toggle(store, uid, "stance", "supports")
    toggle(store, uid, "stance", "supports")
    label = DocLabel(uid, "stance", "supports", "amina")

    def buried() -> bool:
        return query(store, "SELECT count(*) FROM deleted WHERE kind = 'doclabel' AND id = ?",
                     (label.id,)) == [(1,)]

    assert buried()
    store.undo("amina")
    assert not buried()


def test_gold_labels_come_with_a_decision(store: Store, uid: str) -> None:
    toggle(store, uid, "stance", "supports", "amina")
    toggle(store, uid, "stance", "disputes", "bob")
    gold = DocLabel(uid, "stance", "disputes", GOLD)
    sources = tuple(d.id for d in store.doc_labels(uid) if d.category == "stance")
    decision = Decision("dec1", uid, "accept", sources, None, "lead", category="stance",
                        gold_labels=(gold,))
    store.apply(Batch((AddDocLabel(gold), AddDecision(decision)), "accept"), "lead")
    assert store.doc_labels(uid, [GOLD]) == [gold]
    assert store.decisions(uid) == [decision]
    store.undo("lead")
    assert store.doc_labels(uid, [GOLD]) == [] and store.decisions(uid) == []
    lying = Decision("dec2", uid, "accept", sources, None, "lead", category="stance",
                     gold_labels=(DocLabel(uid, "stance", "supports", GOLD),))
    with pytest.raises(ValidationError, match="not in this document's gold layer"):
        store.apply(Batch((AddDocLabel(gold), AddDecision(lying)), "accept"), "lead")
    assert store.doc_labels(uid, [GOLD]) == []


# -- import and export ----------------------------------------------------------------------
def _record(uid_text: str, *labels: tuple[str, str, str]) -> AnnotatedDocument:
    document = Document(uid_text)
    return AnnotatedDocument(document, doc_labels=tuple(
        DocLabel(document.uid, c, v, who) for c, v, who in labels))


def test_native_jsonl_carries_document_labels_both_ways(store: Store, uid: str,
                                                        tmp_path: Path) -> None:
    from annotate.formats import native

    toggle(store, uid, "stance", "supports")
    toggle(store, uid, "topics", "aid", "bob")
    out = tmp_path / "out.jsonl"
    native.write(store.iter_documents(), out, store.schema())
    line = out.read_text(encoding="utf-8")
    assert '"doc_labels":[{"category":"stance","value":"supports","annotator":"amina"' in line
    other = Store.open(tmp_path / "other.sqlite")
    try:
        other.set_schema(store.schema())
        summary = other.import_documents(native.read(out))
        assert summary.by_annotator["amina"]["doc_labels"] == {"added": 1}
        assert other.doc_labels(uid) == store.doc_labels(uid)
        again = tmp_path / "again.jsonl"
        native.write(other.iter_documents(), again, other.schema())
        assert again.read_bytes() == out.read_bytes()
        assert other.import_documents(native.read(out)).by_annotator["bob"]["doc_labels"] == {
            "unchanged": 1}
    finally:
        other.close()


def test_an_import_refuses_unknown_document_labels_or_adds_them(store: Store,
                                                                uid: str) -> None:
    from annotate.errors import InputError

    record = _record("A second text.", ("mood", "calm", "amina"), ("stance", "maybe", "amina"))
    with pytest.raises(InputError, match="document labels not in the schema: mood:calm "
                                         r"\(first at document .*\), stance:maybe"):
        store.import_documents([record])
    assert not store.has_document(record.document.uid)
    store.import_documents([record], add_labels=True)
    schema = store.schema()
    assert schema.doc_category("mood") == DocCategory("mood", (DocValue(
        "calm", None, schema.doc_category("mood").values[0].color),), multi=True)
    assert schema.doc_category("stance").value_names == ("supports", "disputes", "maybe")
    assert not schema.doc_category("stance").multi
    assert [d.value for d in store.doc_labels(record.document.uid)] == ["calm", "maybe"]


def test_an_import_merges_document_labels_by_the_rules(store: Store, uid: str) -> None:
    toggle(store, uid, "stance", "supports")
    toggle(store, uid, "topics", "aid")
    toggle(store, uid, "topics", "aid")  # removed here: not brought back
    text = store.document(uid).text
    summary = store.import_documents([_record(
        text, ("stance", "disputes", "amina"), ("topics", "aid", "amina"),
        ("topics", "casualties", "amina"), ("stance", "supports", "bob"),
        ("stance", "disputes", "bob"))])
    assert summary.by_annotator["amina"]["doc_labels"] == {
        "changed": 1, "skipped: deleted here": 1, "added": 1}
    assert summary.by_annotator["bob"]["doc_labels"] == {
        "added": 1, "skipped: its category takes one value and the file gives another": 1}
    assert values(store, uid) == ["stance:disputes", "topics:casualties"]
    assert values(store, uid, "bob") == ["stance:supports"]
    assert store.next_undo("amina") is None  # the import closed amina's stack


def test_a_document_label_with_a_bad_name_is_refused_naming_it(store: Store) -> None:
    from annotate.errors import InputError

    with pytest.raises(InputError, match="value"):
        store.import_documents([_record("Text.", ("stance", "bad\x07value", "amina"))],
                               add_labels=True)


# -- adjudication ---------------------------------------------------------------------------
def test_disagreeing_document_labels_are_review_items_accepted_into_gold(
        store: Store, uid: str) -> None:
    from annotate import adjudication
    from db import review

    toggle(store, uid, "stance", "supports", "amina")
    toggle(store, uid, "stance", "disputes", "bob")
    toggle(store, uid, "topics", "aid", "amina")
    toggle(store, uid, "topics", "aid", "bob")
    stance, topics = review.doc_review_items(store, uid)
    assert (stance.category, stance.kind, stance.status) == ("stance", "label", "open")
    assert stance.by_annotator() == {"amina": ("supports",), "bob": ("disputes",)}
    assert (topics.kind, topics.status) == ("agreed", "open")
    assert review.accept_agreed(store, "lead") == 1  # topics only: stance disagrees
    assert [d.value for d in store.doc_labels(uid, [GOLD])] == ["aid"]
    store.apply(adjudication.accept_doc_command(stance, ["disputes"], "lead"), "lead")
    stance, topics = review.doc_review_items(store, uid)
    assert (stance.status, topics.status) == ("accepted", "accepted")
    assert stance.decision is not None and stance.decision.sources == (
        DocLabel(uid, "stance", "disputes", "bob").id,)
    assert sorted(d.value for d in store.doc_labels(uid, [GOLD])) == ["aid", "disputes"]
    with pytest.raises(ValidationError, match="accepted already"):
        adjudication.accept_doc_command(stance, ["supports"], "lead")
    store.undo("lead")  # the accept, gold label and decision together
    stance, _ = review.doc_review_items(store, uid)
    assert stance.status == "open"
    store.apply(adjudication.reject_doc_command(stance, "lead"), "lead")
    assert review.doc_review_items(store, uid)[0].status == "rejected"
    entry = store.history("lead")[0]
    assert entry.op == "add_decision" and entry.payload["decision"]["category"] == "stance"


def test_single_choice_holds_in_gold_too(store: Store, uid: str) -> None:
    from annotate import adjudication
    from db import review

    toggle(store, uid, "stance", "supports", "amina")
    toggle(store, uid, "stance", "disputes", "bob")
    stance = review.doc_review_items(store, uid)[0]
    with pytest.raises(ValidationError, match="takes one value"):
        store.apply(adjudication.accept_doc_command(stance, ["supports", "disputes"], "lead"),
                    "lead")
    assert store.doc_labels(uid, [GOLD]) == []


def test_review_and_adjudicate_on_the_command_line(store: Store, uid: str, capsys,
                                                   tmp_path: Path) -> None:
    from desktop.cli import main

    toggle(store, uid, "stance", "supports", "amina")
    toggle(store, uid, "stance", "supports", "bob")
    store.close()
    db = store.location
    assert main(["review", uid[:10], "--db", db]) == 0
    out = capsys.readouterr().out
    assert "0 of 1 decided" in out
    assert "document stance     agreed   open" in out
    assert main(["adjudicate", "--accept-agreed", "--by", "lead", "--db", db]) == 0
    assert "1 agreed items" in capsys.readouterr().out
    assert main(["log", "--db", db, "--annotator", "lead"]) == 0
    assert "accept agreed items (2 changes)" in capsys.readouterr().out
    assert main(["agreement", "--db", db]) == 0
    assert "stance: alpha n/a (no variation) (1 documents)" in capsys.readouterr().out


def test_a_peer_store_brings_its_document_labels(store: Store, uid: str,
                                                 tmp_path: Path) -> None:
    from db.peer import read_peer_store

    peer_path = tmp_path / "peer.sqlite"
    peer = Store.open(peer_path)
    peer.import_documents([AnnotatedDocument(store.document(uid))])
    peer.set_schema(store.schema(), by="kofi")
    toggle(peer, uid, "stance", "disputes", "kofi")
    peer.close()
    [record] = read_peer_store(peer_path)
    assert [(d.category, d.value, d.annotator) for d in record.doc_labels] == [
        ("stance", "disputes", "kofi")]
    summary = store.import_documents(read_peer_store(peer_path))
    assert summary.by_annotator["kofi"]["doc_labels"] == {"added": 1}
    assert values(store, uid, "kofi") == ["stance:disputes"]
    sqlite3.connect(peer_path).executescript(
        "UPDATE doc_labels SET category = x'41'; ")  # a blob, not text
    from annotate.errors import InputError

    with pytest.raises(InputError, match=r"a document label of document \w+ is not valid"):
        list(read_peer_store(peer_path))


def test_the_command_line_import_counts_document_labels_also_in_a_dry_run(
        store: Store, uid: str, tmp_path: Path, capsys) -> None:
    from annotate.formats import native
    from desktop.cli import main

    path = tmp_path / "in.jsonl"
    native.write([_record(store.document(uid).text, ("stance", "supports", "kofi"),
                          ("mood", "calm", "kofi"))], path)
    store.close()
    db = store.location
    assert main(["import", str(path), "--db", db]) == 1
    assert "document labels not in the schema: mood:calm (first at line 1)" in \
        capsys.readouterr().err
    assert main(["import", str(path), "--db", db, "--add-labels", "--dry-run"]) == 0
    assert "doc_labels 2 added" in capsys.readouterr().out
    again = Store.open(db)
    try:
        assert again.doc_labels(uid, ["kofi"]) == []
        assert again.schema().doc_category("mood") is None
    finally:
        again.close()
