"""What a key press in the main window repaints, counted (issue 17): the scroll bars and the Span
panel stay as they are when what they show has not moved, a span change repaints the lines of
its spans and no more, and what is on screen after the partial repaints is what a whole repaint
draws."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QImage, QRegion, QTextCursor
from PySide6.QtWidgets import QApplication, QFormLayout, QLabel, QScrollBar, QWidget
from window_helpers import CellsDrawn, Events, TextsDrawn, open_window, select

from annotate.commands import CreateSpan, DeleteSpan
from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store
from desktop.caption import Caption, KeptCaptions
from desktop.main_window import MainWindow

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
WHO = "amina"
SENTENCE = "The army denied that the convoy was ambushed near Kidal on the road north. "
TEXT = SENTENCE * 30  # one paragraph of many lines
LONG_CLAIM = (len(SENTENCE) * 3 + 4, len(SENTENCE) * 6 - 2)  # over several lines
PRESSES = (
    (Qt.Key.Key_C, Qt.KeyboardModifier.NoModifier),  # create a claim
    (Qt.Key.Key_D, Qt.KeyboardModifier.NoModifier),  # relabel it (other attributes)
    (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),  # undo the relabel
    (Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier),
)


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    """A small window (the docks' contents overflow them: their bars show) on one paragraph
    of many lines, with a claim over several of them."""
    doc = Document(TEXT, "Paragraph")
    spans = (Span(doc.uid, *LONG_CLAIM, "CLAIM", WHO, "long"),
             Span(doc.uid, 4, 8, "ORG", WHO, "army"))
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(doc, spans)])
    store.close()
    QApplication.setCursorFlashTime(0)  # a caret that blinks would differ between two grabs
    win = open_window(qtbot, path, tmp_path, WHO)
    win.welcome.hide()
    win.resize(720, 720)
    win.history.raise_()
    qtbot.wait(50)
    yield win
    win.service.store.close()


class Paints(QObject):
    """Counts Paint events per watched widget and keeps the regions painted."""

    def __init__(self, widgets: list[QWidget]) -> None:
        super().__init__()
        self.count: Counter[QWidget] = Counter()
        self.regions: list[QRegion] = []
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count[watched] += 1
            self.regions.append(QRegion(event.region()))
        return False


def press_all(qtbot, window: MainWindow, at: int,
              after: Callable[[], object] = lambda: None) -> None:
    """Select six characters at ``at`` and make, relabel, undo and delete a span there,
    calling ``after`` after each press."""
    select(window, at, at + 6)
    for key, modifiers in PRESSES:
        qtbot.keyClick(window.editor.view, key, modifiers)
        qtbot.wait(10)
        after()


PLACES = (9, 21, 36)
HISTORY = 120
"""Entries enough for the History's slider to be as short as it gets."""


def warm_up(qtbot, window: MainWindow) -> None:
    """Every page and field of the Span panel made, the spans' texts and offsets shown once,
    and History entries enough to scroll."""
    for _ in range(2):
        for at in PLACES:
            press_all(qtbot, window, at)


def bars(window: MainWindow) -> list[QScrollBar]:
    scroll = window.inspector.widget()
    return [scroll.horizontalScrollBar(), scroll.verticalScrollBar(),
            window.history.list.verticalScrollBar()]


def test_key_presses_repaint_no_scroll_bar_whose_look_stays(window, qtbot):
    """Create, relabel, undo and delete, History in front: the Span panel's two bars are
    never repainted (Qt repainted both on every press, as the panel's scroll area laid out
    again), nor the History's, once its slider is as short as it gets (it was repainted with
    each new entry, as the entry set its range)."""
    warm_up(qtbot, window)
    service = window.service
    last = len(SENTENCE) * 29  # "The" of the last sentence, made and deleted again
    for n in range(HISTORY // 2):
        span = Span(service.current, last, last + 3, "ORG", WHO, f"h{n}")
        assert service.apply(CreateSpan(span)) and service.apply(DeleteSpan(span))
    qtbot.wait(50)
    shown = bars(window)
    assert all(bar.isVisible() for bar in shown)
    paints = Paints(shown)
    for at in PLACES:
        press_all(qtbot, window, at)
    assert sum(paints.count.values()) == 0, [paints.count[bar] for bar in shown]


def test_a_scroll_bar_repaints_when_its_slider_moves(qtbot):
    """Steady, not frozen: a range that moves the slider repaints the bar."""
    bar = window_bar(qtbot)
    paints = Paints([bar])
    bar.setRange(0, 10)
    qtbot.wait(20)
    assert paints.count[bar] == 1
    bar.setPageStep(bar.pageStep())  # the same steps: nothing to show
    bar.setRange(0, 10)
    qtbot.wait(20)
    assert paints.count[bar] == 1


def window_bar(qtbot) -> QScrollBar:
    from desktop.scrollbars import SteadyScrollBar
    bar = SteadyScrollBar(Qt.Orientation.Vertical)
    qtbot.addWidget(bar)
    bar.setRange(0, 1000)
    bar.resize(16, 300)
    with qtbot.waitExposed(bar):
        bar.show()
    qtbot.wait(20)
    return bar


def test_the_span_panel_is_never_resized_by_a_key_press(window, qtbot):
    """Labels of other attributes, a span and none in turn: the panel inside the Span dock's
    scroll area keeps its size (it was resized on most presses, and its scroll area laid out
    again with it)."""
    warm_up(qtbot, window)
    panel = window.inspector.widget().widget()

    resizes = Events(QEvent.Type.Resize, [panel])
    for at in PLACES:
        press_all(qtbot, window, at)
    assert resizes.total == 0


def line_height(window: MainWindow) -> int:
    return window.editor.view.fontMetrics().height()


def test_a_span_change_repaints_its_lines_not_its_paragraph(window, qtbot):
    """The paragraph fills the view; a span made, relabelled, undone and deleted in it
    repaints a few lines round it each time (the whole paragraph was repainted)."""
    view = window.editor.view
    assert view.viewport().height() > 10 * line_height(window)
    press_all(qtbot, window, 9)
    paints = Paints([view.viewport()])
    press_all(qtbot, window, 21)
    assert paints.regions
    tallest = max(region.boundingRect().height() for region in paints.regions)
    assert tallest <= 4 * line_height(window), tallest


def test_a_change_repaints_the_spans_chained_to_it(window, qtbot):
    """A span made inside the long claim changes how the claim is drawn (nested: painted
    with its brackets, at its first and last line): those lines are repainted too."""
    view = window.editor.view
    paints = Paints([view.viewport()])
    inside = LONG_CLAIM[0] + len(SENTENCE) + 4
    select(window, inside, inside + 5)
    qtbot.keyClick(view, Qt.Key.Key_C)
    qtbot.wait(20)
    painted = QRegion()
    for region in paints.regions:
        painted += region
    viewport = view.viewport()
    first = view.cursorRect(cursor_at(view, LONG_CLAIM[0] + 1))
    last = view.cursorRect(cursor_at(view, LONG_CLAIM[1] - 1))
    for rect in (first, last):
        assert painted.contains(QRect(0, rect.center().y(), viewport.width(), 1)), rect


def cursor_at(view, position: int) -> QTextCursor:
    cursor = QTextCursor(view.document())
    cursor.setPosition(position)
    return cursor


def on_screen(widget: QWidget) -> QImage:
    """What the window's backing store holds for ``widget`` (the partial repaints)."""
    origin = widget.mapTo(widget.window(), widget.rect().topLeft())
    return widget.screen().grabWindow(widget.window().winId(), origin.x(), origin.y(),
                                      widget.width(), widget.height()).toImage()


def test_after_partial_repaints_the_text_shows_what_a_whole_repaint_draws(window, qtbot):
    """After each press (a span in the long claim, and one alone), the text on screen is
    pixel for pixel what the view draws when painted whole: nothing stale is left."""
    viewport = window.editor.view.viewport()
    inside = LONG_CLAIM[0] + len(SENTENCE) + 4
    for at in (inside, 21):
        select(window, at, at + 5)
        for key, modifiers in PRESSES:
            qtbot.keyClick(window.editor.view, key, modifiers)
            qtbot.wait(20)
            shown = on_screen(viewport)
            whole = viewport.grab().toImage().convertToFormat(shown.format())
            assert shown == whole, (at, key)


def test_the_status_bar_is_not_laid_out_again_by_a_key_press(window, qtbot):
    """Each press changes the counts and the state in the status bar; its text changes, its
    layout does not (a count one digit shorter laid it all out and repainted it)."""
    warm_up(qtbot, window)
    bar = window.status

    layouts = Events(QEvent.Type.LayoutRequest, [bar])
    texts = set()
    for at in PLACES:
        press_all(qtbot, window, at, lambda: texts.add(window.status.progress.text()))
    assert len(texts) > 1 and layouts.total == 0, (texts, layouts.total)


def test_the_spans_table_never_resizes_as_spans_come_and_go(window, qtbot):
    """Its vertical bar shows however few rows it holds, so a span made or deleted as the rows
    reach its bottom neither narrows nor widens the table (every row and the header were
    repainted then, and on the next press again)."""
    window.spans.raise_()
    qtbot.wait(50)
    viewport = window.spans.table.viewport()
    width = viewport.width()
    assert window.spans.model.rowCount() == 2
    for at in PLACES:
        press_all(qtbot, window, at)
        assert viewport.width() == width
    assert window.spans.table.verticalScrollBar().isVisible()


def test_a_relabel_leaves_the_span_panels_text_field_as_it_is(window, qtbot):
    """Relabel and undo show the same span's text: the field quoting it is neither set again
    nor repainted (it was, twice a press)."""
    warm_up(qtbot, window)
    select(window, 21, 27)
    qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
    qtbot.wait(20)
    field = window.inspector.text
    quoted = field.toPlainText()
    paints = Paints([field.viewport()])
    qtbot.keyClick(window.editor.view, Qt.Key.Key_D)
    qtbot.wait(20)
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(20)
    assert window.inspector.span.label == "CLAIM" and field.toPlainText() == quoted
    assert paints.count[field.viewport()] == 0


def test_a_new_quote_is_given_to_the_fields_document_and_shown_from_its_top(window, qtbot):
    """Each span made shows its text in the panel's field, given to the field's document
    itself: the field's own setPlainText also moved the caret to the start, scrolled to it
    and formatted the paragraph again (~0.1 M instructions). The field shows the new quote
    as that did, from its top, though the last one was scrolled."""
    inspector = window.inspector
    field = inspector.text
    bar = field.verticalScrollBar()
    select(window, *LONG_CLAIM)
    qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
    qtbot.wait(20)
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Delete)
    qtbot.wait(20)
    told = []

    def profile(frame, event: str, arg: object) -> None:
        if event == "c_call" and getattr(arg, "__name__", "") == "setPlainText" and \
                getattr(arg, "__self__", None) is field:
            told.append(arg)

    start = LONG_CLAIM[0] + len(SENTENCE)
    select(window, start, start + 40)
    sys.setprofile(profile)
    try:
        qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
    finally:
        sys.setprofile(None)
    qtbot.wait(20)
    assert told == [] and field.toPlainText() == TEXT[start:start + 40]
    assert bar.value() == 0
    given = field.grab().toImage()
    field.setPlainText(field.toPlainText())  # as the field's own shows it
    assert field.grab().toImage() == given


def spans_in_front(qtbot, window: MainWindow) -> None:
    """The Spans dock in front, holding rows enough to scroll (its bar's slider moves as a
    span is made or deleted)."""
    service = window.service
    for n in range(20):
        at = len(SENTENCE) * (8 + n)
        assert service.apply(CreateSpan(Span(service.current, at, at + 3, "ORG", WHO, f"r{n}")))
    window.spans.raise_()
    qtbot.wait(50)
    assert window.spans.table.verticalScrollBar().maximum() > 0


def test_the_spans_table_bar_repaints_without_the_dock_under_it(window, qtbot):
    """A span made and deleted moves the Spans table's slider, so its bar is repainted; the
    widgets under the bar are not (the dock among them, whose title's paint read the style's
    button icons from their files each time), and the dock on screen is what a whole repaint
    draws."""
    spans_in_front(qtbot, window)
    table = window.spans.table
    bar = table.verticalScrollBar()
    paints = Paints([bar, window.spans])
    bar_paints = dock_paints = 0
    for at in PLACES:
        select(window, at, at + 6)
        for key in (Qt.Key.Key_C, Qt.Key.Key_Delete):
            qtbot.keyClick(window.editor.view, key)
            qtbot.wait(20)
            bar_paints += paints.count[bar]
            dock_paints += paints.count[window.spans]
            qtbot.waitUntil(lambda: shows_whole(window.spans), timeout=2000)  # (a busy
            # machine may only delay the last repaint)
            paints.count.clear()  # (the grab paints them all)
    assert bar_paints >= len(PLACES)
    assert dock_paints == 0


def test_a_span_made_or_deleted_leaves_the_spans_tables_header_as_it_is(window, qtbot):
    """Selecting a whole row in the table (a span made) or none (deleted) repainted all of
    its header, as the header shared the table's selection (and turned bold with one)."""
    spans_in_front(qtbot, window)
    header = window.spans.table.horizontalHeader()
    paints = Paints([header.viewport()])
    selections = []
    window.spans.table.selectionModel().selectionChanged.connect(
        lambda selected, _deselected: selections.append(len(selected.indexes())))
    for at in PLACES:
        press_all(qtbot, window, at)
    assert len(selections) >= 2 * len(PLACES) and max(selections) > 0
    assert paints.count[header.viewport()] == 0


PAINT_THREADS = """
import os
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollBar
from desktop.app import application
app = application()
app.setStyle("Fusion")
bar = QScrollBar(Qt.Orientation.Vertical)
bar.resize(16, 400)
bar.show()
app.processEvents()  # (shown on screen)
bar.repaint()
tasks = "/proc/self/task"
print(sorted(open(f"{tasks}/{t}/comm").read().strip() for t in os.listdir(tasks)))
"""


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads Linux's thread names")
def test_the_window_paints_on_its_own_thread():
    """Qt's raster engine handed each fill of 96 lines or more (a scroll bar's gradient) to
    a pool of threads and waited for them: the window's process asks it not to."""
    env = {k: v for k, v in os.environ.items() if k != "QT_NO_GUI_THREADPOOL"}
    env |= {"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", PAINT_THREADS], capture_output=True,
                          text=True, env=env, timeout=120, check=True)
    assert "'python'" in done.stdout, done.stdout
    assert "pooled" not in done.stdout, done.stdout


