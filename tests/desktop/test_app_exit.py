"""Closing the window while a worker's job is under way (the daily backup of a big store):
the job is finished, not cut, and the program ends without a traceback (each job used to hit
"Signal source has been deleted" as Python took the window's objects down around it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotate.model import AnnotatedDocument, Document
from db.backup import backup_dir
from db.store import Store

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]
CLOSED_AT_ONCE = """
import sys, time
from desktop.cli import main
import desktop.app, desktop.jobs
copy = desktop.jobs.DailyBackupJob.run
def slow_copy(job):  # a big store's backup: still copying when the window closes
    time.sleep(1.0)
    copy(job)
desktop.jobs.DailyBackupJob.run = slow_copy
made = desktop.app.application
def application():
    desktop.app.application = made
    app = made()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMainWindow
    show = QMainWindow.show
    def shown(window):
        QMainWindow.show = show
        show(window)
        QTimer.singleShot(0, window.close)  # the user closes the window at once
    QMainWindow.show = shown
    return app
desktop.app.application = application
sys.exit(main(["--db", {store!r}]))
"""


def test_a_backup_under_way_at_the_close_is_finished_without_a_traceback(tmp_path):
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(Document("The bridge opened in May.", "First"))])
    store.close()
    (tmp_path / "Counterclaim").mkdir()  # the user's settings: the last session's annotator
    (tmp_path / "Counterclaim" / "Counterclaim.conf").write_text(
        "[General]\nannotator=amina\nwelcomed=true\n")
    done = subprocess.run([sys.executable, "-c", CLOSED_AT_ONCE.format(store=str(path))],
                          capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env=os.environ | {"PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
                                            "XDG_CONFIG_HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert len(list(backup_dir(path).glob("s-*-daily.sqlite"))) == 1
