"""Opening the store the window and the command line work on."""

from __future__ import annotations

import os

from db.engine import ENV_VAR
from db.store import Store

WAIT_MS = 50
"""The longest one try of a write waits for another program's lock on the window's thread
(kept here, free of Qt, as the window's start opens its store before Qt is imported)."""


def open_store(location: str | None, patience_ms: int | None = None,
               check_pages: bool = True) -> Store:
    """Open the store (``patience_ms``, ``check_pages``: see :meth:`Store.open`); the default
    store is seeded with the sample texts and their example layer (and its actors) on its
    first run."""
    store = Store.open(location, patience_ms, check_pages)
    if location is None and not os.environ.get(ENV_VAR):
        from annotate.samples import example_layer  # the default store's first run only

        example = example_layer()
        store.seed_once(example.documents, example.actors, example.annotator)
    return store
