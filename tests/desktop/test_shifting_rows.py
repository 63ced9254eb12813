"""Rows moved on screen, not repainted, when a row comes or goes (issue 17: a span made near the
top of the Spans table repainted every row it shows, and each key press's History entry every
entry, each cell a call of the Python delegate): the view paints the row that came, or the one
uncovered at the bottom, and what it shows is pixel for pixel what a whole repaint draws,
wherever it is scrolled."""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtGui import QImage, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QProxyStyle,
    QScrollBar,
    QStyle,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

from desktop.shifting_rows import ShiftingTableView

pytestmark = pytest.mark.gui
COLUMNS = 3


class Painted(QStyledItemDelegate):
    """Counts the cells painted."""

    cells = 0

    def paint(self, painter, option, index) -> None:
        self.cells += 1
        super().paint(painter, option, index)


class Rows:
    """A shifting view of either kind (a table with its grid, a list: a table without, as
    the History is), its rows put and taken by name."""

    def __init__(self, qtbot, kind: str, rows: int) -> None:
        self.view = ShiftingTableView()
        self.view.setModel(QStandardItemModel(0, COLUMNS))
        self.view.verticalHeader().hide()
        self.view.setShowGrid(kind == "table")
        for n in range(rows):
            self.put(n, f"row {n}")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.painted = Painted(self.view)
        self.view.setItemDelegate(self.painted)
        self.view.resize(360, 260)
        qtbot.addWidget(self.view)
        with qtbot.waitExposed(self.view):
            self.view.show()
        qtbot.wait(20)

    def put(self, row: int, name: str) -> None:
        words = [f"{name} {column}" for column in range(COLUMNS)]
        self.view.model().insertRow(row, [QStandardItem(w) for w in words])

    def take(self, row: int, count: int) -> None:
        self.view.model().removeRows(row, count)

    def rename(self, row: int, name: str) -> None:
        self.view.model().setData(self.view.model().index(row, 0), name)

    def count(self) -> int:
        return self.view.model().rowCount()


def on_screen(widget: QWidget) -> QImage:
    """What the window's backing store holds for ``widget`` (the partial repaints)."""
    origin = widget.mapTo(widget.window(), widget.rect().topLeft())
    return widget.screen().grabWindow(widget.window().winId(), origin.x(), origin.y(),
                                      widget.width(), widget.height()).toImage()


def shows_whole(widget: QWidget) -> bool:
    shown = on_screen(widget)
    return shown == widget.grab().toImage().convertToFormat(shown.format())


def scrolls_as_laid_out(view: QTableView) -> bool:
    """Whether the view's vertical bar is as Qt's layout of the view sets it."""
    bar = view.verticalScrollBar()
    state = (bar.minimum(), bar.maximum(), bar.pageStep(), bar.value())
    QTableView.updateGeometries(view)
    return state == (bar.minimum(), bar.maximum(), bar.pageStep(), bar.value())


@pytest.mark.parametrize("kind", ["table", "list"])
def test_a_row_that_comes_or_goes_paints_one_row(qtbot, kind):
    """A row put near the top, then taken away: one row's cells painted each time (Qt's own
    views repaint every row shown, 24 cells here)."""
    rows = Rows(qtbot, kind, 40)
    for change in (lambda: rows.put(2, "new"), lambda: rows.take(2, 1)):
        rows.painted.cells = 0
        change()
        qtbot.wait(20)
        assert 0 < rows.painted.cells <= 2 * COLUMNS, rows.painted.cells
        assert shows_whole(rows.view.viewport())


