"""SpanTextView driven offscreen: offsets out of selections, clicks, tooltips, painted pixels."""

from __future__ import annotations

from itertools import pairwise

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QKeyEvent, QRegion, QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from annotate.model import Span
from annotate.schema import Label
from desktop.textview import SpanStyle, SpanTextView, style_for
from desktop.textview import paint as paint_module
from desktop.textview import view as view_module
from desktop.textview.geometry import LONG_BLOCK, Viewport
from desktop.textview.paint import DEPTH_INSET, FILL_ALPHA
from desktop.textview.view import REPLACED_IN_PLACE, SHAPED_BLOCKS

pytestmark = pytest.mark.gui

TEXT = "Alpha 😀 beta said\r\nthe 🎉 gamma delta was\r\nhere, and <b>x</b> too.\r\n\r\nlast line"
BLUE = "#0072B2"
GREEN = "#009E73"


def qt_pos(view: SpanTextView, code_point: int) -> int:
    """The Qt position of a code point of the *displayed* text (UTF-16 units)."""
    return len(view.toPlainText()[:code_point].encode("utf-16-le")) // 2


def at(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def style(span_id: str, text: str, needle: str, category: str = "claim", **kw) -> SpanStyle:
    start, end = at(text, needle)
    return SpanStyle(span_id, start, end, kw.pop("label", span_id.upper()), category,
                     kw.pop("color", BLUE), **kw)


@pytest.fixture
def view(qtbot) -> SpanTextView:
    return shown_view(qtbot, 600)


def select_displayed(view: SpanTextView, needle: str, *, cut: int = 0) -> None:
    """Select ``needle`` in the displayed text (minus ``cut`` characters at each end)."""
    shown = view.toPlainText()
    start = shown.index(needle) + cut
    cursor = view.textCursor()
    cursor.setPosition(qt_pos(view, start))
    cursor.setPosition(qt_pos(view, start + len(needle) - 2 * cut), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)


def point_in(view: SpanTextView, span: SpanStyle, fraction: float = 0.5) -> QPoint:
    """A viewport point over the character at ``fraction`` of the span."""
    offset = span.start + int((span.end - span.start) * fraction)
    cursor = view.textCursor()
    cursor.setPosition(qt_pos(view, len(view.text()[:offset].replace("\r\n", "\n"))))
    rect = view.cursorRect(cursor)
    return QPoint(rect.x() + 2, rect.center().y())


# -- offsets and selection -------------------------------------------------------------------
def test_selection_gives_code_points_of_the_stored_text(view, qtbot):
    view.set_document(TEXT, [])
    with qtbot.waitSignal(view.selectionChangedRange):
        select_displayed(view, "the 🎉 gamma")
    start, end = view.selectionRange()
    assert TEXT[start:end] == "the 🎉 gamma"
    select_displayed(view, "here, and <b>x</b> too.\n\nlast")
    start, end = view.selectionRange()
    assert TEXT[start:end] == "here, and <b>x</b> too.\r\n\r\nlast"


def test_selection_snaps_to_words_unless_exact(view):
    view.set_document(TEXT, [])
    select_displayed(view, "gamma delta", cut=1)  # after an emoji on the same line
    start, end = view.selectionRange()
    assert TEXT[start:end] == "gamma delta"
    start, end = view.selectionRange(snap=False)
    assert TEXT[start:end] == "amma delt"


def test_alt_held_while_selecting_keeps_the_exact_range(view, qtbot):
    view.set_document(TEXT, [])
    origin = view.cursorRect(view.textCursor()).center()
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier,
                     origin)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.AltModifier, origin)
    select_displayed(view, "gamma delta", cut=1)
    start, end = view.selectionRange()
    assert TEXT[start:end] == "amma delt"
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=origin)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=origin)
    select_displayed(view, "gamma delta", cut=1)
    start, end = view.selectionRange()
    assert TEXT[start:end] == "gamma delta"


def test_no_selection_gives_none(view):
    view.set_document(TEXT, [])
    assert view.selectionRange() is None


# -- clicking and the selected span ---------------------------------------------------------
def test_click_on_a_span_emits_its_id(view, qtbot):
    gamma = style("g", TEXT, "gamma delta")
    view.set_document(TEXT, [gamma, style("h", TEXT, "last line")])
    with qtbot.waitSignal(view.spanClicked) as signal:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_in(view, gamma))
    assert signal.args == ["g"]
    assert view.selected_span() == "g"


def test_overlapping_spans_inner_wins_then_clicks_cycle(view, qtbot):
    outer = style("outer", TEXT, "the 🎉 gamma delta was")
    inner = style("inner", TEXT, "gamma", category="entity")
    view.set_document(TEXT, [outer, inner])
    point = point_in(view, inner)
    clicked = []
    view.spanClicked.connect(clicked.append)
    for _ in range(3):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert clicked == ["inner", "outer", "inner"]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_in(view, outer, 0.05))
    assert clicked[-1] == "outer"


def test_click_outside_spans_clears_the_selected_span(view, qtbot):
    gamma = style("g", TEXT, "gamma")
    view.set_document(TEXT, [gamma])
    view.select_span("g")
    changes = []
    view.selectedSpanChanged.connect(changes.append)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=point_in(view, style("x", TEXT, "last line")))
    assert view.selected_span() is None
    assert changes == [""]


def test_escape_clears_selection_and_selected_span(view, qtbot):
    view.set_document(TEXT, [style("g", TEXT, "gamma")])
    view.select_span("g")
    select_displayed(view, "beta")
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert view.selectionRange() is None
    assert view.selected_span() is None


def test_select_span_rejects_unknown_ids(view):
    view.set_document(TEXT, [])
    with pytest.raises(KeyError):
        view.select_span("nope")


def test_letter_keys_reach_the_window(qtbot):
    class Window(QWidget):
        def __init__(self) -> None:
            super().__init__()
            self.keys: list[int] = []
            self.view = SpanTextView(self)
            QVBoxLayout(self).addWidget(self.view)

        def keyPressEvent(self, event: QKeyEvent) -> None:
            self.keys.append(event.key())

    window = Window()
    qtbot.addWidget(window)
    window.show()
    window.view.set_document(TEXT, [])
    window.view.setFocus()
    override = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_C, Qt.KeyboardModifier.NoModifier,
                         "c")
    QApplication.sendEvent(window.view, override)
    assert not override.isAccepted()  # a window shortcut "c" is not overridden
    for key in (Qt.Key.Key_C, Qt.Key.Key_D, Qt.Key.Key_1):
        qtbot.keyClick(window.view, key)
    assert window.keys == [Qt.Key.Key_C, Qt.Key.Key_D, Qt.Key.Key_1]
    assert window.view.toPlainText().startswith("Alpha")  # read-only: nothing typed


