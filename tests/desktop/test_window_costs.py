"""What a key press in the main window costs, counted: the store reads it makes, the rows a
table measures, the work a dock out of sight does. Each count is one a regression would raise
with the size of the store or of the document (issue 17)."""

from __future__ import annotations

import gc
import re
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import event
from window_helpers import aligned, open_window, select_words

from annotate.commands import AddRelation, CreateSpan
from annotate.model import AnnotatedDocument, Document, Relation, Span
from annotate.review_plan import DocumentPlan
from db import review, search
from db.store import Store
from desktop.main_window import MainWindow
from desktop.statusbar import ProgressJob
from desktop.textview.regions import CHUNK

pytestmark = pytest.mark.gui

DOCUMENTS = 400
WHO = "amina"


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """Documents of a few sentences, each with spans of the window's annotator and another's."""
    records = []
    for n in range(DOCUMENTS):
        text = f"Report {n}: the army denied that the convoy was ambushed near Kidal on day {n}."
        doc = Document(text, f"Report {n}")
        records.append(AnnotatedDocument(doc, (
            Span(doc.uid, 12, 20, "ORG", WHO, f"a{n}"),
            Span(doc.uid, 21, 27, "DENIAL", "bo", f"b{n}"),
        )))
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents(records)
    store.close()
    return path


@pytest.fixture
def window(qtbot, store_path: Path, tmp_path: Path) -> Iterator[MainWindow]:
    """The window once the status bar's counts, read in a worker below the GUI thread, have
    come: a press counted meanwhile would count the worker's reads as its own."""
    win = open_window(qtbot, store_path, tmp_path, WHO)
    qtbot.waitUntil(lambda: win.status.counts is not None, timeout=10_000)
    yield win
    win.service.store.close()


@contextmanager
def counted(owner: type, names: tuple[str, ...]) -> Iterator[Counter[str]]:
    """Count the calls of ``owner``'s methods ``names`` while the block runs."""
    calls: Counter[str] = Counter()
    real = {name: owner.__dict__[name] for name in names}
    for name, method in real.items():
        def wrapper(*args, _method=method, _name=name, **kwargs):
            calls[_name] += 1
            return _method(*args, **kwargs)
        setattr(owner, name, wrapper)
    try:
        yield calls
    finally:
        for name, method in real.items():
            setattr(owner, name, method)


PRESSES = (
    ("create", Qt.Key.Key_C, Qt.KeyboardModifier.NoModifier),
    ("relabel", Qt.Key.Key_D, Qt.KeyboardModifier.NoModifier),
    ("undo", Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
    ("delete", Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier),
)
READS = ("spans", "span", "span_count", "count_documents", "done_count", "list_documents",
         "status", "relations", "document")


def test_a_key_press_reads_nothing_back_that_grows_with_the_store(window, qtbot):
    """Create, relabel, undo and delete: the views take the new values from the change set,
    the status bar and the document list count from its deltas. No press reads a whole
    document's spans or counts over the store; at most the inspector looks up the new span
    and its document's links."""
    select_words(window, "convoy")
    reads: dict[str, Counter[str]] = {}
    for kind, key, modifiers in PRESSES:
        with counted(Store, READS) as calls:
            qtbot.keyClick(window.editor.view, key, modifiers)
        reads[kind] = calls
    assert window.editor.selected() is None  # deleted
    span_ids = {s.id for s in window.service.store.spans(window.service.current)}
    assert span_ids == {"a0", "b0"} & span_ids
    for kind, calls in reads.items():
        assert calls["spans"] == calls["span_count"] == calls["count_documents"] == 0, kind
        assert calls["done_count"] == calls["list_documents"] == calls["document"] == 0, kind
        assert calls["span"] + calls["relations"] + calls["status"] <= 3, (kind, calls)


def test_key_presses_after_the_first_read_no_status_relations_or_span(window, qtbot):
    """The first edit of a document reads its status (to mark it in progress) and the shown
    span's links once; every press after it takes them from what the changes carried: no
    status, relation or span is read back, with the review dock in front too."""
    select_words(window, "convoy")
    qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    for front in (window.spans, window.review):
        front.raise_()
        qtbot.wait(200)  # brought in front: its own reads
        select_words(window, "ambushed")
        for kind, key, modifiers in PRESSES:
            with counted(Store, READS) as calls:
                qtbot.keyClick(window.editor.view, key, modifiers)
            assert calls["status"] == calls["relations"] == calls["span"] == 0, (kind, calls)
    model = window.documents.model
    assert model.document_row(model.row_of(window.service.current)).status == "in_progress"


def test_the_adjudication_tab_in_front_follows_a_burst_of_presses(window, qtbot):
    """With the review dock in front, a key press ends with its own repaint: a moment after
    the last press, the items follow each edit of the burst, stretch by stretch, and the
    table shows them; the document is not read or aligned again (it was, after every burst:
    the whole document aligned for an edit of one span)."""
    window.review.raise_()
    tab = window.review.adjudication
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2)
    select_words(window, "convoy")
    with counted(review, ("document_review",)) as calls, \
            counted(DocumentPlan, ("edit",)) as edits:
        for key, modifiers in ((Qt.Key.Key_C, Qt.KeyboardModifier.NoModifier),
                               (Qt.Key.Key_D, Qt.KeyboardModifier.NoModifier)):
            qtbot.keyClick(window.editor.view, key, modifiers)
            assert edits["edit"] == 0
        qtbot.waitUntil(lambda: edits["edit"] == 2)  # amina's CLAIM made, then relabelled
        qtbot.wait(300)
        assert calls["document_review"] == 0 and edits["edit"] == 2
    assert aligned(qtbot, tab).model.rowCount() == 3  # amina's new DENIAL is an item of its own
    assert tab.rows == review.document_review(window.service.store,
                                              window.service.current).items


