"""How span marks look, so category shows without colour too (UI.md "Look").

Claims get a translucent fill; denials a faint tint ruled above and below the words (painted:
a frame, closed at the span's ends), so they never read as struck-out text; entities an underline
stacked one step lower per nesting depth; other labels a dotted underline; find hits a neutral
fill. Every mark is painted here under the text, so overlapping fills blend and the text stays
on top. Overlapping claims or denials of one layer are stacked: each one nested in another is
inset a step further, and a claim shows a bracket at its start and its end, so every edge can be
seen.

With several annotator layers shown (``SpanStyle.layer``), each layer after the first draws its
area marks a step further inside the line, so two annotators' fills of the same words show as
nested bands, and outlines them with its own dash pattern; layer 0 looks as it does alone.

The selected span gets a strong outline with a handle at each end; spans linked to the span in
focus (see :mod:`desktop.textview.links`) a highlight.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from desktop.contrast import readable_alpha
from desktop.textview.geometry import Segment
from desktop.textview.styles import NEUTRAL, SpanStyle

FILL_ALPHA = 90
TINT_ALPHA = 40  # the faint tint inside a denial's frame
LIT_ALPHA = 70
HIT_ALPHA = 110
"""The strongest alphas of the fills; each is lowered where the text over it would be hard to
read on the theme's base (:func:`desktop.contrast.readable_alpha`)."""
FRAME_WIDTH = 1.5
UNDERLINE_GAP = 1.0  # below the baseline
UNDERLINE_HEIGHT = 2.0
UNDERLINE_STEP = 3.0  # per extra depth
LAYER_INSET = 2.0  # top and bottom, per annotator layer after the first
DEPTH_INSET = 3.0  # top and bottom, per claim or denial it is nested in (same layer)
EDGE_DARKER = 150  # brackets and frames: the label colour this much darker (QColor.darker)
SERIF = 3.0  # how far a claim's bracket reaches along the top and bottom
BRACKET_OUT = 1.5  # how far a claim's bracket sits outside its first and last character
HANDLE = 5.0  # side of the squares at the ends of the selected span
GHOST = 1.5  # a suggestion's outline
GHOST_FOCUSED = 2.5  # the outline of the suggestion the keys act on
_DOTTED = Qt.PenStyle.DotLine
LAYER_DASHES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DashDotLine,
                Qt.PenStyle.DashDotDotLine)
"""The pen of each annotator layer's outlines, frames and links (the first is solid)."""
AREA = frozenset({"claim", "denial"})
"""Categories marked over the words' whole height (the others underline them)."""
SHAPES = 1024
"""Marks' boxes, frames and brackets kept, by their segments and insets: a paint after a key
press draws mostly marks the paint before drew, and each rectangle and point made from Python
costs about half a microsecond."""


def underline_bottom(depth: int) -> float:
    """How far below the baseline an underline (or a dotted line) at ``depth`` reaches."""
    return UNDERLINE_GAP + depth * UNDERLINE_STEP + UNDERLINE_HEIGHT


def layer_dash(layer: int) -> Qt.PenStyle:
    return LAYER_DASHES[0] if layer <= 0 else LAYER_DASHES[1 + (layer - 1) % 3]


