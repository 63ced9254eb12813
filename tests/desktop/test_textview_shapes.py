"""What the text view keeps from one paint to the next: the lines it measured (geometry.Shapes)
and the spans placed in the blocks shown. A paint after the one before asks Qt for no line
again and walks no block again; a mark changed by an edit, and whatever moves the lines (a
resize, another font, a scroll, another text), is painted as a new view paints it."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QImage, QTextBlock, QTextLayout, QTextLine
from PySide6.QtWidgets import QApplication

from desktop.textview import SpanStyle, SpanTextView
from desktop.textview.geometry import Viewport

pytestmark = pytest.mark.gui

BLUE, GREEN = "#0072B2", "#009E73"


def short_blocks() -> str:
    """Many short paragraphs of one to three lines, as the big document has."""
    return "\n".join(f"row {n} " + "word " * (3 + n % 17) for n in range(300))


def spans_of(text: str) -> list[SpanStyle]:
    found = []
    for n, start in enumerate(range(4, len(text) - 30, 53)):
        category = ("claim", "denial", "entity", "other")[n % 4]
        found.append(SpanStyle(f"s{n}", start, start + 9 + n % 25, category.upper(), category,
                               BLUE if n % 2 else GREEN))
    return found


def shown(qtbot, text: str, spans: list[SpanStyle], width: int = 300) -> SpanTextView:
    view = SpanTextView()
    qtbot.addWidget(view)
    view.setCursorWidth(0)  # (the caret blinks: its pixels are no mark's)
    view.resize(width, 320)
    with qtbot.waitExposed(view):
        view.show()
    view.set_document(text, spans)
    view.viewport().repaint()
    return view


def painted(view: SpanTextView) -> QImage:
    QApplication.processEvents()  # (a resize's scroll bar and lane)
    view.viewport().repaint()
    return view.viewport().grab().toImage()


def fresh(qtbot, like: SpanTextView, spans: list[SpanStyle]) -> SpanTextView:
    """A new view of ``like``'s size, font, text and scroll: what ``like`` should paint."""
    view = shown(qtbot, like.text(), spans, like.width())
    view.setFont(like.font())
    view.resize(like.size())
    QApplication.processEvents()
    view.go_to_place(*like.place())  # (a bar's value counts the lines laid out before)
    return view


@pytest.fixture
def asked(monkeypatch) -> list[str]:
    """The calls into Qt that read a block's lines or an offset's x."""
    calls: list[str] = []
    for owner, name in ((QTextLayout, "lineAt"), (QTextLayout, "lineForTextPosition"),
                        (QTextLine, "cursorToX"), (QTextLine, "naturalTextWidth")):
        real = getattr(owner, name)
        monkeypatch.setattr(owner, name, lambda self, *a, real=real, name=name:
                            calls.append(name) or real(self, *a))
    return calls


def test_a_paint_after_the_one_before_asks_qt_for_no_line_again(qtbot, asked) -> None:
    """The second paint of the same blocks takes their lines, the x of the spans' ends and
    the lines' extents from the first (each line read cost some six calls into Qt, and the
    marks of a screen of short paragraphs some 130 a paint); its pixels are the first's."""
    text = short_blocks()
    view = shown(qtbot, text, spans_of(text))
    first = painted(view)
    assert view.painted_span_count > 5
    asked.clear()
    assert painted(view) == first
    assert asked == []


def test_a_repaint_of_the_same_screen_walks_no_block_again(qtbot, monkeypatch) -> None:
    """The spans placed in the blocks of the paint before, none of them changed since, are
    taken as they were: the blocks are not walked again (five calls into Qt a block); an
    edit in them is placed anew (see the test of a changed mark)."""
    text = short_blocks()
    view = shown(qtbot, text, spans_of(text))
    first = painted(view)
    calls: list[str] = []
    for name in ("next", "blockNumber"):
        real = getattr(QTextBlock, name)
        monkeypatch.setattr(QTextBlock, name, lambda self, real=real, name=name:
                            calls.append(name) or real(self))
    assert painted(view) == first
    assert "next" not in calls and calls.count("blockNumber") <= 2  # (the band's ends)


