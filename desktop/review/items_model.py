"""The Adjudication tab's table: a model of the document's review items whose cells are made
when the view asks for them (the rows it paints, as Anki's browser does), and a view that sizes
the rows it shows to their lines. A document of 200,000 items costs what a screenful costs;
a new alignment tells the view which rows changed (:class:`~desktop.aligned_rows.Planned`),
never the whole table again. Its rows are made when asked for too
(:class:`~desktop.aligned_rows.Rows`)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from desktop.aligned_rows import Row, Rows
from desktop.plain import NAME, line
from desktop.review.edges import RICH_ROLE
from desktop.review.item_cells import (
    KINDS,
    RELATION_KINDS,
    STATUS_MARKS,
    RowCells,
)
from desktop.table_model import Index

KIND_ALPHA = 70
"""How opaque the kind cell's shade is (of 255)."""
KEPT_ROWS = 2_000
"""Rows whose cells are kept once made (the least recently asked for go first): a few
screens, whatever the length of the document."""
Cells = Callable[[Row, tuple[str, ...]], RowCells]
"""Makes a row's cells for the table's annotator columns."""


class ItemsModel(QAbstractTableModel):
    """Rows of review items under Kind, one column per annotator, Status. :meth:`show` puts
    new rows in; :meth:`replace` changes one stretch of them."""

    def __init__(self, cells: Cells, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._make = cells
        self.rows: Rows = Rows()
        """The rows shown: changed in place (a plan's items followed edit by edit) only
        within :meth:`changing`, which the tab enters only while no worker reads them."""
        self.annotators: tuple[str, ...] = ()
        self._headers: list[str] = ["Kind", "Status"]
        self._kept: OrderedDict[int, RowCells] = OrderedDict()
        """Cells made, by row."""
        self._changing = False
        """Within :meth:`changing`, where the view may ask for cells (its selection moved,
        scrolled to) while :attr:`rows` and the kept cells' numbers disagree."""
        self._shades: dict[str, QBrush] = {}

    # -- the rows --------------------------------------------------------------------------
    def show(self, rows: Rows, annotators: tuple[str, ...]) -> None:
        """Show ``rows`` in columns for ``annotators`` in place of every row shown."""
        self.beginResetModel()
        self.rows, self._kept = rows, OrderedDict()
        if annotators != self.annotators:
            self.annotators = annotators
            self._headers = ["Kind", *(line(name, NAME) for name in annotators), "Status"]
        self.endResetModel()

    def replace(self, rows: Rows, first: int, removed: int, added: int) -> None:
        """Show ``rows``, which differ from the rows shown in ``first:first + removed`` alone
        (``rows[first:first + added]`` in their place): the rows both hold are changed, the
        others removed or inserted; the view hears of these rows only."""
        with self.changing(first, removed, added):
            self.rows = rows

    @contextmanager
    def changing(self, first: int, removed: int, added: int) -> Iterator[None]:
        """While the rows ``first:first + removed`` become ``added`` rows in :attr:`rows`
        (changed in place, or put in): the view hears of these rows alone, the cells made for
        the others are kept (moved with their rows)."""
        both = min(removed, added)
        self._forget(first, removed, added)
        self._changing = True
        try:
            if removed > added:
                self.beginRemoveRows(QModelIndex(), first + both, first + removed - 1)
                yield
                self.endRemoveRows()
            elif added > removed:
                self.beginInsertRows(QModelIndex(), first + both, first + added - 1)
                yield
                self.endInsertRows()
            else:
                yield
        finally:
            self._changing = False
        if both:
            self.dataChanged.emit(self.index(first, 0),
                                  self.index(first + both - 1, len(self._headers) - 1))

    def _forget(self, first: int, removed: int, added: int) -> None:
        """Drop the cells of rows ``first:first + removed``; those of the rows after them move
        by ``added - removed``."""
        shift = added - removed
        kept = OrderedDict()
        for row, cells in self._kept.items():
            if row < first:
                kept[row] = cells
            elif row >= first + removed:
                kept[row + shift] = cells
        self._kept = kept

    def cells(self, row: int) -> RowCells:
        """Row ``row``'s cells, made the first time they are asked for."""
        if self._changing:  # the kept cells' numbers and :attr:`rows` may differ: neither
            return self._make(self.rows[row], self.annotators)  # read nor filled
        kept = self._kept.get(row)
        if kept is not None:
            self._kept.move_to_end(row)
            return kept
        made = self._kept[row] = self._make(self.rows[row], self.annotators)
        if len(self._kept) > KEPT_ROWS:
            self._kept.popitem(last=False)
        return made

    # -- Qt's model ------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cell = self.cells(index.row()).cells[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell.tip or None
        if role == RICH_ROLE:
            return cell.rich
        if role == Qt.ItemDataRole.BackgroundRole and cell.background is not None:
            return self._shade(cell.background)
        if role == Qt.ItemDataRole.ForegroundRole and cell.foreground is not None:
            return QBrush(QColor(cell.foreground))
        return None

    def _shade(self, colour: str) -> QBrush:
        shade = self._shades.get(colour)
        if shade is None:
            tint = QColor(colour)
            tint.setAlpha(KIND_ALPHA)
            shade = self._shades[colour] = QBrush(tint)
        return shade


class ItemsTable(QTableView):
    """The table of an :class:`ItemsModel`: whole rows selected, one at a time, scrolled an
    item at a time (the scroll bar counts rows, so rows out of sight need no height), each row
    it shows as tall as its lines; Kind and Status as wide as their widest text, sized once,
    the annotators sharing the rest."""

    def __init__(self, model: ItemsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.items_model = model
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._columns = -1  # how many columns were laid out
        model.modelReset.connect(self._lay_out_columns)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved,
                       model.dataChanged):
            signal.connect(self.fit_rows)
        self._lay_out_columns()

    def _lay_out_columns(self) -> None:
        """Kind and Status as wide as the widest text they can hold, measured once for each
        number of columns (the reviewer's widths kept meanwhile); the annotator columns
        stretch. No column measures its cells."""
        last = self.items_model.columnCount() - 1
        if last == self._columns - 1:
            return
        self._columns = last + 1
        header = self.horizontalHeader()
        metrics, margin = self.fontMetrics(), 4 * self.style().pixelMetric(
            self.style().PixelMetric.PM_FocusFrameHMargin) + 12
        kinds = [f"{symbol} {kind}" for kind, (symbol, _c, _m) in KINDS.items()]
        kinds += [f"{symbol} relation {kind}" for kind, (symbol, _c, _m) in
                  RELATION_KINDS.items()]
        statuses = [f"{mark} by {'M' * 10}" for mark in STATUS_MARKS.values()]
        for column in range(last + 1):
            if column in (0, last):
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                texts = kinds if column == 0 else statuses
                header.resizeSection(column, max(metrics.horizontalAdvance(t) for t in texts)
                                     + margin)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)

    def fit_rows(self) -> None:
        """Give each row in sight the height of its lines (once the rows above it have theirs,
        the rows in sight may change: again until they do not)."""
        header = self.verticalHeader()
        base = header.defaultSectionSize()
        step = self.fontMetrics().lineSpacing()
        model = self.items_model
        for _ in range(4):
            top = self.rowAt(0)
            if top < 0:
                return
            bottom = self.rowAt(self.viewport().height() - 1)
            bottom = model.rowCount() - 1 if bottom < 0 else bottom
            changed = False
            for row in range(top, bottom + 1):
                height = base + (model.cells(row).lines - 1) * step
                if header.sectionSize(row) != height:
                    header.resizeSection(row, height)
                    changed = True
            if not changed:
                return

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        if dy:
            self.fit_rows()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_rows()
