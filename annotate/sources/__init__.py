"""Source files for ``counterclaim import``: which files to read, and their documents.

Every reader returns the file's documents or raises :class:`~annotate.errors.InputError` naming the
file (and the line or row where there is one); an error means the whole file imports nothing.
Native JSONL (annotated records) is not read here: route it with :func:`is_native_jsonl`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from annotate.errors import InputError
from annotate.model import Document
from annotate.sources.base import MAX_FILE_BYTES
from annotate.sources.corpus import is_native_jsonl, read_csv, read_jsonl
from annotate.sources.docx import read_docx
from annotate.sources.html import read_html
from annotate.sources.pdf import read_pdf
from annotate.sources.text import read_text

__all__ = [
    "MAX_FILE_BYTES",
    "SUPPORTED_SUFFIXES",
    "is_native_jsonl",
    "iter_input_files",
    "read_source",
]

_READERS: dict[str, Callable[[Path], list[Document]]] = {
    ".txt": read_text,
    ".md": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".docx": read_docx,
    ".pdf": read_pdf,
    ".jsonl": read_jsonl,
    ".csv": read_csv,
}
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_READERS)


def _supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def _folder_files(folder: Path) -> list[Path]:
    """Supported, non-hidden files under ``folder``, sorted by their path components."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):  # symlinked folders are not followed
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        for name in files:
            path = Path(root, name)
            if not name.startswith(".") and _supported(path) and path.is_file():
                found.append(path)
    return sorted(found, key=lambda path: path.relative_to(folder).parts)


def iter_input_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named explicitly, then each folder's supported files, recursively, once each.

    Hidden files and folders (names starting with ".") and unsupported suffixes inside a folder
    are skipped; a missing path or a file named explicitly with an unsupported suffix raises
    InputError.
    """
    seen: set[Path] = set()
    for given in paths:
        given = Path(given)
        if given.is_dir():
            candidates = _folder_files(given)
        elif given.is_file():
            if not _supported(given):
                supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
                raise InputError(
                    f"unsupported file type {given.suffix or '(none)'!r}; supported: {supported}",
                    str(given),
                )
            candidates = [given]
        else:
            raise InputError("no such file or folder", str(given))
        for path in candidates:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                yield path


def read_source(path: Path) -> list[Document]:
    """The documents of one source file, chosen by its suffix (one per line/row for corpora)."""
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(f"unsupported file type {path.suffix or '(none)'!r}", str(path))
    return reader(path)
