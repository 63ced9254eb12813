"""A CSV export of any store imports again (texts and notes of a million characters, cells a
spreadsheet would run as formulas), and no cell of it starts a formula."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store
from desktop.cli import main

MILLION = 1_000_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def awkward_records() -> list[AnnotatedDocument]:
    long_text = ("-2+3 =A1 @x \t\r\n'=q " * (MILLION // 19 + 1))[:MILLION]
    long_doc = Document(long_text, "=cmd|' /C calc'!A0")
    short = Document("@SUM(1) +1 said\tthe '=army", "+title")
    return [
        AnnotatedDocument(long_doc, (
            Span(long_doc.uid, 0, MILLION, "CLAIM", "amina", "whole",
                 {"figure": "=1+2", "certainty": "reported"}, "@" + "n" * (MILLION - 1)),
            Span(long_doc.uid, 5, 8, "PERSON", "amina", "eq", {}, "\tnote"),
            Span(long_doc.uid, 12, 15, "ORG", "ben", "tab", {}, "'=kept"),
        )),
        AnnotatedDocument(short, (
            Span(short.uid, 0, 7, "DATE", "amina", "at", {}, "-"),
            Span(short.uid, 8, 10, "PERSON", "ben", "plus", {}, None),
            Span(short.uid, 20, 26, "ORG", "ben", "quote", {}, "\rcr"),
        )),
    ]


def span_facts(store: Store) -> list[tuple[object, ...]]:
    return sorted((r.document.uid, s.start, s.end, s.label, s.annotator,
                   json.dumps(s.attributes, sort_keys=True), s.note)
                  for r in store.iter_documents() for s in r.spans)


def cell_starts(path: Path) -> set[str]:
    """The first character of every cell (the file holds cells of a million characters)."""
    default = csv.field_size_limit(2**31 - 1)
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return {cell[:1] for row in csv.reader(handle) for cell in row}
    finally:
        csv.field_size_limit(default)


def test_csv_export_of_a_store_imports_again_and_starts_no_formula(tmp_path: Path) -> None:
    records = awkward_records()
    source = tmp_path / "source.sqlite"
    store = Store.open(source)
    store.import_documents(records)
    expected = span_facts(store)
    store.close()
    out = tmp_path / "spans.csv"
    assert main(["--db", str(source), "export", str(out), "--format", "csv"]) == 0

    assert cell_starts(out).isdisjoint(FORMULA_START)

    target = tmp_path / "target.sqlite"
    store = Store.open(target)
    store.import_documents(AnnotatedDocument(r.document) for r in records)  # texts only
    store.close()
    assert main(["--db", str(target), "import", str(out), "--format", "csv"]) == 0
    store = Store.open(target)
    assert span_facts(store) == expected
    store.close()
