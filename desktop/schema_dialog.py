"""The schema editor: add, rename, recolour and re-key labels and edit their attributes; on a
second page the relation types (:mod:`desktop.relation_type_editor`), on a third the document
label categories (:mod:`desktop.doc_category_editor`). All three are saved as one schema
change (one journaled step, undone as one).

The edited schema is checked with :meth:`LabelSchema.validate` (and by the store, which refuses
to drop a label that still has spans); the error is shown inline and nothing is saved. The last
change can be undone from here or from the Edit menu.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotate.errors import ValidationError
from annotate.schema import (
    ATTRIBUTE_TYPES,
    CATEGORIES,
    OKABE_ITO,
    AttributeDef,
    Label,
    LabelSchema,
)
from desktop.accessible import name_form_fields
from desktop.doc_category_editor import DocCategoryEditor
from desktop.plain import EDITABLE, line, message, too_long
from desktop.relation_type_editor import RelationTypeEditor
from desktop.service import Service


@dataclass(slots=True)
class Draft:
    """A label being edited; ``original`` is its stored name (None for a new label)."""

    original: str | None
    label: Label


class SchemaDialog(QDialog):
    def __init__(self, service: Service, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit schema")
        self.resize(760, 480)
        self.service = service
        self.drafts: list[Draft] = []
        self._row = -1
        self.list = QListWidget()
        self.list.setAccessibleName("Labels")
        self.list.currentRowChanged.connect(self._select)
        add, remove = QPushButton("Add label"), QPushButton("Remove label")
        add.clicked.connect(self.add_label)
        remove.clicked.connect(self.remove_label)
        self.name = QLineEdit()
        self.category = QComboBox()
        self.category.addItems(list(CATEGORIES))
        self.color = QPushButton()
        self.color.clicked.connect(self._pick_color)
        self.hotkey = QLineEdit()
        self.hotkey.setMaxLength(1)
        self.hotkey.setMaximumWidth(40)
        self.description = QLineEdit()
        self.attributes = QTableWidget(0, 3)
        self.attributes.setHorizontalHeaderLabels(["Attribute", "Type", "Choices (a, b, c)"])
        self.attributes.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch)
        self.attributes.verticalHeader().hide()
        self.attributes.setAccessibleName("Attributes")
        add_attr, remove_attr = QPushButton("Add attribute"), QPushButton("Remove attribute")
        add_attr.clicked.connect(lambda: self._add_attribute(AttributeDef("new_attribute")))
        remove_attr.clicked.connect(
            lambda: self.attributes.removeRow(self.attributes.currentRow()))
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        error_palette = self.error.palette()
        error_palette.setColor(QPalette.ColorRole.WindowText, QColor("#D55E00"))
        self.error.setPalette(error_palette)
        self.undo = QPushButton("Undo last schema change")
        self.undo.clicked.connect(self._undo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(self.undo, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        left.addLayout(row)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Category", self.category)
        form.addRow("Colour", self.color)
        form.addRow("Hotkey", self.hotkey)
        form.addRow("Description", self.description)
        form.addRow(self.attributes)
        name_form_fields(form)
        row = QHBoxLayout()
        row.addWidget(add_attr)
        row.addWidget(remove_attr)
        row.addStretch(1)
        form.addRow(row)
        spans = QWidget()
        columns = QHBoxLayout(spans)
        columns.addLayout(left, 1)
        columns.addLayout(form, 2)
        self.relations = RelationTypeEditor(self._label_drafts)
        self.documents = DocCategoryEditor()
        self.pages = QTabWidget()
        self.pages.addTab(spans, "Span labels")
        self.pages.addTab(self.relations, "Relation types")
        self.pages.addTab(self.documents, "Document labels")
        self.pages.currentChanged.connect(self._page_shown)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.load()

    # -- drafts ----------------------------------------------------------------------------
    def load(self) -> None:
        """Start over from the stored schema."""
        self._row = -1
        self.drafts = [Draft(label.name, label) for label in self.service.schema().labels]
        self.list.blockSignals(True)
        self.list.clear()
        self.list.addItems([line(d.label.name) for d in self.drafts])
        self.list.blockSignals(False)
        self.list.setCurrentRow(0)
        self.relations.load(self.service.schema().relations, self.service.relation_type_use())
        self.documents.load(self.service.schema().documents)
        self.undo.setEnabled(self.service.can_undo_schema)
        self.error.clear()

    def _label_drafts(self) -> list[Draft]:
        return self.drafts

    def _page_shown(self, page: int) -> None:
        """The relation types show the labels as the first page has them now."""
        if self.pages.widget(page) is self.relations:
            self.commit_form()
            self.relations.refresh()

    def _select(self, row: int) -> None:
        self.commit_form()
        self._row = row
        if not 0 <= row < len(self.drafts):
            return
        label = self.drafts[row].label
        self.name.setText(label.name)
        self.category.setCurrentText(label.category)
        self._show_color(label.color)
        self.hotkey.setText(label.hotkey or "")
        long = len(label.description) > EDITABLE  # kept as stored: a line edit would cut it
        self.description.setReadOnly(long)
        self.description.setText(line(label.description) if long else label.description)
        self.description.setToolTip(too_long(len(label.description)) if long else "")
        self.attributes.setRowCount(0)
        for attr in label.attributes:
            self._add_attribute(attr)

    def commit_form(self) -> None:
        """Write the form back into the selected draft."""
        if not 0 <= self._row < len(self.drafts):
            return
        draft = self.drafts[self._row]
        draft.label = replace(
            draft.label, name=self.name.text().strip(), category=self.category.currentText(),
            color=self.color.property("hex"), hotkey=self.hotkey.text().strip() or None,
            description=draft.label.description if self.description.isReadOnly()
            else self.description.text().strip(), attributes=self._read_attributes())
        item = self.list.item(self._row)
        if item is not None:
            item.setText(line(draft.label.name))

    def _add_attribute(self, attr: AttributeDef) -> None:
        row = self.attributes.rowCount()
        self.attributes.insertRow(row)
        self.attributes.setItem(row, 0, QTableWidgetItem(attr.name))
        kind = QComboBox()
        kind.addItems(list(ATTRIBUTE_TYPES))
        kind.setCurrentText(attr.type)
        self.attributes.setCellWidget(row, 1, kind)
        self.attributes.setItem(row, 2, QTableWidgetItem(", ".join(attr.choices)))

    def _read_attributes(self) -> tuple[AttributeDef, ...]:
        result = []
        for row in range(self.attributes.rowCount()):
            name_item, choices_item = self.attributes.item(row, 0), self.attributes.item(row, 2)
            kind = self.attributes.cellWidget(row, 1)
            assert isinstance(kind, QComboBox)
            choices = tuple(c.strip() for c in (choices_item.text() if choices_item else "")
                            .split(",") if c.strip())
            result.append(AttributeDef(name_item.text().strip() if name_item else "",
                                       kind.currentText(),  # type: ignore[arg-type]
                                       choices if kind.currentText() == "choice" else ()))
        return tuple(result)

    def _show_color(self, color: str) -> None:
        self.color.setProperty("hex", color)
        self.color.setText(color)
        self.color.setStyleSheet(f"QPushButton {{ border-left: 18px solid {color}; }}")

    def _pick_color(self) -> None:
        chosen = QColorDialog.getColor(QColor(self.color.property("hex")), self, "Label colour")
        if chosen.isValid():
            self._show_color(chosen.name().upper())

    def add_label(self) -> None:
        self.commit_form()
        taken = {d.label.name for d in self.drafts}
        name = next(f"LABEL_{n}" for n in range(1, len(taken) + 2) if f"LABEL_{n}" not in taken)
        color = OKABE_ITO[len(self.drafts) % len(OKABE_ITO)]
        self.drafts.append(Draft(None, Label(name, "other", color)))
        self.list.addItem(name)
        self.list.setCurrentRow(len(self.drafts) - 1)

    def remove_label(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.drafts):
            self._row = -1
            del self.drafts[row]
            self.list.takeItem(row)

    # -- saving ----------------------------------------------------------------------------
    def save(self) -> bool:
        """Validate and store; on an error say what is wrong here and keep the dialog open."""
        self.commit_form()
        renames = {d.original: d.label.name for d in self.drafts
                   if d.original is not None and d.original != d.label.name}
        try:
            relations, relation_renames = self.relations.result()
            schema = LabelSchema(tuple(d.label for d in self.drafts), relations,
                                 self.documents.categories())
            saved = self.service.set_schema(schema, renames, relation_renames)
        except ValidationError as exc:
            self.error.setText(message(str(exc)))
            return False
        if saved:
            self.accept()
        return saved

    def _undo(self) -> None:
        if self.service.undo_schema():
            self.load()
