"""A page that a note covers while it has nothing to show, instead of a stack of two pages.

The Span panel showed its form and the note for no span as two pages of a
:class:`QStackedWidget`, which hides the page it leaves and shows the next: Qt sent each of the
form's some 30 widgets a hide or show event and laid the form out again whenever a key press
made or deleted a span (~0.45 ms of the press, with the paint). Here the form and the note,
both filled with the window's colour, lie one over the other in the same room, and the one in
sight is raised over the other: only the note or the form is painted anew. While covered, the
form's fields take no focus: Tab and Shift+Tab pass them by, as they passed by the hidden page,
and the mouse meets the note. (A label's attribute fields stay pages of a stack: covering one
page of fields with another saved nothing, the pages behind being laid out again at each
relabel. Labels whose attributes begin alike share a page instead, the rows past a label's own
covered: :mod:`desktop.attribute_page`.)

The note was shown over the form and hidden, at each span deleted and each made after none:
Qt then worked out again which children of the cover, and of each widget up to the window,
are opaque (getOpaqueChildren, at the next paint), and invalidated the cover's layout though
the note is no item of it; raised or lowered, neither changes (callgrind, big document: a
create ~50 K instructions fewer, a delete ~15 K). While a screen reader is active, the widget
under the other is hidden too: a widget out of sight only because another lies over it is
read out (the last span's values, while the note covers them; the note, under a span's form).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtGui import QAccessible, QResizeEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget
from shiboken6 import isValid


def out_of_reach(fields: Iterable[QWidget], note: QWidget) -> list[QWidget]:
    """Put ``fields`` (being covered) out of the focus's reach: each is given ``note``, which
    takes no focus, as its focus proxy, so Tab and Shift+Tab pass it by (Qt goes by a
    proxy's policy) and a field given the focus gives it to the note. The fields named: those
    the page's owner names (a walk over all of a page's widgets made a Python object of each
    of Qt's own parts, some 60 of them, at each key press), none with a focus proxy of its
    own. Each field's focus policy was taken instead (NoFocus, and its own given back): a
    Python enum made of the policy asked, the first time, and each policy given read through
    two Python calls of the enum's (its ``value``), ~27 of the ~130 Python calls of the panel
    at each create after a delete, as many at each delete."""
    reach = list(fields)
    for widget in reach:
        widget.setFocusProxy(note)
    return reach


def back_in_reach(reach: list[QWidget]) -> None:
    """Take back the proxies :func:`out_of_reach` gave (from the widgets not deleted
    meanwhile)."""
    for widget in reach:
        if isValid(widget):
            widget.setFocusProxy(None)


class Cover(QWidget):
    """Holds ``page`` (laid out) and ``note`` (in its room, which takes no focus), one over
    the other; ``fields`` gives the page's widgets that may take the focus."""

    def __init__(self, page: QWidget, note: QWidget, fields: Callable[[], Iterable[QWidget]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fields = fields
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(page)
        self.page, self.note = page, note
        retained = page.sizePolicy()  # (hidden for a screen reader: its room kept)
        retained.setRetainSizeWhenHidden(True)
        page.setSizePolicy(retained)
        note.setParent(self)
        note.setAutoFillBackground(True)  # opaque: what is under it is not painted
        note.show()
        page.raise_()
        self._covered = False  # (kept: asking the note whether it is hidden, at each span
        # shown, was a call into Qt)
        self._hidden: QWidget | None = None
        """The page or the note, hidden while under the other for a screen reader."""
        self._reach: list[QWidget] = []  # the fields out of reach (:func:`out_of_reach`)

    @property
    def covered(self) -> bool:
        return self._covered

    def cover(self, covered: bool) -> None:
        """Raise the note over the page (``covered``), or the page over the note."""
        if covered == self._covered:
            return
        self._covered = covered
        if covered:
            focus = QApplication.focusWidget()
            self._reach = out_of_reach(self._fields(), self.note)
            self._in_sight(self.note, self.page)
            if focus is not None and self.page.isAncestorOf(focus):
                self.note.setFocus()  # as a stack gives the focus to the page it shows
        else:
            back_in_reach(self._reach)
            self._reach = []
            self._in_sight(self.page, self.note)
            if QApplication.focusWidget() is self.note:  # (gone on, as from a note hidden)
                self.note.focusNextPrevChild(True)

    def _in_sight(self, shown: QWidget, under: QWidget) -> None:
        """Raise ``shown`` over ``under``; while a screen reader is active, hide ``under``."""
        shown.raise_()
        if self._hidden is shown:
            shown.show()
            self._hidden = None
        if QAccessible.isActive():
            under.hide()
            self._hidden = under

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.note.setGeometry(self.rect())
        super().resizeEvent(event)
