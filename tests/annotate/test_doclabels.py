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
    ((DocCategory("stance", (DocValue("a", "X"),)),), "value 'a': hotkey 'x' is the text's own"),
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


# -- agreement ------------------------------------------------------------------------------
def _docs(*rows: tuple[dict[str, list[str]], dict[str, str]]) -> list:
    """Documents from ({annotator: ["category:value", ...]}, {annotator: status})."""
    from annotate.model import AnnotatedDocument, Document

    docs = []
    for i, (given, status) in enumerate(rows):
        document = Document(f"Document {i}.")
        labels = tuple(DocLabel(document.uid, *item.split(":"), who)
                       for who, items in given.items() for item in items)
        docs.append(AnnotatedDocument(document, status=status, doc_labels=labels))
    return docs


@pytest.mark.parametrize("seed", range(6))
def test_kappa_and_alpha_match_sklearn_and_krippendorff(seed: int) -> None:
    import random

    import krippendorff
    import numpy as np
    from sklearn.metrics import cohen_kappa_score

    from annotate.doc_agreement import cohen_kappa, krippendorff_alpha

    rng = random.Random(seed)
    values = ["supports", "disputes", "neutral"][: rng.randint(2, 3)]
    units = [[rng.choice(values) if rng.random() < 0.8 else None for _ in range(3)]
             for _ in range(rng.randint(5, 40))]
    pairs = [(u[0], u[1]) for u in units if u[0] is not None and u[1] is not None]
    expected = cohen_kappa_score([a for a, _ in pairs], [b for _, b in pairs])
    assert cohen_kappa(pairs).value == pytest.approx(expected)
    data = np.array([[np.nan if u[i] is None else values.index(u[i]) for u in units]
                     for i in range(3)])
    reference = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    alpha = krippendorff_alpha([c for c in u if c is not None] for u in units)
    assert alpha.value == pytest.approx(reference)


def test_kappa_and_alpha_over_documents_per_category() -> None:
    from annotate.doc_agreement import cohen_kappa, doc_label_agreement

    # a = s s d d, b = s d d d: po = 3/4, pe = (2*1 + 2*3)/16 = 1/2, kappa = 1/2
    assert cohen_kappa([("s", "s"), ("s", "d"), ("d", "d"), ("d", "d")]).value == 0.5
    assert cohen_kappa([("s", "s"), ("s", "s")]).reason == "no variation"
    assert cohen_kappa([]).reason == "no document coded by both"
    docs = _docs(
        ({"a": ["stance:supports"], "b": ["stance:supports"]}, {}),
        ({"a": ["stance:supports"], "b": ["stance:disputes"]}, {}),
        ({"a": ["stance:disputes", "topics:aid"], "b": ["stance:disputes"]}, {"b": "done"}),
        ({"a": ["stance:disputes"], "b": ["stance:disputes"], GOLD: ["stance:neutral"]}, {}),
        ({"a": ["topics:casualties"]}, {}),  # b did not code topics here: not counted
    )
    figures = {c.name: c for c in doc_label_agreement(docs, ["a", "b", GOLD], SCHEMA.documents)}
    assert list(figures) == ["stance", "topics: casualties", "topics: neutral"]
    assert list(figures["stance"].kappa) == [("a", "b")]  # gold is never a coder
    assert figures["stance"].kappa[("a", "b")].value == 0.5
    assert figures["stance"].kappa[("a", "b")].documents == 4
    # casualties: only document 2 is coded by both (a gave aid, b marked it done): no, no
    assert figures["topics: casualties"].kappa[("a", "b")].documents == 1
    assert figures["topics: casualties"].kappa[("a", "b")].reason == "no variation"
    # without a schema: topics is taken as single-choice, as no one gave a document two of it
    inferred = {c.name for c in doc_label_agreement(docs, ["a", "b"])}
    assert inferred == {"stance", "topics"}


def test_the_agreement_report_carries_document_labels() -> None:
    from annotate.agreement import compute_agreement

    docs = _docs(({"a": ["stance:supports"], "b": ["stance:supports"]}, {}),
                 ({"a": ["stance:supports"], "b": ["stance:disputes"]}, {}))
    report = compute_agreement(docs)
    assert report.annotators == ("a", "b")  # found by their document labels
    coding = report.to_json()["document_labels"][0]
    assert coding["category"] == "stance" and coding["value"] is None
    assert coding["kappa"][0]["annotators"] == ["a", "b"]
    assert "stance: alpha" in report.format_table()
