"""Drop-down lists of values: a filter's list of names, refilled without losing the choice it
shows; the rows of a drop-down's values, kept beside it."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QComboBox

from desktop.plain import line


def fill_choices(box: QComboBox, every: str, names: list[str]) -> None:
    """Refill ``box`` with ``every`` (data None) then ``names``, keeping the name chosen when
    it is still there (else ``every``), without signalling the refill as a new choice."""
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    box.addItem(every, None)
    for name in names:
        box.addItem(line(name), name)
    found = box.findData(current)
    box.setCurrentIndex(found if found >= 0 else 0)
    box.blockSignals(False)


class ValueRows:
    """The row of each value a drop-down holds, kept as the values are added: a value is shown
    without asking Qt for its row (``findData``, a call into Qt at each span shown), and a box
    showing it already is left as it is."""

    def __init__(self, box: QComboBox) -> None:
        self.box = box
        self._rows: dict[str, int] = {}
        self._row = box.currentIndex()
        """The row the box shows (followed as it moves: asking the box, at each span shown,
        was a call into Qt per drop-down, ~3 K instructions)."""
        box.currentIndexChanged.connect(self._moved)

    def _moved(self, row: int) -> None:
        self._row = row

    def add(self, value: str | None, text: str) -> None:
        """Add ``value``, shown as ``text`` (a value added twice keeps its first row)."""
        self.box.addItem(text, value)
        if value is not None:
            self._rows.setdefault(value, self.box.count() - 1)

    def clear(self) -> None:
        self.box.clear()
        self._rows.clear()

    def show(self, value: object) -> None:
        """Choose ``value``'s row, or the first row for a value not among them, without
        signalling it as a choice."""
        row = self._rows.get(value, 0) if isinstance(value, str) else 0
        if self._row != row:
            with QSignalBlocker(self.box):
                self.box.setCurrentIndex(row)
            self._row = row
