"""The Ledger dock: for an event (or every document), one row per subject and proposition, a
column per claimant, each cell the claimant's figures; a row expands into the claims behind it
(by publication date), and clicking a claim opens its document at the span. Conflicting
figures are marked, denials sit against what they deny. An edit rebuilds only the rows of the
claims it touched."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotate.commands import ChangeSet
from annotate.ledger import ClaimRecord, Ledger, LedgerClaim, Row, build, shown, update
from desktop.choices import fill_choices
from desktop.ledger.actors_dialog import ActorsDialog
from desktop.ledger.timeline import Timeline
from desktop.plain import line, tooltip
from desktop.service import Service

EVERY_DOCUMENT, EVERY_LAYER = "Every document", "Every layer"
CONFLICT_COLOUR = "#C0392B"
CLAIM = Qt.ItemDataRole.UserRole
"""An item's data: (document uid, span id, start) of a claim, or the key of a row."""
EXCERPT = 60


def _figures(cell: Sequence[LedgerClaim]) -> str:
    return "; ".join(shown(c) for c in cell)


class LedgerDock(QDockWidget):
    """The claims ledger of the store, rebuilt when shown and kept up to date by each edit."""

    def __init__(self, service: Service, parent: QWidget | None = None,
                 link_to: Callable[[str], object] | None = None) -> None:
        """``link_to``: links the span selected in the text to the claim of a span id (the
        claim's context menu offers it)."""
        super().__init__("Ledger", parent)
        self.setObjectName("ledger")
        self.service = service
        self.link_to = link_to
        self.ledger = Ledger((), (), {})
        self.refreshed: frozenset[str] | None = None
        """The keys of the rows the last edit rebuilt (None: the last refresh built all)."""
        self._stale = True
        self.event_box = QComboBox()
        self.event_box.setToolTip("Only the claims of this event's documents")
        self.event_box.setAccessibleName("Event")
        self.layer_box = QComboBox()
        self.layer_box.setToolTip("Only the claims of this annotator's layer")
        self.layer_box.setAccessibleName("Layer")
        self.summary = QLabel()
        self.tree = QTreeWidget()
        self.tree.setUniformRowHeights(True)
        self.tree.setAccessibleName("Claims ledger")
        self.tree.itemClicked.connect(self._open)
        self.tree.itemActivated.connect(self._open)
        self.tree.currentItemChanged.connect(self._on_current)
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
        self.visibilityChanged.connect(self._on_visibility)

    # -- loading ---------------------------------------------------------------------------
    def _on_visibility(self, visible: bool) -> None:
        if visible and self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Reload the filters' choices and the whole ledger when the dock is on screen; else
        mark it stale, reloaded when shown."""
        if self.visibleRegion().isEmpty():
            self._stale = True
            return
        self._stale = False
        fill_choices(self.event_box, EVERY_DOCUMENT, [e.name for e, _ in self.service.events()])
        fill_choices(self.layer_box, EVERY_LAYER, self.service.annotators())
        self.reload()

    def _records(self, documents: Sequence[str] | None = None) -> list[ClaimRecord] | None:
        return self.service.claim_records(self.event_box.currentData(),
                                          self.layer_box.currentData(), documents)

    def reload(self) -> None:
        """Build the whole ledger again."""
        records = self._records()
        self.ledger = build(records or ())
        self.refreshed = None
        self._show_all()

    def _on_changed(self, changes: ChangeSet) -> None:
        if self.visibleRegion().isEmpty():
            self._stale = True
            return
        if changes.ledger or changes.schema or not changes.documents:
            self.refresh()
            return
        documents = sorted(changes.documents)
        fresh = self._records(documents)
        if fresh is None:
            return
        before = self.ledger.claimants
        self.ledger, keys = update(self.ledger, set(documents), fresh)
        self.refreshed = keys
        if self.ledger.claimants != before:
            self._show_all()
        else:
            self._replace(keys)

    # -- showing ---------------------------------------------------------------------------
    def _show_all(self) -> None:
        current = self._current_key()
        self.tree.clear()
        self.tree.setColumnCount(1 + len(self.ledger.claimants))
        self.tree.setHeaderLabels(["Subject: proposition", *map(line, self.ledger.claimants)])
        self.tree.addTopLevelItems([self._row_item(row) for row in self.ledger.rows])
        self.tree.resizeColumnToContents(0)
        self._summarise()
        self._select(current)

    def _replace(self, keys: frozenset[str]) -> None:
        """Rebuild the items of the rows ``keys`` only (added, changed or gone)."""
        current = self._current_key()
        tree = self.tree
        shown = {tree.topLevelItem(i).data(0, CLAIM) for i in range(tree.topLevelItemCount())}
        for key in keys:
            if key in shown:
                index = self._index_of(key)
                expanded = tree.topLevelItem(index).isExpanded()
                tree.takeTopLevelItem(index)
                row = self.ledger.row(key)
                if row is not None:
                    item = self._row_item(row)
                    tree.insertTopLevelItem(index, item)
                    item.setExpanded(expanded)
            else:
                row = self.ledger.row(key)
                if row is not None:
                    position = [r.key for r in self.ledger.rows].index(key)
                    tree.insertTopLevelItem(position, self._row_item(row))
        self._summarise()
        self._select(current)

    def _index_of(self, key: str) -> int:
        tree = self.tree
        return next(i for i in range(tree.topLevelItemCount())
                    if tree.topLevelItem(i).data(0, CLAIM) == key)

    def _row_item(self, row: Row) -> QTreeWidgetItem:
        columns = self.ledger.claimants
        item = QTreeWidgetItem([line(row.key + ("  ⚠ conflicting figures" if row.conflicting
                                                 else "")),
                                *(line(_figures(row.cells.get(name, ()))) for name in columns)])
        item.setData(0, CLAIM, row.key)
        if row.conflicting:
            item.setForeground(0, QBrush(QColor(CONFLICT_COLOUR)))
        claims = sorted(((c, 1 + columns.index(name)) for name, cell in row.cells.items()
                         for c in cell),
                        key=lambda pair: (pair[0].record.published or "", pair[0].record.document,
                                          pair[0].record.start))
        item.addChildren([self._claim_item(claim, column) for claim, column in claims])
        return item

    def _claim_item(self, claim: LedgerClaim, column: int) -> QTreeWidgetItem:
        record = claim.record
        text = record.text if len(record.text) <= EXCERPT else record.text[:EXCERPT] + "…"
        where = record.title or record.document[:10]
        date = f" ({record.published})" if record.published else ""
        child = QTreeWidgetItem([line(f"{where}{date}: “{text}”")])
        child.setText(column, line(shown(claim)))
        child.setToolTip(0, tooltip(f"{record.text}\n{record.annotator}'s layer; "
                                    "click to open it in its document"))
        child.setData(0, CLAIM, (record.document, record.id, record.start))
        if claim.conflicts:
            child.setForeground(column, QBrush(QColor(CONFLICT_COLOUR)))
        if record.kind == "denial":
            font = QFont(child.font(column))
            font.setItalic(True)
            child.setFont(column, font)
        return child

    def _summarise(self) -> None:
        ledger = self.ledger
        conflicts = sum(r.conflicting for r in ledger.rows)
        self.summary.setText(f"{len(ledger.rows)} rows, {len(ledger.claimants)} claimants, "
                             f"{conflicts} with conflicting figures")

    def _current_key(self) -> str | None:
        item = self.tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        return None if item is None else item.data(0, CLAIM)

    def _select(self, key: str | None) -> None:
        """Make the row ``key`` current, else the first with conflicting figures, else the
        first: the timeline always has a row to draw."""
        rows = self.ledger.rows
        row = self.ledger.row(key) if key is not None else None
        row = row or next((r for r in rows if r.conflicting), rows[0] if rows else None)
        if row is not None:
            self.tree.setCurrentItem(self.tree.topLevelItem(self._index_of(row.key)))
        else:
            self._on_current(None)

    def _on_current(self, item: QTreeWidgetItem | None, _previous: object = None) -> None:
        key = self._current_key() if item is not None else None
        self.timeline.show_row(None if key is None else self.ledger.row(key))

    def show_actors(self) -> None:
        ActorsDialog(self.service, self).exec()

    def add_tool(self, action: QAction) -> QToolButton:
        """A button for ``action`` at the end of the dock's filter row."""
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.tools.addWidget(button)
        return button

    def _claim_menu(self, at: QPoint) -> None:
        """On a claim: link the span selected in the text to it (from another document, a
        link across documents)."""
        item = self.tree.itemAt(at)
        data = item.data(0, CLAIM) if item is not None else None
        if not isinstance(data, tuple) or self.link_to is None:
            return
        menu = QMenu(self.tree)
        link = menu.addAction("Link selected span to this claim as…")
        link.setStatusTip("Link the span selected in the text to this claim, with a type the "
                          "schema lets cross documents (repeats, contradicts, denies…)")
        if menu.exec(self.tree.viewport().mapToGlobal(at)) is link:
            self.link_to(data[1])

    # -- opening ---------------------------------------------------------------------------
    def _open(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        """Open a claim's document at its span (a row: expand or fold it)."""
        data = item.data(0, CLAIM)
        if not isinstance(data, tuple):
            return
        uid, span_id, start = data
        self.service.open_document(uid)
        self.service.hub.offsetRequested.emit(start)
        self.service.hub.spanRequested.emit(span_id)

