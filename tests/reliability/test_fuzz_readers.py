"""Fuzzing every reader of annotated formats and source corpora: whatever the bytes, reading
either returns records or raises InputError, never anything else (no KeyError, TypeError,
RecursionError...). Arbitrary bytes, arbitrary text, arbitrary JSON, and JSON shaped like the
format but with wrong types and values.

``COUNTERCLAIM_FUZZ_EXAMPLES`` sets the examples per test (default 150)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from annotate.errors import InputError
from annotate.formats import IMPORT_FORMATS, brat, csvspans, detect, doccano, labelstudio, native
from annotate.formats.base import ImportOptions
from annotate.schema import default_schema
from annotate.sources import read_source

EXAMPLES = int(os.environ.get("COUNTERCLAIM_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
TEXT = "The army said 47 fighters were killed; the rebels denied it."
SCHEMA = default_schema()
LABELS = [*SCHEMA.label_names, "UNKNOWN", "", "<b>x</b>"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
                    st.sampled_from(LABELS))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                           max_leaves=20)
offsets = st.one_of(st.integers(-5, len(TEXT) + 5), scalars)


def some(keys: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with any subset of ``keys`` (their values from the given strategies, or any
    JSON at all)."""
    return st.fixed_dictionaries({}, optional={k: st.one_of(v, json_values)
                                               for k, v in keys.items()})


span_like = some({"id": st.text(max_size=5), "start": offsets, "end": offsets,
                  "label": st.sampled_from(LABELS), "text": st.text(max_size=10),
                  "annotator": st.text(max_size=5), "attributes": json_values,
                  "note": json_values, "start_offset": offsets, "end_offset": offsets})
native_like = some({"text": st.sampled_from([TEXT, "", "x"]), "id": st.text(max_size=5),
                    "spans": st.lists(span_like, max_size=3), "meta": json_values,
                    "relations": st.lists(some({"from": st.text(max_size=3),
                                                "to": st.text(max_size=3),
                                                "type": scalars, "id": scalars}), max_size=2),
                    "status": st.dictionaries(st.text(max_size=4), scalars, max_size=2)})
doccano_like = some({"text": st.sampled_from([TEXT, "", "x"]),
                     "label": st.lists(st.lists(st.one_of(offsets, st.sampled_from(LABELS)),
                                                max_size=4), max_size=3),
                     "entities": st.lists(span_like, max_size=3),
                     "relations": st.lists(some({"from_id": scalars, "to_id": scalars,
                                                 "type": scalars}), max_size=2),
                     "annotator": scalars, "meta": json_values})
result_like = some({"id": st.text(max_size=4), "type": st.sampled_from(
    ["labels", "relation", "choices", "textarea", "number", "other"]),
    "from_name": st.sampled_from(["label", "note", "certainty", "x"]),
    "value": some({"start": offsets, "end": offsets, "text": scalars,
                   "labels": st.lists(st.sampled_from(LABELS), max_size=2),
                   "choices": json_values, "number": scalars}),
    "from_id": st.text(max_size=4), "to_id": st.text(max_size=4), "labels": json_values})
task_like = some({"id": scalars, "data": some({"text": st.sampled_from([TEXT, "", "x"]),
                                               "title": scalars, "meta": json_values}),
                  "annotations": st.lists(some({"completed_by": scalars,
                                                "was_cancelled": scalars,
                                                "result": st.lists(result_like, max_size=3)}),
                                          max_size=2),
                  "predictions": json_values})


def lines_of(values: Iterable[Any]) -> bytes:
    return "".join(json.dumps(v) + "\n" for v in values).encode()


def consume(read: Callable[[], Iterable[Any]]) -> None:
    """Read everything; InputError is the one allowed failure."""
    try:
        for _ in read():
            pass
    except InputError as exc:
        assert str(exc)  # a message a person can read


def options() -> ImportOptions:
    return ImportOptions(annotator="fuzz")


def read_native(path: Path) -> Iterable[Any]:
    return native.read(path)


def read_doccano(path: Path) -> Iterable[Any]:
    return doccano.read(path, SCHEMA, options())


def read_labelstudio(path: Path) -> Iterable[Any]:
    return labelstudio.read(path, SCHEMA, options())


def read_csv(path: Path) -> Iterable[Any]:
    return csvspans.read(path, SCHEMA, options(), lambda uid: TEXT if uid == "doc" else None)


JSONL_READERS = (read_native, read_doccano)
ANY_BYTES = st.one_of(st.binary(max_size=3000), st.text(max_size=500).map(str.encode))


DEEP = 100_000  # arrays nested deeper than Python's recursion limit
DEEP_ARRAYS = b"[" * DEEP + b"]" * DEEP


@FUZZ
@given(data=ANY_BYTES)
@example(data=DEEP_ARRAYS)
@example(data=b'{"text": "fine", "label": []}\n{"text": "x", "label": ' + DEEP_ARRAYS + b"}")
def test_jsonl_readers_take_any_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(data)
    for read in JSONL_READERS:
        consume(lambda read=read: read(path))


@FUZZ
@given(values=st.lists(st.one_of(json_values, native_like, doccano_like), min_size=1,
                       max_size=4))
def test_jsonl_readers_take_wrong_json(tmp_path: Path, values: list[Any]) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(lines_of(values))
    for read in JSONL_READERS:
        consume(lambda read=read: read(path))


