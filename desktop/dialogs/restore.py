"""File ▸ Restore from backup…: the store's backups, newest first, and a confirmation before one
is chosen. The dialog only chooses; :meth:`Service.restore_backup` does the restoring."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.backup import BackupInfo
from desktop.plain import tooltip

COLUMNS = ("Taken", "Reason", "Size")
REASONS = {
    "daily": "daily (automatic)",
    "pre-restore": "before a restore",
    "pre-migration": "before an upgrade",
}
"""How the reasons written in backup file names are shown; others are shown as written."""


def when(info: BackupInfo) -> str:
    """The time the backup was taken, in local time."""
    return info.taken.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def size_text(size: int) -> str:
    """``size`` bytes in KB/MB (1000-based), one decimal below 10."""
    for unit, scale in (("MB", 1_000_000), ("KB", 1_000)):
        if size >= scale:
            value = size / scale
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    return f"{size} bytes"


class RestoreDialog(QDialog):
    """Lists ``backups`` (newest first); accepted once a backup was picked and the user
    confirmed, with :attr:`chosen` set."""

    def __init__(self, backups: list[BackupInfo], store_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from backup")
        self.backups = backups
        self.chosen: BackupInfo | None = None
        intro = QLabel(
            f"Backups of {store_name}, newest first. Restoring puts the whole store (documents, "
            "spans, statuses, schema, undo history) back to the chosen moment; the current "
            "state is backed up first."
            if backups else
            f"{store_name} has no backups yet. File ▸ Backup now takes one; a daily one is "
            "taken while the window is open.")
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.table = QTableWidget(len(backups), len(COLUMNS))
        self.table.setAccessibleName("Backups")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for row, info in enumerate(backups):
            cells = (when(info), REASONS.get(info.reason, info.reason), size_text(info.size))
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(tooltip(str(info.path)))
                self.table.setItem(row, column, cell)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_button)
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = self.buttons.addButton(
            "Restore…", QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.setDefault(True)  # Enter asks; the question defaults to Cancel
        self.restore_button.clicked.connect(lambda _checked=False: self.restore_selected())
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.resize(560, 360)
        if backups:
            self.table.selectRow(0)
        self._update_button()

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _update_button(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    def restore_selected(self) -> bool:
        """Ask to confirm the selected backup; accept the dialog when the user agrees."""
        info = self.selected()
        if info is None or not self.confirm(info):
            return False
        self.chosen = info
        self.accept()
        return True

    def confirm(self, info: BackupInfo) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question, "Restore from backup",
            f"Restore the backup taken {when(info)} ({REASONS.get(info.reason, info.reason)})?"
            f"\n\n{info.path.name}\n\nThe current state of the store is backed up first "
            "(as a “before a restore” backup), so this restore can itself be undone from "
            "this list.", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes
