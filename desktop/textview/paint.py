"""How span marks look, so category shows without colour too (UI.md "Look").

Claims get a translucent fill, denials a hatch, entities an underline stacked one step lower per
nesting depth, other labels a dotted underline; find hits a neutral fill. Marks that no other mark
of their kind overlaps are drawn by Qt with the text, from :meth:`Marks.char_format`; the rest are
painted here under the text, so overlapping fills blend and the text stays on top.

With several annotator layers shown (``SpanStyle.layer``), each layer after the first draws its
area marks a step further inside the line, so two annotators' fills of the same words show as
nested bands, and outlines them with its own dash pattern; layer 0 looks as it does alone.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QTextCharFormat

from desktop.textview.geometry import Segment
from desktop.textview.styles import NEUTRAL, SpanStyle

FILL_ALPHA = 90
HATCH_ALPHA = 200
UNDERLINE_GAP = 1.0  # below the baseline
UNDERLINE_HEIGHT = 2.0
UNDERLINE_STEP = 3.0  # per extra depth
LAYER_INSET = 2.0  # top and bottom, per annotator layer after the first
_DOTTED = Qt.PenStyle.DotLine
_UNDERLINES = {"entity": QTextCharFormat.UnderlineStyle.SingleUnderline,
               "other": QTextCharFormat.UnderlineStyle.DotLine}
_LAYER_DASHES = (Qt.PenStyle.DashLine, Qt.PenStyle.DashDotLine, Qt.PenStyle.DashDotDotLine)


class Marks:
    """Pens and brushes per colour, made once; draws one span's segments.

    Outlines are drawn with whatever brush the painter holds: give it none.
    """

    def __init__(self) -> None:
        self._colors: dict[tuple[str, int], QColor] = {}
        self._hatches: dict[str, QBrush] = {}
        self._pens: dict[tuple[str, Qt.PenStyle, float], QPen] = {}
        self._formats: dict[tuple[str, str], QTextCharFormat] = {}
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

    def _pen(self, hex_color: str, style: Qt.PenStyle, width: float = 1.0) -> QPen:
        pen = self._pens.get((hex_color, style, width))
        if pen is None:
            pen = self._pens[hex_color, style, width] = QPen(self._color(hex_color), width, style)
        return pen

    def char_format(self, span: SpanStyle) -> QTextCharFormat:
        """The mark of a layer-0 ``span`` as a text format Qt draws with the text: the claim
        fill or denial hatch as background, the entity or other underline."""
        key = (span.category, span.color)
        found = self._formats.get(key)
        if found is None:
            found = self._formats[key] = QTextCharFormat()
            if span.category == "claim":
                found.setBackground(self._color(span.color, FILL_ALPHA))
            elif span.category == "denial":
                found.setBackground(self._hatch(span.color))
            else:
                found.setUnderlineStyle(_UNDERLINES[span.category])
                found.setUnderlineColor(self._color(span.color))
        return found

    def fill(self, painter: QPainter, span: SpanStyle, segments: Iterable[Segment]) -> None:
        """The area marks: claim fill, denial hatch; other categories have none."""
        if span.category == "claim":
            color = self._color(span.color, FILL_ALPHA)
            for rect in _boxes(segments, 0.0, span.layer):
                painter.fillRect(rect, color)
        elif span.category == "denial":
            brush = self._hatch(span.color)
            for rect in _boxes(segments, 0.0, span.layer):
                painter.fillRect(rect, brush)

    def line(
        self, painter: QPainter, span: SpanStyle, segments: Iterable[Segment], depth: int
    ) -> None:
        """The line marks: entity underline (dotted for other labels on the first layer) at
        ``depth``, and the dashed outline of any other mark on a layer after the first."""
        offset = UNDERLINE_GAP + depth * UNDERLINE_STEP
        if span.category == "entity":
            color = self._color(span.color)
            for x, _, width, _, baseline in segments:
                painter.fillRect(QRectF(x, baseline + offset, width, UNDERLINE_HEIGHT), color)
        elif span.layer:
            style = _LAYER_DASHES[(span.layer - 1) % len(_LAYER_DASHES)]
            painter.setPen(self._pen(span.color, style))
            painter.drawRects(_boxes(segments, 0.5, span.layer))
        elif span.category == "other":
            painter.setPen(self._pen(span.color, _DOTTED, UNDERLINE_HEIGHT))
            y = offset + UNDERLINE_HEIGHT / 2
            for x, _, width, _, baseline in segments:
                painter.drawLine(QPointF(x, baseline + y), QPointF(x + width, baseline + y))

    def hits(self, painter: QPainter, segments: Iterable[Segment]) -> None:
        for x, y, width, height, _ in segments:
            painter.fillRect(QRectF(x, y, width, height), self.hit_fill)

    @staticmethod
    def selected(painter: QPainter, segments: Iterable[Segment], color: QColor) -> None:
        """The strong outline of the selected span."""
        painter.setPen(QPen(color, 2.0))
        painter.drawRects(_boxes(segments, 1.0))


def _boxes(segments: Iterable[Segment], by: float, layer: int = 0) -> list[QRectF]:
    """The segments' boxes shrunk by ``by`` all round, and for annotator ``layer`` a further
    :data:`LAYER_INSET` per layer top and bottom (at most a third of the height)."""
    boxes = []
    for x, y, w, h, _ in segments:
        dy = by + min(layer * LAYER_INSET, h / 3)
        boxes.append(QRectF(x + by, y + dy, w - 2 * by, h - 2 * dy))
    return boxes


def underline_depths(spans: Iterable[tuple[SpanStyle, int, int]]) -> dict[str, int]:
    """Depth of each underlined span's line (entities; other labels on the first layer) so
    overlapping underlines never share one.

    ``spans`` are ``(style, start, end)`` triples; each annotator layer stacks below the layers
    before it, and inside a layer a span takes the first depth free at its start.
    """
    by_layer: dict[int, list[tuple[int, int, str]]] = {}
    for span, start, end in spans:
        if span.category == "entity" or (span.category == "other" and not span.layer):
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
