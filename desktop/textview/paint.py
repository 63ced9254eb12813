"""How span marks look, so category shows without colour too (UI.md "Look").

Claims get a translucent fill, denials a hatch with an outline, entities an underline stacked one
step lower per nesting depth, other labels a dotted outline; find hits a neutral fill. Everything is
drawn under the text, so overlapping fills blend and the text stays on top.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen

from desktop.textview.geometry import Segment
from desktop.textview.styles import NEUTRAL, SpanStyle

FILL_ALPHA = 90
HATCH_ALPHA = 200
UNDERLINE_GAP = 1.0  # below the baseline
UNDERLINE_HEIGHT = 2.0
UNDERLINE_STEP = 3.0  # per extra depth
_SOLID, _DOTTED = Qt.PenStyle.SolidLine, Qt.PenStyle.DotLine


class Marks:
    """Pens and brushes per colour, made once; draws one span's segments.

    Outlines are drawn with whatever brush the painter holds: give it none.
    """

    def __init__(self) -> None:
        self._colors: dict[tuple[str, int], QColor] = {}
        self._hatches: dict[str, QBrush] = {}
        self._pens: dict[tuple[str, bool], QPen] = {}
        self.hit_fill = self._color(NEUTRAL, 110)

    def _color(self, hex_color: str, alpha: int = 255) -> QColor:
        key = (hex_color, alpha)
        color = self._colors.get(key)
        if color is None:
            color = QColor(hex_color)
            color.setAlpha(alpha)
            self._colors[key] = color
        return color

    def _hatch(self, hex_color: str) -> QBrush:
        brush = self._hatches.get(hex_color)
        if brush is None:
            brush = self._hatches[hex_color] = QBrush(
                self._color(hex_color, HATCH_ALPHA), Qt.BrushStyle.BDiagPattern
            )
        return brush

    def _pen(self, hex_color: str, dotted: bool) -> QPen:
        pen = self._pens.get((hex_color, dotted))
        if pen is None:
            style = _DOTTED if dotted else _SOLID
            pen = self._pens[hex_color, dotted] = QPen(self._color(hex_color), 1.0, style)
        return pen

    def fill(self, painter: QPainter, span: SpanStyle, segments: Iterable[Segment]) -> None:
        """The area marks: claim fill, denial hatch; other categories have none."""
        if span.category == "claim":
            color = self._color(span.color, FILL_ALPHA)
            for x, y, width, height, _ in segments:
                painter.fillRect(QRectF(x, y, width, height), color)
        elif span.category == "denial":
            brush = self._hatch(span.color)
            for x, y, width, height, _ in segments:
                painter.fillRect(QRectF(x, y, width, height), brush)

    def line(
        self, painter: QPainter, span: SpanStyle, segments: Iterable[Segment], depth: int
    ) -> None:
        """The line marks: entity underline at ``depth``, denial and other outlines."""
        if span.category == "entity":
            color = self._color(span.color)
            offset = UNDERLINE_GAP + depth * UNDERLINE_STEP
            for x, _, width, _, baseline in segments:
                painter.fillRect(QRectF(x, baseline + offset, width, UNDERLINE_HEIGHT), color)
        elif span.category in ("denial", "other"):
            painter.setPen(self._pen(span.color, span.category == "other"))
            painter.drawRects(_inset(segments, 0.5))

    def hits(self, painter: QPainter, segments: Iterable[Segment]) -> None:
        for x, y, width, height, _ in segments:
            painter.fillRect(QRectF(x, y, width, height), self.hit_fill)

    @staticmethod
    def selected(painter: QPainter, segments: Iterable[Segment], color: QColor) -> None:
        """The strong outline of the selected span."""
        painter.setPen(QPen(color, 2.0))
        painter.drawRects(_inset(segments, 1.0))


def _inset(segments: Iterable[Segment], by: float) -> list[QRectF]:
    return [QRectF(x + by, y + by, w - 2 * by, h - 2 * by) for x, y, w, h, _ in segments]


def underline_depths(spans: Iterable[tuple[SpanStyle, int, int]]) -> dict[str, int]:
    """Depth of each underlined span's line so overlapping underlines never share one.

    ``spans`` are ``(style, start, end)`` triples; each annotator layer stacks below the layers
    before it, and inside a layer a span takes the first depth free at its start.
    """
    by_layer: dict[int, list[tuple[int, int, str]]] = {}
    for span, start, end in spans:
        if span.category == "entity":
            by_layer.setdefault(span.layer, []).append((start, -end, span.id))
    depths: dict[str, int] = {}
    base = 0
    for layer in sorted(by_layer):
        ends: list[int] = []
        for start, neg_end, span_id in sorted(by_layer[layer]):
            slot = next((i for i, end in enumerate(ends) if end <= start), len(ends))
            if slot == len(ends):
                ends.append(-neg_end)
            else:
                ends[slot] = -neg_end
            depths[span_id] = base + slot
        base += len(ends)
    return depths
