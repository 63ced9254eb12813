"""A table whose rows are painted in one Python call.

Qt's table view paints each cell it shows with a call of its delegate: for a Python delegate
and model, each cell costs a crossing into Python with its style option and index converted,
and the model's row and column counts asked again (a document opened paints the Spans table's
42 cells so). :class:`PaintedTable` paints the rows in the region to repaint itself, in one
call: each cell through its :class:`~desktop.plain_cells.PlainCells` (the same pixels), aligned
as the view is told its column is, the row's texts asked of the model at once, over the
alternate base on every other row when the view alternates them, the selection as the view
holds it, then the grid as Qt draws it (one line under each row and one right of each column,
in the style's grid colour). Each rectangle of the region to repaint is painted as far as it
reaches (a row put on top and a cell marked below it: that row and that cell), not the
rectangle bounding them all, as Qt's paint event gives it (every cell of the rows between).

Qt paints instead whenever a cell may look otherwise: the view focused (its current cell
framed) or under the pointer (a cell hovered), laid out right to left, rows selected by cell,
a grid other than solid lines, or a delegate of another kind.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyleOptionViewItem,
    QTableView,
)

from desktop.plain_cells import PlainCells, group
from desktop.shifting_rows import ShiftingTableView
from desktop.table_model import KeptParts

_SELECTED = QStyle.StateFlag.State_Selected.value
_PLAIN = ~(QStyle.StateFlag.State_HasFocus | QStyle.StateFlag.State_MouseOver).value
Column = tuple[int, int, int, int]
"""A column shown: its logical index, its x in the viewport, its width, its alignment."""
Coords = tuple[int, int, int, int]
"""A rectangle's left, top, right and bottom (``QRect.getCoords``: one call into Qt, where
asking for each is four)."""
Area = tuple[Coords, int, int, list[Column]]
"""An area to repaint (its coordinates), its first and last row and the columns it reaches."""
AREAS = 8
"""Most rectangles of a region to repaint painted each alone (more: their bounding rectangle,
as Qt gives it); a row's entry on top and a cell marked below it make two."""


class ColumnHeader(QHeaderView):
    """A painted table's column header, deaf to its cells' changes. Qt's header drops the size
    it measured at each change of a cell, for sections sized to their cells; a painted
    table's never are (that would measure every row at each change: their columns are sized
    once), yet its next layout measured the header again, asking the Python model for four
    roles a section (~0.44 M instructions: a delete after a relabel or an undo in the Spans
    table). Otherwise the header a table makes itself."""

    def __init__(self, parent: QTableView) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsClickable(True)
        self.setHighlightSections(True)

    def dataChanged(self, top_left: QModelIndex, bottom_right: QModelIndex,
                    roles: Sequence[int] = ()) -> None:
        """A change of cells: nothing of the header's."""


