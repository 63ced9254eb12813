"""Desktop tests never touch the user's own settings, and none leaves a dialog open for the
next one (a modal dialog left open takes the keys and the focus of the tests after it)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QApplication, QDialog


@pytest.fixture(autouse=True)
def private_settings(tmp_path: Path) -> None:
    """QSettings of every test live in its own temporary folder."""
    QStandardPaths.setTestModeEnabled(True)
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "settings"))


@pytest.fixture(autouse=True)
def no_dialog_left_open(qapp: QApplication) -> Iterator[None]:
    """Dialogs a test opened and left open (an import's summary, say) closed after it."""
    yield
    for widget in qapp.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.reject()
