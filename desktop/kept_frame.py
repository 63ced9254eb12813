"""A plain-text field whose frame is a picture kept under it, not drawn by the style at each
paint.

The style draws a :class:`QPlainTextEdit`'s frame at each paint of the field (Fusion's outline
a pixel at a time: callgrind, ~60 K instructions for the Span panel's quote 50 pixels wide in
the benchmark's window, ~190 K at 280). The Span panel's quote and note are painted whole at
each span made after none (the form uncovered) and their frames never change. A
:class:`FramedText` has the style draw its frame once, as the field's paint draws it, into a
picture given as the background of a child (:attr:`FramedText.ring`) lying under the viewport
and scroll bars, across the whole field: Qt fills the child's part in sight, the ring around
the viewport, by copying the picture, and the field itself, covered by its children, gets no
paint event. The screen is, pixel for pixel, what the style draws. The picture is drawn again
when anything the style may draw the frame by changes: the field's size, palette, style, state
(enabled, focus, hover, window activation) and pixel ratio.

While a screen reader is active the child is hidden (the style draws the frame as before): a
reader is told of a field's children, and this one is no part of the field to tell of.
Checked when the picture is drawn (a reader started later finds it at the next change of the
field's size, focus or look). So it is at a pixel ratio that is not whole (1.25, 1.5): a field
may lie between the screen's pixels there (5 points are 6.25 pixels), where Qt's paint draws
the frame across them and a picture drawn from the field's corner differs (~500 pixels of a
field 61 x 90 at 1.25). The field's lines are wrapped (no horizontal bar, so no corner
between two bars, which the field's paint would draw).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import (
    QAccessible,
    QBrush,
    QEnterEvent,
    QFocusEvent,
    QPainter,
    QPalette,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import QPlainTextEdit, QWidget

_REDRAWN = frozenset({QEvent.Type.PaletteChange, QEvent.Type.StyleChange,
                      QEvent.Type.EnabledChange, QEvent.Type.ActivationChange,
                      QEvent.Type.LayoutDirectionChange})
"""Changes the style may draw the frame otherwise after (focus and hover have handlers)."""
_SCREEN = frozenset({QEvent.Type.DevicePixelRatioChange, QEvent.Type.ScreenChangeInternal})
"""Events Qt sends to each widget (to no change handler) when its pixel ratio may change."""


class FramedText(QPlainTextEdit):
    """A :class:`QPlainTextEdit` (its lines wrapped) whose frame is copied from a picture (see
    the module)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ring = QWidget(self)
        """Under the viewport and bars, across the field: its background is the frame."""
        self.ring.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.ring.setAutoFillBackground(True)  # opaque: the field under it is not painted
        self.ring.lower()
        self._screen = QWidget(self)
        """Hidden: its events tell a new pixel ratio (the field's own, watched, were each a
        call into Python, its paints among them)."""
        self._screen.hide()
        self._screen.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._screen and event.type() in _SCREEN:
            self._redraw()
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.ring.setGeometry(self.rect())
        self._redraw()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in _REDRAWN:
            self._redraw()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._redraw()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._redraw()

    def enterEvent(self, event: QEnterEvent) -> None:
        super().enterEvent(event)
        self._redraw()

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        self._redraw()

    def _redraw(self) -> None:
        """Draw the frame as the field's paint does (over the window's colour, which lies
        under the field) and give the picture to the ring."""
        ratio = self.devicePixelRatioF()
        if QAccessible.isActive() or not ratio.is_integer():
            self.ring.hide()  # (at 1.25 a field 5 points in is 6.25 pixels in: see the module)
            return
        look = QPixmap(self.size() * ratio)
        look.setDevicePixelRatio(ratio)
        look.fill(self.palette().color(QPalette.ColorRole.Window))
        painter = QPainter(look)
        try:
            self.drawFrame(painter)
        finally:
            painter.end()
        palette = self.ring.palette()
        palette.setBrush(QPalette.ColorRole.Window, QBrush(look))
        self.ring.setPalette(palette)
        self.ring.show()
