"""What the Span panel lays out at a key press: a span made after none hides the note over the
form and lays nothing out (the note is no item of any layout); a change of the form's size
still reaches the panel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget
from window_helpers import Events, open_window, select_words

from annotate.model import AnnotatedDocument, Document
from db.store import Store
from desktop.caption import Caption
from desktop.cover import Cover
from desktop.main_window import MainWindow

pytestmark = pytest.mark.gui

CREATE = (Qt.Key.Key_C, Qt.KeyboardModifier.NoModifier)
DELETE = (Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier)


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(Document(
        "The army denied that the convoy was ambushed near Kidal, a spokesman said.", "Report"))])
    store.close()
    win = open_window(qtbot, path, tmp_path)
    yield win
    win.service.store.close()


def panel_and_above(window: MainWindow) -> list[QWidget]:
    """The note's cover and the widgets above it inside the panel's scroll area (what the
    cover's relayout reaches: the panel, the scroll area's viewport)."""
    widgets: list[QWidget] = []
    widget: QWidget | None = window.inspector.form_cover
    while widget is not None and widget is not window.inspector:
        widgets.append(widget)
        widget = widget.parentWidget()
    return widgets


def test_a_span_made_after_none_lays_out_nothing_above_the_form(window, qtbot):
    """Each create after a delete hides the note: the cover, the panel and the scroll area's
    viewport are asked for no relayout (each was, each time)."""
    inspector = window.inspector
    select_words(window, "convoy")
    for key in (CREATE, DELETE):  # the claim's page of fields made
        qtbot.keyClick(window.editor.view, *key)
        qtbot.wait(1)
    requests = Events(QEvent.Type.LayoutRequest, panel_and_above(window))
    asked: list[int] = []
    for words in ("ambushed", "spokesman"):
        select_words(window, words)
        requests.count.clear()
        qtbot.keyClick(window.editor.view, *CREATE)
        qtbot.wait(1)
        asked.append(requests.total)
        assert inspector.span is not None and not inspector.empty.isVisible()
        qtbot.keyClick(window.editor.view, *DELETE)
        qtbot.wait(1)
        assert inspector.span is None and inspector.empty.isVisible()
    assert asked == [0, 0]


def test_the_page_under_a_cover_still_tells_its_new_size(qtbot):
    """The note shown and hidden leaves the cover's layout as it was; a row added to the page
    still makes the cover and its holder grow."""
    holder = QWidget()
    qtbot.addWidget(holder)
    page = QWidget()
    rows = QVBoxLayout(page)
    rows.addWidget(QLabel("first"))
    cover = Cover(page, Caption("nothing"), lambda: [])
    QVBoxLayout(holder).addWidget(cover)
    with qtbot.waitExposed(holder):
        holder.show()
    for covered in (True, False, True):
        cover.cover(covered)
        qtbot.wait(1)
        assert cover.note.geometry() == cover.rect()
    before = cover.sizeHint().height()
    rows.addWidget(QLabel("second"))
    qtbot.waitUntil(lambda: cover.height() > before and holder.minimumSizeHint().height() > before)
    assert cover.note.geometry() == cover.rect()

