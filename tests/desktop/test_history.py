"""The History dock lists the journal, filters it, and jumps to an entry's place; the schema
change undoes through the store, also in a window opened after a restart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import (
    QAbstractEventDispatcher,
    QEvent,
    QEventLoop,
    QObject,
    QSettings,
    QTimer,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from window_helpers import Looked

from annotate.commands import CreateSpan, DeleteSpan, relabel
from annotate.model import AnnotatedDocument, Span
from annotate.samples import sample_documents
from annotate.schema import Label
from db.store import Store
from desktop.main_window import MainWindow
from desktop.service import Service

pytestmark = pytest.mark.gui


def open_window(qtbot, path: Path, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Service(Store.open(path), "amina"), settings)
    qtbot.addWidget(window)
    window.show()
    assert QTest.qWaitForWindowExposed(window)
    return window


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents(AnnotatedDocument(d) for d in sample_documents()[:2])
    store.close()
    return path


def test_history_lists_filters_and_jumps_to_the_span(qtbot, path: Path, tmp_path: Path):
    window = open_window(qtbot, path, tmp_path)
    service = window.service
    first, second = (row.uid for row in service.store.list_documents())
    span = Span(first, 0, 3, "ORG", "amina")
    service.apply(CreateSpan(span))
    service.apply(relabel(service.store.span(span.id), "PERSON"))
    service.store.apply(CreateSpan(Span(second, 0, 3, "ORG", "bob")), "bob")
    window.history.show()
    window.history.raise_()
    dock = window.history
    qtbot.waitUntil(lambda: dock.model.rowCount() > 0)
    ops = [dock.model.text(i, 2) for i in range(dock.model.rowCount())]
    assert ops[:3] == ["create_span", "update_span", "batch"]  # newest first
    described = [dock.model.text(i, 3) for i in range(dock.model.rowCount())]
    assert described[1:3] == ["relabel ORG → PERSON [0, 3)",
                              "create ORG [0, 3) and status todo → in_progress"]
    dock.annotator.setCurrentIndex(dock.annotator.findData("bob"))
    assert [e.annotator for e in dock.entries] == ["bob"]
    dock.annotator.setCurrentIndex(0)
    dock.operation.setCurrentIndex(dock.operation.findData("update_span"))
    assert [e.op for e in dock.entries] == ["update_span"]
    service.open_document(second)
    dock.jump(0)  # the relabel: its document opens and its span is selected
    assert service.current == first
    assert window.editor.view.selected_span() == span.id
    dock.operation.setCurrentIndex(0)
    dock.this_document.setChecked(True)
    assert {e.document for e in dock.entries} == {first}
    window.service.store.close()


def test_a_schema_change_undoes_from_a_window_opened_after_a_restart(
    qtbot, path: Path, tmp_path: Path
):
    window = open_window(qtbot, path, tmp_path)
    schema = window.service.schema()
    assert window.service.set_schema(schema.with_label(Label("RUMOUR", "other", "#123456")))
    window.close()
    window.service.store.close()
    again = open_window(qtbot, path, tmp_path)
    assert again.service.can_undo_schema
    assert again.service.undo_schema()
    assert again.service.schema() == schema
    assert "RUMOUR" not in again.palette_dock.buttons
    again.service.store.close()


def test_an_entry_committed_after_a_newer_one_still_joins_the_list(
        qtbot, path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """On a server two annotators' edits commit at once, so an older journal entry can
    become visible after a newer one: following the journal must not skip it."""
    window = open_window(qtbot, path, tmp_path)
    service, dock = window.service, window.history
    monkeypatch.setattr(type(service.store), "commits_in_order", False)  # as on a server
    first = service.store.list_documents()[0].uid
    dock.show()
    dock.raise_()
    service.apply(CreateSpan(Span(first, 0, 3, "ORG", "amina")))
    qtbot.waitUntil(lambda: dock.model.rowCount() > 0)
    service.store.apply(CreateSpan(Span(first, 4, 7, "ORG", "bob")), "bob")  # older: in flight
    in_flight = service.store.history(limit=1)[0].id
    history = service.history
    monkeypatch.setattr(service, "history", lambda *args, **kwargs: [
        e for e in history(*args, **kwargs) if e.id != in_flight])
    service.apply(CreateSpan(Span(first, 8, 11, "ORG", "amina")))  # newer, seen first
    dock.follow()
    assert in_flight not in [e.id for e in dock.entries]
    monkeypatch.setattr(service, "history", history)  # bob's transaction commits
    dock.follow()
    ids = [e.id for e in dock.entries]
    assert in_flight in ids and ids == sorted(ids, reverse=True)
    assert dock.model.rowCount() == len(ids)
    assert [dock.model.text(i, 1) for i in range(3)] == ["amina", "bob", "amina"]
    window.service.store.close()


def test_another_programs_entry_before_a_press_joins_at_the_next_look(
        qtbot, path: Path, tmp_path: Path):
    """A press takes its own rows from the change set; a row another program committed just
    before it comes with the reload the watch's next look brings, in its place."""
    window = open_window(qtbot, path, tmp_path)
    service, dock = window.service, window.history
    first = service.store.list_documents()[0].uid
    dock.show()
    dock.raise_()
    service.apply(CreateSpan(Span(first, 0, 3, "ORG", "amina")))
    qtbot.waitUntil(lambda: dock.model.rowCount() > 0)
    other = Store.open(path)
    other.apply(CreateSpan(Span(first, 4, 7, "ORG", "bob")), "bob")
    other.close()
    service.apply(CreateSpan(Span(first, 8, 11, "ORG", "amina")))
    assert [e.annotator for e in dock.entries[:2]] == ["amina", "amina"]  # not read yet
    assert service.notice_outside_changes()
    assert [e.annotator for e in dock.entries[:3]] == ["amina", "bob", "amina"]
    assert dock.model.rowCount() == len(dock.entries)
    window.service.store.close()