@pytest.mark.parametrize("dock", ["spans", "history"])
def test_a_row_that_comes_is_drawn_the_rows_it_moves_are_copied(window, qtbot, dock):
    """A span made puts a row in the Spans table above rows it shows (and each press an entry
    on top of the History): Qt repaints all the rows below, and the style drew each of their
    cells anew (some 15 µs a cell, most of the dock's repaint); now the cells of the row that
    came (and the selected one) are drawn, and the view on screen is what a whole repaint
    draws."""
    spans_in_front(qtbot, window)
    view = window.spans.table if dock == "spans" else window.history.list
    getattr(window, dock).raise_()
    qtbot.wait(50)
    press_all(qtbot, window, 9)  # the rows shown drawn once
    style = CellsDrawn()
    view.setStyle(style)
    style.count(view.itemDelegate())
    view.viewport().repaint()
    whole = style.cells
    columns = view.model().columnCount()
    assert whole >= 2 * columns  # (texts shown in many rows are laid out once)
    assert view.viewport().height() >= 3 * view.rowHeight(0)
    for at in PLACES[1:]:
        select(window, at, at + 6)
        for key, modifiers in PRESSES:
            style.cells = 0
            qtbot.keyClick(window.editor.view, key, modifiers)
            qtbot.wait(20)
            assert style.cells <= 2 * columns, (at, key, style.cells, whole)
            qtbot.waitUntil(lambda: shows_whole(view.viewport()), timeout=2000)  # (no stale
            # pixel is left: a busy machine may only delay the last repaint)


