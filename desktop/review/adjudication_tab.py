"""The Adjudication tab of the review dock: the current document's aligned items side by side,
one column per annotator, and the decisions that settle them into the gold layer.

Span items come first, then relation items (:mod:`annotate.relation_items`). A boundary
disagreement shows each annotator's span within the stretch all of them cover, with the edges
that differ marked (:mod:`desktop.review.edges`); an attributes disagreement lists the differing
values in each cell and is decided per attribute under the table
(:class:`~desktop.review.attribute_choices.AttributeChoices`).

Every decision is one command through :meth:`Service.apply` (journaled for the reviewer, undone
by Ctrl+Z, announced on the hub); accepting every agreed item of the corpus runs as a
background job on its own store, one undoable step per document. The items of each document
opened (and after each edit of it) are read and aligned by a background job too (a long
document's in a child process, off the window's interpreter lock: :class:`PlanJob`): the text is
shown at once, the table once the job ends ("Aligning…" meanwhile; an alignment that takes a
while shows its progress and a cancel button). Its items are shown only if the document and the
store did not change meanwhile (any change starts a fresh alignment and drops the one under
way)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QHideEvent, QKeySequence, QShowEvent, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotate import adjudication
from annotate.adjudication import Item
from annotate.commands import ChangeSet, Command, SpanEdit
from annotate.errors import Cancelled, CounterclaimError, ValidationError
from annotate.model import GOLD, Span
from annotate.offsets import OffsetMap
from annotate.relation_items import (
    RelationItem,
    accept_relation_command,
    reject_relation_command,
)
from annotate.review_plan import DocumentPlan, Splice
from db import review
from db.review import DocumentReview
from db.store import Store
from desktop.aligned_rows import (
    Planned,
    Row,
    Rows,
    agreed_open,
    aligned,
    aligned_apart,
    followed_counts,
    plan_rows,
)
from desktop.editor import Editor
from desktop.jobs import ChildJob, Job, Latest, worker_location
from desktop.plain import NAME, line, mnemonic, tooltip
from desktop.review.attribute_choices import AttributeChoices
from desktop.review.doc_items import DocItemsPanel
from desktop.review.edges import RichTextDelegate
from desktop.review.item_cells import RowCells, row_cells
from desktop.review.items_model import ItemsModel, ItemsTable
from desktop.service import Service

SIDE_KEY = "Ctrl+Shift+{}"
"""Accept the Nth annotator's span (N = 1..9, the columns from the left)."""
REJECT_KEY, EDIT_KEY, AGREED_KEY = "Ctrl+Shift+R", "Ctrl+Shift+E", "Ctrl+Shift+A"
NEXT_KEY, PREVIOUS_KEY = "Alt+Down", "Alt+Up"
"""The tab's keys work while the focus is in the tab (its table, its buttons): none of them is
taken by the window's menus or the editor (see Help ▸ Keyboard shortcuts)."""
REPLAN_MS = 150
"""How long after an edit of the current document its items are aligned again: a key press
ends with its own repaint, and a burst of edits costs one alignment."""
ALIGNING_FIRST = "aligning this document first; decide again once its items are shown"
"""Said when a decision is asked for on items that an edit since their alignment made stale."""
FOLLOWED_EDITS = 2_000
"""Edits kept for the items to follow while the tab is out of sight: beyond, the document is
aligned again when shown."""
APART_SPANS = 10_000
"""Spans of a document (every annotator's) from which it is aligned in a child process. A
thread's alignment holds the window's GIL ~25 µs a span (0.25 s at 10,000 spans, 0.6 s at
22,000, 3 s at 200,000; a key press meanwhile waited for it up to 0.1 s at 22,000 spans and
0.3 s at 200,000); the child's start costs ~0.5 s of CPU (its Python and the store's
modules), more than a second's wait for the items on a loaded machine."""
HELD_OUT_OF_SIGHT = 50_000
"""Most items kept while the tab is out of sight; a document with more is aligned again when
the tab is shown (the items of a 200,000-span document hold ~37 MB, which the Ledger's build,
say, then needed on top)."""


