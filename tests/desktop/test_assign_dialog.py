"""Team ▸ Assign documents… on a file, where the user acts as the lead (as ``counterclaim
assign`` lets them): by hand, unassigned, balanced after a preview, blind mode; each action
one journaled step of the user that Undo takes back, and My queue follows at once."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest
from assign_helpers import member_texts, opened, pick
from PySide6.QtCore import Qt
from window_helpers import open_window

from annotate.assignment import balance
from annotate.commands import Assign
from annotate.model import AnnotatedDocument, Document
from db.store import Store
from desktop.dialogs.assign import AssignDialog

pytestmark = pytest.mark.gui

TEXTS = ["The army denied the ambush near Kidal.", "Rebels claimed the attack on Gao.",
         "Kidal was calm on Monday.", "A convoy left Timbuktu.", "Nothing happened at Mopti."]


@pytest.fixture
def window(qtbot, tmp_path: Path):
    path = tmp_path / "s.sqlite"
    with closing(Store.open(path)) as store:
        store.import_documents([AnnotatedDocument(Document(text, f"r{i}"))
                                for i, text in enumerate(TEXTS)])
        for name in ("amina", "ben", "chen"):
            store.ensure_annotator(name)
    window = open_window(qtbot, path, tmp_path, annotator="lead")
    yield window
    window.service.store.close()


def test_a_lead_assigns_by_hand_and_unassigns_each_in_one_undo_step(window, qtbot) -> None:
    service = window.service
    uids = [row.uid for row in service.store.list_documents()]
    dialog = opened(window, qtbot)
    assert member_texts(dialog) == ["amina — 0 documents", "ben — 0 documents",
                                    "chen — 0 documents", "lead — 0 documents"]
    assert not dialog.assign_button.isEnabled()  # nothing picked yet
    pick(dialog, [0, 2], ["amina", "lead"])
    assert dialog.counts.text() == "5 documents shown, 2 selected · a balance covers 2"
    entries = len(service.history())
    qtbot.mouseClick(dialog.assign_button, Qt.MouseButton.LeftButton)
    assert service.store.assignments() == [(uids[0], "amina"), (uids[0], "lead"),
                                           (uids[2], "amina"), (uids[2], "lead")]
    assert len(service.history()) == entries + 1 and service.next_undo() == "assign"
    assert dialog.selected() == [uids[0], uids[2]]  # still picked, for the next action
    assert window.documents.progress.text() == "0 of 2 done"  # My queue, at once
    assert dialog.model.assigned_to(uids[2]) == "amina, lead"
    assert member_texts(dialog)[0] == "amina — 2 documents"

    pick(dialog, [0, 1, 2], ["amina"])
    qtbot.mouseClick(dialog.unassign_button, Qt.MouseButton.LeftButton)
    assert service.store.assignments() == [(uids[0], "lead"), (uids[2], "lead")]
    assert len(service.history()) == entries + 2

    qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)  # the unassignment
    assert len(service.store.assignments()) == 4
    window.undo_action.trigger()  # the assignment: Edit ▸ Undo takes it back as well
    assert service.store.assignments() == []
    assert not window.documents.progress.isVisible()
    assert member_texts(dialog)[0] == "amina — 0 documents"

    window.assign_action.trigger()  # once more: the dialog open is brought to the front
    assert window.findChildren(AssignDialog) == [dialog]
    dialog.close()
    qtbot.waitUntil(lambda: not window.findChildren(AssignDialog))
    assert opened(window, qtbot) is not dialog


def test_a_balance_is_previewed_then_applied_as_one_step(window, qtbot) -> None:
    service = window.service
    uids = [row.uid for row in service.store.list_documents()]
    service.store.apply(Assign(((uids[0], "amina"),)), "lead")
    dialog = opened(window, qtbot)
    pick(dialog, [], ["amina", "ben", "chen"])
    dialog.per_document.setValue(2)
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    expected = balance(uids, ["amina", "ben", "chen"], 2, [(uids[0], "amina")])
    assert dialog.model.assigned_to(uids[0]) == "amina, +ben"
    assert dialog.summary.text().startswith(f"Preview: {len(expected)} new assignments "
                                            "(amina +3, ben +3, chen +3)")
    assert service.store.assignments() == [(uids[0], "amina")]  # nothing written yet

    dialog.per_document.setValue(1)  # another choice: the preview no longer holds
    assert not dialog.apply_button.isEnabled() and dialog.model.assigned_to(uids[0]) == "amina"
    dialog.per_document.setValue(2)
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    entries = len(service.history())
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert sorted(service.store.assignments()) == sorted([(uids[0], "amina"), *expected])
    assert len(service.history()) == entries + 1
    assert [t.split(" — ")[1] for t in member_texts(dialog)[:3]] == [
        "4 documents", "3 documents", "3 documents"]
    service.undo()
    assert service.store.assignments() == [(uids[0], "amina")]


def test_a_balance_over_more_than_the_checked_members_is_refused_plainly(window, qtbot):
    dialog = opened(window, qtbot)
    pick(dialog, [0], ["amina"])
    dialog.per_document.setValue(3)
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    assert dialog.problem.isVisible() and "the team has 1: amina" in dialog.problem.text()
    assert window.service.store.assignments() == []


def test_blind_mode_is_one_step_and_my_queue_says_so(window, qtbot) -> None:
    service = window.service
    uid = service.store.list_documents()[0].uid
    service.store.apply(Assign(((uid, "lead"),)), "lead")
    dialog = opened(window, qtbot)
    assert not dialog.blind.isChecked()
    qtbot.mouseClick(dialog.blind, Qt.MouseButton.LeftButton)
    assert service.store.blind() and service.next_undo() == "set_blind"
    assert window.documents.progress.text() == "0 of 1 done · blind mode"
    qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    assert not service.store.blind() and not dialog.blind.isChecked()
    assert window.documents.progress.text() == "0 of 1 done"
    qtbot.mouseClick(dialog.blind, Qt.MouseButton.LeftButton)
    service.set_annotator("dara")  # another annotator: not their step to undo
    assert "dara — 0 documents" in member_texts(dialog)
    assert not dialog.undo_button.isEnabled()


def test_the_documents_follow_the_search_the_filter_and_another_program(window, qtbot,
                                                                         tmp_path) -> None:
    window.documents.search.setText("Kidal")
    dialog = opened(window, qtbot)
    assert dialog.search.text() == "Kidal"  # the document list's search, to begin with
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)  # once the index caught up
    assert [dialog.model.index(r, 0).data() for r in range(2)] == ["r0", "r2"]
    dialog.search.setText("")
    dialog.reload_documents()
    assert dialog.model.rowCount() == 5
    with closing(Store.open(tmp_path / "s.sqlite")) as other:  # a lead in another program
        other.apply(Assign(((other.list_documents()[1].uid, "ben"),)), "boss")
    assert window.service.notice_outside_changes()
    assert member_texts(dialog)[1] == "ben — 1 document"
    dialog.shown.setCurrentIndex(2)  # someone assigned
    assert [dialog.model.index(r, 1).data() for r in range(dialog.model.rowCount())] == ["ben"]
    dialog.shown.setCurrentIndex(1)  # nobody assigned
    assert dialog.model.rowCount() == 4
    dialog.search.setText("(unclosed")
    dialog.reload_documents()
    assert dialog.counts.text().startswith("Cannot search:")


def test_another_annotator_is_added_by_name_and_a_bad_name_is_refused(window, qtbot) -> None:
    dialog = opened(window, qtbot)
    dialog.new_member.setText("  ")
    dialog.add_typed_member()
    assert dialog.problem.isVisible()
    dialog.new_member.setText("dara")
    dialog.add_typed_member()
    assert not dialog.problem.isVisible() and dialog.checked() == ["dara"]
    pick(dialog, [3], ["dara"])
    qtbot.mouseClick(dialog.assign_button, Qt.MouseButton.LeftButton)
    uid = window.service.store.list_documents()[3].uid
    assert window.service.store.assignments() == [(uid, "dara")]
    assert window.service.store.status(uid, "lead") == "todo"  # not the lead's own edit
    assert "dara — 1 document" in member_texts(dialog)
