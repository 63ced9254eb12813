"""The ledger's tree view: one line per row and per claim, and as many columns as claimants,
which may be thousands. Qt measures a tree's rows over every column (each a call into the
model) whenever its first row changes or a row goes; here every row is one line of the same
font, so its height is measured once and the claimant columns are not asked again."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

Index = QModelIndex | QPersistentModelIndex


class _OneLine(QStyledItemDelegate):
    """Sizes as the style gives them for the first column (its width fits its texts); one
    line of the first column's height for the claimant columns (their widths are the
    header's)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.line = QSize()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        if index.column() == 0 or not self.line.isValid():
            size = super().sizeHint(option, index)
            if not self.line.isValid():
                self.line = QSize(0, size.height())
            return size
        return self.line


class LedgerTree(QTreeView):
    """A tree of one-line rows whose changed data is repainted, never measured again."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setUniformRowHeights(True)
        self.setItemDelegate(_OneLine(self))

    def dataChanged(self, top_left: Index, bottom_right: Index,
                    roles: Sequence[int] = ()) -> None:
        """Repaint what changed (QTreeView would first measure the first row again, over
        every column, when it is among the rows changed: a row stays one line)."""
        QAbstractItemView.dataChanged(self, top_left, bottom_right, roles)
