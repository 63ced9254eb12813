"""The main window as the tests open it, selecting in its text, counting the events its
widgets receive, the table cells they draw and the rows looked at, and running its background
jobs here."""

from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QWidget

from annotate.model import AnnotatedDocument, Document
from annotate.samples import sample_documents
from db.store import Store
from desktop.jobs import Job
from desktop.main_window import MainWindow
from desktop.plain_cells import PlainCells
from desktop.review.adjudication_tab import AdjudicationTab
from desktop.service import Service
from desktop.spans_table import SpansTable


class Looked(list):
    """A list counting the items looked at."""

    looked = 0

    def __getitem__(self, index):
        self.looked += 1
        return super().__getitem__(index)

    def __iter__(self):
        for item in super().__iter__():
            self.looked += 1
            yield item


class TextsDrawn(QProxyStyle):
    """The application's style, keeping the texts it was asked to draw as a label's."""

    def __init__(self) -> None:
        super().__init__(QApplication.style().name())
        self.texts: list[str] = []

    def drawItemText(self, painter, rect, flags, palette, enabled, text, role=None) -> None:
        self.texts.append(text)
        super().drawItemText(painter, rect, flags, palette, enabled, text, role)


class FramesDrawn(QProxyStyle):
    """The application's style, counting the frames it draws (a QFrame's, shaped)."""

    def __init__(self) -> None:
        super().__init__(QApplication.style().name())
        self.frames = 0

    def drawControl(self, element, option, painter, widget=None) -> None:
        self.frames += element == QStyle.ControlElement.CE_ShapedFrame
        super().drawControl(element, option, painter, widget)


def ran(job: Job) -> list[tuple[str, object]]:
    """Run ``job`` on this thread, now: what its signals said."""
    said: list[tuple[str, object]] = []
    job.signals.finished.connect(lambda result: said.append(("finished", result)))
    job.signals.failed.connect(lambda message: said.append(("failed", message)))
    job.run()
    return said


def aligned(qtbot, tab: AdjudicationTab) -> AdjudicationTab:
    """``tab`` once it shows the items of the current document as it is now: the alignment
    it starts in a worker for each document opened, and after each change, has ended."""
    qtbot.waitUntil(lambda: not tab.planning, timeout=10_000)
    return tab


def alignments_ended(qtbot, window: MainWindow, timeout_ms: int = 10_000) -> None:
    """Cancel the Adjudication tab's alignment under way and wait until every alignment it
    started has ended. Called before pytest-qt closes the window (``before_close``): the close
    deletes the window, and a job's last signal to a deleted tab is never heard."""
    tab = window.review.adjudication
    tab._plans.cancel()
    qtbot.waitUntil(lambda: not len(tab._plans), timeout=timeout_ms)


def open_window(qtbot, path: Path | str, tmp_path: Path, annotator: str = "amina",
                before_close: Callable[[MainWindow], None] | None = None) -> MainWindow:
    """The window on the store at ``path`` (a file or a URL) for ``annotator``, with settings
    of its own in ``tmp_path``: shown, active, the text focused, the search index its start
    brings up to date done (the caller closes its store); ``before_close`` is called with it
    when the test has ended, before pytest-qt closes and deletes it. A test writing the
    window's store itself waits at most 50 ms for the lock, as the window's thread does: a
    chunk of that index, slower on a loaded machine, refused it ("the store is busy")."""
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Service(Store.open(path), annotator), settings)
    qtbot.addWidget(window, before_close_func=before_close)
    window.show()
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)
    window.editor.view.setFocus()
    qtbot.waitUntil(lambda: not window.service.indexing, timeout=20_000)
    return window


def open_document_window(qtbot, tmp_path: Path, text: str) -> MainWindow:
    """:func:`open_window` on a new store in ``tmp_path`` holding one document of ``text``
    (no annotations), that document opened."""
    path = tmp_path / "one.sqlite"
    store = Store.open(path)
    document = Document(text, "report")
    store.import_documents([AnnotatedDocument(document)])
    store.close()
    window = open_window(qtbot, path, tmp_path)
    window.service.open_document(document.uid)
    return window


def open_samples_window(qtbot, tmp_path: Path) -> MainWindow:
    """:func:`open_window` on a new store in ``tmp_path`` holding the sample texts."""
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents(AnnotatedDocument(d) for d in sample_documents())
    store.close()
    return open_window(qtbot, path, tmp_path)


def shown_spans_dock(qtbot, store: Store) -> SpansTable:
    """The Spans dock alone on ``store`` for annotator amina, shown at 600 x 300, once the
    search index its service brings up to date on starting is done: the service makes ``store``
    wait at most 50 ms for the lock, as the window's thread does, and a test writing it
    directly meanwhile was refused by a chunk of that index on a loaded machine ("the store
    is busy"; as :func:`open_window`)."""
    dock = SpansTable(Service(store, "amina"))
    qtbot.addWidget(dock)
    dock.resize(600, 300)
    with qtbot.waitExposed(dock):
        dock.show()
    qtbot.waitUntil(lambda: not dock.service.indexing, timeout=20_000)
    return dock


def select(window: MainWindow, start: int, end: int) -> None:
    """Select ``[start, end)`` of the shown text (code points: ASCII texts, where they are
    Qt's positions too) and focus the text."""
    view = window.editor.view
    cursor = view.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    view.setFocus()


def select_words(window: MainWindow, words: str) -> None:
    """Select the first occurrence of ``words`` in the shown text and focus the text."""
    start = window.editor.text.index(words)
    select(window, start, start + len(words))


class Events(QObject):
    """Counts the events of ``kinds`` (one type or several) each widget receives: those of
    ``widgets``, or of whatever it is installed on as an event filter."""

    def __init__(self, kinds: QEvent.Type | tuple[QEvent.Type, ...],
                 widgets: Iterable[QWidget] = ()) -> None:
        super().__init__()
        self.kinds = kinds if isinstance(kinds, tuple) else (kinds,)
        self.count: Counter[QObject] = Counter()
        for widget in widgets:
            widget.installEventFilter(self)

    @property
    def total(self) -> int:
        """The events counted, of every widget."""
        return sum(self.count.values())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self.kinds:
            self.count[watched] += 1
        return False


def painted(qtbot, widget: QWidget, quiet_ms: int = 100, timeout_ms: int = 5_000) -> None:
    """Wait until ``widget`` has gone ``quiet_ms`` without a paint (at most ``timeout_ms``):
    what it had to paint is done, some of it on Qt's timers (the window's docks repaint some
    50 ms after it is resized, later under load), so that a test counting paints from there
    counts its own."""
    paints = Events(QEvent.Type.Paint, [widget])
    seen, waited = -1, 0
    while paints.count[widget] != seen and waited < timeout_ms:
        seen = paints.count[widget]
        qtbot.wait(quiet_ms)
        waited += quiet_ms
    widget.removeEventFilter(paints)


class CellsDrawn(QProxyStyle):
    """The application's style, counting the item view cells drawn: by the style and, when
    given to :meth:`count`, the texts the view's :class:`PlainCells` lays out (its new
    cells), not those it keeps."""

    def __init__(self) -> None:
        super().__init__(QApplication.style().name())
        self.cells = 0

    def drawControl(self, element, option, painter, widget=None) -> None:
        self.cells += element == QStyle.ControlElement.CE_ItemViewItem
        super().drawControl(element, option, painter, widget)

    def count(self, cells: PlainCells) -> None:
        draw = cells._lay_out

        def drawn(*args):
            self.cells += 1
            return draw(*args)

        cells._lay_out = drawn
