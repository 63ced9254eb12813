"""The centre text view: plain text with span marks painted for the visible blocks only."""

from desktop.textview.styles import LinkStyle, SpanStyle, link_style_for, style_for
from desktop.textview.view import SpanTextView

__all__ = ["LinkStyle", "SpanStyle", "SpanTextView", "link_style_for", "style_for"]
