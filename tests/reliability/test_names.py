"""Text that cannot be stored, and names that carry structure (issue 10, points 4 and 5).

Every way in refuses a lone surrogate and a name breaking the name rule with a plain message
naming the file, the place and the field, and stores nothing; every writer writes what a store
holds (an older version's included) without failing and without letting a name, note or title
forge a record: export -> re-import gives the same spans and relations, or a plain refusal.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from annotate.commands import AddRelation, CreateSpan
from annotate.errors import InputError, ValidationError
from annotate.formats import EXPORT_FORMATS, IMPORT_FORMATS, brat, conll, spacy_docbin
from annotate.formats.base import REPLACED_SURROGATES, ImportOptions
from annotate.formats.brat import LOST_TYPE_NAMES
from annotate.formats.labelstudio import LOST_NOTE_NAMED
from annotate.model import AnnotatedDocument, Document, Relation, Span
from annotate.schema import AttributeDef, Label, LabelSchema, default_schema
from db.store import Store
from db.transfer import export, import_paths
from desktop.app import annotator_name
from desktop.cli import main

FORGED = "T9\tPERSON 0 5\tAlice\nR9\tDENIES Arg1:T1 Arg2:T9\n#9\tAnnotatorNotes T1\tforged"
HOSTILE_TEXT = f'"quoted", <b>markup</b>, #hash, =1+2\t{FORGED}\r\nCR\rLS\u2028NUL\x00end'
ANNOTATORS = ('amina "q" <b>#=</b>', '=HYPERLINK("x")|T1 Arg1:T2, Value:x')
TEXT = "Alice said the dam broke.\nBob denied it at noon."
CHOICES = ("a|b", "x, Value:y", "<i>q</i>", '"quoted"', "#1", "=2+3")


# -- a store holding hostile (but valid) names and free text --------------------------------
def hostile_schema() -> LabelSchema:
    base = default_schema()
    claim = base.label("CLAIM")
    assert claim is not None
    extra = (AttributeDef("how sure", "choice", CHOICES), AttributeDef("note", "text"),
             AttributeDef('#="<b>"', "text"))
    return base.with_label(replace(claim, attributes=(*claim.attributes, *extra)), "CLAIM")


def fill(store: Store) -> Document:
    """Two annotators' spans, attributes, notes and a relation each, through the write path."""
    store.set_schema(hostile_schema())
    doc = Document(TEXT, f"T\tA\nB {HOSTILE_TEXT}", {f"k\t{FORGED}": HOSTILE_TEXT,
                                                     "=cmd": ["<script>", HOSTILE_TEXT]})
    store.import_documents([AnnotatedDocument(doc)])
    for n, who in enumerate(ANNOTATORS):
        claim = Span(doc.uid, 6, 24, "CLAIM", who, f"00000000-0000-4000-8000-00000000000{n}",
                     {"how sure": CHOICES[n], "note": HOSTILE_TEXT, '#="<b>"': FORGED,
                      "figure": HOSTILE_TEXT}, note=HOSTILE_TEXT)
        person = Span(doc.uid, 0, 5, "PERSON", who, f"00000000-0000-4000-8000-00000000001{n}",
                      note=FORGED)
        store.apply(CreateSpan(claim), who)
        store.apply(CreateSpan(person), who)
        store.apply(AddRelation(doc.uid, Relation("CLAIMED_BY", claim.id, person.id, who)), who)
    return doc


SpanKey = tuple[str, int, int, str, str]


def contents(store: Store) -> tuple[Counter[SpanKey], Counter[tuple[str, SpanKey, SpanKey, str]]]:
    """Every span as (document, start, end, label, annotator) and every relation by its type,
    the spans it joins and its annotator: what a re-import must give back, ids aside."""
    spans: Counter[SpanKey] = Counter()
    relations: Counter[tuple[str, SpanKey, SpanKey, str]] = Counter()
    for record in store.iter_documents():
        key = {s.id: (s.document, s.start, s.end, s.label, s.annotator) for s in record.spans}
        spans.update(key.values())
        relations.update((r.type, key[r.source], key[r.target], r.annotator)
                         for r in record.relations)
    return spans, relations


