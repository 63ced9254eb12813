"""The editor: the controller of the centre text view.

It loads the current document into the :class:`SpanTextView`, turns keys into commands
(label hotkeys, Delete, Tab, Alt+arrows, L for links) sent through the service, and re-renders
only the spans a ChangeSet names. Its keys act only while the text has the focus
(:mod:`desktop.keys`), shown by a frame around the text and a hint above it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Literal

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QCursor, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QSizePolicy, QVBoxLayout, QWidget

from annotate import edges, layers
from annotate.commands import AddRelation, ChangeSet, CreateSpan, DeleteSpan, resize
from annotate.model import Relation, Span
from annotate.schema import LabelSchema
from desktop.doclabel_strip import DocLabelStrip
from desktop.findbar import FindBar
from desktop.focus_frame import FocusFrame
from desktop.keys import Keys, Scope, key_action
from desktop.plain import line, mnemonic, words
from desktop.relabel import relabel_span
from desktop.service import Service
from desktop.steady_label import SteadyLabel
from desktop.textview import SpanStyle, SpanTextView, link_style_for, style_for
from desktop.textview.legend import Legend
from desktop.textview.regions import CHUNK

RelationChooser = Callable[[Sequence[str]], str | None]
TITLE = 300
"""Most characters of the document title above the text."""
KEYS_ON = "label keys act on the text"
KEYS_OFF = "label keys are off while you type elsewhere: click the text to use them"
EDGE_KEYS: tuple[tuple[str, str, edges.Edge, Literal[-1, 1], bool], ...] = (
    ("Move span end a word right", "Alt+Right", "end", 1, True),
    ("Move span end a word left", "Alt+Left", "end", -1, True),
    ("Move span end a character right", "Alt+Shift+Right", "end", 1, False),
    ("Move span end a character left", "Alt+Shift+Left", "end", -1, False),
    ("Move span start a word left", "Alt+Up", "start", -1, True),
    ("Move span start a word right", "Alt+Down", "start", 1, True),
    ("Move span start a character left", "Alt+Shift+Up", "start", -1, False),
    ("Move span start a character right", "Alt+Shift+Down", "start", 1, False),
)
"""The edge moves: (name, key, edge, direction, by word). Alt+Left/Right move the end; Alt+Up
and Alt+Down move the start (up: earlier in the text); Shift makes the step one character."""


class Editor(QObject):
    """Controller of the text view; :attr:`widget` is the centre of the window."""

    def __init__(self, service: Service, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.hub = service.hub
        self.widget = QWidget(parent)
        heading_label = SteadyLabel(self.widget)  # wraps at the width it gets: an
        # unbreakable title must not widen the window; another title of the same height
        # relays out nothing
        self.title = heading_label.label
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.view = SpanTextView(self.widget)
        self.view.setAccessibleName("Document text")
        self.frame = FocusFrame(self.view, self.widget)
        self.keys_hint = QLabel(KEYS_OFF, self.widget)
        self.keys_hint.setEnabled(False)  # drawn greyed: a hint, not content
        self.keys_hint.setWordWrap(True)  # on a narrow window it wraps beside the title
        self.keys_hint.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        self.keys_hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.frame.focusChanged.connect(
            lambda on: self.keys_hint.setText(KEYS_ON if on else KEYS_OFF))
        self.legend = Legend(self.widget)
        self.find_bar = FindBar(self.view, self.widget)
        self.doc_labels = DocLabelStrip(service, self.view, self.widget)
        heading = QHBoxLayout()
        heading.addWidget(heading_label, 3)
        heading.addWidget(self.keys_hint, 2)
        layout = QVBoxLayout(self.widget)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(heading)
        layout.addWidget(self.doc_labels)
        layout.addWidget(self.frame, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.find_bar)
        self.text = ""
        self._spans: dict[str, Span] = {}
        self._reach: int | None = None
        """The longest shown span's length, once known (a worker reads it)."""
        self._longest_edit = 0  # the longest span edited since the document was loaded
        self._words: list[tuple[int, int]] | None = None
        self.link_source: str | None = None
        self.marked: Span | None = None
        """The span marked as the target of a link from another document (kept across
        documents until linked to, or marked again)."""
        self.choose_relation: RelationChooser = self._ask_relation
        self.label_actions: list[QAction] = []
        self._make_actions()
        self.rebuild_label_actions()
        self.view.selectedSpanChanged.connect(self._on_span_selected)
        self.hub.changed.connect(self._on_changed)
        self.hub.documentChanged.connect(self.load)
        self.hub.annotatorChanged.connect(self.reload)
        self.hub.storeChanged.connect(self._on_schema)  # another store, maybe another schema
        self.hub.schemaChanged.connect(self._on_schema)
        self.hub.spanRequested.connect(self.select_span)
        self.hub.offsetRequested.connect(self.show_offset)
        self.hub.searchChanged.connect(self.find_bar.set_query)

    # -- actions ---------------------------------------------------------------------------
    def _key(self, text: str, keys: Keys, slot: Callable[[], object], tip: str) -> QAction:
        """An action whose keys act only while the text has the focus."""
        return key_action(self.view, text, keys, slot, Scope.TEXT, tip)

    def _make_actions(self) -> None:
        key = self._key
        self.delete_action = key("Delete span", ["Delete"], self.delete_selected,
                                 "Delete the selected span")
        self.clear_action = key("Clear selection", ["Esc"], self.clear_selection,
                                "Clear the selection; cancel a link")
        self.next_action = key("Next span", ["Tab"], lambda: self.step(1),
                               "Select the next span in the text")
        self.previous_action = key("Previous span", ["Shift+Tab", "Shift+Backtab"],
                                   lambda: self.step(-1), "Select the previous span")
        self.edge_actions = [
            key(name, [keys], partial(self.nudge, edge, step, by_word),
                f"{name} (the selected span)")
            for name, keys, edge, step, by_word in EDGE_KEYS]
        self.link_action = key("Link from span…", ["L"], self.start_link,
                               "Link the selected span to the next one you pick")
        self.mark_action = key("Mark span as link target", ["Shift+L"], self.mark_target,
                               "Mark the selected span (a claim) as the target of a link you "
                               "then make from a span of another document")
        self.link_marked_action = key("Link span to marked span…", ["Ctrl+Shift+L"],
                                      self.link_to_marked,
                                      "Link the selected span to the span marked as link "
                                      "target, in another document")
        self.find_action = key_action(self.widget, "Find in document…",
                                      [QKeySequence.StandardKey.Find],
                                      self.find_bar.open_bar, Scope.WINDOW,
                                      "Mark every match in the document")
        self.edit_actions = [self.delete_action, self.clear_action, self.next_action,
                             self.previous_action, *self.edge_actions, self.link_action,
                             self.mark_action, self.link_marked_action]

    def rebuild_label_actions(self) -> None:
        """One action per label: its schema hotkey, and digits 1-9 in schema order unless a
        hotkey of the schema (a label's or a document value's) is that digit."""
        for action in self.label_actions:
            self.view.removeAction(action)
            action.deleteLater()
        schema = self.service.schema()
        taken = schema.hotkeys()
        self.label_actions = []
        for number, label in enumerate(schema.labels, start=1):
            keys = [label.hotkey] if label.hotkey else []
            if number <= 9 and str(number) not in taken:
                keys.append(str(number))
            action = self._key(mnemonic(label.name), keys, partial(self.apply_label, label.name),
                               line(f"Label the selection {label.name}, or relabel the "
                                    "selected span"))
            action.setData(label.name)
            self.label_actions.append(action)

    # -- loading ---------------------------------------------------------------------------
    @property
    def layers(self) -> tuple[str, ...]:
        """Annotators (or gold) whose spans are shown, one layer each; empty: the current one
        (kept by the service, which reads them with each document opened)."""
        return self.service.layers

    def shown_layers(self) -> tuple[str, ...]:
        return self.service.shown_layers()

    def set_layers(self, names: Sequence[str]) -> None:
        """Show the spans of ``names`` (annotators or gold), each in its own layer; empty shows
        the current annotator's only. Edits still go to the current annotator's layer."""
        self.service.layers = tuple(dict.fromkeys(names))
        self.reload()

    def _style(self, span: Span, schema: LabelSchema) -> SpanStyle:
        return style_for(span, schema.label(span.label), self.shown_layers().index(span.annotator))

    def load(self, uid: str) -> None:
        """Show document ``uid`` with the shown layers' spans ("" shows nothing). A text longer
        than a region without links has its spans read a region at a time, as the view shows
        them (the ends of links are placed from the start)."""
        self.link_source = None
        document = self.service.document(uid) if uid else None
        self.text = document.text if document else ""
        self._words = None
        self.title.setText(line(document.title or "(untitled)", TITLE) if document else "")
        shown = self.shown_layers()
        relations = self.service.relations(uid, shown) if document else []
        self._spans, self._reach, self._longest_edit = {}, None, 0
        if document is not None and len(self.text) > CHUNK and not relations:
            self.view.set_document(self.text, source=partial(self._read_region, uid))
            self.service.measure_reach(uid, shown, partial(self._reached, uid, shown))
        else:
            if document is not None:
                self._spans = {s.id: s for s in self.service.spans(uid, shown)}
            schema = self.service.schema()
            self.view.set_document(self.text,
                                   [self._style(s, schema) for s in self._spans.values()])
        self._show_links(relations)
        self.legend.set_layers(shown)
        self.find_bar.document_shown()

    def _reached(self, uid: str, shown: tuple[str, ...], reach: int) -> None:
        """The worker found the longest span's length of the document loaded (if it still
        is): the reads of its regions start that far back, not at its start."""
        if uid == self.service.current and shown == self.shown_layers():
            self._reach = max(reach, self._longest_edit)

    def _read_region(self, uid: str, start: int, end: int) -> list[SpanStyle]:
        """The view's source: the shown spans meeting code points ``[start, end)``, kept."""
        schema = self.service.schema()
        spans = self.service.spans_within(uid, self.shown_layers(), start, end,
                                          reach=self._reach)
        for span in spans:
            self._spans.setdefault(span.id, span)
        return [self._style(s, schema) for s in spans]

    def _show_links(self, relations: Sequence[Relation]) -> None:
        """Give the view those of ``relations`` that are of the shown layers."""
        shown = self.shown_layers()
        types = [r.name for r in self.service.schema().relations]
        self.view.set_links([link_style_for(r, types, shown.index(r.annotator))
                             for r in relations
                             if r.annotator in shown and not r.crosses])  # those: inspector

    def reload(self) -> None:
        self.load(self.service.current)

    def _on_schema(self) -> None:
        self.rebuild_label_actions()
        self.reload()

    def _on_changed(self, changes: ChangeSet) -> None:
        uid = self.service.current
        if not uid or uid not in changes.documents:
            return
        schema = self.service.schema()
        changed, removed = [], []
        for span_id, span in changes.spans_after().items():
            if span is not None and span.document == uid and \
                    span.annotator in self.shown_layers():
                self._spans[span_id] = span
                self._longest_edit = max(self._longest_edit, span.end - span.start)
                if self._reach is not None:
                    self._reach = max(self._reach, self._longest_edit)
                changed.append(self._style(span, schema))
            elif self._spans.pop(span_id, None) is not None:
                removed.append(span_id)
        self.view.update_spans(changed, removed)
        if changes.relations:
            self._show_links(self.service.relations(uid, self.shown_layers()))
        if self.view.selected_span():
            self._announce(self.view.selected_span() or "")

    # -- selection -------------------------------------------------------------------------
    def spans(self) -> list[Span]:
        """The shown spans held, in text order: all of a document read whole; of one read a
        region at a time, those of the regions read so far."""
        return sorted(self._spans.values(), key=lambda s: (s.start, s.end, s.id))

    def selected(self) -> Span | None:
        span_id = self.view.selected_span()
        return self._spans.get(span_id) if span_id else None

    def _editable(self) -> Span | None:
        """The selected span when it is the current annotator's; another layer's is refused
        with a notice (None)."""
        span = self.selected()
        if span is None:
            return None
        refusal = layers.owner_refusal(span.annotator, self.service.annotator)
        if refusal is not None:
            self.hub.message.emit(refusal)
            return None
        return span

    def select_span(self, span_id: str) -> None:
        """Select span ``span_id`` when it is shown (its region is read first)."""
        if span_id not in self._spans and self.view.span(span_id) is None:
            span = self.service.span(span_id)
            if span is None or span.document != self.service.current:
                return
            self.view.read_region(span.start, span.end)
        if span_id in self._spans:
            self.view.select_span(span_id)

    def show_offset(self, offset: int) -> None:
        """Drop the selected span and bring code point ``offset`` into view."""
        self.view.select_span(None)
        if 0 <= offset <= len(self.text):
            self.view.scroll_to(offset)

    def clear_selection(self) -> None:
        """Esc: drop the selection and any link being made."""
        cursor = self.view.textCursor()
        cursor.clearSelection()
        self.view.setTextCursor(cursor)
        self.view.select_span(None)
        if self.link_source is not None:
            self.link_source = None
            self.hub.message.emit("link cancelled")

    def step(self, direction: int) -> None:
        """Select the next (1) or previous (-1) span after the selected one or the caret."""
        span_id = self.view.next_span(direction)
        if span_id is not None:
            self.view.select_span(span_id)

    def _on_span_selected(self, span_id: str) -> None:
        if span_id and self.link_source and span_id != self.link_source:
            source, self.link_source = self.link_source, None
            self.link(source, span_id)
        self._announce(span_id)

    def _announce(self, span_id: str) -> None:
        """Tell the other views about the selected span; another layer's span is only
        looked at (the inspector would edit it), so they hear of no selection."""
        span = self._spans.get(span_id)
        if span is not None and layers.owner_refusal(span.annotator, self.service.annotator):
            self.hub.message.emit(f"{span.annotator}'s {span.label}: "
                                  f"“{self.text[span.start:span.end][:60].strip()}” (read only)")
            span_id = ""
        self.hub.spanSelected.emit(span_id)

    # -- edits -----------------------------------------------------------------------------
    def apply_label(self, label: str) -> None:
        """Label the selected text (a new span, snapped to words without the punctuation
        around them) or, with none, relabel the selected span. A span made reads the
        selection from one text cursor (it asked the view for a second one to see that
        there was a selection)."""
        uid = self.service.current
        selection = self.view.selectionRange() if uid else None
        if selection is None and uid:  # none, or nothing but punctuation and spaces
            exact = self.view.selectionRange(snap=False)
            if exact is not None:
                self.hub.message.emit(edges.ink_problem(self.text[exact[0]:exact[1]])
                                      or "select some words")
                return
        if selection is not None:
            span = Span(uid, selection[0], selection[1], label, self.service.annotator)
            if self.service.apply(CreateSpan(span)) is not None:
                self.view.select_span(span.id)
                self.hub.message.emit(f"{label}: {self.text[span.start:span.end][:60]}")
            return
        if self.selected() is None:
            self.hub.message.emit("select some text first, then press a label key")
            return
        current = self._editable()
        if current is not None and current.label != label:
            relabel_span(self.service, current, label, self.widget)

    def delete_selected(self) -> None:
        if self.selected() is None:
            self.hub.message.emit("no span selected")
            return
        span = self._editable()
        if span is not None:
            self.service.apply(DeleteSpan(span))

    def nudge(self, edge: edges.Edge, step: Literal[-1, 1], by_word: bool) -> None:
        """Move the selected span's ``edge`` one word (or character) left or right."""
        span = self._editable()
        if span is None:
            if self.selected() is None:
                self.hub.message.emit("select a span first, then move its edges")
            return
        if self._words is None:
            self._words = edges.word_bounds(self.text)
        bounds = edges.moved(self.text, self._words, span.start, span.end, edge, step, by_word)
        if bounds is None:
            self.hub.message.emit(f"the span's {edge} cannot move further that way")
            return
        self.service.apply(resize(span, *bounds))

    def start_link(self) -> None:
        if self.selected() is None:
            self.hub.message.emit("select a span first, then press L to link it")
            return
        span = self._editable()
        if span is None:
            return
        self.link_source = span.id
        self.hub.message.emit(f"link from {span.label} “{self.text[span.start:span.end][:40]}”:"
                              " click or Tab to the target span (Esc cancels)")

    def link(self, source_id: str, target_id: str) -> Relation | None:
        """Add a relation between two spans of the document, of a type the schema allows for
        their labels (turned around when only the reverse direction is allowed)."""
        source, target = self._spans.get(source_id), self._spans.get(target_id)
        if source is None or target is None:
            return None
        refusal = layers.link_refusal(self.service.annotator, source, target)
        if refusal is not None:
            self.hub.message.emit(refusal)
            return None
        schema = self.service.schema()
        choices = schema.relation_choices(source.label, target.label)
        if not choices:
            choices = schema.relation_choices(target.label, source.label)
            source, target = target, source
        if not choices:
            self.hub.message.emit(f"no relation type goes from {source.label} to {target.label}")
            return None
        kind = choices[0] if len(choices) == 1 else self.choose_relation(choices)
        if kind is None:
            return None
        relation = Relation(kind, source.id, target.id, self.service.annotator)
        if self.service.apply(AddRelation(source.document, relation)) is None:
            return None
        self.hub.message.emit(f"linked {source.label} —{kind}→ {target.label}")
        return relation

    def mark_target(self) -> None:
        """Mark the selected span as the target of a link from another document."""
        span = self.selected()
        if span is None:
            self.hub.message.emit("select a span first, then mark it as link target")
            return
        self.marked = span
        self.hub.message.emit(
            f"marked {span.label} “{words(self.text[span.start:span.end], 40)}” as link target:"
            " open another document, select a span and link it to the marked span")

    def link_to_marked(self) -> Relation | None:
        """Link the selected span to the marked span of another document, with a type the
        schema lets cross documents (asked when several fit)."""
        source, target = self.selected(), self.marked
        if target is None:
            self.hub.message.emit("mark a span as link target first (in another document)")
            return None
        if source is None:
            self.hub.message.emit("select the span to link from, then link it to the marked span")
            return None
        target = self.service.span(target.id)
        if target is None:
            self.marked = None
            self.hub.message.emit("the marked span is gone; mark another one")
            return None
        return self.link_across(source, target)

    def link_selected_to(self, target_id: str) -> Relation | None:
        """Link the selected span to span ``target_id`` (a claim picked in the ledger)."""
        source, target = self.selected(), self.service.span(target_id)
        if source is None:
            self.hub.message.emit("select the span to link from in the text first")
            return None
        if target is None:
            self.hub.message.emit("that claim is gone")
            return None
        return self.link_across(source, target)

    def link_across(self, source: Span, target: Span) -> Relation | None:
        """Add a link from ``source`` to ``target`` of another document (the same document:
        an ordinary link), of a type the schema allows across documents for their labels."""
        if source.document == target.document:
            return self.link(source.id, target.id)
        refusal = layers.link_refusal(self.service.annotator, source, target)
        if refusal is not None:
            self.hub.message.emit(refusal)
            return None
        choices = self.service.schema().relation_choices(source.label, target.label, True)
        if not choices:
            self.hub.message.emit(f"no relation type links a {source.label} to a {target.label}"
                                  " of another document")
            return None
        kind = choices[0] if len(choices) == 1 else self.choose_relation(choices)
        if kind is None:
            return None
        relation = Relation(kind, source.id, target.id, self.service.annotator,
                            target_document=target.document)
        if self.service.apply(AddRelation(source.document, relation)) is None:
            return None
        self.hub.message.emit(f"linked {source.label} —{kind}→ {target.label} of another document")
        return relation

    def _ask_relation(self, choices: Sequence[str]) -> str | None:
        menu = QMenu(self.widget)
        for name in choices:
            menu.addAction(mnemonic(name)).setData(name)
        chosen = menu.exec(QCursor.pos())
        return chosen.data() if chosen is not None else None
