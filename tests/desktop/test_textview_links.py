"""Links drawn beside the text, overlapping marks and denials, driven offscreen on the real
SpanTextView: mouse in, connectors, highlights, selection, scrolling and pixels out."""

from __future__ import annotations

from itertools import pairwise

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QTextCursor

from desktop.textview import LinkStyle, SpanStyle, SpanTextView
from desktop.textview.links import assign_tracks, place_labels
from desktop.textview.paint import EDGE_DARKER

pytestmark = pytest.mark.gui

BLUE = "#0072B2"
ORANGE = "#E69F00"
VERMILLION = "#D55E00"
LINES = [f"Line {n} says that the convoy moved north at dawn." for n in range(200)]
TEXT = "\n".join(LINES)


def at(line: int, word: str) -> tuple[int, int]:
    start = sum(len(text) + 1 for text in LINES[:line]) + LINES[line].index(word)
    return start, start + len(word)


def span(span_id: str, line: int, word: str, category: str = "claim",
         color: str = ORANGE) -> SpanStyle:
    return SpanStyle(span_id, *at(line, word), span_id.upper(), category, color)


@pytest.fixture
def view(qtbot) -> SpanTextView:
    widget = SpanTextView()
    qtbot.addWidget(widget)
    widget.resize(700, 300)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


def line_box(view: SpanTextView, offset: int) -> tuple[float, float]:
    """Top and bottom (viewport y) of the visual line holding code point ``offset``."""
    cursor = view.textCursor()
    cursor.setPosition(offset)
    rect = view.cursorRect(cursor)
    return rect.top(), rect.bottom() + 1


