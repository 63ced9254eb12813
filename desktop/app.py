"""Starting the window: ``run_app(location)``, called by ``counterclaim`` with no command.

The store is opened before Qt is imported, and Qt is imported by the functions here that use
it: once PySide6 is imported it reads the source of every module an import statement names
after it (its feature switch looks for "PySide6" in each, ~0.1 ms a module), and the store's
~250 modules, SQLAlchemy's among them, need no Qt (~25 ms of the start). The modules already
loaded by then are marked as read (:func:`known_to_qt`): the window's modules import ~70 of
them again (``typing``, ``annotate.commands``, ...), each read once more otherwise."""

from __future__ import annotations

import gc
import getpass
import os
import sys
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from annotate.collector import collector_paused
from annotate.errors import StoreError
from annotate.strings import NAME_MAX, name_problem
from desktop.heap import give_back_big_blocks

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from db.store import Store
    from desktop.main_window import MainWindow
    from desktop.theme import Theme

ORGANIZATION = "Counterclaim"
APPLICATION = "Counterclaim"


def paint_on_one_thread() -> None:
    """Keep Qt's painting on the GUI thread. Its raster engine hands each fill of 96 lines or
    more (a gradient, a pixmap: a scroll bar, a column of a table) to a pool of threads and
    waits for them; for what the window paints on a key press the hand-off costs more than
    the fill (a scroll bar painted in twice the time), and on a busy machine the wait for a
    free core longer still. Qt reads ``QT_NO_GUI_THREADPOOL`` once, at the first such fill, so
    this is called before the first paint; a value set by the user is kept."""
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")


def known_to_qt() -> None:
    """Mark every module loaded so far as one PySide6's feature switch need not read: none of
    them selects a feature (``from __feature__ import ...``; no module of this program does),
    and -1, its mark for a module that does not use PySide6, leaves a module out of its
    switching. Does nothing before PySide6 is imported, or where its table is not found."""
    table = getattr(sys.modules.get("__feature__"), "pyside_feature_dict", None)
    if isinstance(table, dict):
        for name in list(sys.modules):
            table.setdefault(name, -1)


def application() -> QApplication:
    """The running QApplication, created with the names QSettings files are kept under."""
    from PySide6.QtWidgets import QApplication

    paint_on_one_thread()
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    return app


def explain(title: str, message: str) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    application()  # a store refused before the window's start made it
    box = QMessageBox(QMessageBox.Icon.Critical, title, message)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


ASK_NAME = "Your name as annotator (it is stored with every edit):"
Ask = Callable[[str, str], tuple[str, bool]]
"""Shows a prompt with a default answer; gives the answer and whether it was confirmed."""


def _ask(prompt: str, default: str) -> tuple[str, bool]:
    from PySide6.QtWidgets import QInputDialog

    return QInputDialog.getText(None, "Welcome to Counterclaim", prompt, text=default)


def annotator_name(settings: QSettings, ask: Ask = _ask) -> str | None:
    """The annotator of the last session, or (first run, or a name an older version took
    that breaks the name rule) asked for until the answer is a valid name; None if the user
    cancels."""
    name = str(settings.value("annotator", "") or "").strip()
    if name_problem(name) is None:
        return name
    prompt, default = ASK_NAME, getpass.getuser() or "annotator"
    while True:
        answer, ok = ask(prompt, default)
        if not ok:
            return None
        answer = answer.strip()
        problem = name_problem(answer)
        if problem is None:
            settings.setValue("annotator", answer)
            return answer
        prompt = (f"{ASK_NAME}\n\nThat name {problem}. A name is at most {NAME_MAX} "
                  "printable characters (no tabs, line breaks or other control characters).")
        default = answer


def start(location: str | None, settings: QSettings,
          theme: Theme | None = None) -> MainWindow | None:
    """Open the store and build the window (with ``theme``'s menu); on a store that cannot be
    opened say why and give None. The check that reads every page of the store file is left
    to a worker (:class:`desktop.jobs.PageCheckJob`, started by the service): a damaged file is
    said as soon as it is found, and written no more."""
    return _started(location, lambda: (settings, theme))


Ready = Callable[[], "tuple[QSettings, Theme | None]"]
"""Makes what the window needs once its store is open: its settings and theme (and with them
the QApplication)."""


def _started(location: str | None, ready: Ready) -> MainWindow | None:
    """The store at ``location`` opened, then ``ready()``, then the window built on them.

    Everything the start makes (the ~450 modules the window imports here, the window) lives as
    long as the program: the cyclic garbage collector is paused while it is made (its passes
    over the growing heap found nothing to free and cost ~35 ms of the start), then what was
    made is moved out of its sight (``gc.freeze``): each full collection while the window
    runs, and those at exit, no longer walk its ~90,000 objects (~30 ms a collection)."""
    paint_on_one_thread()  # (a window built without application(): a test, a benchmark)
    give_back_big_blocks()
    with collector_paused():
        store = _opened(location)
        window = None if store is None else _window(store, *ready())
        gc.freeze()  # before the collector runs again: its first pass would walk all of it
    return window


def _opened(location: str | None) -> Store | None:
    from desktop.stores import WAIT_MS, open_store

    try:
        return open_store(location, WAIT_MS, check_pages=False)
    except StoreError as exc:
        explain("Cannot open the store", str(exc))
        return None


def _window(store: Store, settings: QSettings, theme: Theme | None) -> MainWindow | None:
    from desktop.main_window import MainWindow
    from desktop.service import Service
    from desktop.stores import open_store

    name = annotator_name(settings)
    if name is None:
        store.close()
        return None
    try:
        service = Service(store, name, opener=partial(open_store, check_pages=False))
    except StoreError as exc:
        store.close()
        explain("Cannot use the store", str(exc))
        return None
    service.hub.annotatorChanged.connect(lambda who: settings.setValue("annotator", who))
    return MainWindow(service, settings, theme=theme)


def run_app(location: str | None) -> int:
    """Show the window on the store at ``location`` (None: $COUNTERCLAIM_DB or the default
    store) until it is closed; 0 on a normal exit, 2 when the store could not be opened or
    the window cannot open here (the libraries Qt's platform plugin lacks are named).

    The jobs the window asks for while it is built (the daily backup, the check of the store
    file's pages, ...) are held until its text has been painted
    (:func:`desktop.jobs.hold_jobs`): their workers would take the interpreter's lock, and on
    a busy machine a core, from the first paint."""
    from desktop import platform_check  # run_app's alone (its subprocess): not the window's

    missing = platform_check.problem()
    if missing is not None:
        print(missing, file=sys.stderr)
        return 2

    def ready() -> tuple[QSettings, Theme]:
        from PySide6.QtCore import QSettings

        known_to_qt()
        from desktop.jobs import hold_jobs
        from desktop.theme import Theme

        hold_jobs()
        app = application()
        settings = QSettings()
        return settings, Theme(app, settings)

    window = _started(location, ready)
    from desktop.jobs import release_jobs

    if window is None:
        release_jobs()
        return 2
    from desktop.first_paint import after_first_paint

    after_first_paint(window.editor.view.viewport(), release_jobs)
    window.show()
    code = application().exec()
    from desktop.jobs import stop_jobs

    stop_jobs()  # jobs under way end (those that can, cancelled) while what they tell lives
    window.service.store.close()
    return code
