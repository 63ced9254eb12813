"""Table cells drawn once and copied afterwards.

Qt's item views repaint every row they show when a row comes or goes above them (a span made
in the Spans table, a History entry on top), and the style draws each cell anew: it lays its
text out, elides it and fills its background, some 15 µs a cell, most of a key press's repaint
of a dock. :class:`CachedCells` keeps what the style drew for a cell as a pixmap, under what
decides its look (its text, column, size and state), and copies it when the same cell is
painted again: the row that came is drawn, the rows that moved are copied. The selected, current
and hovered cells (a row or so) are drawn each time, as the view draws them. What the view
itself changes (font, palette, style, the screen's pixel ratio) drops them all.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QPoint, QRect
from PySide6.QtGui import QPainter, QPixmap
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

Index = QModelIndex | QPersistentModelIndex
Key = tuple[Hashable, int, int, int, int]


class CachedCells(QStyledItemDelegate):
    """The style's own drawing of a cell of ``view``, kept and copied. For views whose cells
    show their display text alone (no icon, check box, colour or font of their own): the text
    and column stand for what the model says of the cell; ``text`` gives a cell's text (by
    default its display data)."""

    def __init__(self, view: QAbstractItemView, text: Callable[[Index], Hashable] | None = None,
                 cells: int = CELLS) -> None:
        super().__init__(view)
        self._text = text or (lambda index: index.data())
        self._cells = cells
        self._drawn: OrderedDict[Key, QPixmap] = OrderedDict()
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _RESTYLED:
            self._drawn.clear()
        return False

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        state = option.state.value
        if state & _MARKED:  # the selected row (one): drawn
            super().paint(painter, option, index)
            return
        rect = option.rect
        key = (self._text(index), index.column(), rect.width(), rect.height(), state)
        drawn = self._drawn.get(key)
        if drawn is None:
            drawn = self._drawn[key] = self._draw(painter, option, index)
            if len(self._drawn) > self._cells:
                self._drawn.popitem(last=False)
        else:
            self._drawn.move_to_end(key)
        painter.drawPixmap(rect.topLeft(), drawn)

    def _draw(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> QPixmap:
        """The cell as the style draws it over the view's base (what the view fills first)."""
        ratio = painter.device().devicePixelRatioF()
        size = option.rect.size()
        drawn = QPixmap(size * ratio)
        drawn.setDevicePixelRatio(ratio)
        drawn.fill(option.palette.base().color())
        cell = QPainter(drawn)
        try:
            at_origin = QStyleOptionViewItem(option)
            at_origin.rect = QRect(QPoint(0, 0), size)
            super().paint(cell, at_origin, index)
        finally:
            cell.end()
        return drawn
