"""The text view's Viewport finds the band's blocks as Qt's own hit test does, for blocks of
any height (wrapped, empty, taller emoji lines) and any band, scrolled anywhere."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint

from desktop.textview import SpanTextView
from desktop.textview.geometry import Viewport
from desktop.textview.styles import SpanStyle

pytestmark = pytest.mark.gui


def mixed_text() -> str:
    rows = []
    for n in range(400):
        if n % 7 == 3:
            rows.append("")
        elif n % 11 == 5:
            rows.append(" ".join(["wrapped"] * (20 + n % 30)))  # two to four visual lines
        elif n % 13 == 2:
            rows.append("🔥🎉 taller line")
        else:
            rows.append(f"line {n} " + "word " * (n % 9))
    return "\n".join(rows)


def hit_tested(view: SpanTextView, top: int, bottom: int) -> tuple[int, int]:
    """The band's Qt range by QPlainTextEdit.cursorForPosition."""
    first = view.cursorForPosition(QPoint(0, top)).block() if top > 0 else None
    if first is None or not first.isValid():
        first = view.firstVisibleBlock()
    last = view.cursorForPosition(QPoint(0, bottom + 1)).block()
    if last.position() < first.position():
        last = first
    return first.position(), last.position() + last.length()


@pytest.mark.parametrize("width", [260, 700])
def test_band_blocks_match_qt_hit_test(qtbot, width: int) -> None:
    view = SpanTextView()
    qtbot.addWidget(view)
    view.resize(width, 300)
    with qtbot.waitExposed(view):
        view.show()
    view.set_document(mixed_text(), [])
    bar = view.verticalScrollBar()
    height = view.viewport().height()
    checked = 0
    for value in range(0, bar.maximum() + 1, max(bar.maximum() // 37, 1)):
        bar.setValue(value)
        view.viewport().repaint()
        for top, bottom in ((0, height), (0, 0), (5, 40), (37, 38), (120, height + 50),
                            (height - 3, height)):
            assert Viewport(view, top, bottom).qt_range == hit_tested(view, top, bottom), (
                value, top, bottom)
            checked += 1
    assert checked > 200


def long_paragraph_view(qtbot) -> tuple[SpanTextView, list[SpanStyle]]:
    """A view of one paragraph of 60,000 characters with a span on every tenth word."""
    text = " ".join(f"w{n:05}" for n in range(10_000))
    spans = [SpanStyle(f"s{n}", 7 * n, 7 * n + 6, "ORG", "entity" if n % 20 else "claim",
                       "#1f77b4") for n in range(0, 10_000, 10)]
    view = SpanTextView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    with qtbot.waitExposed(view):
        view.show()
    view.set_document(text, spans)
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    qtbot.wait(20)
    view.viewport().repaint()
    return view, spans


def test_a_long_paragraph_is_measured_and_shown_only_where_it_is_on_screen(qtbot) -> None:
    """Its lines are read only in the band (not the block's thousands), the range shown is
    the lines on screen, and a span there is boxed where Qt puts its characters."""
    view, spans = long_paragraph_view(qtbot)
    height = view.viewport().height()
    viewport = Viewport(view, 0, height)
    start, end = viewport.qt_range
    assert start > 0 and end - start < 3_000, viewport.qt_range
    first, last = view.cursorForPosition(QPoint(0, 0)), view.cursorForPosition(
        QPoint(view.viewport().width() - 1, height - 1))
    assert start <= first.position() and last.position() <= end
    shown = [s for s in spans if start <= s.start and s.end <= end]
    assert shown
    for span in shown:
        cursor = view.textCursor()
        cursor.setPosition(span.start)
        box = view.cursorRect(cursor)
        segment = viewport.segments(span.start, span.end)[0]
        assert abs(segment.x - box.left()) <= 2 and abs(segment.y - box.top()) <= 2, span
    block = viewport._block(start)
    assert len(block.lines) <= height // 10, len(block.lines)


def test_an_edit_in_a_long_paragraph_gives_its_layout_no_formats(qtbot) -> None:
    """Formats would make Qt lay the whole paragraph out again at each change: its marks are
    all painted, those on screen only, and the layout keeps its shaping between paints."""
    view, spans = long_paragraph_view(qtbot)
    block = view.document().firstBlock()
    assert block.layout().formats() == [] and block.layout().cacheEnabled()
    shown = view.painted_span_count
    assert 0 < shown < 60, shown
    start, _ = Viewport(view, 0, view.viewport().height()).qt_range
    middle = next(s for s in spans if s.start > start)
    view.update_spans([SpanStyle(middle.id, middle.start, middle.end, "DATE", "claim",
                                 "#ff7f0e")])
    view.viewport().repaint()
    assert block.layout().formats() == []
    assert view.painted_span_count == shown


def test_a_paragraphs_layout_is_asked_for_once_however_many_spans_it_shows(qtbot,
                                                                            monkeypatch) -> None:
    """A paint measures each span shown in a paragraph of many lines on screen: the block's
    layout and its count of lines are asked once (asked for each span, two calls into Qt a
    span painted), and the boxes are those of the lines asked one by one."""
    from PySide6.QtGui import QTextBlock

    view = SpanTextView()
    qtbot.addWidget(view)
    view.resize(300, 400)
    with qtbot.waitExposed(view):
        view.show()
    text = " ".join(f"word{n}" for n in range(300))  # one paragraph, many lines
    view.set_document(text, [])
    view.viewport().repaint()
    ranges = [(5 + 97 * k, 30 + 97 * k) for k in range(8)]
    expected = [Viewport(view, 0, 400).segments(*r) for r in ranges]
    asked = []
    layout = QTextBlock.layout
    monkeypatch.setattr(QTextBlock, "layout", lambda self: asked.append(1) or layout(self))
    viewport = Viewport(view, 0, 400)
    assert [viewport.segments(*r) for r in ranges] == expected
    assert all(expected) and viewport.qt_range[1] > 100
    assert len(asked) == 1


def test_a_line_is_found_once_for_one_offset_and_not_asked_again(qtbot, monkeypatch) -> None:
    """The line of one offset (a link's end, the lane at each new document) is found with one
    call into Qt, not twice (for the offset as the first and the last of a range), and the
    line found is measured as it is, not asked for again by its number; the boxes are those
    found before."""
    from PySide6.QtGui import QTextLayout

    view = SpanTextView()
    qtbot.addWidget(view)
    view.resize(300, 400)
    with qtbot.waitExposed(view):
        view.show()
    view.set_document(" ".join(f"word{n}" for n in range(300)), [])  # one paragraph
    view.viewport().repaint()
    offsets = [5, 140, 141, 290]
    expected = [Viewport(view, 0, 400).line_box(offset) for offset in offsets]
    spans = [Viewport(view, 0, 400).segments(offset, offset + 12) for offset in offsets]
    asked: list[str] = []
    for name in ("lineForTextPosition", "lineAt"):
        real = getattr(QTextLayout, name)
        monkeypatch.setattr(QTextLayout, name, lambda self, n, real=real, name=name:
                            asked.append(name) or real(self, n))
    viewport = Viewport(view, 0, 400)
    assert [viewport.line_box(offset) for offset in offsets] == expected
    assert all(expected) and asked.count("lineAt") == 0
    assert asked.count("lineForTextPosition") == len(offsets)  # (one each, not two)
    asked.clear()
    assert [Viewport(view, 0, 400).segments(offset, offset + 12) for offset in offsets] == spans
    assert asked.count("lineAt") <= sum(len(found) for found in spans) - len(spans)


def test_a_band_asks_qt_where_its_end_blocks_are_once(qtbot) -> None:
    """A band's viewport keeps the blocks at its two ends as it found them: a paint's lines
    and boxes in them ask Qt for their geometry no more (a band inside the first block shown,
    as a key press's repaint often is, asks once)."""
    view = SpanTextView()
    qtbot.addWidget(view)
    view.resize(260, 300)
    with qtbot.waitExposed(view):
        view.show()
    view.set_document(mixed_text(), [])
    view.viewport().repaint()
    first = view.firstVisibleBlock()
    inside = int(view.blockBoundingGeometry(first).height()) // 2
    start, end = first.position() + 2, first.position() + 6
    expected = Viewport(view, 0, view.viewport().height()).segments(start, end)
    asked = []
    geometry = view.blockBoundingGeometry
    view.blockBoundingGeometry = lambda block: asked.append(block) or geometry(block)
    band = Viewport(view, inside - 1, inside)
    assert band.lines_between(inside - 1, inside) == (first.position(),
                                                      first.position() + first.length())
    assert band.segments(start, end) == expected and expected
    assert len(asked) == 1
