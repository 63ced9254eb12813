"""Every control of the window and of its dialogs has an accessible name, so a screen reader
can say what each field is for: a walk over the widgets finds none without one."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTextEdit,
    QWidget,
)
from window_helpers import open_samples_window, select

from desktop.deferred import make_all
from desktop.dialogs.assign import AssignDialog
from desktop.dialogs.restore import RestoreDialog
from desktop.dialogs.transfer import ExportDialog, ImportDialog, SummaryDialog
from desktop.help_dialog import HelpDialog
from desktop.schema_dialog import SchemaDialog

pytestmark = pytest.mark.gui

CONTROLS = (QAbstractButton, QComboBox, QLineEdit, QAbstractSpinBox, QPlainTextEdit, QTextEdit,
            QAbstractItemView, QAbstractSlider)
QT_PARTS = (QScrollBar, QHeaderView)
"""Parts Qt makes inside its own widgets (a scroll area's bars, a table's headers)."""


def unnamed(root: QWidget) -> list[str]:
    """The controls under ``root`` without an accessible name: fields, lists and tables need
    one set (their placeholder or a label beside them is not read out as their name); a button
    is named by its text. Parts Qt builds inside another control (a combo box's popup list, a
    line edit's clear button) are that control's; a control hidden on purpose until it has
    something to say is passed over."""
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or isinstance(widget, QT_PARTS) \
                or widget.isHidden() or widget.objectName().startswith("qt_") \
                or _inside_a_control(widget, root):
            continue
        if isinstance(widget, QAbstractButton):
            name = QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)
        else:
            name = widget.accessibleName()
        if not name.strip():
            found.append(f"{type(widget).__name__} in {_owner(widget)} "
                         f"(tooltip {widget.toolTip()[:40]!r})")
    return found


def _owner(widget: QWidget) -> str:
    """The nearest enclosing widget of a class of this program (the test's message)."""
    parent = widget.parentWidget()
    while parent is not None and type(parent).__module__.startswith("PySide6"):
        parent = parent.parentWidget()
    return type(parent).__name__ if parent is not None else "?"


def _inside_a_control(widget: QWidget, root: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, CONTROLS):
            return True
        parent = parent.parentWidget()
    return False


@pytest.fixture
def window(qtbot, tmp_path: Path):
    win = open_samples_window(qtbot, tmp_path)
    yield win
    win.service.store.close()


def test_every_control_of_the_window_has_a_name(window, qtbot):
    select(window, 0, 8)
    qtbot.keyClick(window.editor.view, "c")  # a claim: the Span panel shows its fields
    window.editor.find_bar.open_bar()
    assert window.inspector.span is not None
    make_all(window)  # the docks' parts not shown yet (behind another tab) too
    assert unnamed(window) == []


@pytest.mark.parametrize("make", [
    lambda w: ImportDialog(w, w.service, w.settings),
    lambda w: ExportDialog(w, w.service, w.settings),
    lambda w: SchemaDialog(w.service, w),
    lambda w: HelpDialog(w),
    lambda w: RestoreDialog([], w.service.store_name, w),
    lambda w: SummaryDialog(w, "Import", "Imported 1 of 1 files."),
    lambda w: AssignDialog(w.service, "", w),
], ids=["import", "export", "schema", "help", "restore", "summary", "assign"])
def test_every_control_of_each_dialog_has_a_name(window, qtbot, make):
    dialog = make(window)
    qtbot.addWidget(dialog)
    assert unnamed(dialog) == []
