"""JSON text as the store writes it into its JSON columns: compact, by orjson (many times
json.dumps on the bulk paths), which writes what the schemas allow exactly (finite floats,
64-bit integers, string keys, strings without lone surrogates); anything else is left to
json.dumps. Readers parse the columns, so neither spelling is ever compared as text."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import orjson


def dumps(value: Any) -> str:
    """``value`` as JSON text."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError: e.g. a key that is not a string, a huge int
        return json.dumps(value)


def dumps_each(values: Sequence[Any]) -> list[str]:
    """:func:`dumps` of each of ``values``, in one call (accept-agreed writes tens of
    thousands)."""
    try:
        return [orjson.dumps(value).decode() for value in values]
    except TypeError:  # as dumps() does, value by value
        return [dumps(value) for value in values]


def dumps_read(value: Any, read: bool = True) -> tuple[str, Any]:
    """``value`` as :func:`dumps` writes it, and (``read``) that text as a reader parses it
    (json.loads), e.g. tuples come back as lists. orjson parses the text it wrote to the same
    values as json.loads, several times faster."""
    try:
        raw = orjson.dumps(value)
    except TypeError:  # as dumps() does
        text = json.dumps(value)
        return text, json.loads(text) if read else None
    return raw.decode(), orjson.loads(raw) if read else None
