"""Table cells drawn once and copied.

Qt's item views repaint every row they show when a row comes or goes above them (a span made
in the Spans table, a History entry on top), and the style draws each cell anew: it lays its
text out, elides it and fills its background, some 15 µs a cell, most of a key press's repaint
of a dock. :class:`CachedCells` keeps what was drawn for a cell as a pixmap, under what
decides its look (its text, column, size and state), and copies it when the same cell is
painted again: the row that came is drawn, the rows that moved are copied. The selected, current
and hovered cells (a row or so) are drawn by the style each time, as the view draws them. What
the view itself changes (font, palette, style, the screen's pixel ratio) drops them all.

A cell drawn for the first time (every cell of a document just opened in the Spans table) is
its text painted as the style paints it, without the style: the style lays the text out three
times (to size it, to elide it, to draw it) and asks the model for seven roles first, which made
a new cell cost about twice as much to draw as the text alone.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Hashable

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QPointF, QSize
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

CELLS = 400
"""Most cells kept (a few screens of a dock, some 3 MB; the least recently painted go first)."""
_RESTYLED = frozenset({QEvent.Type.FontChange, QEvent.Type.PaletteChange,
                       QEvent.Type.StyleChange, QEvent.Type.DevicePixelRatioChange,
                       QEvent.Type.ScreenChangeInternal})
"""Changes of the view that change how every cell looks."""
_MARKED = (QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_HasFocus
           | QStyle.StateFlag.State_MouseOver).value
"""States drawn with the row around them in mind (a tree's row highlight): drawn each time."""

_ENABLED = QStyle.StateFlag.State_Enabled.value
_ACTIVE = QStyle.StateFlag.State_Active.value

Index = QModelIndex | QPersistentModelIndex
Key = tuple[Hashable, int, int, int, int]


class _Look:
    """What drawing a new cell needs of the view, read once per font, palette, style and
    pixel ratio: the style's margin on either side of the text, the line's ascent and height,
    the font's widest character, the text's colour in each state, and a pixmap to draw in
    (a painter's start on a new pixmap costs as much as drawing the text)."""

    def __init__(self, view: QAbstractItemView) -> None:
        metrics = QFontMetricsF(view.font())
        self.margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin,
                                               None, view) + 1
        self.ascent = metrics.ascent()
        self.widest = metrics.maxWidth()
        self.height = math.ceil(metrics.ascent() + metrics.descent())
        self.ratio = view.viewport().devicePixelRatioF()
        self.pens: dict[int, QColor] = {}
        self.canvas = QPixmap()

    def pen(self, option: QStyleOptionViewItem) -> QColor:
        """The colour the style gives the text of a cell in ``option``'s state."""
        state = option.state.value
        pen = self.pens.get(state)
        if pen is None:
            group = (QPalette.ColorGroup.Disabled if not state & _ENABLED else
                     QPalette.ColorGroup.Normal if state & _ACTIVE else
                     QPalette.ColorGroup.Inactive)
            pen = self.pens[state] = option.palette.color(group, QPalette.ColorRole.Text)
        return pen

    def room(self, size: QSize) -> QPixmap:
        """The pixmap to draw a cell of ``size`` in, grown when it is too small."""
        width, height = math.ceil(size.width() * self.ratio), math.ceil(size.height() * self.ratio)
        if self.canvas.width() < width or self.canvas.height() < height:
            self.canvas = QPixmap(max(width, self.canvas.width()),
                                  max(height, self.canvas.height()))
            self.canvas.setDevicePixelRatio(self.ratio)
        return self.canvas


class CachedCells(QStyledItemDelegate):
    """The style's look of a cell of ``view``, kept and copied. For views whose cells show
    their display data alone, on one line, where the view puts it (no icon, check box,
    alignment, colour or font of their own) over the view's base (no alternating rows): the
    data and column stand for what the model says of the cell; ``text`` gives a cell's display
    data, asked without Qt (by default ``index.data()``)."""

    def __init__(self, view: QAbstractItemView, text: Callable[[Index], Hashable] | None = None,
                 cells: int = CELLS) -> None:
        super().__init__(view)
        self._text = text or (lambda index: index.data())
        self._cells = cells
        self._drawn: OrderedDict[Key, QPixmap] = OrderedDict()
        self._view = view
        self._look: _Look | None = None
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _RESTYLED:
            self._drawn.clear()
            self._look = None
        return False

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        state = option.state.value
        if state & _MARKED:  # the selected row (one): drawn
            super().paint(painter, option, index)
            return
        rect = option.rect
        data = self._text(index)
        key = (data, index.column(), rect.width(), rect.height(), state)
        drawn = self._drawn.get(key)
        if drawn is None:
            drawn = self._drawn[key] = self._draw(option, data)
            if len(self._drawn) > self._cells:
                self._drawn.popitem(last=False)
        else:
            self._drawn.move_to_end(key)
        painter.drawPixmap(rect.topLeft(), drawn)

    def _draw(self, option: QStyleOptionViewItem, data: Hashable) -> QPixmap:
        """The cell showing ``data`` as the style draws a plain cell: on the view's base, its
        text in the palette's text colour, elided to the room between the style's margins,
        at the left and centred on the line's height (the style's own rounding)."""
        look = self._look or self._measure()
        size = option.rect.size()
        room = size.width() - 2 * look.margin
        if isinstance(data, str):
            text = option.fontMetrics.elidedText(data, option.textElideMode, room)
        else:  # a number: its digits are the font's own, measured only when they may not fit
            text = self.displayText(data, option.locale)
            if len(text) * look.widest > room:
                text = option.fontMetrics.elidedText(text, option.textElideMode, room)
        canvas = look.room(size)
        cell = QPainter(canvas)
        try:
            cell.fillRect(0, 0, size.width(), size.height(), option.palette.base())
            cell.setLayoutDirection(option.direction)
            cell.setFont(option.font)
            cell.setPen(look.pen(option))
            cell.drawText(QPointF(look.margin, (size.height() - look.height) // 2
                                  + look.ascent), text)
        finally:
            cell.end()
        return canvas.copy(0, 0, math.ceil(size.width() * look.ratio),
                           math.ceil(size.height() * look.ratio))

    def _measure(self) -> _Look:
        self._look = _Look(self._view)
        return self._look
