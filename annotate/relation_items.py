"""Relations under adjudication: the annotators' relations of one document aligned through
their endpoints' aligned span items (:mod:`annotate.adjudication`), and the commands that
accept a relation into the gold layer or reject a group.

Relations of the annotators considered that link spans of the same (source item, target
item), in that direction, share a :class:`RelationItem`. Its kind:

- ``agreed``: every annotator considered has exactly one such relation, all of one type;
- ``type``: they link the pair with different types;
- ``missing``: one type, but some annotators do not link the pair.

A link across documents (:attr:`annotate.model.Relation.target_document`) is aligned the
same way, its target item being one of the other document's (``elsewhere``); its item belongs
to the document it starts in, and its gold relation links across documents too.

A relation goes into gold only between the gold spans of its two items: accepting it before
both ends are accepted is refused. An item is decided by the latest decision whose sources
include one of its relations (a reject, or an accept whose gold relation still exists), or
when the gold layer links the two items' gold spans with one of the item's types.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal, Protocol

from annotate.commands import AddDecision, AddRelation, Batch, Command, Decision
from annotate.errors import ValidationError
from annotate.model import GOLD, Relation, Span, new_id, utc_now

RelationKind = Literal["agreed", "type", "missing"]
Status = Literal["open", "accepted", "rejected"]


class Item(Protocol):
    """What a relation item needs of a span item (:class:`annotate.adjudication.Item`)."""

    @property
    def document(self) -> str: ...
    @property
    def spans(self) -> tuple[Span, ...]: ...
    @property
    def annotators(self) -> tuple[str, ...]: ...
    @property
    def gold(self) -> Span | None: ...
    @property
    def ids(self) -> frozenset[str]: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


@dataclass(frozen=True, slots=True)
class RelationItem:
    """The relations of the annotators considered from ``source``'s spans to ``target``'s,
    and where adjudication stands on them (``gold``: the gold relation that settles it)."""

    document: str
    kind: RelationKind
    source: Item
    target: Item
    relations: tuple[Relation, ...]
    annotators: tuple[str, ...]
    status: Status = "open"
    decision: Decision | None = None
    gold: Relation | None = None

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self.relations)

    def by_annotator(self) -> dict[str, list[Relation]]:
        """Each considered annotator's relations in this item (an empty list: none)."""
        result: dict[str, list[Relation]] = {name: [] for name in self.annotators}
        for relation in self.relations:
            result.setdefault(relation.annotator, []).append(relation)
        return result

    def types(self) -> list[str]:
        """The distinct types given, most given first."""
        counts: dict[str, int] = {}
        for relation in self.relations:
            counts[relation.type] = counts.get(relation.type, 0) + 1
        return sorted(counts, key=lambda t: (-counts[t], t))

    def ends_in_gold(self) -> bool:
        return self.source.gold is not None and self.target.gold is not None

    @property
    def crosses(self) -> bool:
        """Whether it links to spans of another document."""
        return self.target.document != self.document


def _kind(relations: Sequence[Relation], annotators: Sequence[str]) -> RelationKind:
    if len({r.type for r in relations}) > 1:
        return "type"
    owners = [r.annotator for r in relations]
    complete = len(set(owners)) == len(owners) and set(owners) == set(annotators)
    return "agreed" if complete else "missing"


def _settle(item: RelationItem, decisions: Sequence[Decision],
            gold: Sequence[Relation]) -> RelationItem:
    ids = item.ids
    for decision in reversed(decisions):
        if decision.category is not None or not ids.intersection(decision.sources):
            continue
        if decision.kind == "reject":
            return replace(item, status="rejected", decision=decision)
        if decision.gold_relation is not None:
            return replace(item, status="accepted", decision=decision,
                           gold=decision.gold_relation)
    if item.ends_in_gold():
        ends = (item.source.gold.id, item.target.gold.id)  # type: ignore[union-attr]
        types = set(item.types())
        for relation in gold:
            if (relation.source, relation.target) == ends and relation.type in types:
                return replace(item, status="accepted", gold=relation)
    return item


