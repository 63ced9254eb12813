"""Issue 17 point 3: with the Adjudication tab in front, the items of each document opened (and
after each edit of it) are read and aligned in a worker, never on the GUI thread: the text is
shown first and the table says "Aligning…" until the job ends; a newer document supersedes the
older alignment, and an edit made while one runs is in the items shown at the end."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from window_helpers import aligned, alignments_ended, open_window

from annotate import adjudication
from annotate.commands import CreateSpan, UpdateSpan
from annotate.model import GOLD, AnnotatedDocument, Document, Span
from db.store import Store
from desktop.main_window import MainWindow
from desktop.review import adjudication_tab
from desktop.review.adjudication_tab import ALIGNING_FIRST, REPLAN_MS

pytestmark = pytest.mark.gui

DOCUMENTS = 4


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    """Documents whose first claim amina and bo agree on, bo alone marking a denial; the
    window (amina's) on the first one, the Adjudication tab in front and aligned."""
    records = []
    for n in range(DOCUMENTS):
        doc = Document(f"Report {n}: the army denied that the convoy was ambushed.", f"R{n}")
        records.append(AnnotatedDocument(doc, (
            Span(doc.uid, 0, 8, "CLAIM", "amina", f"a{n}"),
            Span(doc.uid, 0, 8, "CLAIM", "bo", f"b{n}"),
            Span(doc.uid, 14, 24, "DENIAL", "bo", f"d{n}"),
        )))
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents(records)
    store.close()
    win = open_window(qtbot, path, tmp_path,
                      before_close=lambda window: alignments_ended(qtbot, window))
    win.review.open_panel()
    win.review.tabs.setCurrentWidget(win.review.adjudication)
    aligned(qtbot, win.review.adjudication)
    win.editor.view.setFocus()
    yield win
    win.service.store.close()


@pytest.fixture
def planners(monkeypatch) -> list[threading.Thread]:
    """The thread of each alignment (the old code and the new one align through it)."""
    threads: list[threading.Thread] = []
    plan = adjudication.plan_documents

    def recorded(*args, **kwargs):
        threads.append(threading.current_thread())
        return plan(*args, **kwargs)

    monkeypatch.setattr(adjudication, "plan_documents", recorded)
    return threads


@pytest.fixture
def held(monkeypatch) -> threading.Event:
    """The next alignment waits, once it has read its document, until the event is set."""
    release = threading.Event()
    plan = adjudication.plan_documents
    first = [True]

    def waiting(*args, **kwargs):
        if first[0]:
            first[0] = False
            release.wait(10)
        return plan(*args, **kwargs)

    monkeypatch.setattr(adjudication, "plan_documents", waiting)
    return release


def next_document(qtbot, window: MainWindow) -> None:
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_down_shows_the_text_then_the_items_aligned_in_a_worker(window, qtbot, planners):
    tab = window.review.adjudication
    first = window.service.current
    next_document(qtbot, window)
    uid = window.service.current
    assert uid != first and window.editor.text.startswith("Report 1:")
    assert tab.planning and tab.progress_text.text() == "Aligning…"
    assert tab.items == [] and tab.model.rowCount() == 0  # none of the last document's
    assert not tab.agreed_button.isEnabled()
    aligned(qtbot, tab)
    assert [(i.kind, i.document) for i in tab.items] == [("agreed", uid), ("single", uid)]
    assert tab.model.rowCount() == 2 and tab.progress_text.text() == "0 of 2 decided"
    assert tab.agreed_button.isEnabled()
    assert planners and threading.main_thread() not in planners


def test_a_newer_document_supersedes_the_alignment_under_way(window, qtbot, held,
                                                             monkeypatch):
    tab = window.review.adjudication
    shown: list[str] = []
    show = tab._show_items
    monkeypatch.setattr(tab, "_show_items", lambda uid, found: (shown.append(uid),
                                                                show(uid, found)))
    next_document(qtbot, window)  # its alignment waits
    next_document(qtbot, window)
    third = window.service.current
    held.set()
    qtbot.waitUntil(lambda: not len(tab._plans), timeout=10_000)  # both ended
    assert shown == [third]
    assert {i.document for i in tab.items} == {third} and tab.model.rowCount() == 2


def test_an_edit_while_the_document_is_aligned_is_in_the_items_shown(window, qtbot, held):
    tab = window.review.adjudication
    next_document(qtbot, window)  # its alignment read the document, and waits
    uid = window.service.current
    assert tab.planning
    mine = Span(uid, 14, 24, "DENIAL", "amina", "new")
    assert window.service.apply(CreateSpan(mine)) is not None
    held.set()
    qtbot.waitUntil(lambda: not tab.planning and len(tab.items) == 2
                    and tab.items[1].kind == "agreed", timeout=10_000)
    assert tab.items[1].ids == {"new", f"d{1}"}
    assert [tab.model.index(r, 0).data() for r in range(tab.model.rowCount())] == \
        ["✓ agreed", "✓ agreed"]


def test_edits_while_the_document_is_aligned_do_not_restart_its_alignment(window, qtbot, held,
                                                                         monkeypatch):
    """Typing with pauses longer than REPLAN_MS used to cancel the alignment under way and start
    it again at each pause: on a big document none ended while the analyst typed."""
    tab = window.review.adjudication
    started = []
    start = tab._plans.start
    monkeypatch.setattr(tab._plans, "start", lambda job: (started.append(job), start(job)))
    next_document(qtbot, window)  # its alignment read the document, and waits
    uid = window.service.current
    for n in range(3):  # an edit, then a pause past REPLAN_MS
        span = Span(uid, 30 + 3 * n, 32 + 3 * n, "CLAIM", "amina", f"k{n}")
        assert window.service.apply(CreateSpan(span)) is not None
        qtbot.wait(REPLAN_MS * 2)
    assert len(started) == 1 and not started[0].cancelled
    held.set()
    qtbot.waitUntil(lambda: not tab.planning, timeout=10_000)
    assert len(started) == 2  # once more, for the edits it may not have read
    assert {"k0", "k1", "k2"} <= {i for item in tab.items for i in item.ids}


def test_no_decision_is_taken_on_items_an_edit_has_made_stale(window, qtbot):
    """An edit of the document's spans aligns it again a moment later (REPLAN_MS): a decision
    asked for meanwhile is not taken on the items still shown (amina relabels her span: the
    item agreed on CLAIM is agreed no more; accepting it wrote CLAIM into gold as agreed), the
    alignment starts at once and the reviewer is told."""
    tab = window.review.adjudication
    uid = window.service.current
    agreed = tab.items[0]
    assert agreed.kind == "agreed" and tab.agreed_button.isEnabled()
    ours = next(s for s in agreed.spans if s.annotator == "amina")
    told: list[str] = []
    window.service.hub.message.connect(told.append)
    assert window.service.apply(UpdateSpan(ours, replace(ours, label="DENIAL"))) is not None
    assert tab.accept_agreed() == 0
    assert not tab.accept(agreed, agreed.spans[1])
    tab.select(0)
    assert not tab.reject_selected()
    assert told == [ALIGNING_FIRST] * 3
    aligned(qtbot, tab)
    assert window.service.store.decisions(uid) == []
    assert window.service.store.spans(uid, [GOLD]) == []
    assert [item.kind for item in tab.items] == ["label", "single"]


def test_no_decision_is_taken_on_an_item_aligned_anew_while_a_dialog_asked(window, qtbot):
    """The item a dialog asked about (Edit and accept) was aligned anew meanwhile, amina's
    span in it moved by one character: the decision is not taken on the item as it was."""
    tab = window.review.adjudication
    uid = window.service.current
    agreed = tab.items[0]
    ours = next(s for s in agreed.spans if s.annotator == "amina")
    assert window.service.apply(UpdateSpan(ours, replace(ours, end=ours.end - 1))) is not None
    qtbot.waitUntil(lambda: tab.items[0] != agreed, timeout=10_000)  # (while the dialog was open)
    aligned(qtbot, tab)
    assert not tab.accept(agreed, agreed.spans[0])
    assert window.service.store.decisions(uid) == []


def test_many_items_are_let_go_out_of_sight_and_aligned_again_when_shown(window, qtbot,
                                                                         monkeypatch):
    tab = window.review.adjudication
    assert len(tab.items) == 2
    window.spans.raise_()  # the review dock behind the Spans dock: the items are kept
    qtbot.waitUntil(lambda: tab.visibleRegion().isEmpty())
    assert len(tab.items) == 2 and tab.model.rowCount() == 2
    window.review.raise_()
    monkeypatch.setattr(adjudication_tab, "HELD_OUT_OF_SIGHT", 1)
    window.spans.raise_()  # more than it keeps out of sight: let go
    qtbot.waitUntil(lambda: tab.visibleRegion().isEmpty())
    assert tab.items == [] and tab.model.rowCount() == 0
    window.review.raise_()  # shown again: aligned again
    qtbot.waitUntil(lambda: len(tab.items) == 2 and not tab.planning, timeout=10_000)
    assert tab.model.rowCount() == 2
    assert [i.kind for i in tab.items] == ["agreed", "single"]


def test_the_item_selected_stays_selected_when_many_items_are_let_go_and_aligned_again(
        window, qtbot, monkeypatch):
    """The reviewer's item was lost (none selected, the table at its top) each time they looked
    at another tab and back on a document of more than HELD_OUT_OF_SIGHT items."""
    tab = window.review.adjudication
    tab.select(1)
    chosen = tab.selected_row()
    assert chosen is not None and chosen.kind == "single"
    monkeypatch.setattr(adjudication_tab, "HELD_OUT_OF_SIGHT", 1)
    window.spans.raise_()
    qtbot.waitUntil(lambda: tab.visibleRegion().isEmpty())
    assert tab.items == []
    window.review.raise_()
    qtbot.waitUntil(lambda: len(tab.items) == 2 and not tab.planning, timeout=10_000)
    assert tab.selected_row() is not None and tab.selected_row().ids == chosen.ids
