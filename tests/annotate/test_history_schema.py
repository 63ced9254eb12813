"""How the History panel and `counterclaim log` word a schema change of relation types and
document categories."""

from annotate.history import schema_change
from annotate.schema import DocCategory, DocValue, Label, LabelSchema, RelationType


def test_relation_types_and_document_categories_added_removed_changed() -> None:
    labels = (Label("CLAIM", "claim"), Label("PERSON", "entity"))
    before = LabelSchema(
        labels,
        (RelationType("CLAIMED_BY"), RelationType("ABOUT")),
        (DocCategory("stance", (DocValue("supports"),)), DocCategory("topic")),
    )
    after = LabelSchema(
        labels,
        (RelationType("CLAIMED_BY", ("CLAIM",), ("PERSON",)), RelationType("DENIES")),
        (DocCategory("stance", (DocValue("supports"), DocValue("disputes"))),
         DocCategory("source")),
    )
    assert schema_change(before, after, {}) == (
        "relation types added: DENIES; relation types removed: ABOUT; "
        "relation types changed: CLAIMED_BY; document categories added: source; "
        "document categories removed: topic; document categories changed: stance"
    )
    assert schema_change(before, before, {}) == "no change"
