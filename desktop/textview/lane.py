"""LinkLane: the column to the right of the text where the links between spans are drawn.

Each link is a bracket from its source's line to its target's (see :mod:`desktop.textview.links`):
a dot where it leaves the source, an arrow head where it reaches the target, its own track in
between, and its type in the label column beside the tracks, in the type's colour. An end off
screen is a triangle at the lane's top or bottom edge pointing the way to scroll, and its label
says so (↑ / ↓). The links of the span in focus are drawn over a highlight, the others faded.
Hovering a link lights it and its spans; a click on it selects the span at its far end (or,
on a marker, at the end the marker stands for) and brings it into view.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QStaticText,
)
from PySide6.QtWidgets import QToolTip, QWidget

from desktop.contrast import visible
from desktop.plain import NAME, line, tooltip
from desktop.textview.links import Connector, End, LinkSet
from desktop.textview.paint import layer_dash
from desktop.textview.styles import LinkStyle, SpanStyle

WIDTH = (110, 200)
"""Narrowest and widest lane; in between it takes a fifth of the view (at most a quarter)."""
PORT = 7.0  # room for the dots and arrow heads at the lane's left edge
TRACK = 7.0  # between tracks
GAP = 6.0  # between the last track and the labels
HIT = 4.0  # how near a click or hover must come to a connector's lines
ARROW = 4.5
MARKER = 3 * ARROW  # how near a click must come to an edge marker to go to its end
FADED, PLAIN = 60, 210  # alpha of other links while some are lit, and of all when none is
HALO = 6.0  # width of the highlight under a lit link
_UP, _DOWN = " ↑", " ↓"


class _Look:
    """What the lane's paint takes of its palette, read once per palette: the base it fills,
    the faint line at its edge, the highlight under a lit link, and each link colour as drawn
    (:func:`~desktop.contrast.visible` on the base, at an alpha) with its pens (a paint
    asked the palette for some ten colours and worked out each link's contrast anew)."""

    def __init__(self, palette: QPalette) -> None:
        self.base = palette.base()
        self._base, self._ink = self.base.color().name(), palette.text().color().name()
        self.edge = palette.text().color()
        self.edge.setAlpha(40)
        halo = palette.highlight().color()
        halo.setAlpha(110)
        self.halo = QPen(halo, HALO, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap,
                         Qt.PenJoinStyle.MiterJoin)
        self._colors: dict[tuple[str, int], QColor] = {}
        self._pens: dict[tuple[str, int, Qt.PenStyle, bool], QPen] = {}

    def color(self, link: LinkStyle, alpha: int) -> QColor:
        """The colour ``link`` is drawn in at ``alpha`` (never changed by the caller)."""
        key = (link.color, alpha)
        found = self._colors.get(key)
        if found is None:
            found = self._colors[key] = QColor(visible(link.color, self._base, self._ink))
            found.setAlpha(alpha)
        return found

    def pen(self, link: LinkStyle, alpha: int, lit: bool) -> QPen:
        """The pen of ``link``'s lines at ``alpha``, wider when ``lit``, dashed as its layer."""
        dash = layer_dash(link.layer)
        key = (link.color, alpha, dash, lit)
        found = self._pens.get(key)
        if found is None:
            found = self._pens[key] = QPen(self.color(link, alpha), 2.0 if lit else 1.0, dash)
            found.setCapStyle(Qt.PenCapStyle.FlatCap)
        return found


class Host(Protocol):
    """What the lane asks of the text view it stands beside."""

    links: LinkSet
    lit_links: frozenset[str]

    def connectors(self) -> list[Connector]: ...
    def hover_link(self, link_id: str | None) -> None: ...
    def select_span(self, span_id: str | None) -> None: ...
    def span(self, span_id: str) -> SpanStyle | None: ...
    def link_text(self, link: LinkStyle) -> str: ...


class LinkLane(QWidget):
    """Draws the connectors its text view computes; hover and click on them."""

    def __init__(self, view: Host, parent: QWidget) -> None:
        super().__init__(parent)
        self._view = view
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # it fills its background
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 0.85)
        self.setFont(font)
        self._metrics = QFontMetricsF(font)
        self._elided: dict[str, str] = {}
        self._labels: dict[str, QStaticText] = {}
        """Each label shown, laid out (:meth:`_laid_out`); as many as :attr:`_elided`."""
        self.drawn: list[Connector] = []
        """The connectors as last painted (what the mouse is tested against)."""
        self._look: _Look | None = None
        """The colours and pens of the palette (:class:`_Look`), read at the first paint
        after it changed."""

    @staticmethod
    def width_for(view_width: int) -> int:
        return min(WIDTH[1], max(WIDTH[0], view_width // 5), view_width // 4)

    def label_height(self) -> float:
        return self._metrics.height() + 1

    def tracks_shown(self) -> int:
        return max(1, self._view.links.track_count)

    def track_x(self, track: int) -> float:
        return PORT + (track + 0.5) * TRACK

    def label_x(self) -> float:
        return PORT + self.tracks_shown() * TRACK + GAP

    def refresh(self) -> None:
        """Repaint, unless no link was drawn and there is none to draw (the lane looks the
        same whatever the text then: another document or a scroll leave it be)."""
        if self.drawn or len(self._view.links):
            self.update()

    # -- painting ---------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        """Lines are drawn without antialiasing on pixel centres (crisp, and several times
        faster); only the heads and dots are smoothed."""
        self.drawn = self._view.connectors()
        look = self._look or self._read_look()
        painter = QPainter(self)
        try:
            painter.fillRect(event.rect(), look.base)
            painter.fillRect(0, 0, 1, self.height(), look.edge)
            lit = self._view.lit_links
            for connector in sorted(self.drawn, key=lambda c: c.link.id in lit):  # lit on top
                on = connector.link.id in lit
                alpha = 255 if on else FADED if lit else PLAIN
                self._draw(painter, connector, look, alpha, on)
        finally:
            painter.end()

    def _read_look(self) -> _Look:
        self._look = _Look(self.palette())
        return self._look

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._look = None
        super().changeEvent(event)

    def _draw(self, painter: QPainter, connector: Connector, look: _Look, alpha: int,
              lit: bool) -> None:
        x = _pixel(self.track_x(connector.track))
        source, target = connector.source, connector.target
        top, bottom = _pixel(source.y), _pixel(target.y)
        points = [QPointF(PORT if not source.off else x, top), QPointF(x, top),
                  QPointF(x, bottom), QPointF(PORT if not target.off else x, bottom)]
        if lit:
            painter.setPen(look.halo)
            painter.drawPolyline(points)
        painter.setPen(look.pen(connector.link, alpha, lit))
        painter.drawPolyline(points)
        color = look.color(connector.link, alpha)
        if connector.label_y is not None:
            self._label(painter, connector, x, connector.label_y, color)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        if not source.off:
            painter.drawEllipse(QPointF(PORT - 2.5, top), 2.5, 2.5)
        if not target.off:
            painter.drawPolygon(QPolygonF([
                QPointF(1.0, bottom), QPointF(1.0 + ARROW * 1.5, bottom - ARROW),
                QPointF(1.0 + ARROW * 1.5, bottom + ARROW)]))
        for end in (source, target):
            if end.off:
                painter.drawPolygon(_marker(x, end))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

    def _label(self, painter: QPainter, connector: Connector, x: float, y: float,
               color: QColor) -> None:
        """The type in the label column at height ``y``, a faint leader from its track."""
        middle = _pixel((connector.source.y + connector.target.y) / 2)
        left = self.label_x()
        faint = QColor(color)
        faint.setAlpha(color.alpha() // 2)
        painter.setPen(faint)
        painter.drawLine(QPointF(x, middle), QPointF(left - 2, _pixel(y)))
        painter.setPen(color)
        painter.drawStaticText(QPointF(left, y - self._metrics.height() / 2),
                               self._laid_out(self._text(connector)))

    def _text(self, connector: Connector) -> str:
        """The label: the link's type, with the way to its end off screen, cut to the column."""
        off = connector.source.off or connector.target.off
        text = line(connector.link.type, NAME) + (_UP if off < 0 else _DOWN if off > 0 else "")
        found = self._elided.get(text)
        if found is None:
            room = max(self.width() - self.label_x() - 2, 0)
            found = self._elided[text] = self._metrics.elidedText(
                text, Qt.TextElideMode.ElideMiddle, room)
        return found

    def _laid_out(self, text: str) -> QStaticText:
        """``text`` laid out once for the lane's font, drawn so at each paint: a label drawn as
        a string was shaped anew each time (a new document's lane paint, a scroll, a hover)."""
        found = self._labels.get(text)
        if found is None:
            found = self._labels[text] = QStaticText(text)
            found.setTextFormat(Qt.TextFormat.PlainText)
        return found

    def resizeEvent(self, event: QEvent) -> None:
        self._elided.clear()
        self._labels.clear()
        super().resizeEvent(event)

    # -- the mouse --------------------------------------------------------------------------
    def connector_at(self, x: float, y: float) -> Connector | None:
        """The connector drawn at ``(x, y)``: its lines (within :data:`HIT`) or its label."""
        label = self.label_height() / 2
        for connector in reversed(sorted(self.drawn, key=lambda c: c.link.id in
                                         self._view.lit_links)):
            track = self.track_x(connector.track)
            if abs(x - track) <= HIT and connector.top - HIT <= y <= connector.bottom + HIT:
                return connector
            for end in (connector.source, connector.target):
                if not end.off and abs(y - end.y) <= HIT and x <= track + HIT:
                    return connector
            if connector.label_y is not None and x >= self.label_x() - 2 and \
                    abs(y - connector.label_y) <= label:
                return connector
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        point = event.position()
        found = self.connector_at(point.x(), point.y())
        self._view.hover_link(found.link.id if found else None)
        self.setCursor(Qt.CursorShape.PointingHandCursor if found else Qt.CursorShape.ArrowCursor)

    def leaveEvent(self, event: QEvent) -> None:
        self._view.hover_link(None)
        super().leaveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        point = event.position()
        found = self.connector_at(point.x(), point.y())
        if event.button() == Qt.MouseButton.LeftButton and found is not None:
            self._view.select_span(found.end_for_click(point.y(), MARKER).span)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            point = QPointF(event.pos())
            found = self.connector_at(point.x(), point.y())
            if found is None:
                QToolTip.hideText()
                event.ignore()
            else:
                far = self._view.span(found.end_for_click(point.y(), MARKER).span)
                where = f"\nclick: go to {far.label}" if far is not None else ""
                QToolTip.showText(event.globalPos(),
                                  tooltip(self._view.link_text(found.link) + where), self)
            return True
        return super().event(event)


def _pixel(value: float) -> float:
    """The centre of the pixel at ``value``: where a 1-pixel line is drawn crisp."""
    return int(value) + 0.5


def _marker(x: float, end: End) -> QPolygonF:
    """A triangle at the lane's edge on track ``x``, pointing the way to ``end`` off screen."""
    tip = end.y + (1.0 if end.off < 0 else -1.0)
    base = tip - end.off * ARROW * 1.6
    return QPolygonF([QPointF(x, tip), QPointF(x - ARROW, base), QPointF(x + ARROW, base)])
