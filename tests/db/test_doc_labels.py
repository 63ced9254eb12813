"""Document labels in the store: journaled, undoable edits checked by the same rules whoever
makes them (known value, single choice, own layer, gold by adjudication only), schema changes
that must keep fitting them, and decisions on them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

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


def test_the_store_refuses_what_the_rules_refuse(store: Store, uid: str,
                                                  tmp_path: Path) -> None:
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
    rows = sqlite3.connect(tmp_path / "store.sqlite").execute(
        "SELECT count(*) FROM journal").fetchone()
    for command, who, message in refused:
        with pytest.raises(ValidationError, match=message):
            store.apply(command, who)
    assert values(store, uid) == ["stance:supports"]
    assert sqlite3.connect(tmp_path / "store.sqlite").execute(
        "SELECT count(*) FROM journal").fetchone() == rows


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


def test_a_removed_label_is_buried_and_raised_by_undo(store: Store, uid: str,
                                                      tmp_path: Path) -> None:
    toggle(store, uid, "stance", "supports")
    toggle(store, uid, "stance", "supports")
    label = DocLabel(uid, "stance", "supports", "amina")

    def buried() -> bool:
        return sqlite3.connect(tmp_path / "store.sqlite").execute(
            "SELECT count(*) FROM deleted WHERE kind = 'doclabel' AND id = ?",
            (label.id,)).fetchone()[0] == 1

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
