"""JSON text as the store writes it into its JSON columns: compact, by orjson (many times
json.dumps on the bulk paths), which writes what the schemas allow exactly (finite floats,
64-bit integers, string keys, strings without lone surrogates); anything else is left to
json.dumps. Readers parse the columns, so neither spelling is ever compared as text."""

from __future__ import annotations

import json
from typing import Any

import orjson


def dumps(value: Any) -> str:
    """``value`` as JSON text."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError: e.g. a key that is not a string, a huge int
        return json.dumps(value)
