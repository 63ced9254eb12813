"""The schema's rules the window and the command line share, without Qt: which relation types
may join two labels, which attributes a relabel keeps, how relation types follow a rename."""

import pytest

from annotate.commands import relabel
from annotate.errors import ValidationError
from annotate.model import Relation, Span
from annotate.schema import AttributeDef, Label, LabelSchema, RelationType

SCHEMA = LabelSchema(
    (
        Label("CLAIM", "claim", attributes=(
            AttributeDef("certainty", "choice", ("asserted", "hedged")),
            AttributeDef("figure", "text"),
        )),
        Label("DENIAL", "denial", attributes=(
            AttributeDef("certainty", "choice", ("firm", "soft")),
            AttributeDef("figure", "number"),
        )),
        Label("ORG", "entity"),
        Label("PERSON", "entity"),
    ),
    (
        RelationType("CLAIMED_BY", ("CLAIM",), ("ORG", "PERSON")),
        RelationType("DENIES", ("DENIAL",), ("CLAIM",)),
        RelationType("SAME", ("ORG",), ()),
        RelationType("ANY", (), ()),
    ),
)
LABELS = ("CLAIM", "DENIAL", "ORG", "PERSON")


def test_relation_choices_name_the_types_to_join_two_labels():
    assert SCHEMA.relation_choices("CLAIM", "ORG") == ["CLAIMED_BY", "ANY"]
    assert SCHEMA.relation_choices("ORG", "CLAIM") == ["SAME", "ANY"]
    assert SCHEMA.relation_choices("DENIAL", "CLAIM") == ["DENIES", "ANY"]
    assert SCHEMA.relation_choices("PERSON", "PERSON") == ["ANY"]


@pytest.mark.parametrize("source", LABELS)
@pytest.mark.parametrize("target", LABELS)
def test_relation_choices_are_what_check_relation_accepts(source, target):
    a, b = Span("d", 0, 1, source, "amy", "a"), Span("d", 2, 3, target, "amy", "b")
    offered = SCHEMA.relation_choices(source, target)
    for rtype in SCHEMA.relations:
        relation = Relation(rtype.name, "a", "b", "amy")
        if rtype.name in offered:
            SCHEMA.check_relation(relation, a, b)
        else:
            with pytest.raises(ValidationError):
                SCHEMA.check_relation(relation, a, b)


def test_relabel_keeps_the_attributes_the_new_label_takes_as_they_are():
    span = Span("d", 0, 4, "CLAIM", "amy", "s", attributes={"certainty": "hedged", "figure": "80"})
    after = relabel(span, "DENIAL", SCHEMA).after
    assert after.label == "DENIAL"
    assert after.attributes == {}  # "hedged" is no DENIAL certainty; "80" is text, not a number
    SCHEMA.check_span(after)
    assert relabel(after, "CLAIM", SCHEMA).after.attributes == {}
    kept = relabel(span, "CLAIM", SCHEMA).after
    assert kept.attributes == {"certainty": "hedged", "figure": "80"}


def test_relabel_keeps_a_value_that_fits_and_drops_what_the_label_lacks():
    span = Span("d", 0, 4, "DENIAL", "amy", "s", attributes={"certainty": "firm", "figure": 80})
    assert relabel(span, "DENIAL", SCHEMA).after.attributes == {"certainty": "firm", "figure": 80}
    assert relabel(span, "ORG", SCHEMA).after.attributes == {}
    assert relabel(span, "ORG", SCHEMA).before == span  # undo restores them


def test_a_rename_carries_the_relation_types_with_it():
    renamed = Label("GROUP", "entity")
    schema, renames = SCHEMA.edited(
        [(name, renamed if name == "ORG" else SCHEMA.label(name)) for name in LABELS]
    )
    assert renames == {"ORG": "GROUP"}
    assert schema.relation_type("CLAIMED_BY").target_labels == ("GROUP", "PERSON")
    assert schema.relation_type("SAME").source_labels == ("GROUP",)
    assert schema == SCHEMA.with_label(renamed, replacing="ORG")
    schema.validate()


def test_a_removed_label_leaves_the_relation_types_and_one_joining_only_it_goes():
    schema, renames = SCHEMA.edited(
        [(name, SCHEMA.label(name)) for name in LABELS if name != "ORG"]
        + [(None, Label("PLACE", "entity"))]
    )
    assert renames == {}
    assert schema.relation_type("SAME") is None
    assert schema.relation_type("CLAIMED_BY").target_labels == ("PERSON",)
    assert schema.relation_type("ANY") == RelationType("ANY")
    assert schema.label_names == ("CLAIM", "DENIAL", "PERSON", "PLACE")
    schema.validate()


def test_adding_a_label_keeps_every_relation_type():
    schema = SCHEMA.with_label(Label("PLACE", "entity"))
    assert schema.relations == SCHEMA.relations
    assert schema.label_names == (*LABELS, "PLACE")
