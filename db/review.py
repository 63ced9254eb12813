"""Peer review on a store: a document's aligned items (spans, and document labels per
category) for adjudication, and accepting every agreed item of a document or of the corpus
(one undoable step per document)."""

from __future__ import annotations

from collections.abc import Sequence

from annotate import adjudication
from annotate.adjudication import DocItem, Item
from annotate.errors import InputError
from annotate.model import GOLD
from annotate.overlap_matching import Progress
from annotate.strings import check_name
from db.store import Store


def _chosen(store: Store, annotators: Sequence[str] | None) -> list[str]:
    known = store.annotators()
    if annotators is None:
        return [name for name in known if name != GOLD]
    unknown = [name for name in annotators if name not in known]
    if unknown:
        raise InputError(f"no annotator {', '.join(map(repr, unknown))} in this store")
    return list(dict.fromkeys(a for a in annotators if a != GOLD))


def _items(store: Store, uid: str, chosen: Sequence[str],
           progress: Progress | None = None) -> list[Item]:
    spans = store.spans(uid)
    by_annotator = {name: [s for s in spans if s.annotator == name] for name in chosen}
    considered = {
        name: mine
        for name, mine in by_annotator.items()
        if mine or store.status(uid, name) == "done"
    }
    gold = [s for s in spans if s.annotator == GOLD]
    return adjudication.plan_document(considered, gold, store.decisions(uid), progress)


def review_items(store: Store, uid: str, annotators: Sequence[str] | None = None,
                 progress: Progress | None = None) -> list[Item]:
    """The document's aligned items for ``annotators`` (default: everyone but gold); of them,
    those who have a span in the document or marked it done are compared. ``progress`` hears
    from long alignments (and may stop them)."""
    return _items(store, uid, _chosen(store, annotators), progress)


def _doc_items(store: Store, uid: str, chosen: Sequence[str]) -> list[DocItem]:
    labels = store.doc_labels(uid)
    considered = {
        name: mine
        for name in chosen
        if (mine := [d for d in labels if d.annotator == name])
        or store.status(uid, name) == "done"
    }
    gold = [d for d in labels if d.annotator == GOLD]
    return adjudication.plan_doc_labels(considered, gold, store.decisions(uid))


def doc_review_items(store: Store, uid: str,
                     annotators: Sequence[str] | None = None) -> list[DocItem]:
    """The document's document-label items for ``annotators`` (default: everyone but gold);
    of them, those who gave the document a label or marked it done are compared."""
    return _doc_items(store, uid, _chosen(store, annotators))


def accept_agreed(
    store: Store,
    decided_by: str,
    annotators: Sequence[str] | None = None,
    uids: Sequence[str] | None = None,
) -> int:
    """Accept every open agreed item (spans and document labels) of the documents ``uids``
    (default: all) into gold, one undoable Batch per document journaled for ``decided_by``;
    returns the items accepted."""
    check_name(decided_by, "the adjudicator")
    chosen = _chosen(store, annotators)
    accepted = 0
    for uid in uids if uids is not None else [row.uid for row in store.list_documents()]:
        batch = adjudication.accept_agreed(_items(store, uid, chosen), decided_by,
                                           _doc_items(store, uid, chosen))
        if batch.commands:
            store.apply(batch, decided_by)
            accepted += sum(isinstance(c, adjudication.AddDecision) for c in batch.commands)
    return accepted


def resolve_uid(store: Store, given: str) -> str:
    """The document uid that ``given`` is, or is the unique start of; else InputError."""
    if store.has_document(given):
        return given
    found = store.uids_starting(given)
    if len(found) == 1:
        return found[0]
    raise InputError(
        f"no document {given!r}" if not found else f"{given!r} starts several document uids"
    )
