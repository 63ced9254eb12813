"""The one Qt signal hub: every change the store reports, and every switch of what is shown,
passes through here so each view refreshes only what it touches."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Hub(QObject):
    """Signals shared by the window's controllers (no state of its own)."""

    changed = Signal(object)
    """A :class:`annotate.commands.ChangeSet` that just landed in the store."""
    documentChanged = Signal(str)
    """The document shown in the editor is now this uid ("" = none)."""
    annotatorChanged = Signal(str)
    """The current annotator was switched to this name."""
    schemaChanged = Signal()
    """The label schema was replaced."""
    storeChanged = Signal()
    """Another store was opened: everything shown must be reloaded."""
    searchIndexed = Signal()
    """The search index caught up with the store (a search now covers every document)."""
    searchChanged = Signal(object)
    """The document list's corpus search is now this :data:`annotate.query.Query` (None: no
    search); its hits are marked in each document opened."""
    spanSelected = Signal(str)
    """The text view's selected span ("" = none)."""
    spanRequested = Signal(str)
    """Someone (the spans table, the inspector) asks the editor to select and show a span."""
    offsetRequested = Signal(int)
    """Someone (an undo of a span's creation) asks the editor to show this code point."""
    message = Signal(str)
    """A short notice for the status bar."""
    storeLost = Signal(str)
    """The store file was moved, deleted or replaced under the open store (a plain message):
    no edit is saved until the store is saved elsewhere (``Service.save_store_as``)."""
    waiting = Signal(int)
    """How many edits wait for another program to finish writing to the store (0: none)."""
    failed = Signal(str, bool)
    """An edit or read failed: (plain message, serious); serious errors also get a dialog."""
