"""Word .docx files: paragraph and table text via python-docx, opened only after safety checks.

Before python-docx sees the file, the zip's central directory is checked: a bounded number of
members, a bounded total declared unpacked size, and no member that is both large and compressed
suspiciously well (a zip bomb). ``zipfile`` never unpacks more than a member's declared size, so
the declared sizes bound the work. Every XML part is then refused if it declares a DOCTYPE (OOXML
never needs one; it is how entity-expansion attacks start). python-docx's own lxml parser also
has ``resolve_entities=False``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from annotate.errors import InputError
from annotate.inputs import MAX_FILE_BYTES, read_input
from annotate.model import Document
from annotate.sources.base import file_title, require_text, source_meta

if TYPE_CHECKING:  # python-docx is imported on the first .docx read (the window starts sooner)
    from docx.document import Document as WordDocument

MAX_UNPACKED_BYTES = MAX_FILE_BYTES
"""Largest total declared unpacked size of the archive's members."""
MAX_MEMBERS = 10_000
MAX_RATIO = 200
"""Largest compression ratio allowed for a member that unpacks to more than RATIO_FLOOR bytes."""
RATIO_FLOOR = 1024 * 1024
_DOCTYPES = tuple("<!DOCTYPE".encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be"))


def check_archive(archive: zipfile.ZipFile, file: str) -> None:
    """InputError unless the zip is small and tame enough to unpack, and its XML has no DOCTYPE."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise InputError(f"archive has {len(members):,} members (limit {MAX_MEMBERS:,})", file)
    total = sum(member.file_size for member in members)
    if total > MAX_UNPACKED_BYTES:
        raise InputError(
            f"archive unpacks to {total:,} bytes, more than the limit of {MAX_UNPACKED_BYTES:,}"
            " (zip bomb?)",
            file,
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise InputError(
                f"archive member {member.filename} is compressed {ratio:,.0f}:1 (zip bomb?)", file
            )
    for member in members:
        if member.filename.endswith((".xml", ".rels")):
            data = archive.read(member)
            if any(doctype in data for doctype in _DOCTYPES):
                raise InputError(
                    f"archive member {member.filename} declares a DOCTYPE (entity expansion?)",
                    file,
                )


def _lines(document: WordDocument) -> Iterator[str]:
    """Body paragraphs and table rows (cells joined by tabs), in document order."""
    from docx.table import Table
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = row.cells
                # A merged cell repeats across the columns it spans; keep it once.
                unique = [c for i, c in enumerate(cells) if i == 0 or c._tc is not cells[i - 1]._tc]
                yield "\t".join(cell.text for cell in unique)
        else:
            yield block.text


def read_docx(path: Path) -> list[Document]:
    """One document: the paragraphs' text joined by "\\n"; titled by the core title or file name."""
    import docx

    file = str(path)
    data = read_input(path)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(archive, file)
        document = docx.Document(io.BytesIO(data))
        text = "\n".join(_lines(document)).replace("\r\n", "\n").replace("\r", "\n")
        title = (document.core_properties.title or "").strip()
    except InputError:
        raise
    except Exception as exc:  # python-docx, zipfile and lxml fail on bad input in many ways
        raise InputError(f"not a readable .docx file ({type(exc).__name__}: {exc})", file) from exc
    require_text(text, path)
    return [Document(text=text, title=title or file_title(path), meta=source_meta(path, "docx"))]
