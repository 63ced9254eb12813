"""The status bar: progress ("3 of 6 done · 41 spans · saved"), the annotator (click to
switch) and the store file."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLabel, QStatusBar, QToolButton, QWidget

from annotate.commands import ChangeSet
from annotate.errors import CounterclaimError
from annotate.model import GOLD
from db.store import Store
from desktop.jobs import Job, Latest, worker_location
from desktop.kept_label import KeptLabel
from desktop.plain import NAME, line, mnemonic, tooltip
from desktop.service import Progress, Service, read_progress
from desktop.steady_label import SLACK, surely_fits

MESSAGE_MS = 6000
MESSAGE_CHARS = 300
"""Most characters of a status message (messages quote names, labels and text)."""


WAITING = "waiting for another program"
COUNTING = "counting…"
"""What the status bar shows until the counts come from their worker."""


class ProgressJob(Job):
    """The status bar's counts of ``annotator`` on the job's own store (they count over the
    whole store: 0.7 s for 2 million spans). Not held at the window's start: a small store's
    counts are in its first paint."""

    held_at_start = False

    def __init__(self, location: str, annotator: str) -> None:
        super().__init__(location)
        self.annotator = annotator

    def work(self, store: Store) -> Progress:
        return read_progress(store, self.annotator)


def waiting_state(count: int) -> str:
    """What the status bar says while ``count`` edits wait for the store ("" for none)."""
    if not count:
        return ""
    return f"{WAITING} to finish writing: {count} edit{'s' if count > 1 else ''} not saved yet"


class StatusBar(QStatusBar):
    def __init__(self, service: Service, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        # filled with the window's colour: a message (each span made, each undo) repaints
        # the bar alone, not the main window under it first
        self.setAutoFillBackground(True)
        self.progress = KeptLabel()  # (each text measured once, copied when shown again)
        self.progress.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # filled with the window's colour: new counts repaint the label alone, not the bar and
        # the window under it (each press)
        self.progress.setAutoFillBackground(True)
        self._line = 0
        """The height of the counts' font when they were last sized."""
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
        self.counts: Progress | None = None
        """What the store holds, kept from each change's deltas (None: being counted)."""
        self._jobs: Latest[ProgressJob] = Latest()
        self._edited = False  # an edit landed while the job counted
        self.recount()

    def recount(self) -> None:
        """Count again what the store holds (another store, annotator, or program's writes):
        in a worker, the bar saying :data:`COUNTING` until the counts come (a store no job
        can open is counted here, at once). One count at a time: asked again while one is
        under way (another program writing every second), it counts again when that ends."""
        self.counts = None
        if self._jobs.job is not None:
            self._edited = True
        else:
            try:
                location = worker_location(self.service.store)
            except CounterclaimError:
                self.counts = self.service.progress()
            else:
                self._count(location)
        self.refresh()

    def _count(self, location: str) -> None:
        job = ProgressJob(location, self.service.annotator)
        job.signals.finished.connect(self._counted)
        job.signals.failed.connect(self._count_failed)
        self._edited = False
        self._jobs.start(job)

    def _counted(self, counts: Progress) -> None:
        if not self._jobs.ended(self.sender()):
            return
        if self._edited:  # the counts may miss an edit, or hold it: count again
            self.recount()
            return
        self.counts = counts
        self._show_progress()

    def _count_failed(self, message: str) -> None:
        if self._jobs.ended(self.sender()):
            self.showMessage(line(f"the counts could not be read: {message}", MESSAGE_CHARS),
                             MESSAGE_MS)

    @property
    def counting(self) -> bool:
        """A worker is counting what the store holds."""
        return self._jobs.job is not None

    def refresh(self) -> None:
        """Show the counts and state, the annotator and the store."""
        self.annotator.setText(mnemonic(f"annotator: {line(self.service.annotator, NAME)}"))
        self.store.setText(line(f"store: {self.service.store_name}"))
        self.store.setToolTip(tooltip(self.service.location))
        self._show_progress()

    def _show_progress(self) -> None:
        """Show the counts and state (all an edit, a wait or a failure changes)."""
        progress = self.counts
        counts = COUNTING if progress is None else \
            f"{progress.done:,} of {progress.total:,} done · {progress.spans:,} spans"
        label, text = self.progress, f"{counts} · {self.state}"
        if text == label.shown:
            return
        label.setText(text)
        line = label.line()
        if line == self._line and surely_fits(label, text, label.advance, label.room()):
            return  # (without its size hint, which lays the text out again: ~0.2 M instr.)
        hint = label.sizeHint()
        if hint.width() + SLACK > label.minimumWidth() or \
                hint.height() != label.minimumHeight():
            # held at the widest text so far: a count one digit longer or shorter, or another
            # state, lays the bar out (and repaints all of it) only when it needs more room
            label.setFixedSize(max(hint.width() + SLACK, label.minimumWidth()), hint.height())
        self._line = line

    def _on_changed(self, changes: ChangeSet) -> None:
        """Counts follow the change's own values: an edit reads nothing back."""
        who, counts = self.service.annotator, self.counts
        self._edited = self._jobs.job is not None
        if counts is not None:
            done, spans = changes.done_delta(who), changes.span_delta(who)
            if done or spans:  # (a relabel changes neither: the counts kept as they are)
                # (made, not ``dataclasses.replace``d: that walks the fields, ~13 K instr.)
                self.counts = Progress(counts.done + done, counts.total, counts.spans + spans)
        self.state = waiting_state(self.service.waiting) or "saved"
        self._show_progress()

    def _on_waiting(self, count: int) -> None:
        """Edits wait for another program (or no more: all saved, else a failure said so)."""
        if count:
            self.state = waiting_state(count)
        elif self.state.startswith(WAITING):
            self.state = "saved"
        self._show_progress()

    def _on_failed(self, message: str, _serious: bool) -> None:
        self.state = "not saved"
        self._show_progress()
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
