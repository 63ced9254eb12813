"""A window whose store was closed: on a PostgreSQL store ($COUNTERCLAIM_TEST_DB) its
one-second watch makes no connection again; an edit or a read is refused with a plain notice
(no box: the window is going), and nothing reconnects to write it."""

from __future__ import annotations

import secrets
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QThreadPool
from server_store import connections, named_url, server_url

from annotate.commands import CreateSpan
from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store
from desktop.main_window import MainWindow
from desktop.service import WATCH_MS, Service

pytestmark = pytest.mark.gui


@pytest.mark.skipif(server_url() is None, reason="needs $COUNTERCLAIM_TEST_DB")
def test_a_window_whose_store_was_closed_stops_watching_the_server(qtbot, tmp_path: Path) -> None:
    name = f"window_{secrets.token_hex(4)}"
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Service(Store.open(named_url(name)), "amina"), settings)
    qtbot.addWidget(window)
    service = window.service
    QThreadPool.globalInstance().waitForDone(10_000)
    assert not service.notice_outside_changes()  # the watch listens
    assert connections(name) >= 1
    service.store.close()
    qtbot.wait(2 * WATCH_MS + 200)  # the watch's timer fired, twice
    assert connections(name) == 0
    assert not service.notice_outside_changes()
    assert connections(name, settle_s=0.3) == 0


def test_a_closed_store_refuses_the_window_plainly_and_stays_unwritten(qtbot, tmp_path) -> None:
    path = tmp_path / "closed.sqlite"
    doc = Document("The army denied the ambush.", "report")
    with closing(Store.open(path)) as seeded:
        seeded.import_documents([AnnotatedDocument(doc)])
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Service(Store.open(path), "amina"), settings)
    qtbot.addWidget(window)
    service = window.service
    service.open_document(doc.uid)
    said: list[tuple[str, bool]] = []
    service.hub.failed.connect(lambda message, serious: said.append((message, serious)))
    service.store.close()
    assert service.apply(CreateSpan(Span(doc.uid, 4, 8, "ORG", "amina", "late"))) is None
    assert said and "the store was closed" in said[-1][0] and not said[-1][1]
    assert window.error_box is None
    with closing(Store.open(path)) as after:
        assert after.spans(doc.uid) == []
