"""Suggestions in the window: ghost spans in the text, and the keys that judge them.

The controller shows the current annotator's suggestions of the open document as ghosts
(outlines, no fill) and, while some are shown, takes these keys in the text before the
editor's: Tab and Shift+Tab walk the suggestions (in text order, or least sure first), Enter
accepts the one walked to, a label key accepts it under that label, X rejects it (no label
may take X as its hotkey: :data:`annotate.schema.RESERVED_HOTKEYS`), Esc lets it go. Each
accept or reject is one undoable step (Ctrl+Z shows the suggestion again). The same acts are
actions of the Suggestions menu, with their keys (so F1 lists them); the legend under the text
names the ghosts' look while some are shown. The menu also turns the ghosts off (Tab then walks
the spans again), picks the order, suggests the other occurrences of the selected span or the
actors' names in the document, accepts every suggestion of the document above a score, and
opens the document the model is least sure of (active learning).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from annotate import suggestions
from annotate.commands import ChangeSet, Command
from annotate.model import Span
from annotate.suggestions import Order, Suggestion
from desktop.keys import WHERE, Scope, key_action
from desktop.plain import NAME, line
from desktop.service import Service
from desktop.textview import SpanStyle, SpanTextView
from desktop.textview.legend import Legend
from desktop.textview.styles import NEUTRAL

WALK = {Qt.Key.Key_Tab: False, Qt.Key.Key_Backtab: True}
"""Tab walks forward, Shift+Tab (Backtab) back."""
ACCEPT = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
REJECT = Qt.Key.Key_X
ON_SUGGESTIONS = "in the text, while suggestions are shown"
"""Where the suggestion keys act (F1 says so): before the text's own Tab and Enter."""