class Paints(QObject):
    """Counts the paint events of the widget it filters."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        self.count += event.type() == QEvent.Type.Paint
        return False


def until_idle() -> None:
    """Run the event loop until it is about to block (as the window benchmark's settle)."""
    loop = QEventLoop()
    dispatcher = QAbstractEventDispatcher.instance()
    dispatcher.aboutToBlock.connect(loop.quit)
    QTimer.singleShot(0, lambda: None)
    loop.exec()
    dispatcher.aboutToBlock.disconnect(loop.quit)


def test_an_edit_repaints_the_history_before_the_window_is_idle(
        qtbot, path: Path, tmp_path: Path) -> None:
    window = open_window(qtbot, path, tmp_path)
    service = window.service
    dock = window.history
    dock.show()
    dock.raise_()
    first = service.store.list_documents()[0].uid
    words = [m.span() for m in re.finditer(r"\w+", service.store.document(first).text)]
    qtbot.waitUntil(lambda: not dock.visibleRegion().isEmpty())
    for n in range(3):
        service.apply(CreateSpan(Span(first, *words[2 * n], "ORG", "amina")))
        until_idle()
        qtbot.wait(50)  # what is left of one edit's work done before the next
        paints = Paints(dock.list.viewport())
        service.apply(CreateSpan(Span(first, *words[2 * n + 1], "ORG", "amina")))
        until_idle()
        assert paints.count >= 1  # the new entry shown within the edit's own turn
        assert dock.model.text(0, 3) == "create ORG [{}, {})".format(*words[2 * n + 1])
        paints.deleteLater()
    window.service.store.close()


def test_an_undo_finds_the_entry_it_marks_without_walking_the_list(
        qtbot, path: Path, tmp_path: Path):
    """An undo marks the entry it undid, and the next edit closes the undo's own: each entry
    marked is found by its id among those shown (newest first), not by looking at every entry
    shown at each change; the markers are those a reload shows."""
    window = open_window(qtbot, path, tmp_path)
    service, dock = window.service, window.history
    first = service.store.list_documents()[0].uid
    dock.show()
    dock.raise_()
    for n in range(50):
        span = Span(first, 0, 3, "ORG", "amina", f"s{n}")
        assert service.apply(CreateSpan(span))
        assert service.apply(DeleteSpan(span))
    qtbot.waitUntil(lambda: dock.model.rowCount() > 100)
    dock.entries = entries = Looked(dock.entries)
    assert service.undo()
    assert service.undo()
    assert service.apply(CreateSpan(Span(first, 4, 7, "ORG", "amina")))
    assert entries.looked < 50, entries.looked  # (three changes; 100 entries shown)
    shown = [(e.id, e.state) for e in dock.entries], \
        [dock.model.text(row, 2) for row in range(dock.model.rowCount())]
    assert [state for _id, state in shown[0][:5]] == \
        ["active", "closed", "closed", "undone", "undone"]  # (the two undos' rows, closed)
    dock.reload()
    assert shown == ([(e.id, e.state) for e in dock.entries],
                     [dock.model.text(row, 2) for row in range(dock.model.rowCount())])
    window.service.store.close()


def history_with_an_entry(qtbot, path: Path, tmp_path: Path) -> tuple[MainWindow, str]:
    """The window on ``path`` with the History in front, listing a span made in the first
    document (whose uid comes with it)."""
    window = open_window(qtbot, path, tmp_path)
    first = window.service.store.list_documents()[0].uid
    window.history.show()
    window.history.raise_()
    assert window.service.apply(CreateSpan(Span(first, 0, 3, "ORG", "amina")))
    qtbot.waitUntil(lambda: window.history.model.rowCount() > 0)
    return window, first


def test_the_history_knows_it_is_in_sight_without_asking_qt(qtbot, path: Path,
                                                             tmp_path: Path):
    """The History knows from its own signal whether it shows: edits with it in front ask
    Qt for its visible region none of the times (~10 K instructions a key press before);
    behind another tab an edit leaves it stale, and it lists the edit when shown again."""
    window, first = history_with_an_entry(qtbot, path, tmp_path)
    service, dock = window.service, window.history
    asked: list[int] = []
    dock.visibleRegion = lambda: asked.append(1) or QWidget.visibleRegion(dock)
    try:
        span = Span(first, 4, 7, "ORG", "amina", "made")
        assert service.apply(CreateSpan(span))
        assert service.apply(DeleteSpan(span))
    finally:
        del dock.visibleRegion
    assert asked == [] and dock.model.text(0, 2) == "delete_span"
    window.spans.raise_()
    qtbot.waitUntil(lambda: dock.visibleRegion().isEmpty())
    assert service.apply(CreateSpan(Span(first, 8, 9, "ORG", "amina", "later")))
    assert dock.model.text(0, 2) == "delete_span"
    dock.raise_()
    qtbot.waitUntil(lambda: dock.model.text(0, 2) == "create_span")
    window.service.store.close()


def test_a_marker_changed_asks_the_model_nothing(qtbot, path: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch):
    """The cell of an entry an undo marks is told changed without the model asked for its
    counts (Qt's ``index()`` asked the Python model for both, twice, at each marker)."""
    window, _ = history_with_an_entry(qtbot, path, tmp_path)
    model, asked, changed = window.history.model, [], []
    for name in ("rowCount", "columnCount"):
        counted = getattr(type(model), name)
        monkeypatch.setattr(model, name, lambda *args, counted=counted, name=name: (
            asked.append(name), counted(model, *args))[1])
    model.dataChanged.connect(lambda top, bottom: changed.append(
        (top.row(), top.column(), bottom.row(), bottom.column())))
    model.set_text(0, 2, "create_span (undone)")
    assert (asked, changed) == ([], [(0, 2, 0, 2)])
    assert model.text(0, 2) == "create_span (undone)"
    window.service.store.close()


def test_an_entry_taken_in_asks_the_filters_nothing(qtbot, path: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch):
    """Each edit's entries are filtered as the list is, and an annotator's or operation's
    first entry refills the filters' choices: the filters' values and choices are kept in
    Python, not asked of the drop-downs at each edit (five calls into Qt); a new choice and
    a new filter still count."""
    window, first = history_with_an_entry(qtbot, path, tmp_path)
    service, dock = window.service, window.history
    span = Span(first, 4, 7, "ORG", "amina")
    assert service.apply(CreateSpan(span))  # (the first create and delete: new choices)
    assert service.apply(DeleteSpan(span))
    asked = []
    for box in (dock.annotator, dock.operation):
        for name in ("findData", "currentData"):
            real = getattr(box, name)
            monkeypatch.setattr(box, name, lambda *args, real=real, name=name: (
                asked.append(name), real(*args))[1])
    for n in range(3):
        span = Span(first, 4, 7, "ORG", "amina", f"s{n}")
        assert service.apply(CreateSpan(span))
        assert service.apply(DeleteSpan(span))
    assert asked == [] and dock.model.text(0, 2) == "delete_span"
    monkeypatch.undo()
    assert service.apply(relabel(service.store.spans(first)[0], "PERSON"))  # a new operation
    assert dock.operation.findData("update_span") > 0
    dock.operation.setCurrentIndex(dock.operation.findData("update_span"))
    assert service.apply(CreateSpan(Span(first, 8, 9, "ORG", "amina")))
    assert [e.op for e in dock.entries] == ["update_span"]
    window.service.store.close()


def test_an_entry_put_on_top_makes_no_tooltip(qtbot, path: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch):
    """An entry's "What" keeps its whole text; its tooltip is made when asked for, not for
    each entry put on top at each key press (~10 K instructions for a tooltip seldom shown),
    and reads as before."""
    from PySide6.QtCore import Qt

    import desktop.history
    from desktop.plain import tooltip

    window, first = history_with_an_entry(qtbot, path, tmp_path)
    made = []
    monkeypatch.setattr(desktop.history, "tooltip", lambda text: made.append(text) or
                        tooltip(text))
    span = Span(first, 4, 7, "ORG", "amina")
    assert window.service.apply(CreateSpan(span))
    assert window.service.apply(DeleteSpan(span))
    assert made == []
    model = window.history.model
    assert model.index(0, 3).data(Qt.ItemDataRole.ToolTipRole) == tooltip("delete ORG [4, 7)")
    assert model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole) is None
    window.service.store.close()


def test_an_entry_keeps_no_more_of_a_long_what_than_its_tooltip_shows(qtbot, path: Path,
                                                                       tmp_path: Path):
    """A "What" of data as long as it may be (a refusal's reason, a document label's value)
    is kept for the tooltip only as far as the tooltip shows it, for each of the 500 entries
    listed: the tooltip reads as the whole text's."""
    from annotate.journal_entry import JournalEntry
    from desktop.plain import MESSAGE, tooltip

    window, _first = history_with_an_entry(qtbot, path, tmp_path)
    reason = "r" * 1_000_000
    entry = JournalEntry(1, "2026-12-07T17:00:00Z", "amina", "create_span_refused", "event",
                         "closed", {"op": "create_span", "reason": reason})
    row = window.history._row(entry, {})
    assert len(row[5]) <= MESSAGE + 1
    assert tooltip(row[5]) == tooltip(f"create_span of create_span refused: {reason}")
    window.service.store.close()
