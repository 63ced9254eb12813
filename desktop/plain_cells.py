"""Table cells drawn as their text alone, straight onto the view.

The style draws each cell of an item view anew at each paint: it asks the model for some seven
roles, lays the text out three times (to size it, to elide it, to draw it) and fills the
cell's background, some 80 µs a cell from the window's Spans table (its model in Python).
:class:`PlainCells` draws a plain cell as the style would, pixel for pixel, from its display
text alone: the text, elided between the style's margins, in the palette's text colour (its
highlighted text colour over the highlight in a table's selected row), centred on the line as
the style rounds it, on the background the view has already filled. A new cell costs its
text's layout and little more (~15-25 µs; a number ~5 µs): on a document opened the Spans
table's seven rows took ~3 ms of CPU drawn into pixmaps kept per cell, now ~1 ms; a key press
repaints the selected row without the style.

Cells the style draws with more in mind are left to it: a cell with the keyboard focus or
under the pointer, and a view laid out right to left (the style aligns the text at the right).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPalette, QStaticText
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView

LAID = 2_000
"""Most cells' texts kept laid out (each a text and its column's width; some 1 MB)."""
_RESTYLED = frozenset({QEvent.Type.FontChange, QEvent.Type.PaletteChange,
                       QEvent.Type.StyleChange, QEvent.Type.DevicePixelRatioChange,
                       QEvent.Type.ScreenChangeInternal, QEvent.Type.LayoutDirectionChange})
"""Changes of the view that change how every cell looks."""
_STYLED = (QStyle.StateFlag.State_HasFocus | QStyle.StateFlag.State_MouseOver).value
"""States the style draws more than text for (a focus frame, a hover look)."""
_SELECTED = QStyle.StateFlag.State_Selected.value
_ENABLED = QStyle.StateFlag.State_Enabled.value
_ACTIVE = QStyle.StateFlag.State_Active.value

Index = QModelIndex | QPersistentModelIndex


class _Look:
    """What drawing a cell needs of the view, read once per font, palette, style, pixel ratio
    and direction: the style's margin on either side of the text, the line's ascent and
    height, the font's widest character and the advance of each ASCII character, and the
    text's colour in each state."""

    def __init__(self, view: QTableView) -> None:
        metrics = QFontMetricsF(view.font())
        self.advances = [metrics.horizontalAdvance(chr(code)) if code >= 32 else math.inf
                         for code in range(128)]
        self.margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin,
                                               None, view) + 1
        self.ascent = metrics.ascent()
        self.widest = metrics.maxWidth()
        self.height = math.ceil(metrics.ascent() + metrics.descent())
        self.right_to_left = view.layoutDirection() == Qt.LayoutDirection.RightToLeft
        self.pens: dict[int, QColor] = {}

    def pen(self, option: QStyleOptionViewItem, state: int) -> QColor:
        """The colour the style gives the text of a cell in ``state``."""
        pen = self.pens.get(state)
        if pen is None:
            role = (QPalette.ColorRole.HighlightedText if state & _SELECTED else
                    QPalette.ColorRole.Text)
            pen = self.pens[state] = option.palette.color(group(state), role)
        return pen

    def fits(self, text: str, room: float) -> bool:
        """Whether ``text`` surely fits in ``room``: ASCII whose characters' advances add up
        to less than the room by a character's width (shaping, kerning, moves a glyph by a
        pixel or so) -- without laying it out (as long as drawing it)."""
        return text.isascii() and sum(map(self.advances.__getitem__, text.encode())) \
            + self.widest <= room


def group(state: int) -> QPalette.ColorGroup:
    """The palette's colours the style draws a cell in ``state`` with."""
    return (QPalette.ColorGroup.Disabled if not state & _ENABLED else
            QPalette.ColorGroup.Normal if state & _ACTIVE else QPalette.ColorGroup.Inactive)


class PlainCells(QStyledItemDelegate):
    """The style's look of a cell of table ``view``, drawn from its text. For views whose cells show
    their display data alone, on one line, where the view puts it (no icon, check box,
    alignment, colour or font of their own) over the view's base (no alternating rows);
    ``text`` gives a cell's display data, asked without Qt (by default ``index.data()``)."""

    def __init__(self, view: QTableView,
                 text: Callable[[Index], Hashable] | None = None) -> None:
        super().__init__(view)
        self._text = text or (lambda index: index.data())
        self._laid: dict[tuple[Hashable, int], QStaticText | str | None] = {}
        self._view = view
        self._look: _Look | None = None
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _RESTYLED:
            self._look = None
            self._laid.clear()
        return False

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        state = option.state.value
        if state & _STYLED or (self._look or self._measure()).right_to_left:
            super().paint(painter, option, index)
            return
        self.draw(painter, option, option.rect, state, self._text(index))

    def draw(self, painter: QPainter, option: QStyleOptionViewItem, rect: QRect, state: int,
             data: Hashable) -> None:
        """Draw the cell at ``rect`` showing ``data`` in ``state`` (neither focused nor under
        the pointer), with the view's look in ``option`` (its palette, locale, font)."""
        look = self._look or self._measure()
        key = (data, rect.width())
        text = self._laid.get(key, self)
        if text is self:  # new: drawn as a string (a static text costs more the first time)
            text = self._lay_out(option, data, rect.width() - 2 * look.margin, look)
            if len(self._laid) >= LAID:
                self._laid.clear()
            self._laid[key] = text
        elif type(text) is str and text.isascii():  # shown again: kept laid out
            text = self._laid[key] = QStaticText(text)
            text.setTextFormat(Qt.TextFormat.PlainText)
        if state & _SELECTED:
            painter.fillRect(rect, option.palette.brush(group(state),
                                                        QPalette.ColorRole.Highlight))
        if text is None:
            return
        painter.setPen(look.pen(option, state))
        top = rect.y() + (rect.height() - look.height) // 2
        if isinstance(text, str):
            painter.drawText(QPointF(rect.x() + look.margin, top + look.ascent), text)
        else:
            painter.drawStaticText(rect.x() + look.margin, top, text)

    def _lay_out(self, option: QStyleOptionViewItem, data: Hashable, room: int,
                 look: _Look) -> str | None:
        """The text of a cell showing ``data`` as the style shows it, elided to ``room``
        (None: no text)."""
        text = data if isinstance(data, str) else self.displayText(data, option.locale)
        if not text:
            return None
        if look.fits(text, room):
            return text
        return option.fontMetrics.elidedText(text, option.textElideMode, room)

    def _measure(self) -> _Look:
        self._look = _Look(self._view)
        return self._look
