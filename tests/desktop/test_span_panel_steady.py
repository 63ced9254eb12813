"""What the Span panel lays out and asks Qt at a key press: a span made after none raises the form
over the note and lays nothing out; a change of the form's
size still reaches what holds it; a relabel between labels sharing a page of attribute fields, and
its undo, ask Qt nothing of the page's rows or fields (what it needs was noted before); a change
of the shown span alone lists its links as they were."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget
from window_helpers import Events, open_document_window, open_window, select_words

from annotate.commands import AddRelation, CreateSpan, RemoveRelation, set_note
from annotate.model import AnnotatedDocument, Document, Relation, Span
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

REPORT = "The army denied that the convoy was ambushed near Kidal, a spokesman said."


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    win = open_document_window(qtbot, tmp_path, REPORT)
    yield win
    win.service.store.close()


def laid_out() -> None:
    """Deliver the layout requests posted, and those their delivery posts (each layout done
    asks its parent's), as the event loop would (a short wait may end before, under load)."""
    for _ in range(5):
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


def test_the_note_lowered_lays_nothing_out(qtbot):
    """The form raised over the note (each span made after none) asks neither the cover nor
    what holds it for a relayout (the note hidden did: Qt invalidates a parent's layout at
    each child hidden, though the note is no item of it)."""
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
        assert not cover.covered and cover.childAt(cover.rect().center()) is not cover.note
    assert asked == [0, 0]


def test_the_page_under_a_cover_still_tells_its_new_size(qtbot):
    """The note raised and lowered leaves the cover's layout as it was; a row added to the
    page still makes the cover and its holder grow."""
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
    labels, reached = [], []
    for key in (RELABEL, UNDO):
        press_counting(qtbot, window, key, asked)
        labels.append(inspector.span.label)
        reached.append([f for f in claim_fields if f.focusPolicy() != Qt.FocusPolicy.NoFocus])
    assert labels == ["DENIAL", "CLAIM"]
    assert reached == [claim_fields[:2], claim_fields]
    assert asked == Counter()


def test_a_span_deleted_and_made_tells_no_field_a_focus_policy(window, qtbot):
    """The note covering the form (each span deleted) puts the fields out of the focus's
    reach by giving each the note as its focus proxy, and takes the proxies back when a span
    is shown; no field is asked or told a focus policy (each policy told was read through two
    Python calls of the enum's, and the first cover asked each field its own). Tab passes the
    covered form by. Fails on 5cd36dc: each field's focus policy set at each create and
    delete (9 each)."""
    inspector = window.inspector
    note = inspector.empty
    select_words(window, "convoy")
    qtbot.keyClick(window.editor.view, *CREATE)
    qtbot.wait(1)
    fields = inspector._focusable()
    own = [field.focusPolicy() for field in fields]
    qtbot.keyClick(window.editor.view, *DELETE)  # each field covered (as at the start)
    qtbot.wait(1)
    asked: Counter[str] = Counter()
    seen = []
    for word in ("ambushed", "Kidal"):
        select_words(window, word)
        for key in (CREATE, DELETE):
            press_counting(qtbot, window, key, asked, QUERIES | {"setFocusPolicy"})
            seen.append((inspector.form_cover.covered, [f.focusProxy() is note for f in fields],
                         [f.focusPolicy() for f in fields] == own))
    assert asked == Counter()
    assert any(policy != Qt.FocusPolicy.NoFocus for policy in own)
    assert seen == [(False, [False] * len(fields), True), (True, [True] * len(fields), True)] * 2


def press_counting(qtbot, window, key: tuple, asked: Counter[str],
                   queries: frozenset[str] = QUERIES, modules: tuple[str, ...] = PANEL) -> None:
    """Press ``key`` in the text, counting in ``asked`` the calls of ``queries`` (methods of
    Qt's, or functions) the code of ``modules`` makes meanwhile."""
    def profile(frame, event: str, arg: object) -> None:
        if event in ("c_call", "call") and frame.f_back is not None:
            name = getattr(arg, "__name__", "") if event == "c_call" else frame.f_code.co_name
            caller = frame if event == "c_call" else frame.f_back
            if name in queries and caller.f_code.co_filename.endswith(modules):
                asked[name] += 1

    press_profiled(qtbot, window, key, profile)


def press_profiled(qtbot, window, key: tuple, profile: Callable[..., None]) -> None:
    """Press ``key`` in the text with ``profile`` as the interpreter's profile function."""
    sys.setprofile(profile)
    try:
        qtbot.keyClick(window.editor.view, *key)
    finally:
        sys.setprofile(None)
    qtbot.wait(1)


def counting(read: Counter[str], name: str, method: Callable[..., object]
             ) -> Callable[..., object]:
    """``method``, counting its calls in ``read[name]``."""
    def counted(*args: object) -> object:
        read[name] += 1
        return method(*args)
    return counted


def test_a_change_of_the_shown_span_alone_lists_its_links_as_they_were(qtbot, tmp_path: Path):
    """A note set on a linked claim, and its undo, change the claim alone: its links are
    neither read again nor listed anew (each change of the shown span read every link of its
    document); a link removed is."""
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(Document(
        "The army said forty fighters died. Rebel forces denied it.", "Linked"))])
    uid = store.list_documents()[0].uid
    claim, org = Span(uid, 14, 33, "CLAIM", "amina"), Span(uid, 4, 8, "ORG", "amina")
    relation = Relation("CLAIMED_BY", claim.id, org.id, "amina")
    for command in (CreateSpan(claim), CreateSpan(org), AddRelation(uid, relation)):
        store.apply(command, "amina")
    store.close()
    window = open_window(qtbot, path, tmp_path)
    service, inspector = window.service, window.inspector
    window.editor.select_span(claim.id)
    inspector.links.setCurrentRow(0)
    item, line = inspector.links.item(0), inspector.links.item(0).text()
    read: Counter[str] = Counter()
    for name in ("relations", "links_into"):
        setattr(service, name, counting(read, name, getattr(service, name)))
    service.apply(set_note(inspector._current(), "their own count"))
    service.undo()
    assert read == Counter()
    assert inspector.links.item(0) is item and item.text() == line
    assert inspector.links.currentRow() == 0 and inspector.remove_link.isEnabled()
    service.apply(RemoveRelation(uid, relation))
    assert read["relations"] >= 1 and inspector.links.count() == 0
    assert not inspector.remove_link.isEnabled()
    service.store.close()


