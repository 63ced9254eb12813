"""Document labels in the domain: the schema's document categories (validation, JSON, hotkeys,
flat names), the toggle's commands, the layer rule and the journal form. No Qt, no store."""

from __future__ import annotations

import pytest

from annotate import doclabels, layers
from annotate.commands import AddDocLabel, Batch, RemoveDocLabel, command_from_dict
from annotate.errors import InputError, ValidationError
from annotate.model import GOLD, DocLabel
from annotate.schema import DocCategory, DocValue, Label, LabelSchema
from annotate.validator import Usage, check_fits

STANCE = DocCategory("stance", (DocValue("supports", "1"), DocValue("disputes", "2"),
                                DocValue("neutral", "3")))
TOPICS = DocCategory("topics", (DocValue("casualties", "4"), DocValue("neutral")), multi=True)
SCHEMA = LabelSchema((Label("CLAIM", hotkey="c"),), (), (STANCE, TOPICS))


def test_the_schema_round_trips_its_document_categories_through_json() -> None:
    again = LabelSchema.loads(SCHEMA.dumps())
    assert again == SCHEMA
    assert again.doc_category("topics") == TOPICS
    assert "documents" not in LabelSchema((Label("CLAIM"),)).to_json()  # none: as before


@pytest.mark.parametrize("documents, message", [
    ((DocCategory("stance", (DocValue("a", "c"),)),), "hotkey 'c' is used by 'CLAIM'"),
    ((DocCategory("stance", (DocValue("a", "1"), DocValue("b", "1"))),), "used by 'stance:a'"),
    ((STANCE, DocCategory("other", (DocValue("x", "1"),))), "hotkey '1'"),
    ((STANCE, STANCE), "defined twice"),
    ((DocCategory("stance"),), "has no values"),
    ((DocCategory("stance", (DocValue("a"), DocValue("a"))),), "defines a value twice"),
    ((DocCategory("two words", (DocValue("a"),)),), "must start with a letter"),
    ((DocCategory("stance", (DocValue(" a"),)),), "space"),
    ((DocCategory("stance", (DocValue("a", "12"),)),), "one letter or digit"),
    ((DocCategory("stance", (DocValue("a", color="red"),)),), "not #RRGGBB"),
    ((DocCategory("stance", (DocValue("a"),), multi="yes"),), "true or false"),  # type: ignore[arg-type]
])
def test_a_bad_document_category_is_refused(documents: tuple[DocCategory, ...],
                                            message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        LabelSchema((Label("CLAIM", hotkey="C"),), (), documents).validate()


def test_a_malformed_document_category_in_a_file_names_it() -> None:
    data = SCHEMA.to_json()
    data["documents"][1] = {"name": "topics"}  # no values
    with pytest.raises(InputError, match=r"documents\[1\]"):
        LabelSchema.from_json(data, "s.json")


def test_hotkeys_and_flat_names() -> None:
    assert SCHEMA.hotkeys() == {"c", "1", "2", "3", "4"}
    assert SCHEMA.flat_name("stance", "supports") == "supports"
    assert SCHEMA.flat_name("topics", "neutral") == "topics:neutral"  # two categories have it
    assert SCHEMA.from_flat_name("supports") == ("stance", "supports")
    assert SCHEMA.from_flat_name("topics:neutral") == ("topics", "neutral")
    assert SCHEMA.from_flat_name("neutral") is None  # ambiguous
    assert SCHEMA.from_flat_name("nothing") is None


def test_check_doc_label_names_what_is_unknown() -> None:
    SCHEMA.check_doc_label(DocLabel("d", "stance", "supports", "amina"))
    with pytest.raises(ValidationError, match="unknown document category 'mood'"):
        SCHEMA.check_doc_label(DocLabel("d", "mood", "x", "amina"))
    with pytest.raises(ValidationError, match="has no value 'maybe'"):
        SCHEMA.check_doc_label(DocLabel("d", "stance", "maybe", "amina"))


def test_toggle_adds_removes_and_replaces_in_one_step() -> None:
    add = doclabels.toggle(SCHEMA, [], "d", "stance", "supports", "amina")
    assert add == AddDocLabel(DocLabel("d", "stance", "supports", "amina"))
    held = [add.label, DocLabel("d", "stance", "disputes", "bob")]
    assert doclabels.toggle(SCHEMA, held, "d", "stance", "supports", "amina") == \
        RemoveDocLabel(add.label)
    replace = doclabels.toggle(SCHEMA, held, "d", "stance", "neutral", "amina")
    assert isinstance(replace, Batch)
    assert replace.commands == (RemoveDocLabel(add.label),
                                AddDocLabel(DocLabel("d", "stance", "neutral", "amina")))
    topics = [DocLabel("d", "topics", "casualties", "amina")]
    assert doclabels.toggle(SCHEMA, topics, "d", "topics", "neutral", "amina") == \
        AddDocLabel(DocLabel("d", "topics", "neutral", "amina"))  # multi: added beside
    with pytest.raises(ValidationError):
        doclabels.toggle(SCHEMA, [], "d", "stance", "maybe", "amina")


def test_single_choice_refuses_a_second_value() -> None:
    label = DocLabel("d", "stance", "supports", "amina")
    doclabels.check_single(SCHEMA, label, ["supports"])
    with pytest.raises(ValidationError, match="takes one value"):
        doclabels.check_single(SCHEMA, label, ["disputes"])
    doclabels.check_single(SCHEMA, DocLabel("d", "topics", "neutral", "amina"), ["casualties"])


def test_a_document_label_is_written_by_its_own_annotator_only() -> None:
    mine = AddDocLabel(DocLabel("d", "stance", "supports", "amina"))
    assert layers.command_refusal(mine, "amina") is None
    assert "amina's layer" in (layers.command_refusal(mine, "bob") or "")
    gold = RemoveDocLabel(DocLabel("d", "stance", "supports", GOLD))
    assert "adjudication" in (layers.command_refusal(gold, "amina") or "")


def test_commands_round_trip_through_the_journal_form() -> None:
    label = DocLabel("d", "stance", "supports", "amina", "2026-12-04T21:00:00Z")
    for command in (AddDocLabel(label), RemoveDocLabel(label),
                    Batch((RemoveDocLabel(label), AddDocLabel(label)), "set")):
        again = command_from_dict(command.to_dict())
        assert again == command
        assert again.inverse().inverse() == command
    assert command_from_dict(AddDocLabel(label).to_dict()).label.created == label.created
    assert AddDocLabel(label).changes().doc_labels


def test_ids_follow_content_not_time() -> None:
    a = DocLabel("d", "stance", "supports", "amina", "2026-01-01T00:00:00Z")
    assert a.id == DocLabel("d", "stance", "supports", "amina").id
    assert a.id != DocLabel("d", "stance", "supports", "bob").id


def test_a_schema_change_must_keep_fitting_the_document_labels() -> None:
    usage = Usage(doc_labels={("stance", "supports"): 3}, several=frozenset({"topics"}))
    check_fits(SCHEMA, usage, {})
    without = LabelSchema(SCHEMA.labels, (), (TOPICS,))
    with pytest.raises(ValidationError, match="'stance' still has 3 labels"):
        check_fits(without, usage, {})
    fewer = LabelSchema(SCHEMA.labels, (), (DocCategory("stance", (DocValue("neutral"),)),
                                             TOPICS))
    with pytest.raises(ValidationError, match="value 'supports'"):
        check_fits(fewer, usage, {})
    single = LabelSchema(SCHEMA.labels, (), (STANCE, DocCategory("topics", TOPICS.values)))
    with pytest.raises(ValidationError, match="must stay multi-choice"):
        check_fits(single, usage, {})
