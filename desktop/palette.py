"""The label palette dock: the schema's labels grouped by category, each with its colour and
hotkey; a click labels the selection (or relabels the selected span)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotate.schema import Category, Label
from desktop.plain import NAME, mnemonic, tooltip
from desktop.service import Service
from desktop.textview.paint import TINT_ALPHA

GROUPS: tuple[tuple[Category, str], ...] = (
    ("claim", "Claims"), ("denial", "Denials"), ("entity", "Entities"), ("other", "Other"))


def swatch(label: Label, size: int = 14) -> QIcon:
    """A colour chip that also shows the category without colour, as the text view marks it:
    claims filled, denials framed over a faint tint, entities underlined."""
    return QIcon(swatch_pixmap(label, size))


def swatch_pixmap(label: Label, size: int) -> QPixmap:
    """:func:`swatch`'s picture, ``size`` wide and high, drawn at the screen's pixel ratio so
    that it stays sharp on a high-DPI screen."""
    app = QGuiApplication.instance()
    ratio = app.devicePixelRatio() if isinstance(app, QGuiApplication) else 1.0  # the highest
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    color = QColor(label.color)
    painter.setPen(color.darker(140))
    if label.category == "claim":
        painter.setBrush(color)
        painter.drawRect(1, 1, size - 3, size - 3)
    elif label.category == "denial":
        tint = QColor(color)
        tint.setAlpha(TINT_ALPHA)
        painter.setBrush(tint)
        painter.drawRect(1, 1, size - 3, size - 3)
    else:
        painter.fillRect(1, size - 5, size - 2, 4, color)
    painter.end()
    return pixmap


class Palette(QDockWidget):
    """Buttons per label, rebuilt when the schema changes."""

    def __init__(self, service: Service, apply_label: Callable[[str], None],
                 edit_schema: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__("Labels", parent)
        self.setObjectName("palette")
        self.service = service
        self._apply = apply_label
        self.buttons: dict[str, QToolButton] = {}
        self.body = QWidget()
        self.layout_ = QVBoxLayout(self.body)
        self.layout_.setContentsMargins(6, 4, 6, 4)
        self.layout_.setSpacing(2)
        self.edit = QPushButton("Edit schema…")
        self.edit.clicked.connect(edit_schema)
        scroll = QScrollArea()  # a long schema, or a small screen, scrolls the labels
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.body)
        self.setWidget(scroll)
        service.hub.schemaChanged.connect(self.rebuild)
        service.hub.storeChanged.connect(self.rebuild)
        self.rebuild()

    def rebuild(self) -> None:
        while self.layout_.count():
            item = self.layout_.takeAt(0)
            widget = item.widget()
            if widget is not None and widget is not self.edit:
                widget.deleteLater()
        self.buttons.clear()
        groups = self.service.schema().by_category()
        number = {label.name: i for i, label in enumerate(self.service.schema().labels, 1)}
        for category, title in GROUPS:
            if category not in groups:
                continue
            heading = QLabel(title)
            heading.setTextFormat(Qt.TextFormat.PlainText)
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
            self.layout_.addWidget(heading)
            for label in groups[category]:
                self.layout_.addWidget(self._button(label, number[label.name]))
        self.layout_.addSpacing(6)
        self.layout_.addWidget(self.edit)
        self.layout_.addStretch(1)

    def _button(self, label: Label, number: int) -> QToolButton:
        button = QToolButton()
        keys = [k for k in (label.hotkey, str(number) if number <= 9 else None) if k]
        name = mnemonic(label.name, NAME)
        button.setText(f"{name}   [{' / '.join(keys)}]" if keys else name)
        button.setIcon(swatch(label))
        button.setIconSize(QSize(14, 14))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setAutoRaise(True)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        button.setToolTip(tooltip(label.description or label.name))
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(lambda _checked=False, name=label.name: self._apply(name))
        self.buttons[label.name] = button
        return button
