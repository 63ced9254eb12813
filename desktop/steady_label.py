"""A word-wrapped label whose new text relays out the window only when its height changes.

Qt's :class:`QLabel` asks its parent's layout to be done again at every ``setText``; in a
layout that reaches up to the main window, each new document title laid out every dock of
the window again (a fifth of a millisecond, and a new geometry animation object per dock).
:class:`SteadyLabel` holds the label outside any layout, gives its own layout the label's
height for the width it gets, and passes a relayout on only when that height changes; it
fills its own background, so a new text repaints it alone, not the window under it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class SteadyLabel(QWidget):
    """Holds :attr:`label` (word-wrapped, as wide as this widget is); this widget's height
    for a width is the label's."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.setAutoFillBackground(True)  # a new text repaints this widget, not the window
        # under it (the label is drawn over what is behind it)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._height = -1
        """The label's height for this widget's width, as this widget's layout last had it."""

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self.label.heightForWidth(width)

    def sizeHint(self) -> QSize:
        return self.label.sizeHint()

    def minimumSizeHint(self) -> QSize:
        return self.label.minimumSizeHint()

    def event(self, event: QEvent) -> bool:
        """The label's text or font changed (it asks its parent for a relayout): passed on
        only when its height for this width changes."""
        if event.type() == QEvent.Type.LayoutRequest:
            height = self.heightForWidth(self.width())
            if height != self._height:
                self._height = height
                self.updateGeometry()
            return True
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.label.setGeometry(self.rect())
        self._height = self.heightForWidth(self.width())
        super().resizeEvent(event)
