"""A schema change may rename relation types: the relations follow (two types may swap names),
the journal keeps the renames, undo and redo put them back, and a type still in use that the
new schema lacks is refused."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from annotate.commands import AddRelation, CreateSpan, SetSchema, command_from_dict
from annotate.errors import ValidationError
from annotate.model import AnnotatedDocument, Document, Relation, Span
from db.store import Store

TEXT = "The army said forty fighters died. Rebel forces denied it."


@pytest.fixture
def store(tmp_path: Path):
    store = Store.open(tmp_path / "s.sqlite")
    store.import_documents([AnnotatedDocument(Document(TEXT, "Linked"))])
    uid = store.list_documents()[0].uid
    claim, org = Span(uid, 14, 33, "CLAIM", "amina"), Span(uid, 4, 8, "ORG", "amina")
    store.apply(CreateSpan(claim), "amina")
    store.apply(CreateSpan(org), "amina")
    store.apply(AddRelation(uid, Relation("CLAIMED_BY", claim.id, org.id, "amina")), "amina")
    store.apply(AddRelation(uid, Relation("ABOUT", claim.id, org.id, "amina")), "amina")
    yield store
    store.close()


def types(store: Store) -> dict[str, str]:
    uid = store.list_documents()[0].uid
    return {r.id: r.type for r in store.relations(uid)}


def swapped(store: Store):
    schema = store.schema()
    names = {"CLAIMED_BY": "ABOUT", "ABOUT": "CLAIMED_BY"}
    relations = tuple(replace(r, name=names.get(r.name, r.name)) for r in schema.relations)
    return replace(schema, relations=relations, _by_name={}), names


def test_two_types_swap_names_with_their_relations_and_undo_swaps_back(store):
    before = types(store)
    schema, names = swapped(store)
    store.set_schema(schema, by="amina", relation_renames=names)
    assert types(store) == {rid: names[t] for rid, t in before.items()}
    assert store.relation_type_use()["ABOUT"].by_annotator == {"amina": 1}
    store.undo("amina")
    assert types(store) == before
    store.redo("amina")
    assert types(store) == {rid: names[t] for rid, t in before.items()}


def test_the_journal_keeps_the_renames(store):
    schema, names = swapped(store)
    command = SetSchema(schema, (), None, tuple(names.items()))
    again = command_from_dict(command.to_dict())
    assert again.relation_renames == command.relation_renames


def test_a_type_in_use_cannot_go_without_a_rename(store):
    schema = store.schema()
    without = replace(schema, relations=tuple(r for r in schema.relations
                                               if r.name != "CLAIMED_BY"), _by_name={})
    with pytest.raises(ValidationError, match="relation type 'CLAIMED_BY' still has 1 relations"):
        store.set_schema(without, by="amina")
    assert sorted(types(store).values()) == ["ABOUT", "CLAIMED_BY"]
    use = store.relation_type_use()["CLAIMED_BY"]
    assert (use.by_annotator, use.documents) == ({"amina": 1}, 1)
