"""Item views whose rows, when one comes or goes, are moved on screen instead of repainted.

Qt's item views answer any row inserted or removed with a layout of the view and a repaint of
its whole viewport: a span made near the top of the Spans table repainted every row it shows,
and each key press's entry put on top of the History every entry (each cell a call of the
Python delegate), the rows below merely having moved by one. These views move the pixels of
the rows below the change (:meth:`QWidget.scroll` copies them in the window's backing store,
with what was due to be repainted there) and let Qt repaint only what that uncovers: the row
that came, or the row that moves up into view from under the bottom edge. The layout that
follows is left to Qt, without its repaint of the whole viewport; where the rows more than fill
the viewport before and after, or its vertical bar is always shown, there is none: the scroll
bar's range, all it would change, is set as Qt sets it.

For tables whose rows all have one height (a hidden vertical header, rows never resized to
their contents); anything else that makes Qt lay the rows out (a reset, a sort, a new model) is
repainted whole, as Qt does.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtWidgets import QAbstractItemView, QScrollBar, QTableView

from desktop.table_model import KeptParts

Index = QModelIndex | QPersistentModelIndex


class ShiftingRows(KeptParts):
    """What the views below share; mixed in before the Qt view class."""

    _shifted = False
    """Rows came or went since the last layout, all of them moved on screen already: the
    layout need not repaint the viewport."""
    _whole = True
    """Something since the last layout wants the viewport repainted whole."""

    def _watch(self, model: QAbstractItemModel) -> None:
        self._whole = True
        model.rowsAboutToBeInserted.connect(self._coming)
        for whole in (model.modelReset, model.layoutChanged, model.rowsMoved,
                      model.columnsInserted, model.columnsRemoved):
            whole.connect(self._repaint_whole)

    def _repaint_whole(self) -> None:
        self._whole = True

    def _coming(self, parent: Index, first: int, last: int) -> None:
        if not parent.isValid():
            self._shift(first, last - first + 1)

    def rowsAboutToBeRemoved(self, parent: Index, first: int, last: int) -> None:
        if not parent.isValid():
            self._shift(first, -(last - first + 1))
        super().rowsAboutToBeRemoved(parent, first, last)  # type: ignore[misc]

    def _row_top(self, row: int) -> int:
        """Where row ``row`` (one of those shown now) begins in the viewport."""
        raise NotImplementedError

    def _row_height(self) -> int:
        """The height of each row (0: none to measure)."""
        raise NotImplementedError

    def _shift(self, row: int, rows: int) -> None:
        """Move what the viewport shows from row ``row`` on by ``rows`` rows (up if
        negative): Qt repaints the strip that uncovers. The viewport's height is asked once,
        and whether the view is shown only for a row above the viewport's bottom (the
        History's last entry taken off as one goes on top: not asked at all)."""
        view: QAbstractItemView = self  # type: ignore[assignment]
        parts = self.parts()
        count = parts.model.rowCount()
        height = self._row_height()
        if not count or not height:
            self._whole = True  # nothing on screen to move: Qt's repaint
            return
        top = self._row_top(row) if row < count else self._row_top(count - 1) + height
        if top < 0:
            top = 0
        viewport = parts.viewport
        shown = viewport.height()
        if top < shown and view.isVisible():
            viewport.scroll(0, rows * height, QRect(0, top, viewport.width(), shown - top))
        self._shifted = True

    def doItemsLayout(self) -> None:
        """Qt's layout of the rows; its repaint of the whole viewport skipped when the rows
        that came or went were moved on screen already, and nothing else wants it; and when
        only their count changed and the view was and is fuller than its viewport, no layout
        at all: the scroll bar's range is all a layout would change (:meth:`_count_changed`)."""
        view: QAbstractItemView = self  # type: ignore[assignment]
        quiet = self._shifted and not self._whole
        self._shifted = self._whole = False
        viewport = self.parts().viewport
        if not quiet or not viewport.updatesEnabled():
            super().doItemsLayout()  # type: ignore[misc]
            return
        if self._count_changed():
            return
        bars = view.verticalScrollBar(), view.horizontalScrollBar()
        shown = [bar.value() for bar in bars]
        viewport.setAttribute(Qt.WidgetAttribute.WA_UpdatesDisabled, True)
        try:
            super().doItemsLayout()  # type: ignore[misc]
        finally:
            viewport.setAttribute(Qt.WidgetAttribute.WA_UpdatesDisabled, False)
        if [bar.value() for bar in bars] != shown:  # a scroll (not drawn while quiet)
            viewport.update()

    def _count_changed(self) -> bool:
        """After rows came or went, and nothing else: set the vertical bar's range as Qt's
        layout sets it, scrolled by row, when the rows shown fill the viewport before and after
        (its page step, the rows the viewport holds whole, then depends on its height alone),
        or its vertical bar is always shown (the viewport's height never changes: its page is
        the rows it holds whole, or all of them); False, and nothing done, otherwise, or when
        the model can fetch more rows and its last row is in view. Qt's layout (~0.13 M
        instructions in the History, ~0.18 M in a big document's Spans table) would find the
        same headers and columns and start a timer to fetch more rows, which fetches them only
        when the last row shows (a big document's Spans table, its rows read as it is
        scrolled, was laid out at each span made or deleted)."""
        raise NotImplementedError


