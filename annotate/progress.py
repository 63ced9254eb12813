"""Progress: an annotator's first edit of a document still to do marks it in progress for them.

The window's service applies it to every edit it makes (the command line makes no such
edits: its only edit, ``adjudicate``, writes the gold layer).
"""

from __future__ import annotations

from collections.abc import Callable

from annotate.commands import (
    AddDecision,
    Assign,
    Batch,
    ChangeSet,
    Command,
    RemoveDecision,
    SetBlind,
    SetStatus,
    Unassign,
)
from annotate.model import Status

NOT_OWN = (SetStatus, AddDecision, RemoveDecision, Assign, Unassign, SetBlind)
"""Steps that are not an edit of their author's layer: a status, an adjudication, a lead's
assignments and blind mode."""


def _own_edit(command: Command, changes: ChangeSet) -> bool:
    """Whether ``command``, which makes ``changes``, edits its author's own layer: none of
    :data:`NOT_OWN`, not a change of the corpus's actors or events."""
    if changes.ledger:
        return False
    if isinstance(command, NOT_OWN):
        return False
    if isinstance(command, Batch):
        return not any(isinstance(c, NOT_OWN) for c in command.commands)
    return True


def with_progress(command: Command, annotator: str,
                  status: Callable[[str], Status]) -> Command:
    """``command``, or (when it is ``annotator``'s edit of their own layer in one document whose
    ``status`` for them is still to do) one step that also marks that document in progress."""
    changes = command.changes()  # made once: a command's changes cost more than the rest here
    if not _own_edit(command, changes):
        return command
    documents = changes.documents
    if len(documents) != 1:
        return command
    uid = next(iter(documents))
    if status(uid) != "todo":
        return command
    return Batch((command, SetStatus(uid, annotator, "in_progress")), command.op)