def test_the_adjudication_tab_follows_the_presses_on_a_document_with_links(window, qtbot):
    """A document with a link: its relation items follow an edit too (where the link's ends
    are is followed), the document is not read or aligned again (it was at every edit)."""
    uid = window.service.current
    org = next(s for s in window.service.store.spans(uid) if s.annotator == WHO)
    denial = Span(uid, 21, 27, "DENIAL", WHO, "linked")
    window.service.apply(CreateSpan(denial))
    window.service.apply(AddRelation(uid, Relation("DENIED_BY", denial.id, org.id, WHO)))
    window.review.raise_()
    tab = aligned(qtbot, window.review.adjudication)
    assert len(tab.relation_items) == 1 and tab.model.rowCount() == 3  # ORG, DENIAL, link
    select_words(window, "convoy")
    with counted(review, ("document_review",)) as calls, \
            counted(DocumentPlan, ("edit",)) as edits:
        for key in (Qt.Key.Key_C, Qt.Key.Key_D):
            qtbot.keyClick(window.editor.view, key)
        qtbot.waitUntil(lambda: edits["edit"] == 2)
        qtbot.wait(300)
        assert calls["document_review"] == 0 and edits["edit"] == 2
    assert aligned(qtbot, tab).model.rowCount() == 4
    found = review.document_review(window.service.store, uid)
    assert list(tab.rows) == [*found.items, *found.relation_items]


def test_the_adjudication_tab_out_of_sight_follows_the_edits_once_shown(window, qtbot):
    """Edits made while the Agreement tab is in front are followed when the Adjudication tab
    is brought forward again, without reading or aligning the document (a document's change
    while out of sight still aligns it anew)."""
    window.review.raise_()
    tab = window.review.adjudication
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2)
    window.review.tabs.setCurrentWidget(window.review.agreement)
    select_words(window, "convoy")
    with counted(review, ("document_review",)) as calls, \
            counted(DocumentPlan, ("edit",)) as edits:
        for key in (Qt.Key.Key_C, Qt.Key.Key_D, Qt.Key.Key_Delete):  # made, relabelled, gone
            qtbot.keyClick(window.editor.view, key)
        select_words(window, "Kidal")
        qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
        qtbot.wait(300)
        assert edits["edit"] == 0  # out of sight: no work
        window.review.tabs.setCurrentWidget(tab)
        qtbot.waitUntil(lambda: edits["edit"] == 4 and not tab.planning)
        assert calls["document_review"] == 0
    assert tab.rows == review.document_review(window.service.store,
                                              window.service.current).items
    assert [row.spans[0].label for row in tab.rows] == ["ORG", "DENIAL", "CLAIM"]
    window.review.tabs.setCurrentWidget(window.review.agreement)
    window.service.open_document(window.documents.model.document_row(1).uid)
    with counted(review, ("document_review",)) as calls:
        window.review.tabs.setCurrentWidget(tab)
        qtbot.waitUntil(lambda: calls["document_review"] == 1 and not tab.planning)


