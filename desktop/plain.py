"""Untrusted text (titles, document text, label descriptions, paths) shown as plain text in
places Qt would otherwise guess rich text for, such as tooltips."""

from __future__ import annotations

import html


def tooltip(text: str) -> str:
    """A tooltip that shows ``text`` literally, line breaks kept."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>" if text else ""
