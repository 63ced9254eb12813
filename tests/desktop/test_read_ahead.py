"""Stepping through the document list reads the next documents ahead (issue 17): the store is
read once every AHEAD + 1 steps, not at each; a document read ahead is shown as the store
holds it when it is opened: another program's commit, a change made in the window or another
annotator have it read again."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from window_helpers import open_window, painted

from annotate.commands import CreateSpan
from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store
from desktop.main_window import MainWindow
from desktop.plain_cells import PlainCells
from desktop.service import AHEAD
from desktop.textview.regions import CHUNK

pytestmark = pytest.mark.gui

WHO = "amina"
TEXT = "The army denied that the convoy was ambushed near Kidal on the road north. " * 3
COUNT = AHEAD + 4


def document(n: int, long: int = -1) -> Document:
    """Document ``n`` (longer than a document read ahead may be if it is document ``long``)."""
    return Document(f"{n}. {TEXT * (1 + CHUNK // AHEAD // len(TEXT) if n == long else 1)}",
                    f"Report {n}")


def make_store(tmp_path: Path, long: int = -1) -> Path:
    """A store of COUNT documents, document n holding n % 3 spans of WHO, document ``long``
    too long to be read ahead."""
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents(
        AnnotatedDocument(d, tuple(Span(d.uid, 10 * k + 4, 10 * k + 9, "ORG", WHO, f"s{n}-{k}")
                                   for k in range(n % 3)))
        for n, d in enumerate(document(n, long) for n in range(COUNT)))
    store.close()
    return path


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return make_store(tmp_path)


def shown_window(qtbot, path: Path, tmp_path: Path) -> MainWindow:
    """The window on ``path``, the Spans table in front, the first document shown."""
    win = open_window(qtbot, path, tmp_path, WHO)
    win.welcome.hide()
    win.spans.raise_()
    painted(qtbot, win)
    assert win.service.current == document(0).uid
    return win


@pytest.fixture
def window(qtbot, path: Path, tmp_path: Path) -> Iterator[MainWindow]:
    win = shown_window(qtbot, path, tmp_path)
    yield win
    win.service.store.close()


@pytest.fixture
def reads(window: MainWindow, monkeypatch) -> list[Store]:
    return counted_reads(monkeypatch, window)


def counted_reads(monkeypatch, window: MainWindow) -> list[Store]:
    """Each read transaction of the window's store, from now on."""
    found: list[Store] = []
    real = Store._read

    def counted(self: Store):
        if self is window.service.store:
            found.append(self)
        return real(self)

    monkeypatch.setattr(Store, "_read", counted)
    return found


