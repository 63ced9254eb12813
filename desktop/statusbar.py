"""The status bar: progress ("3 of 6 done · 41 spans · saved"), the annotator (click to
switch) and the store file."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLabel, QStatusBar, QToolButton, QWidget

from annotate.commands import ChangeSet
from annotate.model import GOLD
from desktop.plain import NAME, line, mnemonic, tooltip
from desktop.service import Service

MESSAGE_MS = 6000
MESSAGE_CHARS = 300
"""Most characters of a status message (messages quote names, labels and text)."""


WAITING = "waiting for another program"


def waiting_state(count: int) -> str:
    """What the status bar says while ``count`` edits wait for the store ("" for none)."""
    if not count:
        return ""
    return f"{WAITING} to finish writing: {count} edit{'s' if count > 1 else ''} not saved yet"


class StatusBar(QStatusBar):
    def __init__(self, service: Service, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.progress = QLabel()
        self.progress.setTextFormat(Qt.TextFormat.PlainText)
        self.annotator = QToolButton()
        self.annotator.setAutoRaise(True)
        self.annotator.setToolTip("Switch annotator")
        self.annotator.clicked.connect(self.ask_annotator)
        self.store = QLabel()
        self.store.setTextFormat(Qt.TextFormat.PlainText)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(self.annotator)
        self.addPermanentWidget(self.store)
        self.state = waiting_state(service.waiting) or "ready"
        hub = service.hub
        hub.changed.connect(self._on_changed)
        hub.failed.connect(self._on_failed)
        hub.waiting.connect(self._on_waiting)
        hub.message.connect(lambda text: self.showMessage(line(text, MESSAGE_CHARS), MESSAGE_MS))
        hub.annotatorChanged.connect(lambda _name: self.recount())
        hub.storeChanged.connect(self.recount)
        self.counts = service.progress()
        self.refresh()

    def recount(self) -> None:
        """Count again what the store holds (another store, annotator, or program's writes)."""
        self.counts = self.service.progress()
        self.refresh()

    def refresh(self) -> None:
        progress = self.counts
        self.progress.setText(f"{progress.done:,} of {progress.total:,} done · "
                              f"{progress.spans:,} spans · {self.state}")
        self.annotator.setText(mnemonic(f"annotator: {line(self.service.annotator, NAME)}"))
        self.store.setText(line(f"store: {self.service.store_name}"))
        self.store.setToolTip(tooltip(self.service.location))

    def _on_changed(self, changes: ChangeSet) -> None:
        """Counts follow the change's own values: an edit reads nothing back."""
        who, counts = self.service.annotator, self.counts
        self.counts = replace(counts, done=counts.done + changes.done_delta(who),
                              spans=counts.spans + changes.span_delta(who))
        self.state = waiting_state(self.service.waiting) or "saved"
        self.refresh()

    def _on_waiting(self, count: int) -> None:
        """Edits wait for another program (or no more: all saved, else a failure said so)."""
        if count:
            self.state = waiting_state(count)
        elif self.state.startswith(WAITING):
            self.state = "saved"
        self.refresh()

    def _on_failed(self, message: str, _serious: bool) -> None:
        self.state = "not saved"
        self.refresh()
        self.showMessage(line(message, MESSAGE_CHARS), MESSAGE_MS * 2)

    def ask_annotator(self) -> None:
        names = [n for n in self.service.annotators() if n != GOLD]
        if self.service.annotator not in names:
            names.insert(0, self.service.annotator)
        shown = {line(name): name for name in reversed(names)}  # a cut name means the first
        choices = list(dict.fromkeys(line(name) for name in names))
        typed, ok = QInputDialog.getItem(self, "Annotator", "Annotate as (pick or type a name):",
                                         choices, choices.index(line(self.service.annotator)),
                                         True)
        if ok:
            self.service.set_annotator(shown.get(typed, typed))