def shows_whole(widget: QWidget) -> bool:
    """Whether ``widget`` on screen is what a whole repaint draws."""
    shown = on_screen(widget)
    return shown == widget.grab().toImage().convertToFormat(shown.format())


@pytest.mark.parametrize("dock", ["spans", "history"])
def test_a_row_that_comes_or_goes_repaints_one_row(window, qtbot, dock):
    """A span made above rows the Spans table shows (and deleted again), and each press's
    entry put on top of the History, move the rows below on screen: the view repaints the
    row that came, or the one uncovered at its bottom (and a row whose selection or marker
    changed), not every row it shows (each cell a call of the Python delegate); on screen it
    is what a whole repaint draws."""
    spans_in_front(qtbot, window)
    view = window.spans.table if dock == "spans" else window.history.list
    getattr(window, dock).raise_()
    qtbot.wait(50)
    viewport = view.viewport()
    height = view.rowHeight(0) if dock == "spans" else \
        view.visualRect(view.model().index(0, 0)).height()  # (the table's has its grid line)
    assert viewport.height() > 5 * height
    press_all(qtbot, window, 9)  # (the History then holds rows enough to fill it)
    paints = Paints([viewport])
    presses = PRESSES if dock == "history" else PRESSES[::3]  # (create, delete)
    for at in PLACES[1:]:
        select(window, at, at + 6)
        for key, modifiers in presses:
            paints.regions.clear()
            qtbot.keyClick(window.editor.view, key, modifiers)
            qtbot.wait(20)
            painted = QRegion()
            for region in paints.regions:
                painted += region
            rows = sum(rect.height() for rect in painted) / height
            assert rows <= 2, (at, key, painted)
            qtbot.waitUntil(lambda: shows_whole(viewport), timeout=2000)


