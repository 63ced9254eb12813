"""The bundled sample texts: present, well-formed, and read without altering a byte."""

from __future__ import annotations

import json
import re
import uuid
from importlib import resources
from pathlib import Path

import pytest

from annotate.errors import InputError
from annotate.samples import META_KEYS, example_layer, sample_documents

SAMPLES = resources.files("resources").joinpath("samples")


def index_entries() -> list[dict]:
    return json.loads(SAMPLES.joinpath("index.json").read_bytes().decode("utf-8"))


def test_between_four_and_six_documents_with_unique_uids_and_titles() -> None:
    documents = sample_documents()
    assert 4 <= len(documents) <= 6
    assert len({doc.uid for doc in documents}) == len(documents)
    assert all(doc.title.strip() for doc in documents)


def test_every_file_named_in_the_index_exists() -> None:
    entries = index_entries()
    assert entries
    for entry in entries:
        assert SAMPLES.joinpath(entry["file"]).is_file(), entry["file"]


def test_documents_follow_index_order_and_keep_raw_bytes() -> None:
    entries = index_entries()
    documents = sample_documents()
    assert [doc.title for doc in documents] == [entry["title"] for entry in entries]
    for entry, doc in zip(entries, documents, strict=True):
        assert doc.text.encode("utf-8") == SAMPLES.joinpath(entry["file"]).read_bytes()


def test_meta_holds_only_known_non_null_keys() -> None:
    for doc in sample_documents():
        assert set(doc.meta) <= set(META_KEYS)
        assert None not in doc.meta.values()
        assert doc.meta["language"] == "en"
        assert re.fullmatch(r"2024-07-\d\d", doc.meta["published"])
        assert doc.meta["source"].strip()


def test_channel_post_has_crlf_and_an_astral_character() -> None:
    entries = index_entries()
    position = next(i for i, entry in enumerate(entries) if entry["file"] == "channel-post.txt")
    text = sample_documents()[position].text
    assert "\r\n" in text
    assert "\n" not in text.replace("\r\n", "")
    assert any(ord(char) > 0xFFFF for char in text)


def test_every_sample_has_a_figure_with_digits() -> None:
    for doc in sample_documents():
        assert re.search(r"\d", doc.text), doc.title


def fake_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, index: str) -> str:
    """A throwaway package holding samples/index.json with the given content; returns its name."""
    name = f"fake_samples_{uuid.uuid4().hex}"
    folder = tmp_path / name / "samples"
    folder.mkdir(parents=True)
    (tmp_path / name / "__init__.py").write_text("")
    (folder / "index.json").write_text(index, encoding="utf-8")
    (folder / "ok.txt").write_bytes(b"line one\r\nline two 42\r\n")
    (folder / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    monkeypatch.syspath_prepend(str(tmp_path))
    return name


def test_a_valid_fake_package_reads_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = json.dumps([{"file": "ok.txt", "title": "Ok", "source": "S", "url": None}])
    (doc,) = sample_documents(fake_package(tmp_path, monkeypatch, index))
    assert doc.text == "line one\r\nline two 42\r\n"
    assert doc.meta == {"source": "S"}


@pytest.mark.parametrize(
    ("index", "fragment"),
    [
        ("[{]", "index.json:1:3: invalid JSON"),
        ('{"file": "ok.txt"}', "index.json: the sample index must be a JSON list"),
        ('[{"file": "ok.txt", "title": "Ok"}, 3]', "index.json:record 2: a sample record must"),
        ('[{"file": "ok.txt", "title": "  "}]', "index.json:record 1: a sample record needs"),
        ('[{"file": "../x.txt", "title": "X"}]', "index.json:record 1: sample file '../x.txt'"),
        ('[{"file": "gone.txt", "title": "Gone"}]', "samples/gone.txt: cannot read"),
        ('[{"file": "latin1.txt", "title": "L"}]', "samples/latin1.txt: not UTF-8 at byte 3"),
    ],
)
def test_bad_index_or_file_raises_located_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, index: str, fragment: str
) -> None:
    with pytest.raises(InputError) as caught:
        sample_documents(fake_package(tmp_path, monkeypatch, index))
    assert fragment in str(caught.value)


def test_the_example_layer_holds_claims_links_and_actors() -> None:
    example = example_layer()
    spans = [s for d in example.documents for s in d.spans]
    assert {s.label for s in spans} >= {"CLAIM", "DENIAL", "ORG", "ARMED_GROUP"}
    for document in example.documents:
        for span in document.spans:
            span.check_bounds(document.document.text)
    assert all(a.links for a in example.actors)  # every actor names some entity span
    assert example_layer() == example  # the same ids every time: seeding is repeatable


@pytest.mark.parametrize(("example", "fragment"), [
    ({"annotator": "e", "actors": [], "documents": {"gone.txt": {"spans": {}, "relations": []}}},
     "example.json:documents.gone.txt: no sample 'gone.txt'"),
    ({"annotator": "e", "actors": [], "documents": {"ok.txt": {
        "spans": {"a": ["CLAIM", "line three"]}, "relations": []}}},
     "example.json:documents.ok.txt.spans.a: 'line three' is not in the sample"),
    ({"annotator": "e", "actors": [], "documents": {"ok.txt": {
        "spans": {"a": ["CLAIM", "line", None, 2]}, "relations": []}}},
     "example.json:documents.ok.txt.spans.a: 'line' is not in the sample (occurrence 2)"),
    ({"annotator": "e", "actors": [], "documents": {"ok.txt": {
        "spans": {"a": ["CLAIM", "42"]}, "relations": [["ABOUT", "a", "b"]]}}},
     "example.json:documents.ok.txt.relations[0]: no span 'b'"),
])
def test_a_bad_example_layer_names_the_record_at_fault(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example: dict, fragment: str
) -> None:
    package = fake_package(tmp_path, monkeypatch, json.dumps([{"file": "ok.txt", "title": "Ok"}]))
    (tmp_path / package / "samples" / "example.json").write_text(json.dumps(example))
    with pytest.raises(InputError) as caught:
        example_layer(package)
    assert fragment in str(caught.value)
