"""Per-attribute decisions of the Adjudication tab: for a selected ``attributes`` item (same
label and bounds, different attributes), one choice per differing attribute among the values
the annotators gave, and a button that accepts the span into gold with the values chosen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotate.adjudication import Item, attribute_choices, with_attributes
from annotate.model import Span
from desktop.caption import add_named_row
from desktop.plain import NAME, line, tooltip

NOT_SET = "(not set)"


class AttributeChoices(QGroupBox):
    """Hidden unless :meth:`show_item` is given an open ``attributes`` item; ``accept`` is
    called with the span to put into gold (the first annotator's, with the values chosen)."""

    def __init__(self, accept: Callable[[Item, Span], object],
                 parent: QWidget | None = None) -> None:
        super().__init__("Attributes differ: choose each value", parent)
        self._accept = accept
        self.item: Item | None = None
        self.boxes: dict[str, QComboBox] = {}
        self._form = QFormLayout()
        self.accept_button = QPushButton("Accept with these &values")
        self.accept_button.setToolTip(tooltip("Copy the span into gold with the attribute values "
                                              "chosen here"))
        self.accept_button.clicked.connect(lambda _checked=False: self.accept())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addLayout(self._form)
        layout.addWidget(self.accept_button)
        self.setVisible(False)

    def show_item(self, item: Item | None) -> None:
        """Offer ``item``'s differing attributes (hidden unless it is an open
        ``attributes`` item)."""
        while self._form.rowCount():
            self._form.removeRow(0)  # deletes its widgets
        self.boxes = {}
        self.item = item if item is not None and item.kind == "attributes" \
            and item.status == "open" else None
        if self.item is None:
            self.setVisible(False)
            return
        for name, values in attribute_choices(self.item).items():
            box = QComboBox()
            for who, value in values.items():  # as wide as a name (the value whole in its tip)
                shown = NOT_SET if value is None else str(value)
                box.addItem(f"{line(who, NAME)}: {line(shown, NAME)}", value)
                box.setItemData(box.count() - 1, tooltip(f"{who}: {shown}"),
                                Qt.ItemDataRole.ToolTipRole)
            box.setAccessibleName(f"value of {name}")
            add_named_row(self._form, name, box)
            self.boxes[name] = box
        self.setVisible(True)

    def chosen(self) -> dict[str, Any]:
        """The value chosen per differing attribute (None: not set)."""
        return {name: box.currentData() for name, box in self.boxes.items()}

    def accept(self) -> object:
        if self.item is None:
            return False
        return self._accept(self.item, with_attributes(self.item.spans[0], self.chosen()))
