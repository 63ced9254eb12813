"""The Assign documents dialog as the tests open and drive it."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtTest import QTest

from desktop.dialogs.assign import AssignDialog
from desktop.main_window import MainWindow


def opened(window: MainWindow, qtbot) -> AssignDialog:
    """The dialog as Team ▸ Assign documents… opens it."""
    menu = window.assign_action.associatedObjects()[0]
    menu.aboutToShow.emit()
    assert window.assign_action.isEnabled()
    window.assign_action.trigger()
    dialog = window.findChild(AssignDialog)
    assert dialog is not None and dialog.isVisible()
    assert QTest.qWaitForWindowExposed(dialog)
    return dialog


def pick(dialog: AssignDialog, rows: list[int], members: list[str]) -> None:
    """Select the documents of ``rows`` and check exactly ``members``."""
    selection = QItemSelection()
    for row in rows:
        selection.select(dialog.model.index(row, 0), dialog.model.index(row, 1))
    dialog.table.selectionModel().select(
        selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)
    for i in range(dialog.members.count()):
        item = dialog.members.item(i)
        item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole)
                           in members else Qt.CheckState.Unchecked)


def member_texts(dialog: AssignDialog) -> list[str]:
    return [dialog.members.item(i).text() for i in range(dialog.members.count())]