def test_key_presses_draw_the_spans_tables_selected_row_without_the_style(window, qtbot):
    """Each press repaints the Spans table's selected row (the span made, relabelled, put
    back): the style drew its cells (asking the model for some seven roles a cell, ~80 µs a
    cell), now their texts are drawn as for any row (pixel for pixel the style's:
    tests/desktop/test_plain_cells.py), and only the texts not shown before are laid out."""
    spans_in_front(qtbot, window)
    view = window.spans.table
    style = CellsDrawn()
    view.setStyle(style)
    cells = view.itemDelegate()
    laid = CellsDrawn()
    laid.count(cells)
    view.viewport().repaint()  # (a new style: every text laid out again)
    painted = Paints([view.viewport()])
    for at in PLACES:
        select(window, at, at + 6)
        for key, modifiers in PRESSES:
            laid.cells = 0
            qtbot.keyClick(window.editor.view, key, modifiers)
            qtbot.wait(20)
            assert laid.cells <= view.model().columnCount(), (at, key)
    assert painted.count[view.viewport()] >= len(PLACES) * 3  # the rows were repainted
    assert style.cells == 0


ASKED = {Qt.Key.Key_C: 14, Qt.Key.Key_D: 4, Qt.Key.Key_Z: 4, Qt.Key.Key_Delete: 11}
"""Most calls of the table models' counts a press may make (before: 23, 36, 36, 13; the rows
coming and going and the paints ask some)."""