# -- spans in and out -----------------------------------------------------------------------
def test_update_spans_adds_replaces_and_removes(view):
    view.set_document(TEXT, [style("a", TEXT, "beta")])
    gamma = at(TEXT, "gamma")[0]
    assert [s.id for s in view.spans_at(gamma)] == []
    view.update_spans([style("b", TEXT, "gamma delta"), style("c", TEXT, "gamma")])
    assert [s.id for s in view.spans_at(gamma)] == ["c", "b"]
    view.update_spans([style("c", TEXT, "delta")], removed_ids=["a", "missing"])
    assert [s.id for s in view.spans_at(gamma)] == ["b"]
    assert [s.id for s in view.spans_at(at(TEXT, "delta")[0])] == ["c", "b"]
    assert view.spans_at(at(TEXT, "beta")[0]) == []


def test_removing_the_selected_span_clears_it(view, qtbot):
    view.set_document(TEXT, [style("a", TEXT, "beta")])
    view.select_span("a")
    with qtbot.waitSignal(view.selectedSpanChanged) as signal:
        view.update_spans(removed_ids=["a"])
    assert signal.args == [""]
    assert view.selected_span() is None


def test_tooltip_shows_markup_literally(view):
    span = style("t", TEXT, "gamma", label="<b>x</b>", tooltip="annotator: <i>amina</i>\nnote: a&b")
    view.set_document(TEXT, [span])
    markup = view.tooltip_at(point_in(view, span))
    assert "&lt;b&gt;x&lt;/b&gt;" in markup
    shown = QTextDocument()
    shown.setHtml(markup)
    plain = shown.toPlainText()
    assert "<b>x</b>" in plain
    assert "annotator: <i>amina</i>" in plain
    assert "note: a&b" in plain
    assert view.tooltip_at(point_in(view, style("n", TEXT, "last line"))) == ""


def test_style_for_takes_category_colour_and_details():
    span = Span("doc", 3, 9, "CLAIM", "amina", attributes={"certainty": "reported", "x": None},
                note="check")
    drawn = style_for(span, Label("CLAIM", "claim", "#E69F00"), layer=2)
    assert (drawn.id, drawn.start, drawn.end, drawn.category, drawn.color, drawn.layer) == (
        span.id, 3, 9, "claim", "#E69F00", 2)
    assert drawn.tooltip.splitlines() == ["annotator: amina", "certainty: reported", "note: check"]
    assert style_for(span, None).category == "other"


# -- painting -------------------------------------------------------------------------------
def blended(hex_color: str, alpha: int) -> QColor:
    """``hex_color`` at ``alpha`` over a white base."""
    color = QColor(hex_color)
    mix = [round(255 + (c - 255) * alpha / 255) for c in (color.red(), color.green(), color.blue())]
    return QColor(*mix)


def count_near(image: QImage, rect, color: QColor, tolerance: int = 3) -> int:
    found = 0
    for x in range(max(rect.left(), 0), min(rect.right(), image.width() - 1) + 1):
        for y in range(max(rect.top(), 0), min(rect.bottom(), image.height() - 1) + 1):
            pixel = image.pixelColor(x, y)
            if all(abs(a - b) <= tolerance for a, b in zip(
                    (pixel.red(), pixel.green(), pixel.blue()),
                    (color.red(), color.green(), color.blue()), strict=True)):
                found += 1
    return found


def line_rect(view: SpanTextView, span: SpanStyle):
    """Viewport rectangle of the (one-line) span, from the carets at its ends."""
    cursor = view.textCursor()
    shown = view.text()[: span.start].replace("\r\n", "\n")
    cursor.setPosition(qt_pos(view, len(shown)))
    left = view.cursorRect(cursor)
    cursor.setPosition(qt_pos(view, len(shown) + span.end - span.start))
    right = view.cursorRect(cursor)
    return left.united(right).adjusted(1, 0, -1, 0)


def test_grab_has_span_colour_on_the_span_only(view):
    gamma = style("g", TEXT, "gamma delta")
    view.set_document(TEXT, [gamma])
    image = view.viewport().grab().toImage()
    fill = blended(BLUE, FILL_ALPHA)
    inside = count_near(image, line_rect(view, gamma), fill)
    assert inside > 0.3 * line_rect(view, gamma).width() * line_rect(view, gamma).height()
    elsewhere = line_rect(view, style("x", TEXT, "here, and"))
    assert count_near(image, elsewhere, fill) == 0
    view.update_spans(removed_ids=["g"])
    view.viewport().repaint()
    assert count_near(view.viewport().grab().toImage(), line_rect(view, gamma), fill) == 0


def test_entities_are_underlined_and_nested_ones_stack(view):
    outer = style("o", TEXT, "gamma delta", category="entity", color=GREEN)
    inner = style("i", TEXT, "delta", category="entity", color=BLUE)
    view.set_document(TEXT, [outer, inner])
    image = view.viewport().grab().toImage()
    band = line_rect(view, outer)
    rows_green = {y for y in range(band.top(), band.bottom() + 3)
                  if count_near(image, band.adjusted(0, y - band.top(), 0, y - band.bottom()),
                                QColor(GREEN)) > 0}
    rows_blue = {y for y in range(band.top(), band.bottom() + 3)
                 if count_near(image, band.adjusted(0, y - band.top(), 0, y - band.bottom()),
                               QColor(BLUE)) > 0}
    assert rows_green and rows_blue
    assert rows_green.isdisjoint(rows_blue)  # one line below the other, both visible


def test_wrapped_span_is_painted_on_every_visual_line(qtbot):
    view = SpanTextView()
    qtbot.addWidget(view)
    view.resize(160, 300)
    view.show()
    text = "word " * 40
    view.set_document(text, [SpanStyle("w", 0, len(text) - 1, "CLAIM", "claim", BLUE)])
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    fill = blended(BLUE, FILL_ALPHA)
    block = view.document().firstBlock()
    layout = block.layout()
    assert layout.lineCount() > 3
    top = view.blockBoundingGeometry(block).translated(view.contentOffset()).top()
    for i in range(layout.lineCount()):
        line = layout.lineAt(i)
        band = line.rect().translated(0, top).toRect()
        assert count_near(image, band, fill) > 20, f"line {i} not filled"


