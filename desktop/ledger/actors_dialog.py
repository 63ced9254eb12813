"""The Actors dialog: the corpus's actors and the proposals for entity spans not yet resolved;
accept the proposals, rename an actor, merge actors into one, split the spans that say a name
off to a new actor. Each is one journaled step of the current annotator."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotate.actors import Actor
from annotate.commands import Command
from annotate.errors import ValidationError
from annotate.resolving import accept, merge, rename, split
from desktop.plain import line, plain_label
from desktop.service import Service

ACTOR = Qt.ItemDataRole.UserRole


class ActorsDialog(QDialog):
    """Actors (name, kind, aliases, spans) above the proposals, and the actions on them."""

    def __init__(self, service: Service, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Actors")
        self.service = service
        self.actors = QTreeWidget()
        self.actors.setHeaderLabels(["Actor", "Kind", "Also called", "Spans"])
        self.actors.setRootIsDecorated(False)
        self.actors.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.actors.setAccessibleName("Actors")
        self.proposals = QTreeWidget()
        self.proposals.setHeaderLabels(["Entity text", "Proposed actor", "Why"])
        self.proposals.setRootIsDecorated(False)
        self.proposals.setAccessibleName("Proposals")
        self.accept_button = QPushButton("&Accept proposals")
        self.accept_button.clicked.connect(self.accept_proposals)
        rename_button = QPushButton("&Rename…")
        rename_button.clicked.connect(self._ask_rename)
        merge_button = QPushButton("&Merge selected into current")
        merge_button.clicked.connect(self.merge_selected)
        split_button = QPushButton("&Split off…")
        split_button.clicked.connect(self._ask_split)
        actions = QHBoxLayout()
        for button in (self.accept_button, rename_button, merge_button, split_button):
            actions.addWidget(button)
        actions.addStretch(1)
        self.note = plain_label()  # a refusal quotes names from the data
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.actors, 3)
        layout.addWidget(QLabel("Proposals for entity spans not yet resolved"))
        layout.addWidget(self.proposals, 2)
        layout.addLayout(actions)
        layout.addWidget(self.note)
        layout.addWidget(close)
        self.resize(760, 520)
        self._refusal = ""
        service.hub.failed.connect(self._on_failed)
        self.reload()

    def _on_failed(self, text: str, _serious: bool) -> None:
        self._refusal = text

    def reload(self) -> None:
        links = Counter(self.service.actor_links().values())
        self.actors.clear()
        for actor in self.service.actors():
            item = QTreeWidgetItem([line(actor.name), actor.kind, line(", ".join(actor.aliases)),
                                    str(links[actor.id])])
            item.setData(0, ACTOR, actor)
            self.actors.addTopLevelItem(item)
        self.proposals.clear()
        self._proposed = self.service.actor_proposals()
        for proposal in self._proposed:
            target = f"new: {proposal.actor}" if proposal.new else proposal.actor
            self.proposals.addTopLevelItem(
                QTreeWidgetItem([line(proposal.surface), line(target), proposal.reason]))
        self.accept_button.setEnabled(bool(self._proposed))
        for view in (self.actors, self.proposals):
            view.resizeColumnToContents(0)

    def _selected(self) -> list[Actor]:
        return [item.data(0, ACTOR) for item in self.actors.selectedItems()]

    def _current(self) -> Actor | None:
        item = self.actors.currentItem()
        return None if item is None else item.data(0, ACTOR)

    def _apply(self, make: Callable[[], Command]) -> bool:
        """Apply the command ``make()`` builds; a refusal is said in the dialog."""
        try:
            command = make()
        except ValidationError as exc:
            self.note.setText(line(str(exc)))
            return False
        self._refusal = "the store refused the change"
        done = self.service.apply(command) is not None
        self.note.setText("" if done else line(self._refusal))
        self.reload()
        return done

    def accept_proposals(self) -> bool:
        """Link every unresolved entity span as proposed (one step)."""
        actors = {a.name: a for a in self.service.actors()}
        return self._apply(lambda: accept(self._proposed, self.service.entity_spans(), actors))

    def rename_current(self, new: str) -> bool:
        actor = self._current()
        return actor is not None and self._apply(lambda: rename(actor, new))

    def merge_selected(self) -> bool:
        """Merge the selected actors into the current one (one step)."""
        target = self._current()
        if target is None:
            self.note.setText("select the actors to merge; the current one keeps its name")
            return False
        others = [a for a in self._selected() if a.id != target.id]
        spans = self.service.entity_spans()
        return self._apply(lambda: merge(target, [
            (o, [(s.document, s.span) for s in spans if s.actor == o.id]) for o in others]))

    def split_current(self, new: str) -> bool:
        """Move the current actor's spans that say ``new`` to a new actor of that name."""
        actor = self._current()
        if actor is None:
            return False
        spans = [s for s in self.service.entity_spans() if s.actor == actor.id and s.text == new]
        return self._apply(lambda: split(actor, Actor(new, actor.kind), spans))

    def _ask_rename(self) -> None:
        actor = self._current()
        if actor is None:
            return
        new, ok = QInputDialog.getText(self, "Rename actor", "New name:", text=actor.name)
        if ok and new.strip():
            self.rename_current(new)

    def _ask_split(self) -> None:
        actor = self._current()
        if actor is None:
            return
        new, ok = QInputDialog.getItem(self, "Split off", "The spans that say:",
                                       list(actor.aliases), 0, True)
        if ok and new.strip():
            self.split_current(new.strip())
