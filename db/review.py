"""Peer review on a store: a document's aligned items (spans, relations, and document labels
per category) for adjudication, and accepting every fully agreed item of a document or of the
corpus (one undoable step for all of them: :class:`~annotate.commands.AcceptAgreed`)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

from annotate import adjudication
from annotate.adjudication import DocItem, Item
from annotate.collector import collector_paused
from annotate.commands import AcceptAgreed, AddDecision, Command, Decision, Parts, gold_parts
from annotate.errors import InputError
from annotate.model import GOLD, DocLabel, Relation, Span, fresh_ids, utc_now
from annotate.relation_items import RelationItem, plan_relations
from annotate.review_columns import SpanColumns
from annotate.review_plan import DocumentPlan
from annotate.strings import check_name
from db import span_rows
from db.bulk import ReviewRows
from db.engine import chunks
from db.store import Store

if TYPE_CHECKING:
    from annotate.overlap_matching import Progress

_ID = itemgetter(5)
"""A span row's id."""
PLANNED = 500
"""Documents planned together by :func:`accept_agreed`."""


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
    return _plan(store.spans(uid), lambda name: store.status(uid, name) == "done",
                 store.decisions(uid), chosen, progress)


def _plan(spans: Sequence[Span], done: Callable[[str], bool], decisions: Sequence[Decision],
          chosen: Sequence[str], progress: Progress | None = None) -> list[Item]:
    """The items of a document's ``spans`` for ``chosen``: those who have a span in it or
    marked it ``done`` are compared."""
    return adjudication.plan_documents(
        chosen, [_document_spans(spans, done, decisions, chosen)], progress)[0]


def _document_spans(spans: Sequence[Span], done: Callable[[str], bool],
                    decisions: Sequence[Decision],
                    chosen: Sequence[str]) -> adjudication.DocumentSpans:
    """What the items of a document are planned from: the spans of those of ``chosen`` who
    have a span in it or marked it ``done``, its gold spans and ``decisions``."""
    by_annotator: dict[str, list[Span]] = {name: [] for name in chosen}
    gold = []
    for span in spans:
        if span.annotator in by_annotator:
            by_annotator[span.annotator].append(span)
        elif span.annotator == GOLD:
            gold.append(span)
    considered = {name: mine for name, mine in by_annotator.items() if mine or done(name)}
    return adjudication.DocumentSpans(considered, gold, decisions)


def review_items(store: Store, uid: str, annotators: Sequence[str] | None = None,
                 progress: Progress | None = None) -> list[Item]:
    """The document's aligned items for ``annotators`` (default: everyone but gold); of them,
    those who have a span in the document or marked it done are compared. ``progress`` hears
    from long alignments (and may stop them)."""
    return _items(store, uid, _chosen(store, annotators), progress)


def _plan_relations(store: Store, items: Sequence[Item], relations: Sequence[Relation],
                    decisions: Sequence[Decision]) -> list[RelationItem]:
    """The relation items of a document's ``relations`` over its span ``items``, and, for its
    links across documents, the span items of the documents they end in (for the same
    annotators)."""
    if not relations:
        return []  # no item of a document's spans made to find none
    by_annotator: dict[str, list[Relation]] = {}
    for relation in relations:
        by_annotator.setdefault(relation.annotator, []).append(relation)
    elsewhere = _elsewhere(store, relations, items[0].annotators if items else ())
    return plan_relations(items, by_annotator, by_annotator.get(GOLD, ()), decisions, elsewhere)


def _elsewhere(store: Store, relations: Sequence[Relation],
               chosen: Sequence[str]) -> dict[str, list[Item]]:
    """The span items (for ``chosen``) of the other documents ``relations`` end in, by uid."""
    others = sorted({r.target_document for r in relations if r.target_document is not None})
    return {uid: _items(store, uid, chosen) for uid in others}


def relation_review_items(store: Store, uid: str, items: Sequence[Item]) -> list[RelationItem]:
    """The document's relation items, aligned through its span ``items``
    (:func:`review_items`, for the same annotators), links to other documents among them."""
    return _plan_relations(store, items, store.relations(uid), store.decisions(uid))


def _doc_items(store: Store, uid: str, chosen: Sequence[str]) -> list[DocItem]:
    return _plan_labels(store.doc_labels(uid), lambda name: store.status(uid, name) == "done",
                        store.decisions(uid), chosen)


def _plan_labels(labels: Sequence[DocLabel], done: Callable[[str], bool],
                 decisions: Sequence[Decision], chosen: Sequence[str]) -> list[DocItem]:
    """The document-label items of a document's ``labels`` for ``chosen``: those who gave
    the document a label or marked it ``done`` are compared."""
    considered = {
        name: mine
        for name in chosen
        if (mine := [d for d in labels if d.annotator == name]) or done(name)
    }
    gold = [d for d in labels if d.annotator == GOLD]
    return adjudication.plan_doc_labels(considered, gold, decisions)


