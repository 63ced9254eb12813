"""Places no store can be at, given as the store (``--db``, the window's start): refused with
a StoreError naming the place, which the command line and the window's start say in a
sentence (exit status 2), never a traceback; nothing is made there."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from annotate.errors import StoreError
from db.store import Store
from desktop import app
from desktop.cli import main


def looping(tmp_path: Path) -> str:
    """A symbolic link to a link back to it."""
    (tmp_path / "one.sqlite").symlink_to(tmp_path / "two.sqlite")
    (tmp_path / "two.sqlite").symlink_to(tmp_path / "one.sqlite")
    return str(tmp_path / "one.sqlite")


def under_a_file(tmp_path: Path) -> str:
    """A store in a folder whose place a file holds."""
    (tmp_path / "notes.txt").write_text("mine")
    return str(tmp_path / "notes.txt" / "store.sqlite")


def too_long(tmp_path: Path) -> str:
    return str(tmp_path / f"{'x' * 300}.sqlite")


def no_such_home(tmp_path: Path) -> str:
    return "~no-such-user-of-this-machine/store.sqlite"


PLACES = pytest.mark.parametrize("place", [looping, under_a_file, too_long, no_such_home])


@PLACES
def test_the_store_refuses_the_place_naming_it(tmp_path: Path,
                                               place: Callable[[Path], str]) -> None:
    location = place(tmp_path)
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(StoreError) as refused:
        Store.open(location)
    assert Path(location).name[:40] in str(refused.value)
    assert sorted(os.listdir(tmp_path)) == before


@PLACES
def test_the_command_line_says_why_in_a_sentence(tmp_path: Path, place: Callable[[Path], str],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    location = place(tmp_path)
    assert main(["--db", location, "stats"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and Path(location).name[:40] in err
    assert "Traceback" not in err


@PLACES
def test_the_window_start_says_why(tmp_path: Path, place: Callable[[Path], str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(app, "explain", lambda title, message: said.append((title, message)))
    location = place(tmp_path)
    assert app._opened(location) is None
    assert len(said) == 1 and Path(location).name[:40] in said[0][1]
