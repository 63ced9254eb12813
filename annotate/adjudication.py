"""Adjudication: the annotators' spans of one document aligned into items, and the commands
that accept a span into the gold layer or reject a group.

Items come from pairwise alignment (:func:`annotate.agreement.align_spans`) between every
two annotators: spans linked by a pairwise alignment share an item. An item's kind:

- ``agreed``: every annotator considered for the document has exactly one span in it, all
  with the same label, bounds and attributes;
- ``partial``: the spans agree on label, bounds and attributes, but some annotators have
  none here;
- ``attributes``: same label and bounds, different attributes (an attribute one span sets
  and another does not differs): decided per attribute (:func:`attribute_choices`,
  :func:`with_attributes`);
- ``boundary``: same label, different bounds;
- ``label``: different labels;
- ``single``: one span, by one annotator.

An item is decided when a decision's sources include one of its spans (a reject, or an
accept whose gold span still exists), or when the gold layer already holds a span with the
label and bounds of one of its spans. Every decision is one undoable command: an accept is a
Batch of the gold span's CreateSpan and the AddDecision, so undo removes both.

Relations make items too (:mod:`annotate.relation_items`), aligned through the span items
of their ends. "Accept agreed" (:func:`accept_agreed`) accepts only what is fully agreed:
agreed span items, agreed document labels, and agreed relations whose two ends are in gold
(already, or by the same step).

Document labels make items too (:class:`DocItem`): one per document category that some
annotator considered used on the document. Its kind is ``agreed`` (every annotator considered
gave the same values), ``partial`` (the same values, but some gave none) or ``label`` (they
differ). It is decided by the latest decision on its category (a reject; an accept whose gold
labels are still there), or when the gold layer holds a value of the category. An accept is a
Batch of the gold labels' AddDocLabel and the AddDecision.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Literal

from annotate.commands import (
    AddDecision,
    AddDocLabel,
    Batch,
    Command,
    CreateSpan,
    Decision,
    RemoveDecision,
)
from annotate.errors import ValidationError
from annotate.model import GOLD, DocLabel, Span, new_id, utc_now
from annotate.relation_items import RelationItem, accept_relation_command, fully_agreed

if TYPE_CHECKING:
    from annotate.overlap_matching import Progress

__all__ = [
    "AddDecision",
    "Decision",
    "DocItem",
    "DocumentSpans",
    "Item",
    "ItemKind",
    "ItemStatus",
    "RemoveDecision",
    "accept_agreed",
    "accept_command",
    "accept_doc_command",
    "accepted",
    "accepted_as",
    "agreed_at_sight",
    "attribute_choices",
    "plan_doc_labels",
    "plan_document",
    "plan_documents",
    "progress",
    "reject_command",
    "reject_doc_command",
    "rules",
    "with_attributes",
]

ItemKind = Literal["agreed", "partial", "attributes", "boundary", "label", "single"]
ItemStatus = Literal["open", "accepted", "rejected"]


def _key(span: Span) -> tuple[str, int, int]:
    return span.label, span.start, span.end


@dataclass(frozen=True, slots=True)
class Item:
    """One group of aligned spans of a document, and where adjudication stands on it.

    ``spans`` are ordered by annotator (in the order considered), then position;
    ``annotators`` are all annotators considered for the document, with or without a span
    here; ``decision`` is the decision that settled it, ``gold`` the gold span that matches."""

    document: str
    kind: ItemKind
    spans: tuple[Span, ...]
    annotators: tuple[str, ...]
    status: ItemStatus = "open"
    decision: Decision | None = None
    gold: Span | None = None

    @property
    def start(self) -> int:
        return min(s.start for s in self.spans)

    @property
    def end(self) -> int:
        return max(s.end for s in self.spans)

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(s.id for s in self.spans)

    def by_annotator(self) -> dict[str, list[Span]]:
        """Each considered annotator's spans in this item (an empty list: none)."""
        result: dict[str, list[Span]] = {name: [] for name in self.annotators}
        for span in self.spans:
            result.setdefault(span.annotator, []).append(span)
        return result


