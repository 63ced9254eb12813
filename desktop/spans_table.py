"""The spans dock: every span of the current document in a sortable, filterable table.
A click selects the span in the text; a ChangeSet touches only its rows. A big document's
spans are read as the table is scrolled (in text order), all of them only to sort them
otherwise or filter them."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from operator import attrgetter
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from annotate.commands import ChangeSet
from annotate.model import Span
from desktop.painted_rows import PaintedTable
from desktop.plain import LINE, MESSAGE, NAME, line, tooltip, words
from desktop.plain_cells import PlainCells
from desktop.scrollbars import steady_scroll_bars
from desktop.service import Service
from desktop.table_model import Index, RowsModel, header_apart, select_row
from desktop.textview.regions import CHUNK
from desktop.when_paused import WhenPaused

COLUMNS = ("Label", "Start", "End", "Text", "Annotator", "Attributes")
WIDEST = ("ARMED_GROUP", "9,999,999", "9,999,999", "", "annotator", "certainty=reported")
"""What the columns (but the stretched text) are sized to hold."""
MARGIN = 8
PAGE = 200
"""Fewest rows a fetch of a big document's spans adds (when the text holds more)."""
AHEAD_PAUSE_S = 0.3
"""How long the analyst rests on a document before the next one's rows are laid out
(:meth:`SpansTable._lay_ahead`): a step through the list comes sooner only held down."""
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                    Qt.ItemDataRole.UserRole})
Starting = Callable[[int, int], Sequence[Span]]
"""The spans starting in code points ``[start, end)``, by position."""
_BY_START = attrgetter("start", "start", "id")
"""A span's sort key in the table's usual order, by its start (:meth:`SpansModel._key` for
that column), made in C: a span made or put back is placed among the rows by a binary
search calling the key at each step (~10 calls into Python, ~20 K instructions a press)."""


@lru_cache(maxsize=1024)
def _name(name: str) -> str:
    """A label's or an annotator's name as its cell shows it (:func:`line`, :data:`NAME`
    long): made once per name, as the rows of every document show the same few. Given the
    part :func:`line` reads (``name[:NAME + 1]``): the cache keeps no hostile store's name
    of millions of characters after its document."""
    return line(name, NAME)


def attributes_text(span: Span, limit: int = LINE) -> str:
    """``name=value, ...`` of the span's set attributes, each name and value cut at ``limit``."""
    return ", ".join(f"{line(k, limit)}={line(str(v), limit)}"
                     for k, v in span.attributes.items() if v is not None)


def _excerpt(span: Span, text: str) -> str:
    """The Text column's cell of ``span`` of ``text``: its text on one line, cut to words."""
    return words(span.text_in(text))


def _attributes(span: Span) -> str:
    """The Attributes column's cell of ``span`` (none set: empty, without a join made)."""
    return line(attributes_text(span), LINE) if span.attributes else ""


