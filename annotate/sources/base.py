"""What every source reader shares: the size limit, bounded reading, metadata, emptiness."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotate.errors import InputError

MAX_FILE_BYTES = 256 * 1024 * 1024
"""No source file larger than this is read (and no docx unpacks to more)."""


def check_size(path: Path) -> int:
    """The file's size in bytes; InputError if it is missing, not a file, or too large."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from exc
    if not path.is_file():
        raise InputError("not a regular file", str(path))
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"file is {size:,} bytes, larger than the limit of {MAX_FILE_BYTES:,} bytes", str(path)
        )
    return size


def read_bytes(path: Path) -> bytes:
    """The whole file, refusing it if it is (or grows while read) larger than the limit."""
    check_size(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from exc
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"file is larger than the limit of {MAX_FILE_BYTES:,} bytes", str(path))
    return data


def source_meta(path: Path, fmt: str, **extra: Any) -> dict[str, Any]:
    """The metadata every document read from ``path`` carries."""
    return {"source": path.name, "format": fmt, **extra}


def require_text(text: str, path: Path, where: str | int | None = None) -> str:
    """``text`` unchanged, or InputError if it is empty or whitespace only."""
    if not text or text.isspace():
        raise InputError("contains no text (empty or whitespace only)", str(path), where)
    return text
