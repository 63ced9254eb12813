"""WCAG 2 contrast between colours, and how strong a translucent label fill may be so that the
text drawn over it stays readable (a contrast ratio of at least :data:`READABLE`)."""

from __future__ import annotations

from functools import cache

READABLE = 4.5
"""WCAG 2 level AA for body text."""
Rgb = tuple[int, int, int]


def rgb(hex_color: str) -> Rgb:
    """``"#RRGGBB"`` as (r, g, b), each 0..255."""
    value = hex_color.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"not a #RRGGBB colour: {hex_color!r}")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def luminance(color: Rgb) -> float:
    """WCAG relative luminance of an sRGB colour."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: Rgb, b: Rgb) -> float:
    """WCAG contrast ratio of two colours, 1 (none) to 21 (black on white)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def over(color: Rgb, alpha: int, base: Rgb) -> Rgb:
    """``color`` at ``alpha`` (0..255) painted over the opaque ``base``."""
    return tuple(round((c * alpha + b * (255 - alpha)) / 255)  # type: ignore[return-value]
                 for c, b in zip(color, base, strict=True))


def readable_alpha(color: str, alpha: int, base: str, text: str) -> int:
    """The strongest alpha, at most ``alpha``, at which ``color`` over ``base`` keeps ``text``
    readable over it (0 when even the bare base does not)."""
    fill, ground, ink = rgb(color), rgb(base), rgb(text)
    while alpha > 0 and contrast(over(fill, alpha, ground), ink) < READABLE:
        alpha -= 1
    return alpha


GRAPHIC = 3.0
"""WCAG 2 contrast for lines and marks that are not text."""


@cache  # (asked of each link drawn, at each paint of the lane)
def visible(color: str, base: str, fallback: str) -> str:
    """``color`` when a line of it stands out on ``base`` (:data:`GRAPHIC`), else ``fallback``
    (the theme's text colour: black links on a dark base are drawn in it)."""
    return color if contrast(rgb(color), rgb(base)) >= GRAPHIC else fallback
