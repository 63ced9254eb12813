"""Team ▸ Assign documents…: a lead gives documents to annotators (by hand, or N annotators
per document balanced across the team), takes them back, and turns blind mode on or off.

Each action is one journaled command (Assign, Unassign or SetBlind) applied through
:meth:`Service.apply`: one undo step of the lead, and every view (My queue among them)
follows it. Anyone but a lead is told plainly that they may not (:mod:`desktop.roster`);
should they try anyway, the server's refusal is shown here, and nothing changes."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QObject, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotate.assignment import balance
from annotate.commands import Assign, ChangeSet, Command, SetBlind, Unassign
from annotate.errors import CounterclaimError
from annotate.query import QueryError, parse
from annotate.strings import check_name
from db.store import DocumentRow
from desktop.plain import NAME, line, plain_label, tooltip
from desktop.roster import Roster
from desktop.service import Filters, Service
from desktop.table_model import Index, RowsModel

SHOWN = ("all documents", "nobody assigned", "someone assigned")
"""The choices of which documents the table shows, by their assignments."""
OWN_STEPS = frozenset(("assign", "unassign", "set_blind"))
"""The steps this dialog makes (its Undo takes back only these)."""
BLIND_TEXT = ("Blind mode: an annotator sees only their own layer of a document until every "
              "annotator assigned to it marked it done")
NAME_ROLE = Qt.ItemDataRole.UserRole
MOST_PER_DOCUMENT = 99
"""The most annotators per document the balance's box goes to (more than the checked
members is refused, saying how many are)."""


class AssignmentsModel(RowsModel):
    """Documents (:class:`DocumentRow`) with who is assigned each, and the assignments a
    balance would add (its preview, marked "+")."""

    COLUMNS = ("Document", "Assigned to")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.held: dict[str, list[str]] = {}
        self.preview: dict[str, list[str]] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    def show(self, rows: list[DocumentRow], held: dict[str, list[str]]) -> None:
        self.beginResetModel()
        self._rows, self.held, self.preview = rows, held, {}
        self.endResetModel()

    def set_preview(self, pairs: Sequence[tuple[str, str]]) -> None:
        self.preview = {}
        for uid, name in pairs:
            self.preview.setdefault(uid, []).append(name)
        self._column_changed()

    def _column_changed(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 1), self.index(len(self._rows) - 1, 1))

    def uid(self, row: int) -> str:
        return self._rows[row].uid

    def uids(self) -> list[str]:
        return [row.uid for row in self._rows]

    def assigned_to(self, uid: str) -> str:
        """Who is assigned document ``uid``, and (marked "+") whom the preview adds."""
        names = [line(name, NAME) for name in self.held.get(uid, [])]
        names += [f"+{line(name, NAME)}" for name in self.preview.get(uid, [])]
        return ", ".join(names)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return line(row.title or row.uid) if index.column() == 0 else \
                self.assigned_to(row.uid)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return tooltip(f"{row.title}\n{row.uid}")
        if role == Qt.ItemDataRole.FontRole and index.column() == 1 and \
                row.uid in self.preview:
            return self._bold
        return None


class AssignDialog(QDialog):
    """Documents (filtered by a corpus search and by their assignments; select several) ×
    the team's members with their load (check the ones to act for); Assign, Unassign and
    a previewed Balance of the selected documents (all shown, when none is selected), and
    the blind-mode switch."""

    def __init__(self, service: Service, search: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Assign documents")
        self.service = service
        self.roster = Roster(())
        self.search = QLineEdit(search)
        self.search.setPlaceholderText("Search the corpus")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the documents to assign")
        self.shown = QComboBox()
        self.shown.addItems(SHOWN)
        self.shown.setAccessibleName("Show documents by assignment")
        self.model = AssignmentsModel(self)
        self.table = QTableView()
        self.table.setAccessibleName("Documents to assign")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(1, 220)
        self.counts = plain_label()
        self.members = QListWidget()
        self.members.setAccessibleName("Team members: check the ones to act for")
        self.new_member = QLineEdit()
        self.new_member.setPlaceholderText("Another annotator")
        self.new_member.setAccessibleName("Name of another annotator to add")
        self.add_member = QPushButton("Add")
        self.assign_button = QPushButton("&Assign selected to checked")
        self.unassign_button = QPushButton("&Unassign selected from checked")
        self.per_document = QSpinBox()
        self.per_document.setRange(1, MOST_PER_DOCUMENT)
        self.per_document.setAccessibleName("Annotators per document")
        self.preview_button = QPushButton("&Preview balance")
        self.apply_button = QPushButton("Apply &balance")
        self.blind = QCheckBox(BLIND_TEXT)
        self.undo_button = QPushButton("Un&do last change")
        for button in (self.add_member, self.assign_button, self.unassign_button,
                       self.preview_button, self.apply_button, self.undo_button):
            button.setAutoDefault(False)  # Enter in a field presses none of them
        self.intro = plain_label()
        self.intro.setWordWrap(True)
        self.problem = plain_label()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: palette(highlighted-text); "
                                   "background: palette(highlight); padding: 4px")
        self.problem.hide()
        self.summary = plain_label()
        self.summary.setWordWrap(True)
        self._pairs: list[tuple[str, str]] | None = None
        """The assignments the preview shows (None: no preview)."""
        self._layout()
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.reload_documents)
        self.search.textChanged.connect(self._debounce.start)
        self.search.textChanged.connect(self._index)
        self.shown.currentIndexChanged.connect(self.reload_documents)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.members.itemChanged.connect(self._selection_changed)
        self.per_document.valueChanged.connect(self._selection_changed)
        self.add_member.clicked.connect(self.add_typed_member)
        self.new_member.returnPressed.connect(self.add_typed_member)
        self.assign_button.clicked.connect(self.assign_selected)
        self.unassign_button.clicked.connect(self.unassign_selected)
        self.preview_button.clicked.connect(self.preview_balance)
        self.apply_button.clicked.connect(self.apply_balance)
        self.blind.clicked.connect(self.set_blind)
        self.undo_button.clicked.connect(self.undo)
        hub = service.hub
        hub.changed.connect(self._on_changed)
        hub.storeChanged.connect(self.reload)
        hub.annotatorChanged.connect(self.reload)  # whose undo steps; a new annotator
        hub.searchIndexed.connect(self.reload_documents)
        hub.failed.connect(self._on_failed)
        self.reload()
        self._index(search)

    def _layout(self) -> None:
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.shown)
        left = QVBoxLayout()
        left.addLayout(filters)
        left.addWidget(self.table, 1)
        left.addWidget(self.counts)
        adding = QHBoxLayout()
        adding.addWidget(self.new_member, 1)
        adding.addWidget(self.add_member)
        right = QVBoxLayout()
        right.addWidget(QLabel("Team members and their documents"))
        right.addWidget(self.members, 1)
        right.addLayout(adding)
        actions = QGridLayout()
        actions.addWidget(self.assign_button, 0, 0, 1, 2)
        actions.addWidget(self.unassign_button, 1, 0, 1, 2)
        per = QHBoxLayout()
        per.addWidget(QLabel("Balance:"))
        per.addWidget(self.per_document)
        per.addWidget(QLabel("per document"), 1)
        actions.addLayout(per, 2, 0, 1, 2)
        actions.addWidget(self.preview_button, 3, 0)
        actions.addWidget(self.apply_button, 3, 1)
        right.addLayout(actions)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.undo_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.problem)
        layout.addLayout(body, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.blind)
        layout.addWidget(buttons)
        self.resize(960, 600)

    # -- reading ---------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the roster, the assignments and blind mode again (another store, or another
        program changed them)."""
        roster = self.service.roster()
        self.roster = roster if roster is not None else Roster((), "the store cannot be read")
        refusal = self.roster.refusal
        self.intro.setText(f"{self.roster.who} Each change here is one step of yours (Undo "
                           "takes it back), and My queue follows it at once.")
        self._say(refusal)
        for control in (self.assign_button, self.unassign_button, self.preview_button,
                        self.apply_button, self.blind, self.add_member, self.new_member,
                        self.per_document):
            control.setEnabled(refusal is None)
        self.new_member.setVisible(not self.roster.server)
        self.add_member.setVisible(not self.roster.server)
        self.blind.setChecked(self.service.blind())
        self.reload_documents()

    def reload_documents(self) -> None:
        """Show the documents the search and the assignment filter let through."""
        self._debounce.stop()
        text = self.search.text().strip()
        try:
            parse(text) if text else None
        except QueryError as exc:
            self.counts.setText(f"Cannot search: {exc}")
            return
        held: dict[str, list[str]] = {}
        for uid, name in self.service.assignments():
            held.setdefault(uid, []).append(name)
        rows = self.service.documents(Filters(search=text), 0, sys.maxsize)
        which = self.shown.currentIndex()
        if which:
            rows = [row for row in rows if bool(held.get(row.uid)) == (which == 2)]
        chosen = set(self.selected())
        self.model.show(rows, held)
        self._select(chosen)
        self._fill_members(held)
        self._selection_changed()

    def _select(self, uids: set[str]) -> None:
        """Select the rows of ``uids`` again (the documents picked before a reload)."""
        selection = QItemSelection()
        for row, uid in enumerate(self.model.uids()):
            if uid in uids:
                selection.select(self.model.index(row, 0), self.model.index(row, 1))
        self.table.selectionModel().select(
            selection, QItemSelectionModel.SelectionFlag.Select
            | QItemSelectionModel.SelectionFlag.Rows)

    def _fill_members(self, held: dict[str, list[str]]) -> None:
        """The members (and anyone assigned documents who is not one), each with how many
        documents they hold; the ones checked before stay checked (at first: the ones a
        balance goes to)."""
        load = Counter(name for names in held.values() for name in names)
        checked = self.checked() if self.members.count() else self.roster.first_checked
        roles = dict(self.roster.members)
        listed = (self.members.item(i).data(NAME_ROLE) for i in range(self.members.count()))
        added = {name for name in listed if name not in roles}  # typed in (on a file)
        self.members.blockSignals(True)
        self.members.clear()
        for name in sorted({*roles, *load, *added}):
            role = roles.get(name, "not a member" if self.roster.server else "")
            self._add_item(name, f" ({role})" if role else "", load[name], name in checked)
        self.members.blockSignals(False)

    def _add_item(self, name: str, role: str, count: int, checked: bool) -> None:
        item = QListWidgetItem(f"{line(name, NAME)}{role} — {count} document"
                               f"{'' if count == 1 else 's'}")
        item.setData(NAME_ROLE, name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.members.addItem(item)

    # -- what the user picked --------------------------------------------------------------
    def checked(self) -> list[str]:
        """The members checked, in list order."""
        items = (self.members.item(i) for i in range(self.members.count()))
        return [item.data(NAME_ROLE) for item in items
                if item.checkState() == Qt.CheckState.Checked]

    def selected(self) -> list[str]:
        """The uids of the documents selected, in list order."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.uid(row) for row in rows]

    def _targets(self) -> list[str]:
        """The documents a balance covers: the selected ones, else all shown."""
        return self.selected() or self.model.uids()

    def _selection_changed(self, *_args: object) -> None:
        """The choice changed: a preview no longer holds; say what is picked."""
        self._drop_preview()
        chosen, members = len(self.selected()), self.checked()
        shown = self.model.rowCount()
        self.counts.setText(f"{shown} documents shown, {chosen} selected · a balance covers "
                            f"{chosen or shown}")
        allowed = self.roster.refusal is None
        self.assign_button.setEnabled(allowed and bool(chosen and members))
        self.unassign_button.setEnabled(allowed and bool(chosen and members))
        self.preview_button.setEnabled(allowed and bool(members and self.model.rowCount()))
        self._undo_enabled()

    def _drop_preview(self) -> None:
        if self._pairs is not None:
            self._pairs = None
            self.model.set_preview(())
            self.summary.clear()
        self.apply_button.setEnabled(False)

    def _undo_enabled(self) -> None:
        self.undo_button.setEnabled(self.service.next_undo() in OWN_STEPS)

    def add_typed_member(self) -> None:
        """Add the annotator typed to the list, checked (on a file, where anyone may be
        given documents; they are stored with their first assignment)."""
        name = self.new_member.text().strip()
        try:
            check_name(name, "annotator")
        except CounterclaimError as exc:
            self._say(str(exc))
            return
        listed = [self.members.item(i) for i in range(self.members.count())]
        found = [item for item in listed if item.data(NAME_ROLE) == name]
        if found:
            found[0].setCheckState(Qt.CheckState.Checked)
        else:
            self._add_item(name, "", 0, True)
        self.new_member.clear()
        self._say(None)

    # -- actions: each one journaled command, one undo step --------------------------------
    def assign_selected(self) -> bool:
        """Assign each selected document to each checked member who does not hold it."""
        members = self.checked()
        pairs = [(uid, name) for uid in self.selected() for name in members
                 if name not in self.model.held.get(uid, ())]
        if not pairs:
            return self._say("every selected document is assigned to the checked members "
                             "already")
        return self._apply(Assign(tuple(pairs)), f"assigned {len(pairs)} (document, "
                           "annotator) pairs")

    def unassign_selected(self) -> bool:
        """Take the selected documents back from the checked members who hold them."""
        members = set(self.checked())
        pairs = [(uid, name) for uid in self.selected()
                 for name in self.model.held.get(uid, ()) if name in members]
        if not pairs:
            return self._say("none of the selected documents is assigned to the checked "
                             "members")
        return self._apply(Unassign(tuple(pairs)), f"unassigned {len(pairs)} (document, "
                           "annotator) pairs")

    def preview_balance(self) -> bool:
        """Show (marked "+") the assignments that bring each document covered to N of the
        checked members, each to the member holding fewest (:func:`balance`)."""
        held = [(uid, name) for uid, names in self.model.held.items() for name in names]
        try:
            pairs = balance(self._targets(), self.checked(), self.per_document.value(), held)
        except CounterclaimError as exc:
            return self._say(str(exc))
        self._pairs = pairs
        self.model.set_preview(pairs)
        added = Counter(name for _, name in pairs)
        each = ", ".join(f"{line(name, NAME)} +{added[name]}" for name in self.checked()
                         if added[name])
        self.summary.setText(
            f"Preview: {len(pairs)} new assignments ({each}). Apply balance makes them, one "
            "undo step." if pairs else
            "Preview: every document covered has enough annotators already.")
        self.apply_button.setEnabled(bool(pairs))
        return self._say(None)

    def apply_balance(self) -> bool:
        """Make the assignments previewed."""
        pairs = self._pairs
        if not pairs:
            return self._say("preview a balance first")
        return self._apply(Assign(tuple(pairs)), f"assigned {len(pairs)} (document, "
                           "annotator) pairs, balanced")

    def set_blind(self) -> bool:
        """Turn blind mode as the switch says (left as stored when refused)."""
        on = self.blind.isChecked()
        done = self._apply(SetBlind(on), f"blind mode turned {'on' if on else 'off'}")
        self.blind.setChecked(self.service.blind())
        return done

    def undo(self) -> bool:
        """Take back the last change made here (the lead's last step)."""
        if self.service.next_undo() not in OWN_STEPS:
            return self._say("your last step is not an assignment or blind mode: undo it "
                             "from the Edit menu")
        self._say(None)
        return self.service.undo() is not None

    def _apply(self, command: Command, done: str) -> bool:
        """Apply ``command`` as one step of the user; a refusal is shown (by
        :meth:`_on_failed`) and False returned."""
        self._say(None)
        if self.service.apply(command) is None:
            return False
        self.summary.setText(done)
        return True

    # -- the hub ---------------------------------------------------------------------------
    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.status:  # an assignment, blind mode or a status
            self.blind.setChecked(self.service.blind())
            self.reload_documents()

    def _on_failed(self, text: str, _serious: bool) -> None:
        if self.isVisible():
            self._say(text)

    def _say(self, text: str | None) -> bool:
        """Show ``text`` above everything (None: hide it); False, for a refused action."""
        self.problem.setText(text or "")
        self.problem.setVisible(bool(text))
        return False

    def _index(self, text: str) -> None:
        if text.strip():
            self.service.index_for_search()
