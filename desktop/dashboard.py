"""The dashboard dock: charts of the whole store, redrawn (debounced) as edits land.

Tabs: spans per label and per annotator; documents marked done per day per annotator;
for a chosen pair of annotators, token kappa and overlap span F1 per label (each bar labelled
with its score and the tokens or spans behind it) beside a confusion matrix of their labels;
and the suggestion model last trained on the store, with its held-out precision, recall and F1
per label (what ``counterclaim train`` prints), and the suggestions each source holds.
A chart with nothing to draw says so in words instead of showing bare axes. The counts scan
the whole store, so a background job on the job pool reads them (see :mod:`desktop.jobs`),
and an edit's own change set then tells the new counts (:mod:`desktop.dashboard_counts`);
agreement and confusion read and align the whole corpus, in pure Python, so they are computed
in a child process (:mod:`desktop.pair_process`), where they hold neither the window's GIL nor
its memory: the window stays live while they work. They are computed only with the Agreement
tab in front, and after an edit only when it touched the pair's layers.

pyqtgraph (and numpy) are imported only when the dock is first shown, and the agreement
module only by the child process, so the window opens without them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QRectF, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotate.commands import ChangeSet
from annotate.errors import Cancelled, CounterclaimError, plain_message
from annotate.model import GOLD
from desktop.dashboard_counts import Counts, CountsJob, follows, read_counts
from desktop.jobs import ChildJob, Latest, worker_location
from desktop.plain import NAME, line, markup, plain_label
from desktop.service import Service

if TYPE_CHECKING:
    import pyqtgraph as pg

    from desktop.pair_process import PairFigures


DEBOUNCE_MS = 1000
"""Edits arriving closer together than this redraw the charts once."""
ANNOTATOR_COLOURS = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860",
                     "#DA8BC3", "#8C8C8C")
NO_LABEL_COLOUR = "#999999"
KAPPA_COLOUR, F1_COLOUR, HEAT_COLOUR = "#4C72B0", "#A6C8E0", "#2B6CB0"
MIN_PLOT_HEIGHT = 190
MAX_DATE_TICKS = 7
KAPPA_TICKS = (-1.0, -0.5, 0.0, 0.5, 1.0)
NOTE = 400
"""Most characters of the dock's notes (an error may quote a name or a path)."""
TICK = 16
"""Tick names (labels, annotators) longer than this are cut: ticks sit side by side."""
SHORT_TICK = 8
"""Confusion column names longer than this are cut (the rows are cut at :data:`TICK`)."""
NO_SPANS = "no spans yet"
NO_DONE = "no document marked done yet"
NO_PAIR = "agreement needs two annotators with spans"


class PairJob(ChildJob):
    """Agreement and label confusion of one pair, computed in a child process
    (:mod:`desktop.pair_process`: off the window's GIL); None when cancelled, which stops the
    child at once."""

    def __init__(self, location: str, a: str, b: str) -> None:
        super().__init__(location)
        self.a, self.b = a, b

    def run(self) -> None:
        from desktop.pair_process import pair_figures  # the child's, when the pair is figured

        try:
            figures = self.apart(pair_figures, self.a, self.b)
        except Cancelled:
            self.signals.finished.emit(None)
        except Exception as exc:  # the GUI must hear of every failure, whatever it is
            self.signals.failed.emit(plain_message(exc))
        else:
            self.signals.finished.emit(figures)


def compact(n: int) -> str:
    """A count short enough to sit above a narrow bar: 950, 6.5k, 12k."""
    if n < 1000:
        return str(n)
    return f"{n / 1000:.1f}k" if n < 10_000 else f"{n // 1000}k"


def ticks(names: Sequence[str], limit: int = TICK) -> list[list[tuple[int, str]]]:
    """Axis ticks 0, 1, ... named by ``names``, each on one line and cut at ``limit``
    (an axis measures every tick text it draws)."""
    return [[(i, line(name, limit)) for i, name in enumerate(names)]]


def day_range(per_day: Mapping[str, Sequence[tuple[str, int]]]) -> list[str]:
    """Every day from the first to the last of ``per_day`` (days without a mark included)."""
    days = sorted({day for series in per_day.values() for day, _ in series})
    if not days:
        return []
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    return [(first + timedelta(n)).isoformat() for n in range((last - first).days + 1)]


