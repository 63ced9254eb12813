"""The status bar's counts at each key press: a text shown again is copied from its kept
picture, not laid out again, and measured once (desktop/kept_label.py); what is on screen is
what Qt's label paints."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QImage
from PySide6.QtWidgets import QLabel, QWidget
from window_helpers import TextsDrawn, open_document_window, select

from desktop.main_window import MainWindow

pytestmark = pytest.mark.gui

TEXT = "The army denied that the convoy was ambushed near Kidal on the road north. " * 4
PRESSES = ((Qt.Key.Key_C, Qt.KeyboardModifier.NoModifier),  # a claim: one span more
           (Qt.Key.Key_D, Qt.KeyboardModifier.NoModifier),  # relabelled
           (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),  # the relabel undone
           (Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier))  # deleted: as before


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    win = open_document_window(qtbot, tmp_path, TEXT)
    qtbot.waitUntil(lambda: not win.status.counting)
    yield win
    win.service.store.close()


def press_round(qtbot, window: MainWindow, at: int, after=lambda: None) -> None:
    """Make, relabel, undo and delete a span at ``at``, calling ``after`` after each."""
    select(window, at, at + 5)
    for key, modifiers in PRESSES:
        qtbot.keyClick(window.editor.view, key, modifiers)
        qtbot.wait(10)
        after()


def test_counts_shown_again_are_copied_not_laid_out(window, qtbot):
    """A span made and deleted turns the counts to a text and back: Qt's label laid each out
    and drew it at each paint (~0.18 M instructions); the second time a text is shown its
    picture is kept, and copied from then on."""
    progress = window.status.progress
    style = TextsDrawn()
    progress.setStyle(style)
    for at in (4, 21):  # each text shown once by Qt's label, then drawn once to be kept
        press_round(qtbot, window, at)
    shown = set(style.texts)
    assert any("1 spans" in text for text in shown) and any("0 spans" in text for text in shown)
    style.texts.clear()
    texts = set()
    for at in (36, 50, 4):
        press_round(qtbot, window, at, lambda: texts.add(progress.text()))
    assert len(texts) == 2 and style.texts == []


def test_counts_are_measured_once_for_each_text(window, qtbot):
    """Whether new counts fit the label was measured at each press (their advance, ~0.07 M
    instructions); each text is measured once."""
    progress = window.status.progress
    press_round(qtbot, window, 4)
    asked = []
    metrics = progress.fontMetrics()
    progress.fontMetrics = lambda: asked.append(1) or metrics  # (Python asks the instance's)
    try:
        for at in (21, 36):
            press_round(qtbot, window, at)
    finally:
        del progress.fontMetrics
    assert progress.text().endswith("0 spans · saved") and asked == []


def on_screen(widget: QWidget) -> QImage:
    """What the window's backing store holds for ``widget``."""
    origin = widget.mapTo(widget.window(), widget.rect().topLeft())
    return widget.screen().grabWindow(widget.window().winId(), origin.x(), origin.y(),
                                      widget.width(), widget.height()).toImage()


def test_counts_on_screen_are_what_qts_label_paints(window, qtbot):
    """After each press, laid out or copied, the counts on screen are pixel for pixel what
    a label of Qt's paints of the same text at the same size."""
    progress = window.status.progress
    label = QLabel(window.status)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAlignment(progress.alignment())
    label.setAutoFillBackground(True)
    label.hide()
    compared = []

    def compare() -> None:
        label.setText(progress.text())
        label.resize(progress.size())
        wanted = label.grab().toImage()
        assert on_screen(progress).convertToFormat(wanted.format()) == wanted, progress.text()
        compared.append(progress.text())

    for at in (4, 21, 36, 50):
        press_round(qtbot, window, at, compare)
    assert len(set(compared)) == 2
    assert QFontMetrics(progress.font()).horizontalAdvance(compared[-1]) < progress.width()


def test_a_label_realigned_drops_its_kept_pictures(qtbot):
    """A kept picture holds its text where the alignment put it: a new alignment draws the
    text anew, where Qt's label draws it."""
    from desktop.kept_label import KeptLabel

    under = QWidget()
    under.resize(300, 30)
    kept, plain = KeptLabel(under), QLabel(under)
    plain.setTextFormat(Qt.TextFormat.PlainText)
    for label in (kept, plain):
        label.setText("3 of 6 done")
        label.setAutoFillBackground(True)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        label.resize(300, 30)
    qtbot.addWidget(under)
    with qtbot.waitExposed(under):
        under.show()
    for text in ("4 of 6 done", "3 of 6 done", "4 of 6 done", "3 of 6 done"):
        kept.setText(text)
        kept.repaint()  # (each shown once by Qt's label, then kept; then copied)
    assert kept.grab().toImage() == plain.grab().toImage()
    for alignment in (Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignHCenter):
        for label in (kept, plain):
            label.setAlignment(alignment | Qt.AlignmentFlag.AlignVCenter)
        kept.repaint()
        assert kept.grab().toImage() == plain.grab().toImage()
