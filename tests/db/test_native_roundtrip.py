"""Native JSONL: export -> import into an empty store -> export is byte-identical."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotate.errors import InputError
from annotate.formats import native
from annotate.model import AnnotatedDocument, Document, Relation, Span
from db.store import Store
from db.transfer import ExportFilter, export, import_paths

PIECES = [
    "word",
    " ",
    "\r\n",
    "\n",
    "\r",
    "\t",
    "😀",
    "𝔘",
    "e\u0301",
    "שלום",
    "مرحبا",
    "80",
    "\u2028",
    ",",
    "👩‍👩‍👧",
]
LABELS = ["CLAIM", "DENIAL", "PERSON", "ORG", "LOCATION"]


@st.composite
def records(draw: st.DrawFn) -> AnnotatedDocument:
    text = "".join(draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=30)))
    doc = Document(
        text,
        draw(st.sampled_from(["", "Wire <b>report</b>", "Communiqué"])),
        {"source": "gen", "published": "2024-07-29"},
    )
    spans = []
    for i in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        label = draw(st.sampled_from(LABELS))
        attrs = (
            {"certainty": draw(st.sampled_from(["asserted", "hedged"]))} if label == "CLAIM" else {}
        )
        cut = draw(st.integers(start + 1, end - 2)) if end - start >= 3 else None
        fragments = ((start, cut), (cut + 1, end)) if cut and draw(st.booleans()) else ()
        spans.append(
            Span(
                doc.uid,
                start,
                end,
                label,
                draw(st.sampled_from(["amina", "bo"])),
                f"{doc.uid[:8]}-{i}",
                attrs,
                draw(st.sampled_from([None, "n <i>"])),
                fragments=fragments,
            )
        )
    relations = []
    claims = [s for s in spans if s.label == "CLAIM"]
    people = [s for s in spans if s.label in ("PERSON", "ORG")]
    people = [s for s in people if claims and s.annotator == claims[0].annotator]  # one layer
    if claims and people:
        relations.append(
            Relation(
                "CLAIMED_BY", claims[0].id, people[0].id, claims[0].annotator, f"{doc.uid[:8]}-r",
                draw(st.sampled_from([None, "why\nso"])),
            )
        )
    status = draw(
        st.dictionaries(
            st.sampled_from(["amina", "bo"]), st.sampled_from(["todo", "in_progress", "done"])
        )
    )
    return AnnotatedDocument(doc, tuple(spans), tuple(relations), status)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(records(), min_size=1, max_size=4, unique_by=lambda r: r.document.uid))
def test_export_import_export_is_byte_identical(
    tmp_path_factory: pytest.TempPathFactory, batch: list[AnnotatedDocument]
) -> None:
    folder = tmp_path_factory.mktemp("rt")
    first = folder / "first.jsonl"
    native.write(batch, first)
    stores = []
    outputs = []
    for i, source in enumerate([first, folder / "out0.jsonl"]):
        store = Store.open(folder / f"s{i}.sqlite")
        stores.append(store)
        results = import_paths(store, [source])
        assert [r.error for r in results] == [None]
        out = folder / f"out{i}.jsonl"
        export(store, out, "native")
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == first.read_bytes()
    back = list(native.read(folder / "out1.jsonl"))
    assert sorted(s.fragments for r in back for s in r.spans) == sorted(
        s.fragments for r in batch for s in r.spans)
    assert sorted(str(r.note) for b in back for r in b.relations) == sorted(
        str(r.note) for b in batch for r in b.relations)
    for line, record in zip(first.read_text(encoding="utf-8").split("\n"), batch, strict=False):
        data = json.loads(line)
        for span in data["spans"]:
            assert data["text"][span["start"] : span["end"]] == span["text"]
        assert data["id"] == record.document.uid
    for store in stores:
        store.close()


def test_filters_by_annotator_and_label(tmp_path: Path) -> None:
    doc = Document("Alpha beta gamma delta.")
    spans = (
        Span(doc.uid, 0, 5, "PERSON", "amina"),
        Span(doc.uid, 6, 10, "ORG", "bo"),
        Span(doc.uid, 11, 16, "PERSON", "bo"),
    )
    store = Store.open(tmp_path / "s.sqlite")
    store.import_documents([AnnotatedDocument(doc, spans)])
    out = tmp_path / "o.jsonl"
    export(store, out, "native", ExportFilter(annotators=["bo"], labels=["PERSON"]))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [(s["annotator"], s["label"]) for s in data["spans"]] == [("bo", "PERSON")]
    store.close()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            '{"text": "abc", "spans": [{"id": "1", "start": 0, "end": 9, "label": "ORG", '
            '"annotator": "a"}]}',
            "do not lie in the text",
        ),
        (
            '{"text": "abc", "spans": [{"id": "1", "start": 0, "end": 2, "label": "ORG", '
            '"text": "bc", "annotator": "a"}]}',
            "the record says",
        ),
        (
            '{"text": "abc", "spans": [], "relations": [{"id": "r", "type": "ABOUT", "from": "x", '
            '"to": "y", "annotator": "a"}]}',
            "unknown span",
        ),
        ('{"text": "abc", "spans": [', "not valid JSON"),
        ('{"id": "deadbeef", "text": "abc", "spans": []}', "not the sha256"),
    ],
)
def test_bad_lines_name_file_and_line_and_import_nothing(
    tmp_path: Path, line: str, message: str
) -> None:
    good = native.encode(AnnotatedDocument(Document("fine text")))
    path = tmp_path / "bad.jsonl"
    path.write_text(f"{good}\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        list(native.read(path))
    assert str(caught.value).startswith(f"{path}:line 2:")
    store = Store.open(tmp_path / "s.sqlite")
    results = import_paths(store, [path])
    assert results[0].error is not None and "line 2" in results[0].error
    assert store.count_documents() == 0
    store.close()


@pytest.mark.parametrize(
    ("times", "message"),
    [('"created": 5', "created is not a string but int"),
     ('"updated": ["2026-12-06T06:00:00Z"]', "updated is not a string but list")],
)
def test_a_span_time_that_is_no_string_is_refused_at_its_line(
    tmp_path: Path, times: str, message: str
) -> None:
    """A span's time that is not a string was met by the length check (a TypeError without
    a place) or reached the store's driver (its SQL in the message), not named at its line."""
    good = native.encode(AnnotatedDocument(Document("fine text")))
    path = tmp_path / "times.jsonl"
    path.write_text(f'{good}\n{{"text": "abc", "spans": [{{"id": "1", "start": 0, "end": 2, '
                    f'"label": "ORG", "annotator": "a", {times}}}]}}\n', encoding="utf-8")
    store = Store.open(tmp_path / "s.sqlite")
    (result,) = import_paths(store, [path])
    assert result.error == f"{path}:line 2: span [0, 2): {message}"
    assert store.count_documents() == 0
    store.close()
