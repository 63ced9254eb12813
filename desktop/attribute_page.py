"""A page of attribute fields shared by the labels whose attributes begin alike.

The Span panel showed one page of fields per label in a stack: a relabel from a CLAIM to a
DENIAL (whose attributes are the CLAIM's first two) hid the CLAIM's page and showed the
DENIAL's, which sent a hide or show event to each field and caption of both, laid out the
page, the stack, the form and the panel, and repainted the page. Here such labels show one
page: a label shows its own rows, and the rows past them are covered by a blank of the
window's colour (as the stack's room under a shorter page looked), so a relabel between them
lays nothing out and repaints the blank, or the rows it uncovers, alone. The covered fields
take no focus (Tab passes them by; one covered while it has the focus gives it to the blank)
and the mouse meets the blank.

A relabel tells Qt what changed and no more: the focus policies of the rows covered or shown
anew (each field's own is noted when it is made), and the blank's place, found from the rows'
tops noted since the page was last laid out (asking Qt for the geometry of the rows, the page's
size and each field's focus policy at each relabel made some 20 calls into Qt).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QFormLayout, QWidget

from annotate.schema import AttributeDef
from desktop.attribute_widgets import AttributeEditor
from desktop.caption import add_named_row

ROLES = (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole)
NO_FOCUS = Qt.FocusPolicy.NoFocus

MakeEditor = Callable[[AttributeDef], AttributeEditor]
"""Makes the field of an attribute (wired to store its edits)."""


class _Rows(QFormLayout):
    """The page's rows; each time they are placed, the blank is placed over those covered."""

    def __init__(self, page: AttributePage) -> None:
        super().__init__(page)
        self._page = page

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._page.laid_out(rect)


class AttributePage(QWidget):
    """The fields of ``attributes``, in rows; :meth:`show_rows` shows the first of them."""

    def __init__(self, attributes: Sequence[AttributeDef], make: MakeEditor) -> None:
        super().__init__()
        self._make = make
        self.attributes: list[AttributeDef] = []
        self.editors: dict[str, AttributeEditor] = {}
        self._rows = _Rows(self)
        self.setAutoFillBackground(True)  # opaque: the stack behind it is not painted (a
        # paint event saved each time the page is uncovered)
        self._rows.setContentsMargins(0, 0, 0, 0)
        self._blank = QWidget(self)
        """Over the rows covered (none: no height). Always shown: a child shown (not one
        hidden) lays its parent out again, here the page, the stack, the form and the panel."""
        self._blank.setAutoFillBackground(True)  # opaque: the rows under it are not painted
        self._shown = 0  # the rows shown (those past them covered)
        self._fields: list[tuple[QWidget, Qt.FocusPolicy]] = []  # each row's, and its own
        # focus policy
        self._size = (0, 0)  # the page's width and height, as laid out
        self._tops: dict[int, int] = {}  # rows' tops, as laid out (each found once asked)
        self._views: dict[int, dict[str, AttributeEditor]] = {}  # show_rows' answers
        self.extend(attributes)

    def holds(self, attributes: Sequence[AttributeDef]) -> bool:
        """Whether this page's rows begin with ``attributes``' (the page can show them)."""
        return self.attributes[:len(attributes)] == list(attributes)

    def begins(self, attributes: Sequence[AttributeDef]) -> bool:
        """Whether ``attributes`` begin with all of this page's (:meth:`extend` makes the
        page hold them)."""
        return list(attributes[:len(self.attributes)]) == self.attributes

    def extend(self, attributes: Sequence[AttributeDef]) -> None:
        """Add the rows of ``attributes`` past this page's (which they begin with): covered
        while rows before them are, else shown."""
        covered = self._shown < len(self.attributes)
        for attr in attributes[len(self.attributes):]:
            editor = self._make(attr)
            field = editor.widget
            field.setAccessibleName(attr.name)
            add_named_row(self._rows, attr.name, field, kept=True)  # as the form's
            self.attributes.append(attr)
            self.editors[attr.name] = editor
            self._fields.append((field, field.focusPolicy()))
            if covered:
                field.setFocusPolicy(NO_FOCUS)
        if not covered:
            self._shown = len(self.attributes)
        self._views.clear()
        self._blank.raise_()

    def show_rows(self, count: int) -> dict[str, AttributeEditor]:
        """Show the first ``count`` rows and cover the others: the editors shown, by name."""
        shown = self._shown
        if count != shown:
            self._shown = count
            if count > shown:  # the rows uncovered take the focus as they did
                for field, policy in self._fields[shown:count]:
                    field.setFocusPolicy(policy)
            else:
                for field, _policy in self._fields[count:shown]:
                    field.setFocusPolicy(NO_FOCUS)
            self.place_blank()
            focus = QApplication.focusWidget()
            if focus is not None and self.isAncestorOf(focus) and any(
                    f is focus or f.isAncestorOf(focus) for f, _policy in self._fields[count:]):
                self._blank.setFocus()  # as the stack gave up the focus of the page it hid
        view = self._views.get(count)
        if view is None:
            view = self._views[count] = {attr.name: self.editors[attr.name]
                                         for attr in self.attributes[:count]}
        return view

    def laid_out(self, rect: QRect) -> None:
        """The page was laid out in ``rect``: forget the rows' tops, place the blank."""
        self._size = (rect.width(), rect.height())
        self._tops.clear()
        self.place_blank()

    def place_blank(self) -> None:
        """Put the blank over the rows past those shown, down to the page's bottom."""
        (width, height), row = self._size, self._shown
        if row == 0:
            top = 0
        elif row >= len(self.attributes):
            top = height
        else:
            top = self._tops.get(row, -1)
            if top < 0:
                top = self._tops[row] = min(
                    item.geometry().top() for role in ROLES
                    if (item := self._rows.itemAt(row, role)) is not None)
        self._blank.setGeometry(0, top, width, height - top)
