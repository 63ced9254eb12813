"""The span inspector dock: the selected span's label, exact text, offsets, attributes, figure
proposals, note and links. Every change goes through the service as one command; a change the
store refuses leaves the input as typed. Tab and Shift+Tab walk its fields in order, round the
panel (label, attributes, figure proposals, note, links, buttons); typing in them never reaches
the text's label keys.

A span whose label declares figure fields, all still empty, is shown the figures its text holds
(:mod:`annotate.claim_figures`) as buttons: one click (or Shift+F in the text, for the first)
writes that figure's values into the fields as one undoable edit; nothing is written before."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, QSize, Qt, QTimer
from PySide6.QtGui import QAccessible, QAction, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from annotate.commands import (
    ChangeSet,
    RemoveRelation,
    set_attribute,
    set_note,
    set_relation_note,
)
from annotate.model import Relation, Span
from annotate.schema import AttributeDef
from desktop.attribute_page import AttributePage
from desktop.attribute_widgets import AttributeEditor, make_editor
from desktop.caption import Caption, KeptCaptions
from desktop.choices import ValueRows
from desktop.cover import Cover
from desktop.jobs import start_work
from desktop.kept_frame import FramedText
from desktop.keys import NoTypeAhead
from desktop.plain import EDITABLE, NAME, clip, line, plain_label, too_long, words
from desktop.press_selectable import SelectOnPress
from desktop.relabel import relabel_span
from desktop.scrollbars import steady_scroll_bars
from desktop.service import Service
from desktop.steady_label import SteadyLabel

if TYPE_CHECKING:
    from annotate.claim_figures import FigureProposal

NOTE_PAUSE_MS = 800
IGNORED = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
PREFERRED = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
LINK_WORDS = 50
"""Most characters of the other span's text in a link's line."""
FIGURE_PROPOSALS = 3
"""Most figure proposals shown for one span (the first ones of its text)."""
FIGURE_WORDS = 40
"""Most characters of a proposal's words on its button."""
HOME_ROLE = Qt.ItemDataRole.UserRole + 1
"""A link item's data: the uid of the document the link starts in (where it is stored)."""


LinkEnd = tuple[str, str, str]
"""What a link's line shows of its other end: the span's label, its words, and " in “title”"
for a span of another document ("" for one of the same document)."""


def _link_end(span: Span, text: str, title: str = "") -> LinkEnd:
    """The line's part for ``span``, whose document holds ``text`` (titled ``title``, when
    another document)."""
    return (line(span.label), words(text[span.start:span.end], LINK_WORDS),
            f" in “{title}”" if title else "")


@cache
def claim_figures() -> ModuleType:
    """:mod:`annotate.claim_figures`, imported at its first use (not at the start: see
    :func:`prepare_figures`). Kept: an import statement run at each span shown went through
    PySide's import hook, ~16 K instructions a create, relabel or undo."""
    from annotate import claim_figures as module

    return module


def prepare_figures() -> None:
    """Import what reads figures and compile its pattern: in a worker once the window has
    painted (the start imported it before, and the first key press making a claim compiled
    the pattern, ~6 ms)."""
    from annotate import figures

    figures.prepare()


class GrowingPanel(QWidget):
    """The panel inside the Span dock's scroll area: the least size it asks for only grows.
    Spans of other labels, texts and links change what it holds, not its size, so the scroll
    area is told nothing: it neither resizes the panel nor lays out (and repaints) its bars on
    each key press; a span that needs less room leaves space at the bottom."""

    def __init__(self, scroll: QScrollArea) -> None:
        super().__init__()
        self._least = QSize(0, 0)
        self._told = QSize(-1, -1)  # the least size when the scroll area last laid out
        scroll.setWidget(self)
        scroll.viewport().installEventFilter(self)  # (after the scroll area's own filter)

    def minimumSizeHint(self) -> QSize:
        self._least = self._least.expandedTo(super().minimumSizeHint())
        return self._least

    def heightForWidth(self, width: int) -> int:
        """As for :meth:`minimumSizeHint` (the scroll area asks this instead while a field
        wraps its words): the most height asked for at any width so far."""
        self._least.setHeight(max(self._least.height(), super().heightForWidth(width)))
        return self._least.height()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A change inside the panel asks the scroll area to lay out again: let it only when
        the panel's least size grew (else Qt raises and repaints both bars, each time)."""
        if event.type() == QEvent.Type.LayoutRequest:
            self.minimumSizeHint()
            self.heightForWidth(self.width())
            if self._least == self._told:
                return True
            self._told = QSize(self._least)
        return False


