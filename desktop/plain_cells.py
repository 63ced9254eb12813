"""Table cells drawn as their text alone, straight onto the view.

The style draws each cell of an item view anew at each paint: it asks the model for some seven
roles, lays the text out three times (to size it, to elide it, to draw it) and fills the
cell's background, some 80 µs a cell from the window's Spans table (its model in Python).
:class:`PlainCells` draws a plain cell as the style would, pixel for pixel, from its display
text alone: the text, elided between the style's margins, in the palette's text colour (its
highlighted text colour over the highlight in a table's selected row), centred on the line as
the style rounds it, at the left, the right or the middle as the cell's alignment says, on the
background the view has already filled (its base, or its alternate base on every other row).
A new cell costs its text's layout and little more (~15-25 µs; a number ~5 µs): on a document
opened the Spans table's seven rows took ~3 ms of CPU drawn into pixmaps kept per cell, now
~1 ms; a key press repaints the selected row without the style.

Cells the style draws with more in mind are left to it: a cell with the keyboard focus or
under the pointer, and a view laid out right to left (the style aligns the text at the right).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Hashable, Sequence

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    Qt,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetricsF,
    QPainter,
    QPalette,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView

LAID = 2_000
"""Most cells' texts kept laid out (each a text and its column's width; some 1 MB)."""
_RESTYLED = frozenset({QEvent.Type.FontChange, QEvent.Type.PaletteChange,
                       QEvent.Type.StyleChange, QEvent.Type.DevicePixelRatioChange,
                       QEvent.Type.ScreenChangeInternal, QEvent.Type.LayoutDirectionChange,
                       QEvent.Type.EnabledChange, QEvent.Type.LocaleChange})
"""Changes of the view that change how every cell looks (or, its locale, what it shows)."""
_STYLED = (QStyle.StateFlag.State_HasFocus | QStyle.StateFlag.State_MouseOver).value
"""States the style draws more than text for (a focus frame, a hover look)."""
_SELECTED = QStyle.StateFlag.State_Selected.value
_ENABLED = QStyle.StateFlag.State_Enabled.value
_ACTIVE = QStyle.StateFlag.State_Active.value
RIGHT, MIDDLE = Qt.AlignmentFlag.AlignRight.value, Qt.AlignmentFlag.AlignHCenter.value
"""A cell's text at the right of its cell, or in the middle (else at the left)."""
_UNCUT = Qt.AlignmentFlag.AlignTop.value | Qt.TextFlag.TextDontClip.value
_TURNING = frozenset({"R", "AL", "AN", "LRE", "LRO", "RLE", "RLO", "PDF", "LRI", "RLI", "FSI",
                      "PDI"})
"""Bidirectional classes of the characters that may lay a text out otherwise than left to
right (right-to-left letters and digits, embeddings, overrides, isolates)."""

Index = QModelIndex | QPersistentModelIndex
Cell = tuple[int, int, Hashable, int]
"""A cell of a row: its left, its width, its display data, its alignment (:func:`horizontal`)."""