def with_key(tip: str, key: str) -> str:
    return f"{tip} ({QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)})"


def layer_edit(changes: ChangeSet) -> bool:
    """Whether ``changes`` edit spans of annotators' layers only (no gold span, no decision
    alone)."""
    return bool(changes.edits) and all(
        span is None or span.annotator != GOLD for edit in changes.edits for span in edit)


def followed(changes: ChangeSet) -> bool:
    """Whether the items of a :class:`~annotate.review_plan.DocumentPlan` can follow
    ``changes`` edit by edit: edits of annotators' spans (:func:`layer_edit`), with no link,
    document label or schema changed and no one's document marked done or no longer done
    (who is compared)."""
    return (layer_edit(changes) and not changes.relations and not changes.doc_labels
            and not changes.schema
            and all("done" not in (before, after)
                    for _uid, _who, before, after in changes.statuses))


class AcceptAgreedJob(Job):
    """:func:`db.review.accept_agreed` over the whole corpus, for ``decided_by``."""

    def __init__(self, location: str, decided_by: str) -> None:
        super().__init__(location)
        self.decided_by = decided_by

    def work(self, store: Store) -> int:
        return review.accept_agreed(store, self.decided_by)


class PlanJob(ChildJob):
    """The review items of document ``uid`` (:func:`db.review.document_review`) as rows in
    place of ``base`` (the rows the tab shows: :func:`~desktop.aligned_rows.plan_rows`);
    None when cancelled. A document of :data:`APART_SPANS` spans or more is aligned in a
    child process (:func:`~desktop.aligned_rows.aligned_apart`), off the window's GIL; a
    shorter one on the job's own Store. Its first progress report comes once it has run
    :data:`~desktop.jobs.REPORT_EVERY_S`: a quick alignment reports nothing."""

    def __init__(self, location: str, uid: str, base: Sequence[Row], edits: int) -> None:
        super().__init__(location)
        self.uid, self.base = uid, base
        self.edits = edits
        """The tab's count of edits followed when the job started: its plan is kept for the
        edits to follow only if none came while it ran (the read may or may not hold them)."""

    def open_store(self) -> Store:
        return self.attach_store()

    def work(self, store: Store) -> Planned | None:
        self._last_report = time.monotonic()
        try:
            if store.span_count(uid=self.uid) < APART_SPANS:
                return aligned(store, self.uid, self.base, self.step)
            return replace(self.apart(aligned_apart, self.uid, self.base), base=self.base)
        except Cancelled:
            return None


