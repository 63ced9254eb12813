"""The ledger's timeline: each claimant's figure ranges of one row over publication date, so
that revisions and escalation show. pyqtgraph is imported when the chart is first drawn."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QVBoxLayout, QWidget

from annotate.ledger import Row

if TYPE_CHECKING:
    import pyqtgraph as pg

COLOURS = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3",
           "#8C8C8C")
OPEN_REACH = 0.25
"""An open range ("at least 25") is drawn this far above its bound, dashed."""
DAY = 86_400


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
        """Draw ``row``'s figures (None: an empty chart that says what to pick)."""
        import pyqtgraph as pg

        plot = self.plot = self.plot or self._build()
        plot.clear()
        plot.getPlotItem().legend.clear()
        self.drawn = []
        item = plot.getPlotItem()
        for side in ("left", "bottom"):
            item.showAxis(side, row is not None)
        if row is None:
            plot.setTitle("Pick a row of the ledger to see its figures over time", color=self._fg)
            return
        plot.setTitle(f"{row.key}: figures by publication date", color=self._fg)
        tops = [c.figure.high or c.figure.low or 0 for cell in row.cells.values() for c in cell
                if c.figure is not None]
        ceiling = max(tops, default=1)
        for n, (claimant, cell) in enumerate(row.cells.items()):
            colour = QColor(COLOURS[n % len(COLOURS)])
            points = []
            for claim in cell:
                when = _when(claim.record.published or "")
                if claim.figure is None or when is None:
                    continue
                low = claim.figure.low or 0
                top = (claim.figure.high if claim.figure.high is not None
                       else max(low, ceiling) * (1 + OPEN_REACH))
                style = pg.mkPen(colour, width=3)
                if claim.figure.high is None:
                    style = pg.mkPen(colour, width=3, style=pg.QtCore.Qt.PenStyle.DashLine)
                plot.addItem(pg.PlotDataItem([when, when], [low, top], pen=style))
                points.append((when, low))
                self.drawn.append((claimant, when, low, top))
            if points:
                xs, ys = zip(*sorted(points), strict=True)
                plot.addItem(pg.PlotDataItem(list(xs), list(ys), pen=pg.mkPen(colour, width=1),
                                             symbol="o", symbolBrush=colour, name=claimant))
        if self.drawn:
            days = [when for _, when, _, _ in self.drawn]
            plot.setXRange(min(days) - DAY, max(days) + DAY)