class _Look:
    """What drawing a cell needs of the view, read once per font, palette, style, pixel ratio
    and direction: the style's margin on either side of the text, the line's ascent and
    height, the font's widest character and the advance of each ASCII character, and the
    text's colour in each state."""

    def __init__(self, view: QTableView) -> None:
        metrics = QFontMetricsF(view.font())
        self._in_font = metrics.inFontUcs4
        self.advances = [metrics.horizontalAdvance(chr(code)) if code >= 32 else math.inf
                         for code in range(128)]
        self.margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin,
                                               None, view) + 1
        self.ascent = metrics.ascent()
        self.widest = metrics.maxWidth()
        self.height = math.ceil(metrics.ascent() + metrics.descent())
        self.right_to_left = view.layoutDirection() == Qt.LayoutDirection.RightToLeft
        ratio = view.devicePixelRatioF()
        self.device = QTransform.fromScale(ratio, ratio)
        """The transform a static text is prepared for: the one a view's painter draws with,
        its pixel ratio (and a translation, which a static text's drawing leaves out)."""
        self.pens: dict[int, QColor] = {}
        self.fills: dict[int, QBrush] = {}
        self.grids: dict[int, QColor] = {}

    def pen(self, option: QStyleOptionViewItem, state: int) -> QColor:
        """The colour the style gives the text of a cell in ``state``."""
        pen = self.pens.get(state)
        if pen is None:
            role = (QPalette.ColorRole.HighlightedText if state & _SELECTED else
                    QPalette.ColorRole.Text)
            pen = self.pens[state] = option.palette.color(group(state), role)
        return pen

    def fill(self, option: QStyleOptionViewItem, state: int) -> QBrush:
        """The brush the style fills a selected cell in ``state`` with."""
        fill = self.fills.get(state)
        if fill is None:
            fill = self.fills[state] = option.palette.brush(group(state),
                                                            QPalette.ColorRole.Highlight)
        return fill

    def grid(self, view: QTableView, option: QStyleOptionViewItem, state: int) -> QColor:
        """The colour the style gives a table's grid, its cells in ``state`` (as
        ``option``, the view's, says)."""
        key = state & (_ENABLED | _ACTIVE)  # (the palette's group)
        colour = self.grids.get(key)
        if colour is None:
            colour = self.grids[key] = QColor.fromRgba(view.style().styleHint(
                QStyle.StyleHint.SH_Table_GridLineColor, option, view) & 0xFFFFFFFF)
        return colour

    def fits(self, text: str, room: float) -> bool:
        """Whether ``text`` surely fits in ``room``, without laying it out (as long as
        drawing it): its ASCII characters' advances, and the font's widest for each other
        character, add up to less than the room by a character's width (shaping, kerning,
        moves a glyph by a pixel or so); each other character of the view's font (one of
        another font may be wider than its widest). Accented words and other scripts in a
        wide cell are so not measured for eliding (a document opened shows its spans'
        texts, most with some)."""
        if text.isascii():
            return sum(map(self.advances.__getitem__, text.encode())) + self.widest <= room
        plain = text.encode("ascii", "ignore")
        return sum(map(self.advances.__getitem__, plain)) \
            + (len(text) - len(plain) + 1) * self.widest <= room \
            and all(map(self._in_font, {ord(character) for character in text
                                        if not character.isascii()}))

    def keeps(self, text: str) -> bool:
        """Whether ``text``, shown again, is drawn as well from a static text: ASCII, or laid
        out left to right (:func:`left_to_right`) in the view's font alone. A character of
        another font (one the view's lacks) may make the static text's line taller, its
        baseline then lower than the string's, drawn at the view's font's ascent."""
        if text.isascii():
            return True
        others = {ord(character) for character in text if not character.isascii()}
        return left_to_right(text) and all(map(self._in_font, others))


def left_to_right(text: str) -> bool:
    """Whether ``text`` is laid out left to right whatever the direction it is laid out in
    (no character of :data:`_TURNING`): as a static text (its direction found from its
    letters) it is then laid out as the style lays it out (in the view's direction), an
    elided text (its "…") or one of accented letters and arrows as well as ASCII."""
    return text.isascii() or _TURNING.isdisjoint(map(unicodedata.bidirectional, text))


def _static(text: str) -> QStaticText:
    """``text`` as a static text of plain text (a cell's text is never rich)."""
    static = QStaticText(text)
    static.setTextFormat(Qt.TextFormat.PlainText)
    return static


def group(state: int) -> QPalette.ColorGroup:
    """The palette's colours the style draws a cell in ``state`` with."""
    return (QPalette.ColorGroup.Disabled if not state & _ENABLED else
            QPalette.ColorGroup.Normal if state & _ACTIVE else QPalette.ColorGroup.Inactive)


def horizontal(alignment: object) -> int:
    """The horizontal part of a cell's alignment (its ``TextAlignmentRole``; None: left)."""
    return 0 if alignment is None else int(alignment) & (RIGHT | MIDDLE)  # type: ignore[call-overload]