def step(qtbot, window: MainWindow, key: Qt.Key = Qt.Key.Key_Down) -> None:
    qtbot.keyClick(window.editor.view, key, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(10)


def shown(window: MainWindow) -> tuple[str, list[str]]:
    """The title above the text and the ids of the spans the Spans table lists."""
    model = window.spans.model
    return window.editor.title.text(), [model.data(model.index(row, 0),
                                                   Qt.ItemDataRole.UserRole)
                                        for row in range(model.rowCount())]


def expected(n: int) -> tuple[str, list[str]]:
    return f"Report {n}", [f"s{n}-{k}" for k in range(n % 3)]


def test_steps_read_the_store_once_every_few_documents(qtbot, window: MainWindow,
                                                       reads: list[Store]) -> None:
    for n in range(1, AHEAD + 2):
        step(qtbot, window)
        assert shown(window) == expected(n)
    assert len(reads) == 1  # the first step's, which read the next AHEAD documents too
    step(qtbot, window)
    assert shown(window) == expected(AHEAD + 2)
    assert len(reads) == 2
    for n in range(AHEAD + 1, AHEAD - 2, -1):  # back up the list: read again, and ahead
        step(qtbot, window, Qt.Key.Key_Up)
        assert shown(window) == expected(n)
    assert len(reads) == 3


def test_another_programs_commit_has_a_document_read_ahead_read_again(
        qtbot, path: Path, tmp_path: Path, monkeypatch) -> None:
    """The step after the commit reads the store again by itself: the window's watch, which
    would have every view read it again at its next tick (once a second: it came between the
    commit and the count when the machine was slow), does not tick here."""
    monkeypatch.setattr("desktop.service.WATCH_MS", 3_600_000)
    window = shown_window(qtbot, path, tmp_path)
    try:
        reads = counted_reads(monkeypatch, window)
        step(qtbot, window)
        other = Store.open(path)
        other.apply(CreateSpan(Span(document(2).uid, 0, 2, "ORG", WHO, "outside")), WHO)
        other.close()
        step(qtbot, window)  # before the window's watch noticed the commit
        assert shown(window) == ("Report 2", ["outside", "s2-0", "s2-1"])
        assert len(reads) == 2
    finally:
        window.service.store.close()


def test_a_change_made_in_the_window_has_the_documents_read_ahead_read_again(
        qtbot, window: MainWindow, reads: list[Store]) -> None:
    """(A change of another document than the one shown: an undo, a review's decision.)"""
    step(qtbot, window)
    made = window.service.apply(CreateSpan(Span(document(2).uid, 0, 2, "ORG", WHO, "mine")))
    assert made is not None
    read = len(reads)
    step(qtbot, window)
    assert shown(window) == ("Report 2", ["mine", "s2-0", "s2-1"])
    assert len(reads) == read + 1


def test_another_annotator_has_the_documents_read_ahead_read_again(
        qtbot, window: MainWindow, reads: list[Store]) -> None:
    step(qtbot, window)
    window.service.set_annotator("bilal")
    read = len(reads)
    step(qtbot, window)
    assert shown(window) == ("Report 2", [])  # bilal's layer: no spans
    assert len(reads) > read


def test_a_long_document_is_not_read_ahead(qtbot, tmp_path: Path, monkeypatch) -> None:
    """What is read ahead holds at most the text of one document read whole (a region): a
    longer document is read when opened, and those after it with it."""
    window = shown_window(qtbot, make_store(tmp_path, long=2), tmp_path)
    try:
        reads = counted_reads(monkeypatch, window)
        step(qtbot, window)  # the first, and the next AHEAD but the long one: read
        assert len(reads) == 1
        step(qtbot, window)
        assert shown(window) == expected(2) and len(window.editor.text) > CHUNK // AHEAD
        assert len(reads) == 2  # read when opened, with the next AHEAD
        for n in range(3, AHEAD + 3):
            step(qtbot, window)
            assert shown(window) == expected(n)
        assert len(reads) == 2
        step(qtbot, window)
        assert len(reads) == 3
    finally:
        window.service.store.close()


def distinct_store(tmp_path: Path) -> Path:
    """A store of COUNT documents, document n holding two spans of WHO at offsets no other
    document's spans have (their rows' cells all new at each step)."""
    path = tmp_path / "d.sqlite"
    store = Store.open(path)
    store.import_documents(
        AnnotatedDocument(d, tuple(Span(d.uid, 3 * n + k * 40, 3 * n + k * 40 + 9, "ORG", WHO,
                                        f"d{n}-{k}") for k in range(2)))
        for n, d in enumerate(document(n) for n in range(COUNT)))
    store.close()
    return path


@pytest.fixture
def laid_out(monkeypatch) -> list[Hashable]:
    """What each Spans table cell laid out as a new string shows, from now on (the windows
    made after it rest 50 ms, not 300, before laying out the next document's rows)."""
    monkeypatch.setattr("desktop.spans_table.AHEAD_PAUSE_S", 0.05)
    found: list[Hashable] = []
    real = PlainCells._lay_out

    def counted(self: PlainCells, option, data: Hashable, room: int, look) -> str | None:
        found.append(data)
        return real(self, option, data, room, look)

    monkeypatch.setattr(PlainCells, "_lay_out", counted)
    return found


def spans_cells(window: MainWindow) -> QImage:
    table = window.spans.table
    table.viewport().repaint()
    return table.viewport().grab().toImage()


def test_a_pause_lays_out_the_next_documents_rows_before_the_step_opens_it(
        qtbot, tmp_path: Path, laid_out: list[Hashable]) -> None:
    """Resting on a document, the analyst gives the window the time to lay out the cells of
    the Spans table's rows of the next document (read ahead with this one): the step that
    opens it draws them from static texts prepared then, not as new strings laid out and
    shaped on the key press; they look as new strings drawn would (pixel for pixel). Fails
    on 5cd36dc: the step drew each new Start, End and Text cell as a new string."""
    window = shown_window(qtbot, distinct_store(tmp_path), tmp_path)
    try:
        step(qtbot, window)  # reads the next AHEAD documents
        qtbot.wait(200)  # the pause
        laid_out.clear()
        step(qtbot, window)
        assert shown(window) == ("Report 2", ["d2-0", "d2-1"])
        assert laid_out == []
        drawn = spans_cells(window)
        window.spans.table.itemDelegate()._laid.clear()  # drawn anew, as new strings
        assert spans_cells(window) == drawn
        assert len(laid_out) >= 3 * 2  # (that repaint laid out their Start, End and Text)
    finally:
        window.service.store.close()


def test_rows_laid_out_ahead_show_what_the_store_holds_when_the_step_opens_them(
        qtbot, tmp_path: Path, laid_out: list[Hashable], monkeypatch) -> None:
    """Another program's commit after the next document's rows were laid out ahead: the step
    reads it again and shows its spans as stored (the new one's cells laid out then)."""
    monkeypatch.setattr("desktop.service.WATCH_MS", 3_600_000)
    path = distinct_store(tmp_path)
    window = shown_window(qtbot, path, tmp_path)
    try:
        step(qtbot, window)
        qtbot.wait(200)
        other = Store.open(path)
        other.apply(CreateSpan(Span(document(2).uid, 7, 11, "ORG", WHO, "outside")), WHO)
        other.close()
        laid_out.clear()
        step(qtbot, window)
        assert shown(window) == ("Report 2", ["d2-0", "outside", "d2-1"])
        assert {7, 11} <= set(laid_out)  # the new span's Start and End
    finally:
        window.service.store.close()


def test_a_pause_makes_the_next_documents_rows_cells_before_the_step_opens_it(
        qtbot, tmp_path: Path, laid_out: list[Hashable], monkeypatch) -> None:
    """What the cells of the next document's rows show (their offsets, excerpts, names) is
    made in the pause too: the step's paint asks the Spans model for none of them. Fails on
    99655ac: the step made each of the two rows' six cells."""
    window = shown_window(qtbot, distinct_store(tmp_path), tmp_path)
    try:
        step(qtbot, window)
        qtbot.wait(200)
        model = window.spans.model
        made: list[str] = []
        real = type(model)._cells
        monkeypatch.setattr(type(model), "_cells", lambda self, span, text=None: (
            made.append(span.id), real(self, span, text))[1])
        step(qtbot, window)
        assert shown(window) == ("Report 2", ["d2-0", "d2-1"])
        assert made == []
        assert [model.texts(row)[1:3] for row in range(2)] == [[6, 15], [46, 55]]
    finally:
        window.service.store.close()
