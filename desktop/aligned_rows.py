"""A document's review items as the Adjudication tab shows them, and how they differ from the
rows it shows now: worked out where the items are aligned (a worker, or for a long document a
child process: :func:`aligned_apart`), so that the GUI thread only tells the view which rows
changed (an edit changes a row or two of thousands). No Qt here: the child imports this
module."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from annotate.adjudication import DocItem, Item
from annotate.lazy_sequence import LazySequence
from annotate.relation_items import RelationItem
from annotate.review_columns import ItemColumns
from annotate.review_plan import DocumentPlan, common_ends
from db import review
from db.review import DocumentReview

if TYPE_CHECKING:
    from annotate.overlap_matching import Progress
    from db.store import Store

Row = Item | RelationItem
"""A row of the table: a span item or a relation item."""


class Rows(LazySequence[Row]):
    """The rows of a document's table: its span ``items`` (a list, or a plan's
    :class:`~annotate.review_columns.ItemColumns`, whose Items are made when asked for),
    then its ``relations``' items."""

    __slots__ = ("items", "relations")

    def __init__(self, items: Sequence[Item] = (),
                 relations: Sequence[RelationItem] = ()) -> None:
        self.items, self.relations = items, relations

    def __len__(self) -> int:
        return len(self.items) + len(self.relations)

    def _item(self, index: int) -> Row:
        items = len(self.items)
        return self.items[index] if index < items else self.relations[index - items]

    def __contains__(self, row: object) -> bool:
        return row in (self.relations if isinstance(row, RelationItem) else self.items)

    def status(self, index: int) -> str:
        """Row ``index``'s status (no Item made of a plan's)."""
        if isinstance(self.items, ItemColumns) and index < len(self.items):
            return self.items.status(index)
        return self[index].status

    def ids(self, index: int) -> frozenset[str]:
        """The ids of row ``index``'s spans or relations (no Item made of a plan's)."""
        if isinstance(self.items, ItemColumns) and index < len(self.items):
            return self.items.ids(index)
        return self[index].ids


class _Keys(LazySequence[object]):
    """What tells the rows of a plan's columns apart (:meth:`ItemColumns.key` for its span
    items, the relation items themselves), for :func:`common_ends`."""

    __slots__ = ("rows",)

    def __init__(self, rows: Rows) -> None:
        self.rows = rows

    @staticmethod
    def of(rows: Sequence[Row]) -> Sequence[object]:
        """``rows``' keys when they are a plan's columns; else ``rows`` (told apart as they
        are: never equal to keys, so a list's rows all differ from a plan's)."""
        if isinstance(rows, Rows) and isinstance(rows.items, ItemColumns):
            return _Keys(rows)
        return rows

    def __len__(self) -> int:
        return len(self.rows)

    def _item(self, index: int) -> object:
        items = self.rows.items
        assert isinstance(items, ItemColumns)
        return items.key(index) if index < len(items) else self.rows[index]


@dataclass(frozen=True, slots=True)
class Planned:
    """The items of a document to show in place of ``base`` (the rows shown when the alignment
    began): ``rows`` (span items, then relation items) differ from ``base`` only in
    ``base[first:first + removed]``, which ``rows[first:first + added]`` replace (the rows
    outside that stretch are equal: the view's cells made for them stay good).
    ``decided`` of ``total`` items (span, relation and document label items) are decided;
    ``agreed_open``: some of them are agreed and open."""

    found: DocumentReview
    base: Sequence[Row]
    rows: Rows
    first: int
    removed: int
    added: int
    decided: int
    total: int
    agreed_open: bool


def plan_rows(base: Sequence[Row], found: DocumentReview) -> Planned:
    """``found`` as rows in place of ``base``, and the one stretch where they differ (the
    longest common head and tail kept)."""
    rows = Rows(found.items, found.relation_items)
    first, tail = common_ends(_Keys.of(base), _Keys.of(rows))
    removed, added = len(base) - first - tail, len(rows) - first - tail
    others = [*found.relation_items, *found.doc_items]
    decided = decided_items(found.items) + sum(item.status != "open" for item in others)
    agreed = bool(agreed_open(found.items)) or any(
        it.kind == "agreed" and it.status == "open" for it in others)
    return Planned(found, base, rows, first, removed, added, decided,
                   len(found.items) + len(others), agreed)


def aligned(store: Store, uid: str, base: Sequence[Row],
            progress: Progress | None = None) -> Planned:
    """The review items of document ``uid`` (:func:`db.review.document_review`) as rows in
    place of ``base`` (:func:`plan_rows`); ``progress`` hears from the read and the alignment
    (and may stop them)."""
    return plan_rows(base, review.document_review(store, uid, progress=progress))


def aligned_apart(store: Store, uid: str, base: Sequence[Row],
                  progress: Progress | None = None) -> Planned:
    """:func:`aligned` in a child process (:mod:`desktop.child_process`): its result goes
    back to the window without ``base`` (a copy of the rows the window holds: the window
    puts its own back, which its view shows)."""
    return replace(aligned(store, uid, base, progress), base=())


def decided_items(items: Sequence[Item]) -> int:
    """How many of ``items`` are decided (no Item made of a plan's)."""
    if isinstance(items, ItemColumns):
        return items.decided()
    return sum(item.status != "open" for item in items)


def agreed_open(items: Sequence[Item]) -> list[Item]:
    """The open items of kind agreed among ``items`` (no other Item made of a plan's)."""
    if isinstance(items, ItemColumns):
        return [items[index] for index in items.agreed_open()]
    return [item for item in items if item.kind == "agreed" and item.status == "open"]


def followed_counts(plan: DocumentPlan, doc_items: Sequence[DocItem]) -> tuple[int, int, bool]:
    """(decided, total, agreed_open) as :class:`Planned` has them, of ``plan``'s items
    (followed edit by edit), its relation items and the document label items
    ``doc_items``."""
    others = [*plan.relation_items, *doc_items]
    decided = plan.decided + sum(item.status != "open" for item in others)
    agreed = plan.agreed_open > 0 or any(
        item.kind == "agreed" and item.status == "open" for item in others)
    return decided, len(plan.items) + len(others), agreed
