"""The ledger as an item model: a top-level item per row (its key, then its claimants' figures,
a column each), under it an item per claim. Nothing is made ahead: each item's text is read
from the :class:`~annotate.ledger.Ledger` when the view asks for it, and a row's claims are
items only once the row is first expanded (``fetchMore``), so a ledger of tens of thousands of
claims costs the view only what it shows, and an edit costs the claims it touches
(:meth:`LedgerModel.apply`): under a row never expanded, nothing but the row's repaint."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from annotate.ledger import Change, Ledger, LedgerClaim, Row, order, shown
from desktop.plain import LINE, line, tooltip

CLAIM = Qt.ItemDataRole.UserRole
"""An item's data: (document uid, span id, start) of a claim, or the key of a row."""
CONFLICT_COLOUR = "#C0392B"
CONFLICT_MARK = "  ⚠ conflicting figures"
EXCERPT = 60
_TOP = 0
"""The internal id of a row's index; a claim's is its row's number in :attr:`_ids`."""
Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()


def figures(cell: Sequence[LedgerClaim], limit: int = LINE) -> str:
    """A cell's claims as shown, "; "-joined, on one line: those past ``limit`` characters
    are not read (a claimant may have thousands in a row)."""
    parts: list[str] = []
    length = -2  # of the parts "; "-joined
    for claim in cell:
        if length > limit:
            break
        parts.append(shown(claim))
        length += 2 + len(parts[-1])
    return line("; ".join(parts), limit)


