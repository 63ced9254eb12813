"""The document label strip above the text: the current annotator's labels of the document
shown, one toggle button per value of each document category, and the values' hotkeys.

A click or a value's hotkey (while the text view has the focus, :mod:`desktop.keys`) toggles
the value through :func:`annotate.doclabels.toggle` (in a single-choice category choosing a value
replaces the one held, one undo step). The strip holds no rule of its own; it is hidden while
the schema has no document category. Key handling lives in :meth:`DocLabelStrip._make_actions`
alone.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolButton, QWidget

from annotate import doclabels
from annotate.commands import ChangeSet
from annotate.errors import ValidationError
from annotate.model import DocLabel
from annotate.schema import DocCategory, DocValue
from desktop.keys import Scope, key_action
from desktop.plain import NAME, line, mnemonic, tooltip
from desktop.service import Service


class DocLabelStrip(QWidget):
    """One row: for each document category its name, then a toggle button per value (its
    hotkey in brackets); a checked button is a label the current annotator gave the document.
    ``keys_on`` is the text view: the hotkeys act while it has the focus."""

    def __init__(self, service: Service, keys_on: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.hub = service.hub
        self.keys_on = keys_on
        self.setObjectName("docLabelStrip")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 2, 0, 2)
        self._layout.setSpacing(4)
        self.buttons: dict[tuple[str, str], QToolButton] = {}
        self.key_actions: list[QAction] = []
        self.labels: list[DocLabel] = []
        """The document's labels (every annotator's), as last read."""
        self.rebuild()
        self.hub.documentChanged.connect(lambda _uid: self.refresh())
        self.hub.annotatorChanged.connect(lambda _name: self.refresh())
        self.hub.schemaChanged.connect(self.rebuild)
        self.hub.storeChanged.connect(self.rebuild)
        self.hub.changed.connect(self._on_changed)

    # -- building --------------------------------------------------------------------------
    def rebuild(self) -> None:
        """Buttons and hotkeys anew from the schema, then the document's labels."""
        while (item := self._layout.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
        self.buttons = {}
        categories = self.service.schema().documents
        for category in categories:
            caption = QLabel(line(f"{category.name}:", NAME), self)
            caption.setTextFormat(Qt.TextFormat.PlainText)  # a damaged store's name may be any
            caption.setToolTip(tooltip(
                (category.description + "\n" if category.description else "")
                + ("any number of these" if category.multi else "one of these")))
            self._layout.addWidget(caption)
            for value in category.values:
                self.buttons[(category.name, value.name)] = self._button(category, value)
            self._layout.addSpacing(12)
        self._layout.addStretch(1)
        self._make_actions()
        self.setVisible(bool(categories))
        self.refresh()

    def _button(self, category: DocCategory, value: DocValue) -> QToolButton:
        button = QToolButton(self)
        key = f" [{value.hotkey}]" if value.hotkey else ""
        button.setText(mnemonic(line(value.name, NAME) + key))
        button.setCheckable(True)
        button.setAutoRaise(False)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        button.setToolTip(tooltip(
            f"{category.name}: {value.name}"
            + (f" ({value.hotkey})" if value.hotkey else "")
            + (f"\n{value.description}" if value.description else "")))
        colour = QColor(value.color).name()
        button.setStyleSheet(
            f"QToolButton {{ border: 1px solid {colour}; border-radius: 9px; "
            "padding: 1px 8px; }"
            f"QToolButton:checked {{ background: {colour}; color: {_ink(QColor(colour))}; "
            "font-weight: bold; }")
        button.clicked.connect(partial(self.toggle, category.name, value.name))
        self._layout.addWidget(button)
        return button

    def _make_actions(self) -> None:
        """One action per value with a hotkey, acting while ``keys_on`` (the text view) has
        the focus (this strip's only key handling)."""
        for action in self.key_actions:
            self.keys_on.removeAction(action)
            action.deleteLater()
        self.key_actions = []
        for category in self.service.schema().documents:
            for value in category.values:
                if not value.hotkey:
                    continue
                action = key_action(
                    self.keys_on, mnemonic(f"Document {category.name}: {value.name}"),
                    [value.hotkey], partial(self.toggle, category.name, value.name),
                    Scope.TEXT,
                    line(f"Toggle the document label {category.name}: {value.name}"))
                self.key_actions.append(action)

    # -- state -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the document's labels and check the current annotator's buttons."""
        uid = self.service.current
        self.labels = self.service.doc_labels(uid) if uid else []
        mine = self.mine()
        for key, button in self.buttons.items():
            button.setChecked(key in mine)
            button.setEnabled(bool(uid))

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.doc_labels and self.service.current in changes.documents:
            self.refresh()

    def toggle(self, category: str, value: str) -> None:
        """Toggle ``category``: ``value`` on the current document for the current annotator."""
        uid = self.service.current
        if not uid:
            self.hub.message.emit("open a document first")
            self.refresh()
            return
        try:
            command = doclabels.toggle(self.service.schema(), self.labels, uid, category, value,
                                       self.service.annotator)
        except ValidationError as exc:
            self.hub.message.emit(str(exc))
            return
        if self.service.apply(command) is None:
            self.refresh()  # refused (and said so) or waiting: show what is stored
            return
        held = (category, value) in self.mine()
        self.hub.message.emit(line(f"{category}: {value} {'on' if held else 'off'}"))

    def mine(self) -> set[tuple[str, str]]:
        """The (category, value) pairs the current annotator gave the document."""
        return {(d.category, d.value) for d in self.labels
                if d.annotator == self.service.annotator}


def _ink(colour: QColor) -> str:
    """Black or white, whichever reads better on ``colour``."""
    return "#000000" if colour.lightnessF() > 0.55 else "#ffffff"
