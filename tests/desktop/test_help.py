"""F1 opens a short how-to (select, label, link, review, adjudicate, export) whose keys are the
window's own, with the shortcut list on the next page."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from window_helpers import open_samples_window

from desktop.help_dialog import HelpDialog, Page
from desktop.howto import STEPS, unknown_actions

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, tmp_path: Path):
    win = open_samples_window(qtbot, tmp_path)
    yield win
    win.service.store.close()


def shown_by(qtbot, window, key: Qt.Key) -> tuple[int, str, int]:
    """Press ``key`` in the window; the help dialog's page, how-to text and shortcut rows."""
    seen: list[tuple[int, str, int]] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, HelpDialog)
        seen.append((dialog.pages.currentIndex(), dialog.howto.toPlainText(),
                     dialog.shortcuts.table.rowCount()))
        dialog.reject()

    QTimer.singleShot(100, look)
    qtbot.keyClick(window.editor.view, key)
    qtbot.waitUntil(lambda: bool(seen))
    return seen[0]


def test_f1_opens_the_how_to_with_the_windows_own_keys(window, qtbot):
    page, text, rows = shown_by(qtbot, window, Qt.Key.Key_F1)
    assert page == Page.HOWTO
    assert [title for title, _ in STEPS] == ["Select", "Label", "Link", "Suggest", "Assign",
                                             "Review", "Adjudicate", "Export"]
    for title, _ in STEPS:
        assert f"{title}." in text
    assert "press L, then click" in text  # {Link from span…} became the link key
    assert "Tab walks them, Return puts one into your layer" in text
    assert "X hides it for you" in text and "Span panel: Shift+F" in text
    assert "Ctrl+Shift+E" in text and "Ctrl+E" in text and "Alt+Down" in text
    assert "{" not in text
    assert "Team → Assign documents…" in text
    assert rows > 30  # the shortcut list is the next page


def test_every_action_the_how_to_names_exists(window):
    assert unknown_actions(window) == []
    window.editor.link_action.setText("Start a link")  # renamed: the how-to must follow
    assert unknown_actions(window) == ["Link from span…"]


def test_the_shortcut_list_is_still_one_click_away(window, qtbot):
    help_menu = window.menuBar().actions()[-1].menu()
    entry = next(a for a in help_menu.actions() if a.text() == "&Keyboard shortcuts…")
    seen: list[int] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, HelpDialog)
        seen.append(dialog.pages.currentIndex())
        dialog.reject()

    QTimer.singleShot(100, look)
    entry.trigger()
    assert seen == [Page.SHORTCUTS]
