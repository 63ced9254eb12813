"""The part every flat table model shares: rows under a fixed row of column headers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, NamedTuple

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QHeaderView, QScrollBar, QTableView, QWidget
from shiboken6 import isValid

Index = QModelIndex | QPersistentModelIndex
_ONLY = QItemSelectionModel.SelectionFlag.ClearAndSelect
_CURRENT = QItemSelectionModel.SelectionFlag.NoUpdate


class RowsModel(QAbstractTableModel):
    """A table of ``self._rows`` (one item each) under the class's ``COLUMNS`` headers."""

    COLUMNS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def cell(self, row: int, column: int) -> QModelIndex:
        """The index of the cell at ``row``, ``column``, one this model holds: made as Qt's
        ``index()`` makes it, without asking the model for its row and column counts (which
        ``index()`` does, two calls from Qt into Python)."""
        return self.createIndex(row, column)

    def texts(self, row: int) -> Sequence[Any]:
        """What the cells of row ``row`` show, by column (their display data, asked without
        Qt): for views that draw the cells themselves (:mod:`desktop.painted_rows`), a row in
        one call."""
        raise NotImplementedError(f"{type(self).__name__} draws no cell itself")

    def text(self, row: int, column: int) -> Any:
        """What the cell at ``row``, ``column`` shows."""
        return self.texts(row)[column]

    def shown(self, index: Index) -> Any:
        """What the cell at ``index`` shows (:meth:`text`)."""
        return self.text(index.row(), index.column())


def header_apart(view: QTableView) -> None:
    """Keep ``view``'s column header out of its row selection: whole rows are selected, so its
    sections would turn bold with a row selected and back with none, telling nothing; and the
    header, sharing the view's selection, would be repainted whole at each selection (a span
    made or deleted, a document opened). It gets a selection of its own, never changed."""
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSelectionModel(QItemSelectionModel(view.model(), header))


def select_row(view: QTableView, model: RowsModel, row: int) -> bool:
    """Select row ``row`` of ``view`` (whose rows are selected whole, one at a time) and make
    it current, as ``selectRow`` does; True when it made the row current (it was not), which
    Qt's view scrolls to itself (unless its ``autoScroll`` is off). A row selected and
    current already (its first cell tells) is left as it is; a row current already but not
    selected (Ctrl+click took the selection off it) is selected, and Qt scrolls to nothing:
    False either way. The row's cells are made without asking the Python ``model`` for its
    counts (:meth:`RowsModel.cell`): Qt asks them at each index it makes, some 14 calls into
    Python a row selected through the view."""
    selection = view.selectionModel()
    index = model.cell(row, 0)
    current = selection.currentIndex() == index
    if current and selection.isSelected(index):
        return False
    selection.select(QItemSelection(index, model.cell(row, len(model.COLUMNS) - 1)), _ONLY)
    selection.setCurrentIndex(index, _CURRENT)
    return not current


class Parts(NamedTuple):
    """A table view's parts a key press's changes and paints use."""

    model: QAbstractTableModel | None
    """None once the view's model was deleted."""
    viewport: QWidget
    selection: QItemSelectionModel
    bar: QScrollBar
    """The vertical scroll bar."""
    columns: QHeaderView
    """The horizontal header."""
    rows: QHeaderView
    """The vertical header."""


class KeptParts:
    """A table view's :class:`Parts`, asked of Qt once, until one of them is set anew; mixed
    in before the Qt view class. Each ask is a call into Qt whose answer is found a Python
    wrapper (some 3 K instructions): a row put in, the layout after and the paint of the row
    asked for them a dozen times."""

    _kept: Parts | None = None

    def parts(self) -> Parts:
        """The parts, asked of Qt again once the model kept was deleted (the view then has
        none: a paint called into the deleted model)."""
        kept = self._kept
        if kept is None or (kept.model is not None and not isValid(kept.model)):
            view: QTableView = self  # type: ignore[assignment]
            kept = self._kept = Parts(view.model(), view.viewport(), view.selectionModel(),
                                      view.verticalScrollBar(), view.horizontalHeader(),
                                      view.verticalHeader())
        return kept

    def setModel(self, model: QAbstractItemModel | None) -> None:
        self._kept = None
        super().setModel(model)  # type: ignore[misc]
        self._kept = None  # (asked meanwhile, before Qt's new selection model was set)

    def setSelectionModel(self, selection: QItemSelectionModel) -> None:
        self._kept = None
        super().setSelectionModel(selection)  # type: ignore[misc]

    def setViewport(self, widget: QWidget | None) -> None:
        self._kept = None
        super().setViewport(widget)  # type: ignore[misc]

    def setVerticalScrollBar(self, bar: QScrollBar) -> None:
        self._kept = None
        super().setVerticalScrollBar(bar)  # type: ignore[misc]

    def setHorizontalHeader(self, header: QHeaderView) -> None:
        self._kept = None
        super().setHorizontalHeader(header)  # type: ignore[misc]

    def setVerticalHeader(self, header: QHeaderView) -> None:
        self._kept = None
        super().setVerticalHeader(header)  # type: ignore[misc]
