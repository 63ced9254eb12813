"""A table view whose rows, when one comes or goes, are moved on screen instead of repainted.

Qt's table view answers any row inserted or removed with a layout of the view and a repaint of
its whole viewport: a span made near the top of the Spans table repainted every row it shows
(each cell a call of the Python delegate), the rows below merely having moved down by one.
:class:`ShiftingTableView` moves the pixels of the rows below the change (:meth:`QWidget.scroll`
copies them in the window's backing store) and lets Qt repaint only what that uncovers: the
row that came, or the row that moves up into view from under the bottom edge. The layout that
follows is left to Qt, without its repaint of the whole viewport.

For views whose rows all have one height (a hidden vertical header, rows never resized to
their contents); anything else that makes Qt lay the rows out (a reset, a sort, a new model)
is repainted whole, as Qt does.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtWidgets import QTableView

Index = QModelIndex | QPersistentModelIndex


class ShiftingTableView(QTableView):
    """A :class:`QTableView` that moves its rows' pixels when top-level rows come or go."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self._shifted = False
        """Rows came or went since the last layout, all of them moved on screen already: the
        layout need not repaint the viewport."""
        self._whole = False
        """Something since the last layout wants the viewport repainted whole."""

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        self._whole = True
        if model is not None:
            model.rowsAboutToBeInserted.connect(self._coming)
            for whole in (model.modelReset, model.layoutChanged, model.rowsMoved,
                          model.columnsInserted, model.columnsRemoved):
                whole.connect(self._repaint_whole)

    def _repaint_whole(self) -> None:
        self._whole = True

    def _coming(self, parent: Index, first: int, last: int) -> None:
        if not parent.isValid():
            self._shift(self._row_top(first), (last - first + 1) * self._row_height())

    def rowsAboutToBeRemoved(self, parent: Index, first: int, last: int) -> None:
        if not parent.isValid():
            self._shift(self.rowViewportPosition(first), -(last - first + 1) * self._row_height())
        super().rowsAboutToBeRemoved(parent, first, last)

    def _row_height(self) -> int:
        return self.verticalHeader().defaultSectionSize()

    def _row_top(self, row: int) -> int:
        """Where row ``row`` begins in the viewport, the rows as shown now (past the last:
        where the next row would)."""
        count = self.model().rowCount()
        if row < count:
            return self.rowViewportPosition(row)
        return self.rowViewportPosition(count - 1) + self._row_height() if count else 0

    def _shift(self, top: int, dy: int) -> None:
        """Move what the viewport shows from ``top`` down by ``dy`` pixels (up if negative):
        Qt repaints the strip that uncovers."""
        viewport = self.viewport()
        top = max(top, 0)
        if self.isVisible() and top < viewport.height():
            viewport.scroll(0, dy, QRect(0, top, viewport.width(), viewport.height() - top))
        self._shifted = True

    def doItemsLayout(self) -> None:
        """Qt's layout of the rows; its repaint of the whole viewport skipped when the rows
        that came or went were moved on screen already, and nothing else wants it."""
        quiet = self._shifted and not self._whole
        self._shifted = self._whole = False
        viewport = self.viewport()
        if not quiet or not viewport.updatesEnabled():
            super().doItemsLayout()
            return
        bars = self.verticalScrollBar(), self.horizontalScrollBar()
        shown = [bar.value() for bar in bars]
        viewport.setAttribute(Qt.WidgetAttribute.WA_UpdatesDisabled, True)
        try:
            super().doItemsLayout()
        finally:
            viewport.setAttribute(Qt.WidgetAttribute.WA_UpdatesDisabled, False)
        if [bar.value() for bar in bars] != shown:  # a scroll (not drawn while quiet)
            viewport.update()