@FUZZ
@given(data=st.one_of(ANY_BYTES, st.lists(st.one_of(task_like, json_values), max_size=3)
                      .map(lambda tasks: json.dumps(tasks).encode()),
                      task_like.map(lambda task: json.dumps(task).encode())))
@example(data=json.dumps([{"annotations": 1, "data": {"text": TEXT}}]).encode())  # was a bug
@example(data=b'[{"data": {"text": "x"}, "annotations": ' + DEEP_ARRAYS + b"}]")
@example(data=json.dumps(  # was a bug: a "labels" result without its value
    [{"data": {"text": TEXT}, "annotations": [{"result": [{"type": "labels"}]}]}]).encode())
def test_labelstudio_reader_takes_anything(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "in.json"
    path.write_bytes(data)
    consume(lambda: read_labelstudio(path))


cells = st.one_of(st.text(max_size=12), offsets.map(str), st.sampled_from(LABELS),
                  json_values.map(json.dumps), st.just("doc"))


@FUZZ
@given(data=st.one_of(ANY_BYTES, st.lists(st.lists(cells, max_size=10), max_size=5).map(
    lambda rows: "\n".join(",".join(json.dumps(c) if "," in c else c for c in row)
                           for row in [["document", "label", "start", "end", "text",
                                        "attributes", "note", "annotator"], *rows]).encode())))
@example(data=b"document,label,start,end,attributes\ndoc,CLAIM,0,3,\""
             + b"[" * 50_000 + b"]" * 50_000 + b'"\n')
def test_csv_reader_takes_anything(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    consume(lambda: read_csv(path))


ann_lines = st.one_of(
    st.text(max_size=40),
    st.builds(lambda n, label, a, b, t: f"T{n}\t{label} {a} {b}\t{t}", st.integers(-1, 5),
              st.sampled_from(LABELS), offsets.map(str), offsets.map(str), st.text(max_size=8)),
    st.builds(lambda n, label, a, b, c: f"T{n}\t{label} {a} {b};{b} {c}\tx", st.integers(0, 5),
              st.sampled_from(LABELS), st.integers(-2, 70), st.integers(-2, 70),
              st.integers(-2, 70)),
    st.builds(lambda n, t, a, b: f"R{n}\t{t} Arg1:T{a} Arg2:T{b}", st.integers(0, 3),
              st.sampled_from(["CLAIMED_BY", "X", ""]), st.integers(0, 5), st.integers(0, 5)),
    st.builds(lambda n, name, t, v: f"A{n}\t{name} T{t} {v}", st.integers(0, 3),
              st.sampled_from(["certainty", "x", ""]), st.integers(0, 5), st.text(max_size=6)),
    st.builds(lambda n, t, note: f"#{n}\tAnnotatorNotes T{t}\t{note}", st.integers(0, 3),
              st.integers(0, 5), st.text(max_size=10)),
)


@FUZZ
@given(ann=st.one_of(st.binary(max_size=2000),
                     st.lists(ann_lines, max_size=8).map(lambda ls: "\n".join(ls).encode())),
       txt=st.one_of(st.just(TEXT.encode()), st.binary(max_size=200)),
       conf=st.one_of(st.none(), st.binary(max_size=300)))
@example(ann=b"*", txt=TEXT.encode(), conf=None)  # an equivalence line with nothing after
def test_brat_reader_takes_anything(tmp_path: Path, ann: bytes, txt: bytes,
                                    conf: bytes | None) -> None:
    folder = tmp_path / "brat"
    folder.mkdir(exist_ok=True)
    (folder / "doc.txt").write_bytes(txt)
    (folder / "doc.ann").write_bytes(ann)
    (folder / "annotation.conf").unlink(missing_ok=True)
    if conf is not None:
        (folder / "annotation.conf").write_bytes(conf)
    consume(lambda: brat.read(folder, SCHEMA, options()))


@FUZZ
@given(data=st.one_of(ANY_BYTES, st.lists(json_values, min_size=1, max_size=3).map(lines_of)),
       suffix=st.sampled_from([".txt", ".md", ".html", ".jsonl", ".csv", ".docx", ".pdf"]))
@example(data=b'{"text": "x", "meta": ' + DEEP_ARRAYS + b"}\n", suffix=".jsonl")
@example(data=b"<a" * 50_000 + b"<!" * 50_000 + b"</" * 50_000 + b"<?" * 50_000, suffix=".html")
def test_source_readers_take_anything(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"in{suffix}"
    path.write_bytes(data)
    consume(lambda: read_source(path))


@FUZZ
@given(data=st.one_of(ANY_BYTES, st.lists(json_values, min_size=1, max_size=3).map(lines_of)),
       suffix=st.sampled_from([".jsonl", ".csv", ".json", ".ann", ".txt"]))
@example(data=DEEP_ARRAYS, suffix=".jsonl")
@example(data=b"\xef\xbb\xbf\n\n" + DEEP_ARRAYS, suffix=".jsonl")
@example(data=b"\xff\xfe\x00s\x00t\x00a\x00r\x00t", suffix=".csv")
def test_detection_takes_anything(tmp_path: Path, data: bytes, suffix: str) -> None:
    """Planning an import (which format each file holds) fails only with InputError."""
    path = tmp_path / f"in{suffix}"
    path.write_bytes(data)
    try:
        assert detect(path) in (None, *IMPORT_FORMATS)
    except InputError as exc:
        assert str(exc)
