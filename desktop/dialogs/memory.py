"""Dialogs remember their last choices across restarts: each kept widget's value is read from
QSettings when the dialog opens and written back when the dialog is used (not on Cancel).

Choices that name things of one store (an output path, annotators, a label map) are kept per
store (:func:`desktop.place.store_key`); the rest (a format, a scheme) for every store."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from desktop.place import store_key

Kept = QComboBox | QLineEdit | QPlainTextEdit | QCheckBox | QSpinBox | QListWidget
"""Widgets whose value is kept; a list of checkable items keeps the names left unchecked (a
name new since then starts checked)."""


class DialogMemory:
    """The kept choices of dialog ``name``: for every store, and for the store at ``location``."""

    def __init__(self, settings: QSettings, name: str, location: str) -> None:
        self.settings = settings
        self.groups = (f"dialogs/{name}", f"{store_key(location)}/{name}")
        self._kept: dict[str, Kept] = {}

    def keep(self, key: str, widget: Kept, per_store: bool = False) -> None:
        """Show the value last kept for ``key`` in ``widget`` and keep its value from now on."""
        path = f"{self.groups[per_store]}/{key}"
        self._kept[path] = widget
        if self.settings.contains(path):
            _show(widget, self.settings.value(path))

    def save(self) -> None:
        """Write every kept widget's value."""
        for path, widget in self._kept.items():
            self.settings.setValue(path, _value(widget))


def _value(widget: Kept) -> object:
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QSpinBox):
        return widget.value()
    items = (widget.item(i) for i in range(widget.count()))
    return [item.text() for item in items if item.checkState() != Qt.CheckState.Checked]


def _show(widget: QWidget, value: object) -> None:
    """Show a kept ``value`` (as QSettings gives it back: an INI file returns strings, and a
    list of one as that one string); a value the widget cannot take now is passed over."""
    if isinstance(widget, QComboBox):
        index = widget.findText(str(value))
        if index >= 0:
            widget.setCurrentIndex(index)
    elif isinstance(widget, QLineEdit):
        widget.setText(str(value))
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(str(value))
    elif isinstance(widget, QCheckBox):
        widget.setChecked(str(value).lower() == "true")
    elif isinstance(widget, QSpinBox):
        if str(value).lstrip("-").isdigit():
            widget.setValue(int(str(value)))
    elif isinstance(widget, QListWidget):
        unchecked = {value} if isinstance(value, str) else set(value or ())  # type: ignore[call-overload]
        for i in range(widget.count()):
            item = widget.item(i)
            item.setCheckState(Qt.CheckState.Unchecked if item.text() in unchecked
                               else Qt.CheckState.Checked)
