"""A scroll bar's looks drawn once and copied (issue 17: a short list's slider changes with each
span made or deleted, and the Fusion style draws a bar with gradients, a quarter of a
millisecond each time): a look shown again is copied, pixel for pixel what the style draws."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProxyStyle, QScrollBar, QStyle, QWidget

from desktop.scrollbars import SteadyScrollBar

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]


class BarsDrawn(QProxyStyle):
    """The application's style, counting the scroll bars it draws."""

    def __init__(self) -> None:
        super().__init__(QApplication.style().name())
        self.bars = 0

    def drawComplexControl(self, control, option, painter, widget=None) -> None:
        self.bars += control == QStyle.ComplexControl.CC_ScrollBar
        super().drawComplexControl(control, option, painter, widget)


def shown(qtbot, bar: QScrollBar) -> QWidget:
    """``bar`` in a container filled with the window's colour, as the scroll areas hold it."""
    under = QWidget()
    under.setAutoFillBackground(True)
    bar.setParent(under)
    bar.setGeometry(0, 0, 16, 200)
    bar.setRange(0, 10)
    under.setGeometry(300, 300, 16, 200)  # away from the pointer (a bar under it is drawn)
    qtbot.addWidget(under)
    with qtbot.waitExposed(under):
        under.show()
    return under


def test_a_look_shown_again_is_copied_not_drawn(qtbot):
    """Rows come and go in turn (the range grows and shrinks): each look is drawn once."""
    bar = SteadyScrollBar(Qt.Orientation.Vertical)
    style = BarsDrawn()
    bar.setStyle(style)
    under = shown(qtbot, bar)  # (kept: it holds the bar)
    for maximum in (11, 10, 11, 10, 11, 10):
        bar.setRange(0, maximum)
        bar.repaint()
    assert style.bars == 2 and under.isVisible()


def test_a_look_kept_is_painted_without_the_bars_option(qtbot, monkeypatch):
    """A look kept is found by the bar's values and what was read of it at its first paint
    after a change (its size, palette, state: some 25 calls into Qt at each paint before,
    three answering an enum); a new palette is read again, and the bar looks as the style
    draws it."""
    from PySide6.QtGui import QColor, QPalette

    steady, plain = SteadyScrollBar(Qt.Orientation.Vertical), QScrollBar(Qt.Orientation.Vertical)
    under = {bar: shown(qtbot, bar) for bar in (steady, plain)}
    for maximum in (11, 10, 11, 10):
        steady.setRange(0, maximum)
        steady.repaint()
    asked = []
    monkeypatch.setattr(steady, "initStyleOption", lambda option: asked.append(option) or
                        QScrollBar.initStyleOption(steady, option))
    for _ in range(3):
        steady.repaint()
    assert asked == []
    palette = steady.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#d0e0ff"))
    palette.setColor(QPalette.ColorRole.Button, QColor("#ffd0a0"))
    for bar in (steady, plain):
        under[bar].setPalette(palette)
        bar.setRange(0, 10)
    assert under[steady].grab().toImage() == under[plain].grab().toImage()
    assert asked  # (read again)


def test_a_new_range_is_told_without_a_new_option_or_asking_the_style(qtbot, monkeypatch):
    """Each new range of a list's bar (a span made or deleted in the Spans table, an entry
    written in the History) is told by the bar's look: the bar's option is filled again,
    not made anew, and its style is the one kept, not asked of the bar each time (~8 K of
    the ~45 K instructions of a range set); a style set on the bar is the one asked then."""
    import desktop.scrollbars as scrollbars

    bar = SteadyScrollBar(Qt.Orientation.Vertical)
    under = shown(qtbot, bar)
    bar.setPageStep(6)
    bar.setRange(0, 40)
    bar.repaint()
    made, asked = [], []
    plain_option = scrollbars.QStyleOptionSlider
    monkeypatch.setattr(scrollbars, "QStyleOptionSlider",
                        lambda *a: made.append(a) or plain_option(*a))
    plain_style = bar.style
    monkeypatch.setattr(bar, "style", lambda: asked.append(1) or plain_style())
    for maximum in (41, 40, 42, 43):
        bar.setRange(0, maximum)
    assert made == [] and asked == [] and under.isVisible()
    style = SlidersAsked()
    bar.setStyle(style)
    bar.setRange(0, 44)
    assert len(asked) == 1 and style.asked == 1  # (the new style)
    option = plain_option()
    QScrollBar.initStyleOption(bar, option)
    assert bar.look() == bar.look(option)


