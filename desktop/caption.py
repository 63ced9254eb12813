"""A form's caption drawn once and copied at each paint after.

A :class:`QLabel` lays its text out again at every paint (some 0.06 M instructions a
caption): each span made after none uncovered the Span panel's form and painted its captions
that way, and a selectable label laid its text out in a document at each paint (the panel's
note for no span, at each span deleted). A :class:`Caption` keeps the picture of its text
over its background colour (the window's, as under it) and copies it while its text, size,
font, palette, state and pixel ratio stay the same, drawn as Qt's label draws plain text, on
one line or word-wrapped. A column of captions can be shown in one copy by a
:class:`KeptCaptions` over them, not each by a paint event of its own written in Python.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import (
    QAccessible,
    QBrush,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QFormLayout, QLabel, QStyle, QWidget

from desktop.plain import NAME, mnemonic

REDRAWN = frozenset({QEvent.Type.FontChange, QEvent.Type.PaletteChange,
                     QEvent.Type.EnabledChange, QEvent.Type.StyleChange,
                     QEvent.Type.LayoutDirectionChange})
"""Changes that make the kept picture stale."""


class Caption(QLabel):
    """A label of plain text (on one line or word-wrapped), with no frame, margin or indent
    (what a :class:`QFormLayout` makes of a row's caption), painted from a kept picture: its text
    over its background colour, for a caption over a parent of that colour (not declared
    opaque, so Qt neither fills it first nor takes it out of what its parent paints)."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._look: QPixmap | None = None
        self._ratio = 0.0
        """The pixel ratio :attr:`_look` was drawn at (kept: asking the picture for it, at
        each paint, was a call into Qt, ~4 K instructions)."""
        self.kept_by: KeptCaptions | None = None
        """The widget showing the caption's picture over it, if any."""

    def setText(self, text: str) -> None:
        self._look = None
        super().setText(text)
        self._stale()

    def setAlignment(self, alignment: Qt.AlignmentFlag) -> None:
        self._restyled()
        super().setAlignment(alignment)

    def setWordWrap(self, on: bool) -> None:
        self._restyled()
        super().setWordWrap(on)

    def setBuddy(self, buddy: QWidget | None) -> None:
        self._restyled()  # (a buddy's caption shows its ``&`` as Qt's label does)
        super().setBuddy(buddy)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in REDRAWN:
            self._restyled()
        super().changeEvent(event)

    def _restyled(self) -> None:
        """How the text is drawn changed (alignment, wrap, buddy, font, palette, style,
        state, direction): what was drawn of it is stale."""
        self._look = None
        self._stale()

    def _stale(self) -> None:
        """The caption's picture is stale: so is that of the :class:`KeptCaptions` over it."""
        if self.kept_by is not None:
            self.kept_by.redraw()

    def look(self, ratio: float) -> QPixmap:
        """The caption's picture at pixel ratio ``ratio`` (kept)."""
        if self._look is None or self._ratio != ratio:
            self._look = self._drawn(ratio)
            self._ratio = ratio
        return self._look

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._look = None
        super().resizeEvent(event)
        self._stale()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self.look(self.devicePixelRatioF()))
        painter.end()

    def _drawn(self, ratio: float) -> QPixmap:
        """The caption as :class:`QLabel` paints it, at pixel ratio ``ratio``."""
        look = QPixmap(self.size() * ratio)
        look.setDevicePixelRatio(ratio)
        palette = self.palette()
        look.fill(palette.color(self.backgroundRole()))
        text = self.text()
        backwards = right_to_left(text)  # the text's own direction, as the label goes by
        direction = Qt.LayoutDirection.RightToLeft if backwards else \
            Qt.LayoutDirection.LeftToRight
        flags = QStyle.visualAlignment(direction, self.alignment()).value | (
            Qt.TextFlag.TextForceRightToLeft if backwards
            else Qt.TextFlag.TextForceLeftToRight).value
        if self.wordWrap():
            flags |= Qt.TextFlag.TextWordWrap.value
        style = self.style()
        if self.buddy() is not None and "&" in text:  # a mnemonic, as QLabel draws it
            flags |= Qt.TextFlag.TextShowMnemonic.value
            if not style.styleHint(QStyle.StyleHint.SH_UnderlineShortcut, None, self):
                flags |= Qt.TextFlag.TextHideMnemonic.value
        painter = QPainter(look)
        try:
            style.drawItemText(painter, self.contentsRect(), flags, palette, self.isEnabled(),
                               text, self.foregroundRole())
        finally:
            painter.end()
        return look


