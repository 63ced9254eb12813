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
image files each time (more than the bar's own paint). The bar paints that colour under
itself, whichever way it is drawn, and is marked opaque: its repaint (a next document's text
bar, the document list's) paints the bar alone, not its container under it too.

What the style draws for a look of the bar is kept as a pixmap and copied when the bar shows
that look again: a short list's slider takes a few looks in turn as rows come and go (a span
made and deleted, a step undone), and the Fusion style draws a bar with gradients, a quarter of
a millisecond each time. A bar under the mouse or pressed is drawn as Qt draws it (which of its
parts is hovered is Qt's own state).

A long list's slider moves a pixel or so at each step down it (the document list on each next
document), a new look each time. Fusion draws its groove and slider with gradients across the
bar, the same all along it, so such a look is made of two kept pictures: the bar without its
slider, and the slider (with the groove around it) cut from the bar drawn with a slider of that
length in the middle, copied to the slider's place. This is done only where it was found pixel
for pixel what the style draws (tests/desktop/test_scrollbar_looks.py): the Fusion style, a
whole pixel ratio, a slider clear of the groove's ends.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from PySide6.QtCore import QEvent, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QScrollBar,
    QStyle,
    QStyleOptionSlider,
    QWidget,
)

Look = tuple[QRect, bool, bool]
"""What a bar shows of its state: the slider's rectangle, and whether it is at either end."""
LOOKS = 8
"""Most looks of a bar kept as pixmaps (4 bytes a pixel: ~60 KB for a tall bar; the least
recently shown go first)."""
MARGIN = 2
"""Pixels the style draws past the slider's rectangle along the bar (1), and what it keeps clear
of the groove's ends."""
_SLIDER = QStyle.SubControl.SC_ScrollBarSlider
_GROOVE = QStyle.SubControl.SC_ScrollBarGroove