class SuggestionController(QObject):
    """Ghosts of the open document's suggestions in ``view`` (named in ``legend``), and their
    keys; ``label_actions`` gives the editor's label actions (their data: the label name)."""

    def __init__(self, service: Service, view: SpanTextView, legend: Legend,
                 label_actions: Callable[[], list[QAction]],
                 selected: Callable[[], Span | None], parent: QWidget) -> None:
        super().__init__(parent)
        self.service = service
        self.hub = service.hub
        self.view = view
        self.legend = legend
        self.label_actions = label_actions
        self.selected = selected
        self.shown: list[Suggestion] = []
        self.focused: Suggestion | None = None
        self.order: Order = "text"
        self.show_action = QAction("&Show suggestions", self)
        self.show_action.setCheckable(True)
        self.show_action.setChecked(True)
        self.show_action.setStatusTip("Show suggestions as outlines in the text; while some are "
                                      "shown Tab walks them, Enter accepts, a label key accepts "
                                      "under that label, X rejects")
        self.show_action.toggled.connect(lambda _on: self.reload())
        self.least_sure_action = QAction("Walk &least sure first", self)
        self.least_sure_action.setCheckable(True)
        self.least_sure_action.setStatusTip("Tab walks the suggestions lowest score first")
        self.least_sure_action.toggled.connect(
            lambda on: setattr(self, "order", "score" if on else "text"))
        self.accept_above_action = QAction("&Accept all above a score…", self)
        self.accept_above_action.setStatusTip("Accept every suggestion of this document scored "
                                              "at least as high as you say, as one step")
        self.accept_above_action.triggered.connect(lambda _checked=False: self.ask_accept_above())
        self.least_sure_document_action = QAction("Open the least &sure document", self)
        self.least_sure_document_action.setStatusTip(
            "Open the next document whose suggestions hold the closest calls (a score nearest "
            "0.5): where your verdicts teach the next model most")
        self.least_sure_document_action.triggered.connect(
            lambda _checked=False: self.open_least_sure())
        self.occurrences_action = QAction("Suggest the &other occurrences of the span", self)
        self.occurrences_action.setStatusTip(
            "Suggest the selected span's label wherever its words occur in this document "
            "(case, accents and punctuation aside; whole words)")
        self.occurrences_action.triggered.connect(
            lambda _checked=False: self.suggest_occurrences())
        self.actors_action = QAction("Suggest the a&ctors' names in this document", self)
        self.actors_action.setStatusTip(
            "Suggest the names and aliases of the ledger's actors wherever they occur in this "
            "document (case, accents and punctuation aside; whole words), each under the label "
            "its linked spans carry")
        self.actors_action.triggered.connect(lambda _checked=False: self.suggest_actors())
        self._watching = False
        """Whether :meth:`eventFilter` watches the view's events (while some are shown)."""
        self._make_key_actions()
        self.hub.documentChanged.connect(lambda _uid: self.reload())
        self.hub.annotatorChanged.connect(self.reload)
        self.hub.storeChanged.connect(self.reload)
        self.hub.schemaChanged.connect(self.reload)
        self.hub.changed.connect(self._on_changed)

    def _make_key_actions(self) -> None:
        """The acts on suggestions as actions of the text with their keys (the menu's, and
        F1's list); on only while they can act. The keys themselves reach :meth:`eventFilter`
        first (a label key accepting under its label has no action of its own)."""
        def act(text: str, keys: list[str], slot: Callable[[], object], tip: str) -> QAction:
            action = key_action(self.view, text, keys, slot, Scope.TEXT, tip)
            action.setProperty(WHERE, ON_SUGGESTIONS)
            return action
        self.next_action = act("Next suggestion", ["Tab"], self.walk,
                               "Go to the next suggestion (while suggestions are shown)")
        self.previous_action = act("Previous suggestion", ["Shift+Tab"],
                                   lambda: self.walk(backwards=True),
                                   "Go to the previous suggestion")
        self.accept_action = act("Accept suggestion", ["Return", "Enter"], self.accept,
                                 "Accept the suggestion gone to into your layer (a label key "
                                 "accepts it under that label)")
        self.reject_action = act("Reject suggestion", ["X"], self.reject,
                                 "Reject the suggestion gone to: hidden for you from now on")
        self._enable_key_actions()

    def _enable_key_actions(self) -> None:
        """The actions on while they can act, and the view's events watched while some
        suggestions are shown (else each of the view's events, a dozen a key press, went
        through a Python call for nothing)."""
        if self._watching != bool(self.shown):
            self._watching = bool(self.shown)
            if self._watching:
                self.view.installEventFilter(self)
            else:
                self.view.removeEventFilter(self)
        for action in (self.next_action, self.previous_action):
            action.setEnabled(bool(self.shown))
        for action in (self.accept_action, self.reject_action):
            action.setEnabled(self.focused is not None)

    def fill_menu(self, menu: QMenu) -> None:
        menu.addActions([self.show_action, self.least_sure_action])
        menu.addSeparator()
        menu.addActions([self.next_action, self.previous_action, self.accept_action,
                         self.reject_action])
        menu.addSeparator()
        menu.addActions([self.occurrences_action, self.actors_action,
                         self.accept_above_action, self.least_sure_document_action])

    # -- what is shown ---------------------------------------------------------------------
    def reload(self) -> None:
        """Read the open document's suggestions for the current annotator and draw them;
        the one walked to stays focused while it is still shown."""
        uid = self.service.current
        on = self.show_action.isChecked() and bool(uid)
        shown = self.service.suggestions(uid) if on else []
        if not shown and not self.shown and self.focused is None:
            return  # none shown before or now: the text, legend and keys stay as they are
        self.shown = shown  # (an edit of a document with none asked for them each time)
        if self.focused is not None and self.focused not in self.shown:
            self.focused = None
        self._draw()

    def _draw(self) -> None:
        schema = self.service.schema()
        styles = []
        for suggestion in self.shown:
            label = schema.label(suggestion.label)
            styles.append(SpanStyle(
                suggestion.id, suggestion.start, suggestion.end, suggestion.label,
                label.category if label else "other", label.color if label else NEUTRAL,
                tooltip=f"suggested by {suggestion.source}, score {suggestion.score:.2f}"))
        self.view.set_ghosts(styles, self.focused.id if self.focused else None)
        self.legend.set_suggested(bool(self.shown))
        self._enable_key_actions()

    def _on_changed(self, changes: ChangeSet) -> None:
        if self.service.current in changes.documents:
            self.reload()

    # -- keys -----------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """While suggestions are shown, their keys reach this controller before the editor's
        shortcuts (a ShortcutOverride accepted turns the shortcut into a key press here)."""
        kind = event.type()
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) \
                and isinstance(event, QKeyEvent) and self.shown:
            act = self._key(event)
            if act is not None:
                event.accept()
                if kind == QEvent.Type.KeyPress:
                    act()
                return True
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> Callable[[], object] | None:
        """What ``event`` does to the suggestions now, or None when it is not theirs."""
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key in WALK and mods & ~Qt.KeyboardModifier.ShiftModifier == \
                Qt.KeyboardModifier.NoModifier:
            return lambda: self.walk(WALK[key] or bool(mods & Qt.KeyboardModifier.ShiftModifier))
        if self.focused is None:
            return None
        if mods != Qt.KeyboardModifier.NoModifier:
            return None
        if key in ACCEPT:
            return self.accept
        if key == REJECT:
            return self.reject
        if key == Qt.Key.Key_Escape:
            return self.let_go
        pressed = QKeySequence(event.keyCombination())
        for action in self.label_actions():
            if any(pressed.matches(seq) == QKeySequence.SequenceMatch.ExactMatch
                   for seq in action.shortcuts()):
                name = action.data()
                return lambda: self.accept(name)
        return None

    # -- acts -----------------------------------------------------------------------------
    def walk(self, backwards: bool = False) -> Suggestion | None:
        """Focus the next suggestion (wrapping around), and say what it is."""
        self.focused = suggestions.walk(self.shown, self.focused, self.order, backwards)
        self._draw()
        if self.focused is not None:
            found = self.focused
            text = self.view.text()[found.start:found.end]
            self.hub.message.emit(
                f"suggested {line(found.label, NAME)} “{line(text, 60)}” ({found.score:.2f}, "
                f"{line(found.source, NAME)}): Enter accepts, a label key accepts under that "
                "label, X rejects, Tab goes on")
        return self.focused

    def accept(self, label: str | None = None) -> None:
        """Accept the focused suggestion into my layer (under ``label``, default its own)."""
        if self.focused is not None:
            self._judge(suggestions.accept_one(self.focused, self.service.annotator, label))

    def reject(self) -> None:
        if self.focused is not None:
            self._judge(suggestions.reject(self.focused, self.service.annotator))

    def let_go(self) -> None:
        self.focused = None
        self._draw()

    def _judge(self, command: Command) -> None:
        """Apply ``command`` (an accept or reject of the focused suggestion), then go on to the
        next suggestion, if any."""
        judged = self.focused
        assert judged is not None
        before = list(self.shown)
        if self.service.apply(command) is None:
            return
        following = suggestions.walk(before, judged, self.order)
        self.focused = following if following in self.shown else None
        if self.focused is None and self.shown:
            self.focused = suggestions.walk(self.shown, None, self.order)
        self._draw()

    def suggest_occurrences(self) -> None:
        """Suggest the selected span's label at the other occurrences of its words in its
        document (source: the label and the words, so each span's run replaces its own)."""
        span = self.selected()
        if span is None:
            self.hub.message.emit("select a span first: its other occurrences are suggested")
            return
        from annotate import occurrences  # its first use: not at the window's start

        text = self.view.text()
        words = line(text[span.start:span.end], 60)
        source = f"{occurrences.SOURCE}: {span.label} “{words}”"
        found = list(occurrences.other_occurrences(
            [span], {span.document: text}, [(span.document, text)], source))
        if self.service.put_suggestions(found, source, [span.document]):
            self.hub.message.emit(f"{len(found)} other occurrences of “{words}” suggested")

    def suggest_actors(self) -> None:
        """Suggest the actors' names and aliases in the open document (source "actors")."""
        uid = self.service.current
        if not uid:
            self.hub.message.emit("open a document first: the actors' names are looked for "
                                  "in it")
            return
        gazetteer = self.service.gazetteer()
        if gazetteer is None:
            return
        if not gazetteer.names:
            self.hub.message.emit("no actor has a name to look for (add actors in the Ledger, "
                                  "or link entity spans to them)")
            return
        found = list(gazetteer.suggest([(uid, self.view.text())]))
        if self.service.put_suggestions(found, gazetteer.source, [uid]):
            self.hub.message.emit(f"{len(found)} actors' names suggested")

    def open_least_sure(self) -> str | None:
        """Open the document (other than the open one) whose suggestions left to judge hold
        the closest call; None when there is none."""
        current = self.service.current
        found = next((uid for uid in self.service.least_sure_documents(2) if uid != current),
                     None)
        if found is None:
            self.hub.message.emit("no other document has suggestions left to judge")
            return None
        self.service.open_document(found)
        return found

    def ask_accept_above(self) -> None:
        if not self.shown:
            self.hub.message.emit("no suggestions in this document")
            return
        score, ok = QInputDialog.getDouble(
            self.view, "Accept suggestions", "Accept every suggestion scored at least:",
            0.5, 0.0, 1.0, 2)
        if ok:
            self.accept_above(score)

    def accept_above(self, score: float) -> None:
        """Accept every suggestion shown scored ``score`` or more, as one step."""
        batch = suggestions.accept_above(self.shown, self.service.annotator, score)
        if not batch.commands:
            self.hub.message.emit(f"no suggestion scored {score:g} or more")
            return
        if self.service.apply(batch) is not None:
            self.hub.message.emit(f"accepted {len(batch.commands) // 2} suggestions")
