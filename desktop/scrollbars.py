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
document), a new look each time; a new document's text bar has a slider at its top, of that
text's length, mostly one not shown before. Fusion draws its groove and slider with gradients
across the bar, the same all along it, so such a look is made of two kept pictures: the bar
without its slider, and the slider (with what is beyond its ends) cut from the bar drawn with
a slider at the same end, or in the middle, copied to the slider's place. The slider's two
rounded ends are copied as they are and the line between them stretched to the length wanted:
one slider drawn serves every length (each new length drew the bar again before, ~1.3 M
instructions). A look so made is kept as a drawn one is: a list whose rows come and go in turn
shows it again. This is done only where it was found pixel for pixel what the style draws
(tests/desktop/test_scrollbar_looks.py: every length, at either end and between, either way,
at pixel ratios 1 and 2): the Fusion style, a whole pixel ratio, a slider at an end of the
groove or clear of it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from PySide6.QtCore import QEvent, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QScrollBar,
    QStyle,
    QStyleOptionSlider,
    QWidget,
)
from shiboken6 import isValid

Look = tuple[QRect, bool, bool]
"""What a bar shows of its state: the slider's rectangle, and whether it is at either end."""
LOOKS = 8
"""Most looks of a bar kept as pixmaps (4 bytes a pixel: ~60 KB for a tall bar; the least
recently shown go first)."""
MARGIN = 2
"""Pixels the style draws past the slider's rectangle along the bar (1), and what it keeps clear
of the groove's ends."""
SLIDER_END = 2 * MARGIN
"""Pixels at either end of a slider's strip (its :data:`MARGIN` of groove included) where the
Fusion style draws the slider's rounded end: between them it draws each line across the
slider alike, whatever its length (so a slider is stretched to another length)."""
_SLIDER = QStyle.SubControl.SC_ScrollBarSlider
_GROOVE = QStyle.SubControl.SC_ScrollBarGroove
_ACTIVE = QStyle.StateFlag.State_Active.value


