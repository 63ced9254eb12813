"""The one rule for names, the rule for free text, and the schema's use of them."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from annotate.errors import InputError, ValidationError
from annotate.model import AnnotatedDocument, DocLabel, Document, Relation, Span, utc_now
from annotate.schema import LabelSchema, default_schema
from annotate.strings import (
    CLOCK_SLACK_S,
    KEY_MAX,
    NAME_MAX,
    check_name,
    check_no_nul,
    check_record,
    check_value,
    name_problem,
    text_problem,
    without_surrogates,
)

HOSTILE_CHARACTERS = ["\t", "\n", "\r", "\x00", "\x1b", "\x85", "\u2028", "\u2029", "\u202e",
                      "\u200b", "\xa0", "\ud800", "\udfff", "\ue000"]


@pytest.mark.parametrize("name", ["amina", "Amélie Øster", "a b", "#1", "x=y", '"q"', "<b>",
                                  "名前", "😀", "a" * NAME_MAX])
def test_printable_names_within_the_bound_are_names(name: str) -> None:
    assert name_problem(name) is None
    assert check_name(name, "annotator") == name


@pytest.mark.parametrize("char", HOSTILE_CHARACTERS)
def test_no_name_holds_a_control_separator_format_or_surrogate_character(char: str) -> None:
    problem = name_problem(f"ab{char}cd")
    assert problem is not None and f"U+{ord(char):04X}" in problem


@pytest.mark.parametrize(("name", "words"), [
    ("", "blank"), ("   ", "blank"), (" amina", "space"), ("amina ", "space"),
    ("a" * (NAME_MAX + 1), f"at most {NAME_MAX}"), (7, "not a string"), (None, "not a string"),
])
def test_blank_padded_long_or_non_string_names_are_refused(name: object, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        check_name(name, "label")


def test_the_message_quotes_the_name_escaped_and_says_what_it_is() -> None:
    with pytest.raises(ValidationError) as caught:
        check_name("A\tB\nT9\tCLAIM 0 5", "relation type")
    message = str(caught.value)
    assert message.startswith("relation type 'A\\tB\\nT9\\tCLAIM 0 5' holds U+0009")
    assert "\t" not in message and "\n" not in message


def test_free_text_may_hold_line_breaks_but_no_lone_surrogate() -> None:
    assert text_problem("line one\nline two\t\u2028\x00") is None
    assert "U+D800" in (text_problem("ok \ud800") or "")
    with pytest.raises(ValidationError, match=r"meta\['source'\]\[1\] holds U\+DC00"):
        check_value({"source": ["fine", "bad \udc00"]}, "meta")
    with pytest.raises(ValidationError, match="meta key '\\\\ud800'"):
        check_value({"\ud800": 1}, "meta")


def _record(**changes: object) -> AnnotatedDocument:
    doc = Document("Alice said so.", changes.pop("title", "t"), changes.pop("meta", {}))
    span = Span(doc.uid, 0, 5, changes.pop("label", "PERSON"), changes.pop("who", "amina"),
                "s1", changes.pop("attributes", {}), changes.pop("note", None))
    rel = Relation(changes.pop("rtype", "SAYS"), "s1", "s1", "amina", "r1")
    return AnnotatedDocument(doc, (span,), (rel,), changes.pop("status", {}))


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": "x\ud800"}, "the title"),
    ({"meta": {"k": "\ud800"}}, r"meta\['k'\]"),
    ({"note": "\ud800"}, r"span \[0, 5\): the note"),
    ({"attributes": {"comment": "\ud800"}}, r"span \[0, 5\): attributes\['comment'\]"),
    ({"who": "ami\tna"}, r"span \[0, 5\): annotator"),
    ({"label": "PER\nSON"}, r"span \[0, 5\): label"),
    ({"rtype": "A\tB"}, "relation r1: type"),
    ({"status": {"x\ny": "done"}}, "status annotator"),
])
def test_a_record_check_names_the_field_at_fault(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError, match=f"^{field}"):
        check_record(_record(**changes))


def test_ids_and_times_longer_than_their_columns_are_refused() -> None:
    record = _record()
    span = record.spans[0]
    for changed, field in [({"id": "s" * (KEY_MAX + 1)}, r"span \[0, 5\): id 's"),
                           ({"created": "2026-12-05T03:46:05.5Z"}, r"span \[0, 5\): created"),
                           ({"updated": "2026-12-05T03:46:05+00:00"}, r"span \[0, 5\): updated")]:
        with pytest.raises(ValidationError, match=f"^{field}.* characters long"):
            check_record(replace(record, spans=(replace(span, **changed),)))
    relation = replace(record.relations[0], id="r" * (KEY_MAX + 1))
    with pytest.raises(ValidationError, match=f"at most {KEY_MAX}"):
        check_record(replace(record, relations=(relation,)))
    check_record(replace(record, spans=(replace(span, id="s" * KEY_MAX),)))


def test_times_are_the_stores_form_and_not_from_the_future() -> None:
    record = _record()
    span = record.spans[0]
    soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
    later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 2 * CLOCK_SLACK_S))
    for sound in ("", utc_now(), soon):  # another machine's clock an hour ahead: taken
        check_record(replace(record, spans=(replace(span, updated=sound),)))
    for changed, words in [({"updated": later}, f"updated {later} lies in the future"),
                           ({"created": "9"}, "created '9' is not a time of the form"),
                           ({"updated": "2026-12-05 03:46:05Z"},
                            "updated .* is not a time of the form")]:
        with pytest.raises(ValidationError, match=rf"^span \[0, 5\): {words}"):
            check_record(replace(record, spans=(replace(span, **changed),)))
    label = DocLabel(record.document.uid, "topic", "war", "amina", later)
    with pytest.raises(ValidationError, match=r"created .* lies in the future"):
        check_record(replace(record, doc_labels=(label,)))


def test_a_sound_record_passes_and_is_written_unchanged() -> None:
    record = _record(note="two\nlines", meta={"k": ["é"]})
    check_record(record)
    assert without_surrogates(record) == (record, 0)


def test_without_surrogates_replaces_every_lone_surrogate_and_counts_the_strings() -> None:
    record = _record(title="t\ud800", meta={"k\udc00": "v"}, note="n\ud800",
                     attributes={"comment": "\ud800"})
    fixed, changed = without_surrogates(record)
    assert changed == 4
    check_record(fixed)
    assert fixed.document.title == "t\ufffd" and fixed.document.meta == {"k\ufffd": "v"}
    assert fixed.spans[0].note == "n\ufffd"
    assert fixed.document.uid == record.document.uid


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d["labels"][0].update(name="CLAIM\n"), "label name 'CLAIM\\\\n' holds U"),
    (lambda d: d["labels"][0].update(attributes=[{"name": "a\tb"}]), "attribute name"),
    (lambda d: d["labels"][0].update(attributes=[{"name": "how", "type": "choice",
                                                   "choices": ["low", "hi\ngh"]}]),
     "a choice of 'how'"),
    (lambda d: d["labels"][0].update(color="#112233\n"), "colour"),
    (lambda d: d["labels"][0].update(description="\ud800"), "the description"),
    (lambda d: d["relations"].append({"name": "X" * (NAME_MAX + 1)}), "relation name"),
    (lambda d: d["relations"].append({"name": "LINKS\n"}), "relation name"),
], ids=["label-newline", "attribute-tab", "choice-newline", "colour-newline",
        "description-surrogate", "relation-too-long", "relation-newline"])
def test_schema_import_refuses_names_that_carry_structure(
    change: Callable[[dict[str, Any]], None], words: str
) -> None:
    data = default_schema().to_json()
    change(data)
    with pytest.raises(InputError, match=f"^schema.json: .*{words}"):
        LabelSchema.from_json(data, "schema.json")


@pytest.mark.parametrize(("record", "said"), [
    (AnnotatedDocument(Document("a\x00b", "T")), "the text holds a NUL"),
    (AnnotatedDocument(Document("ab", "T\x00")), "the title holds a NUL"),
    (AnnotatedDocument(Document("ab", "T"), (Span("x", 0, 1, "ORG", "amina", note="\x00"),)),
     "span [0, 1): the note holds a NUL"),
    (AnnotatedDocument(Document("ab", "T"), relations=(
        Relation("DENIES", "s", "t", "amina", "r1", "n\x00"),)),
     "relation 'r1': the note holds a NUL"),
], ids=["text", "title", "span note", "relation note"])
def test_a_nul_is_named_where_it_is_for_stores_that_cannot_hold_it(record, said):
    with pytest.raises(ValidationError, match=re.escape(said)):
        check_no_nul(record)


def test_metadata_and_attributes_pass_the_nul_check_as_they_are_stored_as_json():
    check_no_nul(AnnotatedDocument(Document("ab", "T", {"k\x00": ["v\x00"]}),
                                   (Span("x", 0, 1, "ORG", "amina", {"who": "a\x00"}, "n"),)))
