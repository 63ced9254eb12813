"""A plain-text field whose frame is a kept picture (desktop/kept_frame.py) looks as Qt's
field, the style drawing its frame again only when something it draws it by changed, and a
screen reader is told of the field's parts as before."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAccessible, QColor, QPalette
from PySide6.QtWidgets import QPlainTextEdit, QWidget
from window_helpers import FramesDrawn

from desktop.kept_frame import FramedText

pytestmark = pytest.mark.gui

SHORT = "The army denied that the convoy was ambushed."
LONG = " ".join([SHORT] * 40)  # (its vertical bar shown)


def twins(qtbot, text: str, width: int) -> list[QWidget]:
    """A :class:`FramedText` and Qt's field, each showing ``text`` in a window of the
    window's colour, ``width`` wide."""
    holders = []
    for kind in (FramedText, QPlainTextEdit):
        holder = QWidget()
        holder.setAutoFillBackground(True)
        field = kind(holder)
        field.setPlainText(text)
        field.setReadOnly(True)  # (no caret blinking in one of them)
        field.setGeometry(6, 6, width, 90)
        holder.resize(width + 12, 102)
        qtbot.addWidget(holder)
        holder.show()
        qtbot.waitExposed(holder)
        holders.append(holder)
    return holders


def field(holder: QWidget) -> QPlainTextEdit:
    return holder.findChild(QPlainTextEdit)


@pytest.mark.parametrize("text", [SHORT, LONG])
@pytest.mark.parametrize("width", [60, 280])
def test_a_framed_text_looks_as_qts_field(qtbot, text, width):
    """Shown, focused, resized, disabled, in another palette: pixel for pixel."""
    holders = twins(qtbot, text, width)
    assert holders[0].grab().toImage() == holders[1].grab().toImage()
    palette = QPalette(holders[0].palette())
    palette.setColor(QPalette.ColorRole.Window, QColor("#d8e4f0"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#fffbe8"))
    for change in (lambda f: f.setFocus(), lambda f: f.resize(width - 20, 70),
                   lambda f: f.setEnabled(False), lambda f: f.window().setPalette(palette)):
        for holder in holders:
            change(field(holder))
        qtbot.wait(10)
        assert holders[0].grab().toImage() == holders[1].grab().toImage()


def test_the_style_draws_the_frame_once_until_something_it_draws_it_by_changes(qtbot):
    """Qt's field has the style draw its frame at each paint; a framed text at none, and
    again when (here) its size or palette changed."""
    holders = twins(qtbot, SHORT, 200)
    styles = [FramesDrawn(), FramesDrawn()]
    for holder, style in zip(holders, styles, strict=True):
        field(holder).setStyle(style)
    for style in styles:
        style.frames = 0
    for _ in range(3):
        for holder in holders:
            holder.grab()
    assert [style.frames for style in styles] == [0, 3]
    framed = field(holders[0])
    framed.resize(180, 90)
    palette = QPalette(framed.palette())
    palette.setColor(QPalette.ColorRole.Window, QColor("#d8e4f0"))
    framed.setPalette(palette)
    holders[0].grab()
    assert styles[0].frames == 2


def test_a_screen_reader_is_told_of_the_fields_parts_as_qts(qtbot):
    """While a reader is active, the picture's holder is hidden (the style draws the frame):
    the field's accessible children told in sight are those of Qt's field."""
    QAccessible.setActive(True)
    try:
        holders = twins(qtbot, SHORT, 200)

        def parts(holder: QWidget) -> list[QAccessible.Role]:
            told = QAccessible.queryAccessibleInterface(field(holder))
            children = (told.child(n) for n in range(told.childCount()))
            return [part.role() for part in children if not part.state().invisible]

        assert parts(holders[0]) == parts(holders[1])
        assert holders[0].grab().toImage() == holders[1].grab().toImage()
    finally:
        QAccessible.setActive(False)