def fresh(path: Path, schema: LabelSchema, doc: Document | None) -> Store:
    store = Store.open(path)
    store.set_schema(schema)
    if doc is not None:  # CSV adds spans to documents already stored
        store.import_documents([AnnotatedDocument(doc)])
    return store


def reimport(tmp_path: Path, fmt: str, out: Path, schema: LabelSchema,
             doc: Document) -> tuple[Store, str | None]:
    again = fresh(tmp_path / f"again-{fmt}.sqlite", schema, doc if fmt == "csv" else None)
    if fmt == "spacy":  # read, not imported by the command line: through the same checks
        try:
            again.import_documents(spacy_docbin.read(out, schema, ImportOptions()))
        except InputError as exc:
            return again, str(exc)
        return again, None
    result = import_paths(again, [out], ImportOptions(), fmt)[0]
    return again, result.error


# -- point 5: nothing forged through any writer ---------------------------------------------
CARRIES_RELATIONS = {"native", "doccano", "labelstudio", "brat", "xmi", "refi-qda"}


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_hostile_names_notes_and_titles_forge_nothing_in_any_writer(tmp_path: Path,
                                                                    fmt: str) -> None:
    store = Store.open(tmp_path / "store.sqlite")
    doc = fill(store)
    spans, relations = contents(store)
    assert len(spans) == 4 and len(relations) == 2
    out = tmp_path / f"out-{fmt}"
    [(_, report)] = export(store, out, fmt)
    assert report.documents == 1
    if fmt == "conll":
        check_conll(out.read_text(encoding="utf-8"), report.spans)
        return
    if fmt == "brat":
        check_brat_conf((out / "annotation.conf").read_text(encoding="utf-8"))
        check_brat_ann(next(out.glob("*.ann")).read_text(encoding="utf-8"), report.spans,
                       report.relations)
    if fmt == "labelstudio":
        assert report.lost[LOST_NOTE_NAMED] == 2  # an attribute named "note" is no note
    again, error = reimport(tmp_path, fmt, out, store.schema(), doc)
    assert error is None
    got_spans, got_relations = contents(again)
    assert got_spans == spans
    assert got_relations == (relations if fmt in CARRIES_RELATIONS else Counter())
    if fmt in ("native", "labelstudio", "csv"):  # they carry notes and attributes
        before = {(s.start, s.annotator): (s.note, s.attributes) for s in store.spans(doc.uid)}
        after = {(s.start, s.annotator): (s.note, s.attributes) for s in again.spans(doc.uid)}
        if fmt == "labelstudio":
            before = {k: (n, {a: v for a, v in attrs.items() if a != "note"})
                      for k, (n, attrs) in before.items()}
        assert after == before
    if fmt == "native":
        assert again.document(doc.uid) == store.document(doc.uid)


def check_conll(text: str, spans: int, layers: int = len(ANNOTATORS)) -> None:
    """Every line a -DOCSTART- line or a token row of two space-separated fields, or blank;
    one block per annotator; one B- tag per span written."""
    rows = [line.split(" ") for line in text.split("\n") if line]
    docstarts = [row for row in rows if row[0] == "-DOCSTART-"]
    assert docstarts == [["-DOCSTART-", "-X-", "O", "O"]] * layers
    tags = [row[1] for row in rows if row[0] != "-DOCSTART-"]
    assert all(len(row) == 2 for row in rows if row[0] != "-DOCSTART-")
    assert sum(tag.startswith("B-") for tag in tags) == spans
    assert all(re.fullmatch(r"O|[BI]-[A-Z_]+", tag) for tag in tags)


