"""A link's note is edited in the Span panel, under its Links list: typed, stored with the
relation (same id) as one step, undone as one, and shown again when the link is chosen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from window_helpers import open_window

from annotate.commands import AddRelation, CreateSpan
from annotate.model import AnnotatedDocument, Document, Relation, Span
from db.store import Store

pytestmark = pytest.mark.gui
TEXT = "The army said forty fighters died. Rebel forces denied it."


@pytest.fixture
def linked(tmp_path: Path):
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(Document(TEXT, "Linked"))])
    uid = store.list_documents()[0].uid
    claim = Span(uid, 14, 33, "CLAIM", "amina")
    org = Span(uid, 4, 8, "ORG", "amina")
    relation = Relation("CLAIMED_BY", claim.id, org.id, "amina")
    for command in (CreateSpan(claim), CreateSpan(org), AddRelation(uid, relation)):
        store.apply(command, "amina")
    store.close()
    return path, claim, relation


def stored_note(window, relation: Relation) -> str | None:
    return next(r.note for r in window.service.store.relations(window.service.current)
                if r.id == relation.id)


def test_a_links_note_is_typed_stored_and_undone(qtbot, tmp_path, linked):
    path, claim, relation = linked
    window = open_window(qtbot, path, tmp_path)
    window.editor.select_span(claim.id)
    inspector = window.inspector
    assert inspector.links.count() == 1
    assert not inspector.link_note.isEnabled()  # no link chosen yet
    inspector.links.setCurrentRow(0)
    assert inspector.link_note.isEnabled() and inspector.link_note.text() == ""
    inspector.link_note.setFocus()
    qtbot.keyClicks(inspector.link_note, "their own count")
    assert stored_note(window, relation) is None  # not stored while typing
    assert [s.label for s in window.editor.spans()] == ["ORG", "CLAIM"]  # keys never relabel
    qtbot.keyClick(inspector.link_note, Qt.Key.Key_Return)
    assert stored_note(window, relation) == "their own count"
    assert inspector.links.currentRow() == 0  # still chosen, note still shown
    assert inspector.link_note.text() == "their own count"
    window.service.undo()
    assert stored_note(window, relation) is None
    assert inspector.link_note.text() == ""
    window.service.redo()
    assert stored_note(window, relation) == "their own count"
    window.service.store.close()


def test_tab_walks_from_the_links_to_the_link_note(qtbot, tmp_path, linked):
    path, claim, _relation = linked
    window = open_window(qtbot, path, tmp_path)
    window.editor.select_span(claim.id)
    inspector = window.inspector
    inspector.links.setCurrentRow(0)
    inspector.links.setFocus()
    qtbot.keyClick(inspector.links, Qt.Key.Key_Tab)
    assert inspector.link_note.hasFocus()
    window.service.store.close()