def doc_review_items(store: Store, uid: str,
                     annotators: Sequence[str] | None = None) -> list[DocItem]:
    """The document's document-label items for ``annotators`` (default: everyone but gold);
    of them, those who gave the document a label or marked it done are compared."""
    return _doc_items(store, uid, _chosen(store, annotators))


class DocumentReview(NamedTuple):
    """Every review item of one document, for everyone but gold (``items``: a list, or the
    plan's columns); ``plan``: the span and relation items kept for edits to follow
    (:class:`~annotate.review_plan.DocumentPlan`)."""

    items: Sequence[Item]
    relation_items: list[RelationItem]
    doc_items: list[DocItem]
    plan: DocumentPlan | None = None


def document_review(store: Store, uid: str, progress: Progress | None = None) -> DocumentReview:
    """What :func:`review_items`, :func:`relation_review_items` and :func:`doc_review_items`
    find in document ``uid``, its rows read at once (one transaction, one query per table:
    :meth:`Store.iter_review`); nothing when there is no such document. Each annotator's
    spans are aligned in :func:`~annotate.review_plan.in_order`, as an edit's are later.
    ``progress`` hears
    from a long read and alignment (and may stop them: a cancel takes effect while the spans
    are read and before the plan, not only while annotators are aligned)."""
    chosen = _chosen(store, None)
    heard = None if progress is None else lambda _read: progress(0, 1)
    found = list(store.iter_review([uid], heard=heard, columns=True))
    if not found:
        return DocumentReview([], [], [])
    if progress is not None:
        progress(0, 1)
    material = found[0]
    spans = material.spans
    assert isinstance(spans, SpanColumns)
    finished = {name for name, state in material.status.items() if state == "done"}
    done = finished.__contains__
    considered = [name for name in chosen if spans.count(name) or done(name)]
    gold = [spans.span(row) for row in spans.rows_of([GOLD])]
    plan = DocumentPlan.of_columns(spans, considered, finished, gold, material.decisions,
                                   progress)
    return DocumentReview(
        plan.items,
        plan.relate(material.relations, _elsewhere(store, material.relations, considered)),
        _plan_labels(material.doc_labels, done, material.decisions, chosen),
        plan,
    )


def accept_agreed(
    store: Store,
    decided_by: str,
    annotators: Sequence[str] | None = None,
    uids: Sequence[str] | None = None,
) -> int:
    """Accept every open fully agreed item (spans, relations whose ends are in gold, and
    document labels: :func:`annotate.adjudication.accept_agreed`) of the documents ``uids``
    (default: all) into gold, in store order, in ONE transaction and ONE undoable step of
    ``decided_by`` (an :class:`~annotate.commands.AcceptAgreed`: all written, or none);
    returns the items accepted. The corpus is read a few queries per few hundred documents,
    and each two annotators are aligned once per :data:`PLANNED` documents. Links across
    documents follow, once every agreed span is in gold, in a second transaction and step
    (when there are any)."""
    check_name(decided_by, "the adjudicator")
    chosen = _chosen(store, annotators)
    with collector_paused():  # the corpus's spans, items and commands: in no cycle
        return _accept_agreed(store, decided_by, chosen, uids)


def _accept_agreed(store: Store, decided_by: str, chosen: Sequence[str],
                   uids: Sequence[str] | None) -> int:
    """:func:`accept_agreed`, its work: each document's agreed items found at sight
    (:func:`~annotate.adjudication.agreed_at_sight`) where they can be, the others' by
    alignment, :data:`PLANNED` documents at a time; the accepts in store order."""
    read_after = store.last_journal_id()  # what is edited while the corpus is read: after
    # the parts of the documents seen at sight gathered straight into the step's, up to each
    # document that takes an alignment, whose parts come between (no parts per document)
    runs: list[Parts] = [([], [], [])]
    aligned: list[str] = []
    at, ids = utc_now(), fresh_ids()
    named, chosen_ids = None, []
    for material in store.iter_review_rows(uids, chosen):
        if material.names is not named:  # one for every document of a read
            named = material.names
            chosen_ids = [who for name in chosen if (who := named.annotators.get(name)) is not None]
        if not _accept_at_sight(material, decided_by, chosen, chosen_ids, at, ids, runs[-1]):
            aligned.append(material.uid)
            runs.append(([], [], []))
    crossing: list[str] = []  # documents with links across documents: their targets' gold later
    found: dict[str, Parts] = {}
    for part in chunks(aligned, PLANNED):
        found.update(_accept_aligned(store, decided_by, chosen, part, crossing))
    every = runs[0]
    for uid, run in zip(aligned, runs[1:], strict=True):
        for gathered, more, after in zip(every, found.get(uid, ((), (), ())), run,
                                            strict=True):
            gathered += more
            gathered += after
    return _accept(store, decided_by, every, read_after) + _accept_agreed_across(
        store, decided_by, chosen, crossing)


