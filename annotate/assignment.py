"""Assignment: which annotators work on which documents, balanced across a team, and when a
document goes to review (what blind mode waits for)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from annotate.errors import InputError
from annotate.model import Status


@dataclass(frozen=True, slots=True)
class QueueRow:
    """A document in an annotator's queue, with how far they got (their status and spans)
    and whether it went to review (:func:`in_review`)."""

    uid: str
    title: str
    status: Status
    spans: int
    review: bool = False


def balance(documents: Sequence[str], team: Sequence[str], per_document: int,
            assigned: Iterable[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """The (document, annotator) pairs that bring every one of ``documents`` to
    ``per_document`` annotators of ``team``, in document order: each time to the team member
    with the fewest documents so far (``assigned`` counted, ties in team order), never twice to
    one document. Documents that have enough already get none."""
    members = list(dict.fromkeys(team))
    if per_document < 1:
        raise InputError(f"annotators per document: at least 1, not {per_document}")
    if per_document > len(members):
        raise InputError(f"{per_document} annotators per document, but the team has "
                         f"{len(members)}: {', '.join(members) or 'nobody'}")
    load: Counter[str] = Counter({name: 0 for name in members})
    on: dict[str, set[str]] = {}
    for uid, name in assigned:
        on.setdefault(uid, set()).add(name)
        if name in load:
            load[name] += 1
    rank = {name: i for i, name in enumerate(members)}
    added = []
    for uid in dict.fromkeys(documents):
        have = on.setdefault(uid, set())
        for _ in range(per_document - len(have & load.keys())):
            name = min((m for m in members if m not in have), key=lambda m: (load[m], rank[m]))
            have.add(name)
            load[name] += 1
            added.append((uid, name))
    return added


def in_review(assignees: Iterable[str], status: Mapping[str, Status]) -> bool:
    """Whether a document goes to review: it is assigned, and every annotator assigned to it
    marked it done (``status``: their statuses of it, by name)."""
    names = list(assignees)
    return bool(names) and all(status.get(name) == "done" for name in names)
