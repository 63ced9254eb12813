"""A table's rows painted in one Python call (issue 17: each cell was a call of the Python
delegate from Qt's paint, its style option and index converted and the model's counts asked
again): what is painted is pixel for pixel what Qt's own paint of the same table draws, with
its grid or without, alternating row colours or not, texts at the left, the right or in the
middle of their cells, a row selected, at a scale of 1, 1.5 and 2, and a part of the view
repainted alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QStyle

from desktop.painted_rows import PaintedTable
from desktop.plain_cells import PlainCells

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
COMPARE = """
import sys
from PySide6.QtCore import QItemSelectionModel, QPoint, QRect, Qt
from PySide6.QtGui import QImage, QRegion, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QApplication
from desktop.painted_rows import PaintedTable
from desktop.plain_cells import MIDDLE, RIGHT, PlainCells

app = QApplication([])
app.setStyle("Fusion")
WORDS = ("claim", "The army denied that the convoy was ambushed near Kidal on the road north",
         "مرحبا Wagner", "")
model = QStandardItemModel(0, 4)
for n in range(14):
    model.appendRow([QStandardItem(f"{WORDS[(n + c) % 4]} {n}") for c in range(3)]
                    + [QStandardItem(str(n * 1_234_567))])
    model.item(n, 1).setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    model.item(n, 3).setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
model.item(5, 3).setText("✓")  # (not ASCII: drawn as a string, each time)
drawn = []
view = PaintedTable(lambda row: drawn.append(row) or [model.index(row, c).data()
                                                      for c in range(4)],
                    (0, MIDDLE, 0, RIGHT))
