"""What every source reader shares: metadata and emptiness (reading: :mod:`annotate.inputs`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotate.errors import InputError
from annotate.inputs import readable_name


def source_meta(path: Path, fmt: str, **extra: Any) -> dict[str, Any]:
    """The metadata every document read from ``path`` carries."""
    return {"source": readable_name(path.name), "format": fmt, **extra}


def file_title(path: Path) -> str:
    """The title of a document named after its file: the file name without its suffix."""
    return readable_name(path.stem)


def require_text(text: str, path: Path, where: str | int | None = None) -> str:
    """``text`` unchanged, or InputError if it is empty or whitespace only."""
    if not text or text.isspace():
        raise InputError("contains no text (empty or whitespace only)", str(path), where)
    return text