class Dashboard(QDockWidget):
    """The charts dock. Public for tests: ``label_bars``, ``annotator_bars`` (BarGraphItems),
    ``days`` and ``progress_curves`` (annotator -> PlotDataItem), ``kappa_bars``, ``f1_bars``
    and ``na_labels`` (labels whose kappa is undefined), ``confusion_image`` with
    ``confusion_labels`` (row and column names), and ``pair_a``/``pair_b`` (QComboBoxes)."""

    def __init__(self, service: Service, parent: QWidget | None = None) -> None:
        super().__init__("Dashboard", parent)
        self.setObjectName("dashboard")
        self.service = service
        self._built = False
        self._stale = True
        """The counts are to be read again (else they are kept, followed from the edits)."""
        self._counted: Counts | None = None
        """The counts last read, followed since by the edits that tell their own."""
        self._due: set[str] = set()
        """What an edit followed from its change set left to redraw: the span charts
        ("spans"), the pair's figures ("pair")."""
        self.showing = False
        """The dock is open and its tab in front (``isVisible()`` stays true for a dock
        tabbed behind another one)."""
        self._pair: tuple[str, str] | bool | None = False
        """:meth:`pair` as the choosers said it last (False: to ask them again, after a
        choice or a refill): asked at each edit followed, two calls into Qt answering a
        QVariant (~10 K instructions a key press, the dashboard in front or not)."""
        self._pairs: Latest[PairJob] = Latest()
        self._counts: Latest[CountsJob] = Latest()
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._refresh_if_shown)
        self.setWidget(QLabel("Charts appear here when the dashboard is shown."))
        self.visibilityChanged.connect(self._on_visible)
        hub = service.hub
        hub.changed.connect(self._on_changed)
        for signal in (hub.storeChanged, hub.schemaChanged, hub.annotatorChanged):
            signal.connect(self._mark_stale)

    # -- refresh scheduling ----------------------------------------------------------------
    def _mark_stale(self, *_args: object) -> None:
        self._stale = True
        self._counted = None
        self._due.clear()
        self._counts.cancel()
        self._pairs.cancel()
        if self.showing:
            self._timer.start()

    def _on_changed(self, changes: ChangeSet) -> None:
        """An edit that tells its new counts (spans made, relabelled, deleted) is followed
        from its change set: nothing is read, the span charts are redrawn (debounced), the
        pair's figures computed again only when the edit touched the pair's spans; any other
        change reads the counts again."""
        counted = self._counted
        followed = None if counted is None or self._stale or self._counts.job is not None \
            else follows(counted, changes)
        if followed is None:
            self._mark_stale()
            return
        self._counted = followed
        if followed.stats["spans_per_label"] != counted.stats["spans_per_label"] or \
                followed.stats["spans_per_annotator"] != counted.stats["spans_per_annotator"]:
            self._due.add("spans")
        pair = self.pair()
        if pair is not None and any(s is not None and s.annotator in pair
                                    for edit in changes.edits for s in edit):
            self._due.add("pair")
            self._pairs.cancel()
        if self.showing and self._due:
            self._timer.start()

    def _on_visible(self, visible: bool) -> None:
        self.showing = visible
        if visible and not self._built:
            self._build()
        if visible and (self._stale or self._due):
            self._timer.start(0)

    def changeEvent(self, event: QEvent) -> None:
        """A new palette (the theme changed) rebuilds the built charts in its colours."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._built:
            self._counts.cancel()
            self._pairs.cancel()
            self._build()
            self._mark_stale()

    def _refresh_if_shown(self) -> None:
        self._timer.setInterval(DEBOUNCE_MS)
        if not self.showing:
            return
        if self._stale:
            self.refresh()
            return
        due, self._due = self._due, set()
        if "spans" in due and self._counted is not None:
            self._draw_spans(self._counted)
        if "pair" in due:
            self._figure_pair()

    def refresh(self) -> None:
        """Read the counts in a background job (the charts follow when it ends; a job under
        way is dropped), then start the pair job. A store no job can open is counted here."""
        if not self._built:
            self._build()
        self._stale = False
        self._counted = None
        self._due.clear()
        self._counts.cancel()
        try:
            location = worker_location(self.service.store)
        except CounterclaimError:
            try:
                counts = read_counts(self.service.store)
            except CounterclaimError as exc:
                self._counts_failed(str(exc))
            else:
                self._draw_counts(counts)
            return
        job = CountsJob(location)
        job.signals.finished.connect(self._on_counts)
        job.signals.failed.connect(self._on_counts_failed)
        self._counts.start(job)

    def _on_counts(self, counts: Counts) -> None:
        if self._counts.ended(self.sender()):
            self._draw_counts(counts)

    def _on_counts_failed(self, message: str) -> None:
        if self._counts.ended(self.sender()):
            self._counts_failed(message)

    def _counts_failed(self, message: str) -> None:
        self.note.setText(line(f"cannot read the store: {message}", NOTE))

    def _draw_counts(self, counts: Counts) -> None:
        """Redraw the count charts and start the pair job (its charts follow when it ends)."""
        self._counted = counts
        stats = counts.stats
        self._colours = {label.name: label.color for label in self.service.schema().labels}
        self._draw_spans(counts)
        by_annotator = stats["spans_per_annotator"]
        self._draw_progress(counts.per_day)
        self._draw_model(counts)
        # the pair is chosen among annotators with spans or statuses (all if none has any)
        working = [n for n in counts.annotators
                   if n != GOLD and (n in by_annotator or n in stats["status"])]
        self._fill_pair(working or [n for n in counts.annotators if n != GOLD])
        self._figure_pair()

    def _figure_pair(self) -> None:
        """Compute the pair's figures now if the Agreement tab is in front, else when it is
        brought in front (a tab out of sight does nothing: the figures read and align the
        whole corpus, in a child process that would take a core while keys are pressed)."""
        self._pairs.cancel()
        if self.tabs.currentWidget() is self.agreement:
            self._due.discard("pair")
            self.start_pair_job()
        else:
            self._due.add("pair")

    def _on_tab(self, _index: int) -> None:
        if "pair" in self._due and self.showing and not self._stale:
            self._figure_pair()

    def _draw_spans(self, counts: Counts) -> None:
        """The note and the span charts (per label, per annotator)."""
        stats = counts.stats
        colours = self._colours
        self.note.setText(f"{stats['documents']} documents · {stats['spans']} spans · "
                          f"{stats['relations']} relations")
        by_label = stats["spans_per_label"]
        self._bars(self.label_plot, self.label_bars, list(by_label),
                   list(by_label.values()), [colours.get(n, NO_LABEL_COLOUR) for n in by_label])
        by_annotator = stats["spans_per_annotator"]
        self._bars(self.annotator_plot, self.annotator_bars, list(by_annotator),
                   list(by_annotator.values()), [self._annotator_colour(n) for n in by_annotator])

    # -- building --------------------------------------------------------------------------
    def _build(self) -> None:
        import numpy as np
        import pyqtgraph as pg

        self._pg, self._np = pg, np
        self._colours: dict[str, str] = {}
        self._drawn_bars: dict[pg.PlotWidget, DrawnBars] = {}
        self._annotators: list[str] = []
        palette = self.palette()
        self._fg = palette.color(QPalette.ColorRole.Text)
        self._bg = palette.color(QPalette.ColorRole.Base)
        self.note = plain_label()
        shown = self.tabs.currentIndex() if self._built else 0  # (a rebuild keeps the tab)
        self._built = True
        tabs = self.tabs = QTabWidget()
        tabs.setDocumentMode(True)

        self.label_plot = self._plot("Spans per label")
        self.annotator_plot = self._plot("Spans per annotator")
        self.label_bars = pg.BarGraphItem(x=[], height=[], width=0.6)
        self.annotator_bars = pg.BarGraphItem(x=[], height=[], width=0.6)
        tabs.addTab(_row(self.label_plot, self.annotator_plot), "Spans")

        self.progress_plot = self._plot("Documents marked done per day")
        self.progress_legend = self.progress_plot.addLegend(offset=(10, 5),
                                                            labelTextColor=self._fg)
        self.days: list[str] = []
        self.progress_curves: dict[str, pg.PlotDataItem] = {}
        tabs.addTab(self.progress_plot, "Progress")

        self.pair_a, self.pair_b = QComboBox(), QComboBox()
        self._pair = False
        for combo in (self.pair_a, self.pair_b):
            combo.setMinimumContentsLength(10)
            combo.currentIndexChanged.connect(self._on_pair_chosen)
        self.pair_note = plain_label()
        chooser = QHBoxLayout()
        chooser.addWidget(QLabel("Annotators"))
        chooser.addWidget(self.pair_a)
        chooser.addWidget(QLabel("and"))
        chooser.addWidget(self.pair_b)
        chooser.addWidget(self.pair_note, 1)
        self.kappa_plot = self._plot(
            f'Agreement per label: <span style="color:{KAPPA_COLOUR}">■</span> token kappa '
            f'<span style="color:{F1_COLOUR}">■</span> overlap span F1')
        self.kappa_plot.getAxis("left").setTicks([[(v, f"{v:g}") for v in KAPPA_TICKS]])
        self.kappa_bars = pg.BarGraphItem(x=[], height=[], width=0.3, name="token kappa")
        self.f1_bars = pg.BarGraphItem(x=[], height=[], width=0.3, name="overlap span F1")
        self.na_labels: list[str] = []
        self.confusion_plot = self._plot("Label confusion")
        self.confusion_plot.invertY(True)
        self.confusion_image = pg.ImageItem(axisOrder="row-major")
        self.confusion_image.setColorMap(pg.ColorMap([0.0, 1.0], [self._bg, QColor(HEAT_COLOUR)]))
        self.confusion_labels: list[str] = []
        agreement = QWidget()
        column = QVBoxLayout(agreement)
        column.setContentsMargins(0, 4, 0, 0)
        column.addLayout(chooser)
        column.addWidget(_row(self.kappa_plot, self.confusion_plot), 1)
        self.agreement = agreement
        tabs.addTab(agreement, "Agreement")

        self.model_note = plain_label()
        self.model_table = QTableWidget(0, 4)
        self.model_table.setHorizontalHeaderLabels(["Label", "Precision", "Recall", "F1"])
        self.model_table.setAccessibleName("Held-out scores of the suggestion model")
        self.model_table.verticalHeader().setVisible(False)
        self.model_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        model = QWidget()
        column = QVBoxLayout(model)
        column.setContentsMargins(0, 4, 0, 0)
        column.addWidget(self.model_note)
        column.addWidget(self.model_table, 1)
        tabs.addTab(model, "Model")

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.note)
        layout.addWidget(tabs, 1)
        tabs.setCurrentIndex(shown)
        tabs.currentChanged.connect(self._on_tab)
        self.setWidget(body)

    def _plot(self, title: str) -> pg.PlotWidget:
        pg = self._pg
        fg = self._fg
        plot = pg.PlotWidget(background=self._bg)
        plot.setTitle(title, color=fg)
        plot.setMouseEnabled(False, False)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMinimumSize(220, MIN_PLOT_HEIGHT)
        for side in ("left", "bottom"):
            axis = plot.getAxis(side)
            axis.setPen(fg)
            axis.setTextPen(fg)
        return plot

    def _text(self, text: str, x: float, y: float, anchor: tuple[float, float] = (0.5, 1.0),
              colour: QColor | None = None) -> pg.TextItem:
        item = self._pg.TextItem(text, color=colour or self._fg, anchor=anchor)
        item.setPos(x, y)
        return item

    def _empty(self, plot: pg.PlotWidget, note: str) -> None:
        """Clear ``plot`` and say ``note`` in its middle, without axes."""
        plot.clear()
        item = plot.getPlotItem()
        item.hideAxis("left")
        item.hideAxis("bottom")
        plot.addItem(self._text(note, 0.0, 0.0, (0.5, 0.5), QColor(NO_LABEL_COLOUR)))
        plot.setRange(xRange=(-1, 1), yRange=(-1, 1), padding=0)

    def _filled(self, plot: pg.PlotWidget) -> None:
        """Clear ``plot`` for data, its axes shown."""
        plot.clear()
        item = plot.getPlotItem()
        item.showAxis("left")
        item.showAxis("bottom")

    def _annotator_colour(self, name: str) -> str:
        if name not in self._annotators:
            self._annotators.append(name)
        return ANNOTATOR_COLOURS[self._annotators.index(name) % len(ANNOTATOR_COLOURS)]

    # -- counts ----------------------------------------------------------------------------
    def _draw_model(self, counts: Counts) -> None:
        """The model tab: the last model's scores per label, and the suggestion sources."""
        sources = ", ".join(f"{line(s, NAME)}: {n}" for s, n in (counts.sources or {}).items())
        held = f"suggestions: {sources}" if sources else "no suggestions in the store"
        if counts.model is None:
            self.model_note.setText(f"no model trained on this store yet (counterclaim train); "
                                    f"{held}")
            self.model_table.setRowCount(0)
            return
        path, scores = counts.model
        scored = "scores on its held-out documents" if scores else \
            "no document was held out: nothing scored"
        self.model_note.setText(line(f"model {path}, {scored}; {held}", NOTE))
        self.model_table.setRowCount(len(scores))
        for row, (label, values) in enumerate(scores.items()):
            cells = [line(label, NAME), *(f"{v:.3f}" for v in list(values)[:3])]
            for column, text in enumerate(cells):
                self.model_table.setItem(row, column, QTableWidgetItem(text))

    def _bars(self, plot: pg.PlotWidget, bars: pg.BarGraphItem, names: list[str],
              heights: list[int], colours: list[str]) -> None:
        """Draw a bar per name, its count above it. The same names and colours drawn
        before (an edit followed): only the bars and counts that changed are set again, and
        the range when the tallest bar changed; the rest of the chart stays as drawn."""
        drawn = self._drawn_bars.pop(plot, None)
        if not any(heights):
            bars.setOpts(x=[], height=[], brushes=[])
            self._empty(plot, NO_SPANS)
            return
        if drawn is not None and drawn.names == names and drawn.colours == colours:
            self._drawn_bars[plot] = drawn.moved(bars, heights, plot)
            return
        self._filled(plot)
        xs = self._np.arange(len(names), dtype=float)
        bars.setOpts(x=xs, height=self._np.array(heights, dtype=float),
                     brushes=[self._pg.mkBrush(c) for c in colours],
                     pen=self._pg.mkPen(NO_LABEL_COLOUR))
        plot.addItem(bars)
        counts = [self._text(str(n), x, n) for x, n in zip(xs, heights, strict=True)]
        for item in counts:
            plot.addItem(item)
        plot.getAxis("bottom").setTicks(ticks(names))
        plot.setXRange(-0.6, max(len(names), 1) - 0.4, padding=0)
        plot.setYRange(0, _bar_top(heights), padding=0)
        self._drawn_bars[plot] = DrawnBars(names, colours, heights, counts)

    def _draw_progress(self, per_day: Mapping[str, Sequence[tuple[str, int]]]) -> None:
        plot = self.progress_plot
        self.days = day_range(per_day)
        self.progress_curves = {}
        if not self.days:
            self._empty(plot, NO_DONE)
            return
        self._filled(plot)
        index = {day: i for i, day in enumerate(self.days)}
        for name, series in per_day.items():
            counts = self._np.zeros(len(self.days))
            for day, n in series:
                counts[index[day]] = n
            colour = self._annotator_colour(name)
            self.progress_curves[name] = plot.plot(
                self._np.arange(len(self.days), dtype=float), counts, name=markup(name, NAME),
                pen=self._pg.mkPen(colour, width=2), symbol="o", symbolSize=7,
                symbolBrush=colour, symbolPen=colour)
        self.progress_legend.setColumnCount(max(1, len(per_day)))
        step = max(1, math.ceil(len(self.days) / MAX_DATE_TICKS))
        plot.getAxis("bottom").setTicks([[(i, self.days[i]) for i in range(0, len(self.days),
                                                                            step)]])
        peak = max((n for series in per_day.values() for _, n in series), default=0)
        plot.setXRange(-0.5, max(len(self.days) - 0.5, 0.5), padding=0.02)
        plot.setYRange(0, peak * 1.3 + 1, padding=0)
        plot.setLabel("left", "documents", color=self._fg.name())

    # -- the pair --------------------------------------------------------------------------
    def _fill_pair(self, names: list[str]) -> None:
        """Offer ``names`` in both choosers, keeping the current choices where possible;
        the defaults are the first two names."""
        chosen = [self.pair_a.currentData(), self.pair_b.currentData()]
        for combo in (self.pair_a, self.pair_b):
            combo.blockSignals(True)
            combo.clear()
            for name in names:
                combo.addItem(line(name, NAME), name)
        for k, combo in enumerate((self.pair_a, self.pair_b)):
            keep = chosen[k] if chosen[k] in names else (names[k] if k < len(names) else None)
            combo.setCurrentIndex(combo.findData(keep))
            combo.blockSignals(False)
        self._pair = False  # (chosen unheard)

    def pair(self) -> tuple[str, str] | None:
        """The two different annotators chosen (None: not two)."""
        pair = self._pair
        if pair is False:
            a, b = self.pair_a.currentData(), self.pair_b.currentData()
            pair = self._pair = (a, b) if a and b and a != b else None
        return pair  # type: ignore[return-value]

    def _on_pair_chosen(self, _index: int) -> None:
        self._pair = False
        self.start_pair_job()

    def start_pair_job(self) -> None:
        """Compute the pair's figures in the background (a job under way is dropped)."""
        self._pairs.cancel()
        pair = self.pair()
        if pair is None:
            self._clear_pair("choose two different annotators" if self.pair_a.count() > 1
                             else "", NO_PAIR)
            return
        try:
            location = worker_location(self.service.store)
        except CounterclaimError as exc:
            self._clear_pair(str(exc))
            return
        job = PairJob(location, *pair)
        job.signals.stepped.connect(self._on_step)
        job.signals.finished.connect(self._on_figures)
        job.signals.failed.connect(self._on_failed)
        self.pair_note.setText("computing…")
        self._pairs.start(job)

    @property
    def busy(self) -> bool:
        """A counts or pair job is running (the current one or one cancelled, not stopped
        yet)."""
        return bool(len(self._counts) or len(self._pairs))


    def _on_step(self, done: int, total: int) -> None:
        if self._pairs.sent(self.sender()):
            self.pair_note.setText(f"computing… {100 * done // max(total, 1)}%")

    def _on_failed(self, message: str) -> None:
        if self._pairs.ended(self.sender()):
            self._clear_pair(f"agreement could not be computed: {message}")

    def _on_figures(self, figures: PairFigures | None) -> None:
        if not (self._pairs.ended(self.sender()) and figures is not None
                and (figures.a, figures.b) == self.pair()):
            return
        if not figures.documents:
            self._clear_pair(f"{figures.a} and {figures.b} have no document in common",
                             f"no document annotated by both {figures.a} and {figures.b}")
            return
        plural = "s" if figures.documents > 1 else ""
        self.pair_note.setText(f"{figures.documents} document{plural} annotated by both")
        self._draw_agreement(figures)
        self._draw_confusion(figures)

    def _clear_pair(self, note: str, chart_note: str = NO_PAIR) -> None:
        """No figures to draw: ``note`` beside the choosers, ``chart_note`` in both charts."""
        self.pair_note.setText(line(note, NOTE))
        for plot in (self.kappa_plot, self.confusion_plot):
            self._empty(plot, line(chart_note, NOTE))
        self.na_labels, self.confusion_labels = [], []

    def _in_schema_order(self, names: set[str]) -> list[str]:
        from annotate.agreement import NO_SPAN  # imported by the job that found ``names``

        order = {name: i for i, name in enumerate(self._colours)}
        return sorted(names, key=lambda n: (n == NO_SPAN, order.get(n, len(order)), n))

    def _draw_agreement(self, figures: PairFigures) -> None:
        plot = self.kappa_plot
        self._filled(plot)
        labels = self._in_schema_order(set(figures.kappa))
        self.na_labels = []
        kappa_x: list[float] = []
        kappa_h: list[float] = []
        f1_x: list[float] = []
        f1_h: list[float] = []
        low = 0.0
        for i, label in enumerate(labels):
            kappa, f1 = figures.kappa[label], figures.overlap[label]
            for x, value, units, xs, hs in (
                    (i - 0.17, kappa.value, f"{compact(kappa.units)} tok", kappa_x, kappa_h),
                    (i + 0.17, f1.value, f"{compact(f1.a + f1.b)} span" + "s" * (
                        f1.a + f1.b != 1), f1_x, f1_h)):
                if value is None:
                    plot.addItem(self._text("n/a", x, 0.0, colour=QColor(NO_LABEL_COLOUR)))
                    continue
                xs.append(x)
                hs.append(value)
                low = min(low, value)
                plot.addItem(self._text(f"{value:.2f}\n{units}", x, max(value, 0.0)))
            if kappa.value is None:
                self.na_labels.append(label)
        self.kappa_bars.setOpts(x=self._np.array(kappa_x), height=self._np.array(kappa_h),
                                brushes=None, brush=self._pg.mkBrush(KAPPA_COLOUR), pens=None,
                                pen=self._pg.mkPen(QColor(KAPPA_COLOUR).darker(150)))
        self.f1_bars.setOpts(x=self._np.array(f1_x), height=self._np.array(f1_h), brushes=None,
                             brush=self._pg.mkBrush(F1_COLOUR), pens=None,
                             pen=self._pg.mkPen(KAPPA_COLOUR))
        plot.addItem(self.kappa_bars)
        plot.addItem(self.f1_bars)
        axis = plot.getAxis("bottom")
        axis.setTicks(ticks(labels))
        axis.setTextPen(self._fg)
        plot.setXRange(-0.6, max(len(labels), 1) - 0.4, padding=0)
        plot.setYRange(min(low * 1.15, -0.05), 1.4, padding=0)

    def _draw_confusion(self, figures: PairFigures) -> None:
        plot = self.confusion_plot
        labels = self._in_schema_order({name for key in figures.confusion for name in key})
        if not labels:
            self._empty(plot, f"no spans of {figures.a} or {figures.b} to compare")
            self.confusion_labels = []
            return
        self._filled(plot)
        self.confusion_labels = labels
        where = {name: i for i, name in enumerate(labels)}
        counts = self._np.zeros((len(labels), len(labels)))
        for (a_label, b_label), n in figures.confusion.items():
            counts[where[a_label], where[b_label]] = n
        peak = max(float(counts.max(initial=0.0)), 1.0)
        image = self.confusion_image
        image.setImage(counts, levels=(0.0, peak))
        image.setRect(QRectF(-0.5, -0.5, len(labels), len(labels)))
        plot.addItem(image)
        light = QColor("white")
        for (row, col), n in self._np.ndenumerate(counts):
            if n:
                colour = light if n > peak / 2 else self._fg
                plot.addItem(self._text(str(int(n)), col, row, (0.5, 0.5), colour))
        plot.getAxis("left").setTicks(ticks(labels))
        plot.getAxis("bottom").setTicks(ticks(labels, SHORT_TICK))
        plot.setLabel("left", markup(figures.a, NAME), color=self._fg.name())
        plot.setLabel("bottom", markup(figures.b, NAME), color=self._fg.name())
        size = max(len(labels), 1)
        plot.setRange(xRange=(-0.5, size - 0.5), yRange=(-0.5, size - 0.5), padding=0)


