"""Relation types are edited in the schema dialog: added with the labels they join, renamed
(their links follow), removed when no link uses them (else what uses them is named), all as
the one journaled schema change, undone as one."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from window_helpers import open_window

from annotate.commands import AddRelation, CreateSpan
from annotate.history import describe
from annotate.model import AnnotatedDocument, Document, Relation, Span
from annotate.schema import RelationType
from db.store import Store
from desktop.schema_dialog import SchemaDialog

pytestmark = pytest.mark.gui
TEXT = "The army said forty fighters died. Rebel forces denied it."


@pytest.fixture
def window(qtbot, tmp_path: Path):
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(Document(TEXT, "Linked"))])
    uid = store.list_documents()[0].uid
    claim, org = Span(uid, 14, 33, "CLAIM", "amina"), Span(uid, 4, 8, "ORG", "amina")
    for command in (CreateSpan(claim), CreateSpan(org),
                    AddRelation(uid, Relation("CLAIMED_BY", claim.id, org.id, "amina"))):
        store.apply(command, "amina")
    store.close()
    win = open_window(qtbot, path, tmp_path)
    yield win
    win.service.store.close()


def relation_page(window, qtbot) -> SchemaDialog:
    dialog = SchemaDialog(window.service, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.pages.setCurrentWidget(dialog.relations)
    return dialog


def choose(dialog: SchemaDialog, name: str) -> None:
    table = dialog.relations.table
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == name)
    table.setCurrentCell(row, 0)


def tick(ends, *names: str) -> None:
    for i in range(ends.count()):
        if ends.item(i).text() in names:
            ends.item(i).setCheckState(Qt.CheckState.Checked)


def stored_types(window) -> list[str]:
    return [r.type for r in window.service.store.relations(window.service.current)]


def test_a_type_is_added_with_its_labels_and_undone_as_one_step(window, qtbot):
    dialog = relation_page(window, qtbot)
    qtbot.mouseClick(dialog.relations.add, Qt.MouseButton.LeftButton)
    table = dialog.relations.table
    table.item(table.currentRow(), 0).setText("SOURCED_FROM")
    tick(dialog.relations.sources, "CLAIM")
    tick(dialog.relations.targets, "ORG", "PERSON")
    assert table.item(table.currentRow(), 1).text() == "CLAIM"
    assert dialog.save()
    assert window.service.schema().relation_type("SOURCED_FROM") == \
        RelationType("SOURCED_FROM", ("CLAIM",), ("PERSON", "ORG"))
    assert window.service.undo_schema()
    assert window.service.schema().relation_type("SOURCED_FROM") is None


def test_a_renamed_type_keeps_its_links_and_the_history_says_so(window, qtbot):
    before = window.service.store.relations(window.service.current)
    dialog = relation_page(window, qtbot)
    choose(dialog, "CLAIMED_BY")
    assert dialog.relations.use.text() == "1 link uses it (amina 1) in 1 document."
    table = dialog.relations.table
    table.item(table.currentRow(), 0).setText("ATTRIBUTED_TO")
    assert dialog.save()
    after = window.service.store.relations(window.service.current)
    assert [(r.id, r.type) for r in after] == [(before[0].id, "ATTRIBUTED_TO")]
    assert window.service.schema().relation_type("CLAIMED_BY") is None
    entry = window.service.history(window.service.annotator, limit=1)[0]
    assert "relation types renamed: CLAIMED_BY → ATTRIBUTED_TO" in describe(*entry.step)
    assert window.service.undo_schema()
    assert stored_types(window) == ["CLAIMED_BY"]


def test_a_type_in_use_is_not_removed_and_what_uses_it_is_named(window, qtbot):
    dialog = relation_page(window, qtbot)
    choose(dialog, "CLAIMED_BY")
    qtbot.mouseClick(dialog.relations.remove, Qt.MouseButton.LeftButton)
    assert "CLAIMED_BY cannot be removed: 1 link uses it (amina 1) in 1 document." in \
        dialog.relations.refusal.text()
    choose(dialog, "DENIES")  # no link uses it
    qtbot.mouseClick(dialog.relations.remove, Qt.MouseButton.LeftButton)
    assert dialog.save()
    names = [r.name for r in window.service.schema().relations]
    assert "DENIES" not in names and "CLAIMED_BY" in names
    assert stored_types(window) == ["CLAIMED_BY"]


def test_ends_follow_the_labels_renamed_and_removed_on_the_first_page(window, qtbot):
    dialog = relation_page(window, qtbot)
    qtbot.mouseClick(dialog.relations.add, Qt.MouseButton.LeftButton)
    tick(dialog.relations.targets, "DATE")  # limited to one label ...
    dialog.pages.setCurrentIndex(0)
    dialog.list.setCurrentRow(0)  # CLAIM
    dialog.name.setText("ASSERTION")
    date = next(i for i, d in enumerate(dialog.drafts) if d.label.name == "DATE")
    dialog.list.setCurrentRow(date)
    dialog.remove_label()  # ... which goes
    dialog.pages.setCurrentWidget(dialog.relations)
    choose(dialog, "CLAIMED_BY")
    assert dialog.relations.table.item(dialog.relations.table.currentRow(), 1).text() == \
        "ASSERTION"
    assert not dialog.save()
    assert "would end at no label" in dialog.error.text()
    choose(dialog, "RELATION_1")
    qtbot.mouseClick(dialog.relations.remove, Qt.MouseButton.LeftButton)
    assert dialog.save()
    schema = window.service.schema()
    assert schema.relation_type("CLAIMED_BY").source_labels == ("ASSERTION",)
    assert stored_types(window) == ["CLAIMED_BY"]  # the link stays, its span relabelled


def test_a_type_is_let_cross_documents_and_back_as_one_undoable_step(window, qtbot):
    """A store made before links across documents has types that may not cross: the page
    lets one cross (and stop crossing), as one journaled schema change."""
    dialog = relation_page(window, qtbot)
    choose(dialog, "CLAIMED_BY")
    assert not dialog.relations.across.isChecked()
    choose(dialog, "DENIES")
    assert dialog.relations.across.isChecked()  # the default schema lets it cross
    dialog.relations.across.setChecked(False)
    choose(dialog, "CLAIMED_BY")
    dialog.relations.across.setChecked(True)
    assert dialog.save()
    schema = window.service.schema()
    assert schema.relation_type("CLAIMED_BY").across
    assert not schema.relation_type("DENIES").across
    assert window.service.undo_schema()
    schema = window.service.schema()
    assert not schema.relation_type("CLAIMED_BY").across and schema.relation_type("DENIES").across
