"""The import and export dialogs: a form, then a window-modal progress dialog with Cancel
while the job runs in the background (:mod:`desktop.transfer_jobs`), then a plain-text summary.

Nothing here blocks: ``accept()`` starts the job and returns; :attr:`_TransferDialog.ended`
fires once the summary is shown (tests wait on it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotate import formats
from annotate.errors import CounterclaimError, InputError
from annotate.formats.base import DEFAULT_ANNOTATOR, ImportOptions, name_map
from annotate.formats.iob import SCHEMES
from annotate.formats.targets import folder_to_export
from annotate.model import GOLD, STATUSES
from db.transfer import ExportFilter, FileResult, Split, export_targets
from desktop.accessible import name_form_fields
from desktop.dialogs.memory import DialogMemory, Kept
from desktop.jobs import worker_location
from desktop.transfer_jobs import (
    CANCELLED,
    SKIPPED,
    ExportJob,
    ExportOutcome,
    ImportJob,
)

ANY_STATUS = "any"
IMPORT_CANCELLED = ("Import cancelled. Files finished before the cancel stay imported; the file "
                    "being read was rolled back, and later files were not read.")
EXPORT_CANCELLED = ("Export cancelled: the output being written was discarded (no partial file "
                    "is left). With a split, the parts finished before the cancel were kept.")


def import_summary(results: list[FileResult], failure: str | None = None,
                   dry_run: bool = False) -> str:
    """The per-file report shown at the end of an import (plain text): per annotator what each
    file added, changed, left unchanged and skipped (with the reasons), and any name clash."""
    landed = [r for r in results if r.summary is not None]
    lines = [f"Checked {len(landed)} of {len(results)} files: nothing was written."
             if dry_run else f"Imported {len(landed)} of {len(results)} files."]
    if any(r.error and r.error.endswith((CANCELLED, SKIPPED)) for r in results):
        lines.append(IMPORT_CANCELLED)
    if failure is not None:
        lines.append(f"The import stopped: {failure}")
    lines.append("")
    for r in results:
        lines += r.lines()
        lines += [f"  Warning: {warning}" for warning in r.warnings]
    return "\n".join(lines)


def export_summary(outcome: ExportOutcome | None, failure: str | None = None) -> str:
    """Each output path with what its format could not carry (plain text)."""
    if failure is not None:
        return f"Export failed: {failure}"
    assert outcome is not None
    if outcome.cancelled:
        return EXPORT_CANCELLED
    return "\n".join(f"{path}: {report.summary()}" for path, report in outcome.outputs)


class SummaryDialog(QDialog):
    """A read-only plain-text report with a Close button."""

    def __init__(self, parent: QWidget | None, title: str, text: str):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.view = QPlainTextEdit(text)
        self.view.setReadOnly(True)
        self.view.setAccessibleName(title)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
        self.resize(640, 320)

    def text(self) -> str:
        return self.view.toPlainText()


def _checkable(names: list[str]) -> QListWidget:
    widget = QListWidget()
    for name in names:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked)
        widget.addItem(item)
    widget.setMaximumHeight(110)
    return widget


def checked(widget: QListWidget) -> list[str]:
    items = (widget.item(i) for i in range(widget.count()))
    return [item.text() for item in items if item.checkState() == Qt.CheckState.Checked]


class _TransferDialog(QDialog):
    """The form, progress and summary steps shared by import and export; with ``settings``,
    the form shows the choices last used (:mod:`desktop.dialogs.memory`)."""

    ended = Signal()
    TITLE = ""

    def __init__(self, parent: QWidget | None, service: Any, settings: QSettings | None = None):
        super().__init__(parent)
        self.service = service
        self.memory = (DialogMemory(settings, self.TITLE.lower(), service.store.location)
                       if settings is not None else None)
        self.setWindowTitle(self.TITLE)
        self.job: ImportJob | ExportJob | None = None
        self.progress: QProgressDialog | None = None
        self.summary: SummaryDialog | None = None
        self.cancel_button = QPushButton("Cancel")
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #B00020")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.TITLE)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.rejected.connect(self.deleteLater)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    # -- steps -----------------------------------------------------------------------------
    def accept(self) -> None:
        """Check the form and start the job; a problem is shown in the form instead."""
        try:
            job = self.make_job(worker_location(self.service.store))
        except CounterclaimError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        if self.memory is not None:
            self.memory.save()
        super().accept()
        self.start(job)

    def start(self, job: ImportJob | ExportJob) -> None:
        self.job = job
        self.progress = QProgressDialog(self.parentWidget())
        self.progress.setWindowTitle(self.TITLE)
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.PlainText)
        self.progress.setLabel(label)
        self.progress.setLabelText("Starting…")
        self.progress.setCancelButton(self.cancel_button)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoReset(False)
        self.progress.setAutoClose(False)
        self.progress.setRange(0, 0)
        self.progress.canceled.connect(self.cancel)
        job.signals.progress.connect(self.on_progress)
        job.signals.finished.connect(self.on_finished)
        job.signals.failed.connect(self.on_failed)
        self.connect_job(job)
        self.progress.show()
        job.start()

    def cancel(self) -> None:
        """Ask the job to stop; the progress dialog (hidden by Qt on Cancel) stays up, its
        button disabled, until the job has stopped."""
        if self.job is None or self.progress is None:
            return
        self.job.cancel()
        self.cancel_button.setEnabled(False)
        self.progress.setLabelText("Cancelling…")
        self.progress.show()

    def show_summary(self, text: str) -> None:
        if self.progress is not None:
            self.progress.canceled.disconnect(self.cancel)
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        self.summary = SummaryDialog(self.parentWidget(), self.TITLE, text)
        self.summary.finished.connect(self.summary.deleteLater)
        self.summary.finished.connect(self.deleteLater)
        self.summary.open()
        self.ended.emit()

    # -- for the subclasses ----------------------------------------------------------------
    def keep(self, widgets: dict[str, Kept], per_store: dict[str, Kept]) -> None:
        """Show the choices last used in ``widgets`` (kept for every store) and ``per_store``
        (kept for this store), and keep them when the dialog is used."""
        if self.memory is not None:
            for key, widget in widgets.items():
                self.memory.keep(key, widget)
            for key, widget in per_store.items():
                self.memory.keep(key, widget, per_store=True)

    def make_job(self, location: str) -> ImportJob | ExportJob:
        raise NotImplementedError

    def connect_job(self, job: Any) -> None:
        """Connect signals particular to one kind of job."""

    def on_progress(self, file: str, documents: int) -> None:
        raise NotImplementedError

    def on_finished(self, result: Any) -> None:
        raise NotImplementedError

    def on_failed(self, message: str) -> None:
        raise NotImplementedError


class ImportDialog(_TransferDialog):
    """Files or folders, format (auto or forced), annotator for files that name none, a label
    map, an annotator map (a peer's names brought in under others), the field holding the text
    (doccano, Label Studio), whether unknown labels are added to the schema, and whether to
    only check (read and count, write nothing)."""

    TITLE = "Import"

    def __init__(self, parent: QWidget | None, service: Any, settings: QSettings | None = None):
        super().__init__(parent, service, settings)
        self.paths = QListWidget()
        self.paths.setMaximumHeight(120)
        add_files, add_folder, remove = (QPushButton("Add files…"), QPushButton("Add folder…"),
                                         QPushButton("Remove"))
        add_files.clicked.connect(self.choose_files)
        add_folder.clicked.connect(self.choose_folder)
        remove.clicked.connect(self.remove_selected)
        row = QHBoxLayout()
        for button in (add_files, add_folder, remove):
            row.addWidget(button)
        self.format = QComboBox()
        self.format.addItems(["auto", *formats.IMPORT_FORMATS])
        self.annotator = QLineEdit()
        self.annotator.setPlaceholderText(DEFAULT_ANNOTATOR)
        self.label_map = QPlainTextEdit()
        self.label_map.setPlaceholderText("THEIRS=OURS, one per line")
        self.label_map.setMaximumHeight(80)
        self.annotator_map = QPlainTextEdit()
        self.annotator_map.setPlaceholderText("THEIRS=OURS, one per line (a peer's names)")
        self.annotator_map.setMaximumHeight(60)
        self.text_key = QLineEdit()
        self.text_key.setPlaceholderText("text")
        self.text_key.setToolTip("doccano and Label Studio: the field that holds the text (Label "
                                 "Studio also takes a task's only text field)")
        self.add_labels = QCheckBox("Add labels the schema does not know")
        self.column = QSpinBox()
        self.column.setRange(1, 99)
        self.column.setSpecialValueText("last")  # 1 holds the tokens: shown as "last"
        self.column.setToolTip("CoNLL: the column holding the tags, counted from 1")
        self.scheme = QComboBox()
        self.scheme.addItems(SCHEMES)
        self.scheme.setToolTip("CoNLL: how the tags encode chunks; auto reads IOB1, IOB2 and "
                               "BIOES alike, a scheme named also checks every tag against it")
        self.dry_run = QCheckBox("Only check: read and count, write nothing")
        run = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.dry_run.toggled.connect(lambda only: run.setText("Check" if only else self.TITLE))
        self.form.addRow("Files", self.paths)
        self.form.addRow("", row)
        self.form.addRow("Format", self.format)
        self.form.addRow("Annotator (for files that name none)", self.annotator)
        self.form.addRow("Label map", self.label_map)
        self.form.addRow("Annotator map", self.annotator_map)
        self.form.addRow("Text field (doccano, Label Studio)", self.text_key)
        self.form.addRow("", self.add_labels)
        conll = QHBoxLayout()
        conll.addWidget(QLabel("tag column"))
        conll.addWidget(self.column)
        conll.addWidget(QLabel("scheme"))
        conll.addWidget(self.scheme)
        conll.addStretch()
        self.form.addRow("CoNLL", conll)
        self.form.addRow("", self.dry_run)
        self.folder = QLineEdit(self)  # not shown: the folder the file choosers start in
        self.folder.hide()
        self.keep({"format": self.format, "text_key": self.text_key,
                   "add_labels": self.add_labels, "column": self.column, "scheme": self.scheme},
                  {"annotator": self.annotator, "label_map": self.label_map,
                   "annotator_map": self.annotator_map, "folder": self.folder})
        self.column.setAccessibleName("CoNLL tag column")
        self.scheme.setAccessibleName("CoNLL tag scheme")
        self.folder.setAccessibleName("Folder the file choosers start in")
        name_form_fields(self.form)
        self.results: list[FileResult] = []
        self.planned = 0

    def set_paths(self, paths: list[Path]) -> None:
        self.paths.clear()
        self.paths.addItems([str(p) for p in paths])

    def remove_selected(self) -> None:
        for item in self.paths.selectedItems():
            self.paths.takeItem(self.paths.row(item))

    def chosen_paths(self) -> list[Path]:
        return [Path(self.paths.item(i).text()) for i in range(self.paths.count())]

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Files to import", self.folder.text())
        self.paths.addItems(names)
        if names:
            self.folder.setText(str(Path(names[0]).parent))

    def choose_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Folder to import", self.folder.text())
        if name:
            self.paths.addItem(name)
            self.folder.setText(str(Path(name).parent))

    def make_job(self, location: str) -> ImportJob:
        paths = self.chosen_paths()
        if not paths:
            raise InputError("choose files or a folder to import")
        label_map = name_map(self.label_map.toPlainText().splitlines(), "label map", "line")
        annotator_map = name_map(self.annotator_map.toPlainText().splitlines(),
                                 "annotator map", "line")
        options = ImportOptions(self.annotator.text().strip() or None, label_map,
                                self.add_labels.isChecked(), annotator_map=annotator_map,
                                by=self.service.annotator,
                                text_key=self.text_key.text().strip() or None,
                                column=self.column.value() if self.column.value() > 1 else None,
                                scheme=self.scheme.currentText())
        forced = self.format.currentText()
        return ImportJob(location, paths, options, None if forced == "auto" else forced,
                         self.dry_run.isChecked())

    def connect_job(self, job: ImportJob) -> None:
        job.signals.planned.connect(self.on_planned)
        job.signals.fileDone.connect(self.on_file_done)

    def on_planned(self, count: int) -> None:
        self.planned = count
        if self.progress is not None:
            self.progress.setRange(0, count)
            self.progress.setValue(0)

    def on_progress(self, file: str, documents: int) -> None:
        if self.progress is not None:
            self.progress.setLabelText(f"File {len(self.results) + 1} of {self.planned}: "
                                       f"{file}\n{documents} documents read")

    def on_file_done(self, result: FileResult) -> None:
        self.results.append(result)
        if self.progress is not None:
            self.progress.setValue(len(self.results))

    def on_finished(self, _results: list[FileResult]) -> None:
        self.finish(None)

    def on_failed(self, message: str) -> None:
        self.finish(message)

    def finish(self, failure: str | None) -> None:
        """Reload the views if anything landed, then show the per-file summary."""
        checked_only = self.dry_run.isChecked()
        if not checked_only and any(r.summary is not None for r in self.results):
            hub = getattr(self.service, "hub", None)
            if hub is not None:
                hub.storeChanged.emit()
        self.show_summary(import_summary(self.results, failure, checked_only))


class ExportDialog(_TransferDialog):
    """Output path, format, annotators (and gold), labels, status, and an optional split.

    A folder picked for a folder format (brat) that holds other files becomes a new folder
    inside it (:func:`folder_to_export`); an output the export may not write (the store, a
    folder of other files typed in) is refused in the form."""

    TITLE = "Export"

    def __init__(self, parent: QWidget | None, service: Any, settings: QSettings | None = None):
        super().__init__(parent, service, settings)
        store = service.store
        self.out = QLineEdit()
        self.out.textChanged.connect(self.error.hide)  # a refusal was about the old output
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.choose_output)
        row = QHBoxLayout()
        row.addWidget(self.out)
        row.addWidget(browse)
        self.format = QComboBox()
        self.format.addItems(list(formats.EXPORT_FORMATS))
        self.format.currentTextChanged.connect(self.format_changed)
        self.annotators = _checkable([a for a in store.annotators() if a != GOLD])
        self.gold = QCheckBox("Include the adjudicated gold layer")
        self.labels = _checkable(list(store.schema().label_names))
        self.status = QComboBox()
        self.status.addItems([ANY_STATUS, *STATUSES])
        self.split = QLineEdit()
        self.split.setPlaceholderText("e.g. 0.8,0.1,0.1 (empty: one output)")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.form.addRow("Output", row)
        self.form.addRow("Format", self.format)
        self.form.addRow("Annotators", self.annotators)
        self.form.addRow("", self.gold)
        self.form.addRow("Labels", self.labels)
        self.form.addRow("Status", self.status)
        self.form.addRow("Split", self.split)
        self.form.addRow("Seed", self.seed)
        self.out.setAccessibleName("Output")
        name_form_fields(self.form)
        self.keep({"format": self.format, "gold": self.gold, "status": self.status,
                   "split": self.split, "seed": self.seed},
                  {"output": self.out, "annotators": self.annotators, "labels": self.labels})
        self.outcome: ExportOutcome | None = None

    def choose_output(self) -> None:
        fmt = formats.get(self.format.currentText())
        if fmt.folder:
            name = QFileDialog.getExistingDirectory(self, "Folder to write")
            name = str(folder_to_export(name, fmt)) if name else name
        else:
            name, _ = QFileDialog.getSaveFileName(self, "File to write", self.out.text(),
                                                  f"{fmt.name} (*{fmt.suffix})")
        if name:
            self.out.setText(name)

    def format_changed(self, fmt: str) -> None:
        """Keep the output's suffix in step with the format."""
        text = self.out.text().strip()
        if Path(text).name:
            self.out.setText(str(Path(text).with_suffix(formats.get(fmt).suffix)))

    def make_job(self, location: str) -> ExportJob:
        out = self.out.text().strip()
        if not out:
            raise InputError("choose where to write the export")
        status = self.status.currentText()
        labels = checked(self.labels)
        filters = ExportFilter(checked(self.annotators),
                               None if len(labels) == self.labels.count() else labels,
                               None if status == ANY_STATUS else status,  # type: ignore[arg-type]
                               self.gold.isChecked())
        split_text = self.split.text().strip()
        split = Split.parse(split_text, self.seed.value()) if split_text else None
        fmt = self.format.currentText()
        export_targets(self.service.store, Path(out), fmt, split)  # refused: said in the form
        return ExportJob(location, Path(out), fmt, filters, split)

    def on_progress(self, file: str, documents: int) -> None:
        if self.progress is not None:
            self.progress.setLabelText(f"Writing {file}\n{documents} documents")

    def on_finished(self, outcome: ExportOutcome) -> None:
        self.outcome = outcome
        self.show_summary(export_summary(outcome))

    def on_failed(self, message: str) -> None:
        self.show_summary(export_summary(None, message))
