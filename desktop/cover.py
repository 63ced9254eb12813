"""A page that a note covers while it has nothing to show, instead of a stack of two pages.

The Span panel showed its form and the note for no span as two pages of a
:class:`QStackedWidget`, which hides the page it leaves and shows the next: Qt sent each of the
form's some 30 widgets a hide or show event and laid the form out again whenever a key press
made or deleted a span (~0.45 ms of the press, with the paint). Here the form stays shown; the
note, filled with the window's colour, is raised over it (shown or hidden alone), so only the
note or the form is painted anew. While covered, the form's fields take no focus: Tab and
Shift+Tab pass them by, as they passed by the hidden page, and the mouse meets the note.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget
from shiboken6 import isValid

NO_FOCUS = Qt.FocusPolicy.NoFocus


class Cover(QWidget):
    """Holds ``page`` (laid out, always shown) and ``note`` (over all of it, when covered)."""

    def __init__(self, page: QWidget, note: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(page)
        self.page, self.note = page, note
        note.setParent(self)
        note.setAutoFillBackground(True)  # opaque: the page under it is not painted
        note.hide()
        self._reach: list[tuple[QWidget, Qt.FocusPolicy]] = []
        """The page's widgets that took focus before it was covered, and how."""

    @property
    def covered(self) -> bool:
        return not self.note.isHidden()

    def cover(self, covered: bool) -> None:
        """Show the note over the page (``covered``), or the page."""
        if covered == self.covered:
            return
        if covered:
            focus = QApplication.focusWidget()
            self._reach = [(widget, widget.focusPolicy())
                           for widget in self.page.findChildren(QWidget)
                           if widget.focusPolicy() != NO_FOCUS]
            for widget, _policy in self._reach:
                widget.setFocusPolicy(NO_FOCUS)
            self.note.setGeometry(self.rect())
            self.note.show()
            self.note.raise_()
            if focus is not None and self.page.isAncestorOf(focus):
                self.note.setFocus()  # as a stack gives the focus to the page it shows
        else:
            for widget, policy in self._reach:
                if isValid(widget):  # (not deleted meanwhile: a schema change drops fields)
                    widget.setFocusPolicy(policy)
            self._reach = []
            self.note.hide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.note.setGeometry(self.rect())
        super().resizeEvent(event)
