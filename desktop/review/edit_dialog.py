"""Edit-and-accept: adjust one of an item's spans (label, bounds) before it goes into gold."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from annotate.model import Span, clipped
from annotate.schema import LabelSchema
from desktop.plain import MESSAGE, NAME, line, words


def span_text(span: Span, text: str, limit: int = MESSAGE) -> str:
    """The span's text, cut to ``limit`` characters (a huge span costs no more than that)."""
    if span.end - span.start <= limit:
        return text[span.start:span.end]
    return text[span.start:span.start + limit - 1] + "…"


def span_caption(span: Span, text: str, width: int = 50) -> str:
    """``LABEL start–end “text”`` on one line, the text cut to ``width`` characters."""
    excerpt = words(text[span.start:min(span.end, span.start + 4 * width)], width)
    return f"{line(span.label, NAME)} {span.start}–{span.end} “{excerpt}”"


class EditDialog(QDialog):
    """Start from one of ``spans``; choose label and bounds; :meth:`edited` is the result."""

    def __init__(self, text: str, spans: Sequence[Span], schema: LabelSchema,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit and accept into gold")
        self.text, self.spans, self.schema = text, list(spans), schema
        self.source = QComboBox()
        for span in self.spans:
            self.source.addItem(f"{line(span.annotator, NAME)}: {span_caption(span, text)}")
        self.label = QComboBox()
        for name in schema.label_names:
            self.label.addItem(line(name, NAME), name)
        self.start, self.end = QSpinBox(), QSpinBox()
        for box in (self.start, self.end):
            box.setRange(0, len(text))
            box.valueChanged.connect(self._preview)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setMaximumHeight(100)
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
        form.addRow("Start – end", bounds)
        form.addRow("Text", self.preview)
        form.addRow(self.buttons)
        self.source.currentIndexChanged.connect(self._take)
        self._take(0)
        self.resize(520, self.sizeHint().height())

    def _take(self, index: int) -> None:
        span = self.spans[index]
        if self.label.findData(span.label) < 0:
            self.label.addItem(line(span.label, NAME), span.label)
        self.label.setCurrentIndex(self.label.findData(span.label))
        self.start.setValue(span.start)
        self.end.setValue(span.end)
        self._preview()

    def _preview(self) -> None:
        start, end = self.start.value(), self.end.value()
        valid = start < end
        self.preview.setPlainText(self.text[start:end] if valid else "(the end must come after "
                                                                     "the start)")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(valid)

    def edited(self) -> Span:
        """The chosen span with the label and bounds set here; attributes the new label does not
        define are dropped."""
        span = self.spans[self.source.currentIndex()]
        label = self.label.currentData()
        attributes = dict(span.attributes)
        if label != span.label:
            defined = self.schema.label(label)
            names = {a.name for a in defined.attributes} if defined else set()
            attributes = {k: v for k, v in attributes.items() if k in names}
        start, end = self.start.value(), self.end.value()
        return replace(span, label=label, start=start, end=end, attributes=attributes,
                       fragments=clipped(span.fragments, start, end))
