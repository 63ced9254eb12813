"""The find bar under the text: marks every match in the document and steps through them.

Two sources of matches: what is typed in its field (Ctrl+F: any case-insensitive
occurrence), or the corpus search of the document list, whose hits are marked in every
document opened while it is set (the words, phrases and prefixes of :mod:`annotate.query`).
Enter or F3 goes to the next match, Shift+Enter or Shift+F3 to the previous one; Esc closes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from desktop.keys import Scope, key_action
from desktop.plain import line
from desktop.textview import SpanTextView

if TYPE_CHECKING:
    from annotate.query import Query

FIND, SEARCH = "Find:", "Corpus search:"
FOLLOW_MS = 300
"""How long after the corpus search changes its hits in the document shown follow (the
list of documents is painted first; opening a document marks them at once)."""


class FindBar(QWidget):
    """A hidden-until-asked bar: the matches' count, previous/next, and either a field to
    type in (find) or the corpus search it shows the hits of."""

    def __init__(self, view: SpanTextView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._view = view
        self.hits: list[tuple[int, int]] = []
        """The marked matches, in text order (code points)."""
        self.at = -1
        """The index in :attr:`hits` of the one the caret was last sent to (-1: none yet)."""
        self.query: Query | None = None
        """The corpus search whose hits are shown in each document opened (None: none)."""
        self.heading = QLabel(FIND, self)
        self.field = QLineEdit(self)
        self.field.setPlaceholderText("Find in document")
        self.field.setAccessibleName("Find in document")
        self.field.setClearButtonEnabled(True)
        self.field.setAccessibleName("Find in document")
        self.searched = QLabel(self)
        self.searched.setTextFormat(Qt.TextFormat.PlainText)
        self.count = QLabel(self)
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.previous_button = self._button("▲", "Previous match (Shift+F3)", self.previous)
        self.next_button = self._button("▼", "Next match (F3, Enter)", self.next)
        close = self._button("✕", "Close the find bar (Esc)", self.close_bar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        for widget in (self.heading, self.field, self.searched):
            layout.addWidget(widget, 1 if widget is not self.heading else 0)
        for widget in (self.count, self.previous_button, self.next_button, close):
            layout.addWidget(widget)
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.search)
        self.field.textChanged.connect(self._timer.start)
        self._follow = QTimer(self, singleShot=True, interval=FOLLOW_MS)
        self._follow.timeout.connect(self.document_shown)
        window = parent if parent is not None else self
        self.step_actions = [
            key_action(window, "Next match", ["F3"], self.next, Scope.WINDOW,
                       "Go to the next match of the find bar or the corpus search"),
            key_action(window, "Previous match", ["Shift+F3"], self.previous, Scope.WINDOW,
                       "Go to the previous match of the find bar or the corpus search"),
        ]
        self._find_mode(True)
        self.hide()

    def _button(self, text: str, tip: str, slot: object) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (")[0])
        button.clicked.connect(slot)
        return button

    def _find_mode(self, find: bool) -> None:
        self.heading.setText(FIND if find else SEARCH)
        self.field.setVisible(find)
        self.searched.setVisible(not find)

    @property
    def finding(self) -> bool:
        """Whether the bar shows what is typed in its field (else the corpus search's hits)."""
        return not self.field.isHidden()

    # -- find -----------------------------------------------------------------------------
    def open_bar(self) -> None:
        self._find_mode(True)
        self.show()
        self.field.setFocus()
        self.field.selectAll()
        if self.field.text():
            self.search()

    def close_bar(self) -> None:
        """Close (Esc, ✕): the marks go, the text gets the focus back."""
        self._hide_bar()
        self._view.setFocus()

    def _hide_bar(self) -> None:
        self.field.clear()
        self._show([])
        self.hide()

    def search(self) -> int:
        """Mark every case-insensitive occurrence of what the field holds and go to the
        first; how many there are."""
        pattern = self.field.text()
        found = re.finditer(re.escape(pattern), self._view.text(), re.IGNORECASE)
        self._show([m.span() for m in found] if pattern else [])
        self.next()
        return len(self.hits)

    # -- the corpus search ----------------------------------------------------------------
    def set_query(self, query: Query | None) -> None:
        """The corpus search changed: its hits in the document shown follow shortly (None
        clears them, unless the bar is finding what was typed)."""
        self.query = query
        if query is not None:
            self._find_mode(False)
        self._follow.start()

    def document_shown(self) -> None:
        """A document was (re)loaded into the view: mark the corpus search's hits in it and go
        to the first; the find field's matches when the user is finding."""
        self._follow.stop()
        if self.finding and self.isVisible():
            self.search()
            return
        if self.query is None:
            if not self.finding:
                self._hide_bar()
            return
        from annotate.query import describe, hits  # a search's: not the window's start

        self._find_mode(False)
        self.searched.setText(line(describe(self.query)))
        self.show()
        self._show(hits(self.query, self._view.text()))
        if self.hits:
            self.next()

    # -- stepping -------------------------------------------------------------------------
    def _show(self, ranges: list[tuple[int, int]]) -> None:
        self.hits, self.at = ranges, -1
        self._view.mark_hits(ranges)
        self._count()

    def _count(self) -> None:
        if not self.hits:
            self.count.setText("no match" if self.query or self.field.text() else "")
        elif self.at < 0:
            self.count.setText(f"{len(self.hits)} found")
        else:
            self.count.setText(f"{self.at + 1} of {len(self.hits)}")

    def next(self) -> None:
        self._step(1)

    def previous(self) -> None:
        self._step(-1)

    def _step(self, direction: int) -> None:
        """Send the caret to the next (1) or previous (-1) match, round the end."""
        if self.isHidden() or not self.hits:
            return
        self.at = (self.at + direction) % len(self.hits) if self.at >= 0 else (
            0 if direction > 0 else len(self.hits) - 1)
        self._view.scroll_to(self.hits[self.at][0])
        self._count()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close_bar()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._timer.isActive():  # typed, not searched yet: search, go to the first
                self._timer.stop()
                self.search()
            else:
                self._step(-1 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1)
        else:
            super().keyPressEvent(event)
