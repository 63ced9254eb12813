"""Rows moved on screen, not repainted, when a row comes or goes (issue 17: a span made near the
top of the Spans table repainted every row it shows, each cell a call of the Python delegate):
the view paints the row that came, or the one uncovered at the bottom, and what it shows is
pixel for pixel what a whole repaint draws, wherever it is scrolled."""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QImage, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QStyledItemDelegate, QTableView, QWidget

from desktop.shifting_rows import ShiftingTableView

pytestmark = pytest.mark.gui
COLUMNS = 3


class Painted(QStyledItemDelegate):
    """Counts the cells painted."""

    cells = 0

    def paint(self, painter, option, index) -> None:
        self.cells += 1
        super().paint(painter, option, index)


def row(name: str) -> list[QStandardItem]:
    return [QStandardItem(f"{name} {column}") for column in range(COLUMNS)]


def table(qtbot, kind: type[QTableView], rows: int = 40) -> tuple[QTableView, Painted]:
    model = QStandardItemModel(0, COLUMNS)
    for n in range(rows):
        model.appendRow(row(f"row {n}"))
    view = kind()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().hide()
    painted = Painted(view)
    view.setItemDelegate(painted)
    view.resize(360, 260)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    qtbot.wait(20)
    return view, painted


def on_screen(widget: QWidget) -> QImage:
    """What the window's backing store holds for ``widget`` (the partial repaints)."""
    origin = widget.mapTo(widget.window(), widget.rect().topLeft())
    return widget.screen().grabWindow(widget.window().winId(), origin.x(), origin.y(),
                                      widget.width(), widget.height()).toImage()


def shows_whole(widget: QWidget) -> bool:
    shown = on_screen(widget)
    return shown == widget.grab().toImage().convertToFormat(shown.format())


def test_a_row_that_comes_or_goes_paints_one_row(qtbot):
    """A row put near the top, then taken away: one row's cells painted each time (Qt's own
    view repaints every row shown, 36 cells here)."""
    view, painted = table(qtbot, ShiftingTableView)
    model = view.model()
    for change in (lambda: model.insertRow(2, row("new")), lambda: model.removeRow(2)):
        painted.cells = 0
        change()
        qtbot.wait(20)
        assert 0 < painted.cells <= 2 * COLUMNS, painted.cells
        assert shows_whole(view.viewport())


def test_rows_come_and_go_anywhere_and_the_view_shows_them_right(qtbot):
    """Rows put and taken above, inside and below what is shown, several at once, the view
    scrolled to the top, the middle and the bottom, with a row selected: after each change
    the view on screen is what a whole repaint draws."""
    view, _ = table(qtbot, ShiftingTableView, 60)
    model = view.model()
    chance = random.Random(17)
    bar = view.verticalScrollBar()
    made = 0
    for scrolled in (0, 0.5, 1.0, 0.3):
        bar.setValue(round(bar.maximum() * scrolled))
        qtbot.wait(10)
        for _ in range(12):
            at = chance.randrange(model.rowCount() + 1)
            count = chance.choice((1, 1, 2))
            if chance.random() < 0.5 or model.rowCount() < 10:
                for n in range(count):
                    made += 1
                    model.insertRow(at, row(f"made {made}.{n}"))
            else:
                model.removeRows(min(at, model.rowCount() - count), count)
            if chance.random() < 0.3:
                view.selectionModel().select(
                    model.index(chance.randrange(model.rowCount()), 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
            qtbot.wait(10)
            assert shows_whole(view.viewport()), (scrolled, at, count, bar.value())


def test_a_sort_repaints_the_rows_whole(qtbot):
    """A change of their order is no shift: the rows are repainted, shown right."""
    view, painted = table(qtbot, ShiftingTableView)
    model = view.model()
    model.insertRow(0, row("zz"))
    painted.cells = 0
    model.sort(0)
    qtbot.wait(20)
    assert painted.cells >= (view.viewport().height() // view.rowHeight(0)) * COLUMNS
    assert shows_whole(view.viewport())