class Marks:
    """Pens and colours per colour, made once; draws one span's segments. Fills stay light
    enough over ``base`` for ``text`` drawn on them to be read (the theme's two colours).

    Outlines are drawn with whatever brush the painter holds: give it none.
    """

    def __init__(self, base: str = "#ffffff", text: str = "#000000") -> None:
        self.base, self.text = base, text
        self._colors: dict[tuple[str, int], QColor] = {}
        self._fills: dict[tuple[str, int], QColor] = {}
        self._pens: dict[tuple[str, Qt.PenStyle, float, bool], QPen] = {}
        self.hit_fill = self._fill(NEUTRAL, HIT_ALPHA)

    def _color(self, hex_color: str, alpha: int = 255) -> QColor:
        key = (hex_color, alpha)
        color = self._colors.get(key)
        if color is None:
            color = QColor(hex_color)
            color.setAlpha(alpha)
            self._colors[key] = color
        return color

    def _fill(self, hex_color: str, alpha: int) -> QColor:
        """``hex_color`` at ``alpha``, or as much less as keeps the text over it readable."""
        key = (hex_color, alpha)
        fill = self._fills.get(key)
        if fill is None:
            fill = self._fills[key] = self._color(
                hex_color, readable_alpha(hex_color, alpha, self.base, self.text))
        return fill

    def area_fill(self, span: SpanStyle) -> QColor:
        """The fill under a claim's or a denial's words."""
        return self._fill(span.color, FILL_ALPHA if span.category == "claim" else TINT_ALPHA)

    def _pen(self, hex_color: str, style: Qt.PenStyle, width: float = 1.0,
             edge: bool = False) -> QPen:
        """A pen of the label colour (with ``edge``: darker, to stand out against its fill)."""
        key = (hex_color, style, width, edge)
        pen = self._pens.get(key)
        if pen is None:
            color = self._color(hex_color)
            pen = self._pens[key] = QPen(color.darker(EDGE_DARKER) if edge else color, width,
                                         style)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        return pen

    def fill(self, painter: QPainter, span: SpanStyle, segments: Iterable[Segment],
             depth: int = 0) -> None:
        """The area marks: claim fill, denial tint, ``depth`` steps inside; other categories
        have none."""
        if span.category in AREA:
            color = self.area_fill(span)
            for rect in _boxes(tuple(segments), 0.0, span.layer, depth):
                painter.fillRect(rect, color)

    def line(
        self, painter: QPainter, span: SpanStyle, segments: Sequence[Segment], depth: int,
        cut: tuple[bool, bool] = (False, False),
    ) -> None:
        """The line marks: the denial frame; the claim's brackets (first layer) or dashed
        outline (later layers); the entity underline (dotted for other labels on the first
        layer). ``depth`` is the area nesting for claims and denials, else the underline's;
        ``cut``: whether the span goes on before the first of ``segments`` and after the last
        (its frame or bracket is not closed there)."""
        if span.category == "denial":
            painter.setPen(self._pen(span.color, layer_dash(span.layer), FRAME_WIDTH, True))
            painter.drawLines(_frame(tuple(segments), FRAME_WIDTH / 2, span.layer, depth, cut))
            return
        if span.category == "claim":
            if span.layer:
                painter.setPen(self._pen(span.color, layer_dash(span.layer)))
                painter.drawRects(_boxes(tuple(segments), 0.5, span.layer, depth))
            else:
                painter.setPen(self._pen(span.color, Qt.PenStyle.SolidLine, FRAME_WIDTH, True))
                painter.drawLines(_brackets(tuple(segments), FRAME_WIDTH / 2, depth, cut))
            return
        offset = UNDERLINE_GAP + depth * UNDERLINE_STEP
        if span.category == "entity":
            color = self._color(span.color)
            for rect in _underlines(tuple(segments), offset):
                painter.fillRect(rect, color)
        elif span.layer:
            painter.setPen(self._pen(span.color, layer_dash(span.layer)))
            painter.drawRects(_boxes(tuple(segments), 0.5, span.layer))
        else:
            painter.setPen(self._pen(span.color, _DOTTED, UNDERLINE_HEIGHT))
            for start, end in _dotted(tuple(segments), offset + UNDERLINE_HEIGHT / 2):
                painter.drawLine(start, end)

    def ghost(self, painter: QPainter, span: SpanStyle, segments: Iterable[Segment],
              focused: bool) -> None:
        """A suggestion: an outline in its label's colour and no fill, dotted (solid and
        thicker when it is the one the keys act on)."""
        style = Qt.PenStyle.SolidLine if focused else _DOTTED
        painter.setPen(self._pen(span.color, style, GHOST_FOCUSED if focused else GHOST, True))
        painter.drawRects(_boxes(tuple(segments), 1.0))

    def hits(self, painter: QPainter, segments: Iterable[Segment]) -> None:
        for rect in _boxes(tuple(segments), 0.0):
            painter.fillRect(rect, self.hit_fill)

    def lit(self, painter: QPainter, segments: Iterable[Segment], color: QColor) -> None:
        """The highlight of a span linked to the one in focus: a rounded band in ``color``."""
        tint = self._fill(color.name(), LIT_ALPHA)
        painter.setPen(QPen(color, 1.0))
        painter.setBrush(tint)
        for rect in _boxes(tuple(segments), 0.5):
            painter.drawRoundedRect(rect, 3.0, 3.0)
        painter.setBrush(Qt.BrushStyle.NoBrush)

    @staticmethod
    def selected(painter: QPainter, segments: Sequence[Segment], color: QColor) -> None:
        """The strong outline of the selected span, with a handle at its start and its end."""
        painter.setPen(QPen(color, 2.0))
        shape = tuple(segments)
        painter.drawRects(_boxes(shape, 1.0))
        for handle in _handles(shape):
            painter.fillRect(handle, color)


