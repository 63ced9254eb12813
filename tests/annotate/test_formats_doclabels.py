"""Document labels in the formats that have them: CSV rows with a category, spaCy ``doc.cats``
(and every annotator's labels in ``user_data``), round trips and refusals naming the row."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from annotate.errors import InputError
from annotate.formats import csvspans, spacy_docbin
from annotate.formats.base import FLAT_CATEGORY, ImportOptions
from annotate.model import AnnotatedDocument, DocLabel, Document, Span
from annotate.schema import DocCategory, DocValue, Label, LabelSchema

STANCE = DocCategory("stance", (DocValue("supports"), DocValue("disputes"),
                                DocValue("neutral")))
TOPICS = DocCategory("topics", (DocValue("casualties"), DocValue("aid"), DocValue("neutral")),
                     multi=True)
SCHEMA = LabelSchema((Label("CLAIM", "claim"), Label("PERSON", "entity")), (),
                     (STANCE, TOPICS))
DOC = Document("The army said 20 were killed; rebels denied it.", "t")


def labelled(*items: tuple[str, str, str]) -> AnnotatedDocument:
    return AnnotatedDocument(
        DOC, (Span(DOC.uid, 4, 8, "PERSON", "amina", "s1"),),
        doc_labels=tuple(DocLabel(DOC.uid, c, v, who) for c, v, who in items))


RECORD = labelled(("stance", "disputes", "amina"), ("topics", "casualties", "amina"),
                  ("topics", "neutral", "amina"), ("stance", "supports", "bob"))


def test_csv_carries_document_labels_both_ways(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    report = csvspans.write([RECORD], out, SCHEMA)
    assert "document labels not carried" not in report.lost
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith(",note,category")
    assert f"{DOC.uid},t,amina,disputes,,,,,,stance" in lines
    [back] = csvspans.read(out, SCHEMA, ImportOptions(), texts={DOC.uid: DOC.text}.get)
    assert set(back.doc_labels) == set(RECORD.doc_labels)
    assert back.spans[0].label == "PERSON"


def test_a_csv_written_before_the_category_column_still_reads(tmp_path: Path) -> None:
    old = tmp_path / "old.csv"
    old.write_text("document,title,annotator,label,start,end,text,attributes,note\n"
                   f"{DOC.uid},t,amina,PERSON,4,8,army,,\n", encoding="utf-8")
    [back] = csvspans.read(old, SCHEMA, ImportOptions(), texts={DOC.uid: DOC.text}.get)
    assert len(back.spans) == 1 and back.doc_labels == ()


@pytest.mark.parametrize("row, message", [
    ("amina,maybe,,,,,,stance",
     r"document labels not in the schema: stance:maybe \(first at row 2\)"),
    ("amina,disputes,4,8,,,,stance", r"row 2: a document label row .*has start, end"),
    ("amina,dis\x07putes,,,,,,stance", r"row 2: document label: a value of stance"),
])
def test_a_bad_document_label_row_is_refused_naming_it(tmp_path: Path, row: str,
                                                        message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(",".join(csvspans.COLUMNS) + f"\n{DOC.uid},t,{row}\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        list(csvspans.read(path, SCHEMA, ImportOptions(), texts={DOC.uid: DOC.text}.get))


def test_spacy_doc_cats_hold_one_annotators_labels(tmp_path: Path) -> None:
    out = tmp_path / "out.spacy"
    report = spacy_docbin.write([RECORD], out, SCHEMA)
    [doc] = DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)
    # amina's (her entities are in doc.ents); "neutral" is in two categories: qualified
    assert doc.cats == {"supports": 0.0, "disputes": 1.0, "stance:neutral": 0.0,
                        "casualties": 1.0, "aid": 0.0, "topics:neutral": 1.0}
    assert report.lost[spacy_docbin.OTHER_CATS] == 1
    assert [list(pair) for pair in doc.user_data["doc_labels"]["bob"]] == [["stance",
                                                                          "supports"]]
    [back] = spacy_docbin.read(out, SCHEMA, ImportOptions())
    assert set(back.doc_labels) == set(RECORD.doc_labels)


def test_spacy_cats_of_another_tool_read_as_one_annotators_labels(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    doc = nlp.make_doc(DOC.text)
    doc.cats = {"disputes": 0.9, "supports": 0.1, "urgent": 1.0}
    path = tmp_path / "other.spacy"
    DocBin(docs=[doc]).to_disk(path)
    with pytest.raises(InputError, match=f"{FLAT_CATEGORY}:urgent"):
        list(spacy_docbin.read(path, SCHEMA, ImportOptions()))
    [back] = spacy_docbin.read(path, SCHEMA, ImportOptions(add_labels=True,
                                                           annotator="model"))
    assert {(d.category, d.value, d.annotator) for d in back.doc_labels} == {
        ("stance", "disputes", "model"), (FLAT_CATEGORY, "urgent", "model")}
