"""Plain text and Markdown files, and the byte decoding every text-based reader uses.

Decoding order: a byte-order mark (UTF-8, UTF-16, UTF-32) decides; otherwise NUL bytes mean binary;
otherwise strict UTF-8; otherwise an encoding the caller found declared (HTML ``<meta charset>``);
otherwise charset-normalizer's best guess (cp1252 among equally good ones). Only the BOM is
removed: line endings stay as they are.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from annotate.errors import InputError
from annotate.inputs import read_input
from annotate.model import Document
from annotate.sources.base import file_title, require_text, source_meta

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian mark starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_TIE_BREAK = "cp1252"


def _strict(data: bytes, encoding: str, file: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid {encoding} (byte {exc.start}): {exc.reason}", file) from exc


def _usable_declared(name: str | None) -> str | None:
    """The codec a document declares, if Python knows it and it is ASCII-compatible.

    As in browsers, a declared UTF-16/32 is ignored: a file that could state its own encoding
    in ASCII is not in one of those.
    """
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return codec if "<meta>".encode(codec) == b"<meta>" else None


def decode_bytes(data: bytes, file: str, declared: str | None = None) -> tuple[str, str]:
    """``(text, encoding)`` of a text file's bytes; InputError for binary, undecodable or empty."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], encoding.removesuffix("-sig"), file)
            break
    else:
        if b"\x00" in data:
            raise InputError("looks binary (contains NUL bytes); not a text file", file)
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _guess(data, file, _usable_declared(declared))
    if "\x00" in text:
        raise InputError("looks binary (contains NUL characters); not a text file", file)
    return text, encoding


def _guess(data: bytes, file: str, declared: str | None) -> tuple[str, str]:
    if declared:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes  # on the first guess (the window starts sooner)

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise InputError("looks binary: no character encoding fits its bytes", file)
    # When the detector cannot tell candidates apart, take the commonest legacy encoding.
    tied = (m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence))
    chosen = next((m for m in tied if m.encoding == _TIE_BREAK), best)
    return str(chosen), chosen.encoding


def read_text(path: Path) -> list[Document]:
    """One document holding the file's decoded text exactly (CRLF kept, BOM removed)."""
    text, encoding = decode_bytes(read_input(path), str(path))
    require_text(text, path)
    fmt = "markdown" if path.suffix.lower() == ".md" else "text"
    meta = source_meta(path, fmt, encoding=encoding)
    return [Document(text=text, title=file_title(path), meta=meta)]
