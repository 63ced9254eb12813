"""The Actors dialog: proposals accepted, actors renamed, merged and split from the window,
each one journaled step of the current annotator; the ledger follows."""

from __future__ import annotations

from pathlib import Path

import pytest
from ledger_corpus import annotate
from PySide6.QtCore import Qt
from window_helpers import open_window

from db.store import Store
from desktop.ledger.actors_dialog import ActorsDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, tmp_path: Path):
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    annotate(store)
    store.close()
    window = open_window(qtbot, path, tmp_path, "lead")
    yield window
    window.service.store.close()


def rows(dialog: ActorsDialog) -> dict[str, tuple[str, str]]:
    view = dialog.actors
    return {view.topLevelItem(i).text(0): (view.topLevelItem(i).text(2),
                                           view.topLevelItem(i).text(3))
            for i in range(view.topLevelItemCount())}


def choose(dialog: ActorsDialog, *names: str) -> None:
    view = dialog.actors
    view.clearSelection()
    for i in range(view.topLevelItemCount()):
        item = view.topLevelItem(i)
        if item.text(0) in names:
            item.setSelected(True)
            if item.text(0) == names[0]:
                view.setCurrentItem(item, 0)
    for i in range(view.topLevelItemCount()):  # setCurrentItem selects alone: select again
        view.topLevelItem(i).setSelected(view.topLevelItem(i).text(0) in names)


def test_accept_rename_merge_split(window, qtbot) -> None:
    dialog = ActorsDialog(window.service, window)
    qtbot.addWidget(dialog)
    assert dialog.proposals.topLevelItemCount() == 8  # the distinct entity texts
    assert dialog.accept_proposals()
    assert dialog.proposals.topLevelItemCount() == 0
    assert not dialog.accept_button.isEnabled()
    assert rows(dialog)["Wagner Group"] == ("Wagner", "4")
    assert rows(dialog)["CSP-PSD"] == ("CSP", "2")
    assert window.service.store.next_undo("lead") == "batch"
    choose(dialog, "CSP-PSD")
    assert dialog.rename_current("CSP")
    assert rows(dialog)["CSP"] == ("CSP-PSD", "2")
    choose(dialog, "army", "Rusich")
    assert dialog.merge_selected()
    assert rows(dialog)["army"] == ("Rusich", "2")
    choose(dialog, "army")
    assert dialog.split_current("Rusich")
    assert rows(dialog)["Rusich"] == ("", "1")
    window.service.undo()
    dialog.reload()
    assert rows(dialog)["army"] == ("Rusich", "2")


def test_a_refused_rename_is_said_in_the_dialog(window, qtbot) -> None:
    dialog = ActorsDialog(window.service, window)
    qtbot.addWidget(dialog)
    dialog.accept_proposals()
    choose(dialog, "army")
    assert not dialog.rename_current("Rusich")
    assert "already names the actor" in dialog.note.text()


def test_a_refusal_quoting_a_name_of_markup_shows_it_as_written(window, qtbot) -> None:
    """An actor named ``<img src="file:///dev/zero">`` (a valid name) quoted by a refusal:
    the dialog's note took it for rich text, and Qt read /dev/zero to draw the image (the
    window hung; ``<b>`` stands for it here: the dialog is not drawn, yet a regression should
    not take the test run down)."""
    name = "<b>R&amp;D</b>"
    dialog = ActorsDialog(window.service, window)
    qtbot.addWidget(dialog)
    dialog.accept_proposals()
    choose(dialog, "CSP-PSD")
    assert dialog.rename_current(name)
    choose(dialog, "army")
    assert not dialog.rename_current(name)
    assert name in dialog.note.text()
    assert dialog.note.textFormat() == Qt.TextFormat.PlainText
