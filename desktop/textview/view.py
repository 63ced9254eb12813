"""SpanTextView: the read-only centre text of the window, with span marks painted per visible block.

The text is shown as plain text. Spans live in a :class:`SpanIndex` keyed in code points, so opening
a document converts no offsets. The first paint that shows a block asks the index for the block's
spans and converts those to Qt positions (cached); each paint draws their marks under the text
(:mod:`desktop.textview.paint`). The text layouts get no formats: a layout with formats is shaped
again at each boundary of them, which cost a document opened or a block edited as much again as
its plain text. The layouts of the blocks on screen keep their shaping between paints, for the
marks' ends and the text alike (:data:`SHAPED_BLOCKS`). A span change repaints only the lines it
touches.

Links between spans are drawn in the lane to the right of the text (:mod:`desktop.textview.lane`);
the span under the mouse, or else the selected one, is in focus: its links and the spans at their
other ends are highlighted.
"""

from __future__ import annotations

import html
from bisect import bisect_right, insort
from collections.abc import Iterable, Sequence
from operator import itemgetter

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QFocusEvent,
    QHelpEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QRegion,
    QResizeEvent,
    QTextBlock,
    QTextCursor,
)
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QToolTip, QWidget

from annotate import edges
from annotate.offsets import OffsetMap, display_text
from desktop.plain import MESSAGE, NAME, clip, line, markup, words
from desktop.scrollbars import steady_scroll_bars
from desktop.textview.geometry import LONG_BLOCK, Segment, Shapes, Viewport
from desktop.textview.index import SpanIndex
from desktop.textview.lane import LinkLane
from desktop.textview.links import Connector, End, LinkSet, connectors, spread
from desktop.textview.paint import AREA, Marks, underline_bottom
from desktop.textview.regions import RegionIndex, Source, step
from desktop.textview.stacking import Stacking, stack_depths, stacking
from desktop.textview.styles import NEUTRAL, LinkStyle, SpanStyle

_EXACT = Qt.KeyboardModifier.AltModifier  # held while selecting: no snapping to words
Placed = tuple[SpanStyle, int, int]
"""A span with its Qt range ``[start, end)`` (or the part of it in a block)."""
SHAPED_BLOCKS = 64
"""Most blocks whose layouts keep their shaping: those on screen, and the last ones shown up to
this many (a block's shaping takes some 80 bytes per character)."""
FIRST_SHAPED = LONG_BLOCK
"""Positions of a new text at most whose layouts keep their shaping from the start."""
_SCRATCH = QImage(1, 1, QImage.Format.Format_ARGB32_Premultiplied)
"""What a layout letting go of its shaping is drawn on, nothing of it in the clip."""
_NO_BRUSH = QBrush()
"""The brush the marks' painter holds (none): given as an enum, PySide asks the enum's value
of Python at each paint."""
_second = itemgetter(1)
_SEPARATOR = "\u2029"  # (Qt's paragraph separator: where a block ends)
EXCERPT = 40
"""Most characters of a span's text quoted where a link is named."""
MARK_OVERHANG = 4
"""Pixels a span's marks reach above and below its line's box (the selected span's handles),
but stacked underlines, which reach down as far as their depth takes them
(:meth:`SpanTextView._sunk`)."""
REPLACED_IN_PLACE = 100_000
"""Characters (UTF-16 units) of the text shown at most that a new text is put in place of in one
change: meanwhile the document holds both (a 13.6 MB text after another kept the process
34 MB higher); a longer one is emptied first (Qt's ``setPlainText``)."""


