"""Source files for ``counterclaim import``: which files to read, and their documents.

Every reader returns the file's documents or raises :class:`~annotate.errors.InputError` naming the
file (and the line or row where there is one); an error means the whole file imports nothing.
Native JSONL (annotated records) is not read here: route it with :func:`is_native_jsonl`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from annotate.errors import InputError
from annotate.inputs import MAX_FILE_BYTES, Found, not_regular, walk
from annotate.model import Document
from annotate.sources.corpus import is_native_jsonl, read_csv, read_jsonl
from annotate.sources.docx import read_docx
from annotate.sources.html import read_html
from annotate.sources.pdf import read_pdf
from annotate.sources.text import read_text

__all__ = [
    "MAX_FILE_BYTES",
    "SUPPORTED_SUFFIXES",
    "Found",
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


def _supported(name: str) -> bool:
    return Path(name).suffix.lower() in SUPPORTED_SUFFIXES


def iter_input_files(paths: Iterable[Path], also: Callable[[Path], bool] | None = None
                     ) -> Iterator[Found]:
    """Files named explicitly, then each folder's supported files (and the others ``also``
    takes: annotated files, whatever their suffix), recursively, once each.

    In a folder, hidden files and folders (names starting with ".") and other suffixes
    are passed over, and links out of the folder and special files are left out with a notice
    (see :func:`annotate.inputs.walk`). A missing path, or a file named explicitly that is not
    a regular file or has an unsupported suffix, raises InputError.
    """
    seen: set[Path] = set()
    for given in map(Path, paths):
        if given.is_dir():
            candidates = list(walk(given, lambda path: _supported(path) or (
                also is not None and also(Path(path)))))
        else:
            why = not_regular(given)
            if why is not None:
                raise InputError(why, str(given))
            if not _supported(given.name):
                supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
                raise InputError(
                    f"unsupported file type {given.suffix or '(none)'!r}; supported: {supported}",
                    str(given),
                )
            candidates = [Found(given)]
        for found in candidates:
            key = found.path if found.skipped else found.path.resolve()
            if key not in seen:
                seen.add(key)
                yield found


def read_source(path: Path) -> list[Document]:
    """The documents of one source file, chosen by its suffix (one per line/row for corpora)."""
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(f"unsupported file type {path.suffix or '(none)'!r}", str(path))
    return reader(path)