def _groups(annotators: Sequence[str], documents: Sequence[DocumentSpans],
            progress: Progress | None) -> list[list[list[Span]]]:
    """Per document, its spans joined (union-find) wherever a pairwise alignment links two of
    them. Each two annotators are aligned once over all the documents (the alignment pairs
    spans of one document only, and within it as it would alone)."""
    if len(annotators) < 2:  # nothing to align: each span is an item of its own
        return [[[span] for name in annotators for span in doc.by_annotator.get(name, ())]
                for doc in documents]
    from annotate.agreement import aligned_pairs  # numpy: not imported until a first alignment

    spans = {s.id: s for doc in documents for mine in doc.by_annotator.values() for s in mine}
    parent = {sid: sid for sid in spans}

    def root(sid: str) -> str:
        while parent[sid] != sid:
            parent[sid] = parent[parent[sid]]
            sid = parent[sid]
        return sid

    every = {name: [s for doc in documents for s in doc.by_annotator.get(name, ())]
             for name in annotators}
    for i, a in enumerate(annotators):
        for b in annotators[i + 1 :]:
            for al in aligned_pairs(every[a], every[b], progress):  # any order
                if al.a is not None and al.b is not None:
                    parent[root(al.a.id)] = root(al.b.id)
    result = []
    for doc in documents:
        groups: dict[str, list[Span]] = {}
        for name in annotators:
            for span in doc.by_annotator.get(name, ()):
                groups.setdefault(root(span.id), []).append(span)
        result.append(list(groups.values()))
    return result


def _kind(spans: Sequence[Span], annotators: Sequence[str]) -> ItemKind:
    if len(spans) == 1:
        return "single"
    if len({s.label for s in spans}) > 1:
        return "label"
    if len({_key(s) for s in spans}) > 1:
        return "boundary"
    if any(s.attributes != spans[0].attributes for s in spans):
        return "attributes"
    owners = [s.annotator for s in spans]
    complete = len(set(owners)) == len(owners) and set(owners) == set(annotators)
    return "agreed" if complete else "partial"


def rules(kind: str, category: str | None, gold_span_kept: bool) -> bool:
    """Whether a decision settles the span items holding its sources: it is on spans (no
    document ``category``) and rejects, or accepts with its gold span still there."""
    return category is None and (kind == "reject" or gold_span_kept)


def _rulings(decisions: Sequence[Decision]) -> dict[str, int]:
    """Per span id, the index of the latest decision that settles a group holding it
    (:func:`rules`)."""
    latest: dict[str, int] = {}
    for index, decision in enumerate(decisions):
        if rules(decision.kind, decision.category, decision.gold_span is not None):
            latest.update(dict.fromkeys(decision.sources, index))
    return latest


def _settle(item: Item, decisions: Sequence[Decision], rulings: Mapping[str, int],
            gold: Mapping[tuple[str, int, int], Span]) -> Item:
    ruled = [rulings[s.id] for s in item.spans if s.id in rulings]
    if ruled:  # the latest decision wins
        decision = decisions[max(ruled)]
        if decision.kind == "reject":
            return replace(item, status="rejected", decision=decision)
        return replace(item, status="accepted", decision=decision, gold=decision.gold_span)
    for span in item.spans:
        if _key(span) in gold:
            return replace(item, status="accepted", gold=gold[_key(span)])
    return item


@dataclass(frozen=True, slots=True)
class DocumentSpans:
    """What :func:`plan_documents` reads of one document: the spans of each annotator
    considered for it (all of them count as having worked on it, even with no span), its
    gold layer, and its decisions, oldest first."""

    by_annotator: Mapping[str, Sequence[Span]]
    gold: Sequence[Span] = ()
    decisions: Sequence[Decision] = ()


def plan_document(
    spans_by_annotator: Mapping[str, Sequence[Span]],
    gold_spans: Sequence[Span] = (),
    decisions: Sequence[Decision] = (),
    progress: Progress | None = None,
) -> list[Item]:
    """The aligned items of one document for the annotators of ``spans_by_annotator`` (all of
    them count as having worked on the document, even with no span), by position.

    ``decisions`` are the document's decisions, oldest first; ``gold_spans`` its gold layer;
    ``progress`` hears from long alignments (and may stop them)."""
    document = DocumentSpans(spans_by_annotator, gold_spans, decisions)
    return plan_documents(tuple(spans_by_annotator), [document], progress)[0]