def test_a_span_changed_where_the_text_stands_places_no_block_again(qtbot, monkeypatch,
                                                                     ) -> None:
    """A span changed and repainted with the text shown from where it was (a key press: the
    repaint it asks for, then its paint) takes the blocks placed on the viewport, their tops
    and heights, from the viewports made there before (each viewport asked Qt for them again,
    half of its ~100 K instructions), and walks no block to place its spans; its pixels are
    a new view's."""
    text = short_blocks()
    spans = spans_of(text)
    view = shown(qtbot, text, spans)
    view.update_spans([SpanStyle(spans[3].id, spans[3].start, spans[3].end, "E", "entity",
                                 BLUE)])
    painted(view)  # (the blocks shown walked once, those without spans among them)
    calls: list[str] = []
    for owner, names in ((SpanTextView, ("blockBoundingGeometry", "blockBoundingRect")),
                         (QTextBlock, ("next", "position", "length"))):
        for name in names:
            real = getattr(owner, name)
            monkeypatch.setattr(owner, name, lambda self, *a, real=real, name=name:
                                calls.append(name) or real(self, *a))
    changed = SpanStyle(spans[3].id, spans[3].start, spans[3].end, "C", "claim", GREEN)
    view.update_spans([changed])
    after = painted(view)
    assert calls == []
    assert after == painted(fresh(qtbot, view, [*spans[:3], changed, *spans[4:]]))


def test_a_paragraph_of_many_lines_is_not_read_again_either(qtbot, asked) -> None:
    text = " ".join(f"word{n}" for n in range(400))  # one paragraph, many lines
    view = shown(qtbot, text, spans_of(text))
    first = painted(view)
    asked.clear()
    assert painted(view) == first
    assert asked == []


def test_a_changed_mark_is_painted_as_changed(qtbot) -> None:
    """A span relabelled (claim to entity, another colour) and one removed are painted as
    a new view with the spans after the edit paints them."""
    text = short_blocks()
    spans = spans_of(text)
    view = shown(qtbot, text, spans)
    before = painted(view)
    changed = SpanStyle(spans[0].id, spans[0].start, spans[0].end, "E", "entity", BLUE)
    view.update_spans([changed], [spans[1].id])
    after = [changed, *spans[2:]]
    assert painted(view) != before
    assert painted(view) == painted(fresh(qtbot, view, after))


@pytest.mark.parametrize("change", ["narrower", "wider", "font", "larger font", "scroll",
                                    "text"])
def test_what_moves_the_lines_drops_what_was_kept(qtbot, change: str) -> None:
    """After a resize, another font, a scroll or another text, the marks sit where a new
    view puts them, and a viewport that keeps lines measures what one that keeps none does."""
    text = short_blocks()
    spans = spans_of(text)
    view = shown(qtbot, text, spans)
    painted(view)
    if change == "narrower":
        view.resize(220, 320)
    elif change == "wider":
        view.resize(420, 320)
    elif change == "larger font":
        font = QFont(view.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        view.setFont(font)
    elif change == "font":
        font = QFont(view.font())  # wider letters, lines as high: one-line blocks keep theirs
        font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 1.5)
        view.setFont(font)
    elif change == "scroll":
        view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 3)
    else:
        text = text.replace("word", "wordy")
        spans = spans_of(text)
        view.set_document(text, spans)
    height = view.viewport().height()
    kept = Viewport(view, 0, height, view._shapes)
    measured = Viewport(view, 0, height)
    ranges = [(n, n + 40) for n in range(*kept.qt_range, 23)]
    assert [kept.segments(*r) for r in ranges] == [measured.segments(*r) for r in ranges]
    assert painted(view) == painted(fresh(qtbot, view, spans))