def _bar_top(heights: Sequence[int]) -> float:
    """The top of a bar chart's range: room above the tallest bar for its count."""
    return max(heights, default=0) * 1.18 + 1


@dataclass(frozen=True, slots=True)
class DrawnBars:
    """A bar chart as drawn: its names, colours and heights, and the count items above the
    bars."""

    names: list[str]
    colours: list[str]
    heights: list[int]
    counts: list[pg.TextItem]

    def moved(self, bars: pg.BarGraphItem, heights: list[int],
              plot: pg.PlotWidget) -> DrawnBars:
        """The chart with the bars at ``heights``: the bars and the counts that changed are
        set again (and the range, when the tallest bar changed), nothing else."""
        changed = [i for i, (a, b) in enumerate(zip(self.heights, heights, strict=True))
                   if a != b]
        if changed:
            import numpy as np  # (loaded with pyqtgraph when the chart was first drawn)

            bars.setOpts(height=np.array(heights, dtype=float))
            for i in changed:
                self.counts[i].setText(str(heights[i]))
                self.counts[i].setPos(i, heights[i])
        if max(heights) != max(self.heights):
            plot.setYRange(0, _bar_top(heights), padding=0)
        return DrawnBars(self.names, self.colours, heights, self.counts)


def _row(*widgets: QWidget) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget, 1)
    return row
