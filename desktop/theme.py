"""Light and dark: the window follows the system's colour scheme (Qt's style hints, which tell
when it changes), unless View → Theme picks one (kept in QSettings). Each theme is a full
palette of Qt's Fusion style, so every widget that draws with palette roles follows; the text
view's label fills are made readable against the palette's base (:mod:`desktop.contrast`)."""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QActionGroup, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QStyleFactory, QWidget

Scheme = Literal["light", "dark"]
CHOICES = (("system", "Follow the &system"), ("light", "&Light"), ("dark", "&Dark"))
SETTING = "theme"
STYLE = "Fusion"

_Role, _Group = QPalette.ColorRole, QPalette.ColorGroup
DARK = {
    _Role.Window: "#2B2B2B", _Role.WindowText: "#E6E6E6", _Role.Base: "#1E1E1E",
    _Role.AlternateBase: "#272727", _Role.Text: "#E6E6E6", _Role.Button: "#353535",
    _Role.ButtonText: "#E6E6E6", _Role.BrightText: "#FF6E6E", _Role.Highlight: "#2F6DB5",
    _Role.HighlightedText: "#FFFFFF", _Role.ToolTipBase: "#3B3A2C", _Role.ToolTipText: "#F2F2F2",
    _Role.PlaceholderText: "#9A9A9A", _Role.Link: "#7CB9F2", _Role.LinkVisited: "#C39BE6",
    _Role.Light: "#4A4A4A", _Role.Midlight: "#3E3E3E", _Role.Mid: "#2E2E2E",
    _Role.Dark: "#191919", _Role.Shadow: "#0A0A0A",
}
"""The dark palette (active and inactive); disabled text is dimmed from it."""
DISABLED = "#808080"


def system_scheme() -> Scheme:
    """The system's colour scheme as Qt reads it (light when it does not say)."""
    hints = QGuiApplication.styleHints()
    return "dark" if hints.colorScheme() == Qt.ColorScheme.Dark else "light"


def palette(scheme: Scheme) -> QPalette:
    """The full palette of ``scheme`` for the Fusion style."""
    style = QStyleFactory.create(STYLE)
    result = QPalette(style.standardPalette())
    if scheme == "dark":
        for role, color in DARK.items():
            result.setColor(role, QColor(color))
        for role in (_Role.WindowText, _Role.Text, _Role.ButtonText, _Role.HighlightedText):
            result.setColor(_Group.Disabled, role, QColor(DISABLED))
    return result


class Theme(QObject):
    """The theme chosen (``system``, ``light`` or ``dark``) and the scheme in use."""

    def __init__(self, app: QApplication, settings: QSettings) -> None:
        super().__init__(app)
        self.app = app
        self.settings = settings
        choice = str(settings.value(SETTING, "system"))
        self.choice = choice if choice in dict(CHOICES) else "system"
        self.scheme: Scheme = "light"
        app.setStyle(STYLE)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_changed)
        self.apply()

    def choose(self, choice: str) -> None:
        """Use ``choice`` from now on (and at the next start)."""
        self.choice = choice
        self.settings.setValue(SETTING, choice)
        self.apply()

    def apply(self) -> None:
        self.scheme = system_scheme() if self.choice == "system" else self.choice  # type: ignore[assignment]
        self.app.setPalette(palette(self.scheme))

    def _system_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.choice == "system":
            self.apply()

    def menu(self, parent: QWidget) -> QMenu:
        """View → Theme: the three choices, the one in use checked."""
        menu = QMenu("&Theme", parent)
        group = QActionGroup(menu)
        for choice, text in CHOICES:
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(choice == self.choice)
            action.triggered.connect(lambda _checked=False, c=choice: self.choose(c))
            group.addAction(action)
        return menu
