"""Pausing Python's cyclic garbage collector around work that makes very many objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused for the block: work that makes hundreds of
    thousands of small objects, none in a cycle (an import, a big document's spans read and
    styled), would otherwise pay for passes over every object alive, again and again, each
    one longer the bigger the process (refcounting still frees what is let go)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
