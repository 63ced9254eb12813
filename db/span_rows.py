"""The one mapping between rows of the spans table and :class:`~annotate.model.Span` values.

Every statement that reads or writes whole span rows takes its column list from here, and
every row read becomes a Span through :func:`from_row`: the hot paths (import, export, edits)
run these statements on the driver's cursor, so rows are plain tuples in ``COLUMNS`` order.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from annotate import exact_json
from annotate.model import Span
from db import json_text

COLUMNS = (
    "id", "document_id", "annotator_id", "label_id", "start", "end", "attributes", "note",
    "created", "updated", "fragments",
)
"""The spans table's columns, in the order of every row this module makes or reads."""


def column_list(alias: str = "") -> str:
    """The columns for a SELECT or INSERT, quoted (``end`` is a keyword), with ``alias.``."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(f'{prefix}"{c}"' for c in COLUMNS)


INSERT = f"INSERT INTO spans ({column_list()}) VALUES ({', '.join('?' * len(COLUMNS))})"
"""Insert one row (parameters: :func:`to_row`); fails on an id that exists."""
INSERT_NEW = f"{INSERT} ON CONFLICT (id) DO NOTHING"
"""Insert one row unless its id exists (then the rowcount is 0)."""
_SETS = ", ".join(f'"{c}" = ?' for c in COLUMNS[1:])
UPDATE = f"UPDATE spans SET {_SETS} WHERE id = ?"
"""Replace the row of an id (parameters: :func:`update_params`)."""


def attributes_json(attributes: Mapping[str, Any]) -> str:
    """Attributes as stored: JSON (:func:`db.json_text.dumps`), "{}" for none."""
    return json_text.dumps(attributes) if attributes else "{}"


def fragments_json(fragments: tuple[tuple[int, int], ...]) -> str | None:
    """Fragments as stored: JSON pairs, NULL for a contiguous span."""
    return json.dumps(fragments) if fragments else None


def to_row(span: Span, document_id: int, annotator_id: int, label_id: int) -> tuple[Any, ...]:
    """The row of ``span``, given the ids its document, annotator and label have here."""
    return to_rows([(span, document_id)], {span.annotator: annotator_id},
                   {span.label: label_id})[0]


def to_rows(
    spans: Iterable[tuple[Span, int]], annotator_id: Mapping[str, int], label_id: Mapping[str, int]
) -> list[tuple[Any, ...]]:
    """The rows of ``spans`` (span, id of its document here); ``annotator_id`` and ``label_id``
    give the ids of the names here. One pass without a call for the usual span (no attributes,
    no fragments): an import's hot loop."""
    return [
        (
            s.id, document_id, annotator_id[s.annotator], label_id[s.label], s.start, s.end,
            attributes_json(s.attributes) if s.attributes else "{}", s.note, s.created,
            s.updated, fragments_json(s.fragments) if s.fragments else None,
        )
        for s, document_id in spans
    ]


def update_params(row: Sequence[Any]) -> tuple[Any, ...]:
    """The parameters of :data:`UPDATE` for a row made by :func:`to_row`."""
    return (*row[1:], row[0])


def from_row(
    row: Sequence[Any], uid: str, label: Callable[[int], str], annotator: Callable[[int], str]
) -> Span:
    """The Span of a row in ``COLUMNS`` order, in document ``uid``; ``label`` and
    ``annotator`` name the ids the row holds. A span never edited holds one string for both
    of its times (70 bytes less a span: 14 MB of a 200,000-span document read)."""
    span_id, _, annotator_id, label_id, start, end, attributes, note, created, updated, \
        fragments = row
    return Span(
        uid, start, end, label(label_id), annotator(annotator_id), span_id,
        attributes_from(attributes) if attributes and attributes != "{}" else {},
        note, created, created if updated == created else updated,
        fragments_from(fragments) if fragments else (),
    )


def attributes_from(stored: str | None) -> dict[str, Any]:
    """Attributes as :func:`attributes_json` stored them (any JSON spelling)."""
    return exact_json.loads(stored) if stored and stored != "{}" else {}


def fragments_from(stored: str | None) -> tuple[tuple[int, int], ...]:
    """Fragments as :func:`fragments_json` stored them."""
    return tuple(map(tuple, exact_json.loads(stored))) if stored else ()
