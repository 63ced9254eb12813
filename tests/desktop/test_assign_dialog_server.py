"""Team ▸ Assign documents… on a team's PostgreSQL server: a lead balances the team's
annotators and sets blind mode, which an annotator's window follows; an annotator is told
plainly they may not assign, and should their window try anyway, the server's refusal is
shown in the dialog and nothing changes."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from assign_helpers import member_texts, opened, pick
from PySide6.QtCore import QSettings, Qt, QTimer
from server_store import member_url, server_url, team_store

from annotate.model import AnnotatedDocument, Document
from db import team
from db.store import Store
from desktop.dialogs.assign import AssignDialog
from desktop.main_window import MainWindow
from desktop.service import Service

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(server_url() is None, reason="needs $COUNTERCLAIM_TEST_DB")]

PASSWORD = secrets.token_urlsafe(12)


@pytest.fixture
def server() -> Iterator[tuple[Store, str, dict[str, str]]]:
    """A team's store of three documents, its URL and its members (lead, and annotators
    a and b), by key."""
    documents = [AnnotatedDocument(Document(f"Report {i} from Kidal.", f"r{i}"))
                 for i in range(3)]
    with team_store(documents) as (store, url):
        names = {key: f"tm_{key}_{secrets.token_hex(3)}" for key in ("l", "a", "b")}
        for key, role in (("l", "lead"), ("a", "annotator"), ("b", "annotator")):
            team.add(store, names[key], role, PASSWORD)
        yield store, url, names


def window_of(qtbot, url: str, name: str, tmp_path: Path) -> MainWindow:
    """The window of member ``name``, connected as their own role."""
    settings = QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Service(Store.open(member_url(url, name, PASSWORD)), name), settings)
    qtbot.addWidget(window)
    window.show()
    return window


def shut(*windows: MainWindow) -> None:
    """Close the windows' stores and stop their watch (it would connect again, as a role
    the fixture drops, while later tests run)."""
    for window in windows:
        for timer in window.service.hub.findChildren(QTimer):
            timer.stop()
        window.service.store.close()


def test_a_lead_balances_the_team_and_an_annotators_queue_follows(server, qtbot,
                                                                  tmp_path) -> None:
    store, url, names = server
    lead = window_of(qtbot, url, names["l"], tmp_path)
    alice = window_of(qtbot, url, names["a"], tmp_path)
    try:
        dialog = opened(lead, qtbot)
        assert dialog.intro.text().startswith(
            f"Connected to the team's server as {names['l']}, who may assign.")
        assert not dialog.new_member.isVisible()  # the server's members only
        assert member_texts(dialog) == sorted([f"{names['a']} (annotator) — 0 documents",
                                               f"{names['b']} (annotator) — 0 documents",
                                               f"{names['l']} (lead) — 0 documents"])
        assert sorted(dialog.checked()) == sorted([names["a"], names["b"]])  # annotators
        qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
        uids = [row.uid for row in store.list_documents()]
        assert store.assignments() == [(uids[0], names["a"]), (uids[1], names["b"]),
                                       (uids[2], names["a"])]
        assert lead.service.next_undo() == "assign"
        qtbot.mouseClick(dialog.blind, Qt.MouseButton.LeftButton)
        assert store.blind()

        assert alice.service.notice_outside_changes()  # the server's notice, polled here
        assert alice.documents.progress.text() == "0 of 2 done · blind mode"
    finally:
        shut(lead, alice)


def test_an_annotator_is_refused_plainly_and_so_is_a_forced_change(server, qtbot,
                                                                   tmp_path) -> None:
    store, url, names = server
    alice = window_of(qtbot, url, names["a"], tmp_path)
    try:
        menu = alice.assign_action.associatedObjects()[0]
        menu.aboutToShow.emit()
        assert not alice.assign_action.isEnabled()
        assert alice.assign_action.toolTip().startswith(
            f"only a lead assigns documents and sets blind mode: you are connected to this "
            f"server as {names['a']}, an annotator.")
        dialog = AssignDialog(alice.service, "", alice)  # as a modified client would
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.problem.isVisible() and dialog.problem.text().startswith("only a lead")
        assert not dialog.assign_button.isEnabled() and not dialog.blind.isEnabled()
        pick(dialog, [0], [names["a"]])
        assert not dialog.assign_selected()
        assert dialog.problem.text().startswith("the server refused the change")
        dialog.blind.setChecked(True)
        assert not dialog.set_blind() and not dialog.blind.isChecked()  # left as stored
        assert dialog.problem.text().startswith("the server refused the change")
        assert store.assignments() == [] and not store.blind()
    finally:
        shut(alice)
