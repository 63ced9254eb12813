"""PDF files: the text layer, page by page, via pypdf."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from annotate.errors import InputError
from annotate.inputs import read_input
from annotate.model import Document
from annotate.sources.base import file_title, source_meta

if TYPE_CHECKING:  # pypdf is imported on the first PDF read (the window starts sooner)
    from pypdf import PdfReader


def _open(data: bytes, file: str) -> PdfReader:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        # Encrypted with an empty user password, a PDF only restricts editing; it reads normally.
        try:
            opened = reader.decrypt("")
        except Exception as exc:  # e.g. AES without the optional cryptography package
            raise InputError(f"PDF is encrypted and cannot be opened ({exc})", file) from exc
        if not opened:
            raise InputError("PDF is encrypted with a password; cannot read it", file)
    return reader


def read_pdf(path: Path) -> list[Document]:
    """One document: the pages' text ("\\n" line breaks, a blank line between pages)."""
    file = str(path)
    data = read_input(path)
    try:
        reader = _open(data, file)
        pages = [page.extract_text() for page in reader.pages]
        info = reader.metadata
        title = str(info.title or "").strip() if info else ""
    except InputError:
        raise
    except Exception as exc:  # pypdf fails on damaged files in many ways
        raise InputError(f"not a readable PDF ({type(exc).__name__}: {exc})", file) from exc
    text = "\n\n".join(pages).replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text or text.isspace():
        raise InputError(
            f"PDF has no text layer ({len(pages)} page(s), probably scanned images); run OCR first",
            file,
        )
    meta = source_meta(path, "pdf", pages=len(pages))
    return [Document(text=text, title=title or file_title(path), meta=meta)]
