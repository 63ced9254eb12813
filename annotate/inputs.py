"""The files an import reads: opened safely, read within a size cap, found without leaving the
folder the user chose.

Size caps, one policy for every reader, checked before the first byte is read and again while
reading (a file may grow, or report no size at all):

* :data:`MAX_FILE_BYTES` (256 MiB) for a file read whole: text, Markdown, HTML, .docx, PDF,
  JSONL/CSV corpora, Label Studio JSON, brat ``.txt``/``.ann``.
* :data:`MAX_STREAMED_BYTES` (4 GiB) for a file read a line or a page at a time: native and
  doccano JSONL, span CSV, a peer's store. Such a file's memory follows its largest record.

Only regular files are read. A FIFO, device or socket is refused without being waited on (a
FIFO is opened non-blocking; ``/dev/zero`` is a device), whether named on the command line or
met in a folder. In a folder, a symbolic link is followed only when it points to a file inside
that folder (so nothing outside travels into the store and on to peers); links to folders are
never followed; what is left out is reported as a notice naming it, never passed over in
silence. Hidden names (starting with ".") are left out without a notice, as before.
"""

from __future__ import annotations

import io
import json
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, AnyStr, BinaryIO

from annotate.errors import InputError

MAX_FILE_BYTES = 256 * 1024 * 1024
"""Largest file read whole (and largest total a .docx may unpack to)."""
MAX_STREAMED_BYTES = 4 * 1024 * 1024 * 1024
"""Largest file read a record at a time."""

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str:
    """What a file of the stat ``mode`` that is not a regular file is ("a FIFO (named pipe)")."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _cannot(verb: str, exc: OSError, file: str) -> InputError:
    return InputError(f"cannot {verb}: {exc.strerror or exc}", file)


def not_regular(path: Path) -> str | None:
    """Why ``path`` (links followed) is not a regular file to read, or None if it is one."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    except RuntimeError:  # a symlink loop, on Python before 3.13
        return "cannot read: a loop of symbolic links"
    if stat.S_ISREG(mode):
        return None
    return f"{file_kind(mode)}, not a regular file: not read"


def _too_large(size: int, limit: int, file: str) -> InputError:
    return InputError(f"file is {size:,} bytes, larger than the limit of {limit:,} bytes", file)


class _Capped(io.FileIO):
    """A file descriptor read no further than ``limit`` bytes: one more is an InputError."""

    def __init__(self, fd: int, limit: int, file: str):
        super().__init__(fd, "rb", closefd=True)
        self._left = limit
        self._limit = limit
        self._file = file

    def readinto(self, buffer: bytearray | memoryview) -> int | None:  # type: ignore[override]
        count = super().readinto(buffer)
        if count:
            self._left -= count
            if self._left < 0:
                raise InputError(
                    f"file grew past the limit of {self._limit:,} bytes while it was read",
                    self._file,
                )
        return count

    def readall(self) -> bytes:  # FileIO's own would not go through readinto
        chunks = []
        while True:
            chunk = bytearray(1024 * 1024)
            count = self.readinto(chunk)
            if not count:
                return b"".join(chunks)
            chunks.append(memoryview(chunk)[:count])


def open_input(path: Path, limit: int = MAX_FILE_BYTES) -> BinaryIO:
    """``path`` opened for binary reading, never blocking and never read past ``limit``.

    InputError, naming the file, if it is missing, unreadable, not a regular file (folder,
    FIFO, device, socket) or larger than ``limit``.
    """
    file = str(path)
    why = not_regular(Path(path))
    if why is not None:
        raise InputError(why, file)
    try:
        # O_NONBLOCK: a FIFO swapped in since the check opens at once instead of waiting.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _cannot("open", exc, file) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{file_kind(info.st_mode)}, not a regular file: not read", file)
        if info.st_size > limit:
            raise _too_large(info.st_size, limit, file)
        os.set_blocking(fd, True)
        raw = _Capped(fd, limit, file)
    except BaseException:
        os.close(fd)
        raise
    return io.BufferedReader(raw, 1 << 20)