class AdjudicationTab(QWidget):
    """The items of the editor's document, their status, and the adjudication actions."""

    def __init__(self, service: Service, editor: Editor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service, self.editor = service, editor
        self.items: Sequence[Item] = []
        self.relation_items: list[RelationItem] = []
        self.annotators: tuple[str, ...] = ()
        self._text = ("", OffsetMap(""))  # (document text, its offset map) for highlighting
        self._stale = True
        self._job: AcceptAgreedJob | None = None
        self._plans: Latest[PlanJob] = Latest()  # aligning the current document
        self._planned: str | None = None  # the document the items belong to, once aligned
        self._reselect: Row | None = None
        self._agreed_open = False  # some item shown is agreed and open
        self._doc_plan: DocumentPlan | None = None  # the items shown, kept for edits
        self._edits: list[SpanEdit] = []  # edits of the document since the items shown
        self._edit_count = 0  # edits of the current document's spans heard
        self._replan = QTimer(self, singleShot=True, interval=REPLAN_MS)
        self._replan.timeout.connect(self._after_edits)
        self._catch_up = QTimer(self, singleShot=True, interval=0)
        self._catch_up.timeout.connect(self.catch_up)
        self.model = ItemsModel(self._cells, self)
        self.table = ItemsTable(self.model)
        self.table.setAccessibleName("Review items")
        self.table.setItemDelegate(RichTextDelegate(self.table))
        self._showing = False  # rows being put in: their selection is not the reviewer's
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._on_selected())
        self.progress_text = QLabel()
        self.progress_text.setTextFormat(Qt.TextFormat.PlainText)
        self.progress_bar = QProgressBar()
        self.progress_bar.setFormat("%p%")
        self.progress_bar.setMaximumWidth(220)
        self.plan_button = QPushButton()
        self.plan_button.setVisible(False)
        self.plan_button.clicked.connect(lambda _checked=False: self._plan_button_clicked())
        self.side_buttons: dict[str, QPushButton] = {}
        self.side_actions: dict[str, QAction] = {}
        self.sides = QHBoxLayout()
        self.edit_button = self._button("Edit and accept…", self.edit_and_accept,
                                        with_key("Adjust label, bounds and attributes (a "
                                                 "relation: its type), then accept into gold",
                                                 EDIT_KEY))
        self.reject_button = self._button("Reject", self.reject_selected,
                                          with_key("Keep this group's spans out of gold",
                                                   REJECT_KEY))
        self.agreed_button = self._button("Accept agreed (document)", self.accept_agreed,
                                          with_key("Accept every open agreed item of this "
                                                   "document", AGREED_KEY))
        self.edit_action = self._key_action("Edit and accept the review item…", EDIT_KEY,
                                            self.edit_and_accept)
        self.reject_action = self._key_action("Reject the review item", REJECT_KEY,
                                              self.reject_selected)
        self.agreed_action = self._key_action("Accept agreed review items in document",
                                              AGREED_KEY, self.accept_agreed)
        self.next_action = self._key_action("Next open review item", NEXT_KEY,
                                            lambda: self.step_open(1))
        self.previous_action = self._key_action("Previous open review item", PREVIOUS_KEY,
                                                lambda: self.step_open(-1))
        self.corpus_button = self._button("Accept agreed (corpus)", self.accept_agreed_corpus,
                                          "Accept every open agreed item of every document, "
                                          "one undo step per document")
        top = QHBoxLayout()
        top.addWidget(self.progress_text)
        top.addWidget(self.progress_bar)
        top.addWidget(self.plan_button)
        top.addStretch(1)
        top.addWidget(self.agreed_button)
        top.addWidget(self.corpus_button)
        actions = QHBoxLayout()
        for action, text in ((self.previous_action, "▲ Previous open"),
                             (self.next_action, "▼ Next open")):
            action.setIconText(text)  # what the tool button shows
            step = QToolButton()
            step.setDefaultAction(action)
            actions.addWidget(step)
        actions.addLayout(self.sides)
        actions.addWidget(self.edit_button)
        actions.addWidget(self.reject_button)
        actions.addStretch(1)
        self.doc_items = DocItemsPanel(service, self)
        self.attribute_choices = AttributeChoices(self.accept, self)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.doc_items)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.attribute_choices)
        layout.addLayout(actions)
        hub = service.hub
        hub.documentChanged.connect(lambda _uid: self.reload())
        hub.storeChanged.connect(self.reload)
        hub.changed.connect(self._on_changed)
        self._update_buttons()

    def _button(self, text: str, slot: Callable[[], object], tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tooltip(tip))
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def _key_action(self, text: str, key: str, slot: Callable[[], object]) -> QAction:
        """An action of the tab: its key works while the focus is in the tab; it is listed
        under Help ▸ Keyboard shortcuts."""
        action = QAction(mnemonic(text), self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(tooltip(with_key(line(text), key)))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    # -- loading ---------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.catch_up_soon()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.set_aside()

    def catch_up(self) -> None:
        """Re-plan now if changes came while the tab was out of sight."""
        if self._stale:
            self.refresh()

    def catch_up_soon(self) -> None:
        """:meth:`catch_up` once the event that shows the tab is handled: a dock brought in
        front by its tab is told so while the dock it replaces still covers it (its visible
        region empty, the tab would stay stale until the next change)."""
        self._catch_up.start()

    def set_aside(self) -> None:
        """Out of sight (another tab or dock in front), the tab does no work: an alignment
        under way is dropped (done again when shown): a long document's alignment takes
        hundreds of megabytes. More than :data:`HELD_OUT_OF_SIGHT` items are let go too (the
        item selected is selected again once aligned)."""
        if self._plans.job is not None:
            self._plans.cancel()
            self._stale = True
        elif len(self.items) > HELD_OUT_OF_SIGHT:
            chosen = self.selected_row()
            self._empty()
            self._stale, self._planned, self._reselect = True, None, chosen

    def _empty(self) -> None:
        """Show no items (none planned, no edit to follow)."""
        self._show_items("", plan_rows(self.model.rows, DocumentReview([], [], [])))
        self._doc_plan, self._edits = None, []

    def _on_changed(self, changes: ChangeSet) -> None:
        """A change of the current document: an annotator's edit of their spans (a key press
        in the text) is followed a moment later (:data:`REPLAN_MS`), a decision aligns the
        document again at once; out of sight, once shown again. The items shown follow an
        edit stretch by stretch (:meth:`DocumentPlan.edit`) when they were aligned from the
        document as it was before it; else the document is aligned again."""
        uid = self.service.current
        if uid not in changes.documents:
            return
        if not layer_edit(changes):
            self.reload()
            return
        self._edit_count += 1
        if followed(changes) and len(self._edits) < FOLLOWED_EDITS:
            self._edits += [edit for edit in changes.edits
                            if (edit[0] or edit[1]).document == uid]  # type: ignore[union-attr]
        else:
            self._doc_plan = None
        self._replan.start()

    def _after_edits(self) -> None:
        """The edits of a moment ago: followed on the items shown; while the document is
        being aligned, left to that alignment's end, which aligns it once more (typing never
        restarts an alignment: on a 20,000-span document each took ~0.45 s of the
        interpreter's lock from the key presses, and none ended while the analyst typed)."""
        job = self._plans.job
        if job is not None and job.uid == self.service.current:
            return
        self.refresh()

    def reload(self) -> None:
        """Align the current document again (another document, store or a decision): no
        edit is followed on the items shown."""
        self._doc_plan = None
        self.refresh()

    def refresh(self) -> None:
        """Bring the items up to date with the current document (only when on screen; else
        on the next show): the edits since they were aligned followed, or the document
        aligned again, keeping the selected item selected when it is still there. A dock
        tabbed behind another one stays visible to Qt, but shows nothing: it waits too."""
        if self.visibleRegion().isEmpty():
            self._stale = True
            return
        if not self._follow_edits():
            self._plan()

    def _follow_edits(self) -> bool:
        """Apply the edits since the items shown were aligned to their plan, each edit's
        stretches aligned again and the rows they changed told to the view; False (the
        document to be aligned again) when there is no plan for the current document, or an
        edit it cannot follow."""
        plan, edits = self._doc_plan, self._edits
        self._edits = []
        if plan is None or self._plans.job is not None or plan.uid != self.service.current \
                or self._planned != plan.uid:
            return False
        self._stale = False
        self._replan.stop()
        chosen = self.selected_row()
        for before, after in edits:
            if not self._follow(plan, chosen, before, after):
                self._doc_plan = None  # refused, nothing changed: the document aligned again
                return False
        self.items = plan.items  # the rows shown, with plan.relation_items
        decided, total, self._agreed_open = followed_counts(plan, self.doc_items.items)
        self._show_progress(decided, total)
        return True

    def _follow(self, plan: DocumentPlan, chosen: Row | None, before: Span | None,
                after: Span | None) -> bool:
        """Apply one edit to ``plan``, the view told of the rows it changes as they change
        (:meth:`ItemsModel.changing`), ``chosen`` kept selected; False: refused."""
        spliced: list[Splice | None] = []

        def put() -> range:
            splice = plan.edit(before, after, self.model.changing)
            spliced.append(splice)
            return range(0) if splice is None else \
                range(splice.first, splice.first + len(splice.added))

        self._put_rows(chosen, put)
        return spliced[0] is not None

    def _plan(self) -> bool:
        """Align the current document in a :class:`PlanJob` (False), the table saying so
        meanwhile; at once when there is none or no job can open the store (True)."""
        self._stale = False
        self._replan.stop()
        self._plans.cancel()
        self._doc_plan, self._edits = None, []
        if self._planned is not None:
            self._reselect = self.selected_row()
        uid = self.service.current
        if not uid:
            self._empty()
            return True
        try:
            location = worker_location(self.service.store)
        except CounterclaimError:
            self._show_items(uid, plan_rows(self.model.rows, self.service.document_review(uid)))
            return True
        if uid != self._planned:
            self._show_waiting("Aligning…", None)
        job = PlanJob(location, uid, self.model.rows, self._edit_count)
        job.signals.stepped.connect(self._on_plan_step)
        job.signals.finished.connect(self._on_planned)
        job.signals.failed.connect(self._on_plan_failed)
        self._plans.start(job)
        self._update_buttons()  # rows shown stay, no decision taken on them until aligned again
        return False

    def _on_plan_step(self, done: int, total: int) -> None:
        """A long alignment's progress: the bar shows it, with a button to cancel it."""
        if not self._plans.sent(self.sender()):
            return
        if not self.plan_button.isVisible():
            self.progress_text.setText("Aligning the annotators’ spans…")
            self.plan_button.setText("Cancel")
            self.plan_button.setVisible(True)
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)

    def _on_planned(self, found: Planned | None) -> None:
        job = self._plans.job
        if not self._plans.ended(self.sender()) or job is None:
            return
        if found is None:
            self._show_waiting("Alignment cancelled", "Align")
        else:
            self._show_items(job.uid, found)
            if job.edits != self._edit_count:  # edits came while it read: align again
                self._doc_plan = None
                self._replan.start()

    def _on_plan_failed(self, message: str) -> None:
        if self._plans.ended(self.sender()):
            self._show_waiting("Alignment failed", "Align")
            self.service.hub.failed.emit(f"aligning the document failed: {message}", False)

    def _plan_button_clicked(self) -> None:
        if self._plans.job is not None:
            self._plans.cancel()
            self._show_waiting("Alignment cancelled", "Align")
        else:
            self._plan()

    @property
    def planning(self) -> bool:
        """The current document is being aligned (a background job) or is due to be (an edit
        of its spans a moment ago, :data:`REPLAN_MS`, or the tab just shown, to catch up):
        the items shown may be stale."""
        return (self._plans.job is not None or self._replan.isActive()
                or self._catch_up.isActive())

    def _current(self) -> bool:
        """Whether the items shown are those of the current document as it is now."""
        return (not self._stale and not self.planning
                and self._planned == self.service.current)

    def _shown_now(self, item: Row) -> bool:
        """Whether ``item`` is one of the items shown, aligned from the current document as it
        is now. If not, no decision may be taken on it: the reviewer is told why, and the
        alignment starts unless under way."""
        if not self._current():
            if self._plans.job is None:
                self._plan()
            self.service.hub.message.emit(ALIGNING_FIRST)
            return False
        if item not in self.rows:  # aligned anew while a dialog asked about it
            self.service.hub.message.emit("this item changed meanwhile: decide on it again "
                                          "as it is shown now")
            return False
        return True

    @property
    def rows(self) -> Rows:
        """The table's rows: span items, then relation items."""
        return self.model.rows

    def _cells(self, row: Row, annotators: tuple[str, ...]) -> RowCells:
        return row_cells(row, annotators, self.editor.text, self.service.document)

    def _show_waiting(self, note: str, button: str | None) -> None:
        """No items (being aligned, or not): ``note``, and the ``button`` (Align) if any."""
        self.items, self.relation_items, self._planned = [], [], None
        self._agreed_open, self._doc_plan = False, None
        self.attribute_choices.show_item(None)
        self.doc_items.show_items([])
        self._showing = True
        try:
            self.model.show([], self.annotators)
        finally:
            self._showing = False
        self.progress_text.setText(note)
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        if button is not None:
            self.plan_button.setText(button)
        self.plan_button.setVisible(button is not None)
        self._update_buttons()

    def _show_items(self, uid: str, planned: Planned) -> None:
        """Show ``uid``'s aligned items, keeping the selected item selected: when they were
        planned in place of the rows shown, only the rows that changed are told to the view."""
        chosen = self.selected_row() or self._reselect
        found = planned.found
        self.items, self._planned, self._reselect = found.items, uid, None
        self._doc_plan = found.plan
        self.relation_items = found.relation_items
        self._agreed_open = planned.agreed_open
        self.doc_items.show_items(found.doc_items)
        self.plan_button.setVisible(False)
        annotators = self.items[0].annotators if self.items else ()
        if annotators != self.annotators:
            self.annotators = annotators
            self._make_side_buttons()
        def put() -> range:
            if planned.base is self.model.rows and annotators == self.model.annotators:
                self.model.replace(planned.rows, planned.first, planned.removed, planned.added)
                return range(planned.first, planned.first + planned.added)
            self.model.show(planned.rows, annotators)
            return range(len(planned.rows))

        self._put_rows(chosen, put)
        self._show_progress(planned.decided, planned.total)

    def _put_rows(self, chosen: Row | None, put: Callable[[], range]) -> None:
        """Change the rows shown (``put``, which returns the range of rows it put in),
        keeping ``chosen`` selected if it is still there (in that range, if it is not the
        row still selected)."""
        self._showing = True  # the text is not scrolled to a row kept selected
        try:
            where = put()
            row = self._row_of(chosen, where) if chosen is not None else None
            if row is None:  # Qt selects the next row when the selected one is removed
                self.table.selectionModel().clear()
            else:
                self.table.selectRow(row)
        finally:
            self._showing = False
        self.attribute_choices.show_item(self.selected())

    def _show_progress(self, decided: int, total: int) -> None:
        """The progress of ``decided`` of ``total`` items, and the buttons."""
        self.progress_text.setText(f"{decided} of {total} decided" if total else
                                   "Nothing to compare in this document")
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(decided)
        self._update_buttons()

    def _row_of(self, chosen: Row, where: range) -> int | None:
        """The row that shows ``chosen`` now (one of its spans or relations): the one selected
        if it still does, else the first in ``where`` that does (None: none)."""
        rows, ids = self.model.rows, chosen.ids
        selected = self.table.selectionModel().selectedRows()
        if selected and selected[0].row() < len(rows) and rows.ids(selected[0].row()) & ids:
            return selected[0].row()
        if rows and chosen.document != rows[0].document:
            return None
        return next((row for row in where if rows.ids(row) & ids), None)

    def _make_side_buttons(self) -> None:
        """One button per annotator column; the first nine also get Ctrl+Shift+N."""
        for button in self.side_buttons.values():
            self.sides.removeWidget(button)
            button.deleteLater()
        for action in self.side_actions.values():
            self.removeAction(action)
            action.deleteLater()
        self.side_buttons, self.side_actions = {}, {}
        for number, name in enumerate(self.annotators, start=1):
            tip = f"Copy {line(name)}’s span (or relation) of the selected item into gold"
            accept = partial(self.accept_side, name)
            if number <= 9:
                key = SIDE_KEY.format(number)
                tip = with_key(tip, key)
                self.side_actions[name] = self._key_action(f"Accept {name}’s span (review)",
                                                           key, accept)
            button = self._button(f"Accept {mnemonic(name, NAME)}’s", accept, tip)
            self.sides.addWidget(button)
            self.side_buttons[name] = button

    # -- selection -------------------------------------------------------------------------
    def selected_row(self) -> Row | None:
        """The selected span or relation item."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        every = self.rows
        return every[rows[0].row()] if rows and rows[0].row() < len(every) else None

    def selected(self) -> Item | None:
        """The selected span item (None: none, or a relation is selected)."""
        entry = self.selected_row()
        return entry if isinstance(entry, Item) else None

    def select(self, row: int) -> None:
        self.table.selectRow(row)

    def step_open(self, direction: int) -> bool:
        """Select the nearest open item after (1) or before (-1) the selected one (from the
        top or the bottom when nothing is selected); False when there is none."""
        every = self.rows
        rows = self.table.selectionModel().selectedRows()
        here = rows[0].row() if rows else (-1 if direction > 0 else len(every))
        ahead = range(here + 1, len(every)) if direction > 0 else range(here - 1, -1, -1)
        row = next((row for row in ahead if every.status(row) == "open"), None)
        if row is None:
            self.service.hub.message.emit("no further open item in this document")
            return False
        self.select(row)
        self.table.scrollTo(self.table.model().index(row, 0))
        return True

    def _on_selected(self) -> None:
        if self._showing:
            return
        self._update_buttons()
        entry = self.selected_row()
        self.attribute_choices.show_item(entry if isinstance(entry, Item) else None)
        if entry is not None:
            self.highlight(entry.source if isinstance(entry, RelationItem) else entry)

    def highlight(self, item: Item) -> None:
        """Scroll the text to ``item``: select the first of its spans the view shows, else
        select its text."""
        view = self.editor.view
        shown = next((s.id for s in item.spans if view.span(s.id) is not None), None)
        if shown is None and item.gold is not None and view.span(item.gold.id) is not None:
            shown = item.gold.id
        if shown is not None:
            self.editor.select_span(shown)
            return
        text = self.editor.text
        if self._text[0] is not text:
            self._text = (text, OffsetMap(text))
        start, end = self._text[1].range_to_qt(item.start, item.end)
        view.select_span(None)
        cursor = view.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        view.setTextCursor(cursor)
        view.centerCursor()

    def _update_buttons(self) -> None:
        entry = self.selected_row()
        aligning = self._plans.job is not None
        open_item = entry is not None and entry.status == "open" and not aligning
        # a relation goes into gold only once both of its ends are there
        acceptable = open_item and (not isinstance(entry, RelationItem) or entry.ends_in_gold())
        sides: dict[str, list] = entry.by_annotator() if entry is not None else {}
        for name, button in self.side_buttons.items():
            button.setEnabled(acceptable and bool(sides.get(name)))
            if name in self.side_actions:
                self.side_actions[name].setEnabled(button.isEnabled())
        for widget in (self.edit_button, self.edit_action):
            widget.setEnabled(acceptable)
        for widget in (self.reject_button, self.reject_action):
            widget.setEnabled(open_item)
        agreed = not aligning and self._agreed_open
        self.agreed_button.setEnabled(agreed)
        self.agreed_action.setEnabled(agreed)
        self.doc_items.setEnabled(not aligning)
        self.attribute_choices.setEnabled(not aligning)
        self.corpus_button.setEnabled(self._job is None)

    # -- decisions -------------------------------------------------------------------------
    def _decide(self, item: Row, make: Callable[[], Command]) -> bool:
        """Apply the command ``make()`` builds on ``item``, one of the items shown as they are
        now (:meth:`_shown_now`); a refusal becomes a status-bar notice, and what another
        reviewer decided meanwhile (the usual reason) shows at once."""
        if not self._shown_now(item):
            return False
        try:
            command = make()
        except ValidationError as exc:
            self.service.hub.message.emit(str(exc))
            return False
        if self.service.apply(command) is not None:
            return True
        self.service.notice_outside_changes()
        return False

    def accept(self, item: Item, span: Span) -> bool:
        """Copy ``span`` (one of ``item``'s, or an edited copy) into gold."""
        return self._decide(item, lambda: adjudication.accept_command(item, span,
                                                                self.service.annotator))

    def accept_relation(self, item: RelationItem, relation_type: str) -> bool:
        """Link the gold spans of ``item``'s ends with ``relation_type``."""
        return self._decide(item, lambda: accept_relation_command(item, relation_type,
                                                            self.service.annotator))

    def accept_side(self, annotator: str) -> bool:
        """Accept ``annotator``'s span (relation) of the selected item (the first, when
        several)."""
        entry = self.selected_row()
        given = entry.by_annotator().get(annotator) if entry is not None else None
        if entry is None or not given:
            return False
        if isinstance(entry, RelationItem):
            return self.accept_relation(entry, given[0].type)
        return self.accept(entry, given[0])

    def edit_and_accept(self) -> bool:
        entry = self.selected_row()
        if isinstance(entry, RelationItem):
            chosen = self.choose_relation_type(entry)
            return chosen is not None and self.accept_relation(entry, chosen)
        if entry is None:
            return False
        from desktop.review.edit_dialog import EditDialog  # its first use: not at the start

        dialog = EditDialog(self.editor.text, entry.spans, self.service.schema(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.accept(entry, dialog.edited())

    def choose_relation_type(self, item: RelationItem) -> str | None:
        """Ask which type the gold relation gets: those the schema allows between the gold
        ends' labels, the annotators' first (None: cancelled, or both ends not in gold)."""
        source, target = item.source.gold, item.target.gold
        if source is None or target is None:
            self.service.hub.message.emit("accept both linked spans into gold first")
            return None
        allowed = self.service.schema().relation_choices(source.label, target.label,
                                                         item.crosses)
        choices = [*(t for t in item.types() if t in allowed),
                   *(t for t in allowed if t not in item.types())]
        if not choices:
            self.service.hub.message.emit(f"no relation type goes from {source.label} to "
                                          f"{target.label}")
            return None
        chosen, ok = QInputDialog.getItem(self, "Edit and accept the relation",
                                          "Type of the gold relation:", choices, 0, False)
        return chosen if ok else None

    def reject_selected(self) -> bool:
        entry = self.selected_row()
        if entry is None:
            return False
        if isinstance(entry, RelationItem):
            return self._decide(entry, lambda: reject_relation_command(entry,
                                                                       self.service.annotator))
        return self._decide(entry, lambda: adjudication.reject_command(entry,
                                                                       self.service.annotator))

    def accept_agreed(self) -> int:
        """Accept every open agreed item of this document in one undoable step, once its
        items are shown (else its alignment starts, and the reviewer is told to ask again)."""
        if not self._current() and not self._plan():
            self.service.hub.message.emit(ALIGNING_FIRST)
            return 0
        batch = adjudication.accept_agreed(agreed_open(self.items), self.service.annotator,
                                           self.doc_items.items, self.relation_items)
        count = sum(isinstance(c, adjudication.AddDecision) for c in batch.commands)
        if not count:
            self.service.hub.message.emit("no open agreed items in this document")
            return 0
        if self.service.apply(batch) is None:
            return 0
        self.service.hub.message.emit(f"accepted {count} agreed items into gold")
        return count

    def accept_agreed_corpus(self) -> None:
        if self._job is not None:
            return
        try:
            location = worker_location(self.service.store)
        except CounterclaimError as exc:
            self.service.hub.message.emit(str(exc))
            return
        job = AcceptAgreedJob(location, self.service.annotator)
        job.signals.finished.connect(self._on_corpus_done)
        job.signals.failed.connect(self._on_corpus_failed)
        self._job = job
        self._update_buttons()
        self.service.hub.message.emit("accepting agreed spans in every document…")
        job.start()

    @property
    def busy(self) -> bool:
        return self._job is not None

    def _on_corpus_done(self, count: int) -> None:
        self._job = None
        self.service.hub.message.emit(f"accepted {count} agreed spans into gold in the corpus")
        self.service.notice_outside_changes()  # every view reloads what the job wrote
        self.refresh()

    def _on_corpus_failed(self, message: str) -> None:
        self._job = None
        self._update_buttons()
        self.service.hub.failed.emit(f"accepting agreed spans failed: {message}", True)