class KeptCaptions(QWidget):
    """An opaque widget lying over ``captions`` (children of one widget, in a column of
    theirs: nothing else of it lies between or beside them) and showing their pictures: its
    background is a picture of them over the window's colour, which Qt copies, and the
    captions under it, covered, get no paint event. Each caption painted itself from its
    picture in a paint event written in Python, called through the bindings (~20 K
    instructions a caption): the Span panel's form, uncovered at each span made after none,
    painted three so. The picture is drawn again when a caption's text, look, place or size
    changes. The captions stay what a screen reader is told of (this widget is told as an
    unnamed part of their parent, as a layout's spacing is not); while a reader is active it
    is hidden and the captions paint themselves (checked at each redraw: a reader started
    later finds it at the next)."""

    def __init__(self, captions: list[Caption]) -> None:
        super().__init__(captions[0].parentWidget())
        self._captions = captions
        self._drawing = False  # (the picture given: its palette change is this widget's)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAutoFillBackground(True)
        for caption in captions:
            caption.kept_by = self
            caption.installEventFilter(self)
        self.raise_()
        self.redraw()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _MOVED:
            self.redraw()
        return False

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in REDRAWN and not self._drawing:
            self.redraw()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        self.redraw()
        super().showEvent(event)

    def redraw(self) -> None:
        """Lie over the captions, showing their pictures as they are now (once their parent
        is shown: a form is laid out several times before)."""
        if not self.parentWidget().isVisible():
            return
        if QAccessible.isActive():
            self.hide()
            return
        shown = [caption for caption in self._captions if not caption.isHidden()]
        area = QRect()
        for caption in shown:
            area = area.united(caption.geometry())
        ratio = self.devicePixelRatioF()
        look = QPixmap(area.size() * ratio)
        look.setDevicePixelRatio(ratio)
        look.fill(self.parentWidget().palette().color(QPalette.ColorRole.Window))
        painter = QPainter(look)
        try:
            for caption in shown:
                painter.drawPixmap(caption.pos() - area.topLeft(), caption.look(ratio))
        finally:
            painter.end()
        palette = self.palette()
        palette.setBrush(QPalette.ColorRole.Window, QBrush(look))
        self._drawing = True
        try:
            self.setPalette(palette)
        finally:
            self._drawing = False
        self.setGeometry(area)
        self.setVisible(bool(shown))


_MOVED = frozenset({QEvent.Type.Move, QEvent.Type.Show, QEvent.Type.Hide,
                    QEvent.Type.DevicePixelRatioChange, QEvent.Type.ScreenChangeInternal})
"""A caption's events that change where the captions lie or the pixel ratio of the picture
(Qt sends these to each widget, and to no change handler; a caption tells its new picture
itself: :meth:`Caption._stale`)."""


def add_named_row(form: QFormLayout, name: str, field: QWidget, kept: bool = False) -> QLabel:
    """Add ``field``'s row to ``form``, captioned by ``name`` from the data (an attribute's):
    shown as written on one line, cut (no markup rendered, an ``&`` no shortcut key: the
    layout's own caption of a string is a rich-text label with a mnemonic), its buddy
    ``field`` as the layout's own. ``kept``: a :class:`Caption`, for a form over the window's
    colour only (a group box in a tab page is lighter: its picture would show as a patch)."""
    caption = (Caption if kept else QLabel)(mnemonic(name, NAME))
    caption.setTextFormat(Qt.TextFormat.PlainText)
    caption.setBuddy(field)
    form.addRow(caption, field)
    return caption


_ISOLATES = frozenset({"LRI", "RLI", "FSI"})
"""Bidirectional classes that open an isolate (closed by a PDI)."""


def right_to_left(text: str) -> bool:
    """Whether ``text``'s first strongly directed character outside any isolate (LRI, RLI or
    FSI ... PDI) is written right to left (as Qt's ``QString::isRightToLeft``)."""
    isolated = 0
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in _ISOLATES:
            isolated += 1
        elif kind == "PDI":
            isolated = max(isolated - 1, 0)
        elif not isolated and kind in ("R", "AL", "L"):
            return kind != "L"
    return False
