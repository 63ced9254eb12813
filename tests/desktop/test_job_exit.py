"""A background job still running when the program ends: cancelled and waited for, so the
program ends cleanly. (PySide deletes every QObject still alive when the program ends, a
running job's signals among them: the job's next report raised "Signal source has been
deleted", or, when the deletion fell within the report, crashed the program.)"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from db.store import Store

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QCoreApplication
    from desktop.jobs import Job

    class Endless(Job):
        '''Reports progress until cancelled, as a long computation does.'''

        def work(self, store):
            while True:
                self.step(0, 0)

    app = QCoreApplication([])
    heard = []
    job = Endless(sys.argv[1])
    job.report_every = 0  # every step reported: the end falls within a report often
    job.signals.stepped.connect(lambda done, total: heard.append(done))
    job.start()
    while not heard:  # the job runs and reports
        app.processEvents()
    print("running", flush=True)
    # the program ends here, the job still running
""")


def test_a_job_running_at_the_end_of_the_program_is_cancelled_and_waited_for(
        tmp_path: Path) -> None:
    location = tmp_path / "s.sqlite"
    Store.open(location).close()
    for _ in range(5):
        done = subprocess.run(
            [sys.executable, "-X", "faulthandler", "-c", PROGRAM, str(location)],
            capture_output=True, text=True, timeout=60, cwd=ROOT,
            env=os.environ | {"PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"})
        assert (done.returncode, done.stdout, done.stderr) == (0, "running\n", "")
