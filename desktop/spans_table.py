"""The spans dock: every span of the current document in a sortable, filterable table.
A click selects the span in the text; a ChangeSet touches only its rows."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotate.commands import ChangeSet
from annotate.model import Span
from desktop.plain import LINE, MESSAGE, NAME, line, tooltip, words
from desktop.service import Service
from desktop.table_model import Index, RowsModel

COLUMNS = ("Label", "Start", "End", "Text", "Annotator", "Attributes")
WIDEST = ("ARMED_GROUP", "9,999,999", "9,999,999", "", "annotator", "certainty=reported")
"""What the columns (but the stretched text) are sized to hold."""
MARGIN = 8


def attributes_text(span: Span, limit: int = LINE) -> str:
    """``name=value, ...`` of the span's set attributes, each name and value cut at ``limit``."""
    return ", ".join(f"{line(k, limit)}={line(str(v), limit)}"
                     for k, v in span.attributes.items() if v is not None)


class SpansModel(RowsModel):
    """The current document's spans; rows are replaced one by one on change."""

    COLUMNS = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""

    def set_spans(self, text: str, spans: list[Span]) -> None:
        self.beginResetModel()
        self._text, self._rows = text, list(spans)
        self.endResetModel()

    def row_of(self, span_id: str) -> int | None:
        return next((i for i, s in enumerate(self._rows) if s.id == span_id), None)

    def put(self, span: Span) -> None:
        """Insert ``span`` or replace the row of the span with its id."""
        row = self.row_of(span.id)
        if row is None:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
            self._rows.append(span)
            self.endInsertRows()
        else:
            self._rows[row] = span
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def drop(self, span_id: str) -> None:
        row = self.row_of(span_id)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        span = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = span.text_in(self._text)
            if role == Qt.ItemDataRole.DisplayRole:
                return (line(span.label, NAME), span.start, span.end, words(text),
                        line(span.annotator, NAME), line(attributes_text(span)))[index.column()]
            return tooltip(str((span.label, span.start, span.end, text, span.annotator,
                                attributes_text(span, MESSAGE))[index.column()]))
        if role == Qt.ItemDataRole.UserRole:
            return span.id
        return None


class SpansTable(QDockWidget):
    """The dock: a filter box over the sortable table."""

    def __init__(self, service: Service, parent: QWidget | None = None) -> None:
        super().__init__("Spans", parent)
        self.setObjectName("spans")
        self.service = service
        self.model = SpansModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSortRole(Qt.ItemDataRole.DisplayRole)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter spans (label, text, annotator, attributes)")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        # sized once (fitting the contents would measure every row on each change); the user
        # may drag them
        metrics = self.table.fontMetrics()
        for column, widest in enumerate(WIDEST):
            header.resizeSection(column, metrics.horizontalAdvance(widest) + 2 * MARGIN)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        self.setWidget(body)
        self.table.clicked.connect(self._on_click)
        self.table.activated.connect(self._on_click)
        hub = service.hub
        hub.documentChanged.connect(self.load)
        hub.annotatorChanged.connect(self.reload)
        hub.storeChanged.connect(self.reload)
        hub.schemaChanged.connect(self.reload)
        hub.changed.connect(self._on_changed)
        hub.spanSelected.connect(self._show_selected)

    def load(self, uid: str) -> None:
        document = self.service.document(uid) if uid else None
        self.model.set_spans(document.text if document else "",
                             self.service.spans(uid) if document else [])

    def reload(self) -> None:
        self.load(self.service.current)

    def _on_changed(self, changes: ChangeSet) -> None:
        uid = self.service.current
        if uid not in changes.documents:
            return
        for span_id, span in changes.spans_after().items():
            if span is not None and span.document == uid and \
                    span.annotator == self.service.annotator:
                self.model.put(span)
            else:
                self.model.drop(span_id)

    def _on_click(self, index: QModelIndex) -> None:
        span_id = self.proxy.data(index, Qt.ItemDataRole.UserRole)
        if span_id:
            self.service.hub.spanRequested.emit(span_id)

    def _show_selected(self, span_id: str) -> None:
        row = self.model.row_of(span_id) if span_id else None
        if row is None:
            self.table.clearSelection()
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.table.selectRow(index.row())
            self.table.scrollTo(index)
