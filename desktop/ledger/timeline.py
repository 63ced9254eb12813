"""The ledger's timeline: each claimant's figure ranges of one row over publication date, so
that revisions and escalation show. A row with nothing to draw (no figure with a publication
date), or none, is said in words; pyqtgraph (and numpy: some 40 MB) is imported, and the chart
made, only when a row has something to draw."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QVBoxLayout, QWidget

from annotate.ledger import Row
from desktop.plain import line, plain_label

if TYPE_CHECKING:
    import pyqtgraph as pg

COLOURS = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3",
           "#8C8C8C")
OPEN_REACH = 0.25
"""An open range ("at least 25") is drawn this far above its bound, dashed."""
DAY = 86_400
PICK = "Pick a row of the ledger to see its figures over time"
NOTHING_DATED = "no figure with a publication date to draw"
Bar = tuple[float, float, float, bool]
"""A figure as drawn: (date as seconds, low, top drawn, whether its range is open)."""


def _when(published: str) -> float | None:
    """Seconds since the epoch of an ISO date ("2024-07-29", or a longer ISO time)."""
    try:
        return datetime.fromisoformat(published[:10]).replace(tzinfo=UTC).timestamp()
    except ValueError:
        return None


class Timeline(QWidget):
    """A chart of one ledger row: per claimant, a vertical bar from each figure's low to its
    high at the claim's publication date."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.note = plain_label(PICK)
        """What is shown in place of a chart with nothing to draw."""
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        self._layout.addWidget(self.note)
        self.plot: pg.PlotWidget | None = None
        self.drawn: list[tuple[str, float, float, float]] = []
        """What the chart shows: (claimant, date as seconds, low, top drawn), for tests."""

    def _build(self) -> pg.PlotWidget:
        import pyqtgraph as pg

        palette = self.palette()
        fg = palette.color(QPalette.ColorRole.Text)
        plot = pg.PlotWidget(background=palette.color(QPalette.ColorRole.Base),
                             axisItems={"bottom": pg.DateAxisItem(orientation="bottom")})
        plot.setMenuEnabled(False)
        plot.setMinimumSize(240, 120)
        for side in ("left", "bottom"):
            plot.getAxis(side).setPen(fg)
            plot.getAxis(side).setTextPen(fg)
        plot.addLegend(offset=(10, 5), labelTextColor=fg)
        self._fg = fg
        self._layout.addWidget(plot)
        return plot

    def show_row(self, row: Row | None) -> None:
        """Draw ``row``'s figures; a row with none dated, or None, is said in words."""
        bars = _bars(row) if row is not None else {}
        if row is None or not any(bars.values()):
            self.drawn = []
            self.note.setText(PICK if row is None else line(f"{row.key}: {NOTHING_DATED}"))
            self.note.show()
            if self.plot is not None:
                self.plot.hide()
            return
        import pyqtgraph as pg

        plot = self.plot = self.plot or self._build()
        self.note.hide()
        plot.show()
        plot.clear()
        plot.getPlotItem().legend.clear()
        self.drawn = []
        plot.setTitle(f"{row.key}: figures by publication date", color=self._fg)
        for n, (claimant, drawn) in enumerate(bars.items()):
            colour = QColor(COLOURS[n % len(COLOURS)])
            for when, low, top, open_range in drawn:
                style = pg.mkPen(colour, width=3)
                if open_range:
                    style = pg.mkPen(colour, width=3, style=pg.QtCore.Qt.PenStyle.DashLine)
                plot.addItem(pg.PlotDataItem([when, when], [low, top], pen=style))
                self.drawn.append((claimant, when, low, top))
            if drawn:
                xs, ys = zip(*sorted((when, low) for when, low, _, _ in drawn), strict=True)
                plot.addItem(pg.PlotDataItem(list(xs), list(ys), pen=pg.mkPen(colour, width=1),
                                             symbol="o", symbolBrush=colour, name=claimant))
        days = [when for _, when, _, _ in self.drawn]
        plot.setXRange(min(days) - DAY, max(days) + DAY)


def _bars(row: Row) -> dict[str, list[Bar]]:
    """The figures of ``row`` with a publication date, by claimant (every claimant of the row,
    in order: a claimant's colour is its place); an open range reaches :data:`OPEN_REACH`
    above the highest figure of the row, dated or not."""
    cells = row.cells
    tops = [c.figure.high or c.figure.low or 0 for cell in cells.values() for c in cell
            if c.figure is not None]
    ceiling = max(tops, default=1)
    bars: dict[str, list[Bar]] = {}
    for claimant, cell in cells.items():
        drawn = bars[claimant] = []
        for claim in cell:
            when = _when(claim.record.published or "")
            if claim.figure is None or when is None:
                continue
            low = claim.figure.low or 0
            top = (claim.figure.high if claim.figure.high is not None
                   else max(low, ceiling) * (1 + OPEN_REACH))
            drawn.append((when, low, top, claim.figure.high is None))
    return bars
