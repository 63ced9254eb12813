"""The window starts on what its first paint needs: started as the ``counterclaim`` script starts
it, by the time the text view first paints the store's first document none of the libraries and
modules only a dock in the back, a dialog or a command uses has been imported, and the docks
behind the Spans table have not made their widgets (issue 17: start_ratio); the cyclic garbage
collector made no pass while the window was built, and what the start made is out of its sight;
a welcome note dismissed in an earlier session is not made. The jobs the window asks for while
it is built, but for the status bar's counts, start once its text has been painted. A start
compiles none of the dataclasses' methods an earlier start compiled."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotate.model import AnnotatedDocument, Document, Span
from db.backup import backup
from db.store import Store

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]
NOT_AT_START = (
    "numpy", "pyqtgraph", "lxml", "alembic", "sqlalchemy.orm", "sqlalchemy.dialects.postgresql",
    "annotate.agreement", "annotate.overlap_matching", "annotate.sources", "annotate.training",
    "annotate.formats", "annotate.query",
    "db.transfer", "desktop.dialogs.transfer", "desktop.dialogs.restore",
    "desktop.schema_dialog", "desktop.assist_jobs", "desktop.transfer_jobs", "desktop.cli_commands",
    "desktop.dialogs.assign", "desktop.help_dialog", "desktop.howto",
    "desktop.ledger.actors_dialog", "desktop.ledger.job", "desktop.ledger.model",
    "desktop.ledger.timeline", "desktop.ledger.tree", "desktop.pair_process",
    "desktop.child_process", "desktop.review.edit_dialog",
    "_strptime",
    # the claims ledger's and the actors' gazetteer's reading (the Ledger dock's body, the
    # suggesters), a claim's figures (a worker imports them once the window has painted),
    # the Team menu's roster and the teams' roles
    "annotate.ledger", "annotate.conflicts", "annotate.gazetteer", "annotate.occurrences",
    "annotate.figures", "annotate.claim_figures", "text_to_num", "db.ledger_rows", "db.team",
    "desktop.roster",
    # the Review dock's tabs, behind the Spans table
    "desktop.review.adjudication_tab", "desktop.review.agreement_tab",
)
"""Modules (and packages) the first painted window must not have imported."""
WINDOW_CHILD = """
import gc, json, sys
collections = []
gc.callbacks.append(lambda phase, info: collections.append(phase == "start"))
from desktop.cli import main  # as the counterclaim script starts the window
import desktop.app
STORE = {store!r}
seen = {{}}
def before_show(app):  # the hooks may replace it
    pass
{hooks}
made = desktop.app.application
def application():  # run_app's first call, once the store is open
    desktop.app.application = made
    seen["collections_before"] = sum(collections)
    app = made()
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QMainWindow
    before_show(app)
    show = QMainWindow.show
    def shown(window):
        QMainWindow.show = show
        seen["collections_in_start"] = sum(collections) - seen.pop("collections_before")
        painted = []
        class Painted(QObject):
            def eventFilter(self, watched, event):
                if event.type() == QEvent.Type.Paint and not painted:
                    painted.append(True)
                    at_first_paint(app, window)
                return False
        window.editor.view.viewport().installEventFilter(Painted(window))
        QTimer.singleShot(60_000, app.quit)
        show(window)
    QMainWindow.show = shown
    return app
desktop.app.application = application
code = main(["--db", STORE])
print(json.dumps(seen | {{"code": code}}))
"""
"""A child that starts the window as the counterclaim script does and runs its ``hooks``'
``at_first_paint(app, window)`` on the text view's first paint (and ``before_show(app)``, if
they define it, before the window is shown); it prints what they put in ``seen``."""

FIRST_PAINT = """
def at_first_paint(app, window):
    from PySide6.QtCore import QSettings, QTimer
    seen["text"] = window.editor.view.toPlainText()
    seen["modules"] = list(sys.modules)  # in the order imported
    seen["tracked"] = len(gc.get_objects())
    seen["welcome_made"] = window.welcome is not None
    seen["widgets"] = len(app.allWidgets())
    seen["review_made"] = window.review.deferred.done
    seen["settings_at_paint"] = open(QSettings().fileName()).read()
    QTimer.singleShot(0, app.quit)
"""

JOBS_AFTER_PAINT = """
from functools import partial
from pathlib import Path
from db.backup import list_backups
seen["started"] = []
def before_show(app):
    from PySide6.QtCore import QThreadPool
    start = QThreadPool.start
    def counted(pool, work, *rest):  # every job and work started on the pool
        from desktop.jobs import _working  # (the pool is given the number it is kept under)
        job = _working[work.args[0]] if isinstance(work, partial) else work
        seen["started"].append(type(job).__name__)
        start(pool, work, *rest)
    QThreadPool.start = counted
def at_first_paint(app, window):
    from PySide6.QtCore import QSettings, QTimer
    seen["before_paint"] = list(seen["started"])
    def done():  # the status bar's counts shown and the daily backup taken: quit
        if window.status.counts is not None and list_backups(Path(STORE)):
            seen["counts"] = window.status.progress.text()
            seen["settings"] = open(QSettings().fileName()).read()
            app.quit()
    QTimer(window, interval=20, timeout=done).start()
"""


QT_READS = """
class Watch:  # on the meta path: sees PySide6 imported, then wraps its feature switch's reads
    before_qt = None
    read = []
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name == "PySide6" and cls.before_qt is None:
            cls.before_qt = set(sys.modules)
        feature = sys.modules.get("__feature__")
        if feature is not None and not hasattr(feature, "watched"):
            reads = feature._mod_uses_pyside
            def counted(module):
                cls.read.append(module.__name__)
                return reads(module)
            feature._mod_uses_pyside = counted
            feature.watched = True
        return None
