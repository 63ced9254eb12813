"""Edit-and-accept: adjust one of an item's spans (label, bounds, attributes) before it goes
into gold. The bounds follow a selection made in the text around the item (mouse or Shift+
arrows), or the spin boxes; the current bounds are highlighted there; the attributes are
edited with the widgets the inspector uses, for the label chosen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QTextEdit,
    QWidget,
)

from annotate.model import Span, clipped
from annotate.offsets import OffsetMap, display_text
from annotate.schema import LabelSchema
from desktop.attribute_widgets import AttributeEditor, make_editor
from desktop.caption import add_named_row
from desktop.plain import NAME, line
from desktop.review.item_cells import span_caption

CONTEXT = 300
"""Characters of text shown on each side of the item for selecting new bounds."""
BOUNDS = QColor(230, 159, 0, 90)
"""The current bounds' highlight in the context text (Okabe-Ito orange, translucent)."""


class EditDialog(QDialog):
    """Start from one of ``spans``; choose label, bounds and attributes; :meth:`edited` is the
    result."""

    def __init__(self, text: str, spans: Sequence[Span], schema: LabelSchema,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit and accept into gold")
        self.text, self.spans, self.schema = text, list(spans), schema
        self.values: dict[str, Any] = {}
        self.editors: dict[str, AttributeEditor] = {}
        self.source = QComboBox()
        for span in self.spans:
            self.source.addItem(f"{line(span.annotator, NAME)}: {span_caption(span, text)}")
        self.label = QComboBox()
        for name in schema.label_names:
            self.label.addItem(line(name, NAME), name)
        first = min(s.start for s in self.spans)
        last = max(s.end for s in self.spans)
        self.offset = max(0, first - CONTEXT)
        excerpt = text[self.offset:min(len(text), last + CONTEXT)]
        self._map, self._shown = OffsetMap(excerpt), len(excerpt)
        self.context = QPlainTextEdit()
        self.context.setReadOnly(True)
        self.context.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                             | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.context.setPlainText(display_text(excerpt))
        self.context.setAccessibleName("text around the item: select the new bounds")
        self.context.setMinimumHeight(120)
        self.context.selectionChanged.connect(self._selected)
        self.start, self.end = QSpinBox(), QSpinBox()
        for box, name in ((self.start, "start offset"), (self.end, "end offset")):
            box.setRange(0, len(text))
            box.setAccessibleName(name)
            box.valueChanged.connect(self._preview)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setMaximumHeight(80)
        self.attributes = QFormLayout()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Accept into gold")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        bounds = QHBoxLayout()
        bounds.addWidget(self.start)
        bounds.addWidget(self.end)
        form = QFormLayout(self)
        form.addRow("From", self.source)
        form.addRow("Label", self.label)
        form.addRow(QLabel("Select the new bounds in the text (or set the offsets below):"))
        form.addRow(self.context)
        form.addRow("Start – end", bounds)
        form.addRow("Text", self.preview)
        form.addRow(self.attributes)
        form.addRow(self.buttons)
        self.source.currentIndexChanged.connect(self._take)
        self.label.currentIndexChanged.connect(lambda _i: self._attribute_widgets())
        self._take(0)
        self.resize(620, self.sizeHint().height())

    def _take(self, index: int) -> None:
        span = self.spans[index]
        if self.label.findData(span.label) < 0:
            self.label.addItem(line(span.label, NAME), span.label)
        self.values = dict(span.attributes)
        self.label.blockSignals(True)
        self.label.setCurrentIndex(self.label.findData(span.label))
        self.label.blockSignals(False)
        self._attribute_widgets()
        self.set_bounds(span.start, span.end)

    def set_bounds(self, start: int, end: int) -> None:
        """Set the bounds (document offsets) the spin boxes and the highlight show."""
        for box, value in ((self.start, start), (self.end, end)):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        self._preview()

    def _selected(self) -> None:
        """A selection in the context text becomes the bounds."""
        cursor = self.context.textCursor()
        if not cursor.hasSelection():
            return
        start, end = self._map.range_from_qt(cursor.selectionStart(), cursor.selectionEnd())
        self.set_bounds(self.offset + start, self.offset + end)

    def _attribute_widgets(self) -> None:
        """One widget per attribute of the chosen label, showing the value kept for it."""
        while self.attributes.rowCount():
            self.attributes.removeRow(0)
        self.editors = {}
        defined = self.schema.label(self.label.currentData())
        for attr in defined.attributes if defined else ():
            editor = make_editor(attr, lambda value, name=attr.name: self._set(name, value))
            editor.show_value(self.values.get(attr.name))
            editor.widget.setAccessibleName(f"attribute {attr.name}")
            add_named_row(self.attributes, attr.name, editor.widget)
            self.editors[attr.name] = editor

    def _set(self, name: str, value: Any) -> None:
        if value is None:
            self.values.pop(name, None)
        else:
            self.values[name] = value

    def _preview(self) -> None:
        start, end = self.start.value(), self.end.value()
        valid = start < end
        self.preview.setPlainText(self.text[start:end] if valid else "(the end must come after "
                                                                     "the start)")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(valid)
        self._mark(start, end)

    def _mark(self, start: int, end: int) -> None:
        """Highlight ``[start, end)`` (clipped to the context shown) in the context text."""
        low = min(max(start - self.offset, 0), self._shown)
        high = min(max(end - self.offset, low), self._shown)
        marks = []
        if low < high:
            a, b = self._map.range_to_qt(low, high)
            cursor = QTextCursor(self.context.document())
            cursor.setPosition(a)
            cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
            mark = QTextEdit.ExtraSelection()
            mark.cursor = cursor  # type: ignore[attr-defined]
            fmt = QTextCharFormat()
            fmt.setBackground(BOUNDS)
            mark.format = fmt  # type: ignore[attr-defined]
            marks.append(mark)
        self.context.setExtraSelections(marks)

    def edited(self) -> Span:
        """The chosen span with the label, bounds and attribute values set here; attributes
        a new label does not define are dropped."""
        span = self.spans[self.source.currentIndex()]
        label = self.label.currentData()
        attributes = dict(self.values)
        if label != span.label:
            defined = self.schema.label(label)
            names = {a.name for a in defined.attributes} if defined else set()
            attributes = {k: v for k, v in attributes.items() if k in names}
        start, end = self.start.value(), self.end.value()
        return replace(span, label=label, start=start, end=end, attributes=attributes,
                       fragments=clipped(span.fragments, start, end))
