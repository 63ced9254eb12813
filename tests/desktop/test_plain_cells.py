"""Cells drawn from their text (issue 17: the style drew each cell of a dock anew, ~80 µs a
cell): each text is laid out once, and what is shown is pixel for pixel what the style draws."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import (
    QColor,
    QImage,
    QPalette,
    QStandardItem,
    QStandardItemModel,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from desktop.plain_cells import PlainCells

pytestmark = pytest.mark.gui


class Counted(PlainCells):
    """Counts the cells' texts laid out."""

    drawn = 0

    def _lay_out(self, *args):
        self.drawn += 1
        return super()._lay_out(*args)


WORDS = ("claim", "The army denied that the convoy was ambushed near Kidal on the road north",
         "مرحبا Wagner", "ما قالته الحكومة في بيانها الأخير عن الهجوم ambush",
         "ORG → Ségou", "")
"""Cell texts: short, elided, right-to-left first, right-to-left elided, not ASCII but left to
right, none."""


def table(qtbot, rows: int = 12, texts: tuple[str, ...] = WORDS) -> QTableView:
    model = QStandardItemModel(0, 4)
    for n in range(rows):
        number = QStandardItem()
        number.setData(n * 1_234_567 if n % 3 else n * 10**15,  # (a number too wide: elided)
                       Qt.ItemDataRole.DisplayRole)  # shown as the locale says
        words = (texts[(n + c) % len(texts)] for c in range(3))
        model.appendRow([QStandardItem(f"{w} {n}" if w else "") for w in words] + [number])
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setWordWrap(False)  # one line a cell, as the docks show them
    view.resize(520, 260)
    qtbot.addWidget(view)
    with qtbot.waitExposed(view):
        view.show()
    return view


def image(view) -> QImage:
    """The view's rows, painted whole."""
    return view.viewport().grab().toImage()


def test_a_row_put_on_top_lays_out_that_rows_texts_alone(qtbot):
    view = table(qtbot)
    cells = Counted(view)
    view.setItemDelegate(cells)
    image(view)
    first = cells.drawn
    assert first >= 3 * 8  # every cell shown, laid out once (empty ones alike: once)
    view.model().insertRow(0, [QStandardItem(f"new {c}") for c in range(4)])
    image(view)
    assert cells.drawn - first == 4  # the new row; the others moved down, kept
    image(view)
    assert cells.drawn - first == 4


def test_a_text_shown_again_is_kept_laid_out_unless_right_to_left(qtbot):
    """A text shown again is drawn from its layout kept (a static text), an elided one (its
    "…") and one of accented letters and arrows as well as ASCII (they were laid out anew at
    each paint: the History's "What" column, narrow, elides nearly every entry); a text of
    right-to-left letters is laid out at each paint (a static text's direction is not the
    style's)."""
    view = table(qtbot)
    cells = PlainCells(view)
    view.setItemDelegate(cells)
    image(view)
    image(view)
    laid = {data: text for (data, _width), text in cells._laid.items() if text is not None}
    right_to_left = {data for data in laid if isinstance(data, str) and "م" in data}
    static = [text.text() for text in laid.values() if isinstance(text, QStaticText)]
    assert any(text.endswith("…") for text in static)  # elided
    assert any("→" in text for text in static)
    assert right_to_left and {data for data, text in laid.items()
                              if not isinstance(text, QStaticText)} == right_to_left


def test_a_text_laid_out_ahead_is_prepared_for_the_views_pixel_ratio(qtbot, monkeypatch):
    """A cell laid out ahead of its paint (:meth:`PlainCells.lay_ahead`: the Spans table's
    rows of the next document) is prepared for the transform the view's painter draws with,
    which holds the screen's pixel ratio (a translation aside): a static text prepared for
    another is laid out again at its first drawing, at a ratio of 2 dearer than the new
    string the cell drew before (callgrind, a cell: ~182 K instructions against ~172 K;
    prepared for it, ~126 K)."""
    view = table(qtbot)
    monkeypatch.setattr(view, "devicePixelRatioF", lambda: 2.0)  # (a screen of ratio 2)
    cells = PlainCells(view)
    view.setItemDelegate(cells)
    prepared = []

    class Prepared(QStaticText):
        def prepare(self, matrix: QTransform, font) -> None:
            prepared.append(matrix)
            super().prepare(matrix, font)

    monkeypatch.setattr("desktop.plain_cells.QStaticText", Prepared)
    option = QStyleOptionViewItem()
    option.font = view.font()
    cells.lay_ahead(option, "claim 7", 200)
    assert prepared == [QTransform.fromScale(2, 2)]


OTHER_FONTS = ("नमस्ते दुनिया", "ภาษาไทย", "漢字かな", "ქართული ენა", "👨‍👩‍👧 family", "")
"""Cell texts of letters the view's font may lack (Devanagari, Thai, CJK, Georgian, emoji)."""


def test_a_text_kept_laid_out_looks_as_when_first_drawn(qtbot):
    """A text shown again looks as it did when first drawn, whatever font its letters come
    from: one the view's font lacks, drawn from another font whose line is taller, was kept
    as a static text whose baseline fell lower than the string's (Devanagari after DejaVu
    Sans: a pixel lower)."""
    view = table(qtbot, texts=OTHER_FONTS)
    view.setItemDelegate(PlainCells(view))
    first = image(view)
    assert image(view) == first


def test_cells_look_as_the_style_draws_them(qtbot):
    """Plain, selected and current cells, with the view focused and not, texts short, elided,
    right to left, numbers and none: the same pixels as the style's own drawing."""
    view = table(qtbot)
    view.selectionModel().setCurrentIndex(
        view.model().index(2, 1), QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)
    view.setFocus()
    for focused in (True, False):
        if not focused:
            view.clearFocus()
        view.setItemDelegate(QStyledItemDelegate(view))
        styled = image(view)
        view.setItemDelegate(PlainCells(view))
        assert image(view) == styled  # laid out
        assert image(view) == styled  # kept laid out


def test_a_text_of_the_views_font_that_surely_fits_is_not_measured_for_eliding(
        qtbot, monkeypatch):
    """Not ASCII (accents, another script) but of the view's font and surely narrower than
    its cell (each other character at the font's widest): drawn without being measured for
    eliding (the Spans table's texts at each document opened); a text that may not fit is
    measured and elided as before; the pixels are the style's."""
    from PySide6.QtGui import QFontMetrics

    short, long = "ORG → Ségou", "ما قالته الحكومة في بيانها الأخير عن الهجوم ambush " * 3
    view = table(qtbot, 6, (short, long))
    view.setColumnWidth(0, 400)
    view.setColumnWidth(1, 400)
    view.setItemDelegate(QStyledItemDelegate(view))
    styled = image(view)
    measured: list[str] = []
    elided = QFontMetrics.elidedText
    monkeypatch.setattr(QFontMetrics, "elidedText", lambda self, text, *args: measured.append(
        text) or elided(self, text, *args))
    view.setItemDelegate(PlainCells(view))
    assert image(view) == styled
    assert measured and all(text.startswith(long) for text in measured)


def test_a_new_palette_draws_the_cells_again(qtbot):
    view = table(qtbot)
    cells = Counted(view)
    view.setItemDelegate(cells)
    image(view)
    palette = view.palette()
    palette.setColor(QPalette.ColorRole.Text, QColor("#aa2200"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#fff8e0"))
    view.setPalette(palette)
    drawn = cells.drawn
    image(view)
    assert cells.drawn > drawn
    view.setItemDelegate(QStyledItemDelegate(view))
    styled = image(view)
    view.setItemDelegate(cells)
    assert image(view) == styled