def test_the_status_bar_counts_in_a_worker_and_again_after_an_edit_meanwhile(
        window, qtbot, monkeypatch):
    """The status bar's counts scan the store (0.7 s for 2 million spans): a worker reads
    them, the bar saying so meanwhile; an edit landing while it counts is counted too."""
    threads: list[threading.Thread] = []
    real = Store.span_count

    def span_count(self, *args, **kwargs):
        threads.append(threading.current_thread())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Store, "span_count", span_count)
    window.service.hub.storeChanged.emit()  # as after another program wrote: count again
    assert window.status.progress.text().startswith("counting")
    select_words(window, "convoy")
    qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: not window.status.counting)
    assert window.status.progress.text().startswith(f"0 of {DOCUMENTS} done · "
                                                    f"{DOCUMENTS + 1} spans")
    assert threads and all(t is not threading.main_thread() for t in threads)


def test_the_status_bar_counts_once_at_a_time_however_often_it_is_asked(window, qtbot,
                                                                         monkeypatch):
    """Another program writing every second asks for the counts every second: one worker
    counts at a time (each opens the store), and the last ask is counted."""
    started: list[ProgressJob] = []
    real = ProgressJob.start

    def start(job):
        started.append(job)
        real(job)

    monkeypatch.setattr(ProgressJob, "start", start)
    qtbot.waitUntil(lambda: not window.status.counting)
    for _ in range(5):
        window.service.hub.storeChanged.emit()
    assert len(started) == 1
    window.service.store.apply(CreateSpan(Span(window.service.current, 0, 6, "ORG", WHO,
                                               "outside")), WHO)  # as another program
    window.service.hub.storeChanged.emit()
    qtbot.waitUntil(lambda: not window.status.counting)
    assert len(started) == 2
    assert window.status.progress.text().startswith(f"0 of {DOCUMENTS} done · "
                                                    f"{DOCUMENTS + 1} spans")


def test_status_bar_and_document_list_follow_edits_from_their_deltas(window, qtbot):
    qtbot.waitUntil(lambda: not window.status.counting)
    uid = window.service.current
    model = window.documents.model
    before = model.document_row(model.row_of(uid))
    assert (before.span_count, before.status) == (1, "todo")
    select_words(window, "convoy")
    qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
    row = model.document_row(model.row_of(uid))
    assert (row.span_count, row.status) == (2, "in_progress")
    assert window.status.progress.text().startswith(f"0 of {DOCUMENTS} done · "
                                                    f"{DOCUMENTS + 1} spans")
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.status.progress.text().startswith(f"1 of {DOCUMENTS} done")
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    row = model.document_row(model.row_of(uid))
    assert (row.span_count, row.status) == (1, "todo")
    assert window.status.progress.text().startswith(f"0 of {DOCUMENTS} done · "
                                                    f"{DOCUMENTS} spans")
    store = window.service.store
    assert (store.span_count(WHO), store.done_count(WHO)) == (DOCUMENTS, 0)


def test_an_edit_measures_no_rows_of_the_document_list(window, qtbot):
    """Columns are sized once: an edit repaints the row it changed, it does not measure every
    fetched row again (ResizeToContents did, thousands of data() calls per edit)."""
    model = window.documents.model
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == DOCUMENTS
    qtbot.wait(50)
    select_words(window, "convoy")
    calls = []
    real = model.data
    model.data = lambda *args: calls.append(args) or real(*args)  # Qt calls the instance's
    qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
    qtbot.wait(50)  # the repaint
    del model.data
    assert model.document_row(0).span_count == 2  # the edit is shown
    assert len(calls) < DOCUMENTS, len(calls)


