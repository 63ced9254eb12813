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
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QScrollBar,
    QStyle,
    QStyleOptionSlider,
)

Look = tuple[QRect, bool, bool]
"""What a bar shows of its state: the slider's rectangle, and whether it is at either end."""


class SteadyScrollBar(QScrollBar):
    """A :class:`QScrollBar` that skips the repaint of a range, step or value change that
    leaves it looking the same."""

    def __init__(self, orientation: Qt.Orientation) -> None:
        super().__init__(orientation)
        self._shown: Look | None = None  # as last painted

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
        super().paintEvent(event)


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
