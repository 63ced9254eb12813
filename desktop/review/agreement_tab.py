"""The Agreement tab of the review dock: every figure of :func:`compute_agreement` for all
annotators or one pair, optionally one label, computed over the corpus in a background job,
each figure shown with the counts behind it and "n/a (reason)" where it is undefined.

The job shows its progress (documents read, then spans matched) and can be cancelled; a change
to the store while it runs cancels it, so figures of a corpus that no longer is are never
shown. The agreement module (and numpy) is imported by the job, not with the window."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from itertools import combinations
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotate.agreement_outline import Outline, compared
from annotate.errors import Cancelled, CounterclaimError
from annotate.model import GOLD, AnnotatedDocument
from db.store import Store
from desktop.jobs import Job, Latest, worker_location
from desktop.plain import MESSAGE, NAME, line, tooltip
from desktop.service import Service

if TYPE_CHECKING:
    from annotate.agreement import F1, AgreementReport, Alpha, Metric

COLUMNS = ("", "Exact span F1", "Overlap span F1", "Token κ", "α (chosen annotators)")


class AgreementJob(Job):
    """:func:`compute_agreement` over every document of the job's own store; None when
    cancelled."""

    def __init__(self, location: str, annotators: Sequence[str] | None,
                 labels: Sequence[str] | None) -> None:
        super().__init__(location)
        self.annotators, self.labels = annotators, labels

    def work(self, store: Store) -> AgreementReport | None:
        from annotate.agreement import compute_agreement  # numpy: imported once needed

        total = store.count_documents()
        annotators = self.annotators

        def read() -> Iterator[AnnotatedDocument | Outline]:  # streamed, never held whole
            # a document fewer than two annotators count: its outline, not its text and spans
            for count, doc in enumerate(
                    store.iter_outlined(lambda outline: compared(outline, annotators)), 1):
                self.step(count, total)
                yield doc

        try:
            return compute_agreement(read(), self.annotators, self.labels, progress=self.step,
                                     categories=store.schema().documents)
        except Cancelled:
            return None


def value_text(value: float | None, reason: str | None) -> str:
    return f"n/a ({reason})" if value is None else f"{value:.3f}"


def f1_text(f1: F1, items: str = "spans") -> str:
    if f1.value is None:  # nothing on either side: the reason says it all
        return value_text(f1.value, f1.reason)
    return f"{value_text(f1.value, f1.reason)}   {f1.matches} matched of {f1.a} / {f1.b} {items}"


def metric_text(metric: Metric, units: str) -> str:
    return f"{value_text(metric.value, metric.reason)}   {metric.units} {units}"


def alpha_text(alpha: Alpha) -> str:
    return (f"{value_text(alpha.value, alpha.reason)}   {alpha.units} tokens, "
            f"{alpha.annotators} annotators")


class AgreementTab(QWidget):
    """Chooses annotators and label, runs the job, shows one group of rows per pair."""

    def __init__(self, service: Service, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.report: AgreementReport | None = None
        self._jobs: Latest[AgreementJob] = Latest()
        self.who = QComboBox()
        self.who.setToolTip("All annotators, or one pair")
        self.who.setAccessibleName("Annotators compared")
        self.label = QComboBox()
        self.label.setToolTip("Every label the annotators used, or one")
        self.label.setAccessibleName("Label compared")
        self.run_button = QPushButton("Compute")
        self.run_button.clicked.connect(self._run_clicked)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setVisible(False)
        self.copy_button = QPushButton("Copy as JSON")
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self.copy_json)
        self.note = QLabel("Press Compute to measure agreement over the whole corpus.")
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setAccessibleName("Agreement")
        self.tree.setAlternatingRowColors(True)
        self.tree.setRootIsDecorated(False)
        row = QHBoxLayout()
        for caption, widget in (("Annotators", self.who), ("Label", self.label)):
            row.addWidget(QLabel(caption))
            row.addWidget(widget, 1)
        row.addWidget(self.run_button)
        row.addWidget(self.progress)
        row.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addWidget(self.tree, 1)
        hub = service.hub
        hub.storeChanged.connect(self.fill_choices)
        hub.schemaChanged.connect(self.fill_choices)
        hub.storeChanged.connect(self._store_changed)
        hub.changed.connect(self._store_changed)
        self.fill_choices()

    # -- choices ---------------------------------------------------------------------------
    def fill_choices(self) -> None:
        """Offer all annotators and each pair of them; every schema label (keeps choices)."""
        names = [n for n in self.service.annotators() if n != GOLD]
        who, label = self.who.currentData(), self.label.currentData()
        self.who.clear()
        self.who.addItem("All annotators", None)
        for a, b in combinations(names, 2):
            self.who.addItem(f"{line(a, NAME)} vs {line(b, NAME)}", (a, b))
        self.label.clear()
        self.label.addItem("All labels", None)
        for name in self.service.schema().label_names:
            self.label.addItem(line(name, NAME), name)
        self.who.setCurrentIndex(max(self.who.findData(who), 0))
        self.label.setCurrentIndex(max(self.label.findData(label), 0))

    def chosen(self) -> tuple[list[str] | None, list[str] | None]:
        """(annotators, labels) to compare; None means all."""
        who, label = self.who.currentData(), self.label.currentData()
        return (list(who) if who else None), ([label] if label else None)

    # -- the job ---------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._jobs.job is not None

    def compute(self) -> None:
        if self._jobs.job is not None:
            return
        try:
            location = worker_location(self.service.store)
        except CounterclaimError as exc:
            self.note.setText(line(str(exc), MESSAGE))
            return
        job = AgreementJob(location, *self.chosen())
        job.signals.stepped.connect(self._on_step)
        job.signals.finished.connect(self._on_report)
        job.signals.failed.connect(self._on_failed)
        self.run_button.setText("Cancel")
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.note.setText("Computing agreement over the corpus…")
        self._jobs.start(job)

    def _run_clicked(self) -> None:
        if self._jobs.job is None:
            self.compute()
        else:
            self.cancel("Cancelled; press Compute to start again.")

    def cancel(self, note: str) -> None:
        """Stop the job under way (it ends at its next progress report; its result, if any,
        is dropped) and say ``note``."""
        if self._jobs.job is not None:
            self._jobs.cancel()
            self._idle(note)

    def _store_changed(self, *_args: object) -> None:
        self.cancel("The store changed while agreement was computed; press Compute again.")

    def _idle(self, note: str) -> None:
        self.run_button.setText("Compute")
        self.progress.setVisible(False)
        self.note.setText(note)

    def _on_step(self, done: int, total: int) -> None:
        if self._jobs.sent(self.sender()):
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)

    def _ended(self) -> bool:
        """Whether the job that just ended is the current one (else its result is stale)."""
        return self._jobs.ended(self.sender())

    def _on_failed(self, message: str) -> None:
        if self._ended():
            self._idle(line(f"Agreement could not be computed: {message}", MESSAGE))

    def _on_report(self, report: AgreementReport | None) -> None:
        if self._ended() and report is not None:
            self._idle("")
            self.show_report(report)

    # -- showing ---------------------------------------------------------------------------
    def show_report(self, report: AgreementReport) -> None:
        self.report = report
        self.copy_button.setEnabled(True)
        self.tree.clear()
        names = ", ".join(line(name, NAME) for name in report.annotators)
        self.note.setText(f"{len(report.annotators)} annotators ({names})"
                          f", {len(report.labels)} labels, {report.documents} documents read. "
                          "Counts: matched spans of each side's spans; tokens compared.")
        if not report.pairs:
            self.note.setText(self.note.text() + " Two annotators are needed for a pair.")
        for pair in report.pairs:
            group = QTreeWidgetItem(self.tree, [f"{line(pair.a)} vs {line(pair.b)} — "
                                                f"{pair.documents} documents both worked on"])
            group.setFirstColumnSpanned(True)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            for label in report.labels:
                self._row(group, line(label), f1_text(pair.exact[label]),
                          f1_text(pair.overlap[label]), metric_text(pair.kappa[label], "tokens"),
                          alpha_text(report.alpha[label]))
            self._row(group, "all labels (micro)", f1_text(pair.exact_micro),
                      f1_text(pair.overlap_micro))
            self._row(group, "relations", f1_text(pair.relations, "relations"))
            for name, metric in pair.attributes.items():
                self._row(group, line(f"attribute {name}"), metric_text(metric, "matched pairs"))
            for coding in report.doc_labels:  # κ and α over documents, in the same columns
                self._row(group, line(f"document {coding.name}"), "", "",
                          coding.kappa[(pair.a, pair.b)].text(), coding.alpha.text())
        self.tree.expandAll()
        for column in range(len(COLUMNS)):
            self.tree.resizeColumnToContents(column)

    def _row(self, group: QTreeWidgetItem, name: str, *cells: str) -> None:
        row = QTreeWidgetItem(group, [name, *cells])
        for column in range(1, len(COLUMNS)):
            row.setToolTip(column, tooltip(row.text(column)))

    def cell(self, pair: int, row_name: str, column: int) -> str:
        """The text shown for ``row_name`` of the ``pair``-th pair group, in ``column``."""
        group = self.tree.topLevelItem(pair)
        for i in range(group.childCount()):
            if group.child(i).text(0) == row_name:
                return group.child(i).text(column)
        raise KeyError(row_name)

    def copy_json(self) -> None:
        if self.report is not None:
            QGuiApplication.clipboard().setText(json.dumps(self.report.to_json(), indent=2))
            self.service.hub.message.emit("agreement copied as JSON")
