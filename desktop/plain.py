"""Text from data (titles, names, labels, notes, attribute values, metadata, paths, messages
that quote them) made safe to show: never taken for markup, never a mnemonic, never long enough
to stall or crash Qt's layout, and unable to turn the text around it right to left.

One helper per kind of place: :func:`line` for one-line plain captions (labels, cells, combo
items, window titles, status messages), :func:`mnemonic` for texts where ``&`` marks a shortcut
(actions, menus, buttons), :func:`markup` for places that take HTML (pyqtgraph legends, axis
labels and titles), :func:`tooltip` for tooltips, :func:`message` for message boxes,
:func:`plain_label` for a label whose text may quote data."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

LINE = 160
"""Most characters of a one-line caption; a longer text is cut and ends in "…"."""
NAME = 32
"""Most characters of a name on a widget as wide as its text (a button, a combo box, a form
label): a longer name would widen the window past the screen."""
MESSAGE = 2000
"""Most characters of a tooltip or a message box."""
EDITABLE = 10_000
"""Most characters shown in a text field: Qt lays out an unbroken run of characters in time
that grows with the square of its length (100,000 take seconds), so a longer value is shown
cut, read-only."""
ELLIPSIS = "…"
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Embeddings, overrides and isolates: a data string holding one is isolated (FSI … PDI) so
it cannot reorder the text shown after it."""
_BREAKS = {c: " " for c in (*range(0x20), 0x7F, 0x85, 0x2028, 0x2029)}
"""Line breaks, tabs and other control characters, each shown as one space on one line.
Neither these nor :data:`_BIDI` are printable (``str.isprintable``): a printable text, as
most are, is shown as it is, not looked through character by character for them (a
document opened quotes each of its spans' texts in the Spans table)."""


def too_long(length: int) -> str:
    """Why a value of ``length`` characters is shown cut and read-only."""
    return f"{length:,} characters: too long to edit here"


def clip(text: str, limit: int = MESSAGE) -> str:
    """``text`` cut to at most ``limit`` characters, the cut marked by "…", and isolated
    when it holds bidi controls; otherwise unchanged (line breaks kept)."""
    if len(text) > limit:
        text = text[: limit - 1] + ELLIPSIS
    if not text.isprintable() and _BIDI.intersection(text):
        text = f"\u2068{text}\u2069"
    return text


def line(text: str, limit: int = LINE) -> str:
    """``text`` on one line (control characters as spaces) and at most ``limit`` characters."""
    text = text[: limit + 1]
    return clip(text if text.isprintable() else text.translate(_BREAKS), limit)


def words(text: str, limit: int = LINE) -> str:
    """An excerpt of ``text`` (a span's text) on one line, runs of white space as one space."""
    return line(" ".join(text[: 4 * limit].split()), limit)


def mnemonic(text: str, limit: int = LINE) -> str:
    """:func:`line` for an action, menu or button, whose ``&`` would mark a shortcut key."""
    return line(text, limit).replace("&", "&&")


def markup(text: str, limit: int = LINE) -> str:
    """:func:`line`, escaped for a place that renders HTML (pyqtgraph labels and legends)."""
    return html.escape(line(text, limit))


def message(text: str) -> str:
    """Plain text for a message box: line breaks kept, at most :data:`MESSAGE` characters."""
    return clip(text)


def tooltip(text: str) -> str:
    """A tooltip that shows ``text`` literally, line breaks kept, at most :data:`MESSAGE`
    characters."""
    return f"<p style='white-space:pre-wrap'>{html.escape(clip(text))}</p>" if text else ""


def plain_label(text: str = "") -> QLabel:
    """A label that shows ``text`` (and whatever is set later) literally, selectable."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
