"""Training a model and suggesting with it from the window, in the background: the Suggestions
menu's "Train a model…" and "Suggest with the model", each with a progress dialog whose Cancel
stops the job (a training leaves the model before; a suggest run stores nothing)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QProgressDialog, QWidget

from annotate.model import GOLD
from desktop.jobs import Job, Running, worker_location
from desktop.plain import NAME, line
from desktop.service import Service


class ModelRuns(QObject):
    """The train and suggest actions; ``done`` is called after a suggest run stored its
    suggestions (the controller reloads the ghosts)."""

    def __init__(self, service: Service, done: Callable[[], None], parent: QWidget) -> None:
        super().__init__(parent)
        self.service = service
        self.hub = service.hub
        self.done = done
        self.window = parent
        self.running = Running()
        self.job: Job | None = None
        self.dialog: QProgressDialog | None = None
        self.train_action = QAction("&Train a model…", self)
        self.train_action.setStatusTip("Train a suggestion model on a layer (gold or an "
                                       "annotator's), in the background, on this computer")
        self.train_action.triggered.connect(lambda _checked=False: self.ask_train())
        self.suggest_action = QAction("Suggest &with the model", self)
        self.suggest_action.setStatusTip("Fill the suggestions of every document with the "
                                         "model last trained on this store")
        self.suggest_action.triggered.connect(lambda _checked=False: self.suggest())

    # -- starting ---------------------------------------------------------------------------
    def ask_train(self) -> None:
        layers = [GOLD, *(n for n in self.service.annotators() if n != GOLD)]
        layer, ok = QInputDialog.getItem(self.window, "Train a model", "Learn from the layer:",
                                         layers, 0, False)
        if ok:
            self.train(layer)

    def train(self, layer: str, epochs: int | None = None) -> Job | None:
        """Train on ``layer`` into the folder beside the store file (NAME-model)."""
        path = self.service.store.path
        if path is None:
            self.hub.message.emit("a model is trained beside a store file: this store is not "
                                  "one (use counterclaim train --out)")
            return None
        from desktop.assist_jobs import TrainJob  # the training libraries, once asked for

        out = path.with_name(f"{path.stem}-model")
        job = TrainJob(self._location(), layer, out, *([epochs] if epochs else []))
        return self._start(job, f"Training on {line(layer, NAME)}…", self._trained)

    def suggest(self, threshold: float = 0.5) -> Job | None:
        """Suggest the spans the last model scores ``threshold`` or more in every document."""
        record = self.service.store.model_record()
        if record is None:
            self.hub.message.emit("no model trained on this store yet: Suggestions ▸ Train "
                                  "a model…")
            return None
        from desktop.assist_jobs import SuggestJob

        job = SuggestJob(self._location(), Path(record[0]), self.service.annotator, threshold)
        return self._start(job, "Suggesting…", self._suggested)

    def _location(self) -> str:
        return worker_location(self.service.store)

    def _start(self, job: Job, title: str, finished: Callable[[object], None]) -> Job | None:
        if self.job is not None:
            self.hub.message.emit("a model is training or suggesting already")
            return None
        dialog = QProgressDialog(title, "Cancel", 0, 0, self.window)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.canceled.connect(job.cancel)
        job.signals.stepped.connect(self._stepped)
        job.signals.finished.connect(finished)
        job.signals.failed.connect(self._failed)
        self.job, self.dialog = job, dialog
        self.running.add(job)
        job.start()
        return job

    # -- hearing back -----------------------------------------------------------------------
    def _stepped(self, done: int, total: int) -> None:
        if self.dialog is not None:
            self.dialog.setMaximum(max(total, 0))
            self.dialog.setValue(min(done, total) if total else 0)

    def _end(self) -> bool:
        """Whether the job that ended is the current one (then it and its dialog go)."""
        ended = self.running.ended(self.sender())
        if ended is None or ended is not self.job:
            return False
        self.job = None
        if self.dialog is not None:
            self.dialog.reset()
            self.dialog.deleteLater()
            self.dialog = None
        return True

    def _trained(self, trained: object) -> None:
        from desktop.assist_jobs import Trained  # imported by the job that trained

        if self._end() and isinstance(trained, Trained):
            f1 = ", ".join(f"{line(k, NAME)} {v.f1:.2f}" for k, v in trained.scores.items())
            self.hub.message.emit(f"model trained ({trained.path}); held-out F1: {f1}")

    def _suggested(self, filled: object) -> None:
        from desktop.cli_assist import Filled  # imported by the job that suggested

        if self._end() and isinstance(filled, Filled):
            self.service.suggestions_stored()
            self.done()
            self.hub.message.emit(f"suggested: {filled}")

    def _failed(self, message: str) -> None:
        if self._end():
            self.hub.message.emit(line(f"not done: {message}", 300))

    def busy(self) -> bool:
        return self.job is not None
