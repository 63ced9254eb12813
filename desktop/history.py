"""The History dock: the store's journal (who changed what, when, on which documents), newest
first, filtered by annotator, operation and document; activating an entry opens its document
and selects its span."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QVBoxLayout,
    QWidget,
)

from annotate.commands import ChangeSet
from annotate.history import describe, operation, place
from annotate.journal_entry import JournalEntry
from desktop.choices import fill_choices
from desktop.deferred import DeferredDock
from desktop.painted_rows import PaintedTable
from desktop.plain import MESSAGE, line, tooltip
from desktop.plain_cells import PlainCells
from desktop.scrollbars import steady_scroll_bars
from desktop.service import Service
from desktop.table_model import Index, RowsModel, header_apart

SHOWN = 500
"""Entries listed at most (the newest); ``counterclaim log`` prints them all."""
OVERLAP = 16
"""How many shown entries a follow reads again where entries may become visible out of order
(more than a server's writers commit at once)."""
COLUMNS = ("When (UTC)", "Who", "Operation", "What", "Document")
EVERYONE, EVERY_OPERATION = "Everyone", "Every operation"
WIDEST = ("2026-12-31 23:59:59", "annotator name", "create span (undone)", "",
          "Title of a document of some length")
"""What the columns (but the stretched one) are sized to hold."""
MARGIN = 8
Row = tuple[str, str, str, str, str, str]
"""An entry's cells as shown (one per column) and its "What" as far as its tooltip shows it
(:data:`~desktop.plain.MESSAGE` and one more character, which the tooltip's cut marks), the
tooltip made when asked for: an entry put on top at each key press made it, ~10 K
instructions, for a tooltip seldom shown."""


class HistoryModel(RowsModel):
    """The entries listed, one row of texts each: the view asks only for the rows it shows,
    a row put on top or taken off the bottom tells the view of that row alone (Qt's tree of
    items laid all of them out again at each)."""

    COLUMNS = COLUMNS

    def reset(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def insert(self, row: int, rows: list[Row]) -> None:
        if rows:
            self.beginInsertRows(QModelIndex(), row, row + len(rows) - 1)
            self._rows[row:row] = rows
            self.endInsertRows()

    def keep(self, count: int) -> None:
        """Keep the first ``count`` rows."""
        if len(self._rows) > count:
            self.beginRemoveRows(QModelIndex(), count, len(self._rows) - 1)
            del self._rows[count:]
            self.endRemoveRows()

    def set_text(self, row: int, column: int, text: str) -> None:
        """Show ``text`` in the cell at ``row``, ``column`` (its index made without asking
        this model for its counts: :meth:`RowsModel.cell`)."""
        cells = list(self._rows[row])
        cells[column] = text
        self._rows[row] = tuple(cells)  # type: ignore[assignment]
        cell = self.cell(row, column)
        self.dataChanged.emit(cell, cell)

    def texts(self, row: int) -> Row:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3:
            return tooltip(self._rows[index.row()][5])
        return None


class HistoryDock(DeferredDock):
    """The journal as a list; it reloads when shown and after every change while shown (its
    list made when first shown: :class:`desktop.deferred.DeferredDock`)."""

    def __init__(self, service: Service, parent: QWidget | None = None) -> None:
        super().__init__("History", "history", parent)
        self.service = service

    def make_body(self) -> None:
        service = self.service
        self.entries: list[JournalEntry] = []
        self._stale = True
        self._in_sight = False
        """Whether the dock is shown, its tab the front one, as it last said
        (:meth:`shown_changed`): known at each edit without asking Qt for its visible region
        (~10 K instructions at each key press with the History in front)."""
        self._filtered: tuple[str | None, str | None, str | None] | None = None
        """What :meth:`_filters` says, kept until a filter or the document changes."""
        self._choices: tuple[set[str], set[str]] = (set(), set())
        """The annotators and operations the filters offer (a new one's entry refills them)."""
        self.annotator = QComboBox()
        self.annotator.setToolTip("Only what this annotator did")
        self.operation = QComboBox()
        self.operation.setToolTip("Only this operation")
        self.this_document = QCheckBox("This document only")
        self.annotator.setAccessibleName("Annotator filter")
        self.operation.setAccessibleName("Operation filter")
        self.model = HistoryModel(self)
        self.list = PaintedTable(self.model.texts)  # an entry put on top moves those below
        self.list.setAccessibleName("History")
        steady_scroll_bars(self.list, vertical_on=True)
        self.list.setModel(self.model)
        self.list.setShowGrid(False)
        self.list.setWordWrap(False)
        self.list.verticalHeader().hide()
        self.list.verticalHeader().setDefaultSectionSize(self.list.fontMetrics().height() + 6)
        self.list.setItemDelegate(PlainCells(self.list, self.model.shown))  # no style
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header_apart(self.list)
        header = self.list.horizontalHeader()
        # sized once (fitting the contents would measure every entry on each reload); the
        # user may drag them
        metrics = self.list.fontMetrics()
        for column, widest in enumerate(WIDEST):
            header.resizeSection(column, metrics.horizontalAdvance(widest) + 2 * MARGIN)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.list.activated.connect(self._jump)
        self.list.doubleClicked.connect(self._jump)
        filters = QHBoxLayout()
        filters.addWidget(self.annotator, 1)
        filters.addWidget(self.operation, 1)
        filters.addWidget(self.this_document)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.list, 1)
        self.setWidget(body)
        for box in (self.annotator, self.operation):
            box.currentIndexChanged.connect(self._on_filter)
        self.this_document.toggled.connect(self._on_filter)
        hub = service.hub
        hub.changed.connect(self._on_changed)
        hub.storeChanged.connect(self.refresh)
        hub.schemaChanged.connect(self.refresh)
        hub.documentChanged.connect(self._on_document)

    # -- loading ---------------------------------------------------------------------------
    def shown_changed(self, visible: bool) -> None:
        self._in_sight = visible
        if visible and self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Reload choices and entries when the dock is on screen; else mark them stale, to be
        reloaded when it is shown (a dock behind another tab costs an edit nothing)."""
        if not self._in_sight:
            self._stale = True
            return
        self._stale = False
        self._fill_choices()
        self._filtered = None  # (a choice gone: every one)
        self.reload()

    def _fill_choices(self) -> None:
        annotators, operations = self.service.annotators(), self.service.operations()
        fill_choices(self.annotator, EVERYONE, annotators)
        fill_choices(self.operation, EVERY_OPERATION, operations)
        self._choices = (set(annotators), set(operations))

    def _on_changed(self, changes: ChangeSet) -> None:
        if self._stale or not self.entries or not self._in_sight:
            self.refresh()
        elif changes.journal and self.service.commits_in_order:
            self.take(changes)
        else:
            self.follow()

    def _on_filter(self, _value: object) -> None:
        self._filtered = None
        self.reload()

    def _on_document(self, _uid: str) -> None:
        self._filtered = None
        if self.this_document.isChecked():
            self.refresh()

    def _filters(self) -> tuple[str | None, str | None, str | None]:
        """(annotator, document uid, operation) the list is filtered by (None: any): read
        from the filters once, not at each entry taken in (three calls into Qt)."""
        filtered = self._filtered
        if filtered is None:
            document = (self.service.current or None) if self.this_document.isChecked() \
                else None
            filtered = self._filtered = (self.annotator.currentData(), document,
                                         self.operation.currentData())
        return filtered

    def _read(self, after: int | None = None) -> list[JournalEntry]:
        return self.service.history(*self._filters(), SHOWN, after)

    def reload(self) -> None:
        self.entries = self._read()
        titles: dict[str, str] = {}
        self.model.reset([self._row(e, titles) for e in self.entries])

    def follow(self) -> None:
        """Bring the list up to date after a change without reading it all again: the
        entries written since the newest shown go on top, and the shown entries the change
        undid, redid or closed get their new marker. On a server, writers commit at once, so
        an entry can become visible after newer ones: there the read reaches back ``OVERLAP``
        entries, and what it finds that is not shown yet goes in its place."""
        shown = {e.id for e in self.entries}
        back = 1 if self.service.commits_in_order else OVERLAP
        floor = self.entries[min(len(self.entries), back) - 1].id
        new = [e for e in self._read(after=floor) if e.id not in shown]
        states = self.service.journal_states([e.id for e in self.entries if e.state == "active"])
        self._add(new, states)

    def take(self, changes: ChangeSet) -> None:
        """Bring the list up to date from a change of this window, which carries the journal
        rows it wrote and the states it moved on: nothing is read. Another program's rows
        come with the reload its commit brings (the watch, ``storeChanged``); where entries
        become visible out of the order of their ids (a server) :meth:`follow` reads instead."""
        who, document, op = self._filters()
        newest = self.entries[0].id
        self._add([e for e in reversed(changes.journal) if e.id > newest
                   and who in (None, e.annotator) and op in (None, e.op)
                   and (document is None or document in e.documents)],
                  dict(changes.journal_states))

    def _add(self, new: list[JournalEntry], states: Mapping[int, str]) -> None:
        """Put the entries ``new`` (newest first, none shown yet) in their places and give
        the shown entries ``states`` names their new markers."""
        annotators, operations = self._choices
        if any(e.annotator not in annotators or e.op not in operations
               for e in new):  # a first entry of someone or of an operation: new choices
            self._fill_choices()  # (more of them: the one chosen stays)
        for entry_id, state in states.items():
            row = self._row_of(entry_id)
            if row is not None:
                entry = self.entries[row] = replace(self.entries[row], state=state)
                self.model.set_text(row, 2, line(self._operation(entry)))
        titles: dict[str, str] = {}
        newest = self.entries[0].id
        on_top = [e for e in new if e.id > newest]
        self.model.insert(0, [self._row(e, titles) for e in on_top])  # at once
        self.entries[:0] = on_top
        for entry in new[len(on_top):]:  # committed late: each in its place among the shown
            row = next(i for i, e in enumerate(self.entries) if e.id < entry.id)
            self.model.insert(row, [self._row(entry, titles)])
            self.entries.insert(row, entry)
        del self.entries[SHOWN:]
        self.model.keep(SHOWN)
        self._lay_out()

    def _row_of(self, entry_id: int) -> int | None:
        """The row of the shown entry ``entry_id`` (None: not shown), found by a binary search
        of the shown ids (newest first), not by walking the rows (up to :data:`SHOWN` at each
        change)."""
        row = bisect_left(self.entries, -entry_id, key=lambda entry: -entry.id)
        return row if row < len(self.entries) and self.entries[row].id == entry_id else None

    def _lay_out(self) -> None:
        """Lay the list out now, not on the view's timer: Qt lays a view out again after rows
        are inserted or taken on a zero timer (to do it once for many changes), whose repaint
        then came after the turn of the edit that made them; all of an edit's rows are put in
        at once here, so the repaint comes with the edit's own."""
        self.list.executeDelayedItemsLayout()

    def _row(self, entry: JournalEntry, titles: dict[str, str]) -> Row:
        what = describe(*entry.step)
        return (line(entry.at.replace("T", " ").removesuffix("Z")), line(entry.annotator),
                line(self._operation(entry)), line(what), line(self._where(entry, titles)),
                what[: MESSAGE + 1])

    @staticmethod
    def _operation(entry: JournalEntry) -> str:
        return operation(entry.kind, entry.step[0], entry.state)

    def _where(self, entry: JournalEntry, titles: dict[str, str]) -> str:
        if not entry.documents:
            return "(whole store)"
        uid = entry.documents[0]
        if uid not in titles:
            document = self.service.document(uid)
            titles[uid] = (document.title or uid[:12]) if document else uid[:12]
        more = (entry.touched or len(entry.documents)) - 1
        return f"{titles[uid]} and {more} more" if more else titles[uid]

    # -- jumping ---------------------------------------------------------------------------
    def _jump(self, index: QModelIndex) -> None:
        self.jump(index.row())

    def jump(self, row: int) -> None:
        """Open the document of entry ``row`` and select the span it is about, if still there."""
        if not 0 <= row < len(self.entries):
            return
        entry = self.entries[row]
        if self.service.reveal(entry) is None:
            self.service.hub.message.emit("that change is to the whole store, not a document")
            return
        span_id = place(*entry.step).span
        if span_id is not None and self.service.span(span_id) is None:
            self.service.hub.message.emit("that span is gone now; its document is shown")

