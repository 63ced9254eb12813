"""The sample texts bundled in ``resources/samples``, as Documents for seeding an empty store.

``index.json`` lists the samples in display order: objects with ``file`` and ``title`` and
optional ``source``, ``published``, ``language`` and ``url``. Texts are decoded from their raw
bytes, so CRLF line endings reach the Document unchanged and offsets stay exact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from annotate.actors import LABEL_KINDS, Actor, fold
from annotate.commands import CreateActor
from annotate.errors import InputError
from annotate.model import AnnotatedDocument, Document, Relation, Span
from annotate.stable_ids import stable_id

SAMPLES_FOLDER = "samples"
INDEX_NAME = "index.json"
META_KEYS = ("source", "published", "language", "url")


def sample_documents(package: str = "resources") -> list[Document]:
    """The bundled samples in index order; InputError names the index record or file at fault."""
    return list(_samples(package).values())


def _samples(package: str) -> dict[str, Document]:
    """The samples by file name, in index order."""
    folder = resources.files(package).joinpath(SAMPLES_FOLDER)
    folder_path = f"{package}/{SAMPLES_FOLDER}"
    index_path = f"{folder_path}/{INDEX_NAME}"
    try:
        entries = json.loads(_read_text(folder.joinpath(INDEX_NAME), index_path))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg}", index_path, f"{exc.lineno}:{exc.colno}"
        ) from exc
    if not isinstance(entries, list):
        raise InputError("the sample index must be a JSON list", index_path)
    found = {}
    for number, entry in enumerate(entries, start=1):
        document = _document(folder, folder_path, entry, f"record {number}")  # checks entry
        found[entry["file"]] = document
    return found


def _document(folder: Traversable, folder_path: str, entry: Any, where: str) -> Document:
    """One index record made into a Document, its text read from the named file."""
    index_path = f"{folder_path}/{INDEX_NAME}"
    if not isinstance(entry, dict):
        raise InputError("a sample record must be a JSON object", index_path, where)
    for key in ("file", "title"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise InputError(f"a sample record needs a non-empty string {key!r}", index_path, where)
    name = entry["file"]
    if "/" in name or "\\" in name or name.startswith("."):
        raise InputError(
            f"sample file {name!r} must be a plain name in the folder", index_path, where
        )
    text = _read_text(folder.joinpath(name), f"{folder_path}/{name}")
    meta = {key: entry[key] for key in META_KEYS if entry.get(key) is not None}
    return Document(text=text, title=entry["title"], meta=meta)


def _read_text(resource: Traversable, path: str) -> str:
    """A resource's bytes decoded as UTF-8, untouched otherwise (no newline translation)."""
    try:
        return resource.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 at byte {exc.start}", path) from exc


EXAMPLE_NAME = "example.json"


@dataclass(frozen=True, slots=True)
class Example:
    """The samples' example layer: the documents with its spans and relations, and the
    commands that create its actors and link the entity spans that name them."""

    documents: list[AnnotatedDocument]
    actors: list[CreateActor]
    annotator: str


def example_layer(package: str = "resources") -> Example:
    """The annotation shipped with the samples (``example.json``): each span found by its
    exact words in its sample (the ``nth`` occurrence, from 0, when given). InputError names
    the record at fault: a sample, a span's words or a relation's end that is not there."""
    folder = resources.files(package).joinpath(SAMPLES_FOLDER)
    path = f"{package}/{SAMPLES_FOLDER}/{EXAMPLE_NAME}"
    try:
        data = json.loads(_read_text(folder.joinpath(EXAMPLE_NAME), path))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", path, f"{exc.lineno}:{exc.colno}") from exc
    by_file = _samples(package)
    who = data["annotator"]
    annotated = []
    entities: list[tuple[Span, str]] = []
    spans_of: dict[str, dict[str, Span]] = {}
    for name, marks in data["documents"].items():
        document = by_file.get(name)
        if document is None:
            raise InputError(f"no sample {name!r}", path, f"documents.{name}")
        spans_of[name] = {key: _example_span(document, who, key, mark, path, name)
                          for key, mark in marks["spans"].items()}
    for name, marks in data["documents"].items():
        spans = spans_of[name]
        relations = []
        for number, (kind, source, target, *elsewhere) in enumerate(marks["relations"]):
            # a fourth item: the sample the target is in (a link across documents)
            far = spans_of.get(elsewhere[0], {}) if elsewhere else spans
            for end, found in ((source, spans), (target, far)):
                if end not in found:
                    raise InputError(f"no span {end!r}", path,
                                     f"documents.{name}.relations[{number}]")
            relations.append(Relation(kind, spans[source].id, far[target].id, who,
                                      stable_id("example-relation", name, str(number)),
                                      target_document=far[target].document if elsewhere
                                      else None))
        annotated.append(AnnotatedDocument(by_file[name], tuple(spans.values()),
                                           tuple(relations)))
        entities += [(s, by_file[name].text[s.start:s.end]) for s in spans.values()
                     if s.label in LABEL_KINDS]
    actors = []
    for record in data["actors"]:
        actor = Actor(record["name"], record["kind"], tuple(record.get("aliases", ())),
                      stable_id("example-actor", record["name"]))
        names = {fold(n) for n in actor.names()}
        links = tuple((s.document, s.id) for s, text in entities if fold(text) in names)
        actors.append(CreateActor(actor, links))
    return Example(annotated, actors, who)


def _example_span(document: Document, who: str, key: str, mark: list[Any], path: str,
                  name: str) -> Span:
    label, words, *rest = mark
    attributes = rest[0] if rest and rest[0] else {}
    nth = rest[1] if len(rest) > 1 else 0
    start = -1
    for _ in range(nth + 1):
        start = document.text.find(words, start + 1)
        if start < 0:
            raise InputError(f"{words!r} is not in the sample (occurrence {nth})", path,
                             f"documents.{name}.spans.{key}")
    return Span(document.uid, start, start + len(words), label, who,
                stable_id("example-span", name, key), dict(attributes), None, EXAMPLE_CREATED)


EXAMPLE_CREATED = "2024-08-01T00:00:00Z"
"""When the example layer's spans say they were made (fixed: seeding twice gives one layer)."""
