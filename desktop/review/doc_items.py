"""The document labels of the Adjudication tab: one row per document category the annotators
used on the current document, their values side by side, and the decisions that settle it
(accept one of the value sets given into the gold layer, or reject). Each decision is one
command through :meth:`Service.apply`, undone by Ctrl+Z; hidden while there is no such item.
The tab gives it its items along with its own."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QPushButton, QWidget

from annotate import adjudication
from annotate.adjudication import DocItem
from annotate.commands import Command
from annotate.errors import ValidationError
from desktop.plain import NAME, line, mnemonic, plain_label, tooltip
from desktop.service import Service

MARKS = {"agreed": "✓", "partial": "◐", "label": "≠"}
STATUS = {"open": "open", "accepted": "✔ accepted", "rejected": "✗ rejected"}


def _given(item: DocItem, cut: Callable[[str], str] = str) -> str:
    """Who gave which values (and the gold's), each name and value through ``cut``."""
    given = "   ".join(f"{cut(name)}: {', '.join(map(cut, values)) or '–'}"
                       for name, values in item.by_annotator().items())
    if item.gold:
        given += f"   gold: {', '.join(cut(d.value) for d in item.gold)}"
    return given


class DocItemsPanel(QGroupBox):
    """The current document's :class:`DocItem` rows and their accept/reject buttons."""

    def __init__(self, service: Service, parent: QWidget | None = None) -> None:
        super().__init__("Document labels", parent)
        self.service = service
        self.items: list[DocItem] = []
        self.buttons: dict[tuple[str, str], QPushButton] = {}
        """(category, "accept <values>" or "reject") -> its button, for the current rows."""
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(6, 2, 6, 2)
        self._grid.setColumnStretch(1, 1)
        self.setVisible(False)

    def show_items(self, items: list[DocItem]) -> None:
        """Lay out the rows of the current document's ``items`` (hidden when there are none)."""
        if not items and not self.items:
            return
        self.items = items
        while (item := self._grid.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
        self.buttons = {}
        for row, item in enumerate(self.items):
            self._row(row, item)
        self.setVisible(bool(self.items))

    def _row(self, row: int, item: DocItem) -> None:
        # (names from the data, shown as written: an annotator's name may hold markup; each
        # cut as a name is, the row wrapped between annotators: a long one or many annotators
        # made the tab, and the window, wider than a screen; whole in the tooltip)
        self._grid.addWidget(plain_label(line(f"{MARKS[item.kind]} {item.category}", NAME)),
                             row, 0)
        shown = plain_label(line(_given(item, lambda name: line(name, NAME))))
        shown.setWordWrap(True)
        shown.setToolTip(tooltip(_given(item)))
        self._grid.addWidget(shown, row, 1)
        self._grid.addWidget(QLabel(STATUS[item.status]), row, 2)
        column = 3
        if item.status != "open":
            return
        for values in item.values():
            text = f"accept {', '.join(values)}"
            self._button(row, column, item, text,
                         lambda item=item, values=values: adjudication.accept_doc_command(
                             item, values, self.service.annotator))
            column += 1
        self._button(row, column, item, "reject",
                     lambda item=item: adjudication.reject_doc_command(
                         item, self.service.annotator))

    def _button(self, row: int, column: int, item: DocItem, text: str,
                make: Callable[[], Command]) -> None:
        button = QPushButton(mnemonic(line(text, NAME)))
        button.setToolTip(tooltip(f"{item.category}: {text} (into the gold layer)"
                                  if text != "reject" else
                                  f"Keep the {item.category} labels out of the gold layer"))
        button.clicked.connect(lambda _checked=False: self.decide(make))
        self._grid.addWidget(button, row, column)
        self.buttons[(item.category, text)] = button

    def decide(self, make: Callable[[], Command]) -> None:
        """Apply the decision ``make`` builds (refused: said in the status bar)."""
        try:
            command = make()
        except ValidationError as exc:
            self.service.hub.message.emit(str(exc))
            return
        self.service.apply(command)
