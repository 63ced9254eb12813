"""A frame that shows whether the widget it holds has the keyboard focus: drawn in the
highlight colour while it has it, empty otherwise (the text view's keys act only then)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QVBoxLayout, QWidget

WIDTH = 2
"""The frame's width in pixels (the margin around the widget held)."""


class FocusFrame(QWidget):
    """Holds ``inner``; :attr:`focused` says whether ``inner`` has the focus, as ``inner``
    tells it by its signal ``focusChanged(bool)`` (from its ``focusInEvent`` and
    ``focusOutEvent``): an event filter on it went through a Python call for each of its
    events, a dozen a key press, ~20 K instructions each."""

    focusChanged = Signal(bool)

    def __init__(self, inner: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.focused = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(WIDTH, WIDTH, WIDTH, WIDTH)
        layout.addWidget(inner)
        inner.focusChanged.connect(self._focus)  # type: ignore[attr-defined]

    def _focus(self, focused: bool) -> None:
        if focused != self.focused:
            self.focused = focused
            self.update()
            self.focusChanged.emit(focused)

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.focused:
            return
        painter = QPainter(self)
        pen = QPen(self.palette().color(QPalette.ColorRole.Highlight))
        pen.setWidth(WIDTH)
        painter.setPen(pen)
        half = WIDTH / 2
        painter.drawRect(QRectF(self.rect()).adjusted(half, half, -half, -half))
        painter.end()