def test_key_presses_ask_the_table_models_for_their_counts_a_few_times(window, qtbot):
    """Selecting the row of the span a press shows asked the Spans table's Python model for
    its row and column counts some 26 times a relabel or undo (whether the row was selected
    already, cell by cell) and 5 times a make (the row's selection made whole), and the cells
    a change repaints (a span's row, a document's count) 4 times: each a call into Python
    from Qt."""
    spans_in_front(qtbot, window)
    model = window.spans.model
    counts = {type(model).rowCount.__code__, type(model).columnCount.__code__}
    asked = []

    def profile(frame, event, _arg) -> None:
        if event == "call" and frame.f_code in counts:
            asked.append(frame.f_code.co_name)

    for at in PLACES:
        select(window, at, at + 6)
        for key, modifiers in PRESSES:
            asked.clear()
            sys.setprofile(profile)
            try:
                qtbot.keyClick(window.editor.view, key, modifiers)
                qtbot.wait(20)
            finally:
                sys.setprofile(None)
            assert len(asked) <= ASKED[key], (at, key, Counter(asked))
    select(window, PLACES[0], PLACES[0] + 6)
    qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
    qtbot.wait(20)
    span = window.editor.selected()
    assert span is not None
    rows = window.spans.table.selectionModel().selectedRows()
    assert [index.row() for index in rows] == [model.row_of(span.id)]
    assert window.spans.table.currentIndex().row() == model.row_of(span.id)


def test_the_spans_table_behind_another_tab_selects_the_span_once_shown(window, qtbot):
    """With History in front, each press announced its span to the Spans table, which
    selected its row and scrolled to it out of sight; now it selects the last span announced
    when it is shown."""
    view = window.spans.table
    calls = []
    view.selectionModel().currentRowChanged.connect(lambda row, _old: calls.append(row.row()))
    press_all(qtbot, window, 9)  # create, relabel, undo, delete: no span selected at the end
    select(window, 21, 27)
    qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
    qtbot.wait(20)
    assert calls == []
    window.spans.raise_()
    qtbot.waitUntil(lambda: bool(view.selectionModel().selectedRows()))
    span = window.editor.selected()
    assert span is not None
    assert [index.row() for index in view.selectionModel().selectedRows()] == \
        [window.spans.model.row_of(span.id)]
    assert calls == [window.spans.model.row_of(span.id)]


def test_the_spans_table_behind_another_tab_takes_the_changes_once_shown(window, qtbot):
    """With History in front, each span made or deleted put its row in the Spans table or
    took it out, which moved the rows of a view out of sight and laid it out again; now its
    model is told nothing until the table is shown, and then holds the rows the document's
    spans make (those of a fresh load)."""
    model = window.spans.model
    told = []
    for change in (model.rowsInserted, model.rowsRemoved, model.dataChanged, model.rowsMoved,
                   model.modelReset):
        change.connect(lambda *_args: told.append(1))
    for at in PLACES:
        press_all(qtbot, window, at)
    select(window, 21, 27)
    qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
    qtbot.wait(20)
    assert told == []
    window.spans.raise_()
    qtbot.waitUntil(lambda: bool(told))
    shown = [model.texts(row) for row in range(model.rowCount())]
    window.spans.reload()
    assert shown == [model.texts(row) for row in range(model.rowCount())]
    assert len(shown) == 3  # the claim over several lines, the army and the span made


