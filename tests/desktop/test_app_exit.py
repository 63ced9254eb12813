"""Closing the window while a worker's job is under way: the daily backup of a big store is
finished, not cut, and the program ends without a traceback (each job used to hit "Signal
source has been deleted" as Python took the window's objects down around it); a job whose
findings only the window would show (the Dashboard's pair figures, an alignment, counts) is
cancelled, not waited for with the window gone."""

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
AT_THE_SHOW = """
import sys, time
from desktop.cli import main
import desktop.app
made = desktop.app.application
def application():  # the application counterclaim makes; its window's first show calls shown()
    desktop.app.application = made
    app = made()
    from PySide6.QtWidgets import QMainWindow
    show = QMainWindow.show
    def showing(window):
        QMainWindow.show = show
        show(window)
        shown(window)
    QMainWindow.show = showing
    return app
desktop.app.application = application
"""
"""The start of each script below: it runs the window as ``counterclaim --db`` does and calls
the script's ``shown(window)`` once the window is shown."""

CLOSED_AT_ONCE = AT_THE_SHOW + """
import desktop.jobs
copy = desktop.jobs.DailyBackupJob.run
def slow_copy(job):  # a big store's backup: still copying when the window closes
    time.sleep(1.0)
    copy(job)
desktop.jobs.DailyBackupJob.run = slow_copy
def shown(window):
    from PySide6.QtCore import QTimer
    began = time.monotonic()
    def close_while_copying():  # the user closes the window once the backup has started
        if window.service._backup_job is None and time.monotonic() - began < 30:
            QTimer.singleShot(10, close_while_copying)
        else:  # (none started in 30 s: closed all the same, and the test fails plainly)
            window.close()
    close_while_copying()
sys.exit(main(["--db", {store!r}]))
"""


LONG_S = 40.0
"""How long the finding job below runs unless cancelled."""
FINDING_AT_THE_CLOSE = AT_THE_SHOW + """
from desktop.jobs import Job
class Finding(Job):  # a long read for the window: steps until cancelled
    def work(self, store):
        began = time.monotonic()
        while time.monotonic() - began < {long}:
            self.step(0, 1)
            time.sleep(0.01)
job = Finding({store!r})
closed = []
def shown(window):
    from PySide6.QtCore import QTimer
    job.start()
    def close():
        closed.append(time.monotonic())
        window.close()
    QTimer.singleShot(0, close)
code = main(["--db", {store!r}])
print("ended", time.monotonic() - closed[0])
sys.exit(code)
"""


def started_and_closed(tmp_path: Path, script: str) -> subprocess.CompletedProcess[str]:
    """The window started on a store of one document by ``script`` (formatted with the
    store's path), as ``counterclaim --db`` starts it, and closed by it."""
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(Document("The bridge opened in May.", "First"))])
    store.close()
    (tmp_path / "Counterclaim").mkdir()  # the user's settings: the last session's annotator
    (tmp_path / "Counterclaim" / "Counterclaim.conf").write_text(
        "[General]\nannotator=amina\nwelcomed=true\n")
    done = subprocess.run([sys.executable, "-c", script.format(store=str(path), long=LONG_S)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env=os.environ | {"PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
                                            "XDG_CONFIG_HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    return done


def test_a_backup_under_way_at_the_close_is_finished_without_a_traceback(tmp_path):
    path = tmp_path / "s.sqlite"
    done = started_and_closed(tmp_path, CLOSED_AT_ONCE)
    assert "Traceback" not in done.stderr, done.stderr
    assert len(list(backup_dir(path).glob("s-*-daily.sqlite"))) == 1


def test_a_finding_under_way_at_the_close_is_cancelled(tmp_path):
    """The window's close ends the program: a job whose findings nobody will see is not run
    to its end (it was, for minutes on a big store, with no window shown)."""
    done = started_and_closed(tmp_path, FINDING_AT_THE_CLOSE)
    assert "Traceback" not in done.stderr, done.stderr
    ended = float(done.stdout.split("ended")[-1])
    assert 0 <= ended < LONG_S / 4, done.stdout