class LedgerModel(QAbstractItemModel):
    """The rows and claims of a ledger; the columns are the claimants as last shown (they
    follow the ledger's when an edit ends)."""

    def __init__(self) -> None:
        super().__init__()
        self.ledger = Ledger()
        self.columns: list[str] = []
        self._ids: dict[str, int] = {}  # row key -> internal id of its claims' indexes
        self._keys: dict[int, str] = {}
        self._last = _TOP
        self._fetched: set[str] = set()  # the rows whose claims the view has as items
        self._conflicting: set[str] = set()
        self._italic = QFont()
        self._italic.setItalic(True)
        self._conflict = QBrush(QColor(CONFLICT_COLOUR))

    # -- the ledger ----------------------------------------------------------------------------
    def install(self, ledger: Ledger) -> None:
        """Show ``ledger`` (built anew) in place of the one shown."""
        self.beginResetModel()
        self.ledger = ledger
        self.columns = list(ledger.claimants)
        self._ids.clear()
        self._keys.clear()
        self._fetched.clear()
        self._conflicting = {row.key for row in ledger.rows if row.conflicting}
        self.endResetModel()

    @property
    def conflicting_rows(self) -> int:
        return len(self._conflicting)

    def apply(self, changes: Sequence[Change]) -> frozenset[str]:
        """Make ``changes`` (:meth:`Ledger.changes`) claim by claim, each told to the view as
        the rows it takes away or puts in; then the columns, and the rows whose cells changed
        (a row whose line reads the same is not repainted: most claims made in a long row
        leave the figures its line has room for as they were). The keys of the rows
        changed."""
        touched: dict[str, list[str]] = {}  # the claimants of the claims changed, by row
        for pair in changes:
            for claim in pair:
                if claim is not None and claim.claimant not in touched.setdefault(claim.row, []):
                    touched[claim.row].append(claim.claimant)
        faces = {key: self._face(key, names) for key, names in touched.items()}
        moved = []
        for old, new in changes:
            if old is not None and new is not None and old.row == new.row \
                    and order(old.record) == order(new.record):
                self.ledger.remove(old.record.id)  # in its place again: the view sees a
                self.ledger.add(new)  # change of data (below), no rows taken or put in
            else:
                moved.append((old, new))
        for old, _new in moved:
            if old is not None:
                self._remove(old)
        for _old, new in moved:
            if new is not None:
                self._add(new)
        self._follow_claimants(c.claimant for pair in changes for c in pair if c is not None)
        for key, names in touched.items():
            self._changed(key, faces[key] != self._face(key, names))
        return frozenset(touched)

    def _face(self, key: str, claimants: Sequence[str]) -> tuple[bool, tuple[str, ...]] | None:
        """What the line of row ``key`` shows in the ``claimants``' cells, and whether its
        figures conflict (None: no such row)."""
        row = self.ledger.row(key)
        if row is None:
            return None
        return row.conflicting, tuple(figures(row.cell(name)) for name in claimants)

    def _remove(self, claim: LedgerClaim) -> None:
        ledger = self.ledger
        row = ledger.row(claim.row)
        assert row is not None
        at = ledger.row_index(row.key)
        if len(row.claims) == 1:
            self.beginRemoveRows(QModelIndex(), at, at)
            ledger.remove(claim.record.id)
            self._conflicting.discard(row.key)
            self._fetched.discard(row.key)
            if (number := self._ids.pop(row.key, None)) is not None:
                del self._keys[number]
        elif row.key in self._fetched:
            place = row.index(claim)
            self.beginRemoveRows(self.createIndex(at, 0, _TOP), place, place)
            ledger.remove(claim.record.id)
        else:
            ledger.remove(claim.record.id)  # not items yet
            return
        self.endRemoveRows()

    def _add(self, claim: LedgerClaim) -> None:
        at, place, _column = self.ledger.place(claim)
        if place is None:
            self.beginInsertRows(QModelIndex(), at, at)
        elif claim.row in self._fetched:
            self.beginInsertRows(self.createIndex(at, 0, _TOP), place, place)
        else:
            self.ledger.add(claim)  # not items yet
            return
        self.ledger.add(claim)
        self.endInsertRows()

    def _follow_claimants(self, names: Iterable[str]) -> None:
        """Take away the columns of the claimants ``names`` gone, put in those new (``names``:
        the claimants of the claims changed; no other's column comes or goes)."""
        for name in sorted(set(names)):
            column = bisect_left(self.columns, name)
            shown = column < len(self.columns) and self.columns[column] == name
            if shown and not self.ledger.claimed(name):
                self.beginRemoveColumns(QModelIndex(), 1 + column, 1 + column)
                del self.columns[column]
                self.endRemoveColumns()
            elif not shown and self.ledger.claimed(name):
                self.beginInsertColumns(QModelIndex(), 1 + column, 1 + column)
                self.columns.insert(column, name)
                self.endInsertColumns()

    def _changed(self, key: str, line: bool) -> None:
        """A row's claims' marks, and its line when ``line``, may have changed: tell the view
        (it repaints what it shows of them)."""
        row = self.ledger.row(key)
        if row is None:
            return
        if row.conflicting:
            self._conflicting.add(key)
        else:
            self._conflicting.discard(key)
        last = len(self.columns)
        if line:
            at = self.ledger.row_index(key)
            self.dataChanged.emit(self.createIndex(at, 0, _TOP),
                                  self.createIndex(at, last, _TOP))
        if key in self._fetched:
            number = self._number(key)
            self.dataChanged.emit(self.createIndex(0, 0, number),
                                  self.createIndex(len(row.claims) - 1, last, number))

    # -- where things are ----------------------------------------------------------------------
    def _number(self, key: str) -> int:
        number = self._ids.get(key)
        if number is None:
            self._last += 1
            number = self._ids[key] = self._last
            self._keys[number] = key
        return number

    def row_of(self, index: Index) -> Row | None:
        """The ledger row of an index: its own, or its claim's."""
        if not index.isValid():
            return None
        number = index.internalId()
        if number == _TOP:
            rows = self.ledger.rows
            return rows[index.row()] if index.row() < len(rows) else None
        key = self._keys.get(number)
        return None if key is None else self.ledger.row(key)

    def claim_of(self, index: Index) -> LedgerClaim | None:
        if not index.isValid() or index.internalId() == _TOP:
            return None
        row = self.row_of(index)
        return row.claims[index.row()] if row is not None and index.row() < len(row.claims) \
            else None

    def row_index(self, key: str) -> QModelIndex:
        """The index of the row ``key`` (invalid when there is none)."""
        if self.ledger.row(key) is None:
            return QModelIndex()
        return self.createIndex(self.ledger.row_index(key), 0, _TOP)

    # -- QAbstractItemModel --------------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = ROOT) -> QModelIndex:
        if row < 0 or not 0 <= column <= len(self.columns):
            return QModelIndex()
        if not parent.isValid():
            rows = len(self.ledger.rows)
            return self.createIndex(row, column, _TOP) if row < rows else QModelIndex()
        owner = self.row_of(parent)
        if owner is None or parent.internalId() != _TOP or row >= self.rowCount(parent):
            return QModelIndex()
        return self.createIndex(row, column, self._number(owner.key))

    def parent(self, child: Index = ROOT) -> QModelIndex:  # type: ignore[override]
        if not child.isValid() or child.internalId() == _TOP:
            return QModelIndex()
        key = self._keys.get(child.internalId())
        if key is None or self.ledger.row(key) is None:
            return QModelIndex()
        return self.createIndex(self.ledger.row_index(key), 0, _TOP)

    def rowCount(self, parent: Index = ROOT) -> int:
        if not parent.isValid():
            return len(self.ledger.rows)
        if parent.column() != 0 or parent.internalId() != _TOP:
            return 0
        row = self.row_of(parent)
        return len(row.claims) if row is not None and row.key in self._fetched else 0

    def hasChildren(self, parent: Index = ROOT) -> bool:
        return not parent.isValid() or (parent.internalId() == _TOP and parent.column() == 0)

    def canFetchMore(self, parent: Index) -> bool:
        row = self.row_of(parent) if parent.column() == 0 else None
        return row is not None and parent.internalId() == _TOP and row.key not in self._fetched

    def fetchMore(self, parent: Index) -> None:
        """Make the row's claims items (the view asks when it expands the row)."""
        if not self.canFetchMore(parent):
            return
        row = self.row_of(parent)
        assert row is not None
        self.beginInsertRows(parent, 0, len(row.claims) - 1)
        self._fetched.add(row.key)
        self.endInsertRows()

    def columnCount(self, parent: Index = ROOT) -> int:
        return 1 + len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return "Subject: proposition"
        return line(self.columns[section - 1]) if section <= len(self.columns) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if index.internalId() == _TOP:
            row = self.row_of(index)
            return None if row is None else self._row_data(row, index.column(), role)
        claim = self.claim_of(index)
        return None if claim is None else self._claim_data(claim, index.column(), role)

    def _row_data(self, row: Row, column: int, role: int) -> object:
        if role == CLAIM:
            return row.key
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return line(row.key + (CONFLICT_MARK if row.key in self._conflicting else ""))
            return figures(row.cell(self.columns[column - 1]))
        if role == Qt.ItemDataRole.ForegroundRole and column == 0 \
                and row.key in self._conflicting:
            return self._conflict
        return None

    def _claim_data(self, claim: LedgerClaim, column: int, role: int) -> object:
        record = claim.record
        if role == CLAIM:
            return record.document, record.id, record.start
        if column == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                text = record.text if len(record.text) <= EXCERPT \
                    else record.text[:EXCERPT] + "…"
                date = f" ({record.published})" if record.published else ""
                return line(f"{record.title or record.document[:10]}{date}: “{text}”")
            if role == Qt.ItemDataRole.ToolTipRole:
                return tooltip(f"{record.text}\n{record.annotator}'s layer; "
                               "click to open it in its document")
            return None
        if self.columns[column - 1] != claim.claimant:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return line(shown(claim))
        if role == Qt.ItemDataRole.ForegroundRole:
            row = self.ledger.row(claim.row)
            return self._conflict if row is not None and row.conflicted(claim) else None
        if role == Qt.ItemDataRole.FontRole and record.kind == "denial":
            return self._italic
        return None