class SteadyScrollBar(QScrollBar):
    """A :class:`QScrollBar` that skips the repaint of a range, step or value change that
    leaves it looking the same."""

    def __init__(self, orientation: Qt.Orientation) -> None:
        super().__init__(orientation)
        self._shown: Look | None = None  # as last painted
        self._drawn: OrderedDict[Hashable, QPixmap] = OrderedDict()
        self._under: QWidget | None = None
        """Its container, kept from the first paint on (asked again at each paint, Qt's
        private container class got a new Python wrapper each time: ~8-60 µs)."""

    def look(self, option: QStyleOptionSlider | None = None) -> Look:
        """How the bar looks (as its style ``option`` says, if given)."""
        if option is None:
            option = QStyleOptionSlider()
            self.initStyleOption(option)
        value = option.sliderValue
        return self._slider(option), value <= option.minimum, value >= option.maximum

    def sliderChange(self, change: QAbstractSlider.SliderChange) -> None:
        if self._shown is None or self.look() != self._shown:
            super().sliderChange(change)

    def paintEvent(self, event: QPaintEvent) -> None:
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        self._shown = self.look(option)
        under = self._under
        if under is None:
            under = self._under = self.parentWidget()
        if under is None or not under.autoFillBackground():
            super().paintEvent(event)
            return
        background = under.palette().color(under.backgroundRole())
        if self.isSliderDown() or self.underMouse():
            painter = QPainter(self)
            painter.fillRect(event.rect(), background)  # (what the container showed)
            painter.end()
            super().paintEvent(event)
            return
        option.subControls = QStyle.SubControl.SC_All
        ratio = self.devicePixelRatioF()
        bar = (self.width(), self.height(), ratio, background.rgba(), option.palette.cacheKey(),
               option.state.value, option.orientation, option.upsideDown)
        key = (*bar, option.minimum, option.maximum, option.sliderPosition, option.sliderValue,
               option.pageStep, option.singleStep)
        painter = QPainter(self)
        try:
            drawn = self._kept(key)
            if drawn is None and not self._moved(painter, option, self._shown[0], bar,
                                                 background, ratio):
                drawn = self._keep(key, self._draw(option, background, ratio))
            if drawn is not None:
                painter.drawPixmap(0, 0, drawn)
        finally:
            painter.end()

    def _kept(self, key: Hashable) -> QPixmap | None:
        drawn = self._drawn.get(key)
        if drawn is not None:
            self._drawn.move_to_end(key)
        return drawn

    def _keep(self, key: Hashable, drawn: QPixmap) -> QPixmap:
        self._drawn[key] = drawn
        if len(self._drawn) > LOOKS:
            self._drawn.popitem(last=False)
        return drawn

    def _moved(self, painter: QPainter, option: QStyleOptionSlider, slider: QRect, bar: tuple,
               background: QColor, ratio: float) -> bool:
        """Paint the bar as the bar without its slider and the ``slider`` (its place) copied
        from a bar with one of its length in the middle (see the module's text); False where
        that is not known to be what the style draws."""
        style = self.style()
        if ratio != int(ratio) or style.name().lower() != "fusion":
            return False
        vertical = option.orientation == Qt.Orientation.Vertical
        clear = _along(style.subControlRect(QStyle.ComplexControl.CC_ScrollBar, option, _GROOVE,
                                            self), -MARGIN, vertical)
        target = _along(slider, MARGIN, vertical)
        middle = QStyleOptionSlider(option)
        middle.sliderPosition = middle.sliderValue = (option.minimum + option.maximum) // 2
        source = _along(self._slider(middle), MARGIN, vertical)
        if not (clear.contains(target) and clear.contains(source)):
            return False
        length = target.height() if vertical else target.width()
        whole = self._kept(("slider", *bar, length)) or \
            self._keep(("slider", *bar, length), self._draw(middle, background, ratio))
        ends = (option.sliderPosition <= option.minimum, option.sliderPosition >= option.maximum)
        groove = self._kept(("groove", *bar, ends))
        if groove is None:
            bare = QStyleOptionSlider(option)
            bare.subControls = QStyle.SubControl.SC_All & ~_SLIDER
            groove = self._keep(("groove", *bar, ends), self._draw(bare, background, ratio))
        painter.drawPixmap(0, 0, groove)
        painter.drawPixmap(QRectF(target), whole,
                           QRectF(source.x() * ratio, source.y() * ratio,
                                  source.width() * ratio, source.height() * ratio))
        return True

    def _slider(self, option: QStyleOptionSlider) -> QRect:
        return self.style().subControlRect(QStyle.ComplexControl.CC_ScrollBar, option, _SLIDER,
                                           self)

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
        elif event.type() == QEvent.Type.ParentChange:
            self._under = None
        super().changeEvent(event)


def _along(rect: QRect, by: int, vertical: bool) -> QRect:
    """``rect`` grown by ``by`` pixels at both ends along the bar (shrunk when negative)."""
    return rect.adjusted(0, -by, 0, by) if vertical else rect.adjusted(-by, 0, by, 0)


def steady_scroll_bars(area: QAbstractScrollArea, vertical_on: bool = False) -> None:
    """Give ``area`` bars of :class:`SteadyScrollBar` (it keeps their state and policies);
    with ``vertical_on``, its vertical bar always shown: a list whose rows come and go one by
    one (a span made, an entry written) would show and hide it as the rows reach the bottom,
    narrowing and widening the list (its every row and its header repainted) each time."""
    area.setVerticalScrollBar(SteadyScrollBar(Qt.Orientation.Vertical))
    area.setHorizontalScrollBar(SteadyScrollBar(Qt.Orientation.Horizontal))
    for bar in (area.verticalScrollBar(), area.horizontalScrollBar()):
        bar.parentWidget().setAutoFillBackground(True)  # its container (see above)
        bar.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # it paints that colour
    if vertical_on:
        area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
