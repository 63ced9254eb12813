"""Reading XML and zip archives from untrusted files: the one place their limits live.

XML is parsed by lxml with entities left unresolved, no DTD loaded, no network and
libxml2's size limits on (no ``huge_tree``); a document type declaration is refused outright
(XMI, type systems and REFI-QDA projects never need one, and it is how entity expansion and
external entities get in). A zip archive is read member by member into memory, never
unpacked to disk; a member whose name could point outside the archive (absolute, ``..``, a
drive or a backslash), or which unpacks to more than :data:`MAX_MEMBER_BYTES` (whatever its
header claims), or an archive of more than :data:`MAX_MEMBERS` members, is refused.
Every refusal is an InputError naming the file and the line, column or member.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from lxml import etree

from annotate.errors import InputError
from annotate.inputs import MAX_FILE_BYTES, open_input

MAX_MEMBER_BYTES = MAX_FILE_BYTES
"""The most one member of an archive may unpack to."""
MAX_ARCHIVE_BYTES = 4 * MAX_FILE_BYTES
"""The most all members read from one archive may unpack to."""
MAX_MEMBERS = 100_000

NOT_XML = "characters XML 1.0 cannot hold (written as U+FFFD)"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_PARSER_OPTIONS = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def parse(data: bytes, file: str) -> etree._Element:
    """The root element of the XML ``data`` read from ``file`` (a path, or ``archive:member``);
    InputError naming the line and column if it is not well-formed or declares a DTD."""
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, 0)
        message = str(exc.msg or exc).split(", line ")[0]
        raise InputError(f"not well-formed XML ({message})", file,
                         f"line {line}, column {column}") from None
    if root.getroottree().docinfo.doctype:
        raise InputError("the XML declares a document type (DTD); refused, as entity "
                         "declarations could expand or fetch content", file, "line 1")
    return root


def xml_text(value: str) -> tuple[str, int]:
    """``value`` as XML 1.0 can hold it (control characters other than tab and line breaks,
    U+FFFE and U+FFFF replaced by U+FFFD: one character for one, so offsets hold) and how
    many were replaced."""
    return _NOT_XML.subn("\ufffd", value)


def _check_name(name: str, file: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if (name.startswith("/") or "\\" in name or ".." in path.parts
            or (path.parts and ":" in path.parts[0])):
        raise InputError("the archive holds a member whose name points outside it; refused",
                         file, f"member {name!r}")
    return path


class Archive:
    """A zip archive's members by path, read on demand within the limits of the module."""

    def __init__(self, path: Path):
        self.file = str(path)
        handle = open_input(path)  # a regular file within the size cap
        self._handle = handle
        try:
            self._zip = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            handle.close()
            raise InputError(f"not a readable zip archive ({exc})", self.file) from None
        infos = self._zip.infolist()
        if len(infos) > MAX_MEMBERS:
            self.close()
            raise InputError(f"the archive holds {len(infos)} members (at most {MAX_MEMBERS})",
                             self.file)
        self.members = {
            _check_name(info.filename, self.file): info for info in infos if not info.is_dir()
        }
        self._read = 0

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()
        self._handle.close()

    def where(self, member: PurePosixPath) -> str:
        return f"{self.file}:{member}"

    def read(self, member: PurePosixPath) -> bytes:
        """The unpacked bytes of ``member``; InputError if it is too large or corrupt."""
        info = self.members[member]
        limit = min(MAX_MEMBER_BYTES, MAX_ARCHIVE_BYTES - self._read)
        if info.file_size > limit:
            raise self._too_large(member, limit)
        try:
            with self._zip.open(info) as handle:
                data = handle.read(limit + 1)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError,
                RuntimeError) as exc:  # RuntimeError: an encrypted member
            raise InputError(f"the member cannot be unpacked ({exc})", self.file,
                             f"member {member}") from None
        if len(data) > limit:  # the header understated its size
            raise self._too_large(member, limit)
        self._read += len(data)
        return data

    def _too_large(self, member: PurePosixPath, limit: int) -> InputError:
        return InputError(f"the member unpacks to more than {limit} bytes (a zip bomb?); "
                          "refused", self.file, f"member {member}")
