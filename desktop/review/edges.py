"""A boundary disagreement made visible: each annotator's span shown within the stretch all
of the item's spans cover, both of its edges kept in view however long it is, and the edges
another annotator puts elsewhere marked (plain text for the cell and its accessible text,
HTML for the :class:`RichTextDelegate` that paints it)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from annotate.model import Span
from desktop.plain import ELLIPSIS, line

CONTEXT = 24
"""Characters kept on each side of an edge: a long span shows its start, "…", its end."""
NARROWER = (CONTEXT, 12, 6, 3)
"""The contexts a cell's HTML is made with, widest first: the delegate paints the widest that
fits the column, so that both edges stay in view in a narrow one."""
EDGES = {"same": ("[", "]"), "differs": ("⟦", "⟧")}
"""Plain-text marks of a span's start and end: ⟦ ⟧ where another annotator's edge differs."""
DIFFERS = "#D55E00"
RICH_ROLE = Qt.ItemDataRole.UserRole + 7
"""The item data role holding a cell's HTML, a list of versions widest first (painted by
:class:`RichTextDelegate`)."""

Part = Literal["outside", "inside", "start", "end", "start_differs", "end_differs"]


@dataclass(frozen=True, slots=True)
class Piece:
    text: str
    part: Part


def _before(text: str, first: int, start: int, keep: int) -> str:
    """The text of ``[first, start)``, only its last ``keep`` characters after "…"."""
    return text[first:start] if start - first <= keep else ELLIPSIS + text[start - keep:start]


def _after(text: str, end: int, last: int, keep: int) -> str:
    """The text of ``[end, last)``, only its first ``keep`` characters before "…"."""
    return text[end:last] if last - end <= keep else text[end:end + keep] + ELLIPSIS


def edge_pieces(span: Span, spans: Sequence[Span], text: str,
                context: int = CONTEXT) -> list[Piece]:
    """``span`` within the stretch ``spans`` (the item's, ``span`` among them) cover: the
    text before it and after it in that stretch, its edges, and its own text (its middle cut
    when longer than twice ``context``). No more than a few ``context`` characters of
    ``text`` are read, however long the spans."""
    first, last = min(s.start for s in spans), max(s.end for s in spans)
    start_differs = any(s.start != span.start for s in spans)
    end_differs = any(s.end != span.end for s in spans)
    if span.end - span.start > 2 * context + 1:
        inside = (f"{text[span.start:span.start + context]} {ELLIPSIS} "
                  f"{text[span.end - context:span.end]}")
    else:
        inside = text[span.start:span.end]
    pieces = [
        Piece(line(_before(text, first, span.start, context)), "outside"),
        Piece(EDGES["differs" if start_differs else "same"][0],
              "start_differs" if start_differs else "start"),
        Piece(line(inside), "inside"),
        Piece(EDGES["differs" if end_differs else "same"][1],
              "end_differs" if end_differs else "end"),
        Piece(line(_after(text, span.end, last, context)), "outside"),
    ]
    return [p for p in pieces if p.text]


def plain(pieces: Sequence[Piece]) -> str:
    return "".join(p.text for p in pieces)


STYLE = f".outside {{ color: gray; }} .differs {{ color: {DIFFERS}; background-color: #FFE8D6; }}"
"""How :func:`rich`'s classes look: text outside the span greyed, a differing edge in vermilion
on a light ground."""
SELECTED_STYLE = STYLE.replace("gray", "#E8E8E8")
"""The same on a selected row's dark ground (the grey would not read there)."""


def rich(pieces: Sequence[Piece], prefix: str = "") -> str:
    """HTML of ``pieces`` (styled by :data:`STYLE`): the span's own text underlined, its
    edges bold."""
    out = [html.escape(prefix)]
    for piece in pieces:
        escaped = html.escape(piece.text)
        if piece.part == "outside":
            out.append(f'<span class="outside">{escaped}</span>')
        elif piece.part == "inside":
            out.append(f"<u>{escaped}</u>")
        elif piece.part.endswith("differs"):
            out.append(f'<b class="differs">{escaped}</b>')
        else:
            out.append(f"<b>{escaped}</b>")
    return "".join(out)


class RichTextDelegate(QStyledItemDelegate):
    """Paints a cell's :data:`RICH_ROLE` HTML when it has one (else as usual): the first of
    its versions that fits the cell's width, else the last. Its size is that of the cell's plain
    text, the widest version's characters: measuring HTML for every row would cost a text
    layout per cell of a long table."""

    @staticmethod
    def _document(option: QStyleOptionViewItem, source: str, selected: bool) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(2)
        document.setDefaultStyleSheet(SELECTED_STYLE if selected else STYLE)
        document.setHtml(source)
        return document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        versions = index.data(RICH_ROLE)
        if not versions:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter,
                              option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        for source in versions:
            document = self._document(option, source, selected)
            if document.idealWidth() <= option.rect.width():
                break
        context = QAbstractTextDocumentLayout.PaintContext()
        if selected:
            context.palette.setColor(QPalette.ColorRole.Text,
                                     option.palette.color(QPalette.ColorRole.HighlightedText))
        painter.save()
        painter.translate(option.rect.topLeft())
        painter.setClipRect(option.rect.translated(-option.rect.topLeft()))
        document.documentLayout().draw(painter, context)
        painter.restore()
