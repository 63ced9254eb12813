"""One journal entry as the store wrote it: what the audit trail lists, and what a change set
carries of the rows its operation wrote (so a view shows them without reading them back)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class JournalEntry:
    """One row of the audit trail. ``documents``: the uids the operation touched (none for a
    change of the whole store, such as the schema).

    Treat it as a value, as a :class:`~annotate.model.Span`: never mutate one in place (not
    frozen because frozen construction costs 6x its 11 fields, and each edit makes one, each
    read of the History as many as it lists; never hashable, as its payload is a dict)."""

    id: int
    at: str
    annotator: str
    op: str
    kind: str
    state: str
    payload: dict[str, Any]
    documents: tuple[str, ...] = ()
    target: int | None = None
    undone: dict[str, Any] | None = None
    """For an undo: the step it took back (a command's dict); its op is what the user undid."""
    touched: int | None = None
    """How many documents the operation touched, when ``documents`` holds only the first of
    them (``entries(..., first_document=True)``); None when it holds them all."""

    @property
    def step(self) -> tuple[str, dict[str, Any]]:
        """The operation as a person names it, and its payload: an undo names the step it
        took back (the undo of a delete is "undo delete_span", though it created the span)."""
        if self.kind == "undo" and self.undone:
            return self.undone.get("op", self.op), self.undone
        return self.op, self.payload

    @property
    def document(self) -> str | None:
        """The first document touched, the place to go to."""
        return self.documents[0] if self.documents else None
