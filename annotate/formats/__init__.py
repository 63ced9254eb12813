"""Labelled-corpus formats: the one registry of what each format is.

Each :class:`Format` names the module that reads (when it can be imported) and writes it, the
suffix of what it writes (or a folder), what it has no place for (its writer counts those as
lost), and how a path is recognised as holding it. A new format is its module and one entry
in :data:`FORMATS`.

Modules are imported on first use, so an optional format (spaCy) costs nothing until asked for.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

from annotate.errors import InputError
from annotate.formats.base import PARTS, Part
from annotate.inputs import MAX_STREAMED_BYTES, first_line, open_input, parse_json

_SPAN_CSV_COLUMNS = {"start", "end", "label"}
_DOCCANO_KEYS = {"label", "labels", "entities", "cats", "annotations"}
_PRETTY_HEAD = 1024 * 1024
_HEAD = 16 * 1024  # bytes of a file read to tell whether it holds CoNLL
_CONLL_NAMES = (".conll", ".iob", ".bio")  # in a name: CoNLL without looking (.conll2003.user2)
_NOT_CONLL = frozenset({".jsonl", ".json", ".csv", ".ann", ".spacy", ".docx", ".pdf", ".html",
                        ".htm"})  # another format's suffix
_MAX_COLUMNS = 20


def _first_line(path: Path) -> str:
    return first_line(path).decode("utf-8", errors="replace")


def _first_value(path: Path) -> Any:
    """The JSON value a file starts with: its first line, or a value spread over the lines
    of its first MiB (pretty-printed); ValueError if neither is JSON."""
    try:
        return parse_json(_first_line(path) or "null")
    except ValueError:  # not JSON, nested too deeply, or only the start of a value
        with open_input(path, MAX_STREAMED_BYTES) as handle:
            head = handle.read(_PRETTY_HEAD).decode("utf-8-sig", errors="replace")
        try:
            return json.JSONDecoder().raw_decode(head.lstrip())[0]
        except RecursionError:
            raise ValueError("nested too deeply") from None


def _jsonl_kind(path: Path) -> str | None:
    """Which JSONL format a file's first value is: native, doccano, or None."""
    if path.suffix.lower() != ".jsonl":
        return None
    try:
        first = _first_value(path)
    except ValueError:
        return "native"  # let the strictest reader report the line
    if isinstance(first, dict):
        if "spans" in first or ("relations" in first and "entities" not in first):
            return "native"
        if _DOCCANO_KEYS & first.keys():
            return "doccano"
    return None


def _is_brat(path: Path) -> bool:
    if path.is_dir():
        return (path / "annotation.conf").exists() or any(path.rglob("*.ann"))
    return path.suffix.lower() == ".ann"


def _is_span_csv(path: Path) -> bool:
    if path.suffix.lower() != ".csv":
        return False
    columns = {c.strip().strip('"') for c in _first_line(path).lower().split(",")}
    return columns >= _SPAN_CSV_COLUMNS


def _is_conll(path: Path) -> bool:
    """A CoNLL file, by its name (``.conll``, ``.conll2003.user0``, ``.iob``, ``.bio``) or, for
    any name but another format's, by its first 16 KiB: every non-blank line a ``-DOCSTART-``
    line or a token and a tag (O, B-X...) last among at most 20 columns, and two token lines
    or a ``-DOCSTART-``."""
    name = path.name.lower()
    if path.is_dir() or path.suffix.lower() in _NOT_CONLL:
        return False
    if any(part in name for part in _CONLL_NAMES):
        return True
    from annotate.formats.iob import split_tag  # (the registry imports no format module)

    with open_input(path, MAX_STREAMED_BYTES) as handle:
        head = handle.read(_HEAD)
    rows = head.decode("utf-8", errors="replace").removeprefix("\ufeff").split("\n")
    if len(head) == _HEAD:
        rows.pop()  # cut short
    tokens = 0
    for row in filter(str.strip, rows):
        fields = row.rstrip("\r").split("\t") if "\t" in row else row.split()
        if fields[0] == "-DOCSTART-":
            tokens += 2
            continue
        if not 2 <= len(fields) <= _MAX_COLUMNS or split_tag(fields[-1].strip()) is None:
            return False
        tokens += 1
    return tokens >= 2


def _is_spacy(path: Path) -> bool:
    return path.suffix.lower() == ".spacy" and not path.is_dir()


