"""Links across documents in the real window: mark a claim as link target, link a denial of
another document to it (keys in, the store out), the inspector lists the link on both spans and
opening it goes to the other document at its span; the ledger's claim menu links too."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from window_helpers import open_window

from annotate.commands import UpdateSpan
from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store
from desktop.inspector import HOME_ROLE

pytestmark = pytest.mark.gui

WIRE = Document("The CSP said 84 Wagner fighters were killed at Tinzaouaten.", "Wire report")
ARMY = Document("The army denied that 84 Wagner fighters died there.", "Army statement")


@pytest.fixture
def window(qtbot, tmp_path: Path):
    path = tmp_path / "across.sqlite"
    store = Store.open(path)
    store.import_documents([
        AnnotatedDocument(WIRE, (Span(WIRE.uid, 0, 43, "CLAIM", "amina", "claim"),)),
        AnnotatedDocument(ARMY, (Span(ARMY.uid, 0, 50, "DENIAL", "amina", "denial"),)),
    ])
    store.close()
    win = open_window(qtbot, path, tmp_path)
    yield win
    win.service.store.close()


def _show(window, uid: str, span_id: str) -> None:
    window.service.open_document(uid)
    window.service.hub.spanRequested.emit(span_id)
    assert window.editor.view.selected_span() == span_id


def test_mark_then_link_from_another_document_makes_a_journaled_link(window, qtbot):
    _show(window, WIRE.uid, "claim")
    qtbot.keyClick(window.editor.view, Qt.Key.Key_L, Qt.KeyboardModifier.ShiftModifier)
    _show(window, ARMY.uid, "denial")
    window.editor.view.setFocus()
    qtbot.keyClick(window.editor.view, Qt.Key.Key_L,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    (link,) = window.service.store.relations(ARMY.uid)
    assert (link.type, link.source, link.target, link.target_document) == (
        "DENIES", "denial", "claim", WIRE.uid)
    assert window.service.store.history()[0].op == "add_relation"
    # the denial's inspector lists it with the other document; opening it goes there
    links = window.inspector.links
    assert links.count() == 1 and "Wire report" in links.item(0).text()
    window.inspector._go_to_link(links.item(0))
    assert window.service.current == WIRE.uid
    assert window.editor.view.selected_span() == "claim"
    # the claim's inspector lists the link coming from the other document
    assert links.count() == 1 and "Army statement" in links.item(0).text()
    assert links.item(0).data(HOME_ROLE) == ARMY.uid
    window.inspector._go_to_link(links.item(0))
    assert (window.service.current, window.editor.view.selected_span()) == (ARMY.uid, "denial")
    window.service.undo()
    assert window.service.store.relations(ARMY.uid) == []


def test_linking_without_a_marked_span_says_what_to_do(window, qtbot):
    said = []
    window.service.hub.message.connect(said.append)
    _show(window, ARMY.uid, "denial")
    assert window.editor.link_to_marked() is None
    assert said[-1].startswith("mark a span as link target first")
    assert window.service.store.relations(ARMY.uid) == []


def test_the_ledger_links_the_selected_span_to_a_claim(window):
    _show(window, ARMY.uid, "denial")
    assert window.ledger.link_to is not None
    window.ledger.link_to("claim")  # what its claim menu's action does
    (link,) = window.service.store.relations(ARMY.uid)
    assert (link.type, link.target_document) == ("DENIES", WIRE.uid)


def test_showing_a_span_linked_across_documents_again_reads_nothing_until_a_change(
        window, monkeypatch):
    """The Span panel keeps what a link's line shows of its end in another document (label,
    words, title): shown again it reads neither that document nor its span; a change in that
    document (the far span made shorter) is shown at once."""
    _show(window, WIRE.uid, "claim")
    window.editor.mark_target()
    _show(window, ARMY.uid, "denial")
    assert window.editor.link_to_marked() is not None
    links = window.inspector.links
    assert links.count() == 1 and "CLAIM “The CSP said" in links.item(0).text()
    reads = []
    for name in ("document", "span", "document_views"):
        real = getattr(Store, name)
        monkeypatch.setattr(Store, name, lambda self, *args, _real=real, _name=name: (
            reads.append(_name), _real(self, *args))[1])
    for _ in range(5):
        window.inspector.show_span("")
        window.inspector.show_span("denial")
    assert reads == [] and "Wire report" in links.item(0).text()
    claim = window.service.store.span("claim")
    assert window.service.apply(UpdateSpan(claim, replace(claim, start=4))) is not None
    window.inspector.show_span("")
    window.inspector.show_span("denial")
    assert "CLAIM “CSP said" in links.item(0).text() and "Wire report" in links.item(0).text()
