"""Work the window leaves for the analyst's pause: what reads the store file whole (the daily
backup's copy, the check of its pages) shares the machine's cores and disk with the key
presses, so it waits until the analyst has neither written nor opened a document for a
moment (:func:`desktop.jobs.window_quiet_s`), nor works in a dialog that keeps the window
waiting (a modal one: the Restore dialog lists the backups a daily backup's pruning would
delete), and, should no such pause come, runs at the latest some minutes after it was asked
for."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from desktop.jobs import window_quiet_s


class WhenPaused(QObject):
    """Calls ``action`` once the analyst has paused for ``seconds`` (no modal dialog open),
    or ``latest_s`` after it was first asked for (:meth:`ask`), whichever comes first; asked
    again meanwhile, it calls it once. A timer looks again when the pause could have come, no
    oftener."""

    def __init__(self, parent: QObject, seconds: float, latest_s: float,
                 action: Callable[[], object]) -> None:
        super().__init__(parent)
        self._seconds, self._latest_s, self._action = seconds, latest_s, action
        self._asked: float | None = None
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._look)

    def ask(self) -> None:
        """Call the action in the analyst's next pause (at once if they are in one)."""
        if self._asked is None:
            self._asked = time.monotonic()
            self._look()

    def _look(self) -> None:
        if self._asked is None:
            return
        quiet = 0.0 if QApplication.activeModalWidget() is not None else window_quiet_s()
        wait = min(self._seconds - quiet, self._asked + self._latest_s - time.monotonic())
        if wait > 0:
            self._timer.start(math.ceil(wait * 1000))
            return
        self._asked = None
        self._action()
