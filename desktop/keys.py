"""Where each key acts: the one helper that binds keys to an action, with the place they act.

- **Text keys** (the label keys, L, Delete, Tab, the edge moves, Esc, F2) act only while the
  text view has the focus, which a frame around the text shows. Typing in a field (a note, an
  attribute, the corpus search) never touches spans.
- **Panel keys** act while the focus is in their panel (the review tab's keys).
- **Window keys** (Ctrl+Z, Ctrl+Down, F1, ...) act anywhere, except in a field that uses the key
  itself (Ctrl+Z in the note undoes typing).
- A closed drop-down of the Span panel (the label, a choice attribute) ignores typed letters
  (:class:`NoTypeAhead`): Qt would pick the first entry starting with the letter, so a sentence
  typed into the wrong field would relabel the span. Arrows, Alt+Down and clicks choose.

Help ▸ Keyboard shortcuts (F1) lists every key with where it acts and what it does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QComboBox, QWidget

Keys = Sequence[str | QKeySequence.StandardKey]
WHERE = "keyScope"
"""The action property naming where its keys act (read by the F1 list)."""


class Scope(Enum):
    """Where an action's keys act: (what F1 says, Qt's shortcut context)."""

    TEXT = ("in the text", Qt.ShortcutContext.WidgetShortcut)
    PANEL = ("in its panel", Qt.ShortcutContext.WidgetWithChildrenShortcut)
    WINDOW = ("anywhere", Qt.ShortcutContext.WindowShortcut)

    @property
    def where(self) -> str:
        return self.value[0]


def bind(action: QAction, widget: QWidget, keys: Keys, scope: Scope) -> QAction:
    """Give ``action`` the ``keys``, acting in ``scope`` of ``widget`` (for TEXT, ``widget``
    is the text view itself)."""
    action.setShortcuts([QKeySequence(k) for k in keys])
    action.setShortcutContext(scope.value[1])
    action.setProperty(WHERE, scope.where)
    widget.addAction(action)
    return action


def key_action(widget: QWidget, text: str, keys: Keys, slot: Callable[[], object],
               scope: Scope, tip: str = "") -> QAction:
    """A new action of ``widget`` calling ``slot``; ``tip`` says what it does (the status
    bar on hover, and F1)."""
    action = QAction(text, widget)
    action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    return bind(action, widget, keys, scope)


def where(action: QAction) -> str:
    """Where the keys of ``action`` act, as F1 says it."""
    named = action.property(WHERE)
    if isinstance(named, str):
        return named
    context = action.shortcutContext()
    return next((s.where for s in Scope if s.value[1] == context), Scope.WINDOW.where)


class NoTypeAhead(QComboBox):
    """A drop-down that ignores typed characters (letters, digits, signs, space) while
    closed. Its own key press handler, not an event filter: a filter written in Python is
    called for every event the box gets (its paints, and the hide and show of each field of
    the Span panel's attribute page at a relabel: ten calls, ~0.16 M instructions a relabel),
    this only for the keys typed into it."""

    _CHORDS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
               | Qt.KeyboardModifier.MetaModifier)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        typed = event.text()
        if typed and typed.isprintable() and not event.modifiers() & self._CHORDS \
                and not self.view().isVisible():
            return  # taken (Qt would choose the first entry starting with it)
        super().keyPressEvent(event)
