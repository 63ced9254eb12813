"""The window on a PostgreSQL store ($COUNTERCLAIM_TEST_DB) opened with a password in its
URL: every worker reopens the store with it, while nothing the window shows or saves holds
it."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from server_store import password_role, server_url
from sqlalchemy.engine import make_url
from window_helpers import open_window

from annotate.model import AnnotatedDocument, Document
from db.store import Store
from desktop.dashboard import CountsJob, PairJob
from desktop.jobs import SearchIndexJob, worker_location

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(server_url() is None, reason="needs $COUNTERCLAIM_TEST_DB")]


def outcome(job) -> tuple[str, object]:
    """Run ``job`` here, as a worker thread would: what it signalled."""
    said: list[tuple[str, object]] = []
    job.signals.finished.connect(lambda result: said.append(("finished", result)))
    job.signals.failed.connect(lambda message: said.append(("failed", message)))
    job.run()
    return said[-1]


def test_workers_reopen_with_the_password_that_nothing_shown_or_saved_holds(
        qtbot, tmp_path: Path) -> None:
    with password_role(server_url() or "") as (url, password):
        with closing(Store.open(url)) as seeded:
            seeded.import_documents([AnnotatedDocument(Document("The army denied it.", "a"))])
        window = open_window(qtbot, url, tmp_path)
        bar = window.status
        messages: list[str] = []
        bar.messageChanged.connect(messages.append)
        try:
            qtbot.waitUntil(lambda: not bar.counting, timeout=10_000)
            assert bar.counts is not None and bar.counts.total == 1
            assert "0 of 1 done" in bar.progress.text()
            assert not any("could not be read" in m for m in messages)
            location = worker_location(window.service.store)
            for job in (CountsJob(location), SearchIndexJob(location),
                        PairJob(location, "amina", "bo")):  # (in a child process)
                assert outcome(job)[0] == "finished"
            window.close()
            window.settings.sync()
            shown = [window.windowTitle(), bar.store.text(), bar.store.toolTip(),
                     window.service.location, window.service.store_name,
                     (tmp_path / "window.ini").read_text(encoding="utf-8")]
            assert not any(password in text for text in shown)
            assert any(make_url(url).username in text for text in shown)
        finally:
            QThreadPool.globalInstance().waitForDone(10_000)
            window.service.store.close()