class SpanTextView(QPlainTextEdit):
    """Read-only text with spans drawn by category; offsets in and out are code points."""

    spanClicked = Signal(str)
    """A click landed on a span (innermost first; clicking again cycles through the stack)."""
    selectedSpanChanged = Signal(str)
    """The selected span changed, by click, :meth:`select_span`, removal or Esc; "" = none."""
    selectionChangedRange = Signal()
    """The text selection changed; read it with :meth:`selectionRange`."""
    focusChanged = Signal(bool)
    """The view got (True) or lost (False) the keyboard focus."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setUndoRedoEnabled(False)
        self._text = ""
        self._offsets = OffsetMap("")
        self._spans: SpanIndex[SpanStyle] = SpanIndex()
        self._hits: SpanIndex[SpanStyle] = SpanIndex()
        self._ghosts: SpanIndex[SpanStyle] = SpanIndex()
        """Suggestions, drawn as outlines (:meth:`set_ghosts`)."""
        self._ghost: str | None = None  # the suggestion the keys act on
        self._qt: dict[tuple[int, int], tuple[int, int]] = {}  # code-point range -> Qt range
        self._placed_blocks: dict[int, tuple[frozenset[str], tuple[Placed, ...], int]] = {}
        """Per block shown, by its first position (the text never changes under a block): its
        spans' ids, each span with the part of the block it covers, and the block's last
        position (its separator)."""
        self._placed_starts: list[int] = []
        """The first positions of :attr:`_placed_blocks`, ascending."""
        self._shown_blocks: tuple[tuple[int, int], frozenset[str], tuple[tuple[Placed, ...], ...],
                                  list[tuple[int, QTextBlock]]] | None = None
        """The last paint's Qt range (of blocks no longer than :data:`LONG_BLOCK`), what
        :meth:`_place_blocks` found in it and its blocks (by first position); None once a
        span in it changed."""
        self._shaped: dict[int, None] = {}
        """The first positions of the blocks whose layouts keep their shaping, the latest
        shown last."""
        self._shapes = Shapes()
        """The lines of the blocks measured, kept from one paint to the next."""
        self._stacking = Stacking(self._spans)
        """The marks' stacking depths, the same in any paint (:mod:`desktop.textview.stacking`)."""
        self._depths: tuple[tuple[tuple[Placed, ...], ...], int, dict[str, int]] = ((), -1, {})
        """The spans placed in the blocks of the last paint, :attr:`_stacking`'s generation
        then, and the depths it drew them at."""
        self._asked: list[tuple[int, int]] = []
        """Qt ranges whose lines the viewport was asked to repaint since its last paint, at
        the scroll bar's value :attr:`_asked_at` (a span made, then selected, asked twice)."""
        self._asked_at = 0
        self._loading = False  # a new text is being set (see :meth:`_keep_first_shaping`)
        self.document().contentsChange.connect(self._keep_first_shaping)
        self._selected: str | None = None
        self._exact = False  # Alt was held during the current selection
        self._press: QPoint | None = None
        self._marks = self._themed_marks()
        self._spacing = 0  # the font's line spacing, asked at the first paint after it changed
        self._descent = 0.0  # the font's descent, asked with it
        self._past_next = 0
        """The first depth whose underlines reach past the next line (asked with the spacing)."""
        self._above = (-1, 0.0)  # the deepest underline stacked, and :meth:`_reach_above`'s pixels
        self.painted_span_count = 0
        """Spans (and find hits) the last paint drew; for tests and the benchmark."""
        self.links = LinkSet()
        self._hovered: str | None = None  # the span under the mouse
        self._hovered_link: str | None = None  # the link under the mouse, in the lane
        self.lit_links: frozenset[str] = frozenset()
        """The links of the span in focus (hovered, else selected) and the link hovered."""
        self.lit_spans: frozenset[str] = frozenset()
        """The spans at the ends of :attr:`lit_links`."""
        self.lane = LinkLane(self, self)
        self.viewport().setMouseTracking(True)
        steady_scroll_bars(self)  # a new document's bar repainted over its own background
        self.verticalScrollBar().valueChanged.connect(self.lane.refresh)
        self.selectionChanged.connect(self.selectionChangedRange)

    # -- content ----------------------------------------------------------------------------
    def set_document(self, text: str, spans: Sequence[SpanStyle] = (),
                     source: Source[SpanStyle] | None = None) -> None:
        """Show ``text`` (as stored; line breaks are normalised for display only) with ``spans``;
        with a ``source``, the rest of the spans are read from it a region at a time, as the
        view first shows or looks in each region (:class:`RegionIndex`)."""
        self._text = text
        self._offsets = OffsetMap(text)
        self._qt.clear()
        self._placed_blocks.clear()
        self._placed_starts.clear()
        self._shown_blocks = None
        self._asked = []
        self._shaped.clear()  # the blocks before (gone, the first let go: _show_text)
        self._shapes.clear()
        if source is None:
            self._spans = SpanIndex(spans)
        else:
            self._spans = RegionIndex(source, len(text))
            self._spans.merge(spans)
        self._stacking = Stacking(self._spans)
        self._depths = ((), -1, {})
        self._hits = SpanIndex()
        self._ghosts = SpanIndex()
        self._ghost = None
        self.links = LinkSet()
        self._hovered = self._hovered_link = None
        self._set_selected(None)
        self._loading = True
        try:
            self._show_text(display_text(text))
        finally:
            self._loading = False
        self.lane.refresh()

    def _show_text(self, text: str) -> None:
        """Put ``text`` in place of the text shown, as ``setPlainText`` does, in one change of
        the document where the view is at its top, its caret at the start of the text shown
        (a step through the list untouched): Qt's ``setPlainText`` empties the document,
        fills it, then selects the whole new text to give it the caret's character format,
        which lays the first block out and drops the layouts again; a text of one block after
        one of one block was so laid out twice before its first paint (a fifth of a next
        document's instructions), once now. The new text goes in after the old (the caret at
        the start stays there: one moved to the end would be brought back by laying out every
        block between), then the old text goes. The view's text has no character format of
        its own (read-only, without undo). Elsewhere, or after a text longer than
        :data:`REPLACED_IN_PLACE`, Qt's call, which puts caret and view back at the top."""
        document = self.document()
        end = document.characterCount() - 1
        caret = self.textCursor()
        if not end or end > REPLACED_IN_PLACE or caret.position() or caret.hasSelection() \
                or self.verticalScrollBar().value():
            self.setPlainText(text)
            return
        # the first block stays, the new text's first: its layout lets go of what the text
        # before kept (told again for the new text, as each block is, as it comes)
        document.firstBlock().layout().setCacheEnabled(False)
        cursor = QTextCursor(document)
        cursor.beginEditBlock()  # (a cursor moved in it lays nothing out)
        cursor.setPosition(end)
        cursor.insertText(text)
        cursor.setPosition(0)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        cursor.endEditBlock()
        document.setModified(False)

    def text(self) -> str:
        """The stored text, as given to :meth:`set_document`."""
        return self._text

    def update_spans(
        self, changed: Sequence[SpanStyle] = (), removed_ids: Iterable[str] = ()
    ) -> None:
        """Add or replace ``changed`` and drop ``removed_ids``; repaints only the blocks touched."""
        dirty: list[SpanStyle] = []
        forget = self._stacking.forget
        for span_id in removed_ids:
            old = self._spans.remove(span_id)
            if old is not None:
                dirty.append(old)
                forget(old)
        for span in changed:
            old = self._spans.add(span)
            if old is None:
                dirty.append(span)
                forget(span)
                continue
            dirty += (span, old)
            if (old.start, old.end, stacking(old)) != (span.start, span.end, stacking(span)):
                forget(old)  # (a relabel keeping its kind of mark changes no depth)
                forget(span)
        for start, end in {self._to_qt(span) for span in dirty}:  # a relabel's two: one range
            self._unplace(start, max(end - 1, start))
        self._shown_blocks = None
        if self._selected is not None and self._selected not in self._spans:
            self._set_selected(None)
        if self._hovered is not None and self._hovered not in self._spans:
            self._hovered = None
        if any(self.links.of(span.id) for span in dirty):
            self._place_links()
        self._repaint_spans(dirty, chained=True)
        self._relight()

    # -- links ------------------------------------------------------------------------------
    def set_links(self, links: Sequence[LinkStyle]) -> None:
        """Show ``links`` (those whose two spans are shown); replaces the ones shown before."""
        self.links.replace(links, self._start_of)
        if self._hovered_link is not None and self.links.get(self._hovered_link) is None:
            self._hovered_link = None
        self.lane.refresh()
        self._relight()

    def _place_links(self) -> None:
        self.links.place(self._start_of)
        self.lane.refresh()

    def _start_of(self, span_id: str) -> int | None:
        span = self._spans.get(span_id)
        return span.start if span is not None else None

    def connectors(self) -> list[Connector]:
        """The links drawn in the lane now: those with an end on screen, each with its
        track, ends and label place (see :func:`desktop.textview.links.connectors`)."""
        if not len(self.links):
            return []
        height = self.viewport().height()
        viewport = Viewport(self, 0, height, self._shapes)
        start, end = viewport.qt_range
        if start == end:
            return []
        near = self.links.ending_in(*self._offsets.range_from_qt(start, end))
        anchors: dict[str, End] = {}
        lines: dict[float, list[tuple[int, str, float, float]]] = {}
        for span_id in {i for link in near for i in (link.source, link.target)}:
            span = self._spans.get(span_id)
            if span is None:
                continue
            position = self._to_qt(span)[0]
            box = viewport.line_box(position)
            if box is not None and box[0] + box[1] > 0 and box[0] < height:
                lines.setdefault(box[0], []).append((span.start, span_id, *box))
            elif position < start or (box is not None and box[0] < 0):
                anchors[span_id] = End(span_id, 0.0, -1)
            else:
                anchors[span_id] = End(span_id, float(height), 1)
        for row in lines.values():
            row.sort()
            for span_id, y in spread([(i, top, h) for _, i, top, h in row]).items():
                anchors[span_id] = End(span_id, y, 0)
        return connectors(near, self.links.tracks, anchors, height, self.lane.label_height(),
                          self.lit_links)

    def hover_link(self, link_id: str | None) -> None:
        """The link under the mouse in the lane (None: none); it and its spans light up."""
        if link_id != self._hovered_link:
            self._hovered_link = link_id
            self._relight()

    def link_text(self, link: LinkStyle) -> str:
        """A link in words: type, direction and both spans (plain text)."""
        return (f"{self._end_text(link.source)} —{line(link.type, NAME)}→ "
                f"{self._end_text(link.target)}")

    def _link_line(self, span_id: str, link: LinkStyle) -> str:
        """A link of span ``span_id`` as seen from it: its type, direction and the other end."""
        if link.source == span_id:
            return f"link: {line(link.type, NAME)} → {self._end_text(link.target)}"
        return f"link: {line(link.type, NAME)} ← {self._end_text(link.source)}"

    def _end_text(self, span_id: str) -> str:
        span = self._spans.get(span_id)
        if span is None:
            return "?"
        return f"{line(span.label, NAME)} “{words(self._text[span.start:span.end], EXCERPT)}”"

    def _relight(self) -> None:
        """Work out what is lit from the focus; repaint what changed."""
        focus = self._hovered if self._hovered and self.links.of(self._hovered) \
            else self._selected
        links = {link.id for link in self.links.of(focus)} if focus else set()
        if self._hovered_link is not None:
            links.add(self._hovered_link)
        spans = frozenset(self.links.partners(links))
        if spans == self.lit_spans and links == self.lit_links:
            return
        changed = spans ^ self.lit_spans
        self.lit_links, self.lit_spans = frozenset(links), spans
        self._repaint_spans([s for s in map(self._spans.get, changed) if s is not None])
        self.lane.refresh()

    def spans_at(self, offset: int) -> list[SpanStyle]:
        """Spans holding code point ``offset``, innermost (shortest) first."""
        return _innermost_first(
            s for s in self._spans.overlapping(offset, offset + 1) if s.start <= offset
        )

    def span(self, span_id: str) -> SpanStyle | None:
        """Span ``span_id`` when the view holds it (of a region read, or given)."""
        return self._spans.get(span_id)

    def read_region(self, start: int, end: int) -> None:
        """Make sure the spans meeting code points ``[start, end)`` are held."""
        self._spans.overlapping(start, end)

    def next_span(self, direction: int) -> str | None:
        """The span after (``direction`` 1) or before (-1) the selected one, or else the caret,
        in text order, going round the end; None when the text has no spans."""
        current = self._spans.get(self._selected) if self._selected else None
        key = ((current.start, current.end, current.id) if current is not None else
               (self._offsets.from_qt(self.textCursor().position()), -1, ""))
        found = step(self._spans, len(self._text), key, direction)
        return found.id if found is not None else None

    # -- selection --------------------------------------------------------------------------
    def selectionRange(self, snap: bool | None = None) -> tuple[int, int] | None:
        """The selected text as code points ``(start, end)``, or None when nothing is selected.

        Snapped out to whole words, leaving out the punctuation around them
        (:func:`annotate.edges.snap`), unless ``snap`` is False, or (when ``snap`` is None) Alt
        was held during the selection. None too when snapping leaves nothing.
        """
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start, end = self._offsets.range_from_qt(cursor.selectionStart(), cursor.selectionEnd())
        if snap is None:
            snap = not self._exact
        if snap:
            start, end = edges.snap(self._text, start, end)
        return (start, end) if start < end else None

    def selected_span(self) -> str | None:
        return self._selected

    def select_span(self, span_id: str | None) -> None:
        """Select span ``span_id`` (None clears) and put the caret at its start; the view
        scrolls only when that is not in view (then it is centred). Unknown ids raise."""
        if span_id is not None:
            span = self._spans.get(span_id)
            if span is None:
                raise KeyError(span_id)
            self.scroll_to(span.start, keep=True)
        self._set_selected(span_id)

    def scroll_to(self, offset: int, keep: bool = False) -> None:
        """Move the caret to code point ``offset`` and centre it in the view; with ``keep``,
        a caret already in view is left where it is on screen."""
        document = self.document()
        cursor = QTextCursor(document)
        cursor.setPosition(min(self._offsets.to_qt(offset), document.characterCount() - 1))
        shown = keep and self.viewport().rect().contains(self.cursorRect(cursor))
        self.setTextCursor(cursor)
        if not shown:
            self.centerCursor()

    def place(self) -> tuple[int, int]:
        """Where the reader is: (the first code point of the top line shown, the caret). The
        text shown from its first line has its top there, found without a hit test (each
        document left by Ctrl+Down was hit-tested)."""
        caret = self._offsets.from_qt(self.textCursor().position())
        if self.verticalScrollBar().value() == 0:
            return 0, caret
        top = self.cursorForPosition(QPoint(0, 0))
        top.movePosition(QTextCursor.MoveOperation.StartOfLine)
        return self._offsets.from_qt(top.position()), caret

    def go_to_place(self, top: int, caret: int) -> None:
        """Put the caret at code point ``caret`` and the line holding code point ``top`` at the
        top of the view, as :meth:`place` gave them (offsets past the text's end are clamped)."""
        length = len(self._text)
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offsets.to_qt(min(max(caret, 0), length)))
        self.setTextCursor(cursor)
        position = self._offsets.to_qt(min(max(top, 0), length))
        block = self.document().findBlock(position)
        layout = block.layout()
        line = layout.lineForTextPosition(position - block.position()) if layout else None
        number = line.lineNumber() if line is not None and line.isValid() else 0
        self.verticalScrollBar().setValue(block.firstLineNumber() + number)

    def mark_hits(self, ranges: Sequence[tuple[int, int]]) -> None:
        """Mark the code-point ranges (find or search hits; empty clears) in the hits' style."""
        self._hits = SpanIndex(
            SpanStyle(f"find:{n}", start, end, "", "other", NEUTRAL)
            for n, (start, end) in enumerate(ranges)
        )
        self.viewport().update()

    def set_ghosts(self, ghosts: Sequence[SpanStyle], focused: str | None = None) -> None:
        """Show ``ghosts`` (suggestions: outlines, no fill) instead of those shown before;
        ``focused`` (one of their ids) is drawn stronger and brought into view."""
        before, was = set(self._ghosts), self._ghost
        self._ghosts = SpanIndex(ghosts)
        self._ghost = focused if focused in self._ghosts else None
        chosen = self._ghosts.get(self._ghost) if self._ghost else None
        if chosen is not None:
            self.scroll_to(chosen.start, keep=True)
        changed = before.symmetric_difference(self._ghosts)  # repainted where they show
        if was != self._ghost:
            changed |= {g for g in (before | set(self._ghosts)) if g.id in (was, self._ghost)}
        self._repaint_spans(list(changed))

    def focused_ghost(self) -> str | None:
        return self._ghost

    def _set_selected(self, span_id: str | None) -> None:
        if span_id == self._selected:
            return
        previous = self._spans.get(self._selected) if self._selected else None
        self._selected = span_id
        current = self._spans.get(span_id) if span_id else None
        self._repaint_spans([s for s in (previous, current) if s is not None])
        self._relight()
        self.selectedSpanChanged.emit(span_id or "")

    # -- geometry ---------------------------------------------------------------------------
    def _to_qt(self, span: SpanStyle) -> tuple[int, int]:
        key = (span.start, span.end)
        found = self._qt.get(key)
        if found is None:
            found = self._qt[key] = self._offsets.range_to_qt(span.start, span.end)
        return found

    def _pieces(self, span: SpanStyle) -> list[tuple[int, int]]:
        """The Qt ranges drawn for ``span``: its fragments, or its one range."""
        if not span.fragments:
            return [self._to_qt(span)]
        return [self._offsets.range_to_qt(start, end) for start, end in span.fragments]

    def _visible(self, viewport: Viewport, index: SpanIndex[SpanStyle]) -> list[SpanStyle]:
        start, end = viewport.qt_range
        if not len(index) or start == end:
            return []
        return index.overlapping(*self._offsets.range_from_qt(start, end))

    def spans_at_point(self, point: QPoint) -> list[SpanStyle]:
        """Spans drawn under viewport ``point``, innermost first."""
        x, y = point.x(), point.y()
        viewport = Viewport(self, y, y, self._shapes)
        position = self.cursorForPosition(point).position()
        near = self._offsets.range_from_qt(max(position - 1, 0), position + 1)
        return _innermost_first(
            span
            for span in self._spans.overlapping(*near)
            if any(seg.contains(x, y) for piece in self._pieces(span)
                   for seg in viewport.segments(*piece))
        )

    def _repaint_spans(self, spans: Sequence[SpanStyle], chained: bool = False) -> None:
        """Schedule a repaint of the visible lines that show any of ``spans``. With
        ``chained`` (the spans were added, changed or removed), of the spans meeting them too,
        and those meeting these, and so on: how their marks stack may have changed with them
        (a span's depth depends only on spans meeting it, :mod:`desktop.textview.stacking`,
        a later layer's too). Without ``chained``, spans within what was asked for since the
        last paint, the view not scrolled since, are not measured again (a span made is
        selected next: its lines were asked for as it came).

        The lines are repainted with :data:`MARK_OVERHANG` pixels above and below; the next
        line too only where it may show a change: below the chained spans' last line when
        one of them is underlined (the underlines stack down into it), and further down as
        far as the deepest of their underlines reaches, before the change or after it (a
        stack of more than four underlines reaches past the next line). A claim made,
        relabelled, put back or deleted among claims and denials so repaints its line, not
        the next (Qt draws every line of the text the region meets: a create's region met
        four lines, now three: 4.86 -> 4.75 M instructions a create)."""
        if not spans:
            return
        ranges = [self._to_qt(span) for span in spans]
        scrolled = self.verticalScrollBar().value()
        if scrolled != self._asked_at:
            self._asked, self._asked_at = [], scrolled
        if not chained:  # lines asked for already, and not painted since, are left out
            ranges = [(start, end) for start, end in ranges
                      if not any(a <= start and end <= b for a, b in self._asked)]
            if not ranges:
                return
        viewport = Viewport(self, 0, self.viewport().height(), self._shapes)
        sunk: list[float | None] = [None] * len(ranges)  # (chained) below the last lines
        if chained:
            shown = self._visible(viewport, self._spans)
            placed = [self._to_qt(span) for span in shown]
            underlined = [(qt, span) for span, qt in zip((*spans, *shown), (*ranges, *placed),
                                                         strict=True)
                          if span.category not in AREA]
            ranges = _chains(ranges, placed)
            sunk = self._sunk_in(ranges, underlined, len(spans))
        self._asked += ranges
        region = QRegion()
        width = self.viewport().width()
        for (start, end), below in zip(ranges, sunk, strict=True):
            lines = viewport.line_bands(start, end)
            if lines:  # one band from the first line to the last (and the next, underlined)
                top, bottom = lines[0][0], lines[-1][0] + lines[-1][1]
                if below is not None:
                    bottom += max(lines[-1][1], below)
                region += QRect(0, int(top) - MARK_OVERHANG, width,
                                int(bottom - top) + 2 * MARK_OVERHANG)
        if not region.isEmpty():
            self.viewport().update(region)

    def _sunk_in(self, ranges: list[tuple[int, int]],
                 underlined: list[tuple[tuple[int, int], SpanStyle]],
                 changed: int) -> list[float | None]:
        """Per Qt range of ``ranges`` (apart, in order), how far below its last line's box the
        underlines of the spans ``underlined`` (with their Qt ranges) lying in it reach, at
        their depths before the change (kept till the next paint settles it) or after it
        (worked out now: the paint then finds them kept); None where none lies in it. Where
        the deepest underline stacked yet, ``changed`` steps deeper (each span changed
        deepens a stack by a step at most), stays inside the next line, the depths are not
        asked for: 0 (a key press in a text of stacks less than three deep)."""
        stacking, index = self._stacking, self._spans
        if self._line_spacing() and stacking.deepest + changed < self._past_next:
            return [0.0 if any(start <= a and b <= end for (a, b), _ in underlined) else None
                    for start, end in ranges]
        inside: list[list[SpanStyle] | None] = [None] * len(ranges)
        starts = [start for start, _ in ranges]
        for (a, b), span in underlined:
            k = bisect_right(starts, a) - 1
            if k >= 0 and b <= ranges[k][1]:
                found = inside[k]
                if found is None:
                    found = inside[k] = []
                found.append(span)
        kept = stacking.depths
        old = [max(kept.get(span.id, 0) for span in spans) if kept else stacking.deepest
               for spans in inside if spans]
        held = [span for spans in inside if spans for span in spans if index.get(span.id) is span]
        depths = stacking.of(held) if held else {}  # (none held: the paint has none to stack)
        found: list[float | None] = []
        for spans in inside:
            if not spans:
                found.append(None)
            elif depths is None:  # (stacked by the paint among its spans: any depth)
                found.append(float(self.viewport().height()))
            else:
                deepest = max(old.pop(0), *(depths.get(span.id, 0) for span in spans))
                found.append(self._sunk(deepest))
        return found

    def _reach_above(self) -> float:
        """Pixels above a paint's rectangle whose lines' marks may reach into it (the deepest
        underline stacked yet, and the selected span's handles), kept in :attr:`_above`."""
        deepest = self._stacking.deepest
        self._above = (deepest, self._sunk(deepest) + MARK_OVERHANG)
        return self._above[1]

    def _sunk(self, depth: int) -> float:
        """Pixels an underline at ``depth`` reaches below its line's box (none, or some)."""
        if not self._spacing:
            self._line_spacing()
        return max(underline_bottom(depth) - self._descent, 0.0)

    # -- painting ---------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        """The marks of the spans in the exposed rectangle first, then the text on top."""
        self.painted_span_count = 0
        self._asked = []
        if not self._spans.empty or len(self._hits) or len(self._ghosts):
            rect = event.rect()
            stacking = self._stacking
            while True:  # from as high as the underlines of the lines above may reach down
                deepest = stacking.deepest
                above = self._above[1] if self._above[0] == deepest else self._reach_above()
                viewport = Viewport(self, rect.top() - above, rect.bottom(), self._shapes)
                shown, placed = self._place_blocks(viewport)
                painted = [piece for pieces in placed for piece in pieces]
                depths = self._stacked(placed) if painted else {}
                if stacking.deepest == deepest:  # (else a deeper one found: placed again)
                    break
            hits = self._visible(viewport, self._hits)
            ghosts = self._visible(viewport, self._ghosts)
            self.painted_span_count = len(shown) + len(hits) + len(ghosts)
            selected = self._selected if self._selected in shown else None
            lit = self.lit_spans & shown
            if painted or hits or ghosts or selected or lit:
                reach = viewport.lines_between(  # lines whose marks may reach the rectangle
                    rect.top() - above, rect.bottom() + MARK_OVERHANG)
                painter = QPainter(self.viewport())
                painter.setBrush(_NO_BRUSH)
                try:
                    self._paint_marks(painter, viewport, painted, depths, hits, selected, lit,
                                      reach)
                    for ghost in ghosts:
                        self._marks.ghost(painter, ghost, viewport.segments(*self._to_qt(ghost)),
                                          ghost.id == self._ghost)
                finally:
                    painter.end()
        super().paintEvent(event)

    def _place_blocks(self, viewport: Viewport,
                      ) -> tuple[frozenset[str], tuple[tuple[Placed, ...], ...]]:
        """The ids of the spans in the shown blocks, and the parts of them to paint, block by
        block; the shown blocks' layouts keep their shaping. The blocks of the paint before,
        no span in them changed since, are not walked again (a repaint of the same screen,
        the caret's blink, a hover: five calls into Qt a block)."""
        last = self._shown_blocks
        if last is not None and last[0] == viewport.qt_range:
            self._keep_shaping(last[3])
            return last[1], last[2]
        start, end = viewport.qt_range
        shown: set[str] = set()
        placed: list[tuple[Placed, ...]] = []
        blocks = []
        whole = True  # no long block's part
        for block in viewport.blocks():  # (measured by the viewport: no call into Qt)
            if block.band is not None:  # (a long block's)
                found = self._long_block_part(block.block, start, end)
                whole = False
            else:
                blocks.append((block.start, block.block))
                found = self._placed_blocks.get(block.start)
                if found is None:
                    found = self._place_block(block.start, block.end)
            shown |= found[0]
            placed.append(found[1])
        self._keep_shaping(blocks)
        result = frozenset(shown), tuple(placed)
        self._shown_blocks = (viewport.qt_range, *result, blocks) if whole else None
        return result

    def _stacked(self, placed: tuple[tuple[Placed, ...], ...]) -> dict[str, int]:
        """The stacking depths of the spans ``placed``, the same in any paint
        (:class:`Stacking`), looked for only when the spans placed or the depths kept differ
        from the last paint's: each block keeps its placed spans until a span in it changes,
        and a paint after a key press mostly shows the blocks of the paint before. Where
        their depths would take following back a chain of too many spans, the spans placed
        are stacked among themselves alone (a partial repaint may then stack them otherwise
        than a whole one)."""
        generation = self._stacking.generation
        if placed != self._depths[0] or generation != self._depths[1]:
            spans = {span.id: span for pieces in placed for span, _, _ in pieces}.values()
            depths = self._stacking.of(spans)
            if depths is None:
                depths = stack_depths(spans)
                self._stacking.deepest = max(self._stacking.deepest, *depths.values(), 0)
            self._depths = (placed, generation, depths)
        return self._depths[2]

    def _placed(self, start: int, end: int) -> tuple[list[SpanStyle], list[Placed]]:
        """The spans meeting Qt ``[start, end)``, and each piece of them in it, ordered by
        start."""
        spans = self._spans.overlapping(*self._offsets.range_from_qt(start, end))
        pieces = sorted(((span, *piece) for span in spans for piece in self._pieces(span)),
                        key=_second)
        return spans, [(span, max(a, start), min(b, end)) for span, a, b in pieces
                       if min(b, end) > max(a, start)]

    def _place_block(self, start: int, end: int,
                     ) -> tuple[frozenset[str], tuple[Placed, ...], int]:
        """The spans placed in the block of Qt positions ``[start, end]`` (``end``: its
        separator), kept (:attr:`_placed_blocks`)."""
        spans, placed = self._placed(start, end)
        found = self._placed_blocks[start] = (frozenset(span.id for span in spans),
                                              tuple(placed), end)
        insort(self._placed_starts, start)
        return found

    def _unplace(self, first: int, last: int) -> None:
        """Forget the spans placed in the blocks holding Qt positions ``first`` to ``last``."""
        starts, blocks = self._placed_starts, self._placed_blocks
        k = max(bisect_right(starts, first) - 1, 0)
        while k < len(starts) and starts[k] <= last:
            if blocks[starts[k]][2] >= first:
                del blocks[starts.pop(k)]
            else:
                k += 1

    def _keep_shaping(self, blocks: list[tuple[int, QTextBlock]]) -> None:
        """The layouts of ``blocks`` (being painted, by first position) keep their shaping:
        without it Qt shapes a block's text again for the text, for the caret, and for each
        mark's ends, at every paint. Past :data:`SHAPED_BLOCKS`, the blocks shown longest ago
        let theirs go (Qt frees it after a paint of a layout that keeps none)."""
        shaped = self._shaped
        for start, block in blocks:
            if start in shaped:
                del shaped[start]  # put back last: the latest shown
            else:
                block.layout().setCacheEnabled(True)
            shaped[start] = None
        while len(shaped) > max(SHAPED_BLOCKS, len(blocks)):
            start = next(iter(shaped))
            del shaped[start]
            layout = self.document().findBlock(start).layout()
            layout.setCacheEnabled(False)
            painter = QPainter(_SCRATCH)
            layout.draw(painter, QPointF(0, 0), [], QRectF(-2, -2, 1, 1))
            painter.end()

    def _keep_first_shaping(self, position: int, _removed: int, added: int) -> None:
        """A new text came in (Qt lays it out next): the layouts of the blocks at its top
        keep what the layout finds (the text's script runs, break points and shaping), which
        the first paint's marks and text then use; let go, Qt found it all again for them.
        As many blocks as the view has lines, of :data:`FIRST_SHAPED` positions at most, none
        longer than :data:`LONG_BLOCK` (its whole shaping would be kept, not what is shown)."""
        if not self._loading or not added:
            return
        block = self.document().findBlock(position)
        blocks = self.viewport().height() // max(self._line_spacing(), 1) + 1
        budget = FIRST_SHAPED
        while block.isValid() and len(self._shaped) < min(blocks, SHAPED_BLOCKS) and \
                block.length() <= budget and block.position() < position + added:
            block.layout().setCacheEnabled(True)
            self._shaped[block.position()] = None
            budget -= block.length()
            block = block.next()

    def _long_block_part(self, block: QTextBlock, start: int, end: int,
                         ) -> tuple[frozenset[str], tuple[Placed, ...]]:
        """The spans of a long block's part shown (Qt ``[start, end)``), read anew per paint,
        only where it is shown. Its layout keeps its shaping between paints (else Qt analyses
        the whole block's text again for the text and again for the caret, each paint)."""
        layout = block.layout()
        if not layout.cacheEnabled():
            layout.setCacheEnabled(True)
        start, end = max(start, block.position()), min(end, block.position() + block.length() - 1)
        spans, placed = self._placed(start, end)
        return frozenset(s.id for s in spans), tuple(placed)

    def _paint_marks(self, painter: QPainter, viewport: Viewport, painted: list[Placed],
                     depths: dict[str, int], hits: list[SpanStyle], selected: str | None,
                     lit: frozenset[str], reach: tuple[int, int]) -> None:
        """The marks of the spans ``painted`` (stacked among all of them at ``depths``) that
        reach the lines ``reach`` (Qt positions): the others' would all fall outside the
        rectangle painted, so their boxes are not measured (a span made repaints its two
        lines, and measuring the marks of every span of their paragraph cost three times
        drawing the few that show)."""
        marks = self._marks
        for hit in hits:
            marks.hits(painter, viewport.segments(*self._to_qt(hit)))
        low, high = reach
        spans: dict[str, SpanStyle] = {}
        segments: dict[str, list[Segment]] = {}
        for span, start, end in painted:
            spans[span.id] = span
            if start < high and end > low:
                segments[span.id] = []
        for span, start, end in painted:  # (every piece of a span reaching them: whole marks)
            if span.id in segments:
                segments[span.id] += viewport.segments(start, end)
        drawn = [span for span in spans.values() if span.id in segments]  # in their order
        for span in drawn:
            marks.fill(painter, span, segments[span.id], depths.get(span.id, 0))
        if lit:
            color = self.palette().highlight().color()
            for span_id in lit:
                span = self._spans.get(span_id)
                if span is not None and self._reaches(span, reach):
                    marks.lit(painter, self._outline(viewport, span, segments), color)
        first, last = viewport.qt_range  # (a span going on past them is cut there; one
        # begun on the separator before them, which has no box, is not: it begins with them)
        for span in drawn:
            if span.category in AREA:
                start, end = self._to_qt(span)
                cut = start < first - 1 or (start == first - 1 and
                                            self.document().characterAt(start) != _SEPARATOR)
                marks.line(painter, span, segments[span.id], depths.get(span.id, 0),
                           (cut, end > last))
            else:
                marks.line(painter, span, segments[span.id], depths.get(span.id, 0))
        chosen = self._spans.get(selected) if selected else None
        if chosen is not None and self._reaches(chosen, reach):
            marks.selected(painter, self._outline(viewport, chosen, segments),
                           self.palette().text().color())

    def _outline(self, viewport: Viewport, span: SpanStyle,
                 measured: dict[str, list[Segment]]) -> list[Segment]:
        """The segments of ``span`` on screen: those ``measured`` for its marks in this paint
        (a span of one range: its pieces in the blocks shown are its range there), else its
        pieces measured now (the selected span's outline measured its boxes again)."""
        found = None if span.fragments else measured.get(span.id)
        return found or [seg for piece in self._pieces(span) for seg in viewport.segments(*piece)]

    def _reaches(self, span: SpanStyle, reach: tuple[int, int]) -> bool:
        """Whether a piece of ``span`` meets the Qt range ``reach``."""
        return any(start < reach[1] and end > reach[0] for start, end in self._pieces(span))

    def _themed_marks(self) -> Marks:
        """Marks whose fills keep the palette's text readable over its base."""
        palette = self.palette()
        return Marks(palette.base().color().name(), palette.text().color().name())

    def _line_spacing(self) -> int:
        if not self._spacing:
            metrics = self.fontMetrics()  # (a spacing of 0, a broken font's, taken as 1)
            self._spacing, self._descent = max(metrics.lineSpacing(), 1), metrics.descent()
            self._past_next = 0
            while self._sunk(self._past_next) <= self._spacing:
                self._past_next += 1
        return self._spacing

    # -- events -----------------------------------------------------------------------------
    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.focusChanged.emit(True)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focusChanged.emit(False)

    def changeEvent(self, event: QEvent) -> None:
        """Another theme: marks made for its colours; another font: the lines measured, the
        line spacing and how far underlines reach go."""
        kind = event.type()
        if kind == QEvent.Type.PaletteChange:
            self._marks = self._themed_marks()
            self.viewport().update()
        elif kind == QEvent.Type.FontChange:
            self._shapes.clear()
            self._spacing, self._above = 0, (-1, 0.0)
        super().changeEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        kind = event.type()  # (each asking makes an enum: some microseconds a paint)
        if kind == QEvent.Type.Leave:
            self._hover(None)
        if kind == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def tooltip_at(self, point: QPoint) -> str:
        """Tooltip markup for the spans under ``point``: labels and tooltips, escaped so that
        whatever they hold shows literally, and cut short; "" when there is no span."""
        parts = []
        spans = self.spans_at_point(point)
        for span in spans:
            lines = [f"<b>{markup(span.label)}</b>"]
            links = "\n".join(self._link_line(span.id, link) for link in self.links.of(span.id))
            text = "\n".join(t for t in (span.tooltip, links) if t)
            lines += [html.escape(line) for line in clip(text, MESSAGE // len(spans)).splitlines()]
            parts.append("<br>".join(lines))
        return f"<p style='white-space:pre'>{'<hr>'.join(parts)}</p>" if parts else ""

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
            self._exact = bool(event.modifiers() & _EXACT)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton and event.modifiers() & _EXACT:
            self._exact = True
        if not event.buttons():
            self._hover(event.position().toPoint())
        super().mouseMoveEvent(event)

    def _hover(self, point: QPoint | None) -> None:
        """The span under viewport ``point`` (None: the mouse left) is in focus."""
        spans = self.spans_at_point(point) if point is not None and not self._spans.empty \
            else []
        hovered = spans[0].id if spans else None
        if hovered != self._hovered:
            self._hovered = hovered
            self._relight()

    def resizeEvent(self, event: QResizeEvent) -> None:
        width = self.lane.width_for(self.width())
        if self.viewportMargins().right() != width:  # before the text is laid out again
            self.setViewportMargins(0, 0, width, 0)
        super().resizeEvent(event)
        rect = self.viewport().geometry()
        self.lane.setGeometry(rect.right() + 1, rect.top(), width, rect.height())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        point = event.position().toPoint()
        if (
            event.button() == Qt.MouseButton.LeftButton
            and press is not None
            and (point - press).manhattanLength() < QApplication.startDragDistance()
            and not self.textCursor().hasSelection()
        ):
            self._click(point)

    def _click(self, point: QPoint) -> None:
        ids = [span.id for span in self.spans_at_point(point)]
        if not ids:
            self._set_selected(None)
            return
        chosen = ids[0]
        if self._selected in ids:  # clicking the stack again moves one span outwards
            chosen = ids[(ids.index(self._selected) + 1) % len(ids)]
        self._set_selected(chosen)
        self.spanClicked.emit(chosen)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc clears the text selection and the selected span; keyboard selection records Alt.
        Keys the view does not use (label hotkeys) are left to the window."""
        if event.key() == Qt.Key.Key_Escape:
            cursor = self.textCursor()
            if cursor.hasSelection() or self._selected is not None:
                cursor.clearSelection()
                self.setTextCursor(cursor)
                self._set_selected(None)
                return
        elif event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._exact = bool(event.modifiers() & _EXACT)
        super().keyPressEvent(event)


def _chains(ranges: Sequence[tuple[int, int]],
            shown: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The stretches that ``ranges`` and the ``shown`` ranges meeting or touching them, in
    a chain, cover: each of ``ranges`` lies in one of them."""
    merged: list[list[int]] = []
    for start, end in sorted([*ranges, *shown]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    starts = [m[0] for m in merged]
    wanted = {bisect_right(starts, start) - 1 for start, _ in ranges}
    return [(merged[k][0], merged[k][1]) for k in sorted(wanted)]


def _innermost_first(spans: Iterable[SpanStyle]) -> list[SpanStyle]:
    return sorted(spans, key=lambda s: (s.end - s.start, s.start, s.layer, s.id))
