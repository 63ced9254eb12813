"""Where an export may write, and writing there so that nothing is lost.

:func:`check_target` is the one judge of an export target; the command line and the window
reach it through :func:`db.transfer.export_targets`, which adds the store's own files as
:class:`Guarded` paths. An export:

* replaces a file it names (a symlink's target, so the link stays) but never a folder, a
  device, pipe or socket, or an SQLite database; a folder format (brat) writes a folder and
  replaces a folder only if it is empty or an earlier export of the same format holding
  nothing that export did not write (it lists its files in :data:`MARKER`);
* never writes a guarded path, anything inside a guarded folder that says so, nor (as a
  folder export) a folder holding a guarded path;
* is written beside its target under a hidden name, ``.NAME.<16 hex>.tmp``, and renamed into
  place only when whole, so a failed export leaves the earlier output as it was. The export
  holds a lock (``flock``) on its temporary file or folder; the next export to the same
  target removes leftovers nobody holds, such as those of an export that was killed;
* creates files and folders with the user's umask, and a replaced output keeps its mode;
* fails with an :class:`OutputError` naming the path, whatever the system refused (a
  read-only folder, a full disk, a file too large).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from annotate.errors import OutputError
from annotate.formats import writes_folder

try:
    from fcntl import LOCK_EX, LOCK_NB, flock
except ImportError:  # Windows, where a file still open cannot be removed anyway
    flock = None

MARKER = ".counterclaim-export.json"
"""In a folder export: its format, the names of the files and folders it wrote at its top
(``files``, what versions before session 27 wrote and read) and every path it wrote, those in
its folders too (``paths``, relative, with ``/``)."""
SQLITE_MAGIC = b"SQLite format 3\x00"
_LEFTOVER_ID = "(?:[0-9a-f]{16}|[0-9a-z_]{8})"  # ours; tempfile's, of versions before it


@dataclass(frozen=True, slots=True)
class Guarded:
    """A path no export may write (``what`` says what it is, for the message): the path
    itself, anything in it when ``inside``, and any folder holding it (for a folder export,
    which would replace that folder)."""

    path: Path
    what: str
    inside: bool = False


def check_target(out: str | os.PathLike[str], fmt: str, guarded: Iterable[Guarded] = ()
                 ) -> Path:
    """The real path (relative parts, ``..`` and symlinks resolved) an export in ``fmt``
    writes for ``out``, or OutputError saying why it may not (see the module docstring)."""
    given, real = _real(out)
    folder = writes_folder(fmt)
    for guard in guarded:
        _check_guard(given, real, folder, guard)
    try:
        found = os.stat(real)
    except FileNotFoundError:
        return real
    except OSError as exc:
        raise _error(given, exc) from None
    if folder:
        if not stat.S_ISDIR(found.st_mode):
            raise OutputError(f"is not a folder; a {fmt} export writes a folder", given)
        _check_earlier_export(given, real, fmt)
    elif stat.S_ISDIR(found.st_mode):
        raise OutputError(f"is a folder; a {fmt} export writes a file (give a file name)",
                          given)
    elif not stat.S_ISREG(found.st_mode):
        raise OutputError("is a device, pipe or socket, not a file; an export writes a file",
                          given)
    elif _is_database(real):
        raise OutputError("is a database, not an earlier export; an export never replaces a "
                          "database", given)
    return real


def folder_to_export(chosen: str | os.PathLike[str], fmt: str, tries: int = 100) -> Path:
    """Where a folder export goes when the user picks the folder ``chosen``: that folder if
    :func:`check_target` lets a ``fmt`` export replace it (empty, or an earlier such export),
    else a new sub-folder ``counterclaim-<fmt>`` (``-2``, ``-3``, ... when taken)."""
    names = [f"counterclaim-{fmt}", *(f"counterclaim-{fmt}-{n}" for n in range(2, tries))]
    for path in [Path(chosen), *(Path(chosen) / name for name in names)]:
        try:
            check_target(path, fmt)
        except OutputError:
            continue
        return path
    return Path(chosen)  # the export's own check will say why


def check_folder(out: str | os.PathLike[str], guarded: Iterable[Guarded] = ()) -> Path:
    """The real path of a folder that outputs are written into (the parts of a split folder
    export), or OutputError if it is guarded or is something other than a folder."""
    given, real = _real(out)
    for guard in guarded:
        _check_guard(given, real, False, guard)
    if real.exists() and not real.is_dir():
        raise OutputError("is not a folder; the parts of the export are written into a folder",
                          given)
    return real


def _real(out: str | os.PathLike[str]) -> tuple[str, Path]:
    given = str(out)
    if not given.strip():
        raise OutputError("no output path given")
    if "\0" in given:
        raise OutputError("a path cannot hold a NUL character", repr(given))
    return given, Path(os.path.realpath(os.path.expanduser(given)))


def _check_guard(given: str, real: Path, folder: bool, guard: Guarded) -> None:
    for path in {guard.path, Path(os.path.realpath(guard.path))}:
        if real == path or _same_file(real, path):
            raise OutputError(f"is {guard.what}; an export never writes there", given)
        if guard.inside and real.is_relative_to(path):
            raise OutputError(f"is inside {guard.what}; an export never writes there", given)
        if folder and path.is_relative_to(real):
            raise OutputError(f"holds {guard.what}; a folder export would replace it", given)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _is_database(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def _check_earlier_export(given: str, folder: Path, fmt: str) -> None:
    """Refuse a non-empty folder unless an earlier ``fmt`` export wrote all it holds, in its
    folders too (a file put into a document's folder of an XMI export was deleted unsaid when
    only the top-level names were compared)."""
    try:
        names = _contents(folder)
    except OSError as exc:
        raise _error(given, exc) from None
    if not names:
        return
    written = _marked_files(folder, fmt)
    if written is None:
        raise OutputError(f"the folder is not empty and is not an earlier {fmt} export by "
                          "Counterclaim; choose an empty or new folder", given)
    if isinstance(written, _OldList) and any("/" in name for name in names):
        raise OutputError(f"the folder is an earlier {fmt} export by an earlier version of "
                          "Counterclaim, whose list does not name what its folders hold; move "
                          "it away or choose another folder", given)
    others = sorted(names - written)
    if others:
        more = f" and {len(others) - 1} more" if len(others) > 1 else ""
        raise OutputError(f"the folder holds {others[0]!r}{more}, which the earlier {fmt} "
                          "export there did not write; move it away or choose another folder",
                          given)


def _marked_files(folder: Path, fmt: str) -> set[str] | None:
    """The files the ``fmt`` export in ``folder`` says it wrote; None: no such export."""
    try:
        mark = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(mark, dict) or mark.get("format") != fmt:
        return None
    paths = mark.get("paths")
    if isinstance(paths, list) and all(isinstance(path, str) for path in paths):
        return set(paths)
    files = mark.get("files")  # an earlier version's list: the top-level names only
    if not isinstance(files, list) or not all(isinstance(name, str) for name in files):
        return None
    return _OldList(files)


class _OldList(set[str]):
    """The top-level names an earlier version's list gives (it names nothing in folders)."""