def test_a_span_made_lays_out_no_part_of_the_span_panel(window, qtbot):
    """Each span made shows its offsets in the Span panel: the label's new text laid the
    panel's form out again (every row's sizes asked anew, the selectable label's text laid
    out in a document), ~0.6 M instructions of a create; now the form keeps its layout while
    the offsets fit their row."""
    inspector = window.inspector
    window.resizeDocks([inspector], [360], Qt.Orientation.Horizontal)  # the offsets fit
    warm_up(qtbot, window)
    layouts = Events(QEvent.Type.LayoutRequest, [inspector.form])
    shown = set()
    for at in PLACES:
        select(window, at, at + 6)
        qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
        qtbot.wait(10)
        shown.add(inspector.offsets.text())
        qtbot.keyClick(window.editor.view, Qt.Key.Key_Delete)
        qtbot.wait(10)
    assert len(shown) == len(PLACES) and layouts.total == 0, (shown, layouts.total)


def test_a_relabel_to_a_label_of_the_same_first_attributes_hides_and_lays_out_nothing(
        window, qtbot):
    """A DENIAL's attributes are a CLAIM's first two: a relabel and its undo showed the other
    label's page of fields, which sent a hide or show event to each field and caption of both
    pages and laid out the page, the stack, the form and the panel; they now show one page,
    the CLAIM's figure rows covered for a DENIAL, and the rows under it stay where they
    are."""
    inspector = window.inspector
    warm_up(qtbot, window)
    page = inspector.attributes.currentWidget()
    shown = Events((QEvent.Type.Show, QEvent.Type.Hide), page.findChildren(QWidget))
    layouts = Events(QEvent.Type.LayoutRequest, [inspector.form, inspector.attributes, page])
    note = inspector.note.geometry()
    labels = []
    for at in PLACES:
        select(window, at, at + 6)
        qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
        qtbot.wait(10)
        layouts.count.clear()
        for key, modifiers in PRESSES[1:3]:
            qtbot.keyClick(window.editor.view, key, modifiers)
            qtbot.wait(10)
            labels.append((inspector.span.label, list(inspector._editors)))
            assert inspector.attributes.currentWidget() is page
            assert inspector.note.geometry() == note
        qtbot.keyClick(window.editor.view, Qt.Key.Key_Delete)
        qtbot.wait(10)
        assert layouts.total == 0, layouts.count
    assert shown.total == 0, shown.count
    claim = ["certainty", "proposition", "figure", "figure_low", "figure_high"]
    assert labels == [("DENIAL", claim[:2]), ("CLAIM", claim)] * len(PLACES)


def test_a_span_made_draws_no_caption_of_the_span_panel_anew(window, qtbot):
    """A span made after none uncovers the Span panel's form, whose captions Qt's labels laid
    out and drew again at each paint (~0.06 M instructions each); they are now copied from a
    picture drawn once (desktop/caption.py), the first three from one over them."""
    inspector = window.inspector
    warm_up(qtbot, window)
    layout: QFormLayout = inspector.form.layout()
    captions = [layout.labelForField(field) for field in
                (inspector.label, inspector._offsets_row, inspector.text, inspector.note)]
    assert all(isinstance(caption, QLabel) for caption in captions)
    style = TextsDrawn()
    for caption in captions:
        caption.setStyle(style)
    kept = inspector.form.findChild(KeptCaptions)
    paints = Paints([*captions, kept])
    press_all(qtbot, window, PLACES[0])  # (a new style: drawn again once)
    style.texts.clear()
    for at in PLACES:
        press_all(qtbot, window, at)
    assert sum(paints.count.values()) > len(PLACES)  # the captions were shown
    assert style.texts == []


def test_a_span_made_paints_the_span_panels_first_captions_in_one_copy(window, qtbot):
    """The Span panel's first captions (Label, Offsets, Text) each painted their picture in a
    paint event written in Python (~20 K instructions a caption) at each span made after none;
    one widget over them now shows the three pictures, filled by Qt (desktop/caption.py), and
    the captions under it get no paint event. The panel looks as when the captions paint
    themselves. Fails on 7a5a122: the three captions painted at each span made."""
    inspector = window.inspector
    warm_up(qtbot, window)
    layout: QFormLayout = inspector.form.layout()
    captions = [layout.labelForField(field) for field in
                (inspector.label, inspector._offsets_row, inspector.text)]
    paints = Paints(captions)
    for at in PLACES:
        press_all(qtbot, window, at)
    assert sum(paints.count.values()) == 0
    select(window, PLACES[0], PLACES[0] + 6)
    qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
    shown = inspector.form.grab().toImage()
    inspector.form.findChild(KeptCaptions).hide()  # the captions paint themselves
    assert inspector.form.grab().toImage() == shown


def each_press(qtbot, window, paints):
    """Each of PRESSES at each of PLACES, its (key, modifiers) given once pressed and its
    paints counted afresh in ``paints``."""
    for at in PLACES:
        select(window, at, at + 6)
        for key, modifiers in PRESSES:
            paints.count.clear()
            qtbot.keyClick(window.editor.view, key, modifiers)
            qtbot.wait(20)
            yield key, modifiers