def plan_documents(annotators: Sequence[str], documents: Sequence[DocumentSpans],
                   progress: Progress | None = None) -> list[list[Item]]:
    """:func:`plan_document` of each of ``documents`` (whose annotators are among
    ``annotators``, and come in their order), aligning each two annotators once for all."""
    planned = []
    for doc, groups in zip(documents, _groups(annotators, documents, progress), strict=True):
        considered = tuple(name for name in annotators if name in doc.by_annotator)
        order = {name: i for i, name in enumerate(considered)}
        gold = {_key(s): s for s in doc.gold}
        rulings = _rulings(doc.decisions)
        items = []
        for group in groups:
            group.sort(key=lambda s: (order[s.annotator], s.start, s.end, s.label, s.id))
            item = Item(group[0].document, _kind(group, considered), tuple(group), considered)
            items.append(_settle(item, doc.decisions, rulings, gold))
        items.sort(key=lambda it: (it.start, it.end, it.spans[0].label))
        planned.append(items)
    return planned


_WHO, _ATTRIBUTES = itemgetter(0), itemgetter(4)
"""A span row's annotator and attributes (mapped over an item's rows: no frame per row)."""
SpanRow = tuple[Any, ...]
"""A span as :func:`agreed_at_sight` reads it: (annotator, label, start, end, attributes, id,
...), annotator and label by name or by id, the attributes in any form whose equality
implies that of the attributes."""


def agreed_at_sight(spans: Iterable[SpanRow], considered: Sequence[Any],
                    ruled: Collection[str] = (),
                    gold: Collection[tuple[Any, int, int]] = (),
                    attributes: Callable[[Any], Any] = lambda given: given,
                    labels: Mapping[Any, str] | None = None,
                    ) -> list[list[SpanRow]] | None:
    """The open items of kind ``agreed`` among one document's ``spans`` (those of others than
    ``considered`` are left out), each as its spans in ``considered`` order, by position, as
    :func:`plan_documents` makes them, found without aligning; None when only an alignment
    can tell (some (label, start, end) every annotator considered gives, one of them more
    than once). ``considered`` and ``gold`` name annotators and labels as the rows do;
    ``labels``: the label names of the rows' ids, when they hold ids (items with the same
    bounds come by label name).

    Alignment pairs identical spans first, one-to-one, and aligns nothing else with them: a
    (label, start, end) that each of ``considered`` gives exactly once is one item, agreed
    when ``attributes`` (which parses a span's attributes) are equal for all; open unless one
    of its span ids is ``ruled`` (:func:`rules`) or ``gold`` holds its (label, start, end).
    An agreed item needs a (label, start, end) that every one of ``considered`` gives, so a
    document with no such key given twice by someone has no other."""
    if len(considered) < 2:
        return []  # one annotator's spans are items of kind single
    wanted = len(considered)
    in_turn = list(considered)
    by_key: dict[tuple[Any, int, int], list[SpanRow]] = {}
    for span in spans:  # everyone's: those of others than considered are left out below
        key = span[1:4]
        group = by_key.get(key)
        if group is None:
            by_key[key] = [span]
        else:
            group.append(span)
    found = []
    order: dict[Any, int] | None = None
    for key, group in by_key.items():
        if len(group) < wanted:
            continue  # someone gives no such span
        if list(map(_WHO, group)) != in_turn:  # else one each, in considered order
            if order is None:
                order = {name: i for i, name in enumerate(considered)}
            group = [span for span in group if span[0] in order]
            if len(group) < wanted or len({span[0] for span in group}) < wanted:
                continue
            if len(group) > wanted:
                return None
            in_order = group.copy()
            for span in group:
                in_order[order[span[0]]] = span
            group = in_order
        first = group[0][4]
        if list(map(_ATTRIBUTES, group)).count(first) < wanted:
            parsed = attributes(first)
            if any(attributes(span[4]) != parsed for span in group):
                continue  # kind attributes
        if key in gold or (ruled and any(span[5] in ruled for span in group)):
            continue
        found.append(group)
    if len(found) < 2:
        return found
    if labels is None:
        found.sort(key=lambda group: (group[0][2], group[0][3], group[0][1]))
    else:
        found.sort(key=lambda group: (group[0][2], group[0][3], labels[group[0][1]]))
    return found


def progress(items: Sequence[Item]) -> tuple[int, int]:
    """(decided, total) items of a document."""
    return sum(item.status != "open" for item in items), len(items)


def _check_open(item: Item) -> None:
    if item.status != "open":
        raise ValidationError(f"this group is {item.status} already; undo that decision first")