def _contents(folder: Path) -> set[str]:
    """Every file and folder under ``folder`` (symbolic links listed, not followed) as a path
    relative to it, with ``/``; the marker left out. A folder that cannot be read is an
    OSError, never taken as empty."""
    found = set()
    for root, dirs, files in os.walk(folder, onerror=_raise):
        where = Path(root).relative_to(folder)
        found.update((where / name).as_posix() for name in (*dirs, *files))
    found.discard(MARKER)
    return found


def _raise(exc: OSError) -> None:
    raise exc


def _error(given: str | os.PathLike[str], exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    return OutputError(f"cannot write ({reason}); this output was not written and anything "
                       "there before is unchanged", str(given))


# -- writing ---------------------------------------------------------------------------------
BUFFER = 1 << 20
"""Bytes a writer's file gathers before each system call (Python's default, 8 KB, made a
10,000-document native export one write call a line)."""


@contextmanager
def atomic_path(target: str | os.PathLike[str], fmt: str) -> Iterator[Path]:
    """Yield a fresh hidden path beside ``target`` (a folder for a folder format) for the
    ``fmt`` output; when the block ends normally it takes ``target``'s place, else it is
    removed. A system error (e.g. the disk full) becomes an OutputError naming ``target``."""
    real = check_target(target, fmt)
    folder = writes_folder(fmt)
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(real)
        tmp, lock = _fresh(real, folder)
    except OSError as exc:
        raise _error(target, exc) from None
    try:
        yield tmp
        if folder:
            _mark(tmp, fmt)
            _keep_mode(real, tmp)
            _swap_folder(tmp, real)
        else:
            os.fsync(lock)
            _keep_mode(real, tmp)
            os.replace(tmp, real)
    except BaseException as exc:
        _remove(tmp)
        if isinstance(exc, OSError):
            raise _error(target, exc) from None
        raise
    finally:
        os.close(lock)


@contextmanager
def atomic_write(target: str | os.PathLike[str], fmt: str, *, newline: str = "\n"
                 ) -> Iterator[TextIO]:
    """A UTF-8 text handle whose content replaces ``target`` only if the block succeeds."""
    with atomic_path(target, fmt) as tmp, open(tmp, "w", BUFFER, encoding="utf-8",
                                               newline=newline) as handle:
        yield handle


def _fresh(real: Path, folder: bool) -> tuple[Path, int]:
    """A new hidden file or folder beside ``real`` and a descriptor holding its lock."""
    while True:
        tmp = real.with_name(f".{real.name}.{secrets.token_hex(8)}.tmp")
        try:
            if folder:
                os.mkdir(tmp, 0o777)  # the umask applies
                fd = os.open(tmp, os.O_RDONLY)
            else:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        _lock(fd)
        return tmp, fd


def _lock(fd: int) -> bool:
    """Take the lock on ``fd`` if nobody holds it (True), else False."""
    if flock is None:
        return True
    try:
        flock(fd, LOCK_EX | LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _remove_leftovers(real: Path) -> None:
    """Remove the temporary files and folders of earlier exports to ``real`` that no running
    export holds (an export killed before it could clean up; also those of versions that
    named them with :mod:`tempfile`)."""
    pattern = re.compile(rf"\.{re.escape(real.name)}\.{_LEFTOVER_ID}\.(?:tmp|old)")
    with os.scandir(real.parent) as entries:
        leftovers = [Path(e.path) for e in entries if pattern.fullmatch(e.name)
                     and (e.is_file(follow_symlinks=False) or e.is_dir(follow_symlinks=False))]
    for path in leftovers:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            if _lock(fd):
                _remove(path)
        finally:
            os.close(fd)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with suppress(FileNotFoundError):
            path.unlink()


def _keep_mode(real: Path, tmp: Path) -> None:
    """Give the new output the permissions of the output it replaces, if any."""
    try:
        mode = stat.S_IMODE(os.stat(real).st_mode)
    except FileNotFoundError:
        return
    os.chmod(tmp, mode)


def _mark(folder: Path, fmt: str) -> None:
    names = sorted(name for name in os.listdir(folder) if name != MARKER)
    (folder / MARKER).write_text(json.dumps(
        {"format": fmt, "files": names, "paths": sorted(_contents(folder))}), encoding="utf-8")


def _swap_folder(new: Path, target: Path) -> None:
    """Put the folder ``new`` in ``target``'s place. A folder cannot replace a non-empty
    folder in one step: the old one is moved aside (locked, named like a leftover) and
    removed once the new one is in place."""
    if not target.exists():
        os.replace(new, target)
        return
    old = target.with_name(f".{target.name}.{secrets.token_hex(8)}.old")
    fd = os.open(target, os.O_RDONLY)
    try:
        _lock(fd)
        os.rename(target, old)
        os.replace(new, target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        os.close(fd)