def test_the_adjudication_tab_plans_nothing_while_out_of_sight(window, qtbot):
    """The review dock behind the spans dock: edits leave its table alone; brought in front,
    it aligns the document once."""
    assert window.spans.visibleRegion().isEmpty() is False
    with counted(review, ("document_review",)) as calls:
        for _ in range(3):
            select_words(window, "convoy")
            qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
            qtbot.keyClick(window.editor.view, Qt.Key.Key_Delete)
        assert calls["document_review"] == 0
        window.review.raise_()
        qtbot.waitUntil(lambda: calls["document_review"] == 1)
        qtbot.wait(50)
        assert calls["document_review"] == 1
    tab = aligned(qtbot, window.review.adjudication)
    assert tab.model.rowCount() == 2  # amina's ORG and bo's DENIAL, one item each


def test_the_search_index_is_built_off_the_gui_thread(window, qtbot, monkeypatch):
    """The window's search never indexes on the GUI thread: from the first key typed, a job
    brings the index up to date in the background (in chunks), and the list follows once it
    is done."""
    threads: list[threading.Thread] = []
    real = search.refresh_index

    def indexing(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(search, "refresh_index", indexing)
    store = window.service.store
    store.import_documents([AnnotatedDocument(Document("A zebracorn was sighted.", "Z"))])
    assert store.search_index_behind()
    window.service.hub.storeChanged.emit()  # as the import dialog does: every view reloads
    window.documents.search.setText("zebracorn")
    model = window.documents.model
    qtbot.waitUntil(lambda: model.total == 1, timeout=10_000)
    assert model.document_row(0).title == "Z"
    assert threads and all(t is not threading.main_thread() for t in threads)
    assert not store.search_index_behind()


def test_next_document_reads_the_store_once(window, qtbot):
    """Ctrl+Down: the document and what the views show of it (its spans, links, document
    labels, suggestions) come from one read transaction; no view reads on its own."""
    first = window.service.current
    reads = (*READS, "doc_labels", "suggestions", "links_into", "history")
    with counted(Store, ("_read", *reads)) as calls:
        qtbot.keyClick(window.editor.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert window.service.current != first
    assert calls["_read"] == 1 and not any(calls[name] for name in reads), calls
    assert window.spans.model.rowCount() == 1 and len(window.editor.spans()) == 1


@contextmanager
def transactions(window: MainWindow) -> Iterator[Counter[str]]:
    """Count the transactions begun on the window's store, and the statements run through
    SQLAlchemy's execution (compiled and cache-keyed, several times the cost of SQLite's
    running a small one), while the block runs."""
    seen: Counter[str] = Counter()
    engine = window.service.store.engine

    def begun(_conn: object) -> None:
        seen["transactions"] += 1

    def executed(*_args: object) -> None:
        seen["sqlalchemy statements"] += 1

    event.listen(engine, "begin", begun)
    event.listen(engine, "before_cursor_execute", executed)
    try:
        yield seen
    finally:
        event.remove(engine, "begin", begun)
        event.remove(engine, "before_cursor_execute", executed)


JOURNAL_READS = ("history", "journal_states", "next_undo", "next_redo", "suggestions")


def test_a_key_press_is_one_write_transaction_and_reads_nothing_back(window, qtbot):
    """With each dock of the bottom area in front: every press (create, relabel, undo,
    delete) is one transaction, its write, whose statements go to the driver as written; the
    History dock takes the journal rows from the change set, the undo's message its own row,
    the suggestion layer keeps what it shows from the change, the Ledger follows the claims a
    moment later (it read them in the press's own turn) and the watch does not take the
    window's own commit for another program's."""
    select_words(window, "convoy")
    qtbot.keyClick(window.editor.view, Qt.Key.Key_C)  # the document now in progress (read once)
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Delete)
    for front in (window.spans, window.history, window.review, window.dashboard,
                  window.ledger):
        front.raise_()
        qtbot.wait(200)  # brought in front: its own reads
        qtbot.waitUntil(lambda: not window.ledger.building)  # (built in a worker)
        select_words(window, "ambushed")
        for kind, key, modifiers in PRESSES:
            with transactions(window) as seen, counted(Store, JOURNAL_READS) as reads:
                qtbot.keyClick(window.editor.view, key, modifiers)
            where = (front.objectName(), kind)
            assert seen == {"transactions": 1}, (where, seen)
            assert not reads, (where, reads)
        assert not window.service.notice_outside_changes(), front.objectName()
    assert window.history.entries[0].op == "delete_span"


def test_the_history_reads_one_document_of_an_import_and_counts_them(window, qtbot):
    """The History dock reloads after every change while shown: an import's journal row names
    every document it touched (100,000 for a big corpus), and only the first is read."""
    window.history.raise_()
    qtbot.waitUntil(lambda: bool(window.history.entries))
    imported = next(e for e in window.history.entries if e.op == "import")
    assert len(imported.documents) == 1 and imported.touched == DOCUMENTS
    row = window.history.entries.index(imported)
    where = window.history.model.text(row, 4)
    assert where.endswith(f"and {DOCUMENTS - 1} more")
    full = window.service.store.history(None, None)[-1]
    assert (full.op, len(full.documents), full.touched) == ("import", DOCUMENTS, None)


def history_rows(window: MainWindow) -> list[list[str]]:
    listed = window.history.model
    return [[listed.text(row, c) for c in range(listed.columnCount())]
            for row in range(listed.rowCount())]


def test_the_history_in_front_reads_only_the_new_entries_of_a_press(window, qtbot):
    """With the History dock in front, a key press adds the entries it wrote on top and marks
    what it undid or closed, from the change set: it reads no journal rows; the list is what
    reading it all again would show."""
    store = window.service.store
    for n in range(30):  # a journal of some length, by another annotator
        store.apply(CreateSpan(Span(window.service.current, 0, 6, "ORG", "bo", f"old{n}")),
                    "bo")
    window.history.raise_()
    qtbot.waitUntil(lambda: len(window.history.entries) > 30)
    real = Store.history
    read: list[int] = []

    def history(self, *args, **kwargs):
        found = real(self, *args, **kwargs)
        read.append(len(found))
        return found

    select_words(window, "convoy")
    shown: dict[str, list[list[str]]] = {}
    for kind, key, modifiers in (*PRESSES[:3], ("again", Qt.Key.Key_O,
                                                Qt.KeyboardModifier.NoModifier)):
        read.clear()
        Store.history = history
        try:
            qtbot.keyClick(window.editor.view, key, modifiers)
        finally:
            Store.history = real
        assert read == [], (kind, read)
        shown[kind] = history_rows(window)
        window.history.reload()
        assert history_rows(window) == shown[kind], kind
    assert shown["undo"][0][2] == "undo update_span"
    assert shown["undo"][1][2] == "update_span (undone)"
    assert shown["again"][1][2] == "undo update_span (closed)"  # an edit after it: no redo


class Resizes(QObject):
    """Counts the resize events of the widgets it filters."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        self.count += event.type() == QEvent.Type.Resize
        return False


def test_the_span_panel_keeps_its_size_as_spans_come_and_go(window, qtbot):
    """A create shows the new span's form in the Span panel and a delete the note for none:
    neither resizes the panel's contents nor brings its scroll bars or takes them away."""
    scroll = window.inspector.widget()
    bars = (scroll.horizontalScrollBar(), scroll.verticalScrollBar())
    select_words(window, "convoy")
    qtbot.keyClick(window.editor.view, Qt.Key.Key_O)  # the form gets the label's fields
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Delete)
    qtbot.wait(20)
    resizes = Resizes()
    scroll.widget().installEventFilter(resizes)
    select_words(window, "convoy")
    shown = []
    for key in (Qt.Key.Key_O, Qt.Key.Key_Delete) * 2:
        qtbot.keyClick(window.editor.view, key)
        qtbot.wait(20)  # the layout
        shown.append(tuple(bar.isVisible() for bar in bars))
        if key == Qt.Key.Key_Delete:
            select_words(window, "convoy")
    assert window.inspector.span is None
    assert resizes.count == 0 and len(set(shown)) == 1, (resizes.count, shown)


