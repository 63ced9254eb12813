"""The methods Python's dataclasses write, compiled once and kept between starts (issue 17:
start_ratio).

On Python 3.11 the ``dataclasses`` module writes each class's ``__init__``, ``__repr__``,
``__eq__``, ``__hash__``, ``__setattr__`` and ``__delattr__`` as source text and compiles it
(``exec`` of the text) every time the class is made: 436 texts for the 78 dataclasses made
before the window's first paint, 216 M of the 2,417 M instructions its GUI thread ran from the
process's start to that paint (Python's parser and compiler; 100,000-document store, compiled
modules present). :func:`keep_compiled` has ``dataclasses`` compile each text once: the code
compiled from it is kept, under the text itself, in a file beside this module's compiled
bytecode (``__pycache__``, or under ``sys.pycache_prefix``), read by the next start, and run
where the text would have been. A text is compiled as ``exec`` compiles it there (no
``__future__`` flags, the interpreter's optimisation level, which the file's name holds, as
Python's own bytecode files hold it), so the functions made are the same. A file that cannot
be read, or was written by another Python, counts as empty; nothing is written where Python
writes no bytecode (``sys.dont_write_bytecode``) or when the start compiled no new text."""

from __future__ import annotations

import atexit
import builtins
import contextlib
import dataclasses
import importlib.util
import marshal
import os
import stat
import sys
import tempfile
from pathlib import Path
from types import CodeType
from typing import Any

LIMIT = 2000
"""Most texts the file keeps (the program's ~135 dataclasses write ~750): past it, a start
keeps only the texts it used, so the texts of classes since edited do not pile up."""


def read(path: Path) -> dict[str, bytes]:
    """The texts kept in the file at ``path``, each with its marshalled code; empty when the
    file is missing, unreadable or of another Python."""
    try:
        data = path.read_bytes()
        if not data.startswith(importlib.util.MAGIC_NUMBER):
            return {}
        kept = marshal.loads(data[len(importlib.util.MAGIC_NUMBER):])
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(kept, dict):
        return {}
    return {text: code for text, code in kept.items()
            if isinstance(text, str) and isinstance(code, bytes)}


class KeptCode:
    """Source texts run as ``exec`` runs them, each compiled once: its code is read from the
    file at ``path``, or compiled, and :meth:`save` writes the file anew when some text was
    compiled here."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stored = read(path)
        self.used: dict[str, bytes] = {}  # the texts run in this process
        self.compiled = 0

    def exec(self, source: Any, globals: Any = None, locals: Any = None, /, **rest: Any) -> None:
        """``exec(source, globals, locals)``, a text's code kept: each marshalled code is
        unmarshalled when run (~3 us), not the whole file at once; an entry that holds no
        code (damaged) is compiled again, as a text not kept."""
        if not isinstance(source, str) or rest:
            return builtins.exec(source, globals, locals, **rest)
        data = self.used.get(source) or self.stored.get(source)
        code = None
        if data is not None:
            try:
                code = marshal.loads(data)
            except (EOFError, ValueError, TypeError):
                code = None
        if type(code) is not CodeType:  # new, or an entry damaged: compiled (written anew)
            code = compile(source, "<string>", "exec", dont_inherit=True)
            data = marshal.dumps(code)
            self.compiled += 1
        self.used[source] = data
        builtins.exec(code, globals, locals)
        return None

    def save(self) -> None:
        """Write the texts kept and those compiled here: into a temporary file of a name no
        other file has (made anew, so no link at a guessable name is followed), renamed over
        the last, so two processes ending together leave one whole file. Its mode is this
        module's, writable by its owner (Python's bytecode files take their source's), so
        every user of a shared install reads what one start kept. An error is ignored, the
        next start compiling again."""
        if not self.compiled or sys.dont_write_bytecode:
            return
        kept = self.stored | self.used
        if len(kept) > LIMIT:
            kept = dict(self.used)
        data = importlib.util.MAGIC_NUMBER + marshal.dumps(kept)
        temporary = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.path.parent, prefix=f"{self.path.name}.",
                                             delete=False) as file:
                temporary = Path(file.name)
                if hasattr(os, "fchmod"):  # (not on Windows before Python 3.13: no modes)
                    os.fchmod(file.fileno(), stat.S_IMODE(os.stat(__file__).st_mode) | 0o200)
                file.write(data)
            os.replace(temporary, self.path)
        except OSError:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    temporary.unlink()


def kept_path() -> Path | None:
    """Where the kept code is: beside this module's compiled bytecode, named by the Python
    and its optimisation level; None for a Python that keeps no bytecode."""
    try:
        beside = Path(importlib.util.cache_from_source(__file__))
    except NotImplementedError:  # sys.implementation.cache_tag is None
        return None
    return beside.with_name(
        f"dataclass_methods.{sys.implementation.cache_tag}.opt{sys.flags.optimize}.marshal")


def keep_compiled() -> None:
    """From now on, the methods ``dataclasses`` writes are compiled once and kept (its module
    calls ``exec`` by name: its own ``exec`` is looked up before the builtin), the file
    written at exit. Called again, does nothing."""
    if isinstance(getattr(getattr(dataclasses, "exec", None), "__self__", None), KeptCode):
        return
    path = kept_path()
    if path is None:
        return
    kept = KeptCode(path)
    dataclasses.exec = kept.exec  # type: ignore[attr-defined]
    atexit.register(kept.save)
