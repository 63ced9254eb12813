"""Counting what a piece of code calls, for the tests that pin a hot path's work."""

from __future__ import annotations

import sys
from collections.abc import Callable

from annotate import commands
from annotate.model import Span


def python_calls(run: Callable[[], object]) -> list[str]:
    """The Python functions ``run`` calls (their names, ``run``'s own call left out)."""
    called: list[str] = []

    def profile(frame, event: str, _arg: object) -> None:  # type: ignore[no-untyped-def]
        if event == "call":
            called.append(frame.f_code.co_name)

    sys.setprofile(profile)
    try:
        run()
    finally:
        sys.setprofile(None)
    return called[1:]


def spans_made_plain(monkeypatch) -> list[Span]:  # type: ignore[no-untyped-def]
    """The spans the commands make plain (their journal forms) from now on, in order."""
    plain = commands._plain
    made: list[Span] = []

    def counted(value: object) -> object:
        if isinstance(value, Span):
            made.append(value)
        return plain(value)

    monkeypatch.setattr(commands, "_plain", counted)
    return made