def test_a_document_opens_with_the_garbage_collector_paused(window, qtbot):
    """The views read and style the next document's spans (200,000 of them in a big one)
    with the cyclic collector paused, and it runs again once they are done."""
    seen: list[bool] = []
    window.service.hub.documentChanged.connect(lambda _uid: seen.append(gc.isenabled()))
    assert gc.isenabled()
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert seen == [False] and gc.isenabled()


def python_calls(action) -> int:
    """How many Python functions ``action`` calls (a count, not a time: the same on a busy
    machine)."""
    calls = 0

    def profile(_frame, event, _arg):
        nonlocal calls
        calls += event == "call"

    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(None)
    return calls


def test_a_key_press_does_the_same_work_on_a_document_of_many_spans(qtbot, tmp_path):
    """Create, relabel, undo and delete on a document of 4,000 spans call no more Python than
    on one of 40: nothing walks, sorts or copies the document's spans per press."""
    records = []
    for count in (40, 4_000):
        text = " ".join(f"word{n} ambushed" for n in range(count))
        doc = Document(text, f"{count} spans")
        records.append(AnnotatedDocument(doc, tuple(
            Span(doc.uid, start, start + 8, "ORG", WHO, f"s{count}-{n}")
            for n, start in enumerate(m.start() for m in re.finditer("ambushed", text)))))
    path = tmp_path / "sizes.sqlite"
    store = Store.open(path)
    store.import_documents(records)
    store.close()
    window = open_window(qtbot, path, tmp_path, WHO)
    work = {}
    for record in records:
        window.service.open_document(record.document.uid)
        qtbot.wait(50)
        calls = 0
        for word in ("word1", "word2", "word3"):
            select_words(window, word)
            for _kind, key, modifiers in PRESSES:
                calls += python_calls(lambda k=key, m=modifiers: qtbot.keyClick(
                    window.editor.view, k, m))
        work[len(record.spans)] = calls
    window.service.store.close()
    assert work[4_000] < work[40] * 1.2, work