def check_brat_ann(ann: str, spans: int, relations: int) -> None:
    """Lines (brat splits at LF and CR) of the .ann: one T line per span and one R line per
    relation written, numbered in turn; no forged record."""
    idents = [line.split("\t", 1)[0] for line in re.split("\r\n|\r|\n", ann) if line]
    assert [i for i in idents if i.startswith("T")] == [f"T{n}" for n in range(1, spans + 1)]
    assert [i for i in idents if i.startswith("R")] == [f"R{n}" for n in range(1, relations + 1)]
    assert all(re.fullmatch(r"[TAR#]\d+", i) for i in idents), idents


def check_brat_conf(conf: str) -> None:
    """annotation.conf: section headers, and lines of one type name, a tab and arguments."""
    for line in conf.split("\n"):
        if not line or line.startswith("["):
            continue
        name, _, args = line.partition("\t")
        assert re.fullmatch(r"\w[\w\-]*|<OVERLAP>", name), line
        for part in filter(None, args.split(", ")):
            key, _, values = part.partition(":")
            assert re.fullmatch(r"Arg1?|Arg2|Value|<OVL-TYPE>", key), line
            assert not re.search(r"\s", values), line


# -- point 4 and 5: a store written by an older version --------------------------------------
def age(path: Path) -> None:
    """What an older version let in: a relation type and an annotator holding tabs and line
    breaks (brat records after them), lone surrogates in metadata and attributes."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE relations SET type = ?", (f"CLAIMED_BY\t{FORGED}",))
        conn.execute("UPDATE annotators SET name = ? WHERE name = ?",
                     (f"old\t{FORGED}", ANNOTATORS[0]))
        conn.execute("UPDATE documents SET meta = ?", (json.dumps({"k": "\ud800"}),))
        conn.execute("UPDATE spans SET attributes = ? WHERE label_id = "
                     "(SELECT id FROM labels WHERE name = 'CLAIM')",
                     (json.dumps({"figure": "x\udc00", "how sure": "a|b"}),))
    conn.close()


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_an_older_stores_strings_never_fail_an_export_nor_forge_records(tmp_path: Path,
                                                                        fmt: str) -> None:
    path = tmp_path / "store.sqlite"
    store = Store.open(path)
    doc = fill(store)
    store.close()
    age(path)
    store = Store.open(path)
    spans, relations = contents(store)
    out = tmp_path / f"out-{fmt}"
    [(_, report)] = export(store, out, fmt)
    assert report.documents == 1
    assert report.lost[REPLACED_SURROGATES] == 3  # the metadata and two spans' attributes
    if fmt == "brat":
        assert report.lost[LOST_TYPE_NAMES] == 2
        check_brat_ann(next(out.glob("*.ann")).read_text(encoding="utf-8"), report.spans,
                       report.relations)
    if fmt == "conll":
        check_conll(out.read_text(encoding="utf-8"), report.spans)
        return
    if fmt not in IMPORT_FORMATS and fmt != "spacy":
        return
    again, error = reimport(tmp_path, fmt, out, store.schema(), doc)
    got_spans, got_relations = contents(again)
    if error is not None:  # a plain refusal, naming the file and what is wrong, nothing stored
        assert str(out) in error and "holds U+0009" in error and "Traceback" not in error
        assert not got_spans
        return
    assert not got_spans - spans and not got_relations - relations


def test_line_writers_leave_out_labels_an_older_schema_let_in(tmp_path: Path) -> None:
    """A label holding white space (older versions matched names with ``$``, which lets a
    final line feed in) is no CoNLL tag and no brat type: its spans are left out, counted."""
    bad = "CLAIM\nB-PERSON\tO\tO\tO"
    schema = LabelSchema((Label(bad, "claim"), Label("PERSON", "entity")))
    doc = Document(TEXT)
    record = AnnotatedDocument(doc, (Span(doc.uid, 6, 24, bad, "amina"),
                                     Span(doc.uid, 0, 5, "PERSON", "amina")))
    report = conll.write([record], tmp_path / "out.conll", schema)
    assert report.lost[conll.LOST_SPACED_LABELS] == 1 and report.spans == 1
    check_conll((tmp_path / "out.conll").read_text(encoding="utf-8"), 1, layers=1)
    report = brat.write([record], tmp_path / "brat", schema)
    assert report.lost[brat.LOST_LABEL_NAMES] == 1 and report.spans == 1
    check_brat_ann(next((tmp_path / "brat").glob("*.ann")).read_text(encoding="utf-8"), 1, 0)
    check_brat_conf((tmp_path / "brat" / "annotation.conf").read_text(encoding="utf-8"))


# -- point 4: text that cannot be stored is refused at import, naming file, line, field -----
def native_line(**changes: object) -> str:
    record = {"text": TEXT, "spans": [{"id": "s1", "start": 0, "end": 5, "label": "PERSON",
                                       "annotator": "amina"}]}
    record.update(changes)
    return json.dumps(record)


SURROGATE_FILES = [
    ("doccano.jsonl", json.dumps({"text": "Fine.", "label": []}) + "\n"
     + json.dumps({"text": TEXT, "title": "\ud800", "label": []}),
     "line 2: the title holds U+D800"),
    ("doccano.jsonl", json.dumps({"text": TEXT, "meta": {"src": ["ok", "\udc00"]}, "label": []}),
     "line 1: meta['src'][1] holds U+DC00"),
    ("doccano.jsonl",
     json.dumps({"text": TEXT, "annotator": "\ud800", "label": [[0, 5, "PERSON"]]}),
     "line 1: span [0, 5): annotator '\\ud800' holds U+D800"),
    ("ls.json", json.dumps([{"data": {"text": TEXT}, "annotations": [{"result": [
        {"id": "r", "type": "labels", "value": {"start": 0, "end": 5, "labels": ["PERSON"]}},
        {"id": "r", "type": "textarea", "from_name": "note",
         "value": {"start": 0, "end": 5, "text": ["\ud800"]}}]}]}]),
     "line 1, task 1, annotations 1, result 1: span [0, 5): the note holds U+D800"),
    ("native.jsonl", native_line(title="x\ud800"), "line 1: the title holds U+D800"),
    ("native.jsonl", native_line(status={"\udfff": "done"}),
     "line 1: status annotator '\\udfff' holds U+DFFF"),
    ("corpus.jsonl", json.dumps({"text": TEXT, "source": "\ud800"}),
     "1: meta['source'] holds U+D800"),
]


@pytest.mark.parametrize(("name", "content", "message"), SURROGATE_FILES)
def test_a_lone_surrogate_is_refused_naming_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content + "\n", encoding="utf-8")
    db = str(tmp_path / "store.sqlite")
    assert main(["--db", db, "import", str(path), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert f"error: {path}:{message}" in err, err
    assert "Traceback" not in err
    store = Store.open(db)
    assert store.stats()["documents"] == 0
    assert main(["--db", db, "export", str(tmp_path / "out.jsonl")]) == 0


def test_a_peer_store_holding_a_lone_surrogate_is_refused(tmp_path: Path) -> None:
    peer = tmp_path / "peer.sqlite"
    store = Store.open(peer)
    fill(store)
    store.close()
    age(peer)
    mine = Store.open(tmp_path / "mine.sqlite")
    [result] = import_paths(mine, [peer])
    assert result.error is not None and result.error.startswith(f"{peer}:document row 1: ")
    assert "holds" in result.error
    assert mine.stats()["documents"] == 0


def test_an_edit_with_a_lone_surrogate_is_refused_and_stores_nothing(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store.sqlite")
    doc = fill(store)
    before = contents(store)
    span = Span(doc.uid, 11, 14, "PERSON", "amina", note="bad \ud800")
    with pytest.raises(ValidationError, match="the note holds U\\+D800"):
        store.apply(CreateSpan(span), "amina")
    assert contents(store) == before


# -- point 5: every way in refuses a name that carries structure ----------------------------
BAD = "amina\tT9"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("doccano.jsonl", json.dumps({"text": TEXT, "annotator": BAD, "label": [[0, 5, "PERSON"]]}),
     r"line 1: span \[0, 5\): annotator 'amina\\tT9' holds U\+0009, a control character"),
    ("doccano.jsonl", json.dumps({"text": TEXT, "entities": [
        {"id": 1, "start_offset": 0, "end_offset": 5, "label": "PERSON"},
        {"id": 2, "start_offset": 11, "end_offset": 14, "label": "PERSON"}],
        "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "ABOUT\nR9"}]}),
     r"line 1: relation type 'ABOUT\\nR9' holds U\+000A"),
    ("ls.json", json.dumps([{"data": {"text": TEXT}, "annotations": [{
        "completed_by": "a\u2028b", "result": [{"id": "r", "type": "labels", "value": {
            "start": 0, "end": 5, "labels": ["PERSON"]}}]}]}]),
     r"line 1, task 1, annotations 1, result 1: span \[0, 5\): annotator 'a\\u2028b' holds "
     r"U\+2028"),
    ("native.jsonl", native_line(spans=[{"id": "s", "start": 0, "end": 5, "label": "PERSON",
                                        "annotator": "x" * 101}]),
     r"line 1: span \[0, 5\): annotator 'x+…' is 101 characters long \(at most 100\)"),
    ("spans.csv", f"document,annotator,label,start,end\n{Document(TEXT).uid},amina\u202e,"
                  "PERSON,0,5",
     r"row 2: span \[0, 5\): annotator 'amina\\u202e' holds U\+202E, an invisible format"),
])
def test_every_import_format_refuses_a_name_that_breaks_the_rule(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    store = Store.open(tmp_path / "store.sqlite")
    if name.endswith(".csv"):
        store.import_documents([AnnotatedDocument(Document(TEXT))])
    before = store.stats()
    path = tmp_path / name
    path.write_text(content + "\n", encoding="utf-8")
    [result] = import_paths(store, [path])
    assert result.error is not None
    assert re.fullmatch(f"{re.escape(str(path))}:{message}.*", result.error), result.error
    assert store.stats() == before


def test_brat_annotators_are_checked_after_unescaping(tmp_path: Path) -> None:
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "a.ann").write_text("T1\tPERSON 0 5\tAlice\nA1\tAnnotator T1 amina%0AT9\n",
                                  encoding="utf-8")
    store = Store.open(tmp_path / "store.sqlite")
    [result] = import_paths(store, [folder])
    assert result.error is not None and "annotator 'amina\\nT9' holds U+000A" in result.error
    assert str(folder / "a.ann") in result.error and "line 1" in result.error
    assert store.stats()["documents"] == 0


def test_a_brat_file_name_that_is_not_utf8_gives_a_storable_title(tmp_path: Path) -> None:
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / os.fsdecode(b"caf\xe9.txt")).write_text(TEXT, encoding="utf-8")
    (folder / os.fsdecode(b"caf\xe9.ann")).write_text("T1\tPERSON 0 5\tAlice\n")
    store = Store.open(tmp_path / "store.sqlite")
    [result] = import_paths(store, [folder])
    assert result.error is None
    assert store.document(Document(TEXT).uid).title == "caf\ufffd"


def test_a_peer_stores_names_are_checked(tmp_path: Path) -> None:
    peer = tmp_path / "peer.sqlite"
    store = Store.open(peer)
    fill(store)
    store.close()
    conn = sqlite3.connect(peer)
    with conn:
        conn.execute("UPDATE annotators SET name = ? WHERE name = ?", (BAD, ANNOTATORS[1]))
    conn.close()
    mine = Store.open(tmp_path / "mine.sqlite")
    [result] = import_paths(mine, [peer])
    assert result.error is not None
    assert result.error.startswith(f"{peer}:document row 1: span [")
    assert "annotator 'amina\\tT9' holds U+0009" in result.error
    assert mine.stats()["documents"] == 0


@pytest.mark.parametrize("args", [
    ["import", "{file}", "--annotator", BAD],
    ["import", "{file}", "--map", f"PERSON={BAD}"],
    ["import", "{file}", "--map-annotator", f"{BAD}=amina"],
    ["schema", "import", "{schema}", "--rename", "PERSON=PER SON\u200b"],
    ["adjudicate", "--accept-agreed", "--by", BAD],
])
def test_command_line_names_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        args: list[str]) -> None:
    file = tmp_path / "doccano.jsonl"
    file.write_text(json.dumps({"text": TEXT, "label": [[0, 5, "PERSON"]]}) + "\n")
    schema = tmp_path / "schema.json"
    schema.write_text(default_schema().dumps())
    db = str(tmp_path / "store.sqlite")
    Store.open(db).close()
    code = main(["--db", db, *(a.format(file=file, schema=schema) for a in args)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert re.search(r"^error: .*'(amina\\tT9|PER SON\\u200b)' holds U\+(0009|200B)", err, re.M)
    assert "Traceback" not in err
    assert Store.open(db).stats()["documents"] == 0


def test_a_schema_file_with_a_name_that_carries_structure_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = default_schema().to_json()
    data["labels"][0]["attributes"][0]["choices"].append("hedged\nPERSON")
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(data))
    db = str(tmp_path / "store.sqlite")
    assert main(["--db", db, "schema", "import", str(schema)]) == 2
    err = capsys.readouterr().err
    assert f"error: {schema}: label 'CLAIM': a choice of 'certainty' 'hedged\\nPERSON'" in err
    assert Store.open(db).schema() == default_schema()


def test_schema_edits_and_annotators_are_checked_by_the_store(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store.sqlite")
    schema = hostile_schema()
    bad = schema.with_label(replace(schema.labels[0], attributes=(AttributeDef("a\tb"),)),
                            schema.labels[0].name)
    with pytest.raises(ValidationError, match="attribute name 'a\\\\tb' holds U\\+0009"):
        store.set_schema(bad)
    with pytest.raises(ValidationError, match="annotator 'amina\\\\tT9' holds U\\+0009"):
        store.ensure_annotator(BAD)
    doc = Document(TEXT)
    store.import_documents([AnnotatedDocument(doc)])
    with pytest.raises(ValidationError, match="annotator"):
        store.apply(CreateSpan(Span(doc.uid, 0, 5, "PERSON", BAD)), BAD)
    assert BAD not in store.annotators() and store.schema() == default_schema()


class Settings:
    """A stand-in for QSettings."""

    def __init__(self, annotator: str) -> None:
        self.values = {"annotator": annotator}

    def value(self, key: str, default: str = "") -> str:
        return self.values.get(key, default)

    def setValue(self, key: str, value: str) -> None:
        self.values[key] = value


def test_the_first_run_prompt_asks_again_until_the_name_is_valid() -> None:
    answers = iter([(BAD, True), ("  ", True), ("amina", True)])
    prompts: list[str] = []

    def ask(prompt: str, default: str) -> tuple[str, bool]:
        prompts.append(prompt)
        return next(answers)

    settings = Settings(f"old\t{FORGED}")  # what an older version kept
    assert annotator_name(settings, ask) == "amina"  # type: ignore[arg-type]
    assert settings.values["annotator"] == "amina"
    assert "holds U+0009, a control character" in prompts[1] and "is blank" in prompts[2]
    assert annotator_name(Settings(""), lambda p, d: (BAD, False)) is None  # type: ignore[arg-type]
