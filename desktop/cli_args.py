"""Types of the command line's arguments shared by the modules of its commands."""

from __future__ import annotations

import argparse

MOST = 2**63 - 1
"""The largest integer a store holds (SQLite's, PostgreSQL's bigint): a count past it cannot
be sent in a query."""


def count(text: str) -> int:
    """A count of entries (``--limit N``): a whole number from 0 to :data:`MOST`."""
    try:
        number = int(text)
    except ValueError:
        number = -1
    if not 0 <= number <= MOST:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 0 to {MOST}, got {text!r}")
    return number
