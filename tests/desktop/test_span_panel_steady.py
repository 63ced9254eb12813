"""What the Span panel lays out and asks Qt at a key press: a span made after none hides the note
over the form and lays nothing out (the note is no item of any layout); a change of the form's
size still reaches what holds it; a relabel between labels sharing a page of attribute fields, and
its undo, ask Qt nothing of the page's rows or fields (what it needs was noted before)."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget
from window_helpers import Events, open_window, select_words

from annotate.model import AnnotatedDocument, Document
from db.store import Store
from desktop.caption import Caption
from desktop.cover import Cover
from desktop.main_window import MainWindow

pytestmark = pytest.mark.gui

CREATE = (Qt.Key.Key_C, Qt.KeyboardModifier.NoModifier)
RELABEL = (Qt.Key.Key_D, Qt.KeyboardModifier.NoModifier)
UNDO = (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
DELETE = (Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier)
QUERIES = frozenset({"focusPolicy", "itemAt", "geometry", "width", "height"})
"""What the panel asked Qt of a page's fields and rows to cover some of them."""
PANEL = ("inspector.py", "attribute_page.py", "cover.py")
"""The Span panel's modules (those asking)."""


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


def laid_out() -> None:
    """Deliver the layout requests posted, and those their delivery posts (each layout done
    asks its parent's), as the event loop would (a short wait may end before, under load)."""
    for _ in range(5):
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


def test_the_note_hidden_lays_nothing_out(qtbot):
    """The note over the form hidden (each span made after none) asks neither the cover nor
    what holds it for a relayout (Qt invalidates a parent's layout at each child hidden,
    though the note is no item of it: the cover, the panel and the scroll area were laid out
    again at each create after a delete)."""
    holder = QWidget()
    qtbot.addWidget(holder)
    page = QWidget()
    QVBoxLayout(page).addWidget(QLabel("a field"))
    cover = Cover(page, Caption("nothing"), lambda: [])
    QVBoxLayout(holder).addWidget(cover)
    with qtbot.waitExposed(holder):
        holder.show()
    requests = Events(QEvent.Type.LayoutRequest, [cover, holder, page])
    asked = []
    for _ in range(2):
        cover.cover(True)
        laid_out()
        requests.count.clear()
        cover.cover(False)
        laid_out()
        asked.append(requests.total)
        assert not cover.covered and not cover.note.isVisible()
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


def test_a_relabel_and_its_undo_ask_nothing_of_the_shared_page(window, qtbot):
    """A CLAIM made a DENIAL (its first two attributes: the rows past them covered) and back:
    the fields' focus policies and the rows' places are known, not asked of Qt (each relabel
    and undo asked each covered field its focus policy and the layout for the first one's
    row and its geometry); the DENIAL's fields alone take the focus, then the CLAIM's."""
    inspector = window.inspector
    select_words(window, "convoy")
    for key in (CREATE, RELABEL, UNDO, DELETE):  # the claim's page of fields made
        qtbot.keyClick(window.editor.view, *key)
        qtbot.wait(1)
    select_words(window, "ambushed")
    qtbot.keyClick(window.editor.view, *CREATE)
    qtbot.wait(1)
    claim_fields = [editor.widget for editor in inspector._editors.values()]
    asked: Counter[str] = Counter()

    def profile(frame, event: str, arg: object) -> None:
        if event == "c_call" and getattr(arg, "__name__", "") in QUERIES and \
                frame.f_code.co_filename.endswith(PANEL):
            asked[arg.__name__] += 1  # type: ignore[union-attr]

    labels, reached = [], []
    for key in (RELABEL, UNDO):
        sys.setprofile(profile)
        try:
            qtbot.keyClick(window.editor.view, *key)
        finally:
            sys.setprofile(None)
        qtbot.wait(1)
        labels.append(inspector.span.label)
        reached.append([f for f in claim_fields if f.focusPolicy() != Qt.FocusPolicy.NoFocus])
    assert labels == ["DENIAL", "CLAIM"]
    assert reached == [claim_fields[:2], claim_fields]
    assert asked == Counter()

