"""A page that a note covers while it has nothing to show, instead of a stack of two pages.

The Span panel showed its form and the note for no span as two pages of a
:class:`QStackedWidget`, which hides the page it leaves and shows the next: Qt sent each of the
form's some 30 widgets a hide or show event and laid the form out again whenever a key press
made or deleted a span (~0.45 ms of the press, with the paint). Here the form stays shown; the
note, filled with the window's colour, is raised over it (shown or hidden alone), so only the
note or the form is painted anew. While covered, the form's fields take no focus: Tab and
Shift+Tab pass them by, as they passed by the hidden page, and the mouse meets the note.
(A label's attribute fields stay pages of a stack: covering one page of fields with another
saved nothing, the pages behind being laid out again at each relabel. Labels whose attributes
begin alike share a page instead, the rows past a label's own covered:
:mod:`desktop.attribute_page`.)

The note is no item of the cover's layout, yet Qt invalidates a parent's layout whenever a
child is shown or hidden: each span made after none, and each deleted, laid out the cover, the
panel under it and asked the scroll area, for nothing (the sizes stay). The cover's layout
lets the note's show and hide pass; a change of the page's size is passed on as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from weakref import WeakKeyDictionary

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget
from shiboken6 import isValid

NO_FOCUS = Qt.FocusPolicy.NoFocus
Reach = list[tuple[QWidget, Qt.FocusPolicy]]
"""The widgets of the covered page that took the focus, and how."""
Policies = WeakKeyDictionary[QWidget, Qt.FocusPolicy]
"""Each field's own focus policy, as first read."""


def out_of_reach(fields: Iterable[QWidget], known: Policies) -> Reach:
    """Take the focus from ``fields`` (being covered): what they had. (The fields are named
    by the page's owner: a walk over all of a page's widgets made a Python object of each of
    Qt's own parts, some 60 of them, at each key press.) Each field's policy is asked of Qt
    the first time it is covered and kept in ``known`` (weakly: a field deleted drops out):
    each answer is a Python enum made anew, ~10 K instructions, some 0.15 M each span deleted
    when every cover asked every field. A field named is one that takes the focus as its
    own policy says (the owner names no field it keeps out of reach itself)."""
    reach = []
    for widget in fields:
        policy = known.get(widget)
        if policy is None:
            policy = known[widget] = widget.focusPolicy()
        if policy is not NO_FOCUS:
            reach.append((widget, policy))
    for widget, _policy in reach:
        widget.setFocusPolicy(NO_FOCUS)
    return reach


def back_in_reach(reach: Reach) -> None:
    """Give back what :func:`out_of_reach` took (to the widgets not deleted meanwhile)."""
    for widget, policy in reach:
        if isValid(widget):
            widget.setFocusPolicy(policy)


class _PageLayout(QVBoxLayout):
    """The cover's layout (its page alone), not invalidated while :attr:`steady`: the note,
    no item of it, is shown or hidden."""

    def __init__(self, cover: QWidget) -> None:
        super().__init__(cover)
        self.steady = False

    def invalidate(self) -> None:
        if not self.steady:
            super().invalidate()


class Cover(QWidget):
    """Holds ``page`` (laid out, always shown) and ``note`` (over all of it, when covered);
    ``fields`` gives the page's widgets that may take the focus."""

    def __init__(self, page: QWidget, note: QWidget, fields: Callable[[], Iterable[QWidget]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fields = fields
        self._layout = layout = _PageLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(page)
        self.page, self.note = page, note
        note.setParent(self)
        note.setAutoFillBackground(True)  # opaque: the page under it is not painted
        note.hide()
        self._covered = False  # (kept: asking the note whether it is hidden, at each span
        # shown, was a call into Qt)
        self._reach: Reach = []
        self._policies: Policies = WeakKeyDictionary()
        """The fields' own focus policies (:func:`out_of_reach`)."""

    @property
    def covered(self) -> bool:
        return self._covered

    def cover(self, covered: bool) -> None:
        """Show the note over the page (``covered``), or the page."""
        if covered == self._covered:
            return
        self._covered = covered
        if covered:
            focus = QApplication.focusWidget()
            self._reach = out_of_reach(self._fields(), self._policies)
            self.note.setGeometry(self.rect())
            self._show_note(True)
            self.note.raise_()
            if focus is not None and self.page.isAncestorOf(focus):
                self.note.setFocus()  # as a stack gives the focus to the page it shows
        else:
            back_in_reach(self._reach)
            self._reach = []
            self._show_note(False)

    def _show_note(self, shown: bool) -> None:
        """Show or hide the note, the page's layout left as it is (see the module)."""
        self._layout.steady = True
        try:
            self.note.setVisible(shown)
        finally:
            self._layout.steady = False

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.note.setGeometry(self.rect())
        super().resizeEvent(event)