def read_input(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The whole of a regular file of at most ``limit`` bytes (see :func:`open_input`)."""
    try:
        with open_input(path, limit) as handle:
            return handle.read()
    except OSError as exc:
        raise _cannot("read", exc, str(path)) from None


def first_line(path: Path, limit: int = MAX_STREAMED_BYTES) -> bytes:
    """The first line holding more than white space (BOM removed), or b"" if there is none.

    InputError as for :func:`open_input`, or if a line is longer than MAX_FILE_BYTES."""
    try:
        with open_input(path, limit) as handle:
            for number, line in enumerate(lines(handle, str(path)), start=1):
                if number == 1:
                    line = line.removeprefix(b"\xef\xbb\xbf")
                if line.strip():
                    return line
    except OSError as exc:
        raise _cannot("read", exc, str(path)) from None
    return b""


def lines(handle: IO[AnyStr], file: str) -> Iterator[AnyStr]:
    """The lines of a file read a record at a time; InputError naming the line if one is
    longer than MAX_FILE_BYTES (bytes, or characters for a text handle), before it is read
    whole."""
    number = 0
    while line := handle.readline(MAX_FILE_BYTES + 1):
        number += 1
        if len(line) > MAX_FILE_BYTES:
            raise InputError(f"line longer than the limit of {MAX_FILE_BYTES:,}", file,
                             f"line {number}")
        yield line


def parse_json(text: str | bytes) -> Any:
    """``json.loads``, with nesting too deep for the parser a JSONDecodeError like any other
    malformed JSON (not a RecursionError)."""
    try:
        return json.loads(text)
    except RecursionError:
        message = "arrays or objects nested too deeply"
        raise json.JSONDecodeError(message, "", 0) from None


def json_values(handle: IO[str], file: str) -> Iterator[tuple[int, Any]]:
    """The JSON values of a JSONL file with the number of the line each starts on: one a line,
    or one spread over several lines (pretty-printed, as doccano ships its examples). Blank
    lines between values are skipped. InputError names the line a bad value starts on."""
    pending: list[str] = []
    size = start = 0
    for number, line in enumerate(lines(handle, file), start=1):
        if not pending:
            if not line.strip():
                continue
            start = number
        pending.append(line)
        size += len(line)
        if len(pending) > 1 and not line.rstrip().endswith(("}", "]")):
            continue  # a value spread over lines can only end on one of these
        text = "".join(pending)
        try:
            value = parse_json(text)
        except json.JSONDecodeError as exc:
            if exc.pos < len(text.rstrip()) or exc.msg.startswith("arrays or objects"):
                at = f" on line {start + exc.lineno - 1}" if len(pending) > 1 else ""
                raise InputError(f"not valid JSON ({exc.msg}{at} at column {exc.colno})",
                                 file, f"line {start}") from None
            if size > MAX_FILE_BYTES:
                raise InputError(f"a JSON value longer than the limit of {MAX_FILE_BYTES:,}",
                                 file, f"line {start}") from None
            continue  # the text ends before the value does: it goes on on the next line
        pending, size = [], 0
        yield start, value
    if pending:
        raise InputError("not valid JSON (the value that starts here is not complete at the "
                         "end of the file)", file, f"line {start}")


def readable_name(name: str) -> str:
    """A file name as valid text, for titles and metadata: bytes that are not UTF-8 (which
    Python keeps in ``str`` as lone surrogates, unstorable) become U+FFFD."""
    return os.fsencode(name).decode("utf-8", "replace")


# -- finding the files in a folder ------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Found:
    """A file to read, or (``skipped`` set) one left out, and why."""

    path: Path
    skipped: str | None = None


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _entry(path: Path, root: Path) -> Found:
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except RuntimeError:  # Python before 3.13
            return Found(path, "a loop of symbolic links: not followed")
        except OSError as exc:
            return Found(path, f"a symbolic link that cannot be followed ({exc.strerror})")
        if not _inside(target, root):
            return Found(path, f"a symbolic link to {target}, outside the folder: not followed")
    why = not_regular(path)
    return Found(path, why) if why else Found(path)


def walk(folder: Path, wanted: Callable[[str], bool]) -> Iterator[Found]:
    """Every file under ``folder`` whose path (a string, ending in its name) is ``wanted``,
    sorted by path components: the ones to read, and the ones left out (links out of the
    folder, special files, unreadable folders) with the reason. Hidden names are left out
    silently."""
    folder = Path(folder)
    root = folder.resolve()
    found: list[Found] = []

    def unlistable(exc: OSError) -> None:
        found.append(Found(Path(exc.filename or folder), f"cannot list: {exc.strerror}"))

    for top, dirs, files in os.walk(folder, onerror=unlistable):
        kept = []
        for name in dirs:
            if name.startswith("."):
                continue
            if os.path.islink(os.path.join(top, name)):
                found.append(Found(Path(top, name), "a symbolic link to a folder: not followed"))
            else:
                kept.append(name)
        dirs[:] = kept
        found += (_entry(Path(top, name), root) for name in files
                  if not name.startswith(".") and wanted(os.path.join(top, name)))
    yield from sorted(found, key=lambda entry: entry.path.relative_to(folder).parts)
