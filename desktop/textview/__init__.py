"""The centre text view: plain text with span marks painted for the visible blocks only."""

from desktop.textview.styles import SpanStyle, style_for
from desktop.textview.view import SpanTextView

__all__ = ["SpanStyle", "SpanTextView", "style_for"]
