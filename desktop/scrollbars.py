"""Scroll bars that repaint only when what they show changes.

Qt repaints a scroll bar whenever its range or steps are set, changed or not, and scroll areas
and item views set them at every relayout of what they show: each key press repainted the bars
of the Span panel and of the docks (a Fusion bar costs as much to paint as a screen of text).
:class:`SteadyScrollBar` repaints for a change of range, steps or value only when the slider
moves on screen or an end is reached or left (its arrow's state); hover, press, focus, size and
style changes repaint as before.

A bar's repaint stops at its own container, filled with the window's colour (what shows under
the bar's half-transparent edges, so it looks the same): Qt otherwise paints every widget under
it first, the dock among them, whose title's paint loads the style's button icons from their
image files each time (more than the bar's own paint).

What the style draws for a look of the bar is kept as a pixmap and copied when the bar shows
that look again: a short list's slider takes a few looks in turn as rows come and go (a span
made and deleted, a step undone), and the Fusion style draws a bar with gradients, a quarter of
a millisecond each time. A bar under the mouse or pressed is drawn as Qt draws it (which of its
parts is hovered is Qt's own state).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QScrollBar,
    QStyle,
    QStyleOptionSlider,
)

Look = tuple[QRect, bool, bool]
"""What a bar shows of its state: the slider's rectangle, and whether it is at either end."""
LOOKS = 8
"""Most looks of a bar kept as pixmaps (4 bytes a pixel: ~60 KB for a tall bar; the least
recently shown go first)."""


class SteadyScrollBar(QScrollBar):
    """A :class:`QScrollBar` that skips the repaint of a range, step or value change that
    leaves it looking the same."""

    def __init__(self, orientation: Qt.Orientation) -> None:
        super().__init__(orientation)
        self._shown: Look | None = None  # as last painted
        self._drawn: OrderedDict[Hashable, QPixmap] = OrderedDict()

    def look(self) -> Look:
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        slider = self.style().subControlRect(QStyle.ComplexControl.CC_ScrollBar, option,
                                             QStyle.SubControl.SC_ScrollBarSlider, self)
        value = self.value()
        return slider, value <= self.minimum(), value >= self.maximum()

    def sliderChange(self, change: QAbstractSlider.SliderChange) -> None:
        if self._shown is None or self.look() != self._shown:
            super().sliderChange(change)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._shown = self.look()
        under = self.parentWidget()
        if self.isSliderDown() or self.underMouse() or under is None or \
                not under.autoFillBackground():
            super().paintEvent(event)
            return
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        option.subControls = QStyle.SubControl.SC_All
        background = under.palette().color(under.backgroundRole())
        ratio = self.devicePixelRatioF()
        key = (self.width(), self.height(), ratio, background.rgba(), option.palette.cacheKey(),
               option.state.value, option.orientation, option.upsideDown, option.minimum,
               option.maximum, option.sliderPosition, option.sliderValue, option.pageStep,
               option.singleStep)
        drawn = self._drawn.get(key)
        if drawn is None:
            drawn = self._drawn[key] = self._draw(option, background, ratio)
            if len(self._drawn) > LOOKS:
                self._drawn.popitem(last=False)
        else:
            self._drawn.move_to_end(key)
        painter = QPainter(self)
        painter.drawPixmap(0, 0, drawn)
        painter.end()

    def _draw(self, option: QStyleOptionSlider, background: QColor, ratio: float) -> QPixmap:
        """The bar as the style draws it over its container's colour."""
        drawn = QPixmap(self.size() * ratio)
        drawn.setDevicePixelRatio(ratio)
        drawn.fill(background)
        painter = QPainter(drawn)
        try:
            self.style().drawComplexControl(QStyle.ComplexControl.CC_ScrollBar, option, painter,
                                            self)
        finally:
            painter.end()
        return drawn

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.StyleChange:  # (a palette or size is in the key)
            self._drawn.clear()
        super().changeEvent(event)


def steady_scroll_bars(area: QAbstractScrollArea, vertical_on: bool = False) -> None:
    """Give ``area`` bars of :class:`SteadyScrollBar` (it keeps their state and policies);
    with ``vertical_on``, its vertical bar always shown: a list whose rows come and go one by
    one (a span made, an entry written) would show and hide it as the rows reach the bottom,
    narrowing and widening the list (its every row and its header repainted) each time."""
    area.setVerticalScrollBar(SteadyScrollBar(Qt.Orientation.Vertical))
    area.setHorizontalScrollBar(SteadyScrollBar(Qt.Orientation.Horizontal))
    for bar in (area.verticalScrollBar(), area.horizontalScrollBar()):
        bar.parentWidget().setAutoFillBackground(True)  # its container (see above)
    if vertical_on:
        area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
