"""The window's Team menu (its Assign dialog, :mod:`desktop.dialogs.assign`, is imported when
first opened: the window's start needs none of it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from desktop.service import Service

if TYPE_CHECKING:
    from desktop.dialogs.assign import AssignDialog


def add_team_menu(menu: QMenu, service: Service, search: Callable[[], str],
                  parent: QWidget) -> QAction:
    """Fill the Team menu: Assign documents… opens the dialog (one at a time) with the
    document list's search (``search``), enabled for whoever may assign on the open store;
    for anyone else its tooltip says why."""
    action = QAction("&Assign documents…", parent)
    menu.setToolTipsVisible(True)
    menu.addAction(action)
    opened: list[AssignDialog] = []  # the dialog open, if one is

    def enable() -> None:
        roster = service.roster()
        refusal = "the store cannot be read" if roster is None else roster.refusal
        action.setEnabled(refusal is None)
        action.setToolTip(refusal or "Give documents to annotators, by hand or balanced; "
                          "blind mode")

    def open_dialog() -> None:
        if opened:
            opened[0].raise_()
            opened[0].activateWindow()
            return
        from desktop.dialogs.assign import AssignDialog  # when first asked for

        dialog = AssignDialog(service, search(), parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(opened.clear)
        opened.append(dialog)
        dialog.show()

    menu.aboutToShow.connect(enable)  # not at start: the window opens without reading it
    action.triggered.connect(open_dialog)
    return action