def test_a_span_made_after_none_paints_the_form_not_what_is_behind_it(window, qtbot):
    """A span made after none uncovers the Span panel's form: Qt gave a paint event to the
    panel, the cover and the form (all three in the window's colour), to the stack of
    attribute pages under the page shown and to the offsets' holder under their label. The
    form, the page and the label are opaque now: what is behind them is not painted, and what
    is on screen after each press is what the panel draws when painted whole."""
    inspector = window.inspector
    warm_up(qtbot, window)
    behind = [inspector.widget().widget(), inspector.form_cover, inspector.attributes,
              inspector._offsets_row]
    paints = Paints([inspector.form, *behind])
    counted: Counter[QWidget] = Counter()
    for key, _ in each_press(qtbot, window, paints):
        counted += paints.count
        shown = on_screen(inspector)  # (before the grab, which paints every widget)
        assert shown == inspector.grab().toImage().convertToFormat(shown.format()), key
    assert counted[inspector.form] >= len(PLACES)  # (uncovered: painted)
    assert [counted[widget] for widget in behind] == [0] * len(behind)


def test_a_relabel_and_its_undo_repaint_the_label_box_not_the_form_under_it(window, qtbot):
    """The label's drop-down is opaque in the form's colour: a relabel and its undo repaint it
    alone (behind it, Qt painted the form too, reached from the window down), and what is on
    screen after each is what the panel draws when painted whole."""
    inspector = window.inspector
    warm_up(qtbot, window)
    paints = Paints([inspector.form, inspector.label])
    for key, modifiers in each_press(qtbot, window, paints):
        if key != Qt.Key.Key_D and modifiers == Qt.KeyboardModifier.NoModifier:
            continue  # (a span made uncovers the form; one deleted covers it)
        assert paints.count[inspector.label] >= 1, key  # (the new label shown)
        assert paints.count[inspector.form] == 0, key
        shown = on_screen(inspector)
        assert shown == inspector.grab().toImage().convertToFormat(shown.format()), key


def test_a_span_made_or_relabelled_draws_no_attribute_caption_anew(window, qtbot,
                                                                    monkeypatch):
    """The captions of a label's fields are shown at each span made, relabel and undo: as
    selectable labels each laid its text out in a document at each paint; they are now
    captions as the form's own, copied from a picture drawn once."""
    inspector = window.inspector
    warm_up(qtbot, window)
    captions = [page.layout().itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
                for page in inspector._attribute_pages
                for row in range(page.layout().rowCount())]
    assert captions and all(isinstance(caption, Caption) for caption in captions)
    drawn = []
    real = Caption._drawn
    monkeypatch.setattr(Caption, "_drawn", lambda self, ratio: drawn.append(self.text()) or
                        real(self, ratio))
    paints = Paints(captions)
    for at in PLACES:
        press_all(qtbot, window, at)
    assert sum(paints.count.values()) >= len(PLACES) and drawn == []  # (painted: copied)


def test_a_span_deleted_draws_the_span_panels_note_from_a_kept_picture(window, qtbot,
                                                                       monkeypatch):
    """Each span deleted covers the Span panel's form with its note for no span, which a
    selectable label laid out in a document and drew at each paint (~0.2 M instructions of a
    delete); it is now copied from a picture drawn once (desktop/caption.py)."""
    inspector = window.inspector
    warm_up(qtbot, window)
    note = inspector.empty
    assert isinstance(note, Caption) and note.wordWrap()
    drawn = []
    real = Caption._drawn
    monkeypatch.setattr(Caption, "_drawn", lambda self, ratio: drawn.append(self.text()) or
                        real(self, ratio))
    paints = Paints([note])
    for at in PLACES:
        press_all(qtbot, window, at)
    assert paints.count[note] >= len(PLACES) and note.text() not in drawn


def test_a_span_mades_offsets_are_drawn_as_a_plain_line(window, qtbot):
    """The offsets of each span made were drawn by a selectable label, through a document
    laid out anew (~0.12 M instructions of a create, with its focus policy); the label is now
    plain, its line drawn by the style, until the mouse presses it."""
    inspector = window.inspector
    warm_up(qtbot, window)
    style = TextsDrawn()
    inspector.offsets.setStyle(style)
    shown = []
    for at in PLACES:
        select(window, at, at + 6)
        qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
        qtbot.waitUntil(lambda: inspector.offsets.text() in style.texts)
        shown.append(inspector.offsets.text())
        qtbot.keyClick(window.editor.view, Qt.Key.Key_Delete)
        qtbot.wait(10)
    assert len(set(shown)) == len(PLACES)


