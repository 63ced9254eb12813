"""The label schema's rows: read into a LabelSchema, and replaced from one."""

from __future__ import annotations

from sqlalchemy import Connection, delete, func, insert, select, update

from annotate.errors import ValidationError
from annotate.schema import AttributeDef, Label, LabelSchema, RelationType
from db.tables import LabelModel, RelationTypeModel, SpanModel


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
        RelationType(r.name, tuple(r.source_labels), tuple(r.target_labels))
        for r in conn.execute(
            select(RelationTypeModel).order_by(RelationTypeModel.position, RelationTypeModel.id)
        )
    )
    return LabelSchema(labels, relations)


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


def write_schema(conn: Connection, schema: LabelSchema, renames: dict[str, str]) -> None:
    """Make the rows equal ``schema``. Label rows keep their ids across ``renames`` (old name
    -> new name), so spans follow a renamed label. Dropping a label that has spans is refused."""
    existing = {r.name: r.id for r in conn.execute(select(LabelModel.id, LabelModel.name))}
    wanted = {label.name for label in schema.labels}
    kept: dict[str, int] = {}
    for old, new in renames.items():
        if old in existing and new in wanted:
            kept[new] = existing.pop(old)
    for name in list(existing):
        if name in wanted:
            kept[name] = existing.pop(name)
    for name, label_id in existing.items():  # labels that go away
        used = conn.scalar(
            select(func.count()).select_from(SpanModel).where(SpanModel.label_id == label_id)
        )
        if used:
            raise ValidationError(
                f"label {name!r} still has {used} spans: relabel or delete "
                "them first, or rename the label"
            )
        conn.execute(delete(LabelModel).where(LabelModel.id == label_id))
    # Free names and hotkeys first so renames and swaps do not trip the unique constraints.
    for label_id in kept.values():
        conn.execute(
            update(LabelModel)
            .where(LabelModel.id == label_id)
            .values(name=f"\x00tmp{label_id}", hotkey=None)
        )
    for position, label in enumerate(schema.labels):
        values = _label_values(label, position)
        if label.name in kept:
            conn.execute(update(LabelModel).where(LabelModel.id == kept[label.name]).values(values))
        else:
            conn.execute(insert(LabelModel).values(values))
    conn.execute(delete(RelationTypeModel))
    if schema.relations:
        conn.execute(
            insert(RelationTypeModel),
            [
                {
                    "name": r.name,
                    "source_labels": list(r.source_labels),
                    "target_labels": list(r.target_labels),
                    "position": i,
                }
                for i, r in enumerate(schema.relations)
            ],
        )
