"""A table's rows painted in one Python call (issue 17: each cell was a call of the Python
delegate from Qt's paint, its style option and index converted and the model's counts asked
again): what is painted is pixel for pixel what Qt's own paint of the same table draws, with
its grid or without, a row selected, at a scale of 1, 1.5 and 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
COMPARE = """
import sys
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QApplication
from desktop.painted_rows import PaintedTable
from desktop.plain_cells import PlainCells

app = QApplication([])
app.setStyle("Fusion")
WORDS = ("claim", "The army denied that the convoy was ambushed near Kidal on the road north",
         "مرحبا Wagner", "")
model = QStandardItemModel(0, 4)
for n in range(14):
    model.appendRow([QStandardItem(f"{WORDS[(n + c) % 4]} {n}") for c in range(3)]
                    + [QStandardItem(str(n * 1_234_567))])
drawn = []
view = PaintedTable(lambda row, column: drawn.append(row) or model.index(row, column).data())
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
for grid in (True, False):
    view.setShowGrid(grid)
    drawn.clear()
    ours = view.viewport().grab().toImage()
    assert drawn, "not painted in one call"
    view._painted_by_qt = lambda: True
    qt = view.viewport().grab().toImage()
    del view._painted_by_qt
    print(grid, ours == qt, view.devicePixelRatioF())
"""


@pytest.mark.parametrize("scale", ["1", "1.5", "2"])
def test_rows_painted_in_one_call_look_as_qt_paints_them(scale):
    env = {**os.environ, "QT_SCALE_FACTOR": scale, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", COMPARE], capture_output=True, text=True,
                          env=env, timeout=120, check=True)
    assert done.stdout.split("\n")[:2] == [f"True True {float(scale)}",
                                           f"False True {float(scale)}"], done.stdout
