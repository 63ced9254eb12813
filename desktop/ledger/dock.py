"""The Ledger dock: for an event (or every document), one row per subject and proposition, a
column per claimant, each cell the claimant's figures; a row expands into the claims behind it
(by publication date), and clicking a claim opens its document at the span. Conflicting
figures are marked, denials sit against what they deny.

The whole ledger is built in a background job (:class:`~desktop.ledger.job.LedgerJob`) when
the dock is first shown, after a change of filters, schema, actors or store, the summary
saying so meanwhile; an edit then changes only the claims it touches, a moment later
(:data:`FOLLOW_MS`: the key press ends first, and a burst of edits is followed once; an edit
that touches no claim, denial or entity changes nothing); the view's items are read from the
ledger as they are shown (:class:`~desktop.ledger.model.LedgerModel`). A ledger behind another
tab does nothing until it is shown: it notes which claims (or documents) the edits made
meanwhile touched, and when shown follows those alone, as it follows an edit (more than
:data:`FOLLOW_MOST` documents, or a change of store, schema or actors: it is built again)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotate.commands import ChangeSet
from annotate.errors import CounterclaimError
from desktop.choices import fill_choices
from desktop.deferred import DeferredDock
from desktop.jobs import Latest, worker_location
from desktop.plain import line
from desktop.service import Service

if TYPE_CHECKING:
    from annotate.ledger import Change, Ledger
    from desktop.ledger.job import LedgerJob

EVERY_DOCUMENT, EVERY_LAYER = "Every document", "Every layer"
UPDATING = "Updating the ledger…"
FOLLOW_MOST = 200
"""Documents edited while the ledger was hidden that it follows when shown (their claims read
on the GUI thread, as for an edit); past them, it is built again in a job."""
FOLLOW_CLAIMS = 500
"""Claims edited while the ledger was hidden that it reads again by id when shown."""
FOLLOW_MS = 150
"""How long after an edit the ledger in front follows it: a key press ends with its own
repaint, and a burst of edits (a span made, relabelled, its undo, deleted) reads its claims
once."""


class LedgerDock(DeferredDock):
    """The claims ledger of the store, built when shown and kept up to date by each edit (its
    widgets made when first shown: :class:`desktop.deferred.DeferredDock`)."""

    def __init__(self, service: Service, parent: QWidget | None = None,
                 link_to: Callable[[str], object] | None = None) -> None:
        """``link_to``: links the span selected in the text to the claim of a span id (the
        claim's context menu offers it)."""
        super().__init__("Ledger", "ledger", parent)
        self.service = service
        self.link_to = link_to
        self._tool_actions: list[QAction] = []
        """The actions given buttons at the end of the filter row (:meth:`add_tool`)."""

    def make_body(self) -> None:
        # the body's modules, imported with it (not at the window's start: ~6 ms)
        from annotate.ledger import concerns, edited_claims
        from desktop.ledger.model import LedgerModel
        from desktop.ledger.timeline import Timeline
        from desktop.ledger.tree import LedgerTree

        service = self.service
        self._concerns, self._edited_claims = concerns, edited_claims
        """What an edit changes of a ledger, imported with the body and kept: the import
        statement in :meth:`_on_changed` ran PySide's import hook (a Python function) at
        each key press once the ledger was made, shown or not."""
        self._in_sight = not self.visibleRegion().isEmpty()
        """Whether the dock is shown, its tab the front one, as it last said
        (:meth:`shown_changed`): known at each edit without asking Qt for its visible region
        (~10 K instructions a key press), as the History knows it."""
        self.model = LedgerModel()
        self.refreshed: frozenset[str] | None = None
        """The keys of the rows the last edit changed (None: the last refresh built all)."""
        self._stale = True
        """Whether the whole ledger is to be built again when shown."""
        self._missed: tuple[set[str], set[str]] = (set(), set())
        """(documents, claim ids) edited while the dock was hidden: followed when shown."""
        self._builds: Latest[LedgerJob] = Latest()
        self._pending: set[str] = set()
        """Documents edited while the build runs: brought up to date when it ends."""
        self._catch_up = QTimer(self, singleShot=True, interval=FOLLOW_MS)
        self._catch_up.timeout.connect(self._follow_missed)
        self.event_box = QComboBox()
        self.event_box.setToolTip("Only the claims of this event's documents")
        self.event_box.setAccessibleName("Event")
        self.layer_box = QComboBox()
        self.layer_box.setToolTip("Only the claims of this annotator's layer")
        self.layer_box.setAccessibleName("Layer")
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # a failure may quote data
        self.tree = LedgerTree()
        self.tree.setModel(self.model)
        self.tree.setAccessibleName("Claims ledger")
        self.tree.clicked.connect(self._open)
        self.tree.activated.connect(self._open)
        self.tree.selectionModel().currentChanged.connect(self._on_current)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._claim_menu)
        self.timeline = Timeline()
        split = QSplitter(Qt.Orientation.Horizontal)  # the dock is wide and low at the bottom
        split.addWidget(self.tree)
        split.addWidget(self.timeline)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([600, 400])
        filters = QHBoxLayout()
        filters.addWidget(self.event_box, 1)
        filters.addWidget(self.layer_box, 1)
        filters.addWidget(self.summary, 2)
        actors = QPushButton("&Actors…")
        actors.setToolTip("Resolve the entity spans to actors: accept, rename, merge, split")
        actors.clicked.connect(self.show_actors)
        filters.addWidget(actors)
        self.tools = filters
        for action in self._tool_actions:
            self._tool_button(action)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        self.setWidget(body)
        for box in (self.event_box, self.layer_box):
            box.currentIndexChanged.connect(lambda _i: self.reload())
        hub = service.hub
        hub.changed.connect(self._on_changed)
        hub.storeChanged.connect(self.refresh)
        hub.schemaChanged.connect(self.refresh)

    @property
    def ledger(self) -> Ledger:
        return self.model.ledger

    @property
    def building(self) -> bool:
        """Whether a build of the whole ledger is under way."""
        return self._builds.job is not None

    # -- loading ---------------------------------------------------------------------------
    def shown_changed(self, visible: bool) -> None:
        self._in_sight = visible
        if not visible:
            return
        if self._stale:
            self.refresh()
            return
        documents, spans = self._missed
        if documents or spans:
            chosen = (self.event_box.currentData(), self.layer_box.currentData())
            self._fill_filters()
            if (self.event_box.currentData(), self.layer_box.currentData()) != chosen:
                self.reload()  # the event or layer chosen is gone: the ledger of the rest
                return
            self._follow_missed()

    def _follow_missed(self) -> None:
        """Follow the claims (or documents) the edits noted since the last follow touched;
        past what it follows, build the ledger again."""
        self._catch_up.stop()
        if self.visibleRegion().isEmpty():
            return  # followed when shown
        if self._stale:
            self.refresh()
            return
        documents, spans = self._missed
        self._missed = (set(), set())
        if documents:
            self._follow(sorted(documents))
        if spans:
            self._follow([], sorted(spans))

    def _go_stale(self) -> None:
        """Build the whole ledger again when next shown (nothing to follow meanwhile)."""
        self._stale = True
        self._missed = (set(), set())
        self._catch_up.stop()
        self._builds.cancel()

    def refresh(self) -> None:
        """Reload the filters' choices and build the whole ledger again when the dock is on
        screen; else mark it stale, rebuilt when shown."""
        if self.visibleRegion().isEmpty():
            self._go_stale()
            return
        self._stale = False
        self._missed = (set(), set())
        self._fill_filters()
        self.reload()

    def _fill_filters(self) -> None:
        fill_choices(self.event_box, EVERY_DOCUMENT, [e.name for e, _ in self.service.events()])
        fill_choices(self.layer_box, EVERY_LAYER, self.service.annotators())

    def reload(self) -> None:
        """Build the whole ledger again, in a background job (on this thread only for a store
        no job can open: one held in memory)."""
        self._builds.cancel()
        self._pending.clear()
        self._missed = (set(), set())  # the build reads them as they are now
        self._catch_up.stop()
        try:
            location = worker_location(self.service.store)
        except CounterclaimError:
            from annotate.ledger import build

            records = self.service.claim_records(self.event_box.currentData(),
                                                 self.layer_box.currentData())
            self._install(build(records or ()))
            return
        from desktop.ledger.job import LedgerJob

        job = LedgerJob(location, self.event_box.currentData(), self.layer_box.currentData())
        job.signals.finished.connect(self._on_built)
        job.signals.failed.connect(self._on_failed)
        self.summary.setText(UPDATING)
        self._builds.start(job)

    def _on_built(self, ledger: Ledger) -> None:
        if not self._builds.ended(self.sender()):
            return
        self._install(ledger)
        if self._pending:
            documents, self._pending = sorted(self._pending), set()
            self._follow(documents)

    def _on_failed(self, message: str) -> None:
        if self._builds.ended(self.sender()):
            self.summary.setText(line(f"The ledger could not be built: {message}"))

    def _install(self, ledger: Ledger) -> None:
        current = self._current_key()
        self.model.install(ledger)
        self.refreshed = None
        self.tree.resizeColumnToContents(0)
        self._summarise()
        self._select(current)

    def _on_changed(self, changes: ChangeSet) -> None:
        schema = self.service.schema()

        def category(name: str) -> str | None:
            label = schema.label(name)
            return None if label is None else label.category

        if not self._concerns(changes, category):
            return
        hidden = not self._in_sight
        if changes.ledger or changes.schema or not changes.documents:
            self.refresh()  # when hidden: built again once shown
            return
        if self._stale:
            return  # built whole when shown
        if self._builds.job is not None:
            if hidden:
                self._go_stale()  # no work behind another tab
            else:
                self._pending |= changes.documents
            return
        spans = self._edited_claims(changes, category)
        self._miss(changes.documents if spans is None else (), spans or ())
        if not hidden:
            self._catch_up.start()  # followed a moment later: the press ends first

    def _miss(self, documents: Collection[str], spans: Collection[str]) -> None:
        """Note the ``documents`` and claim ids ``spans`` an edit touched, to follow them
        :data:`FOLLOW_MS` later (when shown, if hidden); past :data:`FOLLOW_MOST` documents or
        :data:`FOLLOW_CLAIMS` claims, build it all again."""
        missed_documents, missed_spans = self._missed
        missed_documents.update(documents)
        missed_spans.update(spans)
        if len(missed_documents) > FOLLOW_MOST or len(missed_spans) > FOLLOW_CLAIMS:
            self._go_stale()

    def _follow(self, documents: list[str], spans: Sequence[str] = ()) -> None:
        """Bring the claims of ``documents`` and of the ``spans`` up to date: only the claims
        they change."""
        fresh = self.service.claim_records(self.event_box.currentData(),
                                           self.layer_box.currentData(),
                                           documents or None, spans or None)
        if fresh is None:
            return
        changes = self.ledger.changes(documents, fresh, spans)
        current = self._current_key()
        columns = self.model.columnCount()
        self.refreshed = self.model.apply(changes)
        if self.model.columnCount() != columns:  # a claimant came or went: the current row
            self.tree.selectionModel().select(  # selected across the columns it has now
                self.tree.currentIndex(), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        self._summarise()
        if current is not None and self._redraws(current, changes):
            self.timeline.show_row(self.ledger.row(current))

    def _redraws(self, key: str, changes: Sequence[Change]) -> bool:
        """Whether the timeline of row ``key`` changes: a claim with a figure came or went
        that it draws (one with a date) or that sets the reach of what it draws."""
        drawing = bool(self.timeline.drawn)
        return any(c is not None and c.row == key and c.figure is not None
                   and (drawing or c.record.published) for pair in changes for c in pair)

    # -- showing ---------------------------------------------------------------------------
    def _summarise(self) -> None:
        ledger = self.ledger
        self.summary.setText(f"{len(ledger.rows)} rows, {len(ledger.claimants)} claimants, "
                             f"{self.model.conflicting_rows} with conflicting figures")

    def _current_key(self) -> str | None:
        row = self.model.row_of(self.tree.currentIndex())
        return None if row is None else row.key

    def _select(self, key: str | None) -> None:
        """Make the row ``key`` current, else the first with conflicting figures, else the
        first: the timeline always has a row to draw."""
        rows = self.ledger.rows
        row = self.ledger.row(key) if key is not None else None
        row = row or next((r for r in rows if r.conflicting), rows[0] if rows else None)
        if row is None:
            self._on_current(QModelIndex())
            return
        index = self.model.row_index(row.key)
        if index == self.tree.currentIndex():
            self._on_current(index)
        else:
            self.tree.setCurrentIndex(index)

    def _on_current(self, index: QModelIndex, _previous: object = None) -> None:
        self.timeline.show_row(self.model.row_of(index))

    def show_actors(self) -> None:
        from desktop.ledger.actors_dialog import ActorsDialog  # a dialog: made when opened

        ActorsDialog(self.service, self).exec()

    def add_tool(self, action: QAction) -> None:
        """A button for ``action`` at the end of the dock's filter row (once the row is
        made)."""
        self._tool_actions.append(action)
        if self.deferred.done:
            self._tool_button(action)

    def _tool_button(self, action: QAction) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.tools.addWidget(button)
        return button

    def _claim_menu(self, at: QPoint) -> None:
        """On a claim: link the span selected in the text to it (from another document, a
        link across documents)."""
        claim = self.model.claim_of(self.tree.indexAt(at))
        if claim is None or self.link_to is None:
            return
        menu = QMenu(self.tree)
        link = menu.addAction("Link selected span to this claim as…")
        link.setStatusTip("Link the span selected in the text to this claim, with a type the "
                          "schema lets cross documents (repeats, contradicts, denies…)")
        if menu.exec(self.tree.viewport().mapToGlobal(at)) is link:
            self.link_to(claim.record.id)

    # -- opening ---------------------------------------------------------------------------
    def _open(self, index: QModelIndex) -> None:
        """Open a claim's document at its span (a row: nothing; it expands as any tree's)."""
        from desktop.ledger.model import CLAIM

        data = index.data(CLAIM)
        if not isinstance(data, tuple):
            return
        uid, span_id, start = data
        self.service.open_document(uid)
        self.service.hub.offsetRequested.emit(start)
        self.service.hub.spanRequested.emit(span_id)
