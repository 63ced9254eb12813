"""What differs between the engines a store runs on: one module per engine (SQLite, the
embedded default, and PostgreSQL), chosen by the engine's dialect name. Everything else in
``db`` is written once, in SQL both engines run (``ON CONFLICT``, ``RETURNING``, ``?``
placeholders on the driver's cursor: the PostgreSQL module translates them)."""

from __future__ import annotations

from importlib import import_module

from sqlalchemy import Connection, Engine

from annotate.errors import StoreError
from db.dialects.base import Dialect
from db.dialects.sqlite import SQLITE

_LOADED: dict[str, Dialect] = {"sqlite": SQLITE}
_MODULES = {"postgresql": "db.dialects.postgresql"}
"""Engines whose module is imported when first used (its driver is an optional extra)."""


def of(bind: Engine | Connection) -> Dialect:
    """The engine-specific part for ``bind``'s engine (one made by :func:`of_name`'s)."""
    return _LOADED[bind.dialect.name]


def of_name(name: str) -> Dialect:
    """The engine-specific part for the backend ``name`` of a URL; StoreError for an engine
    no store runs on, or whose driver is not installed."""
    found = _LOADED.get(name)
    if found is not None:
        return found
    module = _MODULES.get(name)
    if module is None:
        raise StoreError(f"a store runs on SQLite or PostgreSQL, not on {name}")
    try:
        found = _LOADED[name] = import_module(module).DIALECT
    except ImportError as exc:
        raise StoreError(f"a PostgreSQL store needs the psycopg driver ({exc}): install "
                         "counterclaim[postgres]") from None
    return found
