"""A filter's drop-down list of names, refilled without losing the choice it shows."""

from __future__ import annotations

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
