"""Opening the store the window and the command line work on."""

from __future__ import annotations

import os

from annotate.errors import StoreError
from db.engine import ENV_VAR, resolve_url, sqlite_path
from db.store import Store

WAIT_MS = 50
"""The longest one try of a write waits for another program's lock on the window's thread
(kept here, free of Qt, as the window's start opens its store before Qt is imported)."""


def open_store(location: str | None, patience_ms: int | None = None,
               check_pages: bool = True, *, make: bool = True) -> Store:
    """Open the store (``patience_ms``, ``check_pages``: see :meth:`Store.open`); the default
    store is seeded with the sample texts and their example layer (and its actors) on its
    first run. ``make=False``: a store file named (by ``location`` or $COUNTERCLAIM_DB) that
    does not exist is refused (StoreError), not made empty."""
    if not make and (location or os.environ.get(ENV_VAR)):
        path = sqlite_path(resolve_url(location))
        if path is not None and not path.exists():
            raise StoreError(f"{path}: no store there (a new one is made only by import or "
                             "schema import, or by opening the window on it)")
    store = Store.open(location, patience_ms, check_pages)
    if location is None and not os.environ.get(ENV_VAR):
        from annotate.samples import example_layer  # the default store's first run only

        example = example_layer()
        store.seed_once(example.documents, example.actors, example.annotator)
    return store