class PlainCells(QStyledItemDelegate):
    """The style's look of a cell of table ``view``, drawn from its text. For views whose cells show
    their display data alone, on one line, aligned as their ``TextAlignmentRole`` says (no
    icon, check box, colour or font of their own) over the row's background the view fills
    (its base or alternate base); ``text`` gives a cell's display data, asked without Qt (by
    default ``index.data()``)."""

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
        if state & _STYLED or self.look().right_to_left:
            super().paint(painter, option, index)
            return
        self.draw(painter, option, option.rect, state, self._text(index),
                  horizontal(index.data(Qt.ItemDataRole.TextAlignmentRole)))

    def draw(self, painter: QPainter, option: QStyleOptionViewItem, rect: QRect, state: int,
             data: Hashable, align: int = 0) -> None:
        """Draw the cell at ``rect`` showing ``data`` in ``state`` (neither focused nor under
        the pointer), with the view's look in ``option`` (its palette, locale, font), at the
        left, or at the right or in the middle (``align``: :data:`RIGHT`, :data:`MIDDLE`)."""
        self.draw_row(painter, option, rect.y(), rect.height(), state,
                      [(rect.x(), rect.width(), data, align)])

    def draw_row(self, painter: QPainter, option: QStyleOptionViewItem, top: int, height: int,
                 state: int, cells: Sequence[Cell], shade: QBrush | None = None) -> None:
        """Draw a row's ``cells`` side by side, left to right, each (its left, its width, its
        data, its alignment) as :meth:`draw` draws one, over ``shade`` (an alternate row's
        colour; None: the base the view filled) unless selected. A cell costs the drawing of
        its text and little else: the row is filled once, its pen set once."""
        look = self.look()
        fill = look.fill(option, state) if state & _SELECTED else shade
        if fill is not None and cells:
            left, last = cells[0][0], cells[-1]
            painter.fillRect(left, top, last[0] + last[1] - left, height, fill)
        painter.setPen(look.pen(option, state))
        top += (height - look.height) // 2
        laid, margin = self._laid, look.margin
        for left, width, data, align in cells:
            key = (data, width)
            text = laid.get(key, self)
            if text is self:  # new: drawn as a string (a static text costs more the 1st time)
                text = self._lay_out(option, data, width - 2 * margin, look)
                if len(laid) >= LAID:
                    laid.clear()
                laid[key] = text
            elif type(text) is str and look.keeps(text):  # shown again: kept laid out
                text = laid[key] = _static(text)
            if text is None:
                continue
            if type(text) is str:
                if align:  # laid out to its width as it is drawn, as the style aligns it
                    painter.drawText(QRectF(left + margin, top, width - 2 * margin,
                                            look.height), align | _UNCUT, text)
                else:
                    painter.drawText(QPointF(left + margin, top + look.ascent), text)
            elif align:
                room = width - 2 * margin - text.size().width()
                painter.drawStaticText(QPointF(left + margin + (room if align & RIGHT else
                                                                room / 2), top), text)
            else:
                painter.drawStaticText(left + margin, top, text)

    def lay_ahead(self, option: QStyleOptionViewItem, data: Hashable, width: int) -> None:
        """Lay out, ahead of its first paint, the text of a cell ``width`` wide showing
        ``data`` (with the view's look in ``option``), as :meth:`draw_row` keeps a text shown
        again: drawn then from a static text prepared for the view's font, not laid out
        and shaped as a new string (a number ~37 K instructions -> ~21 K, a line of text
        ~200 K -> ~125 K). A text only a string draws as the style does (:meth:`_Look.keeps`)
        is kept elided alone. Kept by text and width, as any cell's: a cell that shows
        something else when painted draws that, as a new one."""
        key, laid = (data, width), self._laid
        text = laid.get(key, self)
        if text is not self and type(text) is not str:
            return
        look = self.look()
        if text is self:
            text = self._lay_out(option, data, width - 2 * look.margin, look)
        if type(text) is str and look.keeps(text):
            text = _static(text)
            text.prepare(look.device, option.font)
        if len(laid) >= LAID:
            laid.clear()
        laid[key] = text

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

    def look(self) -> _Look:
        """What drawing a cell needs of the view, measured when first needed after a change
        of its look."""
        return self._look or self._measure()

    def _measure(self) -> _Look:
        self._look = _Look(self._view)
        return self._look
