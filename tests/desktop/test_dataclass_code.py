"""The methods dataclasses write are compiled once and kept (desktop.dataclass_code): a text
read back from the file runs as ``exec`` runs it, and a class made through the kept code is
the class made without it."""

from __future__ import annotations

import dataclasses
import importlib.util
import marshal
import os
import stat
import sys
from dataclasses import dataclass, field
from types import CodeType

import pytest

from desktop import dataclass_code
from desktop.dataclass_code import KeptCode, read

TEXT = ("def __create_fn__(_default):\n"
        " def __init__(self, a: int = _default) -> None:\n"
        "  self.a = a\n"
        " return __init__")
"""A text as dataclasses writes it (its functions annotated: this module's ``from __future__
import annotations`` must not reach them)."""


def made(kept: KeptCode) -> object:
    namespace: dict = {}
    kept.exec(TEXT, {}, namespace)
    return namespace["__create_fn__"](7)


def test_a_text_is_compiled_once_then_read_from_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = tmp_path / "kept.marshal"
    first = KeptCode(path)
    init = made(first)
    assert first.compiled == 1
    first.save()
    again = KeptCode(path)
    kept_init = made(again)
    assert again.compiled == 0  # read, not compiled
    for function in (init, kept_init):  # compiled as exec compiles it: no future flags
        assert function.__annotations__ == {"a": int, "return": None}
        assert function.__defaults__ == (7,)
    assert kept_init.__code__ == init.__code__
    again.save()  # nothing new: the file is not written again
    assert read(path) == {TEXT: first.used[TEXT]}


def test_nothing_is_written_where_python_writes_no_bytecode(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    kept = KeptCode(tmp_path / "kept.marshal")
    made(kept)
    kept.save()
    assert not (tmp_path / "kept.marshal").exists()


@pytest.mark.parametrize("data", [b"", b"not marshal", b"\x00\x00\r\n{}",
                                  importlib.util.MAGIC_NUMBER + b"\xff",
                                  importlib.util.MAGIC_NUMBER + b"N"])
def test_a_file_that_cannot_be_read_counts_as_empty(tmp_path, data):
    path = tmp_path / "kept.marshal"
    path.write_bytes(data)
    assert read(path) == {}
    kept = KeptCode(path)
    made(kept)
    assert kept.compiled == 1


@pytest.mark.parametrize("entry", [b"\x00" * 12, marshal.dumps(5), marshal.dumps(TEXT)])
def test_an_entry_that_holds_no_code_is_compiled_again(tmp_path, monkeypatch, entry):
    """A file read whole, one of its entries damaged (or written by another hand): its text
    is compiled as exec compiles it and the entry written anew, not every start failing at
    the class made (bad marshal data, an object exec refuses), nor a text run as source
    here, with this module's future flags."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = tmp_path / "kept.marshal"
    path.write_bytes(importlib.util.MAGIC_NUMBER + marshal.dumps({TEXT: entry}))
    kept = KeptCode(path)
    init = made(kept)
    assert kept.compiled == 1
    assert init.__annotations__ == {"a": int, "return": None}
    kept.save()
    assert type(marshal.loads(read(path)[TEXT])) is CodeType


def test_a_dataclass_made_through_kept_code_is_the_one_made_without(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)

    def make() -> type:
        @dataclass(frozen=True, slots=True, order=True)
        class Point:
            x: int
            y: int = 2
            tags: tuple[str, ...] = field(default_factory=tuple)
        return Point

    plain = make()
    for _ in range(2):  # compiled, then read back from the file
        kept = KeptCode(tmp_path / "kept.marshal")
        with monkeypatch.context() as patched:
            patched.setattr(dataclasses, "exec", kept.exec, raising=False)
            point = make()
        kept.save()
    assert kept.compiled == 0
    for name in ("__init__", "__repr__", "__eq__", "__lt__", "__hash__", "__setattr__"):
        assert getattr(point, name).__code__ == getattr(plain, name).__code__, name
    a, b = point(1), point(1, 3, ("t",))
    assert repr(b) == "test_a_dataclass_made_through_kept_code_is_the_one_made_without." \
        "<locals>.make.<locals>.Point(x=1, y=3, tags=('t',))"
    assert a == point(1) and a < b and hash(a) == hash(point(1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.x = 2  # type: ignore[misc]


def test_a_save_writes_through_no_link_left_at_a_name_it_could_pick(tmp_path, monkeypatch):
    """Another user of a shared bytecode folder cannot make the save write elsewhere: a link
    already at the name the temporary file would have (once the process id) is left alone,
    and so is its target."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = tmp_path / "kept.marshal"
    target = tmp_path / "someone-elses-file"
    target.write_bytes(b"theirs")
    for name in (f"{path.name}.{os.getpid()}", f"{path.name}.tmp"):
        (tmp_path / name).symlink_to(target)
    kept = KeptCode(path)
    made(kept)
    kept.save()
    assert target.read_bytes() == b"theirs"
    assert read(path).keys() == {TEXT}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [path.name, target.name, f"{path.name}.{os.getpid()}", f"{path.name}.tmp"])


def test_the_file_is_as_readable_as_the_module_beside_it(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = tmp_path / "kept.marshal"
    kept = KeptCode(path)
    made(kept)
    kept.save()
    module = stat.S_IMODE(os.stat(dataclass_code.__file__).st_mode)
    assert stat.S_IMODE(path.stat().st_mode) == module | 0o200


def test_a_save_where_python_has_no_fchmod_writes_the_file(tmp_path, monkeypatch):
    """Python before 3.13 on Windows has no ``os.fchmod``: the save at exit writes the file
    there all the same (an AttributeError is no OSError: it reached atexit's handler, a
    traceback at every exit and nothing kept)."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.delattr(os, "fchmod")
    path = tmp_path / "kept.marshal"
    kept = KeptCode(path)
    made(kept)
    kept.save()
    assert KeptCode(path).stored.keys() == kept.used.keys()
    assert [p.name for p in tmp_path.iterdir()] == ["kept.marshal"]