def centre(view: SpanTextView, style: SpanStyle) -> QPoint:
    cursor = view.textCursor()
    cursor.setPosition((style.start + style.end) // 2)
    rect = view.cursorRect(cursor)
    return QPoint(rect.x(), rect.center().y())


def in_view(view: SpanTextView, offset: int) -> bool:
    cursor = QTextCursor(view.document())
    cursor.setPosition(offset)
    return view.viewport().rect().contains(view.cursorRect(cursor))


def near(pixel: QColor, color: QColor, tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(
        (pixel.red(), pixel.green(), pixel.blue()), (color.red(), color.green(), color.blue()),
        strict=True))


def tinted(pixel: QColor, color: QColor) -> bool:
    """``pixel`` shows ``color`` (maybe blended over a light background): its hue, saturated."""
    return abs(pixel.hslHue() - color.hslHue()) <= 15 and pixel.hslSaturation() > 80 \
        and pixel.lightness() < 235


def lane_image(view: SpanTextView) -> QImage:
    view.lane.repaint()
    return view.lane.grab().toImage()


def column(image: QImage, x: int, top: int, bottom: int, color: QColor, match=near) -> int:
    """How many pixels of column ``x`` between ``top`` and ``bottom`` match ``color``."""
    return sum(match(image.pixelColor(x, y), color) for y in range(max(top, 0),
                                                                   min(bottom, image.height())))


# -- connectors -------------------------------------------------------------------------------
def test_a_link_is_drawn_from_its_source_line_to_its_target_line(view):
    claim, person = span("c", 1, "convoy"), span("p", 5, "north", "entity", BLUE)
    view.set_document(TEXT, [claim, person])
    view.set_links([LinkStyle("l1", "CLAIMED_BY", "c", "p", VERMILLION)])
    (connector,) = view.connectors()
    assert connector.link.id == "l1" and connector.source.off == connector.target.off == 0
    top, bottom = line_box(view, claim.start)
    assert top <= connector.source.y < bottom
    top, bottom = line_box(view, person.start)
    assert top <= connector.target.y < bottom
    assert connector.label_y is not None
    image = lane_image(view)
    x = round(view.lane.track_x(connector.track))
    run = column(image, x, int(connector.source.y) + 2, int(connector.target.y) - 2,
                 QColor(VERMILLION), tinted)
    assert run >= (connector.target.y - connector.source.y) - 6  # the vertical run is drawn
    assert view.lane.geometry().left() >= view.viewport().geometry().right()  # beside the text


def test_a_label_is_laid_out_once_and_drawn_so_at_each_paint(view, monkeypatch):
    """The lane draws a link's label from a text laid out once (a new document's paint, a
    scroll, a hover repaint the lane): drawn as a string, it was shaped anew at each paint."""
    from desktop.textview import lane as lane_module

    made = []
    real = lane_module.QStaticText
    monkeypatch.setattr(lane_module, "QStaticText", lambda text: made.append(text) or real(text))
    claim, person = span("c", 1, "convoy"), span("p", 5, "north", "entity", BLUE)
    view.set_document(TEXT, [claim, person])
    view.set_links([LinkStyle("l1", "CLAIMED_BY", "c", "p", VERMILLION)])
    images = [lane_image(view) for _ in range(3)]
    assert made == ["CLAIMED_BY"]
    assert images[0] == images[2]


def test_the_lane_reads_its_palette_once_and_again_when_it_changes(view, monkeypatch):
    """The lane's colours and pens are kept from one paint to the next (a new document's
    lane is repainted at each step): its palette is read at the first paint and after a
    change of it; the pixels are those of a lane painted afresh."""
    from desktop.textview import lane as lane_module

    claim, person = span("c", 1, "convoy"), span("p", 5, "north", "entity", BLUE)
    view.set_document(TEXT, [claim, person])
    view.set_links([LinkStyle("l1", "CLAIMED_BY", "c", "p", VERMILLION)])
    first = lane_image(view)
    read = []
    real = lane_module.LinkLane.palette
    monkeypatch.setattr(lane_module.LinkLane, "palette",
                        lambda self: read.append(1) or real(self))
    view.hover_link("l1")  # lit, then faded again: other colours and pens of the same look
    lit = lane_image(view)
    view.hover_link(None)
    assert lane_image(view) == first and lit != first
    assert read == []
    dark = QPalette(view.lane.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor("#202020"))
    view.lane.setPalette(dark)
    image = lane_image(view)
    assert read  # read again
    assert image.pixelColor(view.lane.width() - 2, 2) == QColor("#202020")


@pytest.mark.parametrize("y", [10.0, 10.25, 10.5, 33.3, 101.9])
def test_a_label_laid_out_once_looks_as_the_string_drawn(view, y):
    """The label's pixels, laid out once, are those of the string the lane drew before (its
    baseline at the line's ascent below the label's top), wherever it falls between pixels."""
    lane = view.lane
    laid_out = lane._laid_out("CLAIMED_BY ↓")
    images = []
    for kept in (False, True):
        image = QImage(lane.width(), 120, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setFont(lane.font())
        painter.setPen(QColor(VERMILLION))
        top = y - lane._metrics.height() / 2
        if kept:
            painter.drawStaticText(QPointF(12, top), laid_out)
        else:
            painter.drawText(QPointF(12, top + lane._metrics.ascent()), "CLAIMED_BY ↓")
        painter.end()
        images.append(image)
    assert images[0] == images[1]


def test_links_on_one_line_never_share_a_stretch_of_track_and_labels_never_overlap(view):
    spans = [span(f"s{n}", 3, word) for n, word in enumerate(("Line", "says", "convoy", "dawn"))]
    view.set_document(TEXT, spans)
    view.set_links([LinkStyle("a", "ABOUT", "s0", "s1"), LinkStyle("b", "ABOUT", "s2", "s3"),
                    LinkStyle("c", "DENIES", "s0", "s3")])
    drawn = {c.link.id: c for c in view.connectors()}
    assert len({end.y for c in drawn.values() for end in (c.source, c.target)}) == 4  # a stub
    assert drawn["a"].track == drawn["b"].track != drawn["c"].track  # a, b apart in the text:
    assert drawn["a"].bottom < drawn["b"].top  # one track, their runs one above the other
    labels = sorted(c.label_y for c in drawn.values())
    assert all(b - a >= view.lane.label_height() for a, b in pairwise(labels))


def test_an_end_off_screen_is_a_marker_at_the_edge_pointing_the_way(view):
    first, last = span("first", 2, "convoy"), span("last", 150, "north")
    view.set_document(TEXT, [first, last])
    view.set_links([LinkStyle("far", "DENIES", "first", "last", BLUE)])
    (connector,) = view.connectors()
    height = view.viewport().height()
    assert connector.source.off == 0 and (connector.target.off, connector.target.y) == (1, height)
    image = lane_image(view)
    x = round(view.lane.track_x(connector.track))
    assert column(image, x, height - 6, height, QColor(BLUE), tinted) >= 4  # a marker below
    assert view.lane._text(connector).endswith("↓")
    view.scroll_to(last.start)
    (connector,) = view.connectors()
    assert (connector.source.off, connector.source.y) == (-1, 0) and connector.target.off == 0
    assert view.lane._text(connector).endswith("↑")
    image = lane_image(view)
    assert column(image, x, 0, 6, QColor(BLUE), tinted) >= 4  # now above: scroll up to the source
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    assert view.connectors() == []  # neither end on screen


def test_clicking_a_link_goes_to_its_far_end(view, qtbot):
    first, last = span("first", 2, "convoy"), span("last", 150, "north")
    view.set_document(TEXT, [first, last])
    view.set_links([LinkStyle("far", "DENIES", "first", "last", BLUE)])
    lane_image(view)
    (connector,) = view.lane.drawn
    height = view.viewport().height()
    x = round(view.lane.track_x(connector.track))
    assert not in_view(view, last.start)
    qtbot.mouseClick(view.lane, Qt.MouseButton.LeftButton, pos=QPoint(x, height - 3))
    assert view.selected_span() == "last" and in_view(view, last.start)  # the marker's end
    lane_image(view)
    (connector,) = view.lane.drawn
    assert connector.source.off == -1
    target = round(connector.target.y)
    qtbot.mouseClick(view.lane, Qt.MouseButton.LeftButton,  # at the target: the far end
                     pos=QPoint(x - 2, target))
    assert view.selected_span() == "first" and in_view(view, first.start)


def test_hovering_a_span_lights_its_links_and_partners(view, qtbot):
    claim, person = span("c", 1, "convoy"), span("p", 4, "north", "entity", BLUE)
    other = span("o", 8, "dawn")
    view.set_document(TEXT, [claim, person, other])
    view.set_links([LinkStyle("l1", "CLAIMED_BY", "c", "p")])
    qtbot.mouseMove(view.viewport(), centre(view, claim))
    qtbot.waitUntil(lambda: view.lit_links == {"l1"})
    assert view.lit_spans == {"c", "p"}
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    top, bottom = line_box(view, person.start)
    cursor = view.textCursor()
    cursor.setPosition(person.start)
    x = view.cursorRect(cursor).x() + 1
    highlight = view.palette().highlight().color()
    assert column(image, x, int(top), int(bottom), highlight) >= 3  # the partner's outline
    qtbot.mouseMove(view.viewport(), centre(view, other))  # a span with no links
    qtbot.waitUntil(lambda: not view.lit_links)
    view.select_span("p")  # selecting lights them too
    assert view.lit_links == {"l1"} and view.lit_spans == {"c", "p"}


def test_hovering_a_link_lights_it_and_its_spans(view, qtbot):
    claim, person = span("c", 1, "convoy"), span("p", 4, "north", "entity", BLUE)
    view.set_document(TEXT, [claim, person])
    view.set_links([LinkStyle("l1", "CLAIMED_BY", "c", "p")])
    lane_image(view)
    (connector,) = view.lane.drawn
    x = round(view.lane.track_x(connector.track))
    qtbot.mouseMove(view.lane, QPoint(x, round((connector.source.y + connector.target.y) / 2)))
    qtbot.waitUntil(lambda: view.lit_links == {"l1"})
    assert view.lit_spans == {"c", "p"}
    qtbot.mouseMove(view.lane, QPoint(view.lane.width() - 2, 2))
    qtbot.waitUntil(lambda: not view.lit_links)


def test_the_tooltip_of_a_span_names_its_links(view):
    claim, person = span("c", 1, "convoy"), span("p", 4, "north", "entity", BLUE)
    view.set_document(TEXT, [claim, person])
    view.set_links([LinkStyle("l1", "CLAIMED_BY", "c", "p")])
    assert "link: CLAIMED_BY → P “north”" in view.tooltip_at(centre(view, claim))
    assert "link: CLAIMED_BY ← C “convoy”" in view.tooltip_at(centre(view, person))
    assert view.link_text(view.links.get("l1")) == "C “convoy” —CLAIMED_BY→ P “north”"


def test_links_follow_their_spans_and_go_with_them(view):
    claim, person = span("c", 1, "convoy"), span("p", 4, "north", "entity", BLUE)
    view.set_document(TEXT, [claim, person])
    view.set_links([LinkStyle("l1", "CLAIMED_BY", "c", "p")])
    moved = span("p", 9, "north", "entity", BLUE)
    view.update_spans([moved])
    (connector,) = view.connectors()
    top, bottom = line_box(view, moved.start)
    assert top <= connector.target.y < bottom
    view.update_spans(removed_ids=["p"])
    assert view.connectors() == [] and len(view.links) == 0


def test_selecting_a_span_in_view_does_not_scroll(view):
    spans = [span(f"s{n}", n, "convoy") for n in range(0, 200, 3)]
    view.set_document(TEXT, spans)
    bar = view.verticalScrollBar()
    bar.setValue(60)
    top = view.firstVisibleBlock().blockNumber()
    shown = next(s for s in spans if s.start > view.firstVisibleBlock().position())
    view.select_span(shown.id)
    assert bar.value() == 60 and view.firstVisibleBlock().blockNumber() == top
    view.select_span("s198")  # out of view: brought to the middle
    assert in_view(view, spans[-1].start)


# -- tracks and labels --------------------------------------------------------------------------
def test_tracks_keep_overlapping_links_apart_and_short_ones_inside():
    extents = [("long", 0, 10), ("a", 1, 2), ("b", 3, 4), ("c", 2, 3), ("apart", 20, 30)]
    tracks = assign_tracks(extents, 6)
    assert tracks["a"] == tracks["b"] == 0  # disjoint: one track
    assert tracks["c"] == 1  # touches both
    assert tracks["long"] == 2  # round them all
    assert tracks["apart"] == 0
    assert assign_tracks(extents, 2)["long"] == 1  # no track free: it shares the last


def test_labels_stay_apart_inside_the_lane():
    placed = place_labels({"a": 50.0, "b": 51.0, "c": 52.0, "d": 99.0}, 100.0, 10.0)
    ys = sorted(placed.values())
    assert all(b - a >= 10.0 for a, b in pairwise(ys))
    assert ys[0] >= 5.0 and ys[-1] <= 95.0
    assert placed["a"] == 50.0  # the first keeps its place


# -- overlaps and denials -------------------------------------------------------------------------
def render(view: SpanTextView, spans: list[SpanStyle]) -> QImage:
    view.set_document(TEXT, spans)
    view.viewport().repaint()
    return view.viewport().grab().toImage()


def x_of(view: SpanTextView, offset: int) -> int:
    cursor = view.textCursor()
    cursor.setPosition(offset)
    return view.cursorRect(cursor).x()


def test_claims_of_one_label_that_touch_or_overlap_show_each_edge(view):
    start, _ = at(1, "says")
    _, end = at(1, "north")
    middle = at(1, "convoy")[0]
    touching = [SpanStyle("a", start, middle, "CLAIM", "claim", ORANGE),
                SpanStyle("b", middle, end, "CLAIM", "claim", ORANGE)]
    image = render(view, touching)
    edge = QColor(ORANGE).darker(EDGE_DARKER)
    top, bottom = line_box(view, start)
    seam = x_of(view, middle)
    assert max(column(image, x, int(top), int(bottom), edge, ) for x in range(seam - 2, seam + 3)) \
        >= (bottom - top) - 4  # a bracket where one ends and the next begins
    overlapping = [SpanStyle("a", start, end, "CLAIM", "claim", ORANGE),
                   SpanStyle("b", middle, end + 5, "CLAIM", "claim", ORANGE)]
    image = render(view, overlapping)
    inner = x_of(view, middle)
    assert max(column(image, x, int(top), int(bottom), edge) for x in range(inner - 2, inner + 3)) \
        >= (bottom - top) - 10  # the inner start shows, inset
    assert max(column(image, x, int(top), int(bottom), edge) for x in range(
        x_of(view, end) - 2, x_of(view, end) + 3)) >= (bottom - top) - 10  # and the inner end


def test_a_denial_is_framed_never_struck_through(view):
    denial = span("d", 1, "convoy moved north", "denial", VERMILLION)
    image = render(view, [denial])
    top, bottom = line_box(view, denial.start)
    left, right = x_of(view, denial.start), x_of(view, denial.end)
    frame = QColor(VERMILLION).darker(EDGE_DARKER)
    middle = int((top + bottom) / 2)
    struck = [x for x in range(left + 4, right - 4) for y in range(middle - 3, middle + 4)
              if near(image.pixelColor(x, y), frame, 30)
              or near(image.pixelColor(x, y), QColor(VERMILLION), 30)]
    assert struck == []  # nothing of the mark's colour across the letters
    ruled = [sum(near(image.pixelColor(x, y), frame, 30) for x in range(left + 4, right - 4))
             for y in range(int(top), int(bottom))]
    assert max(ruled[:3]) > 0.8 * (right - left - 8)  # a rule above the words
    assert max(ruled[-3:]) > 0.8 * (right - left - 8)  # and below them


def test_claims_and_denials_differ_without_colour(view):
    claim, denial = span("c", 1, "convoy moved"), span("d", 2, "convoy moved", "denial", ORANGE)
    image = render(view, [claim, denial]).convertToFormat(QImage.Format.Format_Grayscale8)

    def rows(style: SpanStyle) -> list[float]:
        top, bottom = line_box(view, style.start)
        xs = range(x_of(view, style.start) + 4, x_of(view, style.end) - 4)
        return [sum(image.pixelColor(x, y).value() for x in xs) / len(xs)
                for y in range(int(top), int(bottom))]

    claim_rows, denial_rows = rows(claim), rows(denial)
    assert min(denial_rows[:2]) < min(claim_rows[:2]) - 40  # the denial has a dark top rule
    assert claim_rows[2] < denial_rows[2] - 10  # the claim a fuller fill under the words
