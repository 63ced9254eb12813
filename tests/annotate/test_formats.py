"""Exchange formats: write -> read keeps what each format can carry, losses are counted
exactly, CoNLL columns are valid BIO, and bad input fails naming the place."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from formats_strategies import ANNOTATORS, SCHEMA, corpora
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from seqeval.metrics.sequence_labeling import get_entities

from annotate.errors import InputError, OutputError, ValidationError
from annotate.formats import brat, conll, csvspans, doccano, labelstudio
from annotate.formats.base import (
    LOST_ATTRIBUTES,
    LOST_NOTES,
    LOST_RELATIONS,
    LOST_STATUSES,
    ExportReport,
    ImportOptions,
)
from annotate.formats.targets import MARKER, atomic_write
from annotate.model import AnnotatedDocument, Document, Relation, Span
from annotate.schema import AttributeDef, Label
from annotate.tokenize import tokenize

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def fresh(tmp_path: Path, name: str) -> Path:
    """A path under tmp_path not used by an earlier hypothesis example."""
    n = len(list(tmp_path.iterdir()))
    return tmp_path / f"{n}-{name}"


def read_all(module, path: Path, **kwargs) -> list[AnnotatedDocument]:
    records = list(module.read(path, SCHEMA, ImportOptions(), **kwargs))
    for record in records:
        for span in record.spans:
            assert 0 <= span.start < span.end <= len(record.document.text)
    return records


def span_keys(records) -> Counter:
    return Counter((r.document.uid, s.start, s.end, s.label, s.annotator)
                   for r in records for s in r.spans)


def relation_keys(records, key=lambda s: (s.start, s.end, s.label)) -> Counter:
    out = Counter()
    for r in records:
        by_id = {s.id: s for s in r.spans}
        for rel in r.relations:
            src, tgt = by_id.get(rel.source), by_id.get(rel.target)
            if src is not None and tgt is not None:
                out[(r.document.uid, rel.type, key(src), key(tgt), rel.annotator)] += 1
    return out


def attribute_count(records) -> int:
    return sum(v is not None for r in records for s in r.spans for v in s.attributes.values())


# -- doccano ---------------------------------------------------------------------------------
@SETTINGS
@given(corpus=corpora)
def test_doccano_round_trip(tmp_path, corpus):
    out = fresh(tmp_path, "d.jsonl")
    report = doccano.write(corpus, out, SCHEMA)
    back = read_all(doccano, out)
    assert span_keys(back) == span_keys(corpus)
    assert relation_keys(back) == relation_keys(corpus)
    titles = {r.document.uid: (r.document.title, r.document.meta) for r in corpus}
    assert all(titles[r.document.uid] == (r.document.title, r.document.meta) for r in back)
    assert report.lost[LOST_ATTRIBUTES] == attribute_count(corpus)
    assert report.lost[LOST_NOTES] == sum(s.note is not None for r in corpus for s in r.spans)
    assert report.lost[LOST_STATUSES] == sum(len(r.status) for r in corpus)
    first = json.loads(out.read_text(encoding="utf-8").split("\n")[0])
    relational = any(r.relations for r in corpus)
    assert ("entities" in first) == relational and ("label" in first) != relational


def test_doccano_reads_the_plain_doccano_forms(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps({"id": 7, "text": "Amina spoke.", "labels": [[0, 5, "PERSON"]],
                    "Comments": []}) + "\n\n"
        + json.dumps({"text": "Ben", "label": []}) + "\n", encoding="utf-8")
    first, second = read_all(doccano, path)
    assert [(s.start, s.end, s.label, s.annotator) for s in first.spans] == [
        (0, 5, "PERSON", "imported")]
    assert first.document.meta == {"Comments": [], "id": 7}
    assert second.spans == ()
    again = list(doccano.read(path, SCHEMA, ImportOptions()))
    assert [s.id for s in again[0].spans] == [s.id for s in first.spans]  # stable ids


# -- brat ------------------------------------------------------------------------------------
def trimmed(text: str, span: Span) -> tuple[int, int] | None:
    start, end = span.start, span.end
    while start < end and text[start] in BREAKS:
        start += 1
    while end > start and text[end - 1] in BREAKS:
        end -= 1
    return (start, end) if start < end else None


def brat_value(value):
    if value is None or value is False:
        return None
    shown = value if isinstance(value, str) else repr(value)
    return None if not shown or any(c.isspace() for c in shown) else value


@SETTINGS
@given(corpus=corpora)
def test_brat_round_trip(tmp_path, corpus):
    out = fresh(tmp_path, "brat")
    report = brat.write(corpus, out, SCHEMA)
    back = read_all(brat, out)
    expected, kept_ids, n_trimmed, n_gone = Counter(), {}, 0, 0
    expected_attrs, expected_notes = Counter(), Counter()
    for r in corpus:
        for s in r.spans:
            bounds = trimmed(r.document.text, s)
            if bounds is None:
                n_gone += 1
                continue
            n_trimmed += bounds != (s.start, s.end)
            key = (r.document.uid, *bounds, s.label, s.annotator)
            kept_ids[s.id] = bounds
            expected[key] += 1
            attrs = {k: brat_value(v) for k, v in s.attributes.items()}
            expected_attrs[(key, json.dumps({k: v for k, v in attrs.items() if v is not None},
                                            sort_keys=True))] += 1
            expected_notes[(key, None if s.note is None else "\n".join(  # a line each
                re.sub(f"[{BREAKS}]+", " ", line) for line in s.note.split("\n")))] += 1
    assert span_keys(back) == expected
    got_attrs = Counter(((r.document.uid, s.start, s.end, s.label, s.annotator),
                         json.dumps(s.attributes, sort_keys=True)) for r in back for s in r.spans)
    assert got_attrs == expected_attrs
    assert Counter(((r.document.uid, s.start, s.end, s.label, s.annotator), s.note)
                   for r in back for s in r.spans) == expected_notes
    want_rel = Counter()
    for r in corpus:
        for rel in r.relations:
            if rel.source in kept_ids and rel.target in kept_ids:
                src = next(s for s in r.spans if s.id == rel.source)
                tgt = next(s for s in r.spans if s.id == rel.target)
                want_rel[(r.document.uid, rel.type, (*kept_ids[src.id], src.label),
                          (*kept_ids[tgt.id], tgt.label), rel.annotator)] += 1
    assert relation_keys(back) == want_rel
    assert report.lost[brat.LOST_TRIMMED] == n_trimmed
    assert report.lost[brat.LOST_BREAKS_ONLY] == n_gone
    assert report.lost[brat.LOST_SPACED_VALUES] == sum(
        brat_value(v) is None and v not in (None, False)
        for r in corpus for s in r.spans if trimmed(r.document.text, s)
        for v in s.attributes.values())
    names = {brat.document_name(r.document) for r in corpus}
    assert {brat.document_name(r.document) for r in back} == names
    assert sorted(p.name for p in out.iterdir()) == sorted(  # one .txt and .ann per document
        [brat.CONF, MARKER, *(f"{name}{suffix}" for name in names for suffix in (".txt", ".ann"))])
    for record in corpus:
        txt = out / f"{brat.document_name(record.document)}.txt"
        assert txt.read_bytes().decode("utf-8") == record.document.text


def test_brat_keeps_crlf_and_writes_conf(tmp_path):
    doc = Document("Amina said\r\nno.", "A/B: c")
    span = Span(doc.uid, 0, 5, "PERSON", "amina")
    other = Span(doc.uid, 6, 10, "CLAIM", "zoë k", attributes={"certainty": "hedged"})
    brat.write([AnnotatedDocument(doc, (span, other))], tmp_path / "out", SCHEMA)
    txt = tmp_path / "out" / f"A_B_c-{doc.uid[:12]}.txt"
    assert txt.read_bytes() == b"Amina said\r\nno."
    assert txt.with_suffix(".ann").read_text(encoding="utf-8") == (
        "T1\tPERSON 0 5\tAmina\nA1\tAnnotator T1 amina\n"
        "T2\tCLAIM 6 10\tsaid\nA2\tAnnotator T2 zo%C3%AB%20k\nA3\tcertainty T2 hedged\n")
    conf = (tmp_path / "out" / "annotation.conf").read_text(encoding="utf-8")
    assert "CLAIMED_BY\tArg1:CLAIM, Arg2:PERSON|ORG|ARMED_GROUP" in conf
    assert "certainty\tArg:CLAIM|DENIAL, Value:asserted|reported|hedged" in conf
    assert "Annotator\tArg:<ENTITY>, Value:amina|zo%C3%AB%20k" in conf
    [back] = read_all(brat, tmp_path / "out")
    assert back.document.title == "A_B_c" and back.document.text == doc.text


def test_brat_reads_flags_and_joins_line_break_fragments(tmp_path):
    flagged = Label("PERSON", "entity", attributes=(AttributeDef("named", "bool"),))
    schema = SCHEMA.with_label(flagged, replacing="PERSON")
    (tmp_path / "d.txt").write_bytes(b"Amina\nKeita spoke")
    (tmp_path / "d.ann").write_text("T1\tPERSON 0 5;6 11\tAmina Keita\nA1\tnamed T1\n"
                                    "#1\tAnnotatorNotes T1\tsure\n", encoding="utf-8")
    [record] = brat.read(tmp_path, schema, ImportOptions(annotator="amina"))
    [span] = record.spans
    assert (span.start, span.end, span.attributes, span.note, span.annotator) == (
        0, 11, {"named": True}, "sure", "amina")


# -- Label Studio ----------------------------------------------------------------------------
@SETTINGS
@given(corpus=corpora)
def test_labelstudio_round_trip(tmp_path, corpus):
    out = fresh(tmp_path, "ls.json")
    report = labelstudio.write(corpus, out, SCHEMA)
    back = read_all(labelstudio, out)
    def full(records):
        return Counter((r.document.uid, s.id, s.start, s.end, s.label, s.annotator, s.note,
                        json.dumps({k: v for k, v in s.attributes.items() if v is not None},
                                   sort_keys=True)) for r in records for s in r.spans)
    assert full(back) == full(corpus)
    assert relation_keys(back, key=lambda s: s.id) == relation_keys(corpus, key=lambda s: s.id)
    assert {(r.document.uid, r.document.title, json.dumps(r.document.meta)) for r in back} == {
        (r.document.uid, r.document.title, json.dumps(r.document.meta)) for r in corpus}
    assert report.lost == Counter({LOST_STATUSES: sum(len(r.status) for r in corpus)}) - Counter()
    assert report.spans == sum(len(r.spans) for r in corpus)


def test_labelstudio_real_export_ids_and_utf16_offsets(tmp_path):
    text = "😀 Amina 😀 Keita"  # Label Studio before its emoji fix counted UTF-16 units
    tasks = [{"id": 1, "data": {"text": text},
              "annotations": [{"completed_by": 7, "result": [
                  {"id": "abc", "from_name": "label", "to_name": "text", "type": "labels",
                   "value": {"start": 3, "end": 8, "text": "Amina", "labels": ["CLAIM"]}},
                  {"id": "def", "from_name": "label", "to_name": "text", "type": "labels",
                   "value": {"start": 12, "end": 17, "text": "Keita", "labels": ["PER"]}},
                  {"type": "relation", "from_id": "def", "to_id": "abc", "direction": "left",
                   "labels": ["CLAIMED_BY"]}]}],
              "predictions": [{"result": [], "model_version": "v1"}]}]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    options = ImportOptions(label_map={"PER": "PERSON"})
    [record] = labelstudio.read(path, SCHEMA, options)
    claim, person = sorted(record.spans, key=lambda s: s.start)
    assert [(s.start, s.end, s.label, s.annotator) for s in (claim, person)] == [
        (2, 7, "CLAIM", "annotator-7"), (10, 15, "PERSON", "annotator-7")]
    [rel] = record.relations
    assert (rel.type, rel.source, rel.target) == ("CLAIMED_BY", claim.id, person.id)
    options = ImportOptions(annotator="amina", label_map={"PER": "PERSON"})
    [record] = labelstudio.read(path, SCHEMA, options)
    assert {s.annotator for s in record.spans} == {"amina"}


def test_labelstudio_checks_relation_ends_against_the_schema(tmp_path):
    text = "Amina Keita"
    region = {"from_name": "label", "to_name": "text", "type": "labels"}
    tasks = [{"data": {"text": text}, "annotations": [{"completed_by": "x", "result": [
        {**region, "id": "a", "value": {"start": 0, "end": 5, "labels": ["PERSON"]}},
        {**region, "id": "b", "value": {"start": 6, "end": 11, "labels": ["PERSON"]}},
        {"type": "relation", "from_id": "a", "to_id": "b", "labels": ["CLAIMED_BY"]}]}]}]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    with pytest.raises(InputError, match=r"task 1, annotations 1, result 3: CLAIMED_BY cannot "
                                         r"start at a PERSON span"):
        list(labelstudio.read(path, SCHEMA, ImportOptions()))


# -- CSV -------------------------------------------------------------------------------------
@SETTINGS
@given(corpus=corpora)
def test_csv_round_trip(tmp_path, corpus):
    out = fresh(tmp_path, "s.csv")
    report = csvspans.write(corpus, out, SCHEMA)
    texts = {r.document.uid: r.document.text for r in corpus}
    back = read_all(csvspans, out, texts=texts.get)
    def full(records):
        return Counter((r.document.uid, s.start, s.end, s.label, s.annotator, s.note or None,
                        json.dumps({k: v for k, v in s.attributes.items() if v is not None},
                                   sort_keys=True)) for r in records for s in r.spans)
    assert full(back) == full(corpus)
    assert report.lost[LOST_RELATIONS] == sum(len(r.relations) for r in corpus)
    assert report.lost[LOST_NOTES] == sum(s.note == "" for r in corpus for s in r.spans)


def test_csv_unknown_document_names_the_row(tmp_path):
    doc = Document("Amina spoke.")
    out = tmp_path / "s.csv"
    csvspans.write([AnnotatedDocument(doc, (Span(doc.uid, 0, 5, "PERSON", "a"),
                                            Span(doc.uid, 6, 11, "CLAIM", "a")))], out, SCHEMA)
    with pytest.raises(InputError, match=r"s\.csv:row 2: unknown document '[0-9a-f]{64}'"):
        list(csvspans.read(out, SCHEMA, ImportOptions(), texts=lambda uid: None))
    rows = out.read_text(encoding="utf-8").splitlines()
    out.write_text("\n".join([rows[0], rows[1], rows[2].replace(",6,11,", ",6,12,")]) + "\n",
                   encoding="utf-8")
    with pytest.raises(InputError, match=r"row 3: span \[6, 12\): the file says 'spoke' but "
                                         r"the text there is 'spoke\.'"):
        list(csvspans.read(out, SCHEMA, ImportOptions(), texts={doc.uid: doc.text}.get))


formula_like = (st.tuples(st.text("'", max_size=3), st.sampled_from(["", *"=+-@\t\r", "a"]),
                          st.text(max_size=8)).map("".join) | st.text())


@SETTINGS
@given(cell=formula_like)
def test_csv_formula_escape_is_safe_and_undone_exactly(cell):
    escaped = csvspans.escape_formula(cell)
    assert escaped[:1] not in csvspans.FORMULA_START
    assert csvspans.unescape_formula(escaped) == cell


def test_csv_cells_never_start_a_formula_and_read_back_exactly(tmp_path):
    text = "=SUM(A1)\t+1 -2 @me 'quoted' ''=x\rend"
    doc = Document(text, '=HYPERLINK("http://x")')
    spans = tuple(Span(doc.uid, start, end, label, "amina", f"s{start}", attributes, note)
                  for start, end, label, attributes, note in [
                      (0, 8, "CLAIM", {"figure": "+1", "certainty": "hedged"}, "@note"),
                      (8, 11, "PERSON", {}, "'=already escaped by hand"),
                      (11, 14, "PERSON", {}, "'tis a plain quote"),
                      (15, 17, "PERSON", {}, "\rnote"),
                      (18, 21, "PERSON", {}, None),
                      (31, 35, "PERSON", {}, "''=x"),
                      (35, 36, "PERSON", {}, "-")])
    out = tmp_path / "s.csv"
    csvspans.write([AnnotatedDocument(doc, spans)], out, SCHEMA)
    with open(out, encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")] == []
    assert {"'=HYPERLINK(\"http://x\")", "'''=x", "''=already escaped by hand"} <= set(cells)
    assert "'tis a plain quote" in cells  # no formula after the quote: left as it is
    back = read_all(csvspans, out, texts={doc.uid: text}.get)
    assert [(s.start, s.end, s.label, s.attributes, s.note) for s in back[0].spans] == [
        (s.start, s.end, s.label, s.attributes, s.note) for s in spans]
    assert back[0].document.title == doc.title


def test_csv_reader_undoes_other_tools_formula_escaping(tmp_path):
    doc = Document("-5 dead, 'tis said")
    path = tmp_path / "theirs.csv"
    path.write_text(f"document,label,start,end,text,note\n{doc.uid},CLAIM,0,7,'-5 dead,'tis\n",
                    encoding="utf-8")
    [record] = read_all(csvspans, path, texts={doc.uid: doc.text}.get)
    assert record.spans[0].note == "'tis"
    assert doc.text[record.spans[0].start:record.spans[0].end] == "-5 dead"


def test_csv_cells_longer_than_the_csv_module_default_read_back(tmp_path):
    text = "x" * 300_000
    doc = Document(text)
    span = Span(doc.uid, 0, len(text), "CLAIM", "amina", "s", {}, "=" * 300_000)
    out = tmp_path / "big.csv"
    csvspans.write([AnnotatedDocument(doc, (span,))], out, SCHEMA)
    [record] = read_all(csvspans, out, texts={doc.uid: text}.get)
    assert record.spans[0].note == span.note and record.spans[0].end == len(text)


# -- CoNLL -----------------------------------------------------------------------------------
def bio_errors(column: list[str]) -> list[str]:
    """Our own check: every I-X follows a B-X or I-X."""
    errors, previous = [], "O"
    for i, tag in enumerate(column):
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            errors.append(f"{i}: {tag} after {previous}")
        if not (tag == "O" or tag[:2] in ("B-", "I-")):
            errors.append(f"{i}: bad tag {tag}")
        previous = tag
    return errors


def conll_blocks(path: Path) -> list[list[list[list[str]]]]:
    """Blocks (one per -DOCSTART-) of sentences of token rows."""
    blocks: list = []
    for chunk in path.read_text(encoding="utf-8").split("\n\n"):
        rows = [line.split(" ") for line in chunk.split("\n") if line]
        if not rows:
            continue
        if rows[0][0] == "-DOCSTART-":
            assert rows == [["-DOCSTART-", "-X-", "O", "O"]]
            blocks.append([])
        else:
            assert all(len(row) == 2 for row in rows)
            blocks[-1].append(rows)
    return blocks


@SETTINGS
@given(corpus=corpora)
def test_conll_tags_are_valid_iob2_and_losses_exact(tmp_path, corpus):
    out = fresh(tmp_path, "c.conll")
    report = conll.write(corpus, out, SCHEMA)
    blocks = iter(conll_blocks(out))
    dropped = widened = no_token = 0
    for record in corpus:
        text = record.document.text
        tokens = list(tokenize(text))
        for annotator in sorted({s.annotator for s in record.spans}) or [None]:
            sentences = next(blocks)
            rows = [row for sentence in sentences for row in sentence]
            assert [row[0] for row in rows] == [t.text for t in tokens]
            for sentence in sentences:
                assert bio_errors([row[1] for row in sentence]) == []
            layer = [s for s in record.spans if s.annotator == annotator]
            column = [row[1] for row in rows]
            chunks = get_entities(column)
            assert sum(tag.startswith("B-") for tag in column) == len(chunks)
            covering = {}
            for s in layer:
                covered = [i for i, t in enumerate(tokens) if t.start < s.end and t.end > s.start]
                if covered:
                    covering[s.id] = (s.label, covered[0], covered[-1])
                else:
                    no_token += 1
            kept_ids = set()
            for chunk in chunks:  # the kept span: longest in characters, then earliest
                span = min((s for s in layer if covering.get(s.id) == chunk),
                           key=lambda s: (s.start - s.end, s.start, s.id))
                kept_ids.add(span.id)
                widened += (tokens[chunk[1]].start, tokens[chunk[2]].end) != (span.start,
                                                                             span.end)
            for sid, (_, first, last) in covering.items():
                if sid not in kept_ids:
                    dropped += 1
                    assert any(f <= last and first <= lst for _, f, lst in chunks)
    assert next(blocks, None) is None
    assert report.lost[conll.LOST_OVERLAP] == dropped
    assert report.lost[conll.WIDENED] == widened
    assert report.lost[conll.LOST_NO_TOKEN] == no_token
    assert report.spans + dropped + no_token == sum(len(r.spans) for r in corpus)


def test_conll_keeps_the_longest_of_overlapping_spans(tmp_path):
    doc = Document("The army of Mali attacked.\nNo.")
    spans = (Span(doc.uid, 4, 8, "ARMED_GROUP", "a"), Span(doc.uid, 4, 16, "ORG", "a"),
             Span(doc.uid, 12, 16, "LOCATION", "a"), Span(doc.uid, 0, 4, "PERSON", "a"))
    report = conll.write([AnnotatedDocument(doc, spans)], tmp_path / "c.conll", SCHEMA)
    text = (tmp_path / "c.conll").read_text(encoding="utf-8")
    assert text == ("-DOCSTART- -X- O O\n\n"
                    "The B-PERSON\narmy B-ORG\nof I-ORG\nMali I-ORG\nattacked O\n. O\n\n"
                    "No O\n. O\n\n")
    assert report.lost[conll.LOST_OVERLAP] == 2
    assert "2 overlapping spans dropped in CoNLL" in report.summary()


# -- reports and atomic writing --------------------------------------------------------------
def test_report_summary_lists_losses():
    report = ExportReport("x", documents=2, spans=3)
    assert report.summary() == "x: wrote 2 documents, 3 spans, 0 relations. Nothing lost."
    report.lose("notes not carried", 2)
    report.lose("zero", 0)
    assert report.summary().endswith("Not carried: 2 notes not carried.")


@pytest.mark.parametrize("module,name", [(doccano, "out.jsonl"), (labelstudio, "out.json"),
                                         (csvspans, "out.csv"), (conll, "out.conll"),
                                         (brat, "out")])
def test_failed_export_leaves_the_old_output(tmp_path, module, name):
    out = tmp_path / name
    good = AnnotatedDocument(Document("Fine text."))
    if name == "out":
        brat.write([AnnotatedDocument(Document("Old text."))], out, SCHEMA)
        old = sorted(p.name for p in out.iterdir())
    else:
        out.write_text("old", encoding="utf-8")
    doc = Document("Short.", "Bad doc")
    bad = AnnotatedDocument(doc, (Span(doc.uid, 2, 40, "PERSON", "a", "s-1"),))
    with pytest.raises(ValidationError, match=r"document 'Bad doc' \([0-9a-f]{12}\): span s-1 "
                                              r"\[2, 40\) is outside the text"):
        module.write([good, bad], out, SCHEMA)
    if name == "out":
        assert sorted(p.name for p in out.iterdir()) == old
    else:
        assert out.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_atomic_write_replaces_only_on_success(tmp_path):
    out = tmp_path / "f.txt"
    with atomic_write(out, "native") as handle:
        handle.write("a\r\nb")
    assert out.read_bytes() == b"a\r\nb"


# -- bad input -------------------------------------------------------------------------------
def write_lines(path: Path, *lines: object) -> Path:
    path.write_text("".join((ln if isinstance(ln, str) else json.dumps(ln)) + "\n"
                            for ln in lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(("entity_id", "from_id", "message"), [
    (1, [1], r"line 1: relation 'r': from_id \[1\] is not an entity of this line"),
    ([1], 1, r"line 1: entity 1: the id must be a string or a number, got \[1\]"),
])
def test_doccano_ids_that_are_lists_are_named(tmp_path, entity_id, from_id, message):
    path = write_lines(tmp_path / "d.jsonl", {
        "text": "Amina spoke.", "relations": [{"id": "r", "from_id": from_id, "to_id": 1,
                                               "type": "CLAIMED_BY"}],
        "entities": [{"id": entity_id, "start_offset": 0, "end_offset": 5, "label": "PERSON"}]})
    with pytest.raises(InputError, match=message):
        list(doccano.read(path, SCHEMA, ImportOptions()))


def test_malformed_json_line_is_named(tmp_path):
    path = write_lines(tmp_path / "d.jsonl", {"text": "ok", "label": []}, '{"text": "x", ')
    with pytest.raises(InputError, match=r"d\.jsonl:line 2: not valid JSON"):
        list(doccano.read(path, SCHEMA, ImportOptions()))


def test_offsets_beyond_the_text(tmp_path):
    path = write_lines(tmp_path / "d.jsonl", {"text": "Amina", "label": [[2, 9, "PERSON"]]})
    with pytest.raises(InputError, match=r"line 1: span \[2, 9\) does not lie in the text "
                                         r"\(length 5\)"):
        list(doccano.read(path, SCHEMA, ImportOptions()))


def test_labelstudio_span_text_mismatch(tmp_path):
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([{"data": {"text": "Amina Keita"}, "annotations": [
        {"completed_by": "x", "result": [
            {"id": "r", "type": "labels", "value": {"start": 0, "end": 5, "text": "Keita",
                                                    "labels": ["PERSON"]}}]}]}]),
        encoding="utf-8")
    with pytest.raises(InputError, match=r"task 1, annotations 1, result 1: span \[0, 5\): "
                                         r"the file says 'Keita' but the text there is 'Amina'"):
        list(labelstudio.read(path, SCHEMA, ImportOptions()))


@pytest.mark.parametrize(("task", "message"), [
    ({"drafts": 2}, r"task 1: \"drafts\" must be a list"),
    ({"annotations": [{"completed_by": "x", "reviews": 1.5, "result": []}]},
     r"task 1, annotations 1: \"reviews\" must be a list"),
])
def test_labelstudio_drafts_and_reviews_that_are_no_list_are_named(tmp_path, task, message):
    """Counted as not imported by their length: a number raised TypeError (no place)."""
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([{"data": {"text": "Amina Keita"}, **task}]), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        list(labelstudio.read(path, SCHEMA, ImportOptions()))


def test_brat_ann_without_txt(tmp_path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "a.ann").write_text("", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "lost.ann").write_text("T1\tPERSON 0 1\tx\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"sub/lost\.ann: no lost\.txt beside it"):
        list(brat.read(tmp_path, SCHEMA, ImportOptions()))


@pytest.mark.parametrize("ann,message", [
    ("T1\tPERSON 0 5\tAmina\nR1\tCLAIMED_BY Arg1:T1 Arg2:T7\n",
     r"d\.ann:line 2: T7 is not a text-bound annotation \(T\) or event \(E\) of this file"),
    ("T1\tPERSON 0 5;3 11\n",
     r"d\.ann:line 1: span '0 5;3 11': fragments .* overlap"),
    ("T1\tPERSON 0 5\tKeita\n", r"d\.ann:line 1: span \[0, 5\): the file says 'Keita'"),
    ("T1\tPERSON 0 50\tAmina\n", r"d\.ann:line 1: span \[0, 50\) does not lie in the text"),
    ("T1\tCLAIM 0 5\tAmina\nA1\tcertainty T1 sure\n",
     r"d\.ann:line 2: attribute 'certainty' expects choice"),
    ("T1\tPERSON 0 5\tAmina\nE1\tAttack:T1 Agent\n", r"line 2: E1: expected 'TYPE:T1 ROLE:ID"),
    ("T1\tPERSON 0 5\tAmina\nE1\tAttack:T1\nE2\tAttack:E1\n",
     r"line 3: an event's trigger E1 is not a text-bound annotation \(T\)"),
])
def test_brat_bad_lines_are_named(tmp_path, ann, message):
    (tmp_path / "d.txt").write_text("Amina said it", encoding="utf-8")
    (tmp_path / "d.ann").write_text(ann, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        list(brat.read(tmp_path, SCHEMA, ImportOptions()))


def test_doccano_unknown_relation_argument_names_the_line(tmp_path):
    line = {"text": "Amina denied it", "entities": [
        {"id": 1, "start_offset": 0, "end_offset": 5, "label": "PERSON"}],
        "relations": [{"id": 3, "from_id": 1, "to_id": 99, "type": "DENIED_BY"}]}
    path = write_lines(tmp_path / "d.jsonl", {"text": "x", "label": []}, line)
    with pytest.raises(InputError, match=r"line 2: relation 3: to_id 99 is not an entity"):
        list(doccano.read(path, SCHEMA, ImportOptions()))


def test_unknown_labels_are_all_listed_or_added(tmp_path):
    path = write_lines(tmp_path / "d.jsonl",
                       {"text": "Amina said", "label": [[0, 5, "PER"], [6, 10, "SAY"]]},
                       {"text": "Bamako", "label": [[0, 6, "GPE"]]},
                       {"text": "Bamako, Mali", "label": [[8, 12, "GPE"]]})
    with pytest.raises(InputError) as caught:
        list(doccano.read(path, SCHEMA, ImportOptions()))
    message = str(caught.value)
    assert "labels not in the schema: PER (first at line 1), SAY (first at line 1), " \
           "GPE (first at line 2)" in message
    options = ImportOptions(label_map={"PER": "PERSON"}, add_labels=True)
    records = list(doccano.read(path, SCHEMA, options))  # the store adds SAY and GPE
    assert [s.label for r in records for s in r.spans] == ["PERSON", "SAY", "GPE", "GPE"]


def test_brat_unknown_labels_name_their_file(tmp_path):
    (tmp_path / "amina").mkdir()  # a sub-folder is a collection, not an annotator
    for folder in (tmp_path, tmp_path / "amina"):
        (folder / "d.txt").write_text("Amina", encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tPER 0 5\tAmina\n", encoding="utf-8")
    (tmp_path / "amina" / "d.ann").write_text("T1\tNAME 0 5\tAmina\nA1\tAnnotator T1 amina\n",
                                              encoding="utf-8")
    with pytest.raises(InputError, match=r"labels not in the schema: NAME \(first at .*amina/"
                                         r"d\.ann:line 1\), PER \(first at .*d\.ann:line 1\)"):
        list(brat.read(tmp_path, SCHEMA, ImportOptions()))
    records = list(brat.read(tmp_path, SCHEMA, ImportOptions(label_map={"PER": "PERSON",
                                                                         "NAME": "PERSON"})))
    assert sorted(s.annotator for r in records for s in r.spans) == ["amina", "imported"]


def test_annotators_in_the_strategy_are_single_brat_values():
    assert {brat.annotator_value(a) for a in ANNOTATORS} == {
        "amina", "ben", "gold", "zo%C3%AB%20k", "a%2Fb.c"}
    assert brat.annotator_value("x|y, z") == "x%7Cy%2C%20z"


def test_brat_annotator_attribute_read_and_checked(tmp_path):
    (tmp_path / "d.txt").write_text("Amina denied it", encoding="utf-8")
    ann = tmp_path / "d.ann"
    ann.write_text("T1\tPERSON 0 5\tAmina\nA1\tAnnotator T1 zo%C3%AB%20k\n"
                   "T2\tDENIAL 6 15\tdenied it\nA2\tAnnotator T2 zo%C3%AB%20k\n"
                   "T3\tPERSON 0 5\tAmina\nR1\tDENIED_BY Arg1:T2 Arg2:T1\n", encoding="utf-8")
    [record] = brat.read(tmp_path, SCHEMA, ImportOptions(annotator="kofi"))
    assert sorted((s.start, s.label, s.annotator) for s in record.spans) == [
        (0, "PERSON", "kofi"), (0, "PERSON", "zoë k"), (6, "DENIAL", "zoë k")]
    [rel] = record.relations
    assert rel.annotator == "zoë k"
    ann.write_text(ann.read_text(encoding="utf-8") + "R2\tDENIED_BY Arg1:T2 Arg2:T3\n",
                   encoding="utf-8")
    with pytest.raises(InputError, match=r"d\.ann:line 7: a relation cannot join two "
                                         r"annotators' spans \(zoë k, imported\)"):
        list(brat.read(tmp_path, SCHEMA, ImportOptions()))
    ann.write_text("T1\tPERSON 0 5\tAmina\nA1\tAnnotator T1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"d\.ann:line 2: Annotator needs a value"):
        list(brat.read(tmp_path, SCHEMA, ImportOptions()))


def test_brat_attribute_named_annotator_is_counted_not_written(tmp_path):
    doc = Document("Amina spoke")
    span = Span(doc.uid, 0, 5, "PERSON", "amina", attributes={"Annotator": "bo"})
    report = brat.write([AnnotatedDocument(doc, (span,))], tmp_path / "out", SCHEMA)
    assert report.lost[brat.LOST_ANNOTATOR_NAMED] == 1
    [back] = read_all(brat, tmp_path / "out")
    assert [(s.annotator, s.attributes) for s in back.spans] == [("amina", {})]


def test_relation_of_two_layers_is_counted_not_written(tmp_path):
    doc = Document("Amina denied it")
    denial = Span(doc.uid, 6, 15, "DENIAL", "ben")
    person = Span(doc.uid, 0, 5, "PERSON", "amina")
    record = AnnotatedDocument(doc, (denial, person),
                               (Relation("DENIED_BY", denial.id, person.id, "ben"),))
    report = doccano.write([record], tmp_path / "d.jsonl", SCHEMA)
    assert report.relations == 0
    assert "1 relations joining two annotators' spans not carried" in report.summary()
    report = conll.write([record], tmp_path / "c.conll", SCHEMA)
    assert report.lost[LOST_RELATIONS] == 1 and len(report.lost) == 1  # counted once


def test_conll_sentences_end_after_spaced_punctuation_not_inside_spans(tmp_path):
    doc = Document("U.S. forces left! Then Mali\u2028spoke.")
    claim = Span(doc.uid, 12, 27, "CLAIM", "a")  # "left! Then Mali": no sentence end inside
    conll.write([AnnotatedDocument(doc, (claim,))], tmp_path / "c.conll", SCHEMA)
    sentences = (tmp_path / "c.conll").read_text(encoding="utf-8").split("\n\n")[1:-1]
    assert [[row.split(" ")[0] for row in s.split("\n")] for s in sentences] == [
        ["U", ".", "S", "."], ["forces", "left", "!", "Then", "Mali"], ["spoke", "."]]


def test_brat_file_write_failure_raises_and_keeps_the_old_output(tmp_path, monkeypatch):
    out = tmp_path / "out"
    brat.write([AnnotatedDocument(Document("Old text."))], out, SCHEMA)
    old = sorted(p.name for p in out.iterdir())
    records = [AnnotatedDocument(Document(f"Text {i}.")) for i in range(300)]
    real_open, opened = brat.os.open, []

    def failing_open(path, *args, **kwargs):
        opened.append(path)
        if len(opened) == 150:
            raise OSError(28, "No space left on device")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(brat.os, "open", failing_open)
    with pytest.raises(OutputError, match=r"out: cannot write \(No space left on device\)"):
        brat.write(records, out, SCHEMA)
    assert sorted(p.name for p in out.iterdir()) == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
