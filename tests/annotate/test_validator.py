"""Every branch of the schema's own rules, of the span and relation checks every way in passes,
and of the check that a new schema still fits the stored annotations."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from annotate.errors import InputError, ValidationError
from annotate.model import Relation, Span
from annotate.schema import AttributeDef, Label, LabelSchema, RelationType
from annotate.validator import Usage, check_fits, check_relation, check_span, check_spans

CLAIM = Label("CLAIM", "claim", "#E69F00", "c", attributes=(
    AttributeDef("certainty", "choice", ("asserted", "hedged")),
    AttributeDef("figure", "text"),
    AttributeDef("low", "number"),
    AttributeDef("checked", "bool"),
))
PERSON = Label("PERSON", "entity", "#56B4E9", "p")
ORG = Label("ORG", "entity", "#009E73")
SCHEMA = LabelSchema(
    (CLAIM, PERSON, ORG),
    (RelationType("CLAIMED_BY", ("CLAIM",), ("PERSON",)), RelationType("LINK")),
)


@pytest.mark.parametrize(
    ("labels", "relations", "message"),
    [
        ((Label("1st"),), (), "must start with a letter"),
        ((Label("has space"),), (), "must start with a letter"),
        ((Label("A"), Label("A")), (), "defined twice"),
        ((Label("A", "rumour"),), (), "category 'rumour' is not one of"),  # type: ignore[arg-type]
        ((Label("A", color="red"),), (), "is not #RRGGBB"),
        ((Label("A", color="#12345G"),), (), "is not #RRGGBB"),
        ((Label("A", hotkey="ab"),), (), "must be one letter or digit"),
        ((Label("A", hotkey="!"),), (), "must be one letter or digit"),
        ((Label("A", hotkey="q"), Label("B", hotkey="Q")), (), "hotkey 'q' is used by"),
        ((Label("A", hotkey="X"),), (), "hotkey 'x' is the text's own key .it rejects a"),
        ((Label("A", hotkey="l"),), (), "hotkey 'l' is the text's own key .it links"),
        ((Label("A", attributes=(AttributeDef("n"), AttributeDef("n"))),), (),
         "defines an attribute twice"),
        ((Label("A", attributes=(AttributeDef("n", "date"),)),), (),  # type: ignore[arg-type]
         "unknown type 'date'"),
        ((Label("A", attributes=(AttributeDef("n", "choice"),)),), (), "has no choices"),
        ((Label("A"),), (RelationType("R"), RelationType("R")), "defined twice"),
        ((Label("A"),), (RelationType("has space"),), "not a valid name"),
        ((Label("A"),), (RelationType("R", ("B",)),), "names unknown label 'B'"),
        ((Label("A"),), (RelationType("R", (), ("B",)),), "names unknown label 'B'"),
    ],
)
def test_a_schema_that_contradicts_itself_is_refused(labels, relations, message) -> None:
    with pytest.raises(ValidationError, match=message):
        LabelSchema(labels, relations).validate()


def test_a_sound_schema_passes() -> None:
    SCHEMA.validate()


def span(label: str = "CLAIM", start: int = 0, end: int = 4, **attributes: object) -> Span:
    return Span("doc", start, end, label, "amina", attributes=dict(attributes))


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (span(start=-1), "outside the text"),
        (span(start=4, end=4), "outside the text"),
        (span(end=11), "outside the text"),
        (span(label="RUMOUR"), "unknown label 'RUMOUR'"),
        (span(mood="sad"), "has no attribute 'mood'"),
        (span(certainty="maybe"), "expects choice"),
        (span(figure=80), "expects text"),
        (span(low="80"), "expects number"),
        (span(low=True), "expects number"),
        (span(low=float("nan")), "is NaN, a number no JSON file can hold"),
        (span(low=2**63), "expects number"),
        (span(checked="yes"), "expects bool"),
    ],
)
def test_a_span_that_breaks_a_rule_is_refused(bad: Span, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        check_span(SCHEMA, bad, 10)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (span(start=-1), "outside the text"),
        (span(end=11), "outside the text"),
        (span(end=4.0), "integers"),  # type: ignore[arg-type]
        (span(label="RUMOUR"), "unknown label 'RUMOUR'"),
        (span(mood="sad"), "has no attribute 'mood'"),
        (span(low=True), "expects number"),
        (replace(span(), fragments=((0, 2), (1, 4))), "not in order"),
        (replace(span(), fragments=((0, 4),)), "two or more"),
        (replace(span(), note="\ud800"), "the note"),
    ],
)
def test_check_spans_refuses_any_span_check_span_refuses(bad: Span, message: str) -> None:
    """Among spans that pass, one that breaks a rule is refused as :func:`check_span`
    refuses it, wherever it comes."""
    good = [(span("PERSON"), 10), (span(certainty="hedged"), 10), (span(end=10), 10)]
    check_spans(SCHEMA, good)
    with pytest.raises(ValidationError, match=message):
        check_span(SCHEMA, bad, 10)
    with pytest.raises(ValidationError, match=message):
        check_spans(SCHEMA, [*good, (bad, 10), (span("ORG"), 10)])


def test_a_span_that_fits_passes() -> None:
    check_span(SCHEMA, span(certainty="hedged", figure="80", low=80, checked=False), 10)
    check_span(SCHEMA, span(certainty=None), 10)  # None clears: always fits


def test_offsets_that_are_not_integers_are_refused() -> None:
    with pytest.raises(ValidationError, match="integers"):
        check_span(SCHEMA, span(end=4.0), 10)  # type: ignore[arg-type]


def ends(source_label: str, target_label: str, other_document: bool = False):
    source = span(source_label)
    target = Span("other" if other_document else "doc", 5, 9, target_label, "amina")
    return source, target


@pytest.mark.parametrize(
    ("rtype", "labels", "other_document", "message"),
    [
        ("SUPPORTS", ("CLAIM", "PERSON"), False, "unknown type 'SUPPORTS'"),
        ("CLAIMED_BY", ("PERSON", "PERSON"), False, "cannot start at a PERSON span"),
        ("CLAIMED_BY", ("CLAIM", "ORG"), False, "cannot end at a ORG span"),
        ("LINK", ("CLAIM", "ORG"), True, "LINK cannot link spans of two documents"),
    ],
)
def test_a_relation_that_breaks_a_rule_is_refused(rtype, labels, other_document, message):
    source, target = ends(*labels, other_document=other_document)
    with pytest.raises(ValidationError, match=message):
        check_relation(SCHEMA, Relation(rtype, source.id, target.id, "amina"), source, target)


def test_a_span_linked_to_itself_or_to_other_ends_is_refused() -> None:
    source, target = ends("CLAIM", "PERSON")
    with pytest.raises(ValidationError, match="linked to itself"):
        check_relation(SCHEMA, Relation("LINK", source.id, source.id, "amina"), source, source)
    with pytest.raises(ValidationError, match="not the spans given"):
        check_relation(SCHEMA, Relation("LINK", target.id, source.id, "amina"), source, target)


def test_relations_that_fit_pass() -> None:
    source, target = ends("CLAIM", "PERSON")
    check_relation(SCHEMA, Relation("CLAIMED_BY", source.id, target.id, "amina"), source, target)
    check_relation(SCHEMA, Relation("LINK", target.id, source.id, "amina"), target, source)


USAGE = Usage(
    spans={"CLAIM": 3, "PERSON": 2},
    values={("CLAIM", "certainty"): ["hedged"], ("CLAIM", "low"): [80, 2.5]},
    relations={("CLAIMED_BY", "CLAIM", "PERSON"): 2},
)


def without(name: str) -> tuple[Label, ...]:
    return tuple(label for label in SCHEMA.labels if label.name != name)


def claim_with(*attributes: AttributeDef) -> LabelSchema:
    return SCHEMA.with_label(Label("CLAIM", "claim", "#E69F00", "c", attributes=attributes),
                             "CLAIM")


@pytest.mark.parametrize(
    ("schema", "renames", "message"),
    [
        (LabelSchema(without("PERSON"), (RelationType("LINK"),)), {},
         "label 'PERSON' still has 2 spans"),
        (claim_with(AttributeDef("low", "number")), {}, "loses attribute 'certainty'"),
        (claim_with(AttributeDef("certainty", "choice", ("asserted",)),
                    AttributeDef("low", "number")), {}, r"refuses values spans hold: 'hedged'"),
        (claim_with(AttributeDef("certainty", "text"), AttributeDef("low", "text")), {},
         r"'low' of 'CLAIM' \(text\) refuses values spans hold: 80, 2.5"),
        (LabelSchema(SCHEMA.labels, (RelationType("LINK"),)), {},
         "'CLAIMED_BY' still has 2 relations"),
        (LabelSchema(SCHEMA.labels, (RelationType("CLAIMED_BY", ("PERSON",), ("PERSON",)),)), {},
         "2 'CLAIMED_BY' relations start at 'CLAIM'"),
        (LabelSchema(SCHEMA.labels, (RelationType("CLAIMED_BY", ("CLAIM",), ("ORG",)),)), {},
         "2 'CLAIMED_BY' relations end at 'PERSON'"),
        (LabelSchema((CLAIM, ORG, Label("WHO")),
                     (RelationType("CLAIMED_BY", ("CLAIM",), ("ORG",)),)),
         {"PERSON": "WHO"}, "end at 'WHO'"),
    ],
)
def test_a_schema_the_annotations_do_not_fit_is_refused(schema, renames, message) -> None:
    with pytest.raises(ValidationError, match=message):
        check_fits(schema, USAGE, renames)


def test_every_misfit_is_named_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        check_fits(LabelSchema((ORG,), ()), USAGE, {})
    assert all(name in str(caught.value) for name in ("'CLAIM'", "'PERSON'", "'CLAIMED_BY'"))


def test_a_schema_that_keeps_fitting_passes() -> None:
    check_fits(SCHEMA, USAGE, {})
    renamed = SCHEMA.with_label(Label("WHO", "entity", "#56B4E9", "p"), "PERSON")
    check_fits(renamed, USAGE, {"PERSON": "WHO"})
    check_fits(LabelSchema(SCHEMA.labels, (RelationType("CLAIMED_BY"),)), USAGE, {})


@pytest.mark.parametrize(("text", "where", "key"), [
    ('{"labels": [{"name": "A", "attributes": [{"name": "n", "type": "choice", '
     '"choices": "abc"}]}]}', "labels[0]", "choices"),  # was read as the choices a, b, c
    ('{"labels": [{"name": "A", "attributes": [{"name": "n", "type": "choice", '
     '"choices": {"x": 1}}]}]}', "labels[0]", "choices"),
    ('{"labels": [{"name": "A", "attributes": "n"}]}', "labels[0]", "attributes"),
    ('{"labels": [{"name": "A"}], "relations": [{"name": "R", "from": "A"}]}', "relations[0]",
     "from"),  # a one-letter label: "A" was read as ["A"], "AB" as ["A", "B"]
    ('{"labels": [{"name": "A"}], "relations": [{"name": "R", "to": {"A": 1}}]}',
     "relations[0]", "to"),
    ('{"labels": [{"name": "A"}], "documents": [{"name": "stance", "values": "pro"}]}',
     "documents[0]", "values"),
])
def test_a_schema_list_given_as_a_string_or_an_object_is_refused(text, where, key):
    with pytest.raises(InputError, match=rf"schema\.json:{re.escape(where)}: .*\"{key}\" "
                                         "must be a list"):
        LabelSchema.loads(text, "schema.json")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"labels": [{"name": "A", "hotkey": 5}]}', "hotkey 5 must be one letter or digit"),
        ('{"labels": [{"name": "A", "hotkey": ["a"]}]}',
         r"hotkey \['a'\] must be one letter or digit"),
        ('{"labels": [{"name": "A"}], "relations": [{"name": "R", "to": [["A"]]}]}',
         r"relation 'R' names unknown label \['A'\]"),
        ('{"labels": [{"name": "A"}], "relations": [{"name": "R", "from": [{"a": 1}]}]}',
         r"relation 'R' names unknown label \{'a': 1\}"),
        ('{"labels": [{"name": "A"}], "relations": -1}', '"relations" must be a list'),
    ],
)
def test_a_schema_file_with_values_of_other_types_is_refused_naming_them(text, message):
    """A hotkey or a relation's label that is not a string, or relations that are not a
    list, ended the schema import in a traceback (TypeError: no len(), unhashable, not
    iterable; AttributeError: no isalnum)."""
    with pytest.raises(InputError, match=message):
        LabelSchema.loads(text, "schema.json")
