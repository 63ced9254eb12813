"""The "Document labels" page of the schema editor: document categories (name, single or
multi choice, description) and, for the one selected, its values (name, hotkey, colour).

It edits plain drafts only; :meth:`LabelSchema.validate` and the store check what is saved
(names, hotkeys clashing with the span labels', values still given to documents).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotate.schema import OKABE_ITO, DocCategory, DocValue

CHOICES = ("one value", "any number of values")


class DocCategoryEditor(QWidget):
    """Edits a tuple of :class:`DocCategory`: :meth:`load` it, read it back with
    :meth:`categories`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._categories: list[DocCategory] = []
        self._row = -1
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Category", "Each annotator gives", "Description"])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setAccessibleName("Document categories")
        self.table.currentCellChanged.connect(lambda row, *_: self._select(row))
        self.values = QTableWidget(0, 3)
        self.values.setHorizontalHeaderLabels(["Value", "Hotkey", "Colour (#RRGGBB)"])
        header = self.values.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.values.verticalHeader().hide()
        self.values.setAccessibleName("Values")
        add, remove = QPushButton("Add category"), QPushButton("Remove category")
        add.clicked.connect(self.add_category)
        remove.clicked.connect(self.remove_category)
        add_value, remove_value = QPushButton("Add value"), QPushButton("Remove value")
        add_value.clicked.connect(self.add_value)
        remove_value.clicked.connect(lambda: self.values.removeRow(self.values.currentRow()))
        note = QLabel("Labels of a whole document, shown above the text. A value's hotkey "
                      "toggles it while the text has the focus; it must not be a span "
                      "label's key.")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.values, 1)
        row = QHBoxLayout()
        row.addWidget(add_value)
        row.addWidget(remove_value)
        row.addStretch(1)
        layout.addLayout(row)

    # -- categories ------------------------------------------------------------------------
    def load(self, categories: tuple[DocCategory, ...]) -> None:
        self._row = -1
        self._categories = list(categories)
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for category in self._categories:
            self._add_row(category)
        self.table.blockSignals(False)
        self.values.setRowCount(0)
        if self._categories:
            self.table.setCurrentCell(0, 0)
            self._select(0)

    def _add_row(self, category: DocCategory) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(category.name))
        choice = QComboBox()
        choice.addItems(list(CHOICES))
        choice.setCurrentIndex(int(category.multi))
        self.table.setCellWidget(row, 1, choice)
        self.table.setItem(row, 2, QTableWidgetItem(category.description))

    def _select(self, row: int) -> None:
        if row == self._row:
            return
        self._commit_values()
        self._row = row
        self.values.setRowCount(0)
        if 0 <= row < len(self._categories):
            for value in self._categories[row].values:
                self._add_value_row(value)

    def add_category(self) -> None:
        taken = {self._text(r, 0) for r in range(self.table.rowCount())}
        name = next(f"category_{n}" for n in range(1, len(taken) + 2)
                    if f"category_{n}" not in taken)
        category = DocCategory(name, (DocValue("value_1", None, OKABE_ITO[1]),))
        self._categories.append(category)
        self._add_row(category)
        self.table.setCurrentCell(len(self._categories) - 1, 0)

    def remove_category(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self._categories):
            self._row = -1
            del self._categories[row]
            self.table.removeRow(row)
            self._select(self.table.currentRow())

    # -- values ----------------------------------------------------------------------------
    def _add_value_row(self, value: DocValue) -> None:
        row = self.values.rowCount()
        self.values.insertRow(row)
        for column, text in enumerate((value.name, value.hotkey or "", value.color)):
            self.values.setItem(row, column, QTableWidgetItem(text))

    def add_value(self) -> None:
        if not 0 <= self._row < len(self._categories):
            return
        count = self.values.rowCount()
        self._add_value_row(DocValue(f"value_{count + 1}", None,
                                     OKABE_ITO[(count + 1) % len(OKABE_ITO)]))

    def _commit_values(self) -> None:
        """Write the values table back into the selected category."""
        if not 0 <= self._row < len(self._categories):
            return
        old = self._categories[self._row]
        values = []
        for row in range(self.values.rowCount()):
            name, hotkey, color = (self._cell(self.values, row, c) for c in range(3))
            before = old.value(name)
            values.append(DocValue(name, hotkey or None, color,
                                   before.description if before is not None else ""))
        self._categories[self._row] = replace(old, values=tuple(values))

    # -- reading ---------------------------------------------------------------------------
    def _text(self, row: int, column: int) -> str:
        return self._cell(self.table, row, column)

    @staticmethod
    def _cell(table: QTableWidget, row: int, column: int) -> str:
        item = table.item(row, column)
        return item.text().strip() if item is not None else ""

    def categories(self) -> tuple[DocCategory, ...]:
        """The categories as edited."""
        self._commit_values()
        result = []
        for row, category in enumerate(self._categories):
            choice = self.table.cellWidget(row, 1)
            assert isinstance(choice, QComboBox)
            result.append(replace(category, name=self._text(row, 0),
                                  multi=choice.currentIndex() == 1,
                                  description=self._text(row, 2)))
        return tuple(result)