def test_the_span_panels_offsets_are_selected_with_the_mouse(window, qtbot):
    """Plain until pressed, the offsets are still selected by the mouse as a selectable
    label's (the press gives them the focus, for Ctrl+C); the next span's are plain again."""
    inspector = window.inspector
    select(window, 9, 15)
    qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
    qtbot.wait(20)
    offsets = inspector.offsets
    qtbot.mouseDClick(offsets, Qt.MouseButton.LeftButton, pos=QPoint(3, offsets.height() // 2))
    assert offsets.hasSelectedText() and offsets.selectedText() in offsets.text()
    assert offsets.hasFocus()
    assert offsets.textInteractionFlags() == Qt.TextInteractionFlag.TextSelectableByMouse
    select(window, 21, 27)
    qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
    qtbot.wait(20)
    assert not offsets.hasSelectedText()
    assert offsets.textInteractionFlags() == Qt.TextInteractionFlag.NoTextInteraction


def test_presses_showing_a_span_leave_the_link_note_field_as_it_is(window, qtbot):
    """Each press that shows a span (made, relabelled, undone) gave the link-note field its
    text, state and tooltip again, unchanged (six calls into Qt; the tooltip's each sent the
    field an event); now only a note other than the one shown is set."""
    warm_up(qtbot, window)
    field = window.inspector.link_note

    tips = Events(QEvent.Type.ToolTipChange, [field])
    for at in PLACES:
        press_all(qtbot, window, at)
    assert tips.total == 0
    assert not field.isEnabled() and field.text() == ""


def test_offsets_too_wide_for_their_row_lay_the_panel_out(window, qtbot):
    """Steady, not frozen: offsets that do not fit their row (a span of many pieces) still
    widen the form, as a label in the form's layout did."""
    warm_up(qtbot, window)
    inspector = window.inspector
    row = inspector.offsets.parentWidget()
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Tab)  # a span shown in the panel
    qtbot.waitUntil(lambda: inspector.span is not None)
    wide = "; ".join(f"{n}–{n + 1}" for n in range(1000, 1060))
    inspector.offsets.setText(wide)
    qtbot.waitUntil(lambda: inspector.offsets.width() >= inspector.offsets.sizeHint().width())
    assert row.width() >= inspector.offsets.sizeHint().width()


def test_new_counts_in_the_status_bar_measure_no_label(window, qtbot):
    """Each span made or deleted changes the counts in the status bar; a text no wider than
    the widest so far is set without the label's size hint (which lays the text out again,
    ~0.2 M instructions a press)."""
    warm_up(qtbot, window)
    label = window.status.progress
    asked = []
    real = label.sizeHint
    label.sizeHint = lambda: asked.append(1) or real()
    texts = set()
    for at in PLACES:
        press_all(qtbot, window, at, lambda: texts.add(label.text()))
    del label.sizeHint
    assert len(texts) > 1 and asked == [], (texts, len(asked))
    assert label.width() >= label.sizeHint().width()


def test_new_counts_and_offsets_ask_no_label_its_size(window, qtbot):
    """The status bar's counts and the Span panel's offsets, new at each span made or
    deleted: whether the new text fits, and which picture of the counts to copy, are told
    from the sizes the labels were last given, not asked of Qt at each press (two or three
    calls, ~5 K instructions each text)."""
    warm_up(qtbot, window)
    asked = []

    def profile(frame, event: str, arg: object) -> None:
        if event == "c_call" and getattr(arg, "__name__", "") in (
                "width", "height", "contentsRect") and \
                frame.f_code.co_filename.endswith(("kept_label.py", "steady_label.py")):
            asked.append(arg)

    sys.setprofile(profile)
    try:
        for at in PLACES:
            press_all(qtbot, window, at)
    finally:
        sys.setprofile(None)
    assert asked == []


def test_a_message_repaints_the_status_bar_not_the_window_under_it(window, qtbot):
    """A span made and an undo say so in the status bar: the bar repainted the main window
    under its message first; now the bar fills its own background (the same colour), and
    what shows is what a whole repaint of the window draws."""
    warm_up(qtbot, window)
    bar = window.status
    paints, under = Paints([bar]), Paints([window])
    select(window, 9, 15)
    qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
    qtbot.wait(20)
    assert bar.currentMessage().startswith("CLAIM")
    beneath = [region for region in under.regions if region.intersects(bar.geometry())]
    assert paints.count[bar] >= 1 and beneath == [], (paints.count[bar], beneath)
    shown = on_screen(window.status)
    window.repaint()
    assert on_screen(window.status) == shown
