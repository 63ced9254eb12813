"""A document's review items as the Adjudication tab shows them, and how they differ from the
rows it shows now: worked out where the items are aligned (a worker), so that the GUI thread
only tells the view which rows changed (an edit changes a row or two of thousands)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from annotate import adjudication
from annotate.adjudication import DocItem
from annotate.review_plan import DocumentPlan, common_ends
from db.review import DocumentReview
from desktop.review.item_cells import Row


@dataclass(frozen=True, slots=True)
class Planned:
    """The items of a document to show in place of ``base`` (the rows shown when the alignment
    began): ``rows`` (span items, then relation items) differ from ``base`` only in
    ``base[first:first + removed]``, which ``rows[first:first + added]`` replace; the rows
    outside that stretch are ``base``'s own objects (the view's cached cells stay good).
    ``decided`` of ``total`` items (span, relation and document label items) are decided;
    ``agreed_open``: some of them are agreed and open."""

    found: DocumentReview
    base: Sequence[Row]
    rows: list[Row]
    first: int
    removed: int
    added: int
    decided: int
    total: int
    agreed_open: bool


def plan_rows(base: Sequence[Row], found: DocumentReview) -> Planned:
    """``found`` as rows in place of ``base``, and the one stretch where they differ (the
    longest common head and tail kept)."""
    new: list[Row] = [*found.items, *found.relation_items]
    first, tail = common_ends(base, new)
    removed, added = len(base) - first - tail, len(new) - first - tail
    rows = [*base[:first], *new[first:first + added], *base[len(base) - tail:]]
    items = len(found.items)
    others = [*found.relation_items, *found.doc_items]
    decided, total = adjudication.progress(found.items)
    decided += sum(item.status != "open" for item in others)
    agreed_open = any(it.kind == "agreed" and it.status == "open"
                      for it in (*found.items, *others))
    return Planned(DocumentReview(rows[:items], rows[items:], found.doc_items, found.plan),
                   base, rows, first, removed, added, decided, total + len(others),
                   agreed_open)


def followed_counts(plan: DocumentPlan, doc_items: Sequence[DocItem]) -> tuple[int, int, bool]:
    """(decided, total, agreed_open) as :class:`Planned` has them, of ``plan``'s items
    (followed edit by edit: a plan is kept for a document with no relation only) and the
    document label items ``doc_items``."""
    decided = plan.decided + sum(item.status != "open" for item in doc_items)
    agreed_open = plan.agreed_open > 0 or any(
        item.kind == "agreed" and item.status == "open" for item in doc_items)
    return decided, len(plan.items) + len(doc_items), agreed_open