def test_paint_touches_only_the_visible_blocks(view):
    lines = [f"line {n} with some words" for n in range(3000)]
    text = "\n".join(lines)
    spans, start = [], 0
    for n, line in enumerate(lines):
        spans.append(SpanStyle(f"s{n}", start, start + 4, "CLAIM", "claim", BLUE))
        start += len(line) + 1
    view.set_document(text, spans)
    view.viewport().repaint()
    first = view.painted_span_count
    visible_lines = view.viewport().height() // view.fontMetrics().lineSpacing() + 2
    assert 0 < first <= visible_lines
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    view.viewport().repaint()
    assert 0 < view.painted_span_count <= visible_lines
    top = view.firstVisibleBlock().blockNumber()
    assert view.spans_at(spans[top].start)[0].id == f"s{top}"


def test_mark_hits_paints_the_marks_until_cleared(view):
    text = "\n".join(["nothing here"] * 3 + ["a Needle and a needle"] + ["more"] * 50)
    view.set_document(text, [])
    needle = text.index("Needle")
    view.mark_hits([(needle, needle + 6), (needle + 15, needle + 21)])
    view.viewport().repaint()
    assert view.painted_span_count == 2
    view.mark_hits([])
    view.viewport().repaint()
    assert view.painted_span_count == 0


def test_scroll_to_brings_an_offset_into_view(view):
    text = "\n".join(f"row {n}" for n in range(2000))
    view.set_document(text, [])
    target = text.index("row 1500")
    view.scroll_to(target)
    first = view.firstVisibleBlock().blockNumber()
    rows = view.viewport().height() // view.fontMetrics().lineSpacing()
    assert first <= 1500 < first + rows


def test_demo_saves_a_screenshot_with_every_category(qtbot, tmp_path):
    from annotate.samples import sample_documents
    from desktop.textview.__main__ import demo_spans, main

    document = sample_documents()[0]
    spans = demo_spans(document.text, document.uid)
    assert {s.category for s in spans} == {"claim", "denial", "entity"}
    assert all(0 <= s.start < s.end <= len(document.text) for s in spans)
    target = tmp_path / "view.png"
    assert main(["--screenshot", str(target)]) == 0
    image = QImage(str(target))
    assert image.width() == 900
    assert image.height() == 640


def test_a_new_span_is_painted_by_the_partial_repaint_it_asks_for(view, qtbot):
    gamma = style("g", TEXT, "gamma delta")
    view.set_document(TEXT, [])
    view.viewport().repaint()
    painted = []
    original = view.paintEvent

    def record(event):
        painted.append(event.rect())
        original(event)

    view.paintEvent = record
    view.update_spans([gamma])
    qtbot.waitUntil(lambda: bool(painted))
    band = painted[-1]
    assert band.top() > 0 and band.height() < view.viewport().height() // 2  # its block only
    assert view.painted_span_count == 1
    image = view.viewport().grab().toImage()
    rect = line_rect(view, gamma)
    assert count_near(image, rect, blended(BLUE, FILL_ALPHA)) > 0.3 * rect.width() * rect.height()


def test_marks_are_painted_not_given_to_the_layouts_and_keep_line_heights(view):
    """A layout with formats is shaped again at each of their boundaries: a document opened
    or a block edited cost as much again as its plain text. The marks are painted instead."""
    view.set_document(TEXT, [])
    view.viewport().repaint()
    document = view.document()
    heights = [view.blockBoundingRect(document.findBlockByNumber(n)).height() for n in range(5)]
    claim, entity = (style("g", TEXT, "gamma delta"),
                     style("b", TEXT, "beta", category="entity", color=GREEN))
    view.set_document(TEXT, [claim, entity])
    view.viewport().repaint()
    assert [view.blockBoundingRect(document.findBlockByNumber(n)).height()
            for n in range(5)] == heights
    assert all(document.findBlockByNumber(n).layout().formats() == [] for n in range(5))
    assert view.painted_span_count == 2
    image = view.viewport().grab().toImage()
    rect = line_rect(view, claim)
    assert count_near(image, rect, blended(BLUE, FILL_ALPHA)) > 0.3 * rect.width() * rect.height()
    assert count_near(image, line_rect(view, entity).adjusted(0, 0, 0, 4), QColor(GREEN)) > 0


def test_the_blocks_shown_keep_their_shaping_and_so_many_at_most(qtbot):
    """The layouts of the blocks on screen keep their shaping between paints; scrolling
    through a long text lets the blocks shown longest ago go, past SHAPED_BLOCKS."""
    view = SpanTextView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    with qtbot.waitExposed(view):
        view.show()
    text = "\n".join(f"line {n} of the report, its army and convoy" for n in range(2000))
    view.set_document(text, [style("c", text, "line 0 of")])
    qtbot.wait(10)
    document = view.document()
    shaped = [n for n in range(document.blockCount())
              if document.findBlockByNumber(n).layout().cacheEnabled()]
    first = view.firstVisibleBlock().blockNumber()
    assert first in shaped and len(shaped) < 40  # the blocks on screen
    bar = view.verticalScrollBar()
    for value in range(0, bar.maximum(), 10):
        bar.setValue(value)
        view.viewport().repaint()
    shaped = [n for n in range(document.blockCount())
              if document.findBlockByNumber(n).layout().cacheEnabled()]
    assert len(shaped) <= SHAPED_BLOCKS
    assert view.firstVisibleBlock().blockNumber() in shaped
    assert 0 not in shaped


def shown_view(qtbot, width: int = 400) -> SpanTextView:
    """A text view alone, ``width`` x 300, shown and exposed."""
    view = SpanTextView()
    qtbot.addWidget(view)
    view.resize(width, 300)
    with qtbot.waitExposed(view):
        view.show()
    return view


PARAGRAPH = " ".join(f"the convoy {n} was ambushed near the well, the army said" for n in range(40))


@pytest.mark.parametrize("text", [PARAGRAPH, "\n".join([PARAGRAPH[:300]] * 200)],
                         ids=["paragraph", "paragraphs"])
def test_a_new_text_keeps_what_its_layout_found_for_the_first_paint(qtbot, text):
    """The text's top blocks keep what Qt's layout of them found (script runs, break points,
    shaping) from the start: the first paint's marks and text use it instead of Qt finding it
    all again (the code before let it go at the end of the layout: about a tenth of a next
    document's instructions). As many blocks as the view has lines at most."""
    view = shown_view(qtbot)
    view.set_document(text, [style("c", text, "convoy 3 was")])
    document = view.document()
    kept = [n for n in range(document.blockCount())
            if document.findBlockByNumber(n).layout().cacheEnabled()]
    lines = view.viewport().height() // view.fontMetrics().lineSpacing() + 1
    assert kept and kept == list(range(len(kept))) and len(kept) <= lines


