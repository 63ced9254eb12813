"""JSON values read and written as the standard ``json`` module reads and writes them, at
orjson's speed wherever orjson agrees with it.

orjson parses and writes JSON several times faster, but not every value the same way: it
reads an integer beyond 64 bits as a float (``100000000000000000000`` becomes ``1e+20``,
silently) and refuses to write one, or a dict key that is not a string. Such values reach the
store through readers built on ``json`` (doccano, Label Studio, a user's metadata), so a reader
or writer that used orjson alone forged them or failed on them."""

from __future__ import annotations

import json
from typing import Any

import orjson

_BEYOND = 2**63
"""orjson reads an integer exactly within 64 bits (signed or unsigned); at or beyond this
size a float it made may stand for a longer integer."""


def inexact(value: Any) -> bool:
    """Whether ``value``, as orjson read it, holds a float that may stand for an integer
    literal beyond 64 bits (a whole number of that size: what ``json`` reads as an int)."""
    kind = type(value)
    if kind is float:
        return abs(value) >= _BEYOND and value.is_integer()
    if kind is dict:
        return any(map(inexact, value.values()))
    if kind is list:
        return any(map(inexact, value))
    return False


def loads(text: str | bytes) -> Any:
    """The value of the JSON ``text`` as ``json.loads`` reads it (long integers exact; NaN,
    infinities and lone surrogates, which ``json.dumps`` may have written)."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
    return json.loads(text) if inexact(value) else value


def dumps(value: Any) -> bytes:
    """``value`` as compact UTF-8 JSON, non-ASCII characters as they are (NaN and infinities
    as null, as orjson writes them); what orjson refuses (an integer beyond 64 bits, a key
    that is not a string) as ``json.dumps`` writes it, and a lone surrogate, which UTF-8
    cannot hold, as its escape."""
    try:
        return orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError
        pass
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, separators=(",", ":")).encode("ascii")