def test_a_relabel_and_its_undo_make_no_new_fields_in_the_span_panel(window, qtbot):
    """The Span panel keeps each label's attribute fields once made: relabelling a span and
    undoing it shows the fields already made, with the span's values (making and dropping
    them was half of the panel's work on such a press)."""
    select_words(window, "convoy")
    qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
    inspector = window.inspector
    claim = dict(inspector._editors)
    assert claim  # a CLAIM has attributes
    qtbot.keyClick(window.editor.view, Qt.Key.Key_D)
    assert inspector.span.label == "DENIAL"
    denial = dict(inspector._editors)
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert inspector.span.label == "CLAIM"
    assert all(inspector._editors[name] is editor for name, editor in claim.items())
    assert inspector.fields()[1:1 + len(claim)] == [e.widget for e in claim.values()]
    qtbot.keyClick(window.editor.view, Qt.Key.Key_D)
    assert all(inspector._editors[name] is editor for name, editor in denial.items())


class Paints(QObject):
    """Counts the paint events of every widget, by widget."""

    def __init__(self) -> None:
        super().__init__()
        self.by_widget: Counter[QObject] = Counter()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.by_widget[watched] += 1
        return False


def test_next_document_repaints_no_link_lane_or_legend_that_stays_the_same(window, qtbot):
    """Ctrl+Down between documents without links: the text is repainted, the link lane beside
    it (empty before and after) and the legend (the same layers) are not."""
    qtbot.wait(50)  # the window's first paint
    view = window.editor.view
    paints = Paints()
    app = QApplication.instance()
    app.installEventFilter(paints)
    try:
        for _ in range(2):
            qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
            qtbot.wait(20)  # the repaint
    finally:
        app.removeEventFilter(paints)
    assert paints.by_widget[view.viewport()] >= 2
    assert paints.by_widget[view.lane] == paints.by_widget[window.editor.legend] == 0, \
        (paints.by_widget[view.lane], paints.by_widget[window.editor.legend])