class SlidersAsked(QProxyStyle):
    """The application's style, counting the sliders' places it is asked."""

    def __init__(self) -> None:
        super().__init__(QApplication.style().name())
        self.asked = 0

    def subControlRect(self, control, option, part, widget=None):
        self.asked += part == QStyle.SubControl.SC_ScrollBarSlider
        return super().subControlRect(control, option, part, widget)


@pytest.mark.parametrize("value", [0, 4, 10])
def test_a_copied_bar_looks_as_the_style_draws_it(qtbot, value):
    """Over its container (what shows under the bar's half-transparent edges), at either end
    and between."""
    steady, plain = SteadyScrollBar(Qt.Orientation.Vertical), QScrollBar(Qt.Orientation.Vertical)
    under = {}
    for bar in (steady, plain):
        under[bar] = shown(qtbot, bar)
        bar.setValue(value)
    drawn = under[plain].grab().toImage()
    assert under[steady].grab().toImage() == drawn  # drawn and kept
    assert under[steady].grab().toImage() == drawn  # copied


def long_list_bars(qtbot) -> tuple[SteadyScrollBar, QWidget, QScrollBar, QWidget]:
    """A steady bar and a plain one over a long list (the slider moves a pixel or so a step)."""
    steady, plain = SteadyScrollBar(Qt.Orientation.Vertical), QScrollBar(Qt.Orientation.Vertical)
    under = [shown(qtbot, bar) for bar in (steady, plain)]
    for bar in (steady, plain):
        bar.setRange(0, 300)
        bar.setPageStep(20)
    return steady, under[0], plain, under[1]


def test_a_slider_moved_along_a_long_list_is_not_drawn_again(qtbot, monkeypatch):
    """Each step down a long list moves the slider to a look not kept (the document list at
    each next document): the bar without its slider and the slider are drawn once, and each
    new place is made of them (the code before drew the bar for each place)."""
    assert QApplication.style().name().lower() == "fusion"  # the window's style
    steady, under, _plain, _ = long_list_bars(qtbot)
    drawn = []
    monkeypatch.setattr(steady, "_draw", lambda *args: drawn.append(args) or
                        SteadyScrollBar._draw(steady, *args))
    for value in range(100, 160):
        steady.setValue(value)
        steady.repaint()
    assert len(drawn) == 2 and under.isVisible()


def test_a_slider_made_of_kept_pictures_looks_as_the_style_draws_it(qtbot):
    """At every place of a long list, ends and the places next to them included."""
    steady, under, plain, plain_under = long_list_bars(qtbot)
    for value in [*range(0, 12), *range(140, 150), *range(290, 301)]:
        steady.setValue(value)
        plain.setValue(value)
        assert under.grab().toImage() == plain_under.grab().toImage(), value


@pytest.mark.parametrize("hovered", [False, True])
def test_an_opaque_bar_paints_what_its_container_showed_under_it(qtbot, hovered):
    """Marked opaque (as the scroll areas' bars are: their repaint then leaves the container
    be), the bar paints its container's colour under itself, drawn by the style when under
    the pointer as when copied: as a plain bar over its container looks."""
    steady, plain = SteadyScrollBar(Qt.Orientation.Vertical), QScrollBar(Qt.Orientation.Vertical)
    steady.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
    under = {bar: shown(qtbot, bar) for bar in (steady, plain)}
    for bar in (steady, plain):
        bar.setValue(4)
        bar.setAttribute(Qt.WidgetAttribute.WA_UnderMouse, hovered)
    assert steady.underMouse() == hovered
    assert under[steady].grab().toImage() == under[plain].grab().toImage()


@pytest.mark.parametrize("value", [0, 150, 300])
def test_a_slider_of_another_length_is_stretched_not_drawn(qtbot, monkeypatch, value):
    """A new document's text bar has a slider at its top, of another length, mostly one not
    shown before: the slider drawn once (at that end, or between) is stretched to each length
    (the code before drew the bar anew for each one)."""
    steady, under, _plain, _ = long_list_bars(qtbot)
    drawn = []
    monkeypatch.setattr(steady, "_draw", lambda *args: drawn.append(args) or
                        SteadyScrollBar._draw(steady, *args))
    steady.setValue(value)
    for page in range(10, 60):
        steady.setPageStep(page)
        steady.repaint()
    assert steady.value() == value
    assert len(drawn) == 2 and under.isVisible()  # the slider and the bar without it



