"""The window's process gives freed big blocks back to the system (issue 17: the window's
memory within 1.5x a bare QPlainTextEdit's, whatever dock is in front). glibc raised its
threshold for mapping a block on its own each time such a block was freed: once the Adjudication
tab let go of a 200,000-span document's columns, blocks of a few MB came from the heap, were
kept by the process when freed, and the Ledger's build came on top of them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotate.model import AnnotatedDocument, Document
from db.store import Store

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's heap")]
ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import sys
from pathlib import Path
from PySide6.QtCore import QSettings
from desktop.app import application, start

def resident_mb():
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024

app = application()
settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
settings.setValue("annotator", "amina")
settings.setValue("welcomed", True)
window = start(sys.argv[1], settings)
freed = bytearray(16 << 20)  # a big block freed: glibc's threshold rose to its size
del freed
before = resident_mb()
kept, blocks = [], []
for _ in range(64):  # 64 MB written, with blocks that stay between them
    blocks.append(bytearray(1 << 20))
    kept.append(bytearray(2048))
del blocks
print(resident_mb() - before)
"""


def test_the_window_gives_freed_big_blocks_back(tmp_path):
    store = Store.open(tmp_path / "s.sqlite")
    store.import_documents([AnnotatedDocument(Document("The ministry said the bridge held.",
                                                       "Bridge"))])
    store.close()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "s.sqlite"), str(tmp_path / "w.ini")],
        capture_output=True, text=True, timeout=120,
        env=os.environ | {"PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    kept_mb = float(done.stdout.split()[-1])
    assert kept_mb < 16, f"{kept_mb:.1f} MB of 64 MB freed still held"
