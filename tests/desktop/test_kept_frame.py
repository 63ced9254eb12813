"""A plain-text field whose frame is a kept picture (desktop/kept_frame.py) looks as Qt's
field, the style drawing its frame again only when something it draws it by changed, and a
screen reader is told of the field's parts as before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QAccessible, QColor, QPalette
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QWidget
from window_helpers import FramesDrawn

from desktop.kept_frame import FramedText

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
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


COMPARE = """
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QWidget
from desktop.kept_frame import FramedText
app = QApplication([])
for place in (5, 6):
    holders = []
    for kind in (FramedText, QPlainTextEdit):
        holder = QWidget()
        holder.setAutoFillBackground(True)
        field = kind(holder)
        field.setPlainText("The army denied that the convoy was ambushed.")
        field.setReadOnly(True)
        field.setGeometry(place, place, 61, 90)
        holder.resize(80, 110)
        holder.show()
        holders.append(holder)
    app.processEvents()
    print(place, holders[0].grab().toImage() == holders[1].grab().toImage())
"""


@pytest.mark.parametrize("scale", ["1.25", "1.5", "2"])
def test_a_framed_text_looks_as_qts_field_at_any_scale_and_place(scale):
    """At a scale that puts the field between the screen's pixels (5 points at 1.25 or 1.5
    are 6.25 or 7.5 pixels), Qt's paint draws the frame across them: a picture drawn from the
    field's own corner cannot be what it draws, so the style draws the frame there."""
    env = {**os.environ, "QT_SCALE_FACTOR": scale, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", COMPARE], capture_output=True, text=True,
                          env=env, timeout=120, check=True)
    assert done.stdout.split("\n")[:2] == ["5 True", "6 True"], done.stdout


def told_of_a_new_pixel_ratio(window: QWidget) -> None:
    """As Qt tells each widget of a window moved to a screen of another pixel ratio."""
    for widget in (window, *window.findChildren(QWidget)):
        QApplication.sendEvent(widget, QEvent(QEvent.Type.DevicePixelRatioChange))


def test_a_new_pixel_ratio_has_the_frame_drawn_again(qtbot):
    """(Qt tells it to no change handler: the picture would be left at the old ratio.)"""
    holders = twins(qtbot, SHORT, 200)
    style = FramesDrawn()
    field(holders[0]).setStyle(style)
    style.frames = 0
    told_of_a_new_pixel_ratio(holders[0])
    assert style.frames == 1