def accept_command(item: Item, span: Span, decided_by: str) -> Batch:
    """Copy ``span`` (one of the item's, or an edited copy of one) into the gold layer.

    The gold span gets a new id and keeps label, bounds, attributes and note; the decision's
    sources are the item's spans with the same label and bounds (and ``span`` itself when it
    is one of them); a span matching none of them has all of the item's spans as sources."""
    _check_open(item)
    if span.document != item.document:
        raise ValidationError("the accepted span belongs to another document")
    key = _key(span)
    sources = tuple(s.id for s in item.spans if s.id == span.id or _key(s) == key)
    gold, decision = accepted(span, sources or tuple(s.id for s in item.spans), decided_by,
                              utc_now(), new_id(), new_id())
    return Batch((CreateSpan(gold), AddDecision(decision)), "accept span")


def accepted(span: Span, sources: tuple[str, ...], decided_by: str, at: str, gold_id: str,
             decision_id: str) -> tuple[Span, Decision]:
    """The gold copy of ``span`` (label, bounds, attributes, note and fragments kept; id
    ``gold_id``, made ``at``) and the decision ``decision_id`` accepting it from
    ``sources``."""
    return accepted_as(span.document, span.start, span.end, span.label, span.attributes,
                       span.note, span.fragments, sources, decided_by, at, gold_id, decision_id)


def accepted_as(document: str, start: int, end: int, label: str, attributes: dict[str, Any],
                note: str | None, fragments: tuple[tuple[int, int], ...],
                sources: tuple[str, ...], decided_by: str, at: str, gold_id: str,
                decision_id: str) -> tuple[Span, Decision]:
    """:func:`accepted` of a span given by its fields (a row read, no Span made of it)."""
    gold = Span(document, start, end, label, GOLD, gold_id, attributes, note, at, at,
                fragments)  # every field: 5x faster than replace()
    return gold, Decision(decision_id, document, "accept", sources, gold, decided_by, at)


def attribute_choices(item: Item) -> dict[str, dict[str, Any]]:
    """Per attribute on which the item's spans differ (by name), each annotator's value;
    None where the annotator's span does not set it (an annotator with several spans here:
    the first)."""
    firsts = {name: spans[0] for name, spans in item.by_annotator().items() if spans}
    names = sorted({n for span in firsts.values() for n in span.attributes})
    result = {}
    for name in names:
        values = {who: span.attributes.get(name) for who, span in firsts.items()}
        if len({repr(v) for v in values.values()}) > 1:
            result[name] = values
    return result


def with_attributes(span: Span, chosen: Mapping[str, Any]) -> Span:
    """A copy of ``span`` with the ``chosen`` attribute values (None: not set)."""
    attributes = dict(span.attributes)
    for name, value in chosen.items():
        if value is None:
            attributes.pop(name, None)
        else:
            attributes[name] = value
    return replace(span, attributes=attributes)


def reject_command(item: Item, decided_by: str) -> Command:
    """Keep the item's spans out of the gold layer: a decision on the whole group."""
    _check_open(item)
    return AddDecision(
        Decision(new_id(), item.document, "reject", tuple(s.id for s in item.spans), None,
                 decided_by)
    )


def accept_agreed(items: Sequence[Item], decided_by: str,
                  doc_items: Sequence[DocItem] = (),
                  relation_items: Sequence[RelationItem] = ()) -> Batch:
    """One undoable step accepting every open item that is fully agreed (an empty Batch when
    none is): span items of kind ``agreed`` (label, bounds and attributes), document labels
    of kind ``agreed``, and relations of kind ``agreed`` whose two ends are in gold (already,
    or by this step) with the labels the annotators' linked spans have."""
    steps = []
    gold: dict[frozenset[str], Span] = {}
    for item in items:
        if item.kind == "agreed" and item.status == "open":
            step = accept_command(item, item.spans[0], decided_by)
            if relation_items:  # the relations' ends
                gold[item.ids] = step.commands[0].span  # type: ignore[attr-defined]
            steps.append(step)
    for relation in relation_items:
        source = relation.source.gold or gold.get(relation.source.ids)
        target = relation.target.gold or gold.get(relation.target.ids)
        if fully_agreed(relation, source, target):
            ended = replace(relation, source=replace(relation.source, gold=source),
                            target=replace(relation.target, gold=target))
            steps.append(accept_relation_command(ended, relation.relations[0].type, decided_by))
    steps += [
        accept_doc_command(item, item.values()[0], decided_by)
        for item in doc_items
        if item.kind == "agreed" and item.status == "open"
    ]
    return Batch(tuple(c for step in steps for c in step.commands), "accept agreed items")