def test_a_look_made_of_kept_pictures_is_kept_too(qtbot, monkeypatch):
    """A list whose rows come and go in turn (a span made, then deleted) shows two sliders of
    two lengths: each look is made of the kept pictures once, then copied (the code before made
    it at each paint: three copies and their places worked out in Python, ~0.1 M instructions
    of a span made with the Spans table in front)."""
    steady, under, _plain, _ = long_list_bars(qtbot)
    made = []
    monkeypatch.setattr(steady, "_moved", lambda *args: made.append(args) or
                        SteadyScrollBar._moved(steady, *args))
    for page in (30, 31, 30, 31, 30, 31):
        steady.setPageStep(page)
        steady.repaint()
    assert len(made) == 2 and under.isVisible()

STRETCHED = """
import sys
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollBar, QWidget
from desktop.scrollbars import SteadyScrollBar

app = QApplication(["bars", "-style", "fusion"])
for orientation in (Qt.Orientation.Vertical, Qt.Orientation.Horizontal):
    shown, size = [], (16, 300) if orientation == Qt.Orientation.Vertical else (300, 16)
    for kind in (SteadyScrollBar, QScrollBar):
        under = QWidget()
        under.setAutoFillBackground(True)
        bar = kind(orientation)
        bar.setParent(under)
        bar.setGeometry(0, 0, *size)
        under.resize(*size)
        under.show()
        shown.append((bar, under))
    differ = []
    for page in [*range(1, 120), 150, 300, 600]:  # every length of slider, and longer ones
        for value in (0, 1, 37, 99, 100):  # at the ends, next to them, between
            images = []
            for bar, under in shown:
                bar.setRange(0, 100)
                bar.setPageStep(page)
                bar.setValue(value)
                images.append(under.grab().toImage())
            if images[0] != images[1]:
                differ.append((page, value))
    print(orientation.name, app.devicePixelRatio(), differ)
"""


@pytest.mark.parametrize("scale", ["1", "2"])
def test_a_stretched_slider_looks_as_the_style_draws_it(scale):
    """Every length of slider, in a bar either way, at the ends and between, at pixel ratios
    1 and 2: the bar looks as a plain bar the style draws."""
    env = {**os.environ, "QT_SCALE_FACTOR": scale, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", STRETCHED], capture_output=True, text=True,
                          env=env, timeout=300, check=True)
    assert done.stdout.split("\n")[:2] == [f"Vertical {float(scale)} []",
                                           f"Horizontal {float(scale)} []"], done.stdout



class StyleAsked(QProxyStyle):
    """The application's style, counting the times code asks its name (as a bar's new look
    asked whether the style is the one it knows the drawing of)."""

    def __init__(self) -> None:
        super().__init__(QApplication.style().name())
        self.asked = 0

    def name(self) -> str:
        self.asked += 1
        return super().name()


def test_a_growing_lists_new_looks_read_the_bar_once(qtbot):
    """A list growing by a row at a time (the History at each entry) shortens its slider: a
    new look at each row, made of kept pictures. Whether the style is Fusion, the bar's
    orientation and where its groove ends are the same for every look of the bar: read with
    the bar, not asked at each new look (some 7 calls into Qt less a look); the bar looks as
    the style draws it."""
    bar = SteadyScrollBar(Qt.Orientation.Vertical)
    style = StyleAsked()
    bar.setStyle(style)
    unders = [shown(qtbot, bar)]  # (kept: they hold the bars)
    bar.setPageStep(6)
    bar.setRange(0, 10)
    bar.repaint()
    style.asked = 0
    looks = set()
    for maximum in range(11, 30):
        bar.setRange(0, maximum)
        bar.repaint()
        looks.add(bar.look())
    assert len(looks) > 10 and style.asked == 0
    plain = QScrollBar(Qt.Orientation.Vertical)
    unders.append(shown(qtbot, plain))
    plain.setPageStep(6)
    plain.setRange(0, 29)
    assert [under.grab().toImage() for under in unders].count(unders[0].grab().toImage()) == 2