class Inspector(QDockWidget):
    """Shows and edits the span the editor has selected."""

    def __init__(self, service: Service, link_action: QAction,
                 parent: QWidget | None = None) -> None:
        super().__init__("Span", parent)
        self.setObjectName("inspector")
        self.service = service
        self.span: Span | None = None
        self.empty = Caption("Select a span in the text (click it, or press Tab).")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.label = NoTypeAhead()
        self.label.setAccessibleName("Label")
        # opaque, filled in the form's colour around the box the style draws (as the form
        # under it looked): a relabel and its undo repaint the drop-down alone. Behind a box
        # not opaque Qt painted the form too, reached from the window down, each level first
        # asked for its opaque children again (the blank of the attribute page, moved at a
        # relabel, makes Qt forget them): ~85 K instructions a relabel
        self.label.setBackgroundRole(QPalette.ColorRole.Window)
        self.label.setAutoFillBackground(True)
        self._labels = ValueRows(self.label)
        self.label.activated.connect(self._relabel)
        # a new span's offsets lay the form out again only when they need other room, and
        # are drawn as a plain label's line until the mouse presses them
        self.offsets = SelectOnPress()
        self._offsets_row = SteadyLabel(wrap=False, label=self.offsets)
        self.text = FramedText()  # (its frame a kept picture: painted whole at each uncover)
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Span text")
        self.text.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # shown, not a field to Tab to
        self.text.setFixedHeight(90)  # (never squeezed, so never resized: see GrowingPanel)
        self._quoted = ""  # what the text field shows
        self._quote = self.text.document()
        """The text field's document, given each quote itself (the field's setPlainText
        also moved the caret to the start, scrolled to it and formatted the paragraph again,
        for a field no key reaches: ~30 K instructions a new quote); shown from its top."""
        self._quote_bar = self.text.verticalScrollBar()
        self.attributes = QStackedWidget()
        """Pages of attribute fields, made when a span of a label is first shown and kept: a
        relabel shows another page, or other rows of the same page (labels whose attributes
        begin alike share one: :mod:`desktop.attribute_page`), instead of making and
        dropping fields."""
        self._attribute_pages: list[AttributePage] = []
        self._editors: dict[str, AttributeEditor] = {}
        self.figures = QWidget()
        self.figures.setAccessibleName("Proposed figures")
        self.figures.setToolTip("Figures read from the span's text: nothing is saved until you "
                                "use one (Shift+F in the text uses the first)")
        self._figure_layout = QVBoxLayout(self.figures)
        self._figure_layout.setContentsMargins(0, 0, 0, 0)
        self._proposals: list[FigureProposal] = []  # those shown (none: the row is hidden)
        self._figure_rows: list[FigureProposal] = []  # those the row's buttons were made for
        self._figure_buttons: list[QPushButton] = []
        self._attribute_label: str | None = None
        self._text: tuple[str, str] = ("", "")  # (document uid, its text), read once per doc
        self.note = FramedText()
        self.note.setPlaceholderText("Note (saved as you pause)")
        self.note.setAccessibleName("Note")
        self.note.setTabChangesFocus(True)  # Tab walks on to the links, as in every field
        self.note.setFixedHeight(90)
        self.note.installEventFilter(self)
        self._note_timer = QTimer(self, singleShot=True, interval=NOTE_PAUSE_MS)
        self._note_timer.timeout.connect(self.save_note)
        self.note.textChanged.connect(self._note_edited)
        self._note_stored: str | None = None  # the stored note the field shows
        self._note_shown = ""  # ... as the field gives it back (it turns \r\n into \n)
        self._note_typed = False  # typed in since the stored note was last set in the field
        self.links = QListWidget()
        self.links.setFixedHeight(110)
        self._link_rows: list[tuple[str, Relation, str, bool]] = []  # what the list shows
        self._far_ends: dict[str, dict[str, LinkEnd | None]] = {}
        """What the links show of spans in other documents, by document uid and span id
        (None: gone), each read once: a document's are dropped when a change touches it."""
        self.links.setAccessibleName("Links")
        self.links.setToolTip("Double-click a link (or press Enter on it) to go to its other end")
        self.links.itemActivated.connect(self._go_to_link)
        self.links.currentItemChanged.connect(lambda item, _previous: self._show_link_note(item))
        self.link_note = QLineEdit()
        self.link_note.setPlaceholderText("Note on the selected link (Enter saves)")
        self.link_note.setAccessibleName("Link note")
        self.link_note.editingFinished.connect(self._save_link_note)
        self.link_note.setEnabled(False)
        self._link_note_shown: tuple[Relation | None, str] = (None, "")
        """The link whose note the field was last given (None: no link, the field off), and
        the text given."""
        self.remove_link = QPushButton("Remove link")
        self.remove_link.setEnabled(False)  # (while no link is listed)
        self.remove_link.clicked.connect(self._remove_link)
        self.add_link = QPushButton("+ link (L)")
        self.add_link.clicked.connect(link_action.trigger)
        self._build()
        self._out_of_sight = False
        """Whether the dock is closed or behind another tab, as it last said
        (``visibilityChanged``): the span asked for meanwhile, and the changes to it, are shown
        when it is in sight again (a closed panel filled its form at each key press, ~0.25 M
        instructions, for nobody)."""
        self._waiting: str | None = None
        """The span to show once in sight ("": none; None: nothing asked for out of sight)."""
        self.visibilityChanged.connect(self._on_visibility)
        hub = service.hub
        hub.spanSelected.connect(self.show_span)
        hub.changed.connect(self._on_changed)
        hub.schemaChanged.connect(self._on_schema)
        hub.documentChanged.connect(lambda _uid: self.show_span(""))
        hub.storeChanged.connect(self._on_store)
        self._on_schema()
        self.show_span("")
        QTimer.singleShot(0, self, lambda: start_work(prepare_figures))

    def _build(self) -> None:
        self.form = QWidget()
        form = QFormLayout(self.form)
        self._captions: list[Caption] = []
        """The rows' captions, painted from a kept picture (held here: the layout keeps
        only Qt's part of them)."""

        def add_row(caption: str, field: QWidget) -> None:
            label = Caption(caption)
            label.setBuddy(field)  # as the layout does for a caption it makes
            self._captions.append(label)
            form.addRow(label, field)

        add_row("Label", self.label)
        add_row("Offsets", self._offsets_row)
        add_row("Text", self.text)
        top = list(self._captions)  # (a column of captions alone, rows under them span it)
        form.addRow(self.attributes)
        add_row("Proposed figure", self.figures)
        self._form = form
        form.setRowVisible(self.figures, False)
        add_row("Note", self.note)
        form.addRow(Caption("Links"))
        form.addRow(self.links)
        form.addRow(self.link_note)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_link)
        buttons.addWidget(self.remove_link)
        form.addRow(buttons)
        # the labels' column as wide with the figure row as without it: showing that row
        # (a claim with figures in its text, after a denial) moved and repainted every field
        widest = form.labelForField(self.figures).sizeHint().width()
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if item is not None and item.widget() is not None:
                item.widget().setMinimumWidth(widest)
        KeptCaptions(top)  # the form's first captions shown in one copy (desktop/caption.py)
        # the note for no span covers the form, in its room: showing a span and none in turn
        # changes no size, so the scroll area neither lays out again nor repaints its bars
        self.form_cover = Cover(self.form, self.empty, self._focusable)
        self.form.setAutoFillBackground(True)  # opaque, in the window's colour as the panel
        # under it: a span shown after none repaints the form, not the cover and the panel
        # behind it too (two paint events, ~7 K instructions each)
        scroll = QScrollArea()
        steady_scroll_bars(scroll)
        scroll.setWidgetResizable(True)
        body = GrowingPanel(scroll)
        layout = QVBoxLayout(body)
        layout.addWidget(self.form_cover, 1)  # all the panel: a page of other rows keeps its size
        self.setWidget(scroll)

    # -- focus -----------------------------------------------------------------------------
    def fields(self) -> list[QWidget]:
        """The fields Tab walks, in order: label, attributes, note, links, buttons (those
        enabled; none while no span is shown)."""
        if self.span is None:
            return []
        return [w for w in self._widgets(bool(self._proposals)) if w.isEnabled()]

    def _widgets(self, figures: bool) -> list[QWidget]:
        """The form's fields in Tab's order (with the figure buttons, if ``figures``)."""
        return [self.label, *(e.widget for e in self._editors.values()),
                *(self._figure_buttons if figures else ()), self.note, self.links,
                self.link_note, self.add_link, self.remove_link]

    def _focusable(self) -> list[QWidget]:
        """The form's fields Tab may reach now (for the cover to keep out of reach), known
        without asking Qt: of the attribute fields, those shown; the figure buttons while
        their row is; the link note while a link is chosen and Remove link while links are
        listed (else disabled). Not the span's text, which takes the focus from a click
        alone (the note over the form takes the mouse). Each field named cost a span deleted
        and one made a call into Qt each (~6 K instructions): the text, the hidden buttons
        and the disabled ones were named too."""
        fields = self._widgets(bool(self._proposals))
        if self._link_note_shown[0] is None:
            fields.remove(self.link_note)
        if not self._link_rows:
            fields.remove(self.remove_link)
        return fields

    def edit_fields(self) -> None:
        """Put the focus on the first field (when a span is shown)."""
        self._catch_up()
        fields = self.fields()
        if fields:
            self.show()
            self.raise_()
            fields[0].setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab and Shift+Tab go round the fields in their order (Qt's own chain follows the
        order widgets were made in, and attribute fields are made per label, later)."""
        fields = self.fields()
        focus = QApplication.focusWidget()
        if focus not in fields:
            return super().focusNextPrevChild(next)
        index = (fields.index(focus) + (1 if next else -1)) % len(fields)
        reason = Qt.FocusReason.TabFocusReason if next else Qt.FocusReason.BacktabFocusReason
        fields[index].setFocus(reason)
        return True

    # -- showing ---------------------------------------------------------------------------
    def show_span(self, span_id: str) -> None:
        """Show span ``span_id`` ("" none); the span shown already is kept as it is (its
        changes come with :meth:`_on_changed`). Out of sight, it is shown when in sight."""
        if self._out_of_sight:
            self._waiting = span_id
        elif self.span is None or span_id != self.span.id:
            self._show(self.service.known_span(span_id) if span_id else None)

    def _on_visibility(self, visible: bool) -> None:
        self._out_of_sight = not visible
        if visible:
            self._catch_up()

    def _catch_up(self) -> None:
        """Show the span asked for out of sight, as the store holds it now (its links
        listed anew)."""
        span_id, self._waiting = self._waiting, None
        if span_id is not None:
            self._show(self.service.known_span(span_id) if span_id else None)

    def _show(self, span: Span | None, links: bool = True) -> None:
        """Show ``span`` (None: the note for none); ``links``: list its links anew (not
        needed when a change touched the shown span alone)."""
        if self.span is not None and (span is None or span.id != self.span.id):
            self.save_note()
        if self._note_typed and (self.span is None or span is None or span.id != self.span.id):
            # another span after typing: show its note whatever the field holds (untouched,
            # the field holds the note it was last given, kept when the span's is the same)
            self._note_stored = None
        self.span = span
        self.form_cover.cover(self.span is None)
        if self.span is not None:
            self._fill(self.span, links)

    def _fill(self, span: Span, links: bool = True) -> None:
        self._labels.show(span.label)
        pieces = "; ".join(f"{start}–{end}" for start, end in span.pieces)
        self.offsets.set_text(f"{pieces}  ({span.end - span.start} characters)")
        text = self._document_text(span.document)
        quoted = clip(span.text_in(text), EDITABLE)
        if quoted != self._quoted:  # (setting it lays the field out and repaints it)
            self._quoted = quoted
            self._quote.setPlainText(quoted)
            self._quote_bar.setValue(0)
        self._fill_attributes(span)
        self._fill_figures(span, text)
        if (span.note or "") != self._note_stored and not self._note_timer.isActive():
            self._show_note(span.note or "")
        if links:
            self._fill_links(span)

    def _show_note(self, note: str) -> None:
        """Show the stored ``note``; one too long to edit here is shown cut, read-only."""
        long = len(note) > EDITABLE
        tip = too_long(len(note)) if long else ""
        with QSignalBlocker(self.note):
            if self.note.isReadOnly() != long:  # (each call tells every event filter)
                self.note.setReadOnly(long)
            self.note.setPlainText(clip(note, EDITABLE) if long else note)
        if self.note.toolTip() != tip:
            self.note.setToolTip(tip)
        self._note_stored, self._note_shown = note, self.note.toPlainText()
        self._note_typed = False

    def _document_text(self, uid: str) -> str:
        if self._text[0] != uid:
            document = self.service.document(uid)
            self._text = (uid, document.text if document else "")
        return self._text[1]

    def _fill_attributes(self, span: Span) -> None:
        if self._attribute_label != span.label:
            label = self.service.schema().label(span.label)
            attributes = label.attributes if label else ()
            page = self._attribute_page(attributes)
            self._editors = page.show_rows(len(attributes))
            if self.attributes.currentWidget() is not page:
                for other in self._attribute_pages:  # the stack takes the shown page's size
                    other.setSizePolicy(IGNORED if other is not page else PREFERRED)
                self.attributes.setCurrentWidget(page)
            self._attribute_label = span.label
        for name, editor in self._editors.items():
            editor.show_value(span.attributes.get(name))

    def _attribute_page(self, attributes: Sequence[AttributeDef]) -> AttributePage:
        """The page for a label of ``attributes``: the shown page, or else another, whose
        rows begin with them; else a page whose rows they begin with, given the rest; else
        a new page. While a screen reader is active, only a page of those rows alone (one a
        label, as the stack had): a covered field is shown to Qt, so read out (its value that
        of a span shown before) and set from the reader."""
        shown = self.attributes.currentWidget()
        shared = not QAccessible.isActive()

        def fits(page: AttributePage) -> bool:
            return page.holds(attributes) and (shared or len(page.attributes) == len(attributes))

        if isinstance(shown, AttributePage) and fits(shown):
            return shown  # (a relabel between labels sharing it)
        pages = sorted(self._attribute_pages, key=lambda page: page is not shown)
        page = next((page for page in pages if fits(page)), None)
        if page is None and shared:
            page = next((page for page in pages if page.begins(attributes)), None)
            if page is not None:
                page.extend(attributes)
        if page is None:
            page = AttributePage(attributes, self._attribute_editor)
            self._attribute_pages.append(page)
            self.attributes.addWidget(page)
        return page

    def _attribute_editor(self, attr: AttributeDef) -> AttributeEditor:
        """The field of ``attr``, storing its edits for the shown span."""
        return make_editor(attr, lambda value, name=attr.name: self.set_attribute(name, value),
                           NoTypeAhead)

    def _fill_figures(self, span: Span, text: str) -> None:
        """A button for each figure proposed for ``span`` (none: the row is hidden)."""
        found = claim_figures().proposals(span, text, self.service.schema().label(span.label))
        proposed = found[:FIGURE_PROPOSALS]
        if proposed == self._proposals:
            return
        if proposed and proposed != self._figure_rows:  # (hidden, the rows are kept: a
            self._figure_rows = proposed  # relabel and its undo show them again as they are)
            while self._figure_layout.count():
                row = self._figure_layout.takeAt(0).widget()
                if row is not None:
                    row.deleteLater()
            self._figure_buttons = []
            for index, proposal in enumerate(proposed):
                self._figure_layout.addWidget(self._figure_row(index, proposal))
        if bool(proposed) != bool(self._proposals):
            self._form.setRowVisible(self.figures, bool(proposed))
        self._proposals = proposed

    def _figure_row(self, index: int, proposal: FigureProposal) -> QWidget:
        """One proposal: what was read (wrapped, so a long one never widens the panel), and
        the button that uses it."""
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        words = plain_label(f"“{line(proposal.words, FIGURE_WORDS)}”: "
                            f"{line(proposal.describe())}")
        words.setWordWrap(True)
        button = QPushButton("Use (Shift+F)" if index == 0 else "Use")
        button.setAccessibleName(f"Use the figure {line(proposal.words, FIGURE_WORDS)}")
        button.setToolTip(line("; ".join(f"{name} = {'(empty)' if value is None else value}"
                                         for name, value in proposal.values.items())))
        button.clicked.connect(lambda _checked=False: self.use_figure(index))
        layout.addWidget(words, 1)
        layout.addWidget(button)
        self._figure_buttons.append(button)
        return row

    def _fill_links(self, span: Span) -> None:
        """The span's links, those across documents too (from it, and to it from other
        documents, with the other document's title); the link chosen before stays chosen
        (its note shown)."""
        text = self._document_text(span.document)
        found = [(span.document, r) for r in self.service.relations(span.document)]
        found += self.service.links_into(span.document)
        rows: list[tuple[str, Relation, str, bool]] = []
        for home, relation in found:
            if span.id not in (relation.source, relation.target):
                continue
            outgoing = relation.source == span.id
            other = relation.target if outgoing else relation.source
            where = (relation.target_document if outgoing else home) or span.document
            if where == span.document:
                near = self.service.known_span(other)
                end = _link_end(near, text) if near is not None else None
            else:
                end = self._far_end(where, other)
            label, excerpt, far = end if end is not None else ("?", "?", "")
            arrow = "→" if outgoing else "←"
            rows.append((f"{line(relation.type)} {arrow} {label} “{excerpt}”{far}",
                         relation, home, bool(far)))
        if rows != self._link_rows:  # the same links: the list stays as it is
            self._link_rows = rows
            self._list_links(rows)
            self.remove_link.setEnabled(bool(rows))
        self._show_link_note(self.links.currentItem() if rows else None)

    def _far_end(self, uid: str, span_id: str) -> LinkEnd | None:
        """What a link's line shows of span ``span_id`` of the other document ``uid``: read
        once, then kept until a change touches that document (:meth:`_on_changed`)."""
        kept = self._far_ends.setdefault(uid, {})
        if span_id not in kept:
            other = self.service.span(span_id)
            document = self.service.document(other.document) if other is not None else None
            kept[span_id] = None if other is None else _link_end(
                other, document.text if document else "",
                line(document.title or document.uid[:12], NAME) if document else "")
        return kept[span_id]

    def _list_links(self, rows: list[tuple[str, Relation, str, bool]]) -> None:
        chosen = self._chosen_link()
        self.links.clear()
        for text, relation, home, far in rows:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, relation)
            item.setData(HOME_ROLE, home)
            if far:
                item.setToolTip("A link across documents: double-click (or Enter) opens the "
                                "other document at its span")
            self.links.addItem(item)
            if chosen is not None and relation.id == chosen.id:
                self.links.setCurrentItem(item)

    def _on_schema(self) -> None:
        self._labels.clear()
        for name in self.service.schema().label_names:
            self._labels.add(name, line(name, NAME))
        self._attribute_label = None
        for page in self._attribute_pages:  # the labels' attributes may differ
            self.attributes.removeWidget(page)
            page.deleteLater()
        self._attribute_pages.clear()
        self._editors = {}
        if self.span is not None:  # a label renamed renames the span's
            self._show(self.service.span(self.span.id))

    def _on_store(self) -> None:
        self.span = None
        self._far_ends.clear()
        self._on_schema()
        self.show_span("")

    def _on_changed(self, changes: ChangeSet) -> None:
        """Show the span as the change left it (its value comes with the change); forget what
        was kept of the documents it touched."""
        for uid in changes.documents:
            self._far_ends.pop(uid, None)
        if changes.schema:
            self._far_ends.clear()
        if self._out_of_sight:  # shown as the store holds it when in sight
            if self._waiting is None:
                self._waiting = self.span.id if self.span is not None else ""
            return
        if self.span is None:
            return
        after = changes.spans_after()
        if self.span.id in after:  # (touched alone, as by a relabel: its links are as listed)
            alone = len(changes.spans) == 1 and not changes.relations and not changes.schema
            self._show(after[self.span.id], links=not alone)
        elif changes.relations and self.span.document in changes.documents:
            self._show(self.span)  # a link across documents names both its documents

    # -- edits -----------------------------------------------------------------------------
    def _current(self) -> Span | None:
        """The shown span as stored now (commands need the current state)."""
        return self.service.span(self.span.id) if self.span is not None else None

    def _relabel(self, _index: int) -> None:
        span = self._current()
        name = self.label.currentData()
        if span is None or name is None or name == span.label:
            return
        if not relabel_span(self.service, span, name, self):
            self._labels.show(span.label)

    def set_attribute(self, name: str, value: Any) -> None:
        span = self._current()
        if span is not None and span.attributes.get(name) != value:
            self.service.apply(set_attribute(span, name, value))

    def use_figure(self, index: int = 0) -> bool:
        """Write the ``index``-th figure proposed for the shown span into its fields (one
        undoable edit); whether one was written."""
        self._catch_up()  # (Shift+F in the text, the panel closed: its proposals read now)
        span = self._current()
        if span is None or index >= len(self._proposals):
            self.service.hub.message.emit("no figure proposed for the selected span (its "
                                          "label has no figure fields, they are filled in, "
                                          "or its text holds no figure)")
            return False
        accepted = claim_figures().accept(span, self._proposals[index])
        return self.service.apply(accepted) is not None

    def _note_edited(self) -> None:
        self._note_typed = True
        self._note_timer.start()

    def save_note(self) -> None:
        """Store the note as typed, if it was (kept in the field if the store refuses it)."""
        self._note_timer.stop()
        note = self.note.toPlainText()
        if self.span is None or note == self._note_shown:
            return  # nothing typed: nothing to read back
        span = self._current()
        if span is not None and (span.note or "") != note:
            self.service.apply(set_note(span, note))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.note and event.type() == QEvent.Type.FocusOut:
            self.save_note()
        return super().eventFilter(watched, event)

    def _go_to_link(self, item: QListWidgetItem) -> None:
        """Select the span at the other end of the link ``item`` in the text, and show it;
        a link across documents opens the other document at that span."""
        relation: Relation = item.data(Qt.ItemDataRole.UserRole)
        if self.span is None:
            return
        outgoing = relation.source == self.span.id
        other = relation.target if outgoing else relation.source
        uid = (relation.target_document if outgoing else item.data(HOME_ROLE)) \
            if relation.crosses else self.span.document
        if uid and uid != self.service.current:
            self.service.open_document(uid)
        self.service.hub.spanRequested.emit(other)

    def _chosen_link(self) -> Relation | None:
        item = self.links.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _show_link_note(self, item: QListWidgetItem | None) -> None:
        """The note of the link ``item`` (none: the field is off); one too long to edit here,
        or of several lines, is shown on one line, cut, read-only."""
        relation: Relation | None = item.data(Qt.ItemDataRole.UserRole) if item else None
        note = (relation.note or "") if relation is not None else ""
        long, lines = len(note) > EDITABLE, "\n" in note  # a one-line field would flatten it
        shown = line(note) if long or lines else note
        if (relation, shown) == self._link_note_shown and (
                relation is None or self.link_note.text() == shown):
            return  # (each press showing the span: six calls into Qt that changed nothing;
            # with no link, the field is off: nothing was typed in it)
        self._link_note_shown = (relation, shown)
        with QSignalBlocker(self.link_note):
            self.link_note.setText(shown)
        self.link_note.setReadOnly(long or lines)
        self.link_note.setToolTip(too_long(len(note)) if long else
                                  "several lines: shown on one, not editable here" if lines else "")
        self.link_note.setEnabled(relation is not None)

    def _save_link_note(self) -> None:
        """Store the chosen link's note as typed, if it changed."""
        relation = self._chosen_link()
        if relation is None or self.span is None or self.link_note.isReadOnly():
            return
        note = self.link_note.text()
        item = self.links.currentItem()
        if note != (relation.note or "") and item is not None:
            self.service.apply(set_relation_note(item.data(HOME_ROLE), relation, note))

    def _remove_link(self) -> None:
        item = self.links.currentItem() or self.links.item(0)
        if item is None or self.span is None:
            return
        relation: Relation = item.data(Qt.ItemDataRole.UserRole)
        self.service.apply(RemoveRelation(item.data(HOME_ROLE), relation))
