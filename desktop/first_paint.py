"""Something done once a widget has first been painted: what the window's start puts off until
its first frame is on screen."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

AT_MOST_MS = 2_000
"""The longest what waits for a widget's first paint waits when the widget is not painted (a
window shown minimized)."""


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, action: Callable[[], object], at_most_ms: int) -> None:
        super().__init__(widget)
        self._action: Callable[[], object] | None = action
        widget.installEventFilter(self)
        QTimer.singleShot(at_most_ms, self, self._act)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._act)  # once the frame is painted whole
        return False

    def _act(self) -> None:
        action, self._action = self._action, None
        if action is not None:
            action()


def after_first_paint(widget: QWidget, action: Callable[[], object],
                      at_most_ms: int = AT_MOST_MS) -> None:
    """Call ``action`` once, when the event loop turns after ``widget``'s first paint, or
    ``at_most_ms`` from now if it has not painted by then (a window shown minimized)."""
    _FirstPaint(widget, action, at_most_ms)