view.setModel(model)
view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
view.setWordWrap(False)
view.verticalHeader().hide()
view.setItemDelegate(PlainCells(view))
view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # (a focused view is painted by Qt)
view.resize(520, 260)
view.show()
app.processEvents()
view.selectionModel().setCurrentIndex(model.index(2, 1),
    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
view.horizontalScrollBar().setValue(40)  # (a column cut at the left)
for grid, alternate in ((True, False), (False, False), (True, True)):
    view.setShowGrid(grid)
    view.setAlternatingRowColors(alternate)
    for _ in range(2):  # new cells, then the same kept laid out
        drawn.clear()
        ours = view.viewport().grab().toImage()
        assert drawn, "not painted in one call"
        view._painted_by_qt = lambda: True
        qt = view.viewport().grab().toImage()
        del view._painted_by_qt
        print(grid, alternate, ours == qt, view.devicePixelRatioF())
header = view.horizontalHeader()
header.setStretchLastSection(True)
changes = (("resized", lambda: header.resizeSection(0, 61)),
           ("hidden", lambda: view.hideColumn(1)), ("shown", lambda: view.showColumn(1)),
           ("moved", lambda: header.moveSection(3, 0)),
           ("scrolled", lambda: view.horizontalScrollBar().setValue(0)),
           ("narrower", lambda: view.resize(430, 260)))
for name, change in changes:  # the columns kept are read again
    view.viewport().grab()
    change()
    ours = view.viewport().grab().toImage()
    view._painted_by_qt = lambda: True
    qt = view.viewport().grab().toImage()
    del view._painted_by_qt
    print(name, ours == qt)
parts = {"part": QRegion(QRect(150, 30, 120, 70)),  # (some columns of some rows)
         "parts": QRegion(QRect(0, 5, 520, 20)) | QRegion(QRect(150, 70, 80, 15))
         | QRegion(QRect(200, 80, 120, 30)) | QRegion(QRect(10, 150, 30, 30))}
for name, part in parts.items():  # (those alone drawn)
    images = []
    for by_qt in (False, True):
        if by_qt:
            view._painted_by_qt = lambda: True
        image = QImage(view.viewport().size() * view.devicePixelRatioF(),
                       QImage.Format.Format_ARGB32)
        image.setDevicePixelRatio(view.devicePixelRatioF())
        image.fill(0)
        view.viewport().render(image, QPoint(), part)
        images.append(image)
        if by_qt:
            del view._painted_by_qt
    print(name, images[0] == images[1])
"""


@pytest.mark.parametrize("scale", ["1", "1.5", "2"])
def test_rows_painted_in_one_call_look_as_qt_paints_them(scale):
    env = {**os.environ, "QT_SCALE_FACTOR": scale, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", COMPARE], capture_output=True, text=True,
                          env=env, timeout=120, check=True)
    assert done.stdout.split("\n")[:14] == [
        f"{grid} {alternate} True {float(scale)}"
        for grid, alternate in ((True, False), (False, False), (True, True)) for _ in range(2)
    ] + [f"{change} True" for change in ("resized", "hidden", "shown", "moved", "scrolled",
                                         "narrower")] + ["part True", "parts True"], done.stdout


def shown_table(qtbot, rows: int, columns: int, height: int) -> PaintedTable:
    """A painted table of ``rows`` x ``columns`` cells, selecting rows, 400 x ``height``,
    shown."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QAbstractItemView

    model = QStandardItemModel(0, columns)
    for n in range(rows):
        model.appendRow([QStandardItem(f"cell {n} {c}") for c in range(columns)])
    view = PaintedTable(lambda row: [model.index(row, c).data() for c in range(columns)])
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setItemDelegate(PlainCells(view))
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # (a focused view is painted by Qt)
    view.resize(400, height)
    qtbot.addWidget(view)
    with qtbot.waitExposed(view):
        view.show()
    return view


def test_the_columns_are_read_from_the_header_once_until_it_changes(qtbot, monkeypatch):
    """Where each column is, read from the header for each paint, cost some 25 calls into Qt
    (~70 K instructions; a document opened paints the Spans table and the document list):
    read once, and again after the header changed (its pixels then: the test above)."""
    from PySide6.QtWidgets import QTableView

    view = shown_table(qtbot, 6, 4, 200)
    view.viewport().grab()
    asked = []
    position = QTableView.columnViewportPosition
    monkeypatch.setattr(QTableView, "columnViewportPosition", lambda self, column:
                        asked.append(column) or position(self, column))
    for _ in range(3):
        view.viewport().grab()
    assert asked == []
    assert view._columns is not None  # (painted in one call, by the view)
    view.horizontalHeader().resizeSection(1, 50)
    view.viewport().grab()
    assert asked == [0, 1, 2, 3]


def test_a_rows_texts_are_asked_once_a_row_painted(qtbot):
    """The table asks for a row's texts in one call, not for each cell in turn (a document
    opened paints the Spans table's seven rows of six cells: 42 calls into the model, each
    a Python call of its own)."""
    view = shown_table(qtbot, 5, 4, 300)
    asked = []
    texts = view._row_texts
    view._row_texts = lambda row: asked.append(row) or texts(row)
    image = view.viewport().grab().toImage()
    assert asked == [0, 1, 2, 3, 4]
    view._painted_by_qt = lambda: True
    assert view.viewport().grab().toImage() == image  # (the cells as Qt draws them)


def test_the_rows_selected_are_found_from_the_selection_not_asked_row_by_row(qtbot,
                                                                              monkeypatch):
    """Qt's isRowSelected asks the model of each column (~16 µs a row for a Python model):
    a row selected whole is known from the selection's ranges; only a row a range covers in
    part is asked (and drawn as Qt says)."""
    from PySide6.QtCore import QItemSelectionModel

    view = shown_table(qtbot, 12, 3, 300)
    model = view.model()
    asked, drawn = [], {}
    is_row_selected = QItemSelectionModel.isRowSelected
    monkeypatch.setattr(QItemSelectionModel, "isRowSelected", lambda self, row, parent:
                        asked.append(row) or is_row_selected(self, row, parent))
    draw_row = getattr(PlainCells, "draw_row", None)
    monkeypatch.setattr(PlainCells, "draw_row", lambda self, painter, option, top, height, state,
                        *rest: drawn.__setitem__(top // view.rowHeight(0), state)
                        or draw_row(self, painter, option, top, height, state, *rest),
                        raising=False)
    view.selectRow(2)
    view.viewport().grab()
    assert asked == []
    assert [row for row, state in drawn.items() if state & QStyle.StateFlag.State_Selected.value
            ] == [2]
    view.selectionModel().select(model.index(5, 1), QItemSelectionModel.SelectionFlag.Select)
    drawn.clear()
    view.viewport().grab()
    assert asked == [5]  # one cell of the row: not the row
    assert [row for row, state in drawn.items() if state & QStyle.StateFlag.State_Selected.value
            ] == [2]


def test_a_paint_reads_the_selection_and_the_parts_in_fewest_calls(qtbot, monkeypatch):
    """A paint tells whether a selection range holds every column by its width (one call into
    Qt, not its left and right), takes the ranges by position (PySide's iteration of their
    list cost ~9 K instructions for one range, its length and item ~5 K) and finds the
    columns with the header it has (no third ask of the view's parts): ~7 K instructions a
    paint, two paints a span made (its row, the document list's count). Fails on 58d1065:
    the parts asked three times, a range's left and right read. The row is drawn selected,
    as Qt draws it."""
    from PySide6.QtCore import QItemSelectionRange

    view = shown_table(qtbot, 6, 3, 200)
    view.selectRow(2)
    viewport = view.viewport()
    viewport.grab()
    asked: list[str] = []
    for name in ("left", "right", "width"):
        method = getattr(QItemSelectionRange, name)
        monkeypatch.setattr(QItemSelectionRange, name, lambda self, name=name, method=method:
                            asked.append(name) or method(self))
    parts = view.parts
    view.parts = lambda: asked.append("parts") or parts()
    ours = viewport.grab().toImage()
    assert asked == ["parts", "parts", "width"]  # (whether Qt paints; the paint's own)
    del view.parts
    view._painted_by_qt = lambda: True
    assert viewport.grab().toImage() == ours


def test_a_row_and_a_cell_apart_repainted_paint_that_row_and_that_cell(qtbot, monkeypatch):
    """A region to repaint of several rectangles (a History entry put on top, a cell of the
    entry below marked undone) is painted rectangle by rectangle: the row and the cell, not
    every cell of the rows between their bounds (Qt's paint event gives the region's bounding
    rectangle)."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtGui import QImage, QRegion

    view = shown_table(qtbot, 8, 4, 240)
    drawn: dict[int, list[str]] = {}
    draw_row = PlainCells.draw_row
    monkeypatch.setattr(PlainCells, "draw_row", lambda self, painter, option, top, height,
                        state, cells, *rest: drawn.setdefault(
                            top // view.rowHeight(0), []).extend(cell[2] for cell in cells)
                        or draw_row(self, painter, option, top, height, state, cells, *rest))
    height, column = view.rowHeight(0), view.columnViewportPosition(2)
    region = QRegion(QRect(0, 0, view.viewport().width(), height)) | QRegion(
        QRect(column + 2, 3 * height + 2, 10, 5))
    image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32)
    view.viewport().render(image, QPoint(), region)
    assert drawn == {0: [f"cell 0 {c}" for c in range(4)], 3: ["cell 3 2"]}


def test_rows_next_to_each_other_repainted_are_painted_as_one_area(qtbot, monkeypatch):
    """A step through a list repaints the row it leaves and the row it opens, the grid line
    between them left out of the region: one pass through their rows and one grid (a pass
    and a grid per rectangle before), and the pixels Qt paints."""
    from PySide6.QtCore import QItemSelectionModel, QPoint
    from PySide6.QtGui import QImage, QRegion

    view = shown_table(qtbot, 8, 4, 240)
    view.selectionModel().setCurrentIndex(view.model().index(3, 0), (
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows))
    first, second = (view.visualRect(view.model().index(row, 0)) for row in (3, 4))
    width = view.viewport().width()
    region = QRegion(0, first.top(), width, first.height()) | QRegion(
        0, second.top(), width, second.height())
    assert region.rectCount() == 2  # (the grid line between them left out)
    grids = []
    paint_grid = PaintedTable._paint_grid
    monkeypatch.setattr(PaintedTable, "_paint_grid",
                        staticmethod(lambda *args: grids.append(args) or paint_grid(*args)))
    images = []
    for by_qt in (False, True):
        if by_qt:
            view._painted_by_qt = lambda: True
        image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32)
        image.fill(0)
        view.viewport().render(image, QPoint(), region)
        images.append(image)
    assert len(grids) == 1
    assert images[0] == images[1]


def test_a_header_state_restored_is_read_again(qtbot):
    """``QHeaderView.restoreState`` moves and sizes sections without saying so section by
    section: the columns kept from before (same length, same offset) would be painted where
    they no longer are."""
    view = shown_table(qtbot, 6, 4, 200)
    header = view.horizontalHeader()
    state = header.saveState()
    header.moveSection(0, 3)
    view.viewport().grab()
    assert [column for column, *_ in view._shown_columns()] == [1, 2, 3, 0]
    header.restoreState(state)
    view.viewport().grab()
    assert [column for column, *_ in view._shown_columns()] == [0, 1, 2, 3]


def test_a_cells_change_keeps_the_header_measured(qtbot):
    """A cell's new text leaves the column header's measured size as it is: Qt's header
    dropped it at each change of a cell (for sections sized to their cells, which a painted
    table's never are), and the next layout of the rows measured it again, asking the Python
    model for four roles a section (a delete after a relabel or an undo in the Spans table)."""
    from desktop.table_model import RowsModel

    asked = []

    class Model(RowsModel):
        COLUMNS = ("Label", "Start", "Text")

        def headerData(self, section, orientation, role=0):
            asked.append(section)
            return super().headerData(section, orientation, role)

        def data(self, index, role=0):
            return self._rows[index.row()][index.column()] if role == 0 else None

    model = Model()
    model._rows = [(f"L{n}", str(n), f"text {n}") for n in range(6)]
    view = PaintedTable(lambda row: model._rows[row])
    view.setModel(model)
    view.resize(400, 200)
    qtbot.addWidget(view)
    with qtbot.waitExposed(view):
        view.show()
    header = view.horizontalHeader()
    header.sizeHint()
    asked.clear()
    model._rows[2] = ("L9", "2", "text 9")
    model.dataChanged.emit(model.cell(2, 0), model.cell(2, 2))
    header.sizeHint()  # (as the table's next layout asks it)
    assert asked == []
    assert header.sectionsClickable() and header.highlightSections()  # as Qt's own header


def test_the_views_option_and_settings_are_read_once_until_they_change(qtbot, monkeypatch):
    """The view's item option (its palette, font, state), its row colours and whether its
    settings let it paint its rows (a delegate of plain cells, rows selected whole, a solid
    grid) and how (a grid shown, rows alternating) cost some eleven calls into Qt at each
    paint, two of them answering an enum: read once, then again after a change of the
    view's look (palette, enabled state: the pixels are then Qt's) or of a setting (another
    grid: Qt paints; no grid, no alternate rows: painted as Qt paints them)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QImage, QPalette
    from PySide6.QtWidgets import QTableView

    view = shown_table(qtbot, 6, 3, 200)
    view.setAlternatingRowColors(True)
    view.selectRow(1)
    view.viewport().grab()
    asked: list[str] = []
    for name in ("initViewItemOption", "selectionBehavior", "gridStyle", "showGrid",
                 "alternatingRowColors"):
        method = getattr(QTableView, name)
        monkeypatch.setattr(QTableView, name, lambda self, *args, name=name, method=method:
                            asked.append(name) or method(self, *args))

    def painted_by_qt() -> QImage:
        view._painted_by_qt = lambda: True
        qt = view.viewport().grab().toImage()
        del view._painted_by_qt
        return qt

    for _ in range(3):
        view.viewport().grab()
    assert asked == []
    palette = view.palette()
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#c0f0c0"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#a03030"))
    view.setPalette(palette)
    ours = view.viewport().grab().toImage()
    assert asked == ["initViewItemOption"]
    assert ours == painted_by_qt()
    view.setEnabled(False)
    asked.clear()
    ours = view.viewport().grab().toImage()
    assert asked == ["initViewItemOption"]
    assert ours == painted_by_qt()
    view.setEnabled(True)
    view.setGridStyle(Qt.PenStyle.DotLine)
    assert view._painted_by_qt()
    view.setGridStyle(Qt.PenStyle.SolidLine)
    assert not view._painted_by_qt()
    view.setShowGrid(False)
    view.setAlternatingRowColors(False)
    assert view.viewport().grab().toImage() == painted_by_qt()


def test_the_views_parts_are_asked_once_until_one_is_set(qtbot, monkeypatch):
    """A paint asked the view for its model, viewport, selection model and both headers (five
    calls into Qt, each answer found a Python wrapper: ~17 K instructions a paint, the Spans
    table's row and the document list's at each key press): asked once, and again after one
    of them is set anew, a new selection model's rows painted selected."""
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtWidgets import QTableView

    view = shown_table(qtbot, 6, 3, 200)
    view.selectRow(1)
    viewport = view.viewport()
    viewport.grab()
    asked: list[str] = []
    for name in ("model", "viewport", "selectionModel", "horizontalHeader", "verticalHeader"):
        method = getattr(QTableView, name)
        monkeypatch.setattr(QTableView, name, lambda self, name=name, method=method:
                            asked.append(name) or method(self))
    for _ in range(3):
        viewport.grab()
    assert asked == []
    selection = QItemSelectionModel(view.model())
    view.setSelectionModel(selection)
    selection.select(view.model().index(3, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                     | QItemSelectionModel.SelectionFlag.Rows)
    ours = viewport.grab().toImage()
    assert "selectionModel" in asked
    assert view.parts().selection is selection
    view._painted_by_qt = lambda: True
    assert viewport.grab().toImage() == ours  # (row 3 selected, as Qt paints it)


def test_a_model_deleted_leaves_no_part_kept(qtbot):
    """A model deleted while its view lives (the view then has none): the parts kept are
    dropped with it, and a paint draws no row; with the deleted model kept, the next paint
    called into a deleted object (PySide ended the process printing its error)."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from shiboken6 import isValid

    view = shown_table(qtbot, 6, 3, 200)
    model = view.model()
    assert view.parts().model is model
    model.deleteLater()
    QCoreApplication.sendPostedEvents(model, QEvent.Type.DeferredDelete)
    assert not isValid(model)
    assert view.parts().model is None
    view.viewport().grab()  # (no row to paint, nothing raised)


def test_an_area_repainted_is_read_in_one_call(qtbot, monkeypatch):
    """Each rectangle to repaint is read in one call (its coordinates), not asked for its
    left, top, right and bottom in turn to find its rows and columns and again to draw its
    grid (eight calls into Qt a paint of one row, ~9 K instructions); one rectangle or
    several, the pixels are Qt's."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtGui import QImage, QRegion

    view = shown_table(qtbot, 8, 4, 240)
    viewport = view.viewport()
    viewport.grab()
    asked: list[str] = []
    for name in ("left", "top", "right", "bottom"):
        method = getattr(QRect, name)
        monkeypatch.setattr(QRect, name, lambda self, name=name, method=method:
                            asked.append(name) or method(self))
    height = view.rowHeight(0)
    for region in (QRegion(QRect(0, height, viewport.width(), height)),
                   QRegion(QRect(0, 0, 60, height)) | QRegion(QRect(90, 3 * height, 30, 9))):
        images = []
        for by_qt in (False, True):
            if by_qt:
                monkeypatch.undo()
                view._painted_by_qt = lambda: True
            image = QImage(viewport.size(), QImage.Format.Format_ARGB32)
            image.fill(0)
            viewport.render(image, QPoint(), region)
            images.append(image)
        del view._painted_by_qt
        assert asked == [] and images[0] == images[1]
        for name in ("left", "top", "right", "bottom"):
            method = getattr(QRect, name)
            monkeypatch.setattr(QRect, name, lambda self, name=name, method=method:
                                asked.append(name) or method(self))


def test_columns_changed_during_a_paint_leave_the_grid_its_headers_length(qtbot):
    """The columns forgotten during a paint (a section resized while the rows are drawn: a
    row's texts may ask anything of the view) leave the grid the header's length to end at,
    as before: the paint's name for the header was taken over by each row's columns, and the
    grid asked a list for its length."""
    view = shown_table(qtbot, 4, 3, 200)
    texts, header = view._row_texts, view.horizontalHeader()
    widths = iter((70, 71))

    def resizing(row: int) -> list:
        if row == 0:
            header.resizeSection(1, next(widths, 72))
        return texts(row)

    view._row_texts = resizing
    view.viewport().grab()  # (an exception in the paint fails the test: pytest-qt)
    assert header.sectionSize(1) == 70
