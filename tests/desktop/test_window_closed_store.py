"""A window on a PostgreSQL store ($COUNTERCLAIM_TEST_DB) whose store was closed stops
watching the server: its one-second watch makes no connection again."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QThreadPool
from server_store import connections, named_url, server_url

from db.store import Store
from desktop.main_window import MainWindow
from desktop.service import WATCH_MS, Service

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(server_url() is None, reason="needs $COUNTERCLAIM_TEST_DB")]


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