class SpansModel(RowsModel):
    """The current document's spans, filtered and sorted here: a proxy model would ask
    ``data()`` for every row on each sort, filter and change (millions of calls for a
    document of 200,000 spans). The view asks only for the rows it shows; a change moves
    only its own row."""

    COLUMNS = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._all: dict[str, Span] = {}
        self._needle = ""
        self._column, self._descending = 1, False
        self._starting: Starting | None = None
        self._fetched = 0
        """With ``_starting``: the spans starting before this code point are read."""
        self._recent = 0
        """The row last found or put (each press puts a span, then selects it): looked at
        first by :meth:`row_of`, its span's id telling whether it is still that span's."""
        self._made: tuple[str, dict[str, tuple[Span, list[Any]]]] = ("", {})
        """The text :meth:`rows_for` last made rows of, and each row it made (by span id:
        the span, its cells), for :meth:`texts` once that text is shown."""

    # -- what is shown, in which order -----------------------------------------------------
    def _cell(self, span: Span, column: int, text: str | None = None) -> Any:
        """What column ``column`` shows of ``span`` (numbers for the offsets), a span of
        ``text`` (default: the text shown)."""
        if column == 1:
            return span.start
        if column == 2:
            return span.end
        if column == 3:
            return _excerpt(span, self._text if text is None else text)
        if column == 5:
            return _attributes(span)
        return _name((span.annotator if column == 4 else span.label)[: NAME + 1])

    def _cells(self, span: Span, text: str | None = None) -> list[Any]:
        """What each column shows of ``span`` (:meth:`_cell` of each), made in one call: a
        row painted (a span made, each row of a document opened) made its six cells in six
        calls of :meth:`_cell`, ~30 K instructions a row (callgrind, ``texts`` at a span
        made), now ~16 K."""
        return [_name(span.label[: NAME + 1]), span.start, span.end,
                _excerpt(span, self._text if text is None else text),
                _name(span.annotator[: NAME + 1]), _attributes(span)]

    def _key(self, span: Span) -> tuple[Any, ...]:
        """The sort key of ``span``: its cell in the sort column, then its start and id (by
        start, the table's usual order, its cell without the call of :meth:`_cell`)."""
        column = self._column
        return (span.start if column == 1 else self._cell(span, column), span.start, span.id)

    def _sort_key(self) -> Callable[[Span], tuple[Any, ...]]:
        """:meth:`_key`, as :data:`_BY_START` when sorted by start."""
        return _BY_START if self._column == 1 else self._key

    def _shown(self, span: Span) -> bool:
        """Whether the filter (any column holding it, case aside) lets ``span`` through."""
        return not self._needle or any(self._needle in str(cell).casefold()
                                       for cell in self._cells(span))

    def _arranged(self) -> list[Span]:
        return sorted((s for s in self._all.values() if self._shown(s)), key=self._sort_key(),
                      reverse=self._descending)

    def _place(self, span: Span) -> int:
        """Where ``span`` goes among the rows in sort order (the row of its own key, when
        they hold it): in ascending order found by :func:`bisect.bisect_left`, whose loop
        runs in C (a span made in a big document's table of 20,000 rows: ~51 K -> ~25 K
        instructions)."""
        order = self._sort_key()
        key = order(span)
        if not self._descending:
            return bisect_left(self._rows, key, key=order)
        low, high = 0, len(self._rows)
        while low < high:
            middle = (low + high) // 2
            if order(self._rows[middle]) > key:
                low = middle + 1
            else:
                high = middle
        return low

    def set_spans(self, text: str, spans: list[Span], starting: Starting | None = None) -> None:
        """Show ``spans`` of ``text``; with ``starting``, the rest are read from it as the
        rows are wanted (in text order: :meth:`fetchMore`), all at once to sort them another
        way or filter them. The rows are replaced in place, not reset: a reset lays the
        header out and repaints it, which shows the same columns."""
        self._text, self._all = text, {s.id: s for s in spans}
        if text is not self._made[0]:
            self._made = ("", {})
        self._starting, self._fetched = starting, 0
        self._replace(self._arranged())
        if self.canFetchMore():
            self.fetchMore()

    def _replace(self, rows: list[Span]) -> None:
        """Show ``rows`` instead of the rows shown: those past the new count removed, the
        rest changed, the new ones past the old count inserted."""
        kept = min(len(rows), len(self._rows))
        if len(self._rows) > kept:
            self.beginRemoveRows(QModelIndex(), kept, len(self._rows) - 1)
            del self._rows[kept:]
            self.endRemoveRows()
        self._rows[:kept] = rows[:kept]
        if kept:
            self.dataChanged.emit(self.cell(0, 0), self.cell(kept - 1, len(COLUMNS) - 1))
        if len(rows) > kept:
            self.beginInsertRows(QModelIndex(), kept, len(rows) - 1)
            self._rows += rows[kept:]
            self.endInsertRows()

    def rows_for(self, text: str, spans: Sequence[Span], count: int) -> list[list[Any]]:
        """What the cells of the first ``count`` rows show, by row and column, once
        :meth:`set_spans` shows ``spans`` of ``text`` (none while a filter is set or the rows
        are sorted by their text: both read the text shown); kept for :meth:`texts` until
        another text is shown."""
        if self._needle or self._column == 3:
            return []
        first = sorted(spans, key=self._sort_key(), reverse=self._descending)[:count]
        rows = [self._cells(span, text) for span in first]
        self._made = (text, {span.id: (span, cells) for span, cells in zip(first, rows,
                                                                           strict=True)})
        return rows

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._starting is not None and \
            self._fetched < len(self._text)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        """Read the spans of the next regions of the text, at least :data:`PAGE` of them
        (unless the text ends first), as rows after those shown."""
        if not self.canFetchMore(parent) or self._starting is None:
            return
        read: list[Span] = []
        while len(read) < PAGE and self._fetched < len(self._text):
            start, self._fetched = self._fetched, min(self._fetched + CHUNK, len(self._text))
            read += [s for s in self._starting(start, self._fetched) if s.id not in self._all]
        shown = sorted((s for s in read if self._shown(s)), key=self._sort_key())
        self._all.update((s.id, s) for s in read)
        if shown:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(shown) - 1)
            self._rows += shown
            self.endInsertRows()

    def _fetch_all(self) -> None:
        """Read every span not read yet (the model is being arranged anew)."""
        if self._starting is not None:
            self._all.update((s.id, s) for s in self._starting(self._fetched, len(self._text))
                             if s.id not in self._all)
            self._starting = None

    def set_filter(self, needle: str) -> None:
        """Show only the spans one of whose columns holds ``needle`` (case aside)."""
        self.beginResetModel()
        self._needle = needle.casefold()
        if self._needle:
            self._fetch_all()
        self._rows = self._arranged()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column`` (the view's header calls it); the selection follows its rows."""
        self.layoutAboutToBeChanged.emit()
        self._column, self._descending = column, order == Qt.SortOrder.DescendingOrder
        if (column, self._descending) != (1, False):
            self._fetch_all()
        kept = self.persistentIndexList()
        ids = [self._rows[index.row()].id for index in kept]
        self._rows = self._arranged()
        position = {span.id: row for row, span in enumerate(self._rows)}
        self.changePersistentIndexList(
            kept, [self.index(position[i], index.column()) for i, index in zip(ids, kept,
                                                                                strict=True)])
        self.layoutChanged.emit()

    # -- changes ---------------------------------------------------------------------------
    def row_of(self, span_id: str) -> int | None:
        """The row showing span ``span_id`` (None: not shown), found by its sort key (the
        rows are in that order), not by walking them."""
        span = self._all.get(span_id)
        if span is None:
            return None
        row = self._recent
        if row < len(self._rows) and self._rows[row].id == span_id:
            return row
        row = self._place(span)
        if row < len(self._rows) and self._rows[row].id == span_id:
            self._recent = row
            return row
        return None

    def put(self, span: Span) -> None:
        """Insert ``span`` or replace the span with its id, in its place in the order (one
        in a part of a big document not read yet is left to be read with it)."""
        if self._starting is not None and span.start >= self._fetched:
            self.drop(span.id)
            return
        row = self.row_of(span.id)
        self._all[span.id] = span
        if not self._shown(span):
            if row is not None:
                self._remove(row)
            return
        if row is None:
            place = self._recent = self._place(span)
            self.beginInsertRows(QModelIndex(), place, place)
            self._rows.insert(place, span)
            self.endInsertRows()
            return
        old = self._rows.pop(row)
        place = self._recent = self._place(span)
        self._rows.insert(row, old)  # as the view knows them, until the move is announced
        first, last = 0, len(COLUMNS) - 1
        if place != row:  # a move keeps the row selected
            self.beginMoveRows(QModelIndex(), row, row, QModelIndex(),
                               place + 1 if place > row else place)
            del self._rows[row]
            self._rows.insert(place, span)
            self.endMoveRows()
        else:
            self._rows[row] = span
            changed = self._changed_columns(old, span)
            if not changed:
                return
            first, last = changed[0], changed[-1]
        self.dataChanged.emit(self.cell(place, first), self.cell(place, last))

    @staticmethod
    def _changed_columns(old: Span, new: Span) -> list[int]:
        """The columns whose cells may show ``new`` otherwise than ``old`` (a relabel: the
        label's alone), so that the view repaints those cells, not the row: each cell
        repainted draws its text again (~0.05 M instructions; a relabel and its undo drew
        six). Told by the fields each cell is made of (:meth:`_cell`), not by making the
        cells of both (their texts' excerpts and attributes, ~5 µs at each relabel and undo)."""
        return [column for column, same in enumerate((
            old.label == new.label, old.start == new.start, old.end == new.end,
            (old.start, old.end, old.fragments) == (new.start, new.end, new.fragments),
            old.annotator == new.annotator, old.attributes == new.attributes)) if not same]

    def drop(self, span_id: str) -> None:
        row = self.row_of(span_id)
        self._all.pop(span_id, None)
        if row is not None:
            self._remove(row)

    def _remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()

    def texts(self, row: int) -> list[Any]:
        """The cells of row ``row``: made by :meth:`rows_for` ahead of the text's showing
        when it made that row's span (the same span: one changed since is another), else
        now (:meth:`_cells`)."""
        span = self._rows[row]
        made = self._made[1].get(span.id)
        if made is not None and made[0] is span:
            return made[1]
        return self._cells(span)

    def text(self, row: int, column: int) -> Any:
        return self._cell(self._rows[row], column)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A cell's text, tooltip or span id. The view asks each cell it paints for some
        eight roles: the others are answered first, asking the index nothing."""
        if role not in _ROLES or not index.isValid():
            return None
        span = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(span, index.column())
        if role == Qt.ItemDataRole.UserRole:
            return span.id
        text = span.text_in(self._text)
        return tooltip(str((span.label, span.start, span.end, text, span.annotator,
                            attributes_text(span, MESSAGE))[index.column()]))


class SpansTable(QDockWidget):
    """The dock: a filter box over the sortable table."""

    def __init__(self, service: Service, parent: QWidget | None = None) -> None:
        super().__init__("Spans", parent)
        self.setObjectName("spans")
        self.service = service
        self.model = SpansModel(self)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter spans (label, text, annotator, attributes)")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.filter.setAccessibleName("Filter spans")
        self.table = PaintedTable(self.model.texts)  # a span made or deleted moves the rows below
        self.table.setAccessibleName("Spans")
        steady_scroll_bars(self.table, vertical_on=True)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        self.table.setItemDelegate(PlainCells(self.table, self.model.shown))  # no style
        header_apart(self.table)
        header = self.table.horizontalHeader()
        # sized once (fitting the contents would measure every row on each change); the user
        # may drag them
        metrics = self.table.fontMetrics()
        for column, widest in enumerate(WIDEST):
            header.resizeSection(column, metrics.horizontalAdvance(widest) + 2 * MARGIN)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        self.setWidget(body)
        self.table.clicked.connect(self._on_click)
        self.table.activated.connect(self._on_click)
        self._selecting: str | None = None
        """The span announced while the table was out of sight, selected once it is shown."""
        self._announced = ""
        """The span the editor last announced as selected ("": none)."""
        self._waiting: dict[str, Span | None] = {}
        """The current document's spans changed while the table was out of sight, each as
        the last change left it (None: gone or not this table's), put in when it is shown."""
        self._in_sight = False
        """Whether the dock is shown, its tab the front one, as it last said
        (``visibilityChanged``): known at each press without asking Qt for the table's
        visible region (~20 µs each time, two or three times a press)."""
        self.visibilityChanged.connect(self._on_visibility)
        self._ahead = WhenPaused(self, AHEAD_PAUSE_S, math.inf, self._lay_ahead)
        """Lays out the rows of the next document of a step through the list, in a pause."""
        hub = service.hub
        hub.documentChanged.connect(self.load)
        hub.annotatorChanged.connect(self.reload)
        hub.storeChanged.connect(self.reload)
        hub.schemaChanged.connect(self.reload)
        hub.changed.connect(self._on_changed)
        hub.spanSelected.connect(self._show_selected)

    def load(self, uid: str) -> None:
        """Show the spans of document ``uid``; those of a text longer than a region are read
        as the table is scrolled. What was selected is of another document: cleared, and
        the rows shown from the top."""
        self._waiting.clear()  # (read with the rest)
        self.table.selectionModel().clear()
        self.table.scrollToTop()
        document = self.service.document(uid) if uid else None
        if document is not None and len(document.text) > CHUNK:
            self.model.set_spans(document.text, [], partial(self._starting, uid))
            return
        self.model.set_spans(document.text if document else "",
                             self.service.spans(uid) if document else [])
        if self._in_sight:
            self._ahead.ask()

    def _lay_ahead(self) -> None:
        """Lay out the cells of the rows the next document of a step through the list shows
        first, as read ahead (:meth:`Service.read_ahead`), for the step that opens it: done
        in the analyst's pause after a document opened, not on the key press (a step drew
        its seven rows' new numbers and texts as new strings, laid out and shaped then)."""
        view = self.service.read_ahead() if self._in_sight else None
        if view is None or view.spans is None:
            return
        who = self.service.annotator
        table = self.table
        count = table.viewport().height() // table.verticalHeader().defaultSectionSize() + 1
        table.lay_ahead(self.model.rows_for(view.document.text,
                                            [s for s in view.spans if s.annotator == who],
                                            count))

    def _starting(self, uid: str, start: int, end: int) -> list[Span]:
        return self.service.spans_within(uid, [self.service.annotator], start, end,
                                         starting=True)

    def reload(self) -> None:
        self.load(self.service.current)

    def _on_changed(self, changes: ChangeSet) -> None:
        """Put the current document's changed spans in their rows; out of sight (the dock
        behind another tab) they wait until it is shown: each row put in or taken out of a
        hidden table was told to the view, which moved its rows and laid itself out again
        (some 0.25 M instructions a press with another dock in front)."""
        uid = self.service.current
        if uid not in changes.documents:
            return
        after = changes.spans_after()
        mine = {span_id: span if span is not None and span.document == uid
                and span.annotator == self.service.annotator else None
                for span_id, span in after.items()}
        announced = self._announced if self._announced in after else ""
        row = self.model.row_of(announced) if announced and self._in_sight else None
        self._waiting.update(mine)
        if self._in_sight:
            self._put_waiting()
        # announced before the change came here: selected again where the change put its
        # row (a relabel or its undo leaves it where it was selected, and in view)
        if announced and (row is None or self.model.row_of(announced) != row):
            self._show_selected(announced)

    def _put_waiting(self) -> None:
        """Show each span waiting in its row (None: no row for that id)."""
        spans, self._waiting = self._waiting, {}
        for span_id, span in spans.items():
            if span is not None:
                self.model.put(span)
            else:
                self.model.drop(span_id)

    def _on_click(self, index: QModelIndex) -> None:
        span_id = self.model.data(index, Qt.ItemDataRole.UserRole)
        if span_id:
            self.service.hub.spanRequested.emit(span_id)

    def _filter(self, needle: str) -> None:
        """Show the rows ``needle`` lets through, the selected span's row selected while it is
        one of them (the rows' reset cleared the selection, the text and the Span panel
        still showing the span selected)."""
        self.model.set_filter(needle)
        if self._announced:
            self._show_selected(self._announced)

    def _show_selected(self, span_id: str) -> None:
        """Select the row of ``span_id`` and bring it into view; a row selected already (the
        editor announces its span again after each change of it) is only brought into view.
        Out of sight (the dock behind another tab) the span is only kept, to be selected when
        the table is shown: selecting and scrolling a hidden table cost each press some
        0.4 M instructions with another dock in front."""
        self._announced = span_id
        if not self._in_sight:
            self._selecting = span_id
            return
        self._selecting = None
        self._select(span_id)

    def _on_visibility(self, visible: bool) -> None:
        self._in_sight = visible
        if visible and self._waiting:
            self._put_waiting()
        if visible and self._selecting is not None:
            span_id, self._selecting = self._selecting, None
            self._select(span_id)

    def _select(self, span_id: str) -> None:
        row = self.model.row_of(span_id) if span_id else None
        if row is None:  # no current row either: Qt selects the next row when it is removed
            self.table.selectionModel().clear()
            return
        # (isRowSelected asked the model's counts some 26 times a relabel: see select_row;
        # a row made current is scrolled to by Qt's view: a span made asked where its row
        # was for nothing, seven calls into Qt)
        if not select_row(self.table, self.model, row) and not self._in_view(row):
            self.table.scrollTo(self.model.cell(row, 0))

    def _in_view(self, row: int) -> bool:
        """Whether ``row``'s first cell shows whole, so that scrolling to it would move
        nothing (Qt's view scrolls to the row it makes current by itself; asked again, each
        press paid ~75 K instructions for Qt to find nothing to scroll)."""
        table = self.table
        top, left = table.rowViewportPosition(row), table.columnViewportPosition(0)
        viewport = table.viewport()
        return top >= 0 and top + table.rowHeight(row) <= viewport.height() and \
            left >= 0 and left + table.columnWidth(0) <= viewport.width()
