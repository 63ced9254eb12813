"""The document list dock: a lazily fetched table of the store's documents, with search and
status and label filters. Rows come from the store a page at a time, so a store of 100,000
documents opens and scrolls at once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from annotate.commands import ChangeSet
from db.store import DocumentRow
from desktop.painted_rows import PaintedRows
from desktop.plain import NAME, line, tooltip
from desktop.plain_cells import MIDDLE, RIGHT, PlainCells
from desktop.scrollbars import steady_scroll_bars
from desktop.service import AHEAD, Filters, Service
from desktop.table_model import Index, RowsModel, header_apart, select_row

if TYPE_CHECKING:
    from annotate.query import Query

PAGE = 50
"""Rows fetched at a time: a screenful and some (the view asks for more as it scrolls)."""
COLUMNS = ("Title", "Source", "Length", "Spans", "Done")
SPANS, DONE = COLUMNS.index("Spans"), COLUMNS.index("Done")
HEADER_TIPS = ("", "", "Characters", "Your spans", "✓ done, ◐ in progress, blank: to do")
STATUS_TEXT = {"todo": "to do", "in_progress": "in progress", "done": "done"}
STATUS_MARK = {"todo": "", "in_progress": "◐", "done": "✓"}
WIDEST = ("", "Source of some length", "99,999", "Spans", "Done")
"""What the columns (but the stretched title) are sized to hold: the status shows as a mark
(its words in the tooltip), leaving the dock's width to the title."""
MARGIN = 6
Role = Qt.ItemDataRole
DISPLAY, TOOLTIP, ALIGNMENT, UID, ACCESSIBLE = (Role.DisplayRole, Role.ToolTipRole,
                                                Role.TextAlignmentRole, Role.UserRole,
                                                Role.AccessibleTextRole)
ROLES = frozenset((DISPLAY, TOOLTIP, ALIGNMENT, UID, ACCESSIBLE))
ALIGNED = (0, 0, RIGHT, RIGHT, MIDDLE)
"""Each column's text at the left (0), the right or in the middle of its cells."""
SEARCH_HELP = (
    "Words: documents with all of them (case and accents ignored)\n"
    "a OR b: either\n"
    '"armed forces": the words in this order\n'
    "ambus*: words beginning so\n"
    "-denied or NOT denied: without the word\n"
    "(a OR b) c: grouping\n"
    "Hits are marked in each document opened: F3 next, Shift+F3 previous"
)


