"""Help → Keyboard shortcuts: every shortcut of the window, read from its actual actions, with
where its keys act (:mod:`desktop.keys`) and what it does (a page of
:class:`desktop.help_dialog.HelpDialog`)."""

from __future__ import annotations

import re
from typing import NamedTuple

from PySide6.QtGui import QAction, QKeySequence, QTextDocumentFragment
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.deferred import make_all
from desktop.keys import where

FOCUS_NOTE = (
    "The label keys, L, Delete, Tab and the edge moves act only while the text has the focus "
    "(a coloured frame around it, and the hint above it, say so): typing in a field never "
    "touches a span. In the Span panel, Tab and Shift+Tab walk the fields (label, attributes, "
    "note, links); Esc brings you back to the text, F2 from the text goes to the fields. "
    "A selection snaps to whole words and leaves out the punctuation around them; hold Alt "
    "while selecting to keep it exact. Undo and redo say what they did and show it, opening "
    "its document if needed.")


class Shortcut(NamedTuple):
    action: str
    keys: str
    where: str
    what: str


def what(action: QAction, name: str) -> str:
    """What ``action`` does, as plain text: its status tip, else its tooltip (rich text made
    plain) unless that only repeats its name."""
    if action.statusTip():
        return action.statusTip()
    tip = QTextDocumentFragment.fromHtml(action.toolTip()).toPlainText().strip()
    return "" if tip == name else tip


def shortcut_table(window: QWidget) -> list[Shortcut]:
    """Every action under ``window`` that has a shortcut, sorted by name (the parts of the
    window not made yet are made first: their actions are the window's too)."""
    make_all(window)
    rows = set()
    for action in window.findChildren(QAction):
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        if keys:
            name = re.sub("&(.)", r"\1", action.text())
            rows.add(Shortcut(name, " or ".join(keys), where(action), what(action, name)))
    return sorted(rows, key=lambda r: r.action.lower())


def shortcut_rows(window: QWidget) -> list[tuple[str, str]]:
    """(action, keys) for every action under ``window`` that has a shortcut, sorted by name."""
    return [(row.action, row.keys) for row in shortcut_table(window)]


class ShortcutsPage(QWidget):
    """Where the keys act, then the table of every shortcut."""

    def __init__(self, window: QWidget) -> None:
        super().__init__()
        rows = shortcut_table(window)
        note = QLabel(FOCUS_NOTE)
        note.setWordWrap(True)
        self.table = QTableWidget(len(rows), len(Shortcut._fields))
        self.table.setHorizontalHeaderLabels(["Action", "Keys", "Where", "What it does"])
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, shortcut in enumerate(rows):
            for column, text in enumerate(shortcut):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.setAccessibleName("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table)
