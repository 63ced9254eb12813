"""Labelled-corpus formats: which module reads and writes each, and which one a path holds.

Modules are imported on first use, so an optional format (spaCy) costs nothing until asked for.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from types import ModuleType

from annotate.inputs import first_line, parse_json

EXPORT_FORMATS = ("native", "doccano", "brat", "conll", "spacy", "labelstudio", "csv")
IMPORT_FORMATS = ("native", "doccano", "brat", "labelstudio", "csv")
_MODULES = {
    "native": "native",
    "doccano": "doccano",
    "brat": "brat",
    "conll": "conll",
    "spacy": "spacy_docbin",
    "labelstudio": "labelstudio",
    "csv": "csvspans",
}
FOLDER_FORMATS = frozenset({"brat"})
SUFFIX = {
    "native": ".jsonl",
    "doccano": ".jsonl",
    "conll": ".conll",
    "spacy": ".spacy",
    "labelstudio": ".json",
    "csv": ".csv",
    "brat": "",
}
_SPAN_CSV_COLUMNS = {"start", "end", "label"}


def module(name: str) -> ModuleType:
    """The module that reads/writes format ``name``."""
    if name not in _MODULES:
        raise ValueError(f"unknown format {name!r}; known: {', '.join(EXPORT_FORMATS)}")
    return import_module(f"annotate.formats.{_MODULES[name]}")


def _first_line(path: Path) -> str:
    return first_line(path).decode("utf-8", errors="replace")


def detect(path: Path) -> str | None:
    """The annotated format a path holds, or None for a plain source (text, corpus) file.

    A file's first line is read (within the size cap of :mod:`annotate.inputs`); InputError if
    the file cannot be read, is not a regular file or is too large."""
    if path.is_dir():
        brat = (path / "annotation.conf").exists() or any(path.rglob("*.ann"))
        return "brat" if brat else None
    suffix = path.suffix.lower()
    if suffix == ".ann":
        return "brat"
    if suffix == ".json":
        return "labelstudio"
    if suffix == ".csv":
        columns = {c.strip().strip('"') for c in _first_line(path).lower().split(",")}
        return "csv" if columns >= _SPAN_CSV_COLUMNS else None
    if suffix == ".jsonl":
        try:
            first = parse_json(_first_line(path) or "null")
        except ValueError:  # not JSON, or nested too deeply
            return "native"  # let the strictest reader report the line
        if isinstance(first, dict):
            if "spans" in first or ("relations" in first and "entities" not in first):
                return "native"
            if "label" in first or "labels" in first or "entities" in first:
                return "doccano"
    return None