class DocumentListModel(RowsModel):
    """Rows of :class:`DocumentRow`, fetched ``PAGE`` at a time as the view scrolls."""

    COLUMNS = COLUMNS

    def __init__(self, service: Service, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.filters = Filters()
        self._row_of: dict[str, int] = {}
        self._shown: dict[int, tuple[str, str, str, int, str]] = {}
        """Each row's display texts, made on its first paint (a repaint asks for every cell
        several times)."""
        self._total = 0
        self.reset()

    # -- loading ---------------------------------------------------------------------------
    def set_filters(self, filters: Filters) -> None:
        """Show the documents ``filters`` let through, in place of those shown: no reset (the
        header and the view's state stay), only the rows that differ are repainted."""
        self.filters = filters
        total, rows = self.service.document_page(filters, PAGE)
        self._total = total
        old, kept = self._rows, min(len(self._rows), len(rows))
        if len(rows) < len(old):
            self.beginRemoveRows(QModelIndex(), len(rows), len(old) - 1)
            del old[len(rows):]
            self.endRemoveRows()
        changed = [n for n in range(kept) if old[n] != rows[n]]
        old[:kept] = rows[:kept]
        self._row_of = {row.uid: n for n, row in enumerate(old)}
        stale = set(changed)
        self._shown = {n: shown for n, shown in self._shown.items()
                       if n < kept and n not in stale}
        if changed:
            self.dataChanged.emit(self.index(changed[0], 0),
                                  self.index(changed[-1], len(COLUMNS) - 1))
        if len(rows) > kept:
            self.beginInsertRows(QModelIndex(), kept, len(rows) - 1)
            self._append(rows[kept:])
            self.endInsertRows()

    def reset(self) -> None:
        """Forget every row and fetch the first page again."""
        self.beginResetModel()
        self._rows, self._row_of, self._shown = [], {}, {}
        self._total, rows = self.service.document_page(self.filters, PAGE)
        self._append(rows)
        self.endResetModel()

    def _append(self, rows: list[DocumentRow]) -> None:
        for row in rows:
            self._row_of[row.uid] = len(self._rows)
            self._rows.append(row)

    @property
    def total(self) -> int:
        """How many documents match the filters (fetched or not)."""
        return self._total

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        rows = self.service.documents(self.filters, len(self._rows), PAGE)
        if not rows:  # the store shrank under us
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._append(rows)
        self.endInsertRows()

    def apply(self, changes: ChangeSet) -> None:
        """Follow an edit in the rows it touches: span counts and statuses from the change's
        own values (nothing is read back)."""
        who = self.service.annotator
        statuses = changes.status_after(who)
        for uid in changes.documents:
            row = self._row_of.get(uid)
            if row is None:
                continue
            old = self._rows[row]
            delta, status = changes.span_delta(who, uid), statuses.get(uid, old.status)
            if delta or status != old.status:  # (a relabel changes neither: no row made)
                # (made, not ``dataclasses.replace``d: that walks the fields, ~13 K instr.)
                new = DocumentRow(old.uid, old.title, old.source, old.length,
                                  old.span_count + delta, status)
                self._rows[row] = new
                shown = self._shown.get(row)
                if shown is not None:  # (the title's and source's lines kept: see texts)
                    self._shown[row] = (*shown[:3], new.span_count, STATUS_MARK[status])
                # the cells that changed, only (the count at each make or delete): each one
                # repainted is drawn by the style, its roles asked of this model one by one
                first = SPANS if new.span_count != old.span_count else DONE
                last = DONE if new.status != old.status else SPANS
                top = self.cell(row, first)  # (one cell: its index made once, ~10 K instr.)
                self.dataChanged.emit(top, top if last == first else self.cell(row, last))

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS[section] or None
        return super().headerData(section, orientation, role)

    # -- access ----------------------------------------------------------------------------
    def row_of(self, uid: str) -> int | None:
        return self._row_of.get(uid)

    def document_row(self, row: int) -> DocumentRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def texts(self, row: int) -> tuple[str, str, str, int, str]:
        """Row ``row``'s texts by column, made at its first paint and kept: an edit's new
        count or status replaces those two in the texts kept (:meth:`apply`), not the title's
        and source's lines, which a span made or deleted made again for the count cell's
        repaint (four calls, ~12 K instructions)."""
        shown = self._shown.get(row)
        if shown is None:
            document = self._rows[row]
            shown = self._shown[row] = (
                line(document.title or "(untitled)"), line(document.source),
                f"{document.length:,}", document.span_count, STATUS_MARK[document.status])
        return shown

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        # a repaint asks each cell for seven roles: the ones never answered leave first
        if role not in ROLES or not index.isValid():
            return None
        column = index.column()
        if role == DISPLAY:
            return self.text(index.row(), column)
        row = self._rows[index.row()]
        if role == TOOLTIP and column in (0, 1):
            return tooltip((row.title, row.source)[column])
        if role in (TOOLTIP, ACCESSIBLE) and column == 4:
            return STATUS_TEXT[row.status]
        if role == ALIGNMENT and ALIGNED[column]:
            return ALIGNED[column] | Qt.AlignmentFlag.AlignVCenter.value
        if role == UID:
            return row.uid
        return None


class DocumentList(QDockWidget):
    """The dock: search box, filters and the table; selecting a row opens the document."""

    def __init__(self, service: Service, parent: QWidget | None = None) -> None:
        super().__init__("Documents", parent)
        self.setObjectName("documents")
        self.service = service
        self.model = DocumentListModel(service, self)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search the corpus")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the corpus")
        self.search.setToolTip(SEARCH_HELP)
        self.problem = QLabel()
        """Why the search typed cannot be run (hidden while it can)."""
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.status = QComboBox()
        self.status.addItem("all", None)
        for state in ("todo", "in_progress", "done"):
            self.status.addItem(STATUS_TEXT[state], state)
        self.status.setAccessibleName("Status filter")
        self.label = QComboBox()
        self.label.setAccessibleName("Label filter")
        self.mine = QCheckBox("My queue")
        self.mine.setAccessibleName("My queue: only the documents assigned to me")
        self.mine.setToolTip("Only the documents a lead assigned to you")
        self.progress = QLabel()
        """How far the annotator got in their queue (hidden when nothing is assigned)."""
        self.progress.setAccessibleName("My queue's progress")
        self.table = PaintedRows(self.model.texts, ALIGNED)  # a step: two rows without the style
        self.table.setAccessibleName("Documents")
        steady_scroll_bars(self.table)  # a step down the list repaints the bar alone
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setItemDelegate(PlainCells(self.table, self.model.shown))
        header_apart(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # sized once to their headers and widest likely values (fitting the contents would
        # measure rows on every change); the user may drag them
        metrics = self.table.fontMetrics()
        for column, widest in enumerate(WIDEST):
            if widest:
                header.resizeSection(column, metrics.horizontalAdvance(widest) + 2 * MARGIN)
        self.table.hideColumn(1)  # the source shows as a tooltip; the View can bring it back
        filters = QHBoxLayout()
        filters.addWidget(self.status)
        filters.addWidget(self.label)
        queue = QHBoxLayout()
        queue.addWidget(self.mine)
        queue.addWidget(self.progress, 1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.problem)
        layout.addLayout(filters)
        layout.addLayout(queue)
        layout.addWidget(self.table, 1)
        self.setWidget(body)
        self.query: Query | None = None
        """The corpus search the list shows (None: none)."""
        self._replacing = False
        """The list's rows are being replaced by those of new filters."""
        self._stepping = False
        """A key is going through the list (Ctrl+Down/Up, the next unfinished document)."""
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._debounce.start)
        self.search.textChanged.connect(self._index)
        self.status.currentIndexChanged.connect(self.apply_filters)
        self.label.currentIndexChanged.connect(self.apply_filters)
        self.mine.toggled.connect(self.apply_filters)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        hub = service.hub
        hub.changed.connect(self._on_changed)
        hub.documentChanged.connect(self._show_current)
        hub.annotatorChanged.connect(self.model.reset)
        hub.annotatorChanged.connect(self._show_progress)
        hub.storeChanged.connect(self._on_store)
        hub.schemaChanged.connect(self._fill_labels)
        hub.searchIndexed.connect(self._on_indexed)
        self._fill_labels()
        self._show_progress()

    # -- filters ---------------------------------------------------------------------------
    def _fill_labels(self) -> None:
        chosen = self.label.currentData()
        self.label.blockSignals(True)
        self.label.clear()
        self.label.addItem("any label", None)
        for name in self.service.schema().label_names:
            self.label.addItem(line(name, NAME), name)
        self.label.setCurrentIndex(max(self.label.findData(chosen), 0))
        self.label.blockSignals(False)

    def filters(self) -> Filters:
        return Filters(self.search.text().strip(), self.status.currentData(),
                       self.label.currentData(), self.mine.isChecked())

    def _show_progress(self) -> None:
        """Say how far the annotator got in their queue, and whether blind mode is on."""
        queue = self.service.queue()
        blind = self.service.blind()
        done = sum(row.status == "done" for row in queue)
        review = sum(row.review for row in queue)
        parts = [f"{done} of {len(queue)} done"] if queue else []
        parts += [f"{review} in review"] if review else []
        parts += ["blind mode"] if blind else []
        self.progress.setText(" · ".join(parts))
        self.progress.setToolTip(
            "Blind mode (a lead's setting): on a team's server you see only your own layer of "
            "a document until every annotator assigned to it marked it done" if blind else "")
        self.progress.setVisible(bool(parts))

    def apply_filters(self) -> None:
        """Show the documents the filters let through; a search that cannot be read is
        explained under the box and changes nothing."""
        self._debounce.stop()
        filters = self.filters()
        query = None
        if filters.search:
            # the search box's language, read when first used (not at the window's start)
            from annotate.query import QueryError, parse

            try:
                query = parse(filters.search)
            except QueryError as exc:
                self.problem.setText(f"Cannot search: {exc}")
                self.problem.show()
                return
        self.problem.hide()
        self._replacing = True  # rows leaving move the view's current row: nothing to open
        try:
            self.model.set_filters(filters)
        finally:
            self._replacing = False
        if self.model.row_of(self.service.current) is None:
            self.table.scrollToTop()  # new rows from the top, as a list filled afresh
        self._show_current(self.service.current)
        if query != self.query:
            self.query = query
            self.service.hub.searchChanged.emit(query)
        if filters.search and self.service.indexing:
            self.service.hub.message.emit("the corpus is being indexed for search: the list "
                                          "shows what is indexed so far, and follows")

    def _index(self, text: str) -> None:
        """A search is being typed: the search index catches up in the background (from the
        first key on, while the debounce waits)."""
        if text.strip():
            self.service.index_for_search()

    def _on_indexed(self) -> None:
        """The search index caught up: a search shown covers every document now."""
        if self.model.filters.search:
            self.apply_filters()

    def _on_store(self) -> None:
        self._fill_labels()
        self._show_progress()
        self._index(self.search.text())
        self.model.reset()

    # -- selection and navigation ----------------------------------------------------------
    def _on_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._replacing:
            return
        row = self.model.document_row(current.row())
        if row is not None:
            self.service.open_document(row.uid)

    def _show_current(self, uid: str) -> None:
        """Select the row of document ``uid`` and bring it into view. Gone to by a key
        (:meth:`step`, :meth:`next_unfinished`), a row the list does not show whole is
        scrolled to the middle of the list, not to its edge: stepping through the list
        scrolls it once every half page, where Qt's scroll to the new current row moved the
        list by a row at each step past its edge (its rows' pixels moved, its bar repainted
        and its two fade timers started: ~0.6 M instructions a step). Otherwise (a click,
        new filters) the list moves as little as shows the row: a row clicked half shown
        moves by less than a row, not out from under the pointer."""
        table = self.table
        row = self.model.row_of(uid)
        if row is None:
            table.selectionModel().clear()  # the current row too: a click opens it
            return
        table.setAutoScroll(False)  # (Qt scrolls to a new current row by itself otherwise)
        try:
            select_row(table, self.model, row)
        finally:
            table.setAutoScroll(True)
        top = table.rowViewportPosition(row)
        if top < 0 or top + table.rowHeight(row) > table.viewport().height():
            table.scrollTo(self.model.cell(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter
                           if self._stepping else QAbstractItemView.ScrollHint.EnsureVisible)

    def _open_by_key(self, uid: str, ahead: Sequence[str] = ()) -> None:
        """Open document ``uid`` gone to by a key through the list (:meth:`_show_current`)."""
        self._stepping = True
        try:
            self.service.open_document(uid, ahead)
        finally:
            self._stepping = False

    def _fetch_row(self, row: int) -> DocumentRow | None:
        """Row ``row`` of the list, fetching pages until it is loaded; None past the end."""
        while row >= self.model.rowCount() and self.model.canFetchMore():
            self.model.fetchMore()
        return self.model.document_row(row)

    def step(self, direction: int) -> None:
        """Open the next (1) or previous (-1) document of the list."""
        current = self.model.row_of(self.service.current)
        row = 0 if current is None else current + direction
        document = self._fetch_row(row) if row >= 0 else None
        if document is None:
            self.service.hub.message.emit("no " + ("next" if direction > 0 else "previous") +
                                          " document")
            return
        self._open_by_key(document.uid, self._ahead(row, direction))

    def _ahead(self, row: int, direction: int) -> list[str]:
        """The documents of the rows after ``row`` going ``direction`` (those loaded): what
        the next steps open."""
        rows = range(row + direction, row + direction * (AHEAD + 1), direction)
        return [document.uid for document in map(self.model.document_row, rows)
                if document is not None]

    def next_unfinished(self) -> None:
        """Open the next document after the current one that is not done."""
        current = self.model.row_of(self.service.current)
        row = 0 if current is None else current + 1
        while (document := self._fetch_row(row)) is not None:
            if document.status != "done":
                self._open_by_key(document.uid)
                return
            row += 1
        self.service.hub.message.emit("every document after this one is done")

    def _on_changed(self, changes: ChangeSet) -> None:
        self.model.apply(changes)
        if changes.status:  # a status set, or an assignment or blind mode changed
            self._show_progress()
            if self.mine.isChecked() and not changes.statuses:  # assignments (an undo)
                self.model.reset()
