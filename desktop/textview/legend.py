"""Legend: one row under the text naming how each kind of mark and each shown layer looks.

The samples are drawn by the same :class:`desktop.textview.paint.Marks` as the text view, in a
neutral colour (the palette dock shows the label colours): the four categories, a suggestion
(an outline, no fill: only while the text shows some), a link, then each annotator layer shown
with its pen (its outlines, frames and links are drawn with it).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop.plain import NAME, line, tooltip
from desktop.textview.geometry import Segment
from desktop.textview.paint import Marks, layer_dash
from desktop.textview.styles import NEUTRAL, SpanStyle

CATEGORIES = (("claim", "claim: filled"), ("denial", "denial: framed"),
              ("entity", "entity: underlined"), ("other", "other: dotted"))
DASH_NAMES = {Qt.PenStyle.SolidLine: "solid", Qt.PenStyle.DashLine: "dashed",
              Qt.PenStyle.DashDotLine: "dash-dot", Qt.PenStyle.DashDotDotLine: "dash-dot-dot"}
SUGGESTED = "suggested: outline"
"""The legend's entry for suggestions (a dotted outline, no fill)."""
SUGGESTED_KEYS = ("suggestions: Tab walks them, Enter accepts, a label key accepts under that "
                  "label, X rejects")
"""What the legend's tooltip adds while suggestions are shown."""
SWATCH = 26.0  # width of a sample
SPACE = 12.0  # between entries


class Legend(QWidget):
    """Names the look of each category and of each shown annotator layer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._marks = Marks()
        self.layers: tuple[str, ...] = ()
        self.suggested = False
        self._changed()

    def entries(self) -> list[tuple[str, int, str]]:
        """What the legend shows, in order: ``(category or "suggestion" or "link" or "layer",
        layer, text)``."""
        found = [(category, 0, text) for category, text in CATEGORIES]
        if self.suggested:
            found.append(("suggestion", 0, SUGGESTED))
        found.append(("link", 0, "link: source ● → target"))
        if len(self.layers) > 1:
            found += [("layer", n, f"{line(name, NAME)}: {DASH_NAMES[layer_dash(n)]}")
                      for n, name in enumerate(self.layers)]
        elif self.layers:
            found.append(("layer", 0, f"layer: {line(self.layers[0], NAME)}"))
        return found

    def set_layers(self, names: Sequence[str]) -> None:
        """The annotator layers shown, in layer order (the same again changes nothing)."""
        if tuple(names) != self.layers:
            self.layers = tuple(names)
            self._changed()

    def set_suggested(self, shown: bool) -> None:
        """Whether the text shows suggestions (the legend then names their look)."""
        if shown != self.suggested:
            self.suggested = shown
            self._changed()

    def _changed(self) -> None:
        keys = [SUGGESTED_KEYS] if self.suggested else []
        self.setToolTip(tooltip("\n".join([*(text for _, _, text in self.entries()), *keys])))
        self.setAccessibleDescription("; ".join(text for _, _, text in self.entries()))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(400, int(QFontMetricsF(self.font()).height() + 8))

    def paintEvent(self, event: QPaintEvent) -> None:
        metrics = QFontMetricsF(self.font())
        height = metrics.height() + 2
        top = (self.height() - height) / 2
        baseline = top + metrics.ascent() + 1
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            text = self.palette().text().color()
            x = 2.0
            for kind, layer, caption in self.entries():
                width = SWATCH + 4 + metrics.horizontalAdvance(caption)
                if x + width > self.width():
                    break
                self._sample(painter, kind, layer, Segment(x, top, SWATCH, height, baseline))
                painter.setPen(text)
                painter.drawText(QPointF(x + SWATCH + 4, baseline), caption)
                x += width + SPACE
        finally:
            painter.end()

    def _sample(self, painter: QPainter, kind: str, layer: int, segment: Segment) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if kind == "link":
            y = segment.y + segment.height / 2
            painter.setPen(QPen(self.palette().text().color(), 1.2))
            painter.drawLine(QPointF(segment.x + 3, y), QPointF(segment.x + SWATCH - 5, y))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.palette().text().color())
            painter.drawEllipse(QPointF(segment.x + 3, y), 2.5, 2.5)
            tip = segment.x + SWATCH
            painter.drawPolygon(QPolygonF([QPointF(tip, y), QPointF(tip - 6, y - 4),
                                           QPointF(tip - 6, y + 4)]))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            return
        if kind == "suggestion":
            self._marks.ghost(painter, SpanStyle("legend", 0, 1, "", "entity", NEUTRAL),
                              [segment], False)
            return
        style = SpanStyle("legend", 0, 1, "", "claim" if kind == "layer" else kind, NEUTRAL,
                          layer)
        self._marks.fill(painter, style, [segment])
        if kind not in ("claim", "layer"):  # a lone claim is its fill (brackets: overlaps)
            self._marks.line(painter, style, [segment], 0)
        if kind == "layer":  # the layer's pen, as its frames and links use it
            painter.setPen(QPen(self.palette().text().color(), 1.0, layer_dash(layer)))
            painter.drawRect(QRectF(segment.x + 0.5, segment.y + 0.5, segment.width - 1,
                                    segment.height - 1))
