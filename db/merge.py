"""How an import merges incoming spans, relations, statuses and document labels with what the
store holds.

For each incoming item, by id:

- new here: **added**;
- here with the same content: **unchanged** (nothing written);
- here in the same annotator's layer with other content: **changed** (the row is updated),
  for a span only when the incoming one is not older (its ``updated`` time), and never in the
  gold layer (changed only by adjudication);
- here in another annotator's layer: the incoming item is that annotator's own copy, under the
  id :func:`annotate.layers.copy_id` gives it, and is merged as above under that id;
- deleted here (a tombstone, :mod:`db.tombstones`): **skipped**, never brought back.

Relations joining spans of another layer, or a span that was skipped, are skipped. A status
that differs is changed. A document label (no id: its content is its identity) is unchanged
when here, skipped when removed here (its tombstone), added otherwise; in a single-choice
category a value other than the one here **changes** it (outside the gold layer), and a second
value for the same document and annotator in one import is skipped. Every outcome is counted
per annotator and kind in the :class:`ImportSummary`, every skip with its reason.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection

from annotate import layers
from annotate.model import GOLD, DocLabel, Relation, Span, Status, utc_now
from annotate.schema import LabelSchema
from db import span_rows, tombstones
from db.engine import chunks, execute, marks

KINDS = ("spans", "relations", "statuses", "doc_labels")
ADDED, CHANGED, UNCHANGED = "added", "changed", "unchanged"
SKIPPED = "skipped: "
"""An outcome that starts with this is a skip; the reason follows."""
DELETED_HERE = "deleted here"
OLDER = "older than the copy here"
GOLD_FIXED = "gold changes only by adjudication"
OTHER_DOCUMENT = "its id is taken in another document"
REPEATED = "its id comes twice in the file"
OTHER_LAYER = "joins a span of another layer"
END_SKIPPED = "a span it joins is not here"
ONE_VALUE = "its category takes one value and the file gives another"
_PLACED = (ADDED, CHANGED, UNCHANGED, SKIPPED + OLDER, SKIPPED + GOLD_FIXED)
"""Outcomes after which the incoming span is here under its (possibly copied) id."""


@dataclass(slots=True)
class ImportSummary:
    """What an import did: documents added or already here, and for each annotator and kind
    (spans, relations, statuses) how many were added, changed, unchanged, or skipped and why."""

    documents_added: int = 0
    documents_existing: int = 0
    by_annotator: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    """annotator -> kind -> outcome ("added", "changed", "unchanged", "skipped: <reason>")
    -> count."""
    labels_added: list[str] = field(default_factory=list)
    not_imported: dict[str, int] = field(default_factory=dict)
    """What the reader read but could not keep, "what (why)" -> count."""
    documents: set[str] = field(default_factory=set)  # uids of the records read

    def count(self, annotator: str, kind: str, outcome: str, n: int = 1) -> None:
        outcomes = self.by_annotator.setdefault(annotator, {}).setdefault(kind, {})
        outcomes[outcome] = outcomes.get(outcome, 0) + n

    def total(self, kind: str, outcome: str) -> int:
        """How many items of ``kind`` had ``outcome``, all annotators together."""
        return sum(kinds.get(kind, {}).get(outcome, 0) for kinds in self.by_annotator.values())

    def gained(self, annotator: str, kind: str) -> int:
        return self.by_annotator.get(annotator, {}).get(kind, {}).get(ADDED, 0)

    @property
    def annotators(self) -> set[str]:
        """Annotators whose layer the import changed (something added or changed)."""
        return {
            name
            for name, kinds in self.by_annotator.items()
            if any(o.get(ADDED) or o.get(CHANGED) for o in kinds.values())
        }

    def to_json(self) -> dict[str, Any]:
        """What the journal keeps of the import (the documents are the journal row's own)."""
        return {k: v for k, v in asdict(self).items() if k != "documents"}


def describe(outcomes: dict[str, int]) -> str:
    """``3 added, 1 changed, 2 skipped (1 deleted here, 1 older than the copy here)``: one kind's
    outcomes in words, the skips with their reasons."""
    parts = [f"{outcomes[o]} {o}" for o in (ADDED, CHANGED, UNCHANGED) if outcomes.get(o)]
    skips = {o[len(SKIPPED):]: n for o, n in outcomes.items() if o.startswith(SKIPPED)}
    if skips:
        reasons = ", ".join(f"{n} {reason}" for reason, n in sorted(skips.items()))
        parts.append(f"{sum(skips.values())} skipped ({reasons})")
    return ", ".join(parts) or "none"


def _existing(conn: Connection, sql: str, ids: Collection[str]) -> dict[str, tuple[Any, ...]]:
    """Rows (id first) of ``sql`` (a SELECT ending in ``id IN``) for ``ids``, by id."""
    found: dict[str, tuple[Any, ...]] = {}
    items = list(dict.fromkeys(ids))
    for part in chunks(items):
        found.update((row[0], row) for row in execute(conn, f"{sql} ({marks(part)})", part))
    return found


_SPANS_BY_ID = f"SELECT {span_rows.column_list()} FROM spans WHERE id IN"
_RELATIONS_BY_ID = (
    "SELECT id, document_id, type, source_id, target_id, annotator_id, note, target_document_id "
    "FROM relations WHERE id IN"
)
_INSERT_RELATION = (
    "INSERT INTO relations (id, document_id, type, source_id, target_id, note, "
    "target_document_id, annotator_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE_RELATION = (
    "UPDATE relations SET type = ?, source_id = ?, target_id = ?, note = ?, "
    "target_document_id = ? WHERE id = ?"
)
_STATUSES_OF = "SELECT document_id, annotator_id, state FROM document_status WHERE document_id IN"
_DOC_LABELS_OF = (
    "SELECT document_id, annotator_id, category, value FROM doc_labels WHERE document_id IN"
)
_INSERT_DOC_LABEL = (
    "INSERT INTO doc_labels (document_id, annotator_id, category, value, created) "
    "VALUES (?, ?, ?, ?, ?)"
)
_DELETE_DOC_LABEL = (
    "DELETE FROM doc_labels WHERE document_id = ? AND annotator_id = ? AND category = ? "
    "AND value = ?"
)
_SET_STATUS = (
    "INSERT INTO document_status (document_id, annotator_id, state, updated) "
    "VALUES (?, ?, ?, ?) ON CONFLICT (document_id, annotator_id) "
    "DO UPDATE SET state = excluded.state, updated = excluded.updated"
)


class _Ids(dict[str, int]):
    """The ids names have here, each looked up (by ``find``) the first time it is asked for."""

    def __init__(self, find: Callable[[str], int]) -> None:
        super().__init__()
        self._find = find

    def __missing__(self, name: str) -> int:
        found = self[name] = self._find(name)
        return found


class Merger:
    """Merges one chunk of records after another into the store, counting in ``summary``.
    ``who`` and ``label`` give the ids of names here; ``look_buried``: whether any tombstone
    exists (else none is looked up)."""

    def __init__(
        self,
        conn: Connection,
        summary: ImportSummary,
        who: Callable[[str], int],
        label: Callable[[str], int],
        look_buried: bool,
    ):
        self.conn, self.summary, self.who, self.label = conn, summary, who, label
        self.look_buried = look_buried

    def _owned(
        self, items: Sequence[tuple[Any, int]], sql: str, owner_at: int
    ) -> tuple[list[Any], dict[str, tuple[Any, ...]]]:
        """The items with the ids they have here (another layer's id: the annotator's copy),
        and the rows here of those ids."""
        rows = _existing(self.conn, sql, [item.id for item, _ in items])
        if not rows:  # the common case of a bulk import: all new
            return [item for item, _ in items], rows
        placed = []
        for item, _ in items:
            row = rows.get(item.id)
            if row is not None and row[owner_at] != self.who(item.annotator):
                item = replace(item, id=layers.copy_id(item.id, item.annotator))
            placed.append(item)
        copies = [p.id for p, (item, _) in zip(placed, items, strict=True) if p.id != item.id]
        if copies:
            rows.update(_existing(self.conn, sql, copies))
        return placed, rows

    def _buried(self, kind: tombstones.Kind, ids: Iterable[str]) -> set[str]:
        return tombstones.buried(self.conn, kind, list(ids)) if self.look_buried else set()

    def spans(
        self, incoming: Sequence[tuple[Span, int]], linked: dict[int, dict[str, str]]
    ) -> dict[tuple[int, str], tuple[str, str]]:
        """Merge ``incoming`` (span, document id); returns, for each span here now that a
        relation joins (``linked``: document id -> id in the file -> annotator), (document id,
        its id in the file) -> (its id here, its annotator)."""
        who, label = _Ids(self.who), _Ids(self.label)
        rows_in = span_rows.to_rows(incoming, who, label)
        if not self.look_buried and self._all_new(rows_in):
            # every id is new and comes once: each span is here under its id in the file
            names = {i: name for name, i in who.items()}
            for annotator_id, n in Counter(map(itemgetter(2), rows_in)).items():
                self.summary.count(names[annotator_id], "spans", ADDED, n)
            return {(doc_id, span_id): (span_id, annotator)
                    for doc_id, ends in linked.items() for span_id, annotator in ends.items()}
        placed, rows = self._owned(incoming, _SPANS_BY_ID, 2)
        dead = self._buried("span", (s.id for s in placed))
        here: dict[tuple[int, str], tuple[str, str]] = {}
        inserts = []
        updates: list[tuple[Any, ...]] = []
        seen: set[str] = set()
        if any(p is not s for p, (s, _) in zip(placed, incoming, strict=True)):  # copies
            rows_in = span_rows.to_rows(
                zip(placed, (doc_id for _, doc_id in incoming), strict=True), who, label
            )
        for span, (original, doc_id), new in zip(placed, incoming, rows_in, strict=True):
            row = rows.get(span.id)
            if span.id in dead:
                outcome = SKIPPED + DELETED_HERE
            elif span.id in seen:
                outcome = SKIPPED + REPEATED
            elif row is None:
                outcome = ADDED
                inserts.append(new)
            elif row[1] != doc_id:
                outcome = SKIPPED + OTHER_DOCUMENT
            elif _same_span(row, new, span):
                outcome = UNCHANGED
            elif span.annotator == GOLD:
                outcome = SKIPPED + GOLD_FIXED
            elif span.updated < row[9]:
                outcome = SKIPPED + OLDER
            else:
                outcome = CHANGED
                updates.append(span_rows.update_params(new))
            seen.add(span.id)
            if outcome in _PLACED and original.id in linked.get(doc_id, ()):
                here[(doc_id, original.id)] = (span.id, span.annotator)
            self.summary.count(span.annotator, "spans", outcome)
        if inserts:
            self.conn.exec_driver_sql(span_rows.INSERT, inserts)
        if updates:
            self.conn.exec_driver_sql(span_rows.UPDATE, updates)
        return here

    def _all_new(self, rows: list[tuple[Any, ...]]) -> bool:
        """Insert ``rows`` if every one is new (a bulk import's common case, then no row is
        looked up first); else insert none and return False (they are merged one by one)."""
        if not rows:
            return True
        execute(self.conn, "SAVEPOINT merge_spans")
        if self.conn.exec_driver_sql(span_rows.INSERT_NEW, rows).rowcount == len(rows):
            execute(self.conn, "RELEASE merge_spans")
            return True
        execute(self.conn, "ROLLBACK TO merge_spans")
        execute(self.conn, "RELEASE merge_spans")
        return False

    def relations(
        self,
        incoming: Sequence[tuple[Relation, int]],
        here: dict[tuple[int, str], tuple[str, str]],
        documents: Mapping[str, int] | None = None,
    ) -> None:
        """Merge ``incoming`` (relation, document id); ``here`` gives the spans' ids here and
        annotators by (document id, id in the file), as :meth:`spans` returned them; for a
        link across documents, ``documents`` gives its target document's id by uid."""
        joined: list[tuple[Relation, int]] = []
        across: dict[str, int] = {}  # relation id -> its target's document id
        for relation, doc_id in incoming:
            source = here.get((doc_id, relation.source))
            target_doc = doc_id
            if relation.target_document is not None:
                target_doc = across[relation.id] = (documents or {})[relation.target_document]
            target = here.get((target_doc, relation.target))
            if source is None or target is None:
                self.summary.count(relation.annotator, "relations", SKIPPED + END_SKIPPED)
            elif relation.annotator != source[1] or relation.annotator != target[1]:
                self.summary.count(relation.annotator, "relations", SKIPPED + OTHER_LAYER)
            elif (relation.source, relation.target) == (source[0], target[0]):
                joined.append((relation, doc_id))  # the common case: ids kept as they came
            else:
                joined.append((replace(relation, source=source[0], target=target[0]), doc_id))
        placed, rows = self._owned(joined, _RELATIONS_BY_ID, 5)
        dead = self._buried("relation", (r.id for r in placed))
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        seen: set[str] = set()
        for relation, (original, doc_id) in zip(placed, joined, strict=True):
            row = rows.get(relation.id)
            content = (relation.type, relation.source, relation.target, relation.note,
                       across.get(original.id))
            if relation.id in dead:
                outcome = SKIPPED + DELETED_HERE
            elif relation.id in seen:
                outcome = SKIPPED + REPEATED
            elif row is None:
                outcome = ADDED
                inserts.append(
                    (relation.id, doc_id, *content, self.who(relation.annotator))
                )
            elif row[1] != doc_id:
                outcome = SKIPPED + OTHER_DOCUMENT
            elif (*row[2:5], row[6], row[7]) == content:
                outcome = UNCHANGED
            elif relation.annotator == GOLD:
                outcome = SKIPPED + GOLD_FIXED
            else:
                outcome = CHANGED
                updates.append((*content, relation.id))
            seen.add(relation.id)
            self.summary.count(relation.annotator, "relations", outcome)
        if inserts:
            self.conn.exec_driver_sql(_INSERT_RELATION, inserts)
        if updates:
            self.conn.exec_driver_sql(_UPDATE_RELATION, updates)

    def statuses(self, incoming: Sequence[tuple[int, str, Status]]) -> None:
        """Merge ``incoming`` (document id, annotator, state): a differing state is changed."""
        if not incoming:
            return
        docs = list(dict.fromkeys(doc_id for doc_id, _, _ in incoming))
        current: dict[tuple[int, int], str] = {}
        for part in chunks(docs):
            for doc_id, who, state in execute(self.conn, f"{_STATUSES_OF} ({marks(part)})", part):
                current[(doc_id, who)] = state
        now = utc_now()
        writes: list[tuple[Any, ...]] = []
        for doc_id, name, state in incoming:
            key = (doc_id, self.who(name))
            before = current.get(key)
            if before == state:
                outcome = UNCHANGED
            else:
                outcome = ADDED if before is None else CHANGED
                writes.append((*key, state, now))
                current[key] = state
            self.summary.count(name, "statuses", outcome)
        if writes:
            self.conn.exec_driver_sql(_SET_STATUS, writes)


    def doc_labels(self, incoming: Sequence[tuple[DocLabel, int]], schema: LabelSchema) -> None:
        """Merge ``incoming`` (document label, document id), as the module says."""
        if not incoming:
            return
        docs = list(dict.fromkeys(doc_id for _, doc_id in incoming))
        here: dict[tuple[int, int, str], set[str]] = {}
        for part in chunks(docs):
            for doc_id, who, category, value in execute(
                self.conn, f"{_DOC_LABELS_OF} ({marks(part)})", part
            ):
                here.setdefault((doc_id, who, category), set()).add(value)
        dead = self._buried("doclabel", (label.id for label, _ in incoming))
        added: set[tuple[int, int, str]] = set()
        inserts: list[tuple[Any, ...]] = []
        deletes: list[tuple[Any, ...]] = []
        for label, doc_id in incoming:
            key = (doc_id, self.who(label.annotator), label.category)
            held = here.setdefault(key, set())
            category = schema.doc_category(label.category)
            single = category is not None and not category.multi
            if label.id in dead:
                outcome = SKIPPED + DELETED_HERE
            elif label.value in held:
                outcome = UNCHANGED
            elif not single or not held:
                outcome = ADDED
            elif key in added:
                outcome = SKIPPED + ONE_VALUE
            elif label.annotator == GOLD:
                outcome = SKIPPED + GOLD_FIXED
            else:
                outcome = CHANGED
                deletes += [(*key, value) for value in held]
                held.clear()
            if outcome in (ADDED, CHANGED):
                inserts.append((*key, label.value, label.created))
                held.add(label.value)
                added.add(key)
            self.summary.count(label.annotator, "doc_labels", outcome)
        if deletes:
            self.conn.exec_driver_sql(_DELETE_DOC_LABEL, deletes)
        if inserts:
            self.conn.exec_driver_sql(_INSERT_DOC_LABEL, inserts)


def _same_span(row: Sequence[Any], new: Sequence[Any], span: Span) -> bool:
    """Whether the stored ``row`` holds what the incoming ``new`` row does (label, bounds,
    fragments, attributes, note; not the times)."""
    if row[3:6] != new[3:6] or row[7] != new[7] or row[10] != new[10]:
        return False
    return row[6] == new[6] or json.loads(row[6] or "{}") == span.attributes
