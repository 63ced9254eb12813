"""Light and dark themes: the window follows the system's colour scheme unless one is chosen,
and the text over every label fill stays readable (WCAG contrast ratio >= 4.5) in both."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from window_helpers import open_window, select

from annotate.model import AnnotatedDocument, Document
from annotate.schema import OKABE_ITO, default_schema
from db.store import Store
from desktop.contrast import READABLE, contrast, over, rgb
from desktop.textview.paint import Marks
from desktop.textview.styles import NEUTRAL, SpanStyle
from desktop.theme import Theme, palette

pytestmark = pytest.mark.gui

EXTREMES = ("#FFFFFF", "#000000", "#FFFF00", "#00FFFF", "#808080", NEUTRAL)


def ground(scheme: str) -> tuple[str, str]:
    """(base, text) of the theme's palette, as #RRGGBB."""
    colors = palette(scheme)  # type: ignore[arg-type]
    return (colors.color(QPalette.ColorRole.Base).name(),
            colors.color(QPalette.ColorRole.Text).name())


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_over_every_label_fill_is_readable(qapp, scheme):
    base, text = ground(scheme)
    marks = Marks(base, text)
    colours = {label.color for label in default_schema().labels} | set(OKABE_ITO) | set(EXTREMES)
    for colour in sorted(colours):
        for category in ("claim", "denial"):
            fill = marks.area_fill(SpanStyle("s", 0, 1, "L", category, colour))
            shown = over(rgb(fill.name()), fill.alpha(), rgb(base))
            assert contrast(shown, rgb(text)) >= READABLE, (scheme, category, colour)
    hit = marks.hit_fill
    assert contrast(over(rgb(hit.name()), hit.alpha(), rgb(base)), rgb(text)) >= READABLE


def test_the_dark_palette_is_dark_and_readable(qapp):
    base, text = ground("dark")
    assert QColor(base).lightness() < 60
    assert contrast(rgb(base), rgb(text)) >= 7
    light_base, light_text = ground("light")
    assert contrast(rgb(light_base), rgb(light_text)) >= 7


@pytest.fixture
def dark(qapp, tmp_path: Path) -> Iterator[Theme]:
    settings = QSettings(str(tmp_path / "theme.ini"), QSettings.Format.IniFormat)
    settings.setValue("theme", "dark")
    before = QPalette(qapp.palette())
    theme = Theme(qapp, settings)
    yield theme
    theme.deleteLater()
    qapp.setPalette(before)


def painted_fill(window, start: int, end: int) -> QColor:
    """The colour most often painted over the characters [start, end) (the fill: the
    glyphs cover fewer pixels than the ground around them)."""
    view = window.editor.view
    cursor = view.textCursor()
    cursor.setPosition(start)
    left = view.cursorRect(cursor)
    cursor.setPosition(end)
    right = view.cursorRect(cursor)
    image = view.viewport().grab().toImage()
    box = QRect(left.left() + 2, left.top() + 3, right.left() - left.left() - 4,
                left.height() - 6)
    counts = Counter(image.pixel(x, y) for x in range(box.left(), box.right())
                     for y in range(box.top(), box.bottom()))
    return QColor.fromRgb(counts.most_common(1)[0][0])


def test_the_window_in_the_dark_theme_keeps_claims_readable(qtbot, tmp_path, dark):
    assert dark.scheme == "dark"
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(Document(
        "Twenty soldiers were killed.\nThe ministry denies it.\n", "Dark"))])
    store.close()
    window = open_window(qtbot, path, tmp_path)
    view = window.editor.view
    assert view.palette().color(QPalette.ColorRole.Base).lightness() < 60
    claim, denial = (0, 27), (29, 51)
    for key, (start, end) in ((Qt.Key.Key_C, claim), (Qt.Key.Key_D, denial)):
        select(window, start, end)
        qtbot.keyClick(view, key)
    window.editor.clear_selection()
    qtbot.wait(50)
    text = view.palette().color(QPalette.ColorRole.Text)
    for start, end in (claim, denial):
        fill = painted_fill(window, start, end)
        assert fill != view.palette().color(QPalette.ColorRole.Base)  # a fill is painted
        assert contrast(rgb(fill.name()), rgb(text.name())) >= READABLE
    dark.choose("light")  # a choice in the menu: the view follows at once
    qtbot.wait(50)
    fill = painted_fill(window, *claim)
    assert QColor(fill).lightness() > 150
    assert contrast(rgb(fill.name()), rgb(
        view.palette().color(QPalette.ColorRole.Text).name())) >= READABLE
    window.service.store.close()


def test_the_system_scheme_is_followed_unless_a_theme_is_chosen(qapp, tmp_path, monkeypatch):
    import desktop.theme as theme_module

    settings = QSettings(str(tmp_path / "theme.ini"), QSettings.Format.IniFormat)
    before = QPalette(qapp.palette())
    system = ["dark"]
    monkeypatch.setattr(theme_module, "system_scheme", lambda: system[0])
    theme = Theme(qapp, settings)
    try:
        assert (theme.choice, theme.scheme) == ("system", "dark")
        system[0] = "light"
        theme._system_changed(Qt.ColorScheme.Light)
        assert theme.scheme == "light"
        theme.choose("dark")
        theme._system_changed(Qt.ColorScheme.Light)
        assert theme.scheme == "dark"  # chosen: the system's change is not followed
        assert settings.value("theme") == "dark"
        assert QApplication.palette().color(QPalette.ColorRole.Base).lightness() < 60
    finally:
        theme.deleteLater()
        qapp.setPalette(before)
