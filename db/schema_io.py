"""The label schema's rows (labels, relation types, document categories): read into a
LabelSchema, replaced from one, and what the stored annotations use of it (:func:`usage`,
what a new schema must keep fitting)."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from sqlalchemy import Connection, delete, insert, select, update

from annotate.schema import AttributeDef, DocCategory, DocValue, Label, LabelSchema, RelationType
from annotate.validator import Usage
from db import dialects
from db.tables import DocCategoryModel, LabelModel, RelationModel, RelationTypeModel


def read_schema(conn: Connection) -> LabelSchema:
    labels = tuple(
        Label(
            r.name,
            r.category,
            r.color,
            r.hotkey,
            r.description,
            tuple(
                AttributeDef(a["name"], a["type"], tuple(a.get("choices", ())))
                for a in r.attributes
            ),
        )
        for r in conn.execute(select(LabelModel).order_by(LabelModel.position, LabelModel.id))
    )
    relations = tuple(
        RelationType(r.name, tuple(r.source_labels), tuple(r.target_labels), bool(r.across))
        for r in conn.execute(
            select(RelationTypeModel).order_by(RelationTypeModel.position, RelationTypeModel.id)
        )
    )
    documents = tuple(
        DocCategory(
            r.name,
            tuple(DocValue(v["name"], v.get("hotkey"), v["color"], v.get("description", ""))
                  for v in r.doc_values),
            bool(r.multi),
            r.description,
        )
        for r in conn.execute(
            select(DocCategoryModel).order_by(DocCategoryModel.position, DocCategoryModel.id)
        )
    )
    return LabelSchema(labels, relations, documents)


def _label_values(label: Label, position: int) -> dict[str, object]:
    return {
        "name": label.name,
        "category": label.category,
        "color": label.color,
        "hotkey": label.hotkey,
        "description": label.description,
        "position": position,
        "attributes": [
            {"name": a.name, "type": a.type, "choices": list(a.choices)} for a in label.attributes
        ],
    }


_SPANS_PER_LABEL = (
    "SELECT l.name, count(*) FROM spans AS s JOIN labels AS l ON l.id = s.label_id GROUP BY l.id"
)
_RELATIONS_PER_TYPE = (
    "SELECT r.type, a.name, count(*) FROM relations AS r "
    "JOIN annotators AS a ON a.id = r.annotator_id GROUP BY r.type, a.name ORDER BY a.name"
)
_DOCUMENTS_PER_TYPE = "SELECT type, count(DISTINCT document_id) FROM relations GROUP BY type"


class RelationTypeUse(NamedTuple):
    """How much a relation type is used: its relations per annotator, and in how many
    documents."""

    by_annotator: dict[str, int]
    documents: int


def relation_type_use(conn: Connection) -> dict[str, RelationTypeUse]:
    """The use of every relation type that has relations, by name."""
    documents = dict(conn.exec_driver_sql(_DOCUMENTS_PER_TYPE).all())
    found: dict[str, RelationTypeUse] = {}
    for rtype, annotator, n in conn.exec_driver_sql(_RELATIONS_PER_TYPE):
        found.setdefault(rtype, RelationTypeUse({}, documents[rtype])).by_annotator[annotator] = n
    return found


_RELATION_ENDS = (
    "SELECT r.type, ls.name, lt.name, count(*) FROM relations AS r "
    "JOIN spans AS s ON s.id = r.source_id JOIN labels AS ls ON ls.id = s.label_id "
    "JOIN spans AS t ON t.id = r.target_id JOIN labels AS lt ON lt.id = t.label_id "
    "GROUP BY r.type, ls.id, lt.id"
)


_ACROSS_PER_TYPE = (
    "SELECT type, count(*) FROM relations WHERE target_document_id IS NOT NULL GROUP BY type"
)
_DOC_LABELS_PER_VALUE = "SELECT category, value, count(*) FROM doc_labels GROUP BY category, value"
_SEVERAL_VALUES = (
    "SELECT DISTINCT category FROM doc_labels GROUP BY document_id, annotator_id, category "
    "HAVING count(*) > 1"
)


def _json_value(kind: str, value: Any) -> Any:
    """A value of ``json_each`` as Python. SQLite's gives its type and an SQL value: booleans
    as 1/0, containers as text; PostgreSQL's (kind ``json``) the value's JSON text."""
    if kind == "json":
        return json.loads(value)
    if kind in ("true", "false"):
        return kind == "true"
    if kind in ("object", "array"):
        return json.loads(value)
    return value


def usage(conn: Connection) -> Usage:
    """What the stored spans, relations and document labels use of the schema."""
    values: dict[tuple[str, str], list[Any]] = {}
    for label, name, kind, value in conn.exec_driver_sql(dialects.of(conn).attribute_values):
        values.setdefault((label, name), []).append(_json_value(kind, value))
    relations = {(t, s, e): n for t, s, e, n in conn.exec_driver_sql(_RELATION_ENDS)}
    doc_labels = {(c, v): n for c, v, n in conn.exec_driver_sql(_DOC_LABELS_PER_VALUE)}
    several = frozenset(row[0] for row in conn.exec_driver_sql(_SEVERAL_VALUES))
    return Usage(dict(conn.exec_driver_sql(_SPANS_PER_LABEL).all()), values, relations,
                 doc_labels, several, dict(conn.exec_driver_sql(_ACROSS_PER_TYPE).all()))


def _rename_relation_types(conn: Connection, renames: dict[str, str]) -> None:
    """Give the relations of each renamed type the new name, through a name no type can have
    (a control character, not NUL, which PostgreSQL text cannot hold), so that two types
    swapping names do not meet."""
    moves = {old: new for old, new in renames.items() if old != new}
    for step, old in enumerate(moves):
        conn.execute(update(RelationModel).where(RelationModel.type == old)
                     .values(type=f"\x01rename{step}"))
    for step, (_old, new) in enumerate(moves.items()):
        conn.execute(update(RelationModel).where(RelationModel.type == f"\x01rename{step}")
                     .values(type=new))


def write_schema(conn: Connection, schema: LabelSchema, renames: dict[str, str],
                 relation_renames: dict[str, str] | None = None) -> None:
    """Make the rows equal ``schema``. Label rows keep their ids across ``renames`` (old name
    -> new name), so spans follow a renamed label; relations take the new names of their types
    in ``relation_renames`` (swaps included). The caller has checked that the stored
    annotations fit ``schema`` (:func:`annotate.validator.check_fits`); a label that still has
    spans cannot be deleted (the spans' foreign key refuses)."""
    existing = {r.name: r.id for r in conn.execute(select(LabelModel.id, LabelModel.name))}
    wanted = {label.name for label in schema.labels}
    kept: dict[str, int] = {}
    for old, new in renames.items():
        if old in existing and new in wanted:
            kept[new] = existing.pop(old)
    for name in list(existing):
        if name in wanted:
            kept[name] = existing.pop(name)
    for label_id in existing.values():  # labels that go away
        conn.execute(delete(LabelModel).where(LabelModel.id == label_id))
    # Free names and hotkeys first so renames and swaps do not trip the unique constraints.
    for label_id in kept.values():
        conn.execute(
            update(LabelModel)
            .where(LabelModel.id == label_id)
            .values(name=f"\x01tmp{label_id}", hotkey=None)
        )
    for position, label in enumerate(schema.labels):
        values = _label_values(label, position)
        if label.name in kept:
            conn.execute(update(LabelModel).where(LabelModel.id == kept[label.name]).values(values))
        else:
            conn.execute(insert(LabelModel).values(values))
    _rename_relation_types(conn, relation_renames or {})
    conn.execute(delete(RelationTypeModel))
    if schema.relations:
        conn.execute(
            insert(RelationTypeModel),
            [
                {
                    "name": r.name,
                    "source_labels": list(r.source_labels),
                    "target_labels": list(r.target_labels),
                    "across": r.across,
                    "position": i,
                }
                for i, r in enumerate(schema.relations)
            ],
        )
    conn.execute(delete(DocCategoryModel))
    if schema.documents:
        conn.execute(
            insert(DocCategoryModel),
            [
                {
                    "name": c.name,
                    "multi": c.multi,
                    "description": c.description,
                    "doc_values": [
                        {"name": v.name, "hotkey": v.hotkey, "color": v.color,
                         "description": v.description}
                        for v in c.values
                    ],
                    "position": i,
                }
                for i, c in enumerate(schema.documents)
            ],
        )
