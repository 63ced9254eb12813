"""The ``counterclaim`` command: the window by default, and subcommands for batch work.

The window's start (no subcommand) is told apart from a command's before anything a command
needs is imported: the commands and their whole parser (:mod:`desktop.cli_commands`) bring in
every format, the agreement's numpy and the transfers, none of which the window's first paint
uses (issue 17: start_ratio)."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence

from desktop.dataclass_code import keep_compiled

keep_compiled()  # before the modules making dataclasses are imported (desktop.app's, a command's)


def window_location(argv: Sequence[str]) -> tuple[bool, str | None]:
    """Whether ``argv`` asks for the window alone (no subcommand, no option but ``--db``) and
    the store it names (None: $COUNTERCLAIM_DB or the default store). Anything else, help and
    mistakes included, is for the whole parser to read and answer."""
    window = argparse.ArgumentParser(prog="counterclaim", add_help=False, exit_on_error=False)
    window.add_argument("--db")
    try:
        args, rest = window.parse_known_args(argv)
    except argparse.ArgumentError:
        return False, None
    return not rest, args.db


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 prints escaped
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    window, location = window_location(arguments)
    if window:
        from desktop.app import run_app

        return run_app(location)
    from desktop.cli_commands import run

    return run(arguments)


if __name__ == "__main__":
    sys.exit(main())