class RowPainting(KeptParts):
    """What the views below share; mixed in before the Qt table view class (a mixin, not a
    second QTableView subclass: PySide6 casts such a diamond's QPaintDevice wrongly)."""

    def __init__(self, texts: Callable[[int], Sequence[Hashable]],
                 aligned: Sequence[int] = ()) -> None:
        super().__init__()
        self.setHorizontalHeader(ColumnHeader(self))  # type: ignore[attr-defined]
        self._row_texts = texts
        self._aligned = aligned
        self._columns: tuple[tuple[int, int], list[Column]] | None = None
        """The columns shown, each (its logical index, its x in the viewport, its width, its
        alignment), with the header's offset and length they were read at: read from the
        header once, until a section is resized (hidden, shown), moved, the count of columns
        changes or a saved state is restored (some 25 calls into Qt a paint before, ~70 K
        instructions)."""
        self._watched: QHeaderView | None = None
        """The header whose changes :meth:`_forget_columns` hears."""
        self._plain: PlainCells | None = None
        """The delegate, when it and the view's settings let the rows be painted here (a
        :class:`PlainCells`, rows selected whole, a solid grid): asked of Qt again only after
        one of its setters (three calls into Qt a paint, two answering an enum)."""
        self._settled = False
        """Whether ``_plain`` was found since the last such setter."""
        self._grid = 1
        """The width of the grid's lines (0: no grid shown), read with ``_plain``."""
        self._alternating = False
        """Whether every other row has the alternate colour, read with ``_plain`` (these two
        asked of Qt at each paint before)."""
        self._option: tuple[object, QStyleOptionViewItem, int, QBrush] | None = None
        """The view's item option, its cells' state (neither focused nor hovered) and their
        alternate row colour, with the delegate's look they were read with: read again with
        a new look (the view's font, palette, style, locale, enabled state, direction or
        pixel ratio changed) or elide mode (some six calls into Qt a paint before)."""

    def setItemDelegate(self, delegate: QAbstractItemDelegate) -> None:
        self._settled = False
        super().setItemDelegate(delegate)  # type: ignore[misc]

    def setSelectionBehavior(self, behavior: QAbstractItemView.SelectionBehavior) -> None:
        self._settled = False
        super().setSelectionBehavior(behavior)  # type: ignore[misc]

    def setGridStyle(self, style: Qt.PenStyle) -> None:
        self._settled = False
        super().setGridStyle(style)  # type: ignore[misc]

    def setShowGrid(self, show: bool) -> None:
        self._settled = False
        super().setShowGrid(show)  # type: ignore[misc]

    def setAlternatingRowColors(self, enable: bool) -> None:
        self._settled = False
        super().setAlternatingRowColors(enable)  # type: ignore[misc]

    def setTextElideMode(self, mode: Qt.TextElideMode) -> None:
        self._option = None
        super().setTextElideMode(mode)  # type: ignore[misc]

    def _painted_by_qt(self) -> bool:
        if not self._settled:
            cells = self.itemDelegate()
            self._plain = cells if isinstance(cells, PlainCells) and (
                self.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows
                and self.gridStyle() == Qt.PenStyle.SolidLine) else None
            self._grid = 1 if self.showGrid() else 0
            self._alternating = self.alternatingRowColors()
            self._settled = True
        plain = self._plain
        return (plain is None or self.hasFocus() or self.parts().viewport.underMouse()
                or plain.look().right_to_left)

    def _view_option(self, look: object) -> tuple[QStyleOptionViewItem, int, QBrush]:
        """The view's item option, its cells' state and their alternate row colour, kept
        with ``look`` (the option of a view that is not focused, as a painted one is: Qt's
        drops the window's active state then)."""
        kept = self._option
        if kept is None or kept[0] is not look:
            option = QStyleOptionViewItem()
            self.initViewItemOption(option)
            plain = option.state.value & _PLAIN
            kept = self._option = (look, option, plain, option.palette.brush(
                group(plain), QPalette.ColorRole.AlternateBase))
        return kept[1], kept[2], kept[3]

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._painted_by_qt():
            super().paintEvent(event)
            return
        model, viewport, selection, _bar, header, vertical = self.parts()
        rows = model.rowCount() if model is not None else 0  # (none: its model was deleted)
        region = event.region()
        areas = [area.getCoords() for area in region] if 1 < region.rectCount() <= AREAS \
            else [event.rect().getCoords()]
        if len(areas) > 1 and _stacked(areas):  # (Qt clips the paint to the region)
            areas = [event.rect().getCoords()]
        reached = self._reached(areas, rows, header) if rows else []
        if not reached:
            return
        grid = self._grid
        cells: PlainCells = self._plain  # type: ignore[assignment]
        look = cells.look()
        option, plain, alternate = self._view_option(look)
        if not self._alternating:
            alternate = None
        selected = self._selected_rows(selection, min(a[1] for a in reached),
                                       max(a[2] for a in reached), model.columnCount())
        row_texts = self._row_texts
        bottoms = {}
        painter = QPainter(viewport)
        try:
            for row, columns in self._cells(reached).items():
                top, height = self.rowViewportPosition(row), self.rowHeight(row)
                bottoms[row] = top + height
                texts = row_texts(row)
                cells.draw_row(painter, option, top, height - grid,
                               plain | (_SELECTED if row in selected else 0),
                               [(left, width - grid, texts[column], align)
                                for column, left, width, align in columns],
                               alternate if row & 1 else None)
            if grid:
                colour = look.grid(self, option, plain)
                edges = (self._columns[0][1] if self._columns else  # (the header's length)
                         header.length(), vertical.length())
                for area, first, last, columns in reached:
                    self._paint_grid(painter, colour, area, edges,
                                     [bottoms[row] for row in range(first, last + 1)], columns)
        finally:
            painter.end()

    def lay_ahead(self, rows: Sequence[Sequence[Hashable]]) -> None:
        """Lay out ahead of their paint the cells of ``rows`` (each a row's texts by column, as
        ``texts`` gives them) in the columns shown, as this view paints them
        (:meth:`PlainCells.lay_ahead`): rows it will likely show. Nothing while Qt paints."""
        if self._painted_by_qt():
            return
        cells: PlainCells = self._plain  # type: ignore[assignment]
        option = self._view_option(cells.look())[0]
        columns, grid = self._shown_columns(), self._grid
        for texts in rows:
            for column, _left, width, _align in columns:
                cells.lay_ahead(option, texts[column], width - grid)

    def _reached(self, areas: list[Coords], rows: int, header: QHeaderView) -> list[Area]:
        """Each of the ``areas`` to repaint that some row and column reach, with its first
        and last row and the columns it reaches (``header``: the view's column header)."""
        reached = []
        for area in areas:
            left, top, right, bottom = area
            first = self.rowAt(top)
            if first < 0:
                continue
            last = self.rowAt(bottom)
            columns = [column for column in self._shown_columns(header)
                       if column[1] <= right and column[1] + column[2] > left]
            if columns:
                reached.append((area, first, rows - 1 if last < 0 else last, columns))
        return reached

    @staticmethod
    def _cells(reached: list[Area]) -> dict[int, list[Column]]:
        """The rows the areas ``reached`` hold, top to bottom, each with the columns they
        reach in it, left to right: a cell in two areas is drawn once (twice, its text's
        edges would blend over themselves)."""
        if len(reached) == 1:
            _area, first, last, columns = reached[0]
            return dict.fromkeys(range(first, last + 1), columns)
        wanted: dict[int, set[Column]] = {}
        for _area, first, last, columns in reached:
            for row in range(first, last + 1):
                wanted.setdefault(row, set()).update(columns)
        return {row: sorted(wanted[row], key=lambda column: column[1])
                for row in sorted(wanted)}

    def _shown_columns(self, header: QHeaderView | None = None) -> list[Column]:
        """The columns the header shows, left to right, as Qt's paint finds them (read
        again only after a change of the header's sections, or a scroll); ``header``: the
        view's column header, if the caller has it (asked of :meth:`parts` otherwise)."""
        if header is None:
            header = self.parts().columns
        if header is not self._watched:
            self._watched = header
            for change in (header.sectionResized, header.sectionMoved,
                           header.sectionCountChanged,
                           header.sortIndicatorChanged):  # (also said by restoreState)
                change.connect(self._forget_columns)
            self._columns = None
        # (asking the length first makes the header do a resize it left for later, which
        # tells _forget_columns, as Qt's own paint asking where each section is would)
        key = (header.offset(), header.length())
        kept = self._columns
        if kept is None or kept[0] != key:
            aligned = self._aligned
            kept = self._columns = (key, [
                (column, self.columnViewportPosition(column), self.columnWidth(column),
                 aligned[column] if column < len(aligned) else 0)
                for column in (header.logicalIndex(v) for v in range(header.count()))
                if not header.isSectionHidden(column)])
        return kept[1]

    def _forget_columns(self, *_change: int) -> None:
        self._columns = None

    @staticmethod
    def _selected_rows(selection: QItemSelectionModel, first: int, last: int,
                       columns: int) -> set[int]:
        """The rows from ``first`` to ``last`` that ``selection`` holds whole (as
        ``isRowSelected`` says, asked only of rows some selection range reaches: Qt asks the
        model of each column, ~16 µs a row). The ranges are taken by position (iterating
        PySide's list of them cost ~9 K instructions for one range, its length and an item
        ~5 K), a range's columns told by its width (a range within the columns as wide as
        they are holds them all: one call into Qt, not its left and right)."""
        rows: set[int] = set()
        parts = selection.selection()
        for number in range(len(parts)):
            part = parts[number]
            top, bottom = max(part.top(), first), min(part.bottom(), last)
            if part.width() == columns:  # every column, so whole
                rows.update(range(top, bottom + 1))
            else:
                root = QModelIndex()
                rows.update(row for row in range(top, bottom + 1)
                            if selection.isRowSelected(row, root))
        return rows

    @staticmethod
    def _paint_grid(painter: QPainter, colour: QColor, area: Coords, edges: tuple[int, int],
                    bottoms: list[int], columns: list[Column]) -> None:
        """The lines Qt's table draws, in ``colour``: under each row (ending at ``bottoms``)
        and right of each column, within the area repainted and the rows' and columns'
        extent (``edges``: the lengths of the column and row headers)."""
        first, top, right, bottom = area
        width = min(right, edges[0] - 1) - first + 1
        height = min(bottom, edges[1] - 1) - top + 1
        for y in bottoms:
            painter.fillRect(first, y - 1, width, 1, colour)
        for _column, left, column_width, _align in columns:
            painter.fillRect(left + column_width - 1, top, 1, height, colour)


def _stacked(areas: list[Coords]) -> bool:
    """Whether the rectangles ``areas`` (a region's, top to bottom) are of one width, one
    above the next with at most a grid line between (rows next to each other: a step
    through a list repaints the row left and the row opened): their bounding rectangle
    holds nothing else, and is painted as one area (a pass through its rows and one grid,
    not one per rectangle)."""
    left, _top, right, bottom = areas[0]
    for area in areas[1:]:
        if area[0] != left or area[2] != right or area[1] > bottom + 2:
            return False
        bottom = area[3]
    return True


class PaintedRows(RowPainting, QTableView):
    """A table view of whole-row selection whose rows, each cell showing its display data
    (``texts(row)[column]``, a row's asked at once, without Qt), are painted in one call; a
    column's cells are aligned as ``aligned[column]`` says (:data:`~desktop.plain_cells.RIGHT`,
    :data:`~desktop.plain_cells.MIDDLE`, else left: as the model's ``TextAlignmentRole``)."""


class PaintedTable(RowPainting, ShiftingTableView):
    """A :class:`PaintedRows` table that moves its rows' pixels when rows come or go
    (:class:`ShiftingTableView`)."""