@pytest.mark.parametrize("kind", ["table", "list"])
def test_rows_come_and_go_anywhere_and_the_view_shows_them_right(qtbot, kind):
    """Rows put and taken above, inside and below what is shown, several at once, a row
    changed just before, the view scrolled to the top, the middle and the bottom, with a row
    selected: after each change the view on screen is what a whole repaint draws."""
    rows = Rows(qtbot, kind, 60)
    view = rows.view
    chance = random.Random(17)
    bar = view.verticalScrollBar()
    made = 0
    for scrolled in (0, 0.5, 1.0, 0.3):
        bar.setValue(round(bar.maximum() * scrolled))
        qtbot.wait(10)
        for _ in range(12):
            at = chance.randrange(rows.count() + 1)
            count = chance.choice((1, 1, 2))
            if chance.random() < 0.3:
                rows.rename(chance.randrange(rows.count()), f"renamed {made}")
            if chance.random() < 0.5 or rows.count() < 10:
                for n in range(count):
                    made += 1
                    rows.put(at, f"made {made}.{n}")
            else:
                rows.take(min(at, rows.count() - count), count)
            if chance.random() < 0.3:
                view.selectionModel().select(
                    view.model().index(chance.randrange(rows.count()), 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
            qtbot.wait(10)
            assert shows_whole(view.viewport()), (scrolled, at, count, bar.value())
            assert scrolls_as_laid_out(view), (scrolled, at, count, bar.value())


@pytest.mark.parametrize("kind", ["table", "list"])
def test_a_row_that_comes_or_goes_in_a_full_view_is_not_laid_out(qtbot, kind,
                                                                  monkeypatch: pytest.MonkeyPatch):
    """Rows come and go, the view fuller than its viewport before and after: the scroll bar's
    range alone changes, set without Qt's layout of the view (its headers and columns measured
    again, ~0.13 M instructions at each History entry), as that layout sets it; a view that
    becomes short enough to show every row is laid out."""
    rows = Rows(qtbot, kind, 14)
    view = rows.view
    laid = []
    monkeypatch.setattr(view, "updateGeometries",
                        lambda: (laid.append(1), QTableView.updateGeometries(view)))
    for change in (lambda: rows.put(1, "new"), lambda: rows.take(3, 2),
                   lambda: rows.put(rows.count(), "last")):
        laid.clear()  # (a first grab lays the view out)
        change()
        qtbot.wait(20)
        assert laid == []
        assert scrolls_as_laid_out(view)
        assert shows_whole(view.viewport())
    while view.verticalScrollBar().maximum() > 0:
        rows.take(0, 1)
        qtbot.wait(10)
    assert laid and scrolls_as_laid_out(view)


def bar_always_shown(qtbot, kind: str, count: int, monkeypatch: pytest.MonkeyPatch
                     ) -> tuple[Rows, list[int]]:
    """``count`` rows in a view of ``kind`` whose vertical bar is always shown, and the list
    its layouts (``updateGeometries``) are noted in from now on."""
    rows = Rows(qtbot, kind, count)
    view = rows.view
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
    qtbot.wait(20)
    laid: list[int] = []
    monkeypatch.setattr(view, "updateGeometries",
                        lambda: (laid.append(1), QTableView.updateGeometries(view)))
    return rows, laid


@pytest.mark.parametrize("kind", ["table", "list"])
def test_rows_that_come_or_go_under_a_bar_always_shown_are_not_laid_out(
        qtbot, kind, monkeypatch: pytest.MonkeyPatch):
    """The vertical bar always shown (the Spans table's, the History's): rows come and go in a
    view they do not fill, fill it, overflow it and come back within it, and the bar's range
    and page alone change, set as Qt's layout sets them, without that layout (~0.16 M
    instructions at each span made or deleted in a Spans table holding a few); a view whose
    model can fetch more rows is laid out while its last row shows (Qt's layout fetches them)."""
    rows, laid = bar_always_shown(qtbot, kind, 3, monkeypatch)
    view = rows.view
    fit = view.viewport().height() // view.rowHeight(0)
    pages = set()
    for change in [lambda: rows.put(1, "new")] * (fit + 1) + \
            [lambda: rows.take(0, 1)] * 3 + [lambda: rows.put(rows.count(), "last")]:
        laid.clear()
        change()
        qtbot.wait(10)
        assert laid == [], rows.count()
        assert scrolls_as_laid_out(view), rows.count()
        assert shows_whole(view.viewport()), rows.count()
        pages.add(view.verticalScrollBar().pageStep())
    assert len(pages) > 1 and view.verticalScrollBar().maximum() > 0
    monkeypatch.setattr(view.model(), "canFetchMore", lambda _parent: True)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    qtbot.wait(10)
    laid.clear()
    rows.take(rows.count() - 2, 1)
    qtbot.wait(10)
    assert laid and scrolls_as_laid_out(view)


@pytest.mark.parametrize("kind", ["table", "list"])
def test_rows_that_come_or_go_with_more_to_fetch_out_of_view_are_not_laid_out(
        qtbot, kind, monkeypatch: pytest.MonkeyPatch):
    """A model that can fetch more rows (a big document's Spans table, its rows read as it is
    scrolled), its last row out of view: rows come and go, and the bar's range alone changes,
    without Qt's layout, whose fetch would find the last row out of view and fetch nothing
    (~0.1 M instructions at each span made or deleted in a big document); a row that goes
    with the last row in view lays the view out (Qt's layout fetches more rows)."""
    rows, laid = bar_always_shown(qtbot, kind, 40, monkeypatch)
    view = rows.view
    monkeypatch.setattr(view.model(), "canFetchMore", lambda _parent: True)
    for change in (lambda: rows.put(1, "new"), lambda: rows.take(3, 2),
                   lambda: rows.put(rows.count(), "last")):
        laid.clear()
        change()
        qtbot.wait(10)
        assert laid == [], rows.count()
        assert scrolls_as_laid_out(view)
        assert shows_whole(view.viewport())
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.wait(10)
    laid.clear()
    rows.take(rows.count() - 2, 1)
    qtbot.wait(10)
    assert laid and scrolls_as_laid_out(view)


def test_rows_that_come_or_go_ask_qt_for_the_views_parts_once(qtbot, monkeypatch):
    """The view's model, viewport, vertical bar and header, its bar's policy and its scroll
    mode are asked of Qt once, not at each row that comes or goes and the layout after (eleven
    calls into Qt, some 35 K instructions a key press in the Spans table or the History); one
    set anew is asked for again: a new vertical bar gets the range Qt's layout gives it."""
    rows = Rows(qtbot, "table", 40)
    view = rows.view
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
    rows.put(0, "first")
    qtbot.wait(10)
    asked = []

    def counted(name: str):
        real = getattr(view, name)
        return lambda: asked.append(name) or real()

    for name in ("model", "viewport", "verticalScrollBar", "verticalHeader",
                 "verticalScrollBarPolicy", "verticalScrollMode"):
        monkeypatch.setattr(view, name, counted(name))
    for change in (lambda: rows.put(1, "new"), lambda: rows.take(3, 2)):
        change()
        qtbot.wait(10)
        assert scrolls_as_laid_out(view)
    assert asked == ["model", "verticalScrollBar"] * 2  # (the test's own: put, take, check)
    monkeypatch.undo()
    view.setVerticalScrollBar(QScrollBar())
    rows.put(1, "newer")
    qtbot.wait(10)
    assert scrolls_as_laid_out(view) and view.verticalScrollBar().maximum() > 0


def test_a_row_that_comes_or_goes_asks_the_viewports_height_once(qtbot, monkeypatch):
    """A row put in or taken out moves the rows under it, measured by the viewport's height
    asked once (twice before: ~4 K instructions at each span made or deleted in the Spans
    table, each entry the History puts on top); a row going under the viewport's bottom (the
    History's last entry taken off as one goes on top) asks not whether the view is shown.
    The view shows its rows as a whole repaint draws them."""
    rows = Rows(qtbot, "table", 40)
    view = rows.view
    viewport = view.viewport()
    asked = []
    for owner, name in ((viewport, "height"), (view, "isVisible")):
        real = getattr(owner, name)
        monkeypatch.setattr(owner, name, lambda name=name, real=real:
                            asked.append(name) or real())
    rows.put(1, "new")
    assert asked == ["height", "isVisible"]
    asked.clear()
    rows.take(rows.count() - 1, 1)  # (far under the viewport's bottom)
    assert asked == ["height"]
    monkeypatch.undo()
    qtbot.wait(10)
    assert shows_whole(view) and scrolls_as_laid_out(view)


def test_a_sort_repaints_the_rows_whole(qtbot):
    """A change of their order is no shift: the rows are repainted, shown right."""
    rows = Rows(qtbot, "table", 40)
    view = rows.view
    rows.put(0, "zz")
    rows.painted.cells = 0
    view.model().sort(0)
    qtbot.wait(20)
    assert rows.painted.cells >= (view.viewport().height() // view.rowHeight(0)) * COLUMNS
    assert shows_whole(view.viewport())


class MetaCalls(QObject):
    """Counts the queued calls a view is sent (its scroll area's relayout of its bars)."""

    def __init__(self, view: QTableView) -> None:
        super().__init__()
        self.calls = 0
        view.installEventFilter(self)

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        self.calls += event.type() == QEvent.Type.MetaCall
        return False


@pytest.mark.parametrize("policy", ["always", "as needed"])
def test_a_new_range_of_the_bar_sends_the_view_no_relayout(qtbot, policy,
                                                           monkeypatch: pytest.MonkeyPatch):
    """Rows come and go, the vertical bar shown before and after: its new range is set without
    the scroll area hearing it, whose answer, a queued relayout of its bars and viewport
    (delivered through the view's event filters, ~40 K instructions a span made or deleted),
    would find them where they are; a row taken at the bottom, the bar's value past its new
    range, scrolls the view as Qt's layout does."""
    rows, laid = bar_always_shown(qtbot, "table", 40, monkeypatch)
    view = rows.view
    if policy == "as needed":
        view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        qtbot.wait(20)
    queued = MetaCalls(view)
    for change in (lambda: rows.put(1, "new"), lambda: rows.take(3, 2),
                   lambda: rows.put(rows.count(), "last")):
        laid.clear()
        change()
        qtbot.wait(10)
        assert laid == [] and queued.calls == 0
        assert scrolls_as_laid_out(view) and shows_whole(view.viewport())
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.wait(10)
    rows.take(5, 1)
    qtbot.wait(10)
    assert bar.value() == bar.maximum()
    assert scrolls_as_laid_out(view) and shows_whole(view.viewport())


class Transient(QProxyStyle):
    """A style whose scroll bars are transient (macOS's, as the system sets it by default):
    a bar, even one always shown, is shown only while its range holds more than one value."""

    def styleHint(self, hint, option=None, widget=None, data=None) -> int:
        if hint == QStyle.StyleHint.SH_ScrollBar_Transient:
            return 1
        return super().styleHint(hint, option, widget, data)


def test_a_transient_bar_shows_once_the_rows_overflow_and_hides_once_they_fit(
        qtbot, monkeypatch: pytest.MonkeyPatch):
    """Under a style of transient bars, a bar always shown is shown only while the rows
    overflow the viewport, as the scroll area finds when it hears the bar's new range: the
    rows that come to overflow a view they fitted show its bar, and those that go till the
    rest fit hide it (a new range set unheard left the bar hidden over rows it could scroll,
    and shown over rows that all fit)."""
    rows, _laid = bar_always_shown(qtbot, "table", 3, monkeypatch)
    view = rows.view
    style = Transient("Fusion")
    for widget in (view, view.verticalScrollBar(), view.horizontalScrollBar()):
        widget.setStyle(style)
    bar = view.verticalScrollBar()

    def overflowing() -> bool:
        return rows.count() > view.viewport().height() // view.rowHeight(0)

    def settled() -> None:  # the view laid out (a timer's work) and its area heard the bar
        assert (bar.maximum() > 0) == overflowing() == bar.isVisible(), rows.count()

    qtbot.waitUntil(settled, timeout=2000)
    assert not bar.isVisible()
    while not overflowing():
        rows.put(1, "new")
        qtbot.waitUntil(settled, timeout=2000)
    assert bar.isVisible()
    while rows.count() > 3:
        rows.take(0, 1)
        qtbot.waitUntil(settled, timeout=2000)
    assert not bar.isVisible()
