"""What differs between the engines a store runs on: one module per engine (SQLite, the
embedded default, and PostgreSQL), chosen by the engine's dialect name. Everything else in
``db`` is written once, in SQL both engines run (``ON CONFLICT``, ``RETURNING``, ``?``
placeholders on the driver's cursor: the PostgreSQL module translates them)."""

from __future__ import annotations

from sqlalchemy import Connection, Engine

from annotate.errors import StoreError
from db.dialects import postgresql, sqlite
from db.dialects.base import Dialect

_BY_NAME: dict[str, Dialect] = {"sqlite": sqlite.SQLITE, "postgresql": postgresql.POSTGRESQL}


def of(bind: Engine | Connection) -> Dialect:
    """The engine-specific part for ``bind``'s engine."""
    return _BY_NAME[bind.dialect.name]


def of_name(name: str) -> Dialect:
    """The engine-specific part for the backend ``name`` of a URL; StoreError for an engine
    no store runs on."""
    found = _BY_NAME.get(name)
    if found is None:
        raise StoreError(f"a store runs on SQLite or PostgreSQL, not on {name}")
    return found