def test_a_span_deleted_and_made_reaches_only_the_fields_tab_reaches(window, qtbot):
    """Covering the form and uncovering it gives and takes back a focus proxy to only the
    fields Tab may reach now (each field told cost a call into Qt, ~6 K instructions): not
    the span's text (the mouse alone gives it the focus, and the note
    takes the mouse), nor the link note and Remove link while they are off (no link)."""
    inspector = window.inspector
    told: list[object] = []
    for word in ("convoy", "ambushed"):
        select_words(window, word)
        for key in (CREATE, DELETE):
            def profile(frame, event: str, arg: object) -> None:
                if event == "c_call" and getattr(arg, "__name__", "") == "setFocusProxy" \
                        and frame.f_code.co_filename.endswith("cover.py"):
                    told.append(arg.__self__)  # type: ignore[union-attr]

            press_profiled(qtbot, window, key, profile)
    assert told and inspector.label in told and inspector.note in told
    assert not {id(inspector.text), id(inspector.link_note), id(inspector.remove_link)} & \
        {id(widget) for widget in told}


SHOWN_ASKS = frozenset({"currentIndex", "isReadOnly", "text", "count", "currentItem",
                        "replace", "__import__", "isHidden"})
"""What showing a span asked, of what the panel, the status bar and the document list had
told Qt themselves (a field's value and state, the links' list, whether the note over the form
is hidden), or made anew (a module imported, counts copied field by field)."""


def test_showing_a_span_asks_nothing_told_before(window, qtbot, monkeypatch):
    """A claim made, relabelled, its relabel undone and the claim deleted: the panel asks
    its fields neither their text nor their state, nor the links' list its rows (no link);
    nothing imports a module, and the counts of the status bar and the document list are
    made, not copied by ``dataclasses.replace`` (each some 3 to 16 K instructions of a
    press)."""
    import builtins

    def __import__(*args: object, plain=builtins.__import__) -> object:
        return plain(*args)

    monkeypatch.setattr(builtins, "__import__", __import__)
    modules = (*PANEL, "attribute_widgets.py", "choices.py", "statusbar.py", "documents.py")
    select_words(window, "convoy")
    for key in (CREATE, RELABEL, UNDO, DELETE):  # each page and picture made
        qtbot.keyClick(window.editor.view, *key)
        qtbot.wait(1)
    select_words(window, "ambushed")
    asked: Counter[str] = Counter()
    for key in (CREATE, RELABEL, UNDO, DELETE):
        press_counting(qtbot, window, key, asked, SHOWN_ASKS, modules)
    assert asked == Counter()


def test_offsets_of_one_shape_are_measured_once(window, qtbot):
    """The offsets of spans made at 25-31, 16-20 and 45-49 (digits as wide in the font) are
    measured once, to tell whether they fit their row: a text reaches as far as its shape
    (each span made measured its new offsets, ~68 K instructions); one of another shape is
    measured anew."""
    measured = []

    def profile(frame, event: str, arg: object) -> None:
        if event == "c_call" and getattr(arg, "__name__", "") == "horizontalAdvance" and \
                frame.f_code.co_filename.endswith("steady_label.py"):
            measured.append(arg)

    shown = []
    for word in ("convoy", "that", "near", "Kidal, a spokesman"):
        select_words(window, word)
        sys.setprofile(profile)
        try:
            qtbot.keyClick(window.editor.view, *CREATE)
            laid_out()  # (the label's relayout asked: where its text is measured)
        finally:
            sys.setprofile(None)
        shown.append(window.inspector.offsets.text())
        qtbot.keyClick(window.editor.view, *DELETE)
        qtbot.wait(1)
    assert shown[:3] == ["25–31  (6 characters)", "16–20  (4 characters)",
                         "45–49  (4 characters)"]
    assert len(measured) == 2  # (the first shape and the last)


def test_the_offsets_take_their_presses_in_their_own_handlers(window, qtbot):
    """A span made, its offsets shown and painted: no Python runs for the offsets' label but
    the setting of its text (an event filter watching for presses ran for each of its events,
    its paint among them, ~14 K instructions a create); a relabel and its undo leave the
    same text unset. Pressed, the label is still selectable (test_window_paints)."""
    called: Counter[str] = Counter()

    def profile(frame, event: str, arg: object) -> None:
        if event == "call" and frame.f_code.co_filename.endswith("press_selectable.py"):
            called[frame.f_code.co_name] += 1

    for word in ("convoy", "ambushed"):
        select_words(window, word)
        sys.setprofile(profile)
        try:
            for key in (CREATE, RELABEL, UNDO):
                qtbot.keyClick(window.editor.view, *key)
                qtbot.wait(20)  # (painted meanwhile)
        finally:
            sys.setprofile(None)
        qtbot.keyClick(window.editor.view, *DELETE)
        qtbot.wait(1)
    assert window.inspector.offsets.text() == "36–44  (8 characters)"
    assert called == Counter({"set_text": 6, "setText": 2})
