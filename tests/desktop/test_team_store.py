"""File ▸ Open team store…: a store opened by its URL, never with a password in it."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog
from window_helpers import open_window

from annotate.model import AnnotatedDocument, Document
from db.store import Store


@pytest.fixture
def window(qtbot, tmp_path: Path):
    path = tmp_path / "mine.sqlite"
    with closing(Store.open(path)) as store:
        store.import_documents([AnnotatedDocument(Document("Mine alone.", "mine"))])
    window = open_window(qtbot, path, tmp_path)
    yield window
    window.service.store.close()


def typed(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: (url, True))


def test_a_url_with_a_password_is_refused_and_never_remembered(window, monkeypatch) -> None:
    said: list[str] = []
    window.service.hub.message.connect(said.append)
    before = window.service.location
    typed(monkeypatch, "postgresql+psycopg://amina:s3cret@db.example/claims")
    window.choose_team_store()
    assert window.service.location == before
    assert said and "~/.pgpass" in said[-1] and "s3cret" not in said[-1]
    assert not any("s3cret" in location for location in window.recent_stores())


def test_a_store_opens_by_its_url(window, monkeypatch, tmp_path: Path) -> None:
    other = tmp_path / "team.sqlite"
    with closing(Store.open(other)) as store:
        store.import_documents([AnnotatedDocument(Document("Shared by the team.", "shared"))])
    typed(monkeypatch, f"  sqlite:///{other}  ")
    window.choose_team_store()
    assert window.editor.title.text() == "shared"
    assert window.documents.model.total == 1
