"""Ids made from what they name, the same on every import (a format without ids, the sample
texts, a layer mapped from another): kept apart from the formats, which the window's start
does not import (annotate.layers needs this alone)."""

from __future__ import annotations

import uuid

_ID_NAMESPACE = uuid.UUID("5b0c1b52-7d1e-4c55-9f55-2f0e6f1f3c61")


def stable_id(*parts: object) -> str:
    """A uuid derived from ``parts``: formats without ids get the same ids on every import."""
    return str(uuid.uuid5(_ID_NAMESPACE, "\x1f".join(str(p) for p in parts)))