class ShiftingTableView(ShiftingRows, QTableView):
    """A :class:`QTableView` that moves its rows' pixels when top-level rows come or go."""

    _always: bool | None = None
    """Whether the vertical bar is always shown, asked of Qt once until its policy is set."""
    _by_item: bool | None = None
    """Whether the view scrolls by item vertically, asked of Qt once until its scroll mode is
    set, reset or may follow a new style (each ask made a Python enum of Qt's answer, ~10 K
    instructions at each layout after a row came or went)."""

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if model is not None:
            self._watch(model)

    def setVerticalScrollBarPolicy(self, policy: Qt.ScrollBarPolicy) -> None:
        self._always = None
        super().setVerticalScrollBarPolicy(policy)

    def setVerticalScrollMode(self, mode: QAbstractItemView.ScrollMode) -> None:
        self._by_item = None
        super().setVerticalScrollMode(mode)

    def resetVerticalScrollMode(self) -> None:
        self._by_item = None
        super().resetVerticalScrollMode()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.StyleChange:  # (a mode not set follows the style)
            self._by_item = None
        super().changeEvent(event)

    def _row_top(self, row: int) -> int:
        return self.rowViewportPosition(row)

    def _row_height(self) -> int:
        return self.parts().rows.defaultSectionSize()

    def _count_changed(self) -> bool:
        model, viewport, _selection, bar, _columns, header = self.parts()
        by_item = self._by_item
        if by_item is None:
            by_item = self._by_item = \
                self.verticalScrollMode() == QAbstractItemView.ScrollMode.ScrollPerItem
        if not by_item or not header.isHidden():  # (a shown header may widen)
            return False
        count = model.rowCount()
        always = self._always
        if always is None:
            always = self._always = \
                self.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOn
        if always:
            # the bar shown whatever its range, the viewport keeps its height: Qt's layout
            # gives the bar a page of the rows it holds whole, or of all the rows when they
            # are fewer
            height = header.defaultSectionSize()
            if not height:
                return False
            shown, value = viewport.height(), bar.value()
            page = max(min(count, shown // height), 1)
            if (count - 1 - min(value, count - page)) * height < shown \
                    and model.canFetchMore(QModelIndex()):
                return False  # the last row in view: Qt's layout fetches more rows
            _set_range(bar, count - page, value, bar.maximum())
            bar.setPageStep(page)
        else:  # the bar shown only while the rows overflow: shown before and after
            rows, before = count - bar.pageStep(), bar.maximum()
            if before <= 0 or rows <= 0:
                return False
            _set_range(bar, rows, bar.value(), before)
        if not header.updatesEnabled():  # (Qt's table stops them when rows go, till laid out)
            header.setUpdatesEnabled(True)
        return True


def _set_range(bar: QScrollBar, maximum: int, value: int, before: int) -> None:
    """Give ``bar`` (at ``value``, its maximum ``before``) the range from 0 to ``maximum``,
    as Qt's layout does, but unheard by its scroll area when its value stays and its range
    still holds more than one value, or still does not: the bar is shown before and after,
    and the area's answer to a new range, a queued relayout of its bars and viewport
    (posted, delivered through the view's event filters, and finding every child where it
    was: ~40 K instructions at each span made or deleted in the Spans table, each entry put
    on top of the History), would change nothing. A value the range no longer holds is
    moved with the bar heard (the view scrolls); a range that comes to hold more than one
    value or ceases to is heard too: under a style of transient bars (macOS's), a bar always
    shown is shown only while it can scroll, and the area shows or hides it then."""
    if value > maximum or (maximum > 0) != (before > 0):
        bar.setRange(0, maximum)
        return
    blocked = bar.blockSignals(True)
    try:
        bar.setRange(0, maximum)
    finally:
        bar.blockSignals(blocked)
