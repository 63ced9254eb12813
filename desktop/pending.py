"""Edits that met a busy store (another program holding its write lock): kept in order and
tried again on a timer, so the window's thread never waits on the lock for more than a moment
(``WAIT_MS`` a try) and the window keeps turning."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer

from annotate.commands import ChangeSet
from desktop.hub import Hub
from desktop.stores import WAIT_MS

RETRY_MS = 100
"""How often the first waiting edit is tried again."""
RETRY_WAIT_MS = 10
"""The longest a try again waits for the lock (the window's thread stays free between)."""
GIVE_UP_S = 20.0
"""How long the store may stay busy (no waiting edit saved) before the waiting edits are
refused, plainly, as not saved."""


@dataclass(frozen=True, slots=True)
class Edit:
    """One write of the window: ``run`` writes it (StoreBusy, nothing written, when the store is
    busy) and ``done`` is told what it changed; ``key`` tells an edit made twice (a note saved
    again while it waits) from another."""

    run: Callable[[], ChangeSet | None]
    done: Callable[[ChangeSet | None], object]
    key: object


class Pending(QObject):
    """The edits waiting for a busy store, oldest first: one is written only once every edit
    before it was (so nothing is saved, or said saved, out of order). ``hub.waiting`` tells
    how many wait."""

    def __init__(self, hub: Hub, attempt: Callable[[Edit, int], bool]) -> None:
        """``attempt(edit, wait_ms)`` writes ``edit``, waiting at most ``wait_ms`` for the
        lock, and reports its outcome; False when the store was busy and nothing written."""
        super().__init__(hub)
        self.hub = hub
        self._attempt = attempt
        self._edits: deque[Edit] = deque()
        self._since = 0.0  # when the store last took an edit of the queue, or the queue began
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.retry)

    def __len__(self) -> int:
        return len(self._edits)

    def write(self, edit: Edit) -> bool:
        """Write ``edit`` now when nothing waits and the store is free (True); else it waits
        behind the others (False)."""
        if not self._edits and self._attempt(edit, WAIT_MS):
            return True
        if all(waiting.key != edit.key for waiting in self._edits):
            self._edits.append(edit)
        if not self._timer.isActive():
            self._since = time.monotonic()
            self._timer.start(RETRY_MS)
        self.hub.waiting.emit(len(self._edits))
        return False

    def retry(self) -> None:
        """Write the first waiting edit (the next one at the next turn of the event loop, so
        a long queue does not hold the window up); refuse them all when the store has stayed
        busy for ``GIVE_UP_S``."""
        if not self._edits:
            return
        if self._attempt(self._edits[0], RETRY_WAIT_MS):
            self._edits.popleft()
            self._since = time.monotonic()
            if self._edits:
                self._timer.start(0)
            else:
                self._timer.stop()
        elif time.monotonic() - self._since > GIVE_UP_S:
            self.hub.failed.emit(
                f"another program kept the store busy for over {GIVE_UP_S:.0f} s: "
                f"{_edits(len(self._edits))} not saved; try again when it is done", True)
            self.discard()
            return
        else:
            self._timer.start(RETRY_MS)
        self.hub.waiting.emit(len(self._edits))

    def discard(self) -> int:
        """Give up the waiting edits (none is written); how many there were."""
        count = len(self._edits)
        self._edits.clear()
        self._timer.stop()
        self.hub.waiting.emit(0)
        return count


def _edits(count: int) -> str:
    return "1 edit was" if count == 1 else f"{count} edits were"