def test_a_long_paragraph_does_not_keep_its_whole_shaping(qtbot):
    """Past LONG_BLOCK positions a block keeps only what its paints shape (its layout would
    keep the shaping of the whole paragraph)."""
    view = shown_view(qtbot)
    text = " ".join([PARAGRAPH] * (LONG_BLOCK // len(PARAGRAPH) + 1))
    view.set_document(text, [])
    assert not view.document().firstBlock().layout().cacheEnabled()


def test_the_first_paint_with_the_kept_layout_looks_as_without_it(qtbot, monkeypatch):
    """Opened with its layout kept and then with it let go, a text looks the same."""
    spans = [style("c", PARAGRAPH, "convoy 3 was"), style("e", PARAGRAPH, "the army said",
                                                          category="entity", color=GREEN)]
    view = shown_view(qtbot)
    images = []
    for first in (view_module.FIRST_SHAPED, 0):
        monkeypatch.setattr(view_module, "FIRST_SHAPED", first)
        view.set_document(PARAGRAPH, spans)
        assert view.document().firstBlock().layout().cacheEnabled() == bool(first)
        images.append(view.viewport().grab().toImage())
    assert images[0] == images[1]


PARAGRAPHS = "\n".join([PARAGRAPH[:300]] * 60)


@pytest.mark.parametrize("before, text", [(PARAGRAPH + " more", PARAGRAPH),
                                          (PARAGRAPHS, PARAGRAPH), (PARAGRAPH, PARAGRAPHS)],
                         ids=["paragraph", "paragraphs before", "paragraphs after"])
def test_a_new_text_replaces_the_old_in_one_change(qtbot, before, text):
    """The document hears one change, the old text replaced by the new: Qt's setPlainText
    emptied the document, then put the new text in and formatted it anew (its selection of
    the whole text laying the first block out), and a text of one block after one of one
    block was laid out again by the document's layout (its answer to a change within the
    one block, told with ``updateBlock``): twice before the first paint, once now."""
    view = shown_view(qtbot)
    view.set_document(before, [])
    document = view.document()
    changes: list[tuple[int, int, int]] = []
    document.contentsChange.connect(lambda *change: changes.append(change))
    relaid: list[int] = []
    document.documentLayout().updateBlock.connect(lambda block: relaid.append(block.blockNumber()))
    view.set_document(text, [])
    assert changes == [(0, len(before), len(text))]
    assert relaid == []
    assert view.toPlainText() == text


def test_a_long_text_is_let_go_before_the_new_one_comes(qtbot):
    """After a text longer than REPLACED_IN_PLACE the document never holds both texts (a
    13.6 MB text put after another kept the process 34 MB higher): it is emptied first, as
    Qt's setPlainText does."""
    view = shown_view(qtbot)
    before = "\n".join([PARAGRAPH] * (REPLACED_IN_PLACE // len(PARAGRAPH) + 1))
    view.set_document(before, [])
    changes: list[tuple[int, int, int]] = []
    view.document().contentsChange.connect(lambda *change: changes.append(change))
    view.set_document(PARAGRAPH, [])
    assert changes[0][1:] == (len(before) + 1, 0)  # all of it gone, nothing come
    assert view.toPlainText() == PARAGRAPH


@pytest.mark.parametrize("text", [PARAGRAPH, PARAGRAPHS], ids=["paragraph", "paragraphs"])
@pytest.mark.parametrize("touched", [False, True], ids=["untouched", "scrolled and selected"])
def test_a_new_text_is_shown_as_qts_set_plain_text_shows_it(qtbot, monkeypatch, text, touched):
    """Shown after another text, untouched or scrolled to its foot with a selection there,
    the new text looks as Qt's setPlainText shows it (the caret at its start, nothing
    selected, the view at its top), and the view keeps no undo step and no modification."""
    QApplication.setCursorFlashTime(0)  # a caret that blinks would differ between two grabs
    spans = [style("c", PARAGRAPH, "convoy 3 was")]
    looks = []
    view = shown_view(qtbot)
    view.setFocus()
    for qts in (False, True):
        if qts:
            monkeypatch.setattr(SpanTextView, "_show_text", SpanTextView.setPlainText)
        view.set_document(PARAGRAPHS + " end", [])
        if touched:
            view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
            cursor = view.textCursor()
            cursor.setPosition(len(PARAGRAPHS) - 3)
            cursor.setPosition(len(PARAGRAPHS), QTextCursor.MoveMode.KeepAnchor)
            view.setTextCursor(cursor)
        view.set_document(text, spans)
        cursor = view.textCursor()
        looks.append((view.viewport().grab().toImage(), cursor.position(), cursor.anchor(),
                      view.verticalScrollBar().value(), view.document().isUndoAvailable(),
                      view.document().isModified()))
    assert looks[0] == looks[1]
    assert looks[0][1:] == (0, 0, 0, False, False)


def test_overlapping_fills_blend(view):
    outer = style("o", TEXT, "the 🎉 gamma delta was")
    inner = style("i", TEXT, "gamma")
    view.set_document(TEXT, [outer, inner])
    image = view.viewport().grab().toImage()
    once = blended(BLUE, FILL_ALPHA)
    twice = QColor(*[round(c + (b - c) * FILL_ALPHA / 255) for c, b in zip(
        (once.red(), once.green(), once.blue()), (0x00, 0x72, 0xB2), strict=True)])
    rect = line_rect(view, inner)
    inset = int(DEPTH_INSET)
    band = rect.adjusted(2, inset + 1, -2, -inset - 1)  # the nested claim: a narrower band
    assert count_near(image, band, twice, tolerance=4) > 0.3 * band.width() * band.height()
    above = QRect(rect.left() + 2, rect.top(), rect.width() - 4, inset)  # the outer one only
    assert count_near(image, above, once) > 0.5 * above.width() * above.height()
    rect = line_rect(view, style("x", TEXT, "delta"))
    assert count_near(image, rect, once) > 0.3 * rect.width() * rect.height()


def paragraph_marks() -> list[SpanStyle]:
    """Marks of every kind over PARAGRAPH, one convoy after another: claims nested in claims
    across lines, denials, entities stacked three deep, other labels' dotted lines."""
    found = []
    for n in range(0, 40, 2):
        convoy = PARAGRAPH.index(f"the convoy {n} was")
        end = PARAGRAPH.index("said", convoy) + 4
        found += [
            SpanStyle(f"c{n}", convoy, end, "CLAIM", "claim", BLUE),
            SpanStyle(f"n{n}", convoy + 4, convoy + 20, "CLAIM", "claim", GREEN),
            SpanStyle(f"d{n}", end - 13, end + 12, "DENIAL", "denial", "#D55E00"),
            SpanStyle(f"e{n}", convoy, end - 9, "ORG", "entity", GREEN),
            SpanStyle(f"f{n}", convoy + 4, end - 15, "PERSON", "entity", BLUE),
            SpanStyle(f"g{n}", convoy + 11, convoy + 16, "PLACE", "entity", "#CC79A7"),
            SpanStyle(f"o{n}", end - 4, end + 8, "OTHER", "other", "#999999"),
        ]
    return found


def test_a_partial_repaint_measures_only_the_marks_that_reach_it(qtbot):
    """A span made repaints its lines; the marks of the paragraph's other spans fall outside
    them, so their boxes are not measured (every span of the paragraph was, three times the
    cost of drawing the few that show)."""
    view = shown_view(qtbot)
    spans = paragraph_marks()
    view.set_document(PARAGRAPH, spans)
    view.viewport().repaint()
    assert view.document().blockCount() == 1 and len(spans) == 140
    drawn = []
    original = view._marks.fill

    def fill(painter, span, segments, depth=0):
        drawn.append(span.id)
        original(painter, span, segments, depth)

    view._marks.fill = fill
    line = view.fontMetrics().lineSpacing()
    view.viewport().repaint(QRect(0, 4 * line, view.viewport().width(), 2 * line))
    assert 0 < len(drawn) <= 20  # those of four lines or so, of the paragraph's 140


@pytest.mark.parametrize("selected", [None, "c8", "d10"])
def test_every_band_repainted_looks_as_the_whole_paint(qtbot, selected):
    """Each band of lines painted alone gives the pixels the whole viewport's paint gives
    there: the marks left out of a band reach no pixel of it (a claim's brackets, a denial's
    frame closed at its ends, entities' stacked underlines, the selected span's handles)."""
    view = shown_view(qtbot)
    view.set_document(PARAGRAPH, paragraph_marks())
    view.select_span(selected)
    viewport = view.viewport()
    whole = viewport.grab().toImage()
    line = view.fontMetrics().lineSpacing()
    for top in range(-3, viewport.height(), line // 2):
        for height in (1, line, 2 * line + 7):
            band = QRect(0, top, viewport.width(), height).intersected(viewport.rect())
            part = QImage(viewport.size(), QImage.Format.Format_ARGB32_Premultiplied)
            part.fill(QColor("#123456"))
            viewport.render(part, band.topLeft(), QRegion(band))
            assert part.copy(band) == whole.convertToFormat(part.format()).copy(band), \
                (top, height)


class Worked(dict):
    """A view's stacking depths kept, counting those worked out (set)."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.worked: list[str] = []

    def __setitem__(self, key: str, value: int) -> None:
        self.worked.append(key)
        super().__setitem__(key, value)


def worked_depths(view: SpanTextView) -> list[str]:
    """The ids of the spans whose stacking depths ``view`` works out from now on."""
    view._stacking.depths = Worked(view._stacking.depths)
    return view._stacking.depths.worked


def test_a_paint_of_the_blocks_painted_before_stacks_their_marks_anew_only_after_a_change(
        qtbot):
    """The marks' stacking depths are kept from one paint to the next: a paint of the
    blocks painted before works none out; after a span of them went, those of the spans of
    its kind whose starts it covered (the entities under the ORG removed), once, and the
    marks then stack as in a view shown afresh with the spans changed."""
    view = shown_view(qtbot)
    spans = paragraph_marks()
    view.set_document(PARAGRAPH, spans)
    view.viewport().repaint()
    worked = worked_depths(view)
    line = view.fontMetrics().lineSpacing()
    band = QRect(0, 2 * line, view.viewport().width(), 2 * line)
    view.viewport().repaint(band)
    view.viewport().repaint()
    assert worked == []
    gone = next(span for span in spans if span.id == "e0")  # the ORG under PERSON and PLACE
    view.update_spans(removed_ids=[gone.id])
    view.viewport().repaint(band)
    view.viewport().repaint()
    assert sorted(worked) == ["f0", "g0"]
    fresh = shown_view(qtbot)
    fresh.set_document(PARAGRAPH, [span for span in spans if span is not gone])
    qtbot.waitUntil(lambda: fresh.viewport().size() == view.viewport().size())
    assert view.viewport().grab().toImage() == fresh.viewport().grab().toImage()


def test_a_relabel_stacks_no_marks_anew(qtbot):
    """A span relabelled (its range and kind of mark kept) keeps every stacking depth: a
    paint after it works none out; a span made, its own and those of the spans of its kind
    whose starts it covers."""
    view = shown_view(qtbot)
    spans = paragraph_marks()
    view.set_document(PARAGRAPH, spans)
    view.viewport().repaint()
    worked = worked_depths(view)
    person = next(span for span in spans if span.id == "f2")
    view.update_spans([SpanStyle(person.id, person.start, person.end, "ORG", "entity", GREEN)])
    view.viewport().repaint()
    assert worked == []
    made = SpanStyle("m", person.start, person.start + 5, "PLACE", "entity", BLUE)
    view.update_spans([made])
    view.viewport().repaint()
    assert sorted(worked) == ["m"]  # (nothing of its kind starts under it)
    assert view._stacking.depths["m"] == 2  # (under the ORG and the PERSON it meets)


@pytest.mark.parametrize("over", ["claim", "other"])
def test_a_span_made_or_deleted_under_a_long_span_stacks_what_it_meets_alone(qtbot, over):
    """An entity made, then deleted, among entities on every word under a long span (a
    claim over the whole text, or a label of the first layer, which stacks with them) works
    out the depths of the spans of its kind starting under it alone, the index asked only
    for the few spans it meets: never for all those the long span covers (4b7fa3a stacked
    them all again at each edit: a create 6 -> 36 ms over 20,000 entities)."""
    view = shown_view(qtbot)
    text = "\n".join(" ".join(["word"] * 12) for _ in range(400))
    words = [SpanStyle(f"w{n:05}", 5 * n, 5 * n + 4, "ORG", "entity", GREEN)
             for n in range(len(text) // 5)]
    long = SpanStyle("long", 0, len(text), "TOPIC", over, BLUE)
    view.set_document(text, [*words, long])
    view.viewport().repaint()
    worked = worked_depths(view)
    asked: list[str] = []
    index = view._spans

    class Counted:
        """The view's index, counting the spans it hands to the stacking."""
        reach = index.reach

        def overlapping(self, a: int, b: int) -> list[SpanStyle]:
            found = index.overlapping(a, b)
            asked.extend(span.id for span in found)
            return found

        held = overlapping

        def holds(self, a: int, b: int) -> bool:
            return index.holds(a, b)

    view._stacking._index = Counted()
    made = SpanStyle("m", 5 * 14, 5 * 14 + 9, "PLACE", "entity", BLUE)  # over w00014, w00015
    view.update_spans([made])
    view.viewport().repaint()
    assert sorted(worked) == ["m", "w00014", "w00015"]
    assert len(asked) <= 16  # (the spans meeting it and the two words, each with the long one)
    assert (view._stacking.depths["m"], view._stacking.depths["w00014"]) == \
        ((1, 2) if over == "other" else (0, 1))
    worked.clear()
    asked.clear()
    view.update_spans(removed_ids=[made.id])
    view.viewport().repaint()
    assert sorted(worked) == ["w00014", "w00015"] and len(asked) <= 16


def test_a_long_span_running_into_the_paint_is_stacked_from_its_start_alone(qtbot):
    """A paint inside a long claim begun regions above (a document read a region at a time)
    works out the claim's depth from the spans covering its start: the region of its start
    is read, not those between, and the spans stacked are those painted, not the thousands
    the claim covers (a5c7d99 swept from the claim's start to the paint: two regions read
    and ~10,000 spans stacked)."""
    text = "word " * 26_000
    spans = [SpanStyle(f"s{n:05}", 5 * n, 5 * n + 4, "ORG", "entity", GREEN)
             for n in range(26_000)]
    spans.append(SpanStyle("long", 50_001, 120_004, "CLAIM", "claim", BLUE))
    read = []

    def source(a: int, b: int) -> list[SpanStyle]:
        read.append((a, b))
        return [span for span in spans if span.start < b and span.end > a]

    view = shown_view(qtbot)
    view.set_document(text, source=source)
    view.scroll_to(100_000)
    view.viewport().repaint()
    assert read == [(98_304, 131_072), (32_768, 65_536)]
    assert view._stacking.depths["long"] == 0 and len(view._stacking.depths) < 300


def test_a_chain_too_long_to_follow_back_is_stacked_among_the_spans_painted(qtbot):
    """Entities each overlapping the next, over 300 lines: shown first at the end, the
    depths of the last ones are not followed back through all the others (past the budget),
    and the paint stacks its spans among themselves as before, none at one depth with one it
    overlaps."""
    view = shown_view(qtbot)
    text = "\n".join(f"line {n} of the report, its army and convoy" for n in range(300))
    starts = [text.index(f"line {n} of") for n in range(300)]
    chain = [SpanStyle(f"c{n:03}", starts[n] + 20, starts[n + 1] + 25, "ORG", "entity", BLUE)
             for n in range(299)]
    view.set_document(text, chain)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    view.viewport().repaint()
    depths = view._depths[2]
    assert view.painted_span_count > 0 and depths is not view._stacking.depths
    shown = sorted((view.span(i) for i in depths), key=lambda span: span.start)
    assert shown and all(depths[a.id] != depths[b.id] for a, b in pairwise(shown))


def test_a_span_made_then_selected_asks_for_its_lines_once_until_painted_or_scrolled(
        qtbot):
    """A span made asks for a repaint of its lines, and selected next, its lines are not
    measured and asked for again; after a paint, or a scroll, they are."""
    view = shown_view(qtbot, 200)
    text = "\n".join(f"line {n} of the report, its army and convoy" for n in range(60))
    view.set_document(text, [])
    view.viewport().repaint()
    asked = []
    view.viewport().update = asked.append
    made = style("m", text, "line 1 of the report")
    view.update_spans([made])
    view.select_span(made.id)
    assert len(asked) == 1
    assert asked[0].boundingRect().contains(line_rect(view, made))
    view.select_span(None)
    assert len(asked) == 1
    view.viewport().repaint()
    view.select_span(made.id)
    assert len(asked) == 2
    view.verticalScrollBar().setValue(1)
    view.select_span(None)
    assert len(asked) == 3
    assert asked[2].boundingRect().contains(line_rect(view, made))


@pytest.mark.parametrize(("category", "lines"), [("claim", 1), ("denial", 1), ("entity", 2)])
def test_a_span_change_repaints_the_next_line_only_where_underlines_reach_it(qtbot, category,
                                                                             lines):
    """A claim or a denial made, changed or removed among none but claims and denials asks
    for its line and the few pixels round it (the next line too: Qt then drew four lines of
    text for a one-line span); an underlined one, whose underlines stack down into the next
    line, for that line too."""
    view = shown_view(qtbot, 200)
    text = "\n".join(f"line {n} of the report, its army and convoy" for n in range(60))
    view.set_document(text, [style("c", text, "line 3 of the")])
    view.viewport().repaint()
    asked = []
    view.viewport().update = asked.append
    made = style("m", text, "line 2 of the report", category)
    view.update_spans([made])
    view.viewport().repaint()  # (what was asked is painted: asked again below)
    view.update_spans(removed_ids=[made.id])
    spacing = view.fontMetrics().lineSpacing()
    for region in asked:
        rect = region.boundingRect()
        assert rect.contains(line_rect(view, made))
        assert rect.height() == lines * spacing + 2 * view_module.MARK_OVERHANG, rect


LINES = "\n".join(f"line {n} of the report, its army and convoy" for n in range(60))


def lines_marks() -> list[SpanStyle]:
    """Entities stacked three deep and another label's dotted line on line 2 (the deepest
    underline reaches into line 3), a claim nested in a claim on line 3, a denial on 4."""
    def on(line: int, needle: str, span_id: str, category: str, color: str) -> SpanStyle:
        start = LINES.index(needle, LINES.index(f"line {line} of"))
        return SpanStyle(span_id, start, start + len(needle), span_id.upper(), category, color)

    return [on(2, "line 2 of the report", "e", "entity", BLUE),
            on(2, "2 of the", "f", "entity", GREEN),
            on(2, "of the report, its army", "g", "entity", "#CC79A7"),
            on(2, "army and convoy", "o", "other", "#999999"),
            on(3, "line 3 of the report", "c", "claim", BLUE),
            on(3, "3 of the", "n", "claim", GREEN),
            on(4, "line 4 of", "d", "denial", "#D55E00")]


def layered_marks() -> list[SpanStyle]:
    """:func:`lines_marks`, every other span of them on a second annotator's layer, with
    create25's entity running on into line 3 on that layer (stacked below the first layer's
    it meets), and a chain of entities, each overlapping the next, over lines 5 to 8."""
    spans = [*lines_marks(), running_marks(False)[2]]
    spans = [SpanStyle(f"{n}{span.id}", span.start, span.end, span.label, span.category,
                       span.color, n % 2) for n, span in enumerate(spans)]
    starts = [LINES.index(f"line {n} of") for n in range(5, 10)]
    return spans + [SpanStyle(f"k{n}", starts[n] + 20, starts[n + 1] + 25, "K", "entity", BLUE)
                    for n in range(4)]


@pytest.mark.parametrize("scene", ["lines", "paragraph", "layered"])
def test_a_span_changed_among_stacked_marks_leaves_on_screen_what_a_whole_paint_draws(
        qtbot, scene):
    """Each span removed and put back among nested claims, a denial, entities stacked three
    deep and another label's dotted line (and, ``layered``, the same on two annotators'
    layers, with a chain of entities over four lines): after each partial repaint the view
    on screen is pixel for pixel its whole paint (no mark left behind below the lines
    repainted, none stacked otherwise than a whole paint stacks it)."""
    view = shown_view(qtbot)
    text, spans = {"lines": (LINES, lines_marks()), "layered": (LINES, layered_marks()),
                   "paragraph": (PARAGRAPH, paragraph_marks()[7:21])}[scene]
    view.set_document(text, spans)
    viewport = view.viewport()
    for span in spans:
        for change in ({"removed_ids": [span.id]}, {"changed": [span]}):
            view.update_spans(**change)
            QApplication.processEvents()
            origin = viewport.mapTo(view, QPoint(0, 0))
            shown = view.screen().grabWindow(view.winId(), origin.x(), origin.y(),
                                             viewport.width(), viewport.height()).toImage()
            whole = viewport.grab().toImage().convertToFormat(shown.format())
            assert shown == whole, (span.id, change)


@pytest.mark.parametrize("category", ["denial", "claim"])
@pytest.mark.parametrize("first", [3, 4], ids=["from the next line", "from the line after"])
def test_a_partial_paint_closes_no_mark_running_on_into_a_paragraph_not_painted(
        qtbot, category, first):
    """A claim or a denial running on from one paragraph into the next, repainted in part
    (a span made on the line above it), is not drawn closed where the blocks painted stop
    (its frame's end, its "]" left on screen): as a whole paint draws it. Since f4a57a9 a
    span made repaints the few pixels of the next line, not the whole of it (a mark running
    on from the next line was cut), and before it those of the line after."""
    view = shown_view(qtbot)
    start = LINES.index("army", LINES.index(f"line {first} of"))
    end = LINES.index("report", LINES.index(f"line {first + 1} of"))
    view.set_document(LINES, [SpanStyle("r", start, end, "R", category, "#D55E00")])
    QApplication.processEvents()
    at = LINES.index("report", LINES.index("line 2 of"))
    view.update_spans([SpanStyle("m", at, at + 6, "C", "claim", BLUE)])
    QApplication.processEvents()
    viewport = view.viewport()
    origin = viewport.mapTo(view, QPoint(0, 0))
    shown = view.screen().grabWindow(view.winId(), origin.x(), origin.y(), viewport.width(),
                                     viewport.height()).toImage()
    assert shown == viewport.grab().toImage().convertToFormat(shown.format())


def running_marks(layered: bool) -> list[SpanStyle]:
    """Entities stacked three deep on line 2, the deepest running on into line 3, and a
    denial on line 4 (create25's case); ``layered``: two of them on the first annotator's
    layer, the one running on stacked under a second layer's entity on line 3."""
    def on(line: int, needle: str, span_id: str, category: str, layer: int = 0) -> SpanStyle:
        start = LINES.index(needle, LINES.index(f"line {line} of"))
        return SpanStyle(span_id, start, start + len(needle), span_id.upper(), category, BLUE,
                         layer)

    if layered:
        return [on(2, "line 2 of the report", "e", "entity"),
                on(2, "of the report, its army and convoy\nline 3 of", "g", "entity"),
                on(3, "line 3 of the", "h", "entity", 1),
                on(4, "line 4 of", "d", "denial")]
    return [on(2, "line 2 of the report", "e", "entity"),
            on(2, "2 of the", "f", "entity"),
            on(2, "of the report, its army and convoy\nline 3 of", "g", "entity"),
            on(4, "line 4 of", "d", "denial")]


def on_screen(view: SpanTextView) -> QImage:
    """What the view's viewport shows (its partial repaints), to compare with its grab (a
    whole paint)."""
    viewport = view.viewport()
    QApplication.processEvents()
    origin = viewport.mapTo(view, QPoint(0, 0))
    return view.screen().grabWindow(view.winId(), origin.x(), origin.y(), viewport.width(),
                                    viewport.height()).toImage()


@pytest.mark.parametrize("layered", [False, True], ids=["stacked", "layered"])
def test_a_partial_paint_stacks_marks_begun_above_it_as_a_whole_paint_does(qtbot, layered):
    """An entity stacked under entities on the line above it (or under a layer stacked
    below those) is drawn at the same depth by a paint of its own lines alone (a denial
    removed below it) or of the view scrolled past its first line, as by a paint of the
    whole text: its depth never comes from the spans of the region painted alone."""
    view = shown_view(qtbot)
    view.set_document(LINES, running_marks(layered))
    viewport = view.viewport()
    QApplication.processEvents()
    view.update_spans(removed_ids=["d"])
    shown = on_screen(view)
    assert shown == viewport.grab().toImage().convertToFormat(shown.format())
    fresh = shown_view(qtbot)
    fresh.set_document(LINES, running_marks(layered)[:-1])
    qtbot.waitUntil(lambda: fresh.viewport().size() == viewport.size())
    whole = fresh.viewport().grab().toImage()
    line, top = view.fontMetrics().lineSpacing(), line_rect(view, view.span("e")).top()
    view.verticalScrollBar().setValue(3)  # line 3 at the top: its spans the whole paint's
    shift = top - line_rect(view, view.span("e")).top()
    band = QRect(0, top + line, viewport.width(), 2 * line)  # (the top line whole: the
    # underlines of the line above, hidden, reach into it)
    assert viewport.grab().toImage().copy(band.translated(0, -shift)) == whole.copy(band)


@pytest.mark.parametrize("selected", [None, "c8", "d10"])
def test_marks_painted_again_make_no_new_boxes_or_points(qtbot, monkeypatch, selected):
    """A paint after a key press draws mostly the marks the paint before drew: their boxes,
    frames, brackets, underlines, dotted lines and handles are kept, not made again from
    Python; the pixels stay those of a view shown afresh."""
    view = shown_view(qtbot)
    view.set_document(PARAGRAPH, paragraph_marks())
    view.select_span(selected)
    view.mark_hits([(40, 52)])
    view.viewport().repaint()
    made = []

    class Rect(QRectF):
        def __init__(self, *args):
            made.append(args)
            super().__init__(*args)

    class Point(QPointF):
        def __init__(self, *args):
            made.append(args)
            super().__init__(*args)

    monkeypatch.setattr(paint_module, "QRectF", Rect)
    monkeypatch.setattr(paint_module, "QPointF", Point)
    view.viewport().repaint()
    assert made == []
    fresh = shown_view(qtbot)
    fresh.set_document(PARAGRAPH, paragraph_marks())
    fresh.select_span(selected)
    fresh.mark_hits([(40, 52)])
    qtbot.waitUntil(lambda: fresh.viewport().size() == view.viewport().size())
    assert view.viewport().grab().toImage() == fresh.viewport().grab().toImage()


def test_the_selected_span_s_outline_takes_the_boxes_measured_for_its_marks(qtbot, monkeypatch):
    """A paint measures the boxes of each span whose marks it draws once: the selected
    span's outline is drawn over the boxes measured for its fill and line."""
    view, fresh = shown_view(qtbot), shown_view(qtbot)
    for shown in (view, fresh):
        shown.set_document(PARAGRAPH, paragraph_marks())
        shown.select_span("c8")
    qtbot.waitUntil(lambda: view.verticalScrollBar().isVisible()
                    and fresh.viewport().size() == view.viewport().size())
    view.viewport().repaint()
    measured, drawn = [], []
    original, fill = Viewport.segments, view._marks.fill

    def segments(self, start, end):
        measured.append((start, end))
        return original(self, start, end)

    def counted_fill(painter, span, boxes, depth=0):
        drawn.append(span.id)
        fill(painter, span, boxes, depth)

    monkeypatch.setattr(Viewport, "segments", segments)
    view._marks.fill = counted_fill
    top = line_rect(view, view.span("c8")).top()
    view.viewport().repaint(QRect(0, top, view.viewport().width(), 4))
    assert "c8" in drawn and len(measured) == len(drawn)
    assert view.viewport().grab().toImage() == fresh.viewport().grab().toImage()


def test_a_relabel_finds_the_blocks_of_its_one_range_once(view):
    """A span changed in place (a relabel: the span before and after over one range) lets go
    of the spans placed in its blocks, found among the blocks placed (by their positions: no
    block asked of Qt), and is repainted as relabelled."""
    gamma = style("g", TEXT, "gamma delta")
    view.set_document(TEXT, [gamma])
    view.viewport().repaint()
    document = view.document()
    found = []
    find_block = document.findBlock
    document.findBlock = lambda position: found.append(position) or find_block(position)
    view.update_spans([style("g", TEXT, "gamma delta", color=GREEN)])
    assert found == []  # (its lines' block is the paint's before: the repaint's viewport
    # takes it from there)
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    rect = line_rect(view, gamma)
    assert count_near(image, rect, blended(GREEN, FILL_ALPHA)) > 0.3 * rect.width() * rect.height()


def deep_marks(deep: int) -> list[SpanStyle]:
    """``deep`` entities stacked on line 2, each from its first word on (their underlines reach
    two lines down and more), and a claim on line 4, under them."""
    start = LINES.index("line 2 of")
    words = LINES[start:].split("\n")[0].split(" ")
    spans = [SpanStyle(f"e{n}", start, start + len(" ".join(words[:len(words) - n % 7])),
                       f"E{n}", "entity", (BLUE, GREEN, "#CC79A7")[n % 3]) for n in range(deep)]
    at = LINES.index("report", LINES.index("line 4 of"))
    return [*spans, SpanStyle("c", at, at + 6, "C", "claim", BLUE)]


@pytest.mark.parametrize("deep", [6, 8])
def test_a_change_in_a_deep_stack_of_underlines_leaves_on_screen_what_a_whole_paint_draws(
        qtbot, deep):
    """Each span of a stack of ``deep`` underlines on one line (the deepest reach two lines
    down) removed and put back, and the claim under them: after each partial repaint the view
    on screen is its whole paint (the deepest underlines' part two lines down neither left
    behind nor missing)."""
    view = shown_view(qtbot)
    spans = deep_marks(deep)
    view.set_document(LINES, spans)
    for span in spans:
        for change in ({"removed_ids": [span.id]}, {"changed": [span]}):
            view.update_spans(**change)
            shown = on_screen(view)
            assert shown == view.viewport().grab().toImage().convertToFormat(shown.format()), \
                (span.id, change)


def test_a_paint_starting_at_a_block_draws_the_underlines_of_the_line_above_reaching_it(qtbot):
    """A paint of a rectangle whose top is a block's (the line above not in it) draws the
    part of the line above's stacked underlines that reaches into it, as a whole paint does."""
    view = shown_view(qtbot)
    view.set_document(LINES, running_marks(False)[:3])
    whole = on_screen(view)
    top = line_rect(view, view.span("e")).top() + view.fontMetrics().lineSpacing()
    viewport = view.viewport()
    viewport.repaint(QRect(0, top, viewport.width(), 30))
    shown = on_screen(view)
    assert shown == whole


@pytest.mark.parametrize("category", ["denial", "claim"])
def test_a_partial_paint_closes_a_mark_begun_on_the_separator_before_it_as_a_whole_paint_does(
        qtbot, category):
    """A claim or a denial of a CRLF text begun between the CR and the LF before line 3 (an
    imported span: it is shown from the line break on, which has no box) is drawn closed at
    its start by a paint of line 3 on (a span made on line 4), as a whole paint draws it, not
    open as though it ran on from the line above."""
    view = shown_view(qtbot)
    text = LINES.replace("\n", "\r\n")
    start = text.index("line 3 of") - 1
    view.set_document(text, [SpanStyle("r", start, start + 12, "R", category, "#D55E00")])
    QApplication.processEvents()
    at = text.index("report", text.index("line 4 of"))
    view.update_spans([SpanStyle("m", at, at + 6, "C", "claim", BLUE)])
    shown = on_screen(view)
    assert shown == view.viewport().grab().toImage().convertToFormat(shown.format())


def test_a_font_of_no_line_spacing_is_painted_as_one_of_a_pixel(view, monkeypatch):
    """A font whose metrics give a line spacing of 0 (a broken font) is taken as spacing 1
    pixel: how far underlines reach past the next line is worked out, and the view paints
    (the work-out asked the spacing again while it was 0, without end: a segfault)."""
    class Flat:
        def lineSpacing(self) -> int:
            return 0

        def descent(self) -> int:
            return 0

    view.set_document(TEXT, [style("o", TEXT, "gamma delta", category="entity", color=GREEN)])
    monkeypatch.setattr(view, "fontMetrics", lambda: Flat())
    view._spacing = 0  # asked again at the next paint, as after a change of font
    assert view._line_spacing() == 1
    assert not view.grab().isNull()
