"""The "Relation types" page of the schema editor: add, rename and remove relation types and
choose the labels each may start and end at.

Endpoints are held as the span-label drafts of the first page (:class:`LabelDraft`), so a label
renamed there is renamed here and a label removed there leaves here. What a type affects is
named: the links that use it (per annotator, and in how many documents); a type in use cannot
be removed (the store refuses it too), and a rename carries its links along."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotate.errors import ValidationError
from annotate.schema import Label, RelationType
from db.schema_io import RelationTypeUse
from desktop.plain import line

ANY = "any label"


class LabelDraft(Protocol):
    """A span label being edited (:class:`desktop.schema_dialog.Draft`)."""

    original: str | None
    label: Label


@dataclass(eq=False, slots=True)
class RelationDraft:
    """A relation type being edited: ``original`` is its stored name (None: new); the ends
    are label drafts (none: any label); ``restricted`` says the type was meant to be limited
    at that end (so losing every label there is an error, not "any label")."""

    original: str | None
    name: str
    sources: list[LabelDraft] = field(default_factory=list)
    targets: list[LabelDraft] = field(default_factory=list)
    restricted: tuple[bool, bool] = (False, False)
    across: bool = False
    """Whether its links may end in another document (kept as stored)."""


def use_text(use: RelationTypeUse | None) -> str:
    """``12 links use it (amina 7, bob 5) in 3 documents.``, or that none does."""
    if use is None:
        return "No links use it."
    total = sum(use.by_annotator.values())
    who = ", ".join(f"{line(name, 40)} {n}" for name, n in use.by_annotator.items())
    links = "1 link uses" if total == 1 else f"{total} links use"
    return (f"{links} it ({who}) in {use.documents} "
            f"document{'s' if use.documents != 1 else ''}.")


class RelationTypeEditor(QWidget):
    """Edits the relation types: :meth:`load`, then :meth:`result`."""

    def __init__(self, labels: Callable[[], list[LabelDraft]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels = labels
        self.drafts: list[RelationDraft] = []
        self._use: Mapping[str, RelationTypeUse] = {}
        self._row = -1
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Relation type", "From", "To"])
        self.table.setAccessibleName("Relation types")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.currentCellChanged.connect(lambda row, *_: self._select(row))
        self.table.itemChanged.connect(self._renamed)
        self.sources, self.targets = QListWidget(), QListWidget()
        self.sources.setAccessibleName("Labels it starts at")
        self.targets.setAccessibleName("Labels it ends at")
        for ends in (self.sources, self.targets):
            ends.itemChanged.connect(lambda _item: self._commit_ends())
        self.across = QCheckBox("Its links may end in another document")
        self.across.setToolTip("A claim repeating, contradicting or revising a claim elsewhere, "
                               "or a denial of one: such links join spans of two documents.")
        self.across.toggled.connect(self._commit_across)
        self.use = QLabel()
        self.use.setTextFormat(Qt.TextFormat.PlainText)
        self.use.setWordWrap(True)
        self.add = QPushButton("Add relation type")
        self.remove = QPushButton("Remove relation type")
        self.add.clicked.connect(self.add_type)
        self.remove.clicked.connect(self.remove_type)
        self.refusal = QLabel()
        self.refusal.setTextFormat(Qt.TextFormat.PlainText)
        self.refusal.setWordWrap(True)
        note = QLabel("Links are typed and directed: a type may start and end only at the labels "
                      "ticked (none ticked: any label). Renaming a type renames its links.")
        note.setWordWrap(True)
        ends = QGridLayout()
        ends.addWidget(QLabel("Starts at (from)"), 0, 0)
        ends.addWidget(QLabel("Ends at (to)"), 0, 1)
        ends.addWidget(self.sources, 1, 0)
        ends.addWidget(self.targets, 1, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.use)
        layout.addWidget(self.refusal)
        layout.addLayout(ends, 1)
        layout.addWidget(self.across)

    # -- loading ---------------------------------------------------------------------------
    def load(self, relations: tuple[RelationType, ...], use: Mapping[str, RelationTypeUse]) -> None:
        """Start from the stored ``relations`` (their labels found among the label drafts by
        stored name) and what uses each."""
        by_name = {d.original: d for d in self._labels() if d.original is not None}
        self._use = use
        self.drafts = [RelationDraft(r.name, r.name,
                                     [by_name[n] for n in r.source_labels if n in by_name],
                                     [by_name[n] for n in r.target_labels if n in by_name],
                                     (bool(r.source_labels), bool(r.target_labels)),
                                     r.across)
                       for r in relations]
        self._row = -1
        self.refresh()

    def refresh(self) -> None:
        """Show the drafts again, with the labels as they are named now on the first page."""
        current = max(self.table.currentRow(), 0)
        with QSignalBlocker(self.table):
            self.table.setRowCount(0)
            for draft in self.drafts:
                row = self.table.rowCount()
                self.table.insertRow(row)
                self.table.setItem(row, 0, QTableWidgetItem(draft.name))
                for column, ends in ((1, draft.sources), (2, draft.targets)):
                    item = QTableWidgetItem(self._names(ends))
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    self.table.setItem(row, column, item)
        self._row = -1
        if self.drafts:
            self.table.setCurrentCell(min(current, len(self.drafts) - 1), 0)
        self._select(self.table.currentRow())

    def _names(self, ends: list[LabelDraft]) -> str:
        alive = self._alive(ends)
        return ", ".join(line(d.label.name, 40) for d in alive) if alive else ANY

    def _alive(self, ends: list[LabelDraft]) -> list[LabelDraft]:
        labels = self._labels()
        return [d for d in ends if any(d is other for other in labels)]

    # -- one type ----------------------------------------------------------------------------
    def _select(self, row: int) -> None:
        self._row = row
        draft = self.drafts[row] if 0 <= row < len(self.drafts) else None
        self.refusal.clear()
        for ends, chosen in ((self.sources, draft.sources if draft else []),
                             (self.targets, draft.targets if draft else [])):
            with QSignalBlocker(ends):
                ends.clear()
                for label in self._labels():
                    item = QListWidgetItem(line(label.label.name))
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Checked
                                       if any(label is d for d in chosen)
                                       else Qt.CheckState.Unchecked)
                    ends.addItem(item)
            ends.setEnabled(draft is not None)
        self.remove.setEnabled(draft is not None)
        with QSignalBlocker(self.across):
            self.across.setChecked(bool(draft and draft.across))
        self.across.setEnabled(draft is not None)
        self.use.setText(use_text(self._use.get(draft.original)) if draft and draft.original
                         else "A new type: no links use it yet." if draft else "")

    def _commit_ends(self) -> None:
        """The ticks of the two lists into the selected draft (and its row)."""
        if not 0 <= self._row < len(self.drafts):
            return
        draft, labels = self.drafts[self._row], self._labels()
        picked = [[labels[i] for i in range(ends.count())
                   if ends.item(i).checkState() == Qt.CheckState.Checked]
                  for ends in (self.sources, self.targets)]
        draft.sources, draft.targets = picked
        draft.restricted = (bool(picked[0]), bool(picked[1]))
        with QSignalBlocker(self.table):
            for column, ends in ((1, draft.sources), (2, draft.targets)):
                self.table.item(self._row, column).setText(self._names(ends))

    def _commit_across(self, across: bool) -> None:
        if 0 <= self._row < len(self.drafts):
            self.drafts[self._row].across = across

    def _renamed(self, item: QTableWidgetItem) -> None:
        if item.column() == 0 and 0 <= item.row() < len(self.drafts):
            self.drafts[item.row()].name = item.text().strip()

    def add_type(self) -> None:
        taken = {d.name for d in self.drafts}
        name = next(f"RELATION_{n}" for n in range(1, len(taken) + 2)
                    if f"RELATION_{n}" not in taken)
        self.drafts.append(RelationDraft(None, name))
        self.refresh()
        self.table.setCurrentCell(len(self.drafts) - 1, 0)

    def remove_type(self) -> None:
        """Remove the selected type; one that links use stays, and what uses it is said."""
        row = self.table.currentRow()
        if not 0 <= row < len(self.drafts):
            return
        draft = self.drafts[row]
        use = self._use.get(draft.original) if draft.original else None
        if use is not None:
            self.refusal.setText(f"{draft.original} cannot be removed: {use_text(use)} Remove "
                                 "those links first, or rename the type.")
            return
        del self.drafts[row]
        self.refresh()

    # -- result ------------------------------------------------------------------------------
    def result(self) -> tuple[tuple[RelationType, ...], dict[str, str]]:
        """The relation types as edited, with their ends named as the labels are now, and the
        renames {stored name: new name}. ValidationError when a type limited at one end would
        be left with none of its labels there (they were all removed)."""
        types, renames = [], {}
        for draft in self.drafts:
            ends = []
            for alive, restricted, side in ((self._alive(draft.sources), draft.restricted[0],
                                             "start"),
                                            (self._alive(draft.targets), draft.restricted[1],
                                             "end")):
                if restricted and not alive:
                    raise ValidationError(
                        f"relation type {draft.name!r} would {side} at no label once its labels "
                        "are removed: tick some labels for it, or remove the type")
                ends.append(tuple(d.label.name for d in alive))
            types.append(RelationType(draft.name, ends[0], ends[1], draft.across))
            if draft.original is not None and draft.original != draft.name:
                renames[draft.original] = draft.name
        return tuple(types), renames