def test_next_document_runs_a_few_statements_on_the_driver(window, qtbot):
    """Ctrl+Down's one read runs each of its statements on the driver's cursor (SQLAlchemy's
    compiling and result rows cost ten times what SQLite takes for such a small read): the
    document, the names of labels and annotators, its spans, suggestions, links and labels."""
    store = window.service.store
    compiled: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        compiled.append(statement)

    event.listen(store.engine, "before_cursor_execute", note)
    driver = store._kept.connection.driver_connection  # the GUI thread's connection
    traced: list[str] = []
    driver.set_trace_callback(traced.append)
    try:
        qtbot.keyClick(window.editor.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    finally:
        driver.set_trace_callback(None)
        event.remove(store.engine, "before_cursor_execute", note)
    assert compiled == []
    reads = [s for s in traced if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) <= 7 and len(traced) <= 9, traced
    assert window.spans.model.rowCount() == 1


def test_a_key_press_sets_only_the_counts_of_the_status_bar(window, qtbot):
    """An edit changes the counts and the state: the annotator's and the store's names are
    not made and set again on each press (they change with the annotator or the store)."""
    qtbot.waitUntil(lambda: not window.status.counting)
    status = window.status
    names: list[str] = []
    status.annotator.setText = names.append  # Qt calls the instance's
    status.store.setText = names.append
    select_words(window, "convoy")
    for _kind, key, modifiers in PRESSES:
        qtbot.keyClick(window.editor.view, key, modifiers)
    del status.annotator.setText, status.store.setText
    assert names == []
    assert status.progress.text().startswith(f"0 of {DOCUMENTS} done · {DOCUMENTS} spans")
    window.service.set_annotator("noor")
    assert "noor" in status.annotator.text()


def test_a_span_made_in_a_long_document_is_shown_without_reading_it_back(qtbot, tmp_path):
    """A document longer than a region keeps only the spans read for the regions shown; the
    Span panel showed each span just made by reading it back from the store (a read
    transaction a key press). It takes it from the change, as for a short document."""
    doc = Document("The army denied that the convoy was ambushed near Kidal. " * 1_000, "Long")
    assert len(doc.text) > CHUNK
    path = tmp_path / "long.sqlite"
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(doc, (Span(doc.uid, 4, 8, "ORG", WHO, "a"),))])
    store.close()
    window = open_window(qtbot, path, tmp_path, WHO)
    assert window.service.current == doc.uid
    select_words(window, "convoy")
    qtbot.keyClick(window.editor.view, Qt.Key.Key_C)  # the document's first edit: its status
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    select_words(window, "ambushed")
    with counted(Store, READS) as calls:
        qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
    made = window.editor.selected()
    assert made is not None and made.label == "CLAIM"
    assert window.inspector.span == made
    assert calls["span"] == calls["spans"] == 0, calls
    window.service.store.close()


def test_the_spans_table_knows_it_is_in_sight_without_asking_qt(window, qtbot):
    """The Spans dock knows from its own signal whether it shows: a make, relabel, undo and
    delete with it in front ask Qt for the table's visible region none of the times (~20 µs
    each, two or three times a press, before); behind the History's tab a span made waits,
    and its row comes, selected, when the Spans tab is shown again."""
    spans, table = window.spans, window.spans.table
    spans.raise_()
    qtbot.waitUntil(lambda: not table.visibleRegion().isEmpty())
    asked: list[int] = []
    real = table.visibleRegion
    table.visibleRegion = lambda: asked.append(1) or real()
    try:
        select_words(window, "convoy")
        for _kind, key, modifiers in PRESSES:
            qtbot.keyClick(window.editor.view, key, modifiers)
            qtbot.wait(1)
    finally:
        del table.visibleRegion
    assert asked == []
    rows = spans.model.rowCount()
    window.history.raise_()
    qtbot.waitUntil(lambda: table.visibleRegion().isEmpty())
    select_words(window, "ambushed")
    qtbot.keyClick(window.editor.view, Qt.Key.Key_C)
    made = window.inspector.span
    assert made is not None and spans.model.rowCount() == rows
    spans.raise_()
    qtbot.waitUntil(lambda: spans.model.rowCount() == rows + 1)
    assert [spans.model.data(index, Qt.ItemDataRole.UserRole)
            for index in table.selectionModel().selectedRows()] == [made.id]
