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

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyleOptionViewItem,
    QTableView,
)

from desktop.plain_cells import PlainCells, group
from desktop.shifting_rows import ShiftingTableView

_SELECTED = QStyle.StateFlag.State_Selected.value
_PLAIN = ~(QStyle.StateFlag.State_HasFocus | QStyle.StateFlag.State_MouseOver).value
Column = tuple[int, int, int, int]
"""A column shown: its logical index, its x in the viewport, its width, its alignment."""
Area = tuple[QRect, int, int, list[Column]]
"""An area to repaint, its first and last row and the columns it reaches."""
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


class RowPainting:
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

    def _painted_by_qt(self) -> bool:
        cells = self.itemDelegate()
        return (not isinstance(cells, PlainCells) or self.hasFocus()
                or self.viewport().underMouse() or cells.look().right_to_left
                or self.selectionBehavior() != QAbstractItemView.SelectionBehavior.SelectRows
                or self.gridStyle() != Qt.PenStyle.SolidLine)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._painted_by_qt():
            super().paintEvent(event)
            return
        model = self.model()
        rows = model.rowCount()
        region = event.region()
        areas = list(region) if 1 < region.rectCount() <= AREAS else [event.rect()]
        reached = self._reached(areas, rows) if rows else []
        if not reached:
            return
        grid = 1 if self.showGrid() else 0
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        plain = option.state.value & _PLAIN
        alternate = option.palette.brush(group(plain), QPalette.ColorRole.AlternateBase) \
            if self.alternatingRowColors() else None
        cells: PlainCells = self.itemDelegate()  # type: ignore[assignment]
        selected = self._selected_rows(min(a[1] for a in reached), max(a[2] for a in reached),
                                       model.columnCount())
        row_texts = self._row_texts
        painter = QPainter(self.viewport())
        try:
            for row, columns in self._cells(reached).items():
                top, height = self.rowViewportPosition(row), self.rowHeight(row)
                texts = row_texts(row)
                cells.draw_row(painter, option, top, height - grid,
                               plain | (_SELECTED if row in selected else 0),
                               [(left, width - grid, texts[column], align)
                                for column, left, width, align in columns],
                               alternate if row & 1 else None)
            if grid:
                colour = cells.look().grid(self, option, plain)
                for area, first, last, columns in reached:
                    self._paint_grid(painter, colour, area, [
                        self.rowViewportPosition(row) + self.rowHeight(row)
                        for row in range(first, last + 1)], columns)
        finally:
            painter.end()

    def _reached(self, areas: list[QRect], rows: int) -> list[Area]:
        """Each of the ``areas`` to repaint that some row and column reach, with its first
        and last row and the columns it reaches."""
        reached = []
        for area in areas:
            first = self.rowAt(area.top())
            if first < 0:
                continue
            last = self.rowAt(area.bottom())
            left, right = area.left(), area.right()
            columns = [column for column in self._shown_columns()
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

    def _shown_columns(self) -> list[Column]:
        """The columns the header shows, left to right, as Qt's paint finds them (read
        again only after a change of the header's sections, or a scroll)."""
        header = self.horizontalHeader()
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

    def _selected_rows(self, first: int, last: int, columns: int) -> set[int]:
        """The rows from ``first`` to ``last`` that are selected whole (as
        ``isRowSelected`` says, asked only of rows some selection range reaches: Qt asks the
        model of each column, ~16 µs a row)."""
        selection, root, rows = self.selectionModel(), QModelIndex(), set()
        for part in selection.selection():
            top, bottom = max(part.top(), first), min(part.bottom(), last)
            if part.left() == 0 and part.right() == columns - 1:  # every column, so whole
                rows.update(range(top, bottom + 1))
            else:
                rows.update(row for row in range(top, bottom + 1)
                            if selection.isRowSelected(row, root))
        return rows

    def _paint_grid(self, painter: QPainter, colour: QColor, area: QRect, bottoms: list[int],
                    columns: list[Column]) -> None:
        """The lines Qt's table draws, in ``colour``: under each row (ending at ``bottoms``)
        and right of each column, within the area repainted and the rows' and columns'
        extent."""
        right = min(area.right(), self.horizontalHeader().length() - 1)
        bottom = min(area.bottom(), self.verticalHeader().length() - 1)
        for y in bottoms:
            painter.fillRect(area.left(), y - 1, right - area.left() + 1, 1, colour)
        for _column, left, width, _align in columns:
            painter.fillRect(left + width - 1, area.top(), 1, bottom - area.top() + 1, colour)


class PaintedRows(RowPainting, QTableView):
    """A table view of whole-row selection whose rows, each cell showing its display data
    (``texts(row)[column]``, a row's asked at once, without Qt), are painted in one call; a
    column's cells are aligned as ``aligned[column]`` says (:data:`~desktop.plain_cells.RIGHT`,
    :data:`~desktop.plain_cells.MIDDLE`, else left: as the model's ``TextAlignmentRole``)."""


class PaintedTable(RowPainting, ShiftingTableView):
    """A :class:`PaintedRows` table that moves its rows' pixels when rows come or go
    (:class:`ShiftingTableView`)."""