def _accept_at_sight(material: ReviewRows, decided_by: str, chosen: Sequence[str],
                     chosen_ids: Sequence[int], at: str, ids_drawn: Iterator[str],
                     parts: Parts) -> bool:
    """Add to ``parts`` (:func:`~annotate.commands.gold_parts`) those of the step accepting
    the open fully agreed items for ``chosen`` (whose ids in the rows are ``chosen_ids``) of
    a document with no relation, made ``at`` with ids from ``ids_drawn``, found without
    aligning; False (nothing added) when they take an alignment."""
    uid, spans, present, done, decided, label_decisions, doc_labels, related, names = material
    if related:
        return False
    ids = names.annotators  # the rows name annotators and labels by id
    considered = [who for who in chosen_ids if who in present or who in done]
    ruled: Collection[str] = ()
    if decided:
        kept = {span[5] for span in spans}
        ruled = {source for kind, category, sources, gold in decided
                 if adjudication.rules(kind, category, gold in kept) for source in sources}
    gold_id = ids.get(GOLD)
    gold = {(span[1], span[2], span[3]) for span in spans if span[0] == gold_id} \
        if gold_id in present else ()
    label_of = names.labels
    groups = adjudication.agreed_at_sight(spans, considered, ruled, gold,
                                          span_rows.attributes_from, label_of)
    if groups is None:
        return False
    made, decisions, rest = parts
    for group in groups:
        _, label, start, end, attributes, _, note, fragments = group[0][:8]
        copy, decision = adjudication.accepted_as(
            uid, start, end, label_of[label], span_rows.attributes_from(attributes), note,
            span_rows.fragments_from(fragments) if fragments else (),
            tuple(map(_ID, group)), decided_by, at,
            next(ids_drawn), next(ids_drawn))
        made.append(copy)
        decisions.append(decision)
    if doc_labels:
        labels = _plan_labels(doc_labels, lambda name: ids.get(name) in done, label_decisions,
                              chosen)
        rest += adjudication.accept_agreed((), decided_by, labels).commands
    return True


def _accept_aligned(store: Store, decided_by: str, chosen: Sequence[str], uids: Sequence[str],
                    crossing: list[str]) -> dict[str, Parts]:
    """Per document of ``uids``, the parts of the step accepting its open fully agreed items
    (:func:`~annotate.commands.gold_parts`), found by aligning each two annotators once for
    all of them; the documents with links across documents are added to ``crossing``."""
    chunk = list(store.iter_review(uids))
    done = [{name for name, state in m.status.items() if state == "done"}.__contains__
            for m in chunk]
    planned = adjudication.plan_documents(chosen, [
        _document_spans(m.spans, is_done, m.decisions, chosen)
        for m, is_done in zip(chunk, done, strict=True)
    ])
    found = {}
    for material, is_done, items in zip(chunk, done, planned, strict=True):
        local = [r for r in material.relations if not r.crosses]
        if len(local) < len(material.relations):
            crossing.append(material.uid)
        found[material.uid] = gold_parts(adjudication.accept_agreed(
            items, decided_by,
            _plan_labels(material.doc_labels, is_done, material.decisions, chosen),
            _plan_relations(store, items, local, material.decisions) if local else (),
        ).commands)
    return found


def _accept(store: Store, decided_by: str, parts: Parts, read_after: int) -> int:
    """Apply the accepts of ``parts`` (:func:`~annotate.commands.gold_parts`), found in what
    was read after journal entry ``read_after``, as one AcceptAgreed step (none when there
    are none); returns the items accepted (decisions made)."""
    spans, decisions, rest = parts
    if not (spans or decisions or rest):
        return 0
    store.apply(AcceptAgreed.made_of(parts, read_after=read_after), decided_by)
    return len(decisions) + sum(type(c) is AddDecision for c in rest)


def _accept_agreed_across(store: Store, decided_by: str, chosen: Sequence[str],
                          uids: Sequence[str]) -> int:
    """Accept the fully agreed links across documents of the documents ``uids``, once every
    document's agreed spans are in gold (one undoable step); returns how many."""
    read_after = store.last_journal_id()
    commands: list[Command] = []
    for uid in uids:
        items = _items(store, uid, chosen)
        relations = [r for r in relation_review_items(store, uid, items) if r.crosses]
        commands += adjudication.accept_agreed([], decided_by, (), relations).commands
    return _accept(store, decided_by, gold_parts(commands), read_after)


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
