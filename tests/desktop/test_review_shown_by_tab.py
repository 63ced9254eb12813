"""The Review dock brought in front by its tab in the window's dock tab bar, after another
dock made behind it (History) was shown first: its Adjudication tab aligns the document then,
not only once something else changes (it stayed empty: its catch-up ran while the dock it
replaced still covered it)."""

from pathlib import Path

import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTabBar
from window_helpers import aligned, open_samples_window

from desktop.main_window import MainWindow
from desktop.review.adjudication_tab import AdjudicationTab

pytestmark = pytest.mark.gui


def dock_tabs(window: MainWindow) -> tuple[QTabBar, list[str]]:
    """The window's tab bar that holds the Review dock's tab, and its tabs' texts."""
    for bar in window.findChildren(QTabBar):
        names = [bar.tabText(i) for i in range(bar.count())]
        if bar.parent() is window and "Review" in names:
            return bar, names
    raise AssertionError("no dock tab bar holds the Review dock")


@pytest.mark.parametrize("first", ["History", "Ledger", "Dashboard", "Spans"])
def test_the_review_tab_brought_in_front_after_another_shows_its_items(qtbot, tmp_path: Path,
                                                                        first: str) -> None:
    window = open_samples_window(qtbot, tmp_path)
    bar, names = dock_tabs(window)
    bar.setCurrentIndex(names.index(first))
    QTest.qWait(200)
    bar.setCurrentIndex(names.index("Review"))
    tab = window.review.findChild(AdjudicationTab)
    assert tab is not None
    qtbot.waitUntil(lambda: tab.progress_text.text() != "", timeout=5_000)
    assert not aligned(qtbot, tab).visibleRegion().isEmpty()
    assert tab._current(), "the items shown are not the current document's"
    window.service.store.close()


def test_the_review_dock_made_when_first_shown_keeps_the_windows_layout(qtbot,
                                                                      tmp_path: Path) -> None:
    # its pages are made when the dock is first shown; a stand-in holds their least height
    # till then, so the bottom area opens as high as the whole dock needs (without it, the
    # window opened 16 px lower there and the text view shrank when Review was first shown)
    window = open_samples_window(qtbot, tmp_path)
    assert not window.review.deferred.done
    bottom, text = window.spans.height(), window.editor.view.height()
    least = window.review.minimumSizeHint().height()
    bar, names = dock_tabs(window)
    bar.setCurrentIndex(names.index("Review"))
    tab = window.review.findChild(AdjudicationTab)
    assert tab is not None and window.review.deferred.done
    qtbot.waitUntil(lambda: tab.progress_text.text() != "", timeout=5_000)
    assert window.review.tabs.currentWidget() is tab
    assert (window.review.height(), window.editor.view.height()) == (bottom, text)
    assert window.review.minimumSizeHint().height() == least  # neither more nor less room
