"""The text view's Viewport finds the band's blocks as Qt's own hit test does, for blocks of
any height (wrapped, empty, taller emoji lines) and any band, scrolled anywhere."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint

from desktop.textview import SpanTextView
from desktop.textview.geometry import Viewport

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
    view.show()
    qtbot.waitExposed(view)
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
