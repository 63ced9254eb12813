"""Help (F1): a short how-to of the work, and every keyboard shortcut, on two pages."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.howto import howto_html
from desktop.shortcuts import ShortcutsPage


class Page(IntEnum):
    HOWTO = 0
    SHORTCUTS = 1


class HelpDialog(QDialog):
    def __init__(self, window: QWidget, page: Page = Page.HOWTO) -> None:
        super().__init__(window)
        self.setWindowTitle("Counterclaim help")
        self.resize(880, 620)
        self.howto = QTextBrowser()
        self.howto.setHtml(howto_html(window))
        self.howto.setAccessibleName("How to")
        self.shortcuts = ShortcutsPage(window)
        self.pages = QTabWidget()
        self.pages.addTab(self.howto, "How to")
        self.pages.addTab(self.shortcuts, "Keyboard shortcuts")
        self.pages.setCurrentIndex(page)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(buttons)
