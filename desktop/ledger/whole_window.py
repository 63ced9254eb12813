"""The ledger in the whole window: the text and every other panel put away while the analyst
reads the ledger and its timeline, and the layout as it was brought back on the way out."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QObject, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

from desktop.keys import Scope, key_action

KEYS = ["Ctrl+Shift+M"]


class WholeWindow(QObject):
    """A checkable action (View menu, the dock's button, Ctrl+Shift+M) that gives ``dock`` the
    whole of ``window`` and, unchecked, restores the panels and their places."""

    def __init__(self, window: QMainWindow, dock: QDockWidget) -> None:
        super().__init__(window)
        self.window, self.dock = window, dock
        self.layout: QByteArray | None = None
        """The window's layout before the ledger took it (None: it has not)."""
        self.action = key_action(window, "&Ledger in the whole window", KEYS, self.toggle,
                                 Scope.WINDOW, "Give the whole window to the ledger and its "
                                 "timeline; again to bring the text and the panels back")
        self.action.setCheckable(True)
        dock.visibilityChanged.connect(self._on_visibility)

    @property
    def active(self) -> bool:
        return self.layout is not None

    def toggle(self) -> None:
        if self.active:
            self.restore()
        else:
            self.enter()

    def enter(self) -> None:
        """Hide the text and every other panel, and stretch the ledger (docked) over the
        window."""
        window, dock = self.window, self.dock
        layout = window.saveState()
        dock.setFloating(False)
        for other in window.findChildren(QDockWidget):
            if other is not dock and other.parent() is window:
                other.hide()
        dock.show()
        dock.raise_()
        window.centralWidget().hide()
        window.resizeDocks([dock], [window.height()], Qt.Orientation.Vertical)  # all of it
        self.layout = layout  # now: the ledger's tab group came apart on the way
        self.action.setChecked(True)

    def restore(self) -> None:
        """Bring the text and the panels back where they were."""
        if self.layout is None:
            return
        layout, self.layout = self.layout, None
        self.window.centralWidget().show()
        self.window.restoreState(layout)
        self.action.setChecked(False)

    def _on_visibility(self, visible: bool) -> None:
        """Closing the ledger while it fills the window brings the layout back (an empty
        window is no place to leave the analyst)."""
        if not visible and self.active and self.dock.isHidden():
            self.restore()