def plan_relations(items: Sequence[Item],
                   relations_by_annotator: Mapping[str, Sequence[Relation]],
                   gold_relations: Sequence[Relation] = (),
                   decisions: Sequence[Decision] = (),
                   elsewhere: Mapping[str, Sequence[Item]] | None = None,
                   found: Mapping[str, tuple[str | None, int]] | None = None,
                   ) -> list[RelationItem]:
    """The relation items of one document, given its span ``items``
    (:func:`annotate.adjudication.plan_document`): the annotators considered are theirs;
    a relation with an end in no item (of an annotator not considered) is left out.
    ``decisions`` oldest first; ``gold_relations`` the gold layer's; ``elsewhere``: the span
    items of the other documents its links across documents end in, by uid (a link whose
    target document is not given is left out). ``found``: the item holding each span the
    relations end at, as (None, index in ``items``) or (uid, index in ``elsewhere[uid]``),
    when known (:func:`item_places`; else every item is looked into)."""
    if not items:
        return []
    annotators = items[0].annotators
    item_of = item_places(items, elsewhere) if found is None else found
    groups: dict[tuple[int, str | None, int], list[Relation]] = {}
    for name in annotators:
        for relation in relations_by_annotator.get(name, ()):
            source, target = item_of.get(relation.source), item_of.get(relation.target)
            if (source is not None and target is not None and source[0] is None
                    and target[0] == relation.target_document):
                groups.setdefault((source[1], *target), []).append(relation)
    order = {name: i for i, name in enumerate(annotators)}
    result = []
    for (source, uid, target), relations in groups.items():
        relations.sort(key=lambda r: (order[r.annotator], r.type, r.id))
        target_item = items[target] if uid is None else (elsewhere or {})[uid][target]
        item = RelationItem(items[source].document, _kind(relations, annotators),
                            items[source], target_item, tuple(relations), annotators)
        result.append(_settle(item, decisions, gold_relations))
    result.sort(key=lambda r: (r.crosses, r.source.start, r.target.start, r.source.end,
                               r.target.end, r.target.document))
    return result


def item_places(items: Sequence[Item], elsewhere: Mapping[str, Sequence[Item]] | None = None,
                ids: Collection[str] | None = None) -> dict[str, tuple[str | None, int]]:
    """Where each span of ``items`` (None, its item's index) and of ``elsewhere`` (uid,
    index) is, as :func:`plan_relations` looks them up; with ``ids``, those spans only."""
    places: dict[str, tuple[str | None, int]] = {}
    for uid, among in ((None, items), *(elsewhere or {}).items()):
        for index, item in enumerate(among):
            places.update((sid, (uid, index)) for sid in item.ids
                          if ids is None or sid in ids)
    return places


def _check_open(item: RelationItem) -> None:
    if item.status != "open":
        raise ValidationError(f"this relation is {item.status} already; undo that decision "
                              "first")


def accept_relation_command(item: RelationItem, relation_type: str, decided_by: str) -> Batch:
    """Link the gold spans of the item's two ends with ``relation_type`` (one of the item's
    types, or an edited one: the store checks the schema allows it). The decision's sources
    are the relations of that type (all of the item's when none is); the gold relation keeps
    the note of the first of them."""
    _check_open(item)
    source, target = item.source.gold, item.target.gold
    if source is None or target is None:
        raise ValidationError("accept both linked spans into gold first, then the relation")
    if source.id == target.id:
        raise ValidationError("both ends of this relation are one gold span")
    chosen = [r for r in item.relations if r.type == relation_type]
    note = next((r.note for r in chosen if r.note), None)
    gold = Relation(relation_type, source.id, target.id, GOLD, new_id(), note,
                    target.document if item.crosses else None)
    decision = Decision(new_id(), item.document, "accept",
                        tuple(r.id for r in chosen or item.relations), None, decided_by,
                        utc_now(), gold_relation=gold)
    return Batch((AddRelation(item.document, gold), AddDecision(decision)),
                 f"accept relation {relation_type}")


def reject_relation_command(item: RelationItem, decided_by: str) -> Command:
    """Keep the item's relations out of the gold layer: a decision on the whole group."""
    _check_open(item)
    return AddDecision(Decision(new_id(), item.document, "reject",
                                tuple(r.id for r in item.relations), None, decided_by))


def fully_agreed(item: RelationItem, source: Span | None, target: Span | None) -> bool:
    """An open ``agreed`` item whose two ends have the gold spans ``source`` and ``target``
    (distinct), labelled as the spans every annotator linked."""
    if item.kind != "agreed" or item.status != "open" or source is None or target is None:
        return False
    by_id = {s.id: s for s in (*item.source.spans, *item.target.spans)}
    return source.id != target.id and all(
        by_id[r.source].label == source.label and by_id[r.target].label == target.label
        for r in item.relations)
