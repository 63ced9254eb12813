"""The sample texts bundled in ``resources/samples``, as Documents for seeding an empty store.

``index.json`` lists the samples in display order: objects with ``file`` and ``title`` and
optional ``source``, ``published``, ``language`` and ``url``. Texts are decoded from their raw
bytes, so CRLF line endings reach the Document unchanged and offsets stay exact.
"""

from __future__ import annotations

import json
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from annotate.errors import InputError
from annotate.model import Document

SAMPLES_FOLDER = "samples"
INDEX_NAME = "index.json"
META_KEYS = ("source", "published", "language", "url")


def sample_documents(package: str = "resources") -> list[Document]:
    """The bundled samples in index order; InputError names the index record or file at fault."""
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
    return [
        _document(folder, folder_path, entry, f"record {number}")
        for number, entry in enumerate(entries, start=1)
    ]


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