def _is_webanno_tsv(path: Path) -> bool:
    return import_module("annotate.formats.webannotsv").holds(path)


def _is_xmi(path: Path) -> bool:
    return import_module("annotate.formats.xmi").holds(path)


@dataclass(frozen=True, slots=True)
class Format:
    """One exchange format."""

    name: str
    module_name: str
    """The module under annotate.formats with its ``write`` (when ``writes``) and ``read``
    (when ``reads``)."""
    suffix: str
    """The suffix of the file it writes; empty: it writes a folder."""
    reads: bool
    """Whether ``import`` reads it."""
    drops: frozenset[Part]
    """What it has no place for; its writer counts each as lost (besides its own losses)."""
    holds: Callable[[Path], bool] | None = None
    """Whether a path holds this format (detection); None: never detected."""
    writes: bool = True
    """Whether ``export`` writes it (False: read only)."""

    @property
    def folder(self) -> bool:
        return not self.suffix

    @property
    def carries(self) -> tuple[Part, ...]:
        """What a record's parts it keeps, besides the text, spans and annotators."""
        return tuple(p for p in PARTS if p not in self.drops)

    def module(self) -> ModuleType:
        """The module that reads/writes it (imported now)."""
        return import_module(f"annotate.formats.{self.module_name}")


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("native", "native", ".jsonl", True, frozenset(),
               lambda p: _jsonl_kind(p) == "native"),
        Format("doccano", "doccano", ".jsonl", True,
               frozenset({"attributes", "notes", "statuses", "fragments", "relation notes",
                          "links across documents"}),
               lambda p: _jsonl_kind(p) == "doccano"),
        Format("brat", "brat", "", True,
               frozenset({"statuses", "meta", "doc_labels", "links across documents"}),
               _is_brat),
        Format("conll", "conll", ".conll", True,
               frozenset({"attributes", "notes", "relations", "statuses", "meta",
                          "doc_labels", "fragments", "relation notes",
                          "links across documents"}), _is_conll),
        Format("spacy", "spacy_docbin", ".spacy", True,
               frozenset({"attributes", "notes", "relations", "statuses", "fragments",
                          "relation notes", "links across documents"}), _is_spacy),
        Format("labelstudio", "labelstudio", ".json", True,
               frozenset({"statuses", "fragments", "relation notes", "links across documents"}),
               lambda p: p.suffix.lower() == ".json"),
        Format("csv", "csvspans", ".csv", True,
               frozenset({"relations", "statuses", "meta", "fragments", "relation notes",
                          "links across documents"}),
               _is_span_csv),
        Format("xmi", "xmi", "", True,
               frozenset({"statuses", "fragments", "relation notes", "links across documents"}),
               _is_xmi),
        Format("refi-qda", "refiqda", ".qdpx", True,
               frozenset({"attributes", "statuses", "meta", "fragments", "relation notes",
                          "links across documents"}),
               lambda p: p.suffix.lower() == ".qdpx"),
        Format("webanno-tsv", "webannotsv", ".tsv", True,
               frozenset({"notes", "statuses", "meta", "doc_labels", "fragments",
                          "relation notes", "links across documents"}), _is_webanno_tsv,
               writes=False),
    )
}
EXPORT_FORMATS = tuple(name for name, f in FORMATS.items() if f.writes)
IMPORT_FORMATS = tuple(name for name, f in FORMATS.items() if f.reads)


def get(name: str) -> Format:
    """The format called ``name``; ValueError naming the known ones."""
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}; known: {', '.join(EXPORT_FORMATS)}")
    return FORMATS[name]


def writes_folder(name: str) -> bool:
    """Whether format ``name`` writes (and reads) a folder rather than a file."""
    found = FORMATS.get(name)
    return found is not None and found.folder


def module(name: str) -> ModuleType:
    """The module that reads/writes format ``name``."""
    return get(name).module()


def detect(path: Path) -> str | None:
    """The annotated format a path holds, or None for a plain source (text, corpus) file.

    A file's first line is read (within the size cap of :mod:`annotate.inputs`); InputError if
    the file cannot be read, is not a regular file or is too large."""
    return next((f.name for f in FORMATS.values() if f.holds is not None and f.holds(path)),
                None)


def holds_annotations(path: Path) -> bool:
    """Whether a file a folder holds, whatever its suffix, is in an annotated format (a
    file that cannot be read is not: the folder's walk passes over it as before)."""
    try:
        return detect(path) is not None
    except InputError:
        return False