class SteadyScrollBar(QScrollBar):
    """A :class:`QScrollBar` that skips the repaint of a range, step or value change that
    leaves it looking the same."""

    def __init__(self, orientation: Qt.Orientation) -> None:
        super().__init__(orientation)
        self._shown: Look | None = None  # as last painted
        self._drawn: OrderedDict[Hashable, QPixmap] = OrderedDict()
        self._looks: dict[Hashable, Look] = {}
        """The look of each whole bar kept in ``_drawn``, by its key."""
        self._bar: tuple | None = None
        """What the bar's looks are drawn for besides its slider, its pixel ratio and its
        window's activation (told to a child widget by no change event): its size, its
        container's colour, its palette, state, orientation and direction; read at the first
        paint after a change of the bar (a change event, a resize): a look kept is then
        painted without the style's option of the bar (some 25 calls into Qt a paint before,
        three answering an enum)."""
        self._groove: tuple[bool, bool, QRect] | None = None
        """Read with ``_bar``: whether the style draws the bar as :meth:`_moved` knows it does
        (Fusion), whether the bar is vertical, and where its groove ends less :data:`MARGIN`
        (the same for every look of the bar: its style, size and orientation say)."""
        self._under: QWidget | None = None
        """Its container, kept from the first paint on (asked again at each paint, Qt's
        private container class got a new Python wrapper each time: ~8-60 µs)."""
        self._option: QStyleOptionSlider | None = None
        """The option :meth:`look` fills with the bar's state, made once (each look made a
        new one, and asked the bar for its style: ~8 K instructions of the ~40 K a new range
        of the Spans table's or the History's bar cost at each span made or entry written)."""
        self._style: QStyle | None = None
        """The bar's style, kept until a change of style (or its deletion)."""

    def look(self, option: QStyleOptionSlider | None = None) -> Look:
        """How the bar looks (as its style ``option`` says, if given)."""
        if option is None:
            option = self._option
            if option is None:
                option = self._option = QStyleOptionSlider()
            self.initStyleOption(option)
        value = option.sliderValue
        return self._slider(option), value <= option.minimum, value >= option.maximum

    def sliderChange(self, change: QAbstractSlider.SliderChange) -> None:
        if self._shown is None or self.look() != self._shown:
            super().sliderChange(change)

    def paintEvent(self, event: QPaintEvent) -> None:
        under = self._under
        if under is None:
            under = self._under = self.parentWidget()
        if under is None or not under.autoFillBackground():
            self._shown = self.look()
            super().paintEvent(event)
            return
        if self.isSliderDown() or self.underMouse():
            self._shown = self.look()
            painter = QPainter(self)
            painter.fillRect(event.rect(), _background(under))  # (what the container showed)
            painter.end()
            super().paintEvent(event)
            return
        ratio = self.devicePixelRatioF()
        bar = (*(self._bar or self._read_bar(under)), ratio, self.isActiveWindow())
        key = (*bar, self.minimum(), self.maximum(), self.sliderPosition(), self.value(),
               self.pageStep(), self.singleStep())
        drawn = self._kept(key)
        if drawn is None:
            option = QStyleOptionSlider()
            self.initStyleOption(option)
            look = self._looks[key] = self.look(option)
            option.subControls = QStyle.SubControl.SC_All
            background = QColor.fromRgba(bar[2])  # (its container's, read with the bar)
            drawn = self._keep(key, self._moved(option, look[0], bar, background, ratio)
                               or self._draw(option, background, ratio))
        self._shown = self._looks[key]
        painter = QPainter(self)
        painter.drawPixmap(0, 0, drawn)
        painter.end()

    def _read_bar(self, under: QWidget) -> tuple:
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        self._bar = (self.width(), self.height(), _background(under).rgba(),
                     option.palette.cacheKey(), option.state.value & ~_ACTIVE, option.orientation,
                     option.upsideDown)
        style = self.style()
        vertical = option.orientation == Qt.Orientation.Vertical
        self._groove = (style.name().lower() == "fusion", vertical, _along(style.subControlRect(
            QStyle.ComplexControl.CC_ScrollBar, option, _GROOVE, self), -MARGIN, vertical))
        return self._bar

    def _kept(self, key: Hashable) -> QPixmap | None:
        drawn = self._drawn.get(key)
        if drawn is not None:
            self._drawn.move_to_end(key)
        return drawn

    def _keep(self, key: Hashable, drawn: QPixmap) -> QPixmap:
        self._drawn[key] = drawn
        if len(self._drawn) > LOOKS:
            self._looks.pop(self._drawn.popitem(last=False)[0], None)
        return drawn

    def _moved(self, option: QStyleOptionSlider, slider: QRect, bar: tuple, background: QColor,
               ratio: float) -> QPixmap | None:
        """The bar made of the bar without its slider and the ``slider`` (its place) copied
        from a kept slider, stretched to its length (see the module's text); None where that
        is not known to be what the style draws."""
        groove_read = self._groove  # (read with the bar)
        if groove_read is None or not groove_read[0] or ratio != int(ratio):
            return None
        _fusion, vertical, clear = groove_read
        ends = (option.sliderPosition <= option.minimum, option.sliderPosition >= option.maximum)
        target = _along(slider, MARGIN, vertical)
        if not _clear(target, clear, ends, vertical):
            return None
        strip = self._strip(option, bar, ends, target.height() if vertical else target.width(),
                            clear, vertical, background, ratio)
        if strip is None:
            return None
        groove = self._kept(("groove", *bar, ends))
        if groove is None:
            bare = QStyleOptionSlider(option)
            bare.subControls = QStyle.SubControl.SC_All & ~_SLIDER
            groove = self._keep(("groove", *bar, ends), self._draw(bare, background, ratio))
        made = groove.copy()
        painter = QPainter(made)
        try:
            for place, part in _stretched(target, strip, vertical):
                painter.drawPixmap(place, strip, part)
        finally:
            painter.end()
        return made

    def _strip(self, option: QStyleOptionSlider, bar: tuple, ends: tuple[bool, bool],
               length: int, clear: QRect, vertical: bool, background: QColor,
               ratio: float) -> QPixmap | None:
        """The slider and :data:`MARGIN` pixels of what is beyond either end (the groove, or
        the arrow's button at an end the slider is at), as the style draws it for
        ``option`` with the slider at the ``ends`` it is at, or else in the middle: kept, one
        for each bar's look and ends whose slider is longer than its two ends
        (:data:`SLIDER_END`), stretched to other lengths; a shorter one is kept by its length
        (None: the slider drawn there would not be clear of the groove's ends)."""
        key = ("slider", *bar, ends) if length > 2 * SLIDER_END else \
            ("slider", *bar, ends, length)
        strip = self._kept(key)
        if strip is not None:
            return strip
        drawn = QStyleOptionSlider(option)
        drawn.sliderPosition = drawn.sliderValue = (
            option.minimum if ends[0] else option.maximum if ends[1] else
            (option.minimum + option.maximum) // 2)
        source = _along(self._slider(drawn), MARGIN, vertical)
        if not _clear(source, clear, ends, vertical):
            return None
        strip = self._draw(drawn, background, ratio).copy(
            int(source.x() * ratio), int(source.y() * ratio), int(source.width() * ratio),
            int(source.height() * ratio))
        strip.setDevicePixelRatio(ratio)
        return self._keep(key, strip)

    def _slider(self, option: QStyleOptionSlider) -> QRect:
        style = self._style
        if style is None or not isValid(style):  # (a style of its own deleted: the app's)
            style = self._style = self.style()
        return style.subControlRect(QStyle.ComplexControl.CC_ScrollBar, option, _SLIDER, self)

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
        self._bar = None  # (its palette, state, container: read again)
        if event.type() == QEvent.Type.StyleChange:  # (a palette or size is in the key)
            self._style = None
            self._drawn.clear()
            self._looks.clear()
        elif event.type() == QEvent.Type.ParentChange:
            self._under = None
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._bar = None
        super().resizeEvent(event)

    def setInvertedAppearance(self, inverted: bool) -> None:
        self._bar = None
        super().setInvertedAppearance(inverted)


def _background(under: QWidget) -> QColor:
    """The colour a bar's container fills itself with (what shows under the bar's edges)."""
    return under.palette().color(under.backgroundRole())


def _stretched(target: QRect, strip: QPixmap, vertical: bool) -> list[tuple[QRectF, QRectF]]:
    """Where to copy which part of a slider's ``strip`` (device pixels) for it to fill
    ``target``: whole when as long; else its first and last :data:`SLIDER_END` pixels at
    ``target``'s ends and its line after the first end stretched between them."""
    ratio = strip.devicePixelRatio()
    have = (strip.height() if vertical else strip.width()) / ratio
    want = target.height() if vertical else target.width()
    if have == want:
        return [(QRectF(target), QRectF(strip.rect()))]
    end = SLIDER_END
    pieces = ((0, end, 0, end), (end, want - end, end, 1), (want - end, want, have - end, end))
    across = strip.width() if vertical else strip.height()
    places = []
    for start, stop, source, count in pieces:  # (in target, from the strip)
        if vertical:
            places.append((QRectF(target.x(), target.y() + start, target.width(), stop - start),
                           QRectF(0, source * ratio, across, count * ratio)))
        else:
            places.append((QRectF(target.x() + start, target.y(), stop - start, target.height()),
                           QRectF(source * ratio, 0, count * ratio, across)))
    return places


def _clear(strip: QRect, clear: QRect, ends: tuple[bool, bool], vertical: bool) -> bool:
    """Whether a slider's ``strip`` keeps within ``clear`` (the groove less :data:`MARGIN` at
    either end) at each end the slider is not at (``ends``: at the first, at the last)."""
    first, last = (strip.top(), strip.bottom()) if vertical else (strip.left(), strip.right())
    low, high = (clear.top(), clear.bottom()) if vertical else (clear.left(), clear.right())
    return (ends[0] or first >= low) and (ends[1] or last <= high)


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