sys.meta_path.insert(0, Watch)
def at_first_paint(app, window):
    from PySide6.QtCore import QTimer
    seen["read_again"] = sorted(set(Watch.read) & Watch.before_qt)
    seen["read"] = len(Watch.read)
    QTimer.singleShot(0, app.quit)
"""
"""Hooks that list the modules loaded before PySide6 whose source its feature switch reads."""


COMPILED = """
seen["compiled"] = 0
TEXT = ("def __create_fn__", b"def __create_fn__")  # how dataclasses writes a method
def compiled(event, args):  # a method text of a dataclass compiled (or exec'd as text)
    source = args[0] if event == "compile" else None
    if isinstance(source, (str, bytes)) and source[:17] in TEXT:
        seen["compiled"] += 1
sys.addaudithook(compiled)
def at_first_paint(app, window):
    from PySide6.QtCore import QTimer
    seen["compiled_at_paint"] = seen["compiled"]
    QTimer.singleShot(0, app.quit)
"""
"""Hooks that count the methods of dataclasses compiled before the first paint."""


def started_window(tmp_path: Path, hooks: str, backed_up: bool,
                   bytecode: Path | None = None) -> dict:
    """What the child with ``hooks`` saw of the window started as the counterclaim script starts it
    on a store of one document (``backed_up``: with today's backup), its annotator and the
    welcome note known from the last session; with ``bytecode``, a folder where the child keeps
    its compiled modules (and reads them from)."""
    text = "The minister said the bridge would open in May."
    store = Store.open(tmp_path / "s.sqlite")
    document = Document(text, "First")
    store.import_documents([AnnotatedDocument(
        document, (Span(document.uid, 4, 12, "PERSON", "amina"),))])
    if backed_up:
        backup(store.engine, reason="daily")
    store.close()
    (tmp_path / "Counterclaim").mkdir()  # the user's settings: the last session's annotator
    (tmp_path / "Counterclaim" / "Counterclaim.conf").write_text(
        "[General]\nannotator=amina\nwelcomed=true\n")
    env = os.environ | {"PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
                        "XDG_CONFIG_HOME": str(tmp_path)}
    if bytecode is not None:
        env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    done = subprocess.run([sys.executable, "-c", WINDOW_CHILD.format(
        store=str(tmp_path / "s.sqlite"), hooks=hooks)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["code"] == 0
    return seen


def loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    """The ``names`` among ``modules``, or any module inside one of them."""
    return sorted({n for n in names for m in modules if m == n or m.startswith(f"{n}.")})


def test_the_first_painted_window_shows_the_document_without_the_backstage_modules(tmp_path):
    seen = started_window(tmp_path, FIRST_PAINT, backed_up=True)
    # the real window, with the document's text, painted
    assert seen["text"] == "The minister said the bridge would open in May."
    modules = seen["modules"]
    assert modules.index("db.store") < modules.index("PySide6")  # the store opens before Qt
    assert loaded(seen["modules"], NOT_AT_START) == []
    assert seen["tracked"] < 10_000  # the start's ~90,000 objects left out of collections
    assert seen["collections_in_start"] == 0
    assert not seen["welcome_made"]  # dismissed in an earlier session: not made at all
    # the History and Ledger docks, and the Review dock's pages, behind the Spans table, made
    # when first shown (the code before made their widgets at the start: 370 widgets at the
    # first paint, then 295 with the Review pages, now 227)
    assert seen["widgets"] < 250
    assert not seen["review_made"]
    # the settings file is not written before the first paint (the code before put the store
    # first in File > Recent there, and the settings' write, synced to disk, came before it)
    assert seen["settings_at_paint"] == "[General]\nannotator=amina\nwelcomed=true\n"


def test_qt_does_not_read_again_the_modules_loaded_before_it(tmp_path):
    seen = started_window(tmp_path, QT_READS, backed_up=True)
    # the code before read the source of 66 of them again (typing, dataclasses,
    # annotate.commands, ...), ~10 ms of the start
    assert seen["read_again"] == []
    assert seen["read"] > 20  # the window's own modules, imported after Qt, are still read


def test_the_jobs_the_first_paint_does_not_show_start_once_the_window_has_painted(tmp_path):
    seen = started_window(tmp_path, JOBS_AFTER_PAINT, backed_up=False)
    # before the text's first paint only the status bar's counts, which it shows, started on
    # the pool (the code before also started the daily backup, the page check and the figure
    # pattern)
    assert seen["before_paint"] == ["ProgressJob"]
    # then the others (the child waits for the counts and the daily backup), the search
    # index of the documents imported among them; no page check: the daily backup's check of
    # its copy stands for it
    assert sorted(seen["started"]) == ["DailyBackupJob", "ProgressJob", "SearchIndexJob",
                                       "function"]
    assert seen["counts"] == "0 of 1 done · 1 spans · ready"
    # the store put first in File > Recent once the window had painted
    assert f"recent_stores={tmp_path / 's.sqlite'}" in seen["settings"]


def test_a_start_compiles_no_method_of_a_dataclass_an_earlier_start_compiled(tmp_path):
    bytecode = tmp_path / "bytecode"  # kept between the two starts, as Python's own
    (tmp_path / "first").mkdir()
    (tmp_path / "again").mkdir()
    first = started_window(tmp_path / "first", COMPILED, backed_up=True, bytecode=bytecode)
    again = started_window(tmp_path / "again", COMPILED, backed_up=True, bytecode=bytecode)
    assert first["compiled_at_paint"] > 100  # the first start compiles them and keeps them
    # the code before compiled them at every start (~430 texts, ~9 % of the GUI thread's
    # instructions to the first paint)
    assert again["compiled_at_paint"] == 0
