"""A form's caption painted from a kept picture (desktop/caption.py) looks as Qt's label of
the same text, and draws its text again only when something it shows changed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QAccessible, QFont, QPalette
from PySide6.QtWidgets import QApplication, QFormLayout, QLabel, QLineEdit, QScrollArea, QWidget

from desktop.caption import Caption, KeptCaptions, right_to_left
from desktop.plain import plain_label

pytestmark = pytest.mark.gui

CAPTIONS = ("Label", "Offsets", "Proposed figure", "Note", "שלום עולם", "Примечание",
            "\u2066abc\u2069 שלום", "\u2067שלום\u2069 abc")
"""(The last two begin with an isolate: their direction is that of what follows it.)"""


def form(qtbot, captions: bool, selectable: bool = False) -> tuple[QScrollArea, list[Caption]]:
    """A form in a scroll area (as the Span panel's), its rows captioned by :class:`Caption`
    or by the layout's own labels (``selectable``: by selectable plain labels)."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    body = QWidget()
    layout = QFormLayout(body)
    kept = []
    for text in CAPTIONS:
        field = QLineEdit("x")
        field.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no focus frame to tell them apart
        if captions:
            kept.append(Caption(text))
            layout.addRow(kept[-1], field)
        elif selectable:
            layout.addRow(plain_label(text), field)
        else:
            layout.addRow(text, field)
    scroll.setWidget(body)
    scroll.resize(320, 260)
    qtbot.addWidget(scroll)
    scroll.show()
    qtbot.waitExposed(scroll)
    return scroll, kept


def test_captions_look_as_the_layouts_labels(qtbot):
    plain, _ = form(qtbot, captions=False)
    kept, captions = form(qtbot, captions=True)
    assert kept.grab().toImage() == plain.grab().toImage()
    captions[1].setEnabled(False)
    plain.widget().layout().itemAt(1, QFormLayout.ItemRole.LabelRole).widget().setEnabled(False)
    assert kept.grab().toImage() == plain.grab().toImage()


def test_captions_look_as_the_selectable_labels_of_a_labels_fields(qtbot):
    """(The Span panel's pages of a label's fields were captioned by selectable labels.) A
    text beginning with an isolate is laid out by the selectable label's document otherwise:
    a caption shows it as the form's own captions do (see the test above)."""
    plain, _ = form(qtbot, captions=False, selectable=True)
    kept, captions = form(qtbot, captions=True)
    isolated = captions[CAPTIONS.index("\u2066abc\u2069 שלום")]
    above = QRect(0, 0, kept.width(), isolated.mapTo(kept, QPoint(0, 0)).y())
    assert kept.grab(above).toImage() == plain.grab(above).toImage()


def test_a_caption_draws_its_text_once_while_nothing_it_shows_changes(qtbot, monkeypatch):
    scroll, captions = form(qtbot, captions=True)
    drawn = []
    real = Caption._drawn
    monkeypatch.setattr(Caption, "_drawn", lambda self, ratio: drawn.append(self.text()) or
                        real(self, ratio))
    scroll.grab()  # each caption's picture drawn, if not at its first paint already
    drawn.clear()
    asked = []

    def profile(frame, event: str, arg: object) -> None:  # the picture's pixel ratio is
        if event == "c_call" and frame.f_code.co_filename.endswith("caption.py") and \
                getattr(arg, "__name__", "") == "devicePixelRatio":  # kept with it (a call
            asked.append(arg)  # into Qt at each paint, ~4 K instructions)

    sys.setprofile(profile)
    try:
        scroll.grab()
    finally:
        sys.setprofile(None)
    assert drawn == [] and asked == []
    note = captions[3]
    note.setText("Notes")
    font = QFont(note.font())
    font.setPointSize(font.pointSize() + 3)
    captions[0].setFont(font)
    palette = QPalette(captions[2].palette())
    palette.setColor(QPalette.ColorRole.WindowText, Qt.GlobalColor.red)
    captions[2].setPalette(palette)
    scroll.grab()
    assert sorted(drawn) == sorted(["Notes", "Label", "Proposed figure"])


def test_a_texts_direction_is_its_first_strong_characters():
    assert right_to_left("שלום") and right_to_left("12 שלום abc")
    assert not right_to_left("abc שלום") and not right_to_left("") and not right_to_left("12")
    # what an isolate (LRI, RLI or FSI up to its PDI) holds does not count
    assert right_to_left("\u2066abc\u2069 שלום") and right_to_left("\u2068\u2067a\u2069b\u2069ש")
    assert not right_to_left("\u2067שלום\u2069 abc") and not right_to_left("\u2067שלום")


def test_a_caption_of_a_field_shows_its_ampersands_as_the_layouts_label(qtbot):
    """A caption with a buddy draws ``&`` as Qt's label does (a mnemonic, ``&&`` one ``&``):
    the Span panel escapes a name's, so ``R&D`` is shown, not taken as Alt+D."""
    texts = ("R&&D", "&Note", "a && b")
    pictures = []
    for own in (True, False):
        body = QWidget()
        layout = QFormLayout(body)
        for text in texts:
            field = QLineEdit("x")
            field.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            if own:
                layout.addRow(text, field)
            else:
                caption = Caption(text)
                caption.setBuddy(field)
                layout.addRow(caption, field)
        body.resize(240, 120)
        qtbot.addWidget(body)
        body.show()
        qtbot.waitExposed(body)
        pictures.append(body.grab().toImage())
    assert pictures[0] == pictures[1]


@pytest.mark.parametrize("selectable", [False, True])
def test_a_word_wrapped_caption_looks_as_qts_wrapped_label(qtbot, selectable):
    """(The Span panel's note for no span was a selectable label, word-wrapped: laid out in
    a document at each paint.) At widths that wrap it on two, three and four lines."""
    text = "Select a span in the text (click it, or press Tab)."
    for width in (260, 160, 110):
        pictures = []
        for label in (Caption(text), plain_label(text) if selectable else QLabel(text)):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            label.setAutoFillBackground(True)
            label.resize(width, 90)
            qtbot.addWidget(label)
            label.show()
            qtbot.waitExposed(label)
            pictures.append(label.grab().toImage())
        assert pictures[0] == pictures[1], width


def test_a_caption_shown_then_aligned_or_wrapped_anew_looks_as_qts_label(qtbot):
    """Its alignment and word wrap are part of its picture: changed after a paint, the caption
    draws its text again (it kept the picture of the alignment and wrap it was first shown with)."""
    text = "Select a span in the text (click it, or press Tab)."
    labels = (Caption(text), QLabel(text))
    for label in labels:
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setAutoFillBackground(True)
        label.resize(160, 90)
        qtbot.addWidget(label)
        label.show()
        qtbot.waitExposed(label)
        label.grab()  # painted once as it was made
    for change in (lambda label: label.setAlignment(Qt.AlignmentFlag.AlignRight),
                   lambda label: label.setWordWrap(True)):
        for label in labels:
            change(label)
        assert labels[0].grab().toImage() == labels[1].grab().toImage()


class PaintSpy(QObject):
    """Notes the widgets it watches that get a paint event."""

    def __init__(self, painted: list[QObject]) -> None:
        super().__init__()
        self.painted = painted

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.painted.append(watched)
        return False


def captioned_form(texts: tuple[str, ...], margin: int | None = None
                   ) -> tuple[QWidget, list[Caption], KeptCaptions]:
    """A form of captioned rows (contents margins ``margin``, else the style's), its captions
    shown by a :class:`KeptCaptions`; not yet shown."""
    body = QWidget()
    body.setAutoFillBackground(True)
    layout = QFormLayout(body)
    if margin is not None:
        layout.setContentsMargins(margin, margin, margin, margin)
    captions = [Caption(text) for text in texts]
    for caption in captions:
        field = QLineEdit("x")
        field.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        caption.setBuddy(field)
        layout.addRow(caption, field)
    return body, captions, KeptCaptions(captions)


def captions_column(qtbot) -> tuple[QWidget, list[Caption], KeptCaptions]:
    """A form of three captioned rows, its captions shown by a :class:`KeptCaptions`."""
    body, captions, kept = captioned_form(("Label", "Offsets", "שלום עולם"))
    body.resize(260, 120)
    qtbot.addWidget(body)
    body.show()
    qtbot.waitExposed(body)
    return body, captions, kept


def looks_as_the_captions_painting_themselves(body: QWidget, kept: KeptCaptions) -> bool:
    shown = body.grab().toImage()
    kept.hide()
    try:
        return body.grab().toImage() == shown
    finally:
        kept.show()


def test_kept_captions_look_as_the_captions_and_follow_them(qtbot):
    """Over the captions, pixel for pixel as they paint themselves, after a new text, palette,
    font, width or place of theirs, and one hidden; the captions under it get no paint event."""
    body, captions, kept = captions_column(qtbot)
    paints = []
    spy = PaintSpy(paints)
    for caption in captions:
        caption.installEventFilter(spy)

    def unpainted() -> bool:
        paints.clear()
        body.grab()
        return paints == []

    assert unpainted() and looks_as_the_captions_painting_themselves(body, kept)
    font = QFont(captions[0].font())
    font.setPointSize(font.pointSize() + 4)
    palette = QPalette(captions[2].palette())
    palette.setColor(QPalette.ColorRole.WindowText, Qt.GlobalColor.red)
    for change in (lambda: captions[1].setText("Offsetz"),  # (as wide: nothing moves)
                   lambda: captions[2].setPalette(palette),
                   lambda: captions[1].setText("Offsets of the span"),
                   lambda: captions[0].setFont(font),
                   lambda: body.resize(300, 160),
                   lambda: captions[2].hide()):
        change()
        qtbot.wait(10)
        assert unpainted() and looks_as_the_captions_painting_themselves(body, kept)


def test_kept_captions_are_hidden_while_a_screen_reader_is_active(qtbot):
    """(Told of as an unnamed part of the form otherwise.) The captions paint themselves."""
    QAccessible.setActive(True)
    try:
        _body, captions, kept = captions_column(qtbot)
        captions[0].setText("Label of the span")
        assert kept.isHidden()
    finally:
        QAccessible.setActive(False)


def test_kept_captions_are_drawn_again_at_a_new_pixel_ratio(qtbot, monkeypatch):
    """(Qt tells it each widget, to no change handler.)"""
    body, _captions, kept = captions_column(qtbot)
    drawn = []
    real = KeptCaptions.redraw
    monkeypatch.setattr(KeptCaptions, "redraw", lambda self: drawn.append(self) or real(self))
    for widget in (body, *body.findChildren(QWidget)):
        QApplication.sendEvent(widget, QEvent(QEvent.Type.DevicePixelRatioChange))
    assert drawn and looks_as_the_captions_painting_themselves(body, kept)


KEPT_AT_SCALE = """
from PySide6.QtWidgets import QApplication
from tests.desktop.test_caption import captioned_form
app = QApplication([])
for place in (5, 6):
    body, captions, kept = captioned_form(("Label", "Offsets", "Text"), place)
    body.resize(200, 110)
    body.show()
    app.processEvents()
    shown = body.grab().toImage()
    kept.hide()
    print(place, body.grab().toImage() == shown)
"""


@pytest.mark.parametrize("scale", ["1.25", "1.5", "2"])
def test_kept_captions_look_as_the_captions_at_any_scale_and_place(scale):
    """(A picture copied at a place between the screen's pixels: 5 points at 1.25 are 6.25
    pixels.) The captions paint their own pictures at the same places."""
    env = {**os.environ, "QT_SCALE_FACTOR": scale, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run([sys.executable, "-c", KEPT_AT_SCALE], capture_output=True,
                          text=True, env=env, timeout=120, check=True)
    assert done.stdout.split("\n")[:2] == ["5 True", "6 True"], done.stdout