# -- document labels ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DocItem:
    """The document labels of one category on one document, by the annotators considered,
    and where adjudication stands on them (``gold``: the gold layer's values of it)."""

    document: str
    category: str
    kind: ItemKind
    labels: tuple[DocLabel, ...]
    annotators: tuple[str, ...]
    status: ItemStatus = "open"
    decision: Decision | None = None
    gold: tuple[DocLabel, ...] = ()

    def by_annotator(self) -> dict[str, tuple[str, ...]]:
        """Each considered annotator's values (sorted; empty: none)."""
        return {name: tuple(sorted(d.value for d in self.labels if d.annotator == name))
                for name in self.annotators}

    def values(self) -> list[tuple[str, ...]]:
        """The distinct value sets the annotators gave (none left out), most given first."""
        counts: dict[tuple[str, ...], int] = {}
        for given in self.by_annotator().values():
            if given:
                counts[given] = counts.get(given, 0) + 1
        return sorted(counts, key=lambda v: (-counts[v], v))


def _doc_kind(item_sets: Sequence[tuple[str, ...]]) -> ItemKind:
    given = {s for s in item_sets if s}
    if len(given) > 1:
        return "label"
    return "agreed" if all(item_sets) else "partial"


def plan_doc_labels(labels_by_annotator: Mapping[str, Sequence[DocLabel]],
                    gold_labels: Sequence[DocLabel] = (),
                    decisions: Sequence[Decision] = ()) -> list[DocItem]:
    """The document-label items of one document for the annotators of
    ``labels_by_annotator`` (all count as considered), one per category they used, by name;
    ``decisions`` oldest first, ``gold_labels`` the gold layer's."""
    annotators = tuple(labels_by_annotator)
    every = [d for name in annotators for d in labels_by_annotator[name]]
    items = []
    for category in sorted({d.category for d in every}):
        labels = tuple(d for d in every if d.category == category)
        gold = tuple(d for d in gold_labels if d.category == category)
        sets = [tuple(sorted(d.value for d in labels if d.annotator == a)) for a in annotators]
        item = DocItem(labels[0].document, category, _doc_kind(sets), labels, annotators,
                       gold=gold)
        items.append(_settle_doc(item, decisions))
    return items


def _settle_doc(item: DocItem, decisions: Sequence[Decision]) -> DocItem:
    held = {d.value for d in item.gold}
    for decision in reversed(decisions):
        if decision.category != item.category:
            continue
        if decision.kind == "reject":
            return replace(item, status="rejected", decision=decision)
        if decision.gold_labels and all(d.value in held for d in decision.gold_labels):
            return replace(item, status="accepted", decision=decision)
        break
    return replace(item, status="accepted") if item.gold else item


def accept_doc_command(item: DocItem, values: Sequence[str], decided_by: str) -> Batch:
    """Put ``values`` of the item's category into the document's gold layer (the schema's
    single choice is the store's to check): the decision's sources are the labels that gave
    those values (all of the item's when none did)."""
    if item.status != "open":
        raise ValidationError(f"this category is {item.status} already; undo that decision "
                              "first")
    if not values:
        raise ValidationError("choose at least one value to accept (or reject the item)")
    now = utc_now()
    gold = tuple(DocLabel(item.document, item.category, v, GOLD, now)
                 for v in dict.fromkeys(values))
    sources = tuple(d.id for d in item.labels if d.value in values) or tuple(
        d.id for d in item.labels)
    decision = Decision(new_id(), item.document, "accept", sources, None, decided_by, now,
                        item.category, gold)
    return Batch((*(AddDocLabel(d) for d in gold), AddDecision(decision)),
                 f"accept document {item.category}")


def reject_doc_command(item: DocItem, decided_by: str) -> Command:
    """Keep the item's labels out of the gold layer: a decision on the whole category."""
    if item.status != "open":
        raise ValidationError(f"this category is {item.status} already; undo that decision "
                              "first")
    return AddDecision(Decision(new_id(), item.document, "reject",
                                tuple(d.id for d in item.labels), None, decided_by,
                                category=item.category))