@lru_cache(maxsize=SHAPES)
def _boxes(segments: tuple[Segment, ...], by: float, layer: int = 0,
           depth: int = 0) -> tuple[QRectF, ...]:
    """The segments' boxes shrunk by ``by`` all round, and for annotator ``layer`` and area
    nesting ``depth`` a further :data:`LAYER_INSET` or :data:`DEPTH_INSET` per step top and
    bottom (at most a third of the height). Kept (:data:`SHAPES`): drawn, never changed."""
    boxes = []
    for x, y, w, h, _ in segments:
        dy = by + min(layer * LAYER_INSET + depth * DEPTH_INSET, h / 3)
        boxes.append(QRectF(x + by, y + dy, w - 2 * by, h - 2 * dy))
    return tuple(boxes)


@lru_cache(maxsize=SHAPES)
def _handles(segments: tuple[Segment, ...]) -> tuple[QRectF, ...]:
    """The squares at the two ends of the selected span's outline (its boxes by 1 pixel):
    on the top left of the first box and the bottom right of the last."""
    boxes = _boxes(segments, 1.0)
    if not boxes:
        return ()
    first, last, half = boxes[0], boxes[-1], HANDLE / 2
    return (QRectF(first.left() - half, first.top() - half, HANDLE, HANDLE),
            QRectF(last.right() - half, last.bottom() - half, HANDLE, HANDLE))


@lru_cache(maxsize=SHAPES)
def _underlines(segments: tuple[Segment, ...], offset: float) -> tuple[QRectF, ...]:
    """An entity's underlines, ``offset`` below each segment's baseline."""
    return tuple(QRectF(x, baseline + offset, width, UNDERLINE_HEIGHT)
                 for x, _, width, _, baseline in segments)


@lru_cache(maxsize=SHAPES)
def _dotted(segments: tuple[Segment, ...], offset: float) -> tuple[tuple[QPointF, QPointF], ...]:
    """The ends of another label's dotted line, ``offset`` below each segment's baseline."""
    return tuple((QPointF(x, baseline + offset), QPointF(x + width, baseline + offset))
                 for x, _, width, _, baseline in segments)


@lru_cache(maxsize=SHAPES)
def _frame(segments: tuple[Segment, ...], by: float, layer: int, depth: int,
           cut: tuple[bool, bool] = (False, False)) -> tuple[QPointF, ...]:
    """Line ends (in pairs) of a frame round a span over the segments' boxes (:func:`_boxes`):
    the top and bottom of each, closed on the left of the first and the right of the last
    unless the span goes on past them (``cut``)."""
    boxes = _boxes(segments, by, layer, depth)
    points = []
    for box in boxes:
        points += (box.topLeft(), box.topRight(), box.bottomLeft(), box.bottomRight())
    if boxes and not cut[0]:
        points += (boxes[0].topLeft(), boxes[0].bottomLeft())
    if boxes and not cut[1]:
        points += (boxes[-1].topRight(), boxes[-1].bottomRight())
    return tuple(points)


@lru_cache(maxsize=SHAPES)
def _brackets(segments: tuple[Segment, ...], by: float, depth: int,
              cut: tuple[bool, bool] = (False, False)) -> tuple[QPointF, ...]:
    """Line ends (in pairs) of a "[" just before the first of the segments' boxes (first
    layer, :func:`_boxes`) and a "]" just after the last (in the space between words, clear
    of the glyphs); none where the span goes on past them (``cut``)."""
    boxes = _boxes(segments, by, 0, depth)
    if not boxes:
        return ()
    first, last = boxes[0], boxes[-1]
    left, right = first.left() - BRACKET_OUT, last.right() + BRACKET_OUT
    reach_left, reach_right = min(SERIF, first.width()), min(SERIF, last.width())
    top_left, bottom_left = QPointF(left, first.top()), QPointF(left, first.bottom())
    top_right, bottom_right = QPointF(right, last.top()), QPointF(right, last.bottom())
    opening = () if cut[0] else (
        top_left, bottom_left,
        top_left, QPointF(left + reach_left, first.top()),
        bottom_left, QPointF(left + reach_left, first.bottom()),
    )
    return opening + (() if cut[1] else (
        top_right, bottom_right,
        top_right, QPointF(right - reach_right, last.top()),
        bottom_right, QPointF(right - reach_right, last.bottom()),
    ))
