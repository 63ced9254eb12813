"""The whole key press in the real main window, against bare baselines measured in the same run.

    python tests/benchmarks/bench_window.py [--quick] [--cache DIR] [--sizes N,N,...]

The window is built as ``counterclaim`` builds it (:func:`desktop.app.start`), with the default
docks open, offscreen. Real key presses go to the text view through QTest; each is timed from
the press until the event loop is idle (about to block) with the repaint done. Stores:

- generated corpora of 1,000, 10,000 and 100,000 documents (~1,500 characters, 20 spans each,
  three annotators; the window works as the first), built through the bulk import and kept
  under ``--cache`` (default: a folder in the temp dir) between runs; each run works on a copy;
- one store of big documents: the bench_view text (5 MB, 50,000 lines) with 20,000 spans of
  the window's annotator (and 2,000 of another, for the review), the same size of text with
  60 spans, with 200,000 spans, and one 2 MB paragraph with 5,000 spans.

Ratios (lower is better; the targets are issue 17's):

- key_ratio: create (a label key on a selection), relabel (another label key), undo (Ctrl+Z)
  and delete (Delete), each the median of its presses, with every dock open and each tab of
  the bottom dock area in front in turn (spans; dashboard: spans, progress, agreement;
  review: adjudication, agreement; history; ledger), each front's presses once it shows
  what it reads in the background (the ledger's build, the review's alignment, the
  dashboard's counts: they share the interpreter's lock with the GUI thread, see README,
  "Workers and the GUI thread"); the worst median over one
  raw sqlite3 INSERT + COMMIT (WAL, the store's synchronous setting, same disk) plus one
  viewport repaint of a bare QPlainTextEdit holding the same text, taken in turns with the
  presses. Worst over every store and the 5 MB document (target <= 4). The big documents'
  store is made anew each run: their presses begin while the window indexes it for search
  in the background (big_indexed_s from the window's opening until it has; informative),
  a few of a document's parts per transaction (db/dialects/index_parts.py: an edit waits
  for one of them, milliseconds; as one row, a 50 MB document held the store's write lock
  ~2 s and an edit made meanwhile was queued, its press not painted until then);
- key_growth: the biggest store's key_ratio over the smallest's (target <= 1.3);
  relabel_growth: relabel on the 20,000-span document over the 60-span one (informative);
- next_doc_ratio: Ctrl+Down until idle, over a bare setPlainText of the next text and its
  repaint (target <= 2), worst over the stores; medians. A step reads the store once every
  few (:data:`desktop.service.AHEAD` + 1: it reads the next documents with it), and the
  median step reads nothing: next_doc_mean_ratio, the mean step over the mean bare one,
  counts the reading steps too (informative);
- start_ratio: process start to the first painted window, then idle, on the biggest store
  (its daily backup due), over a bare PySide6 main window's start (target <= 4); the window
  started as the ``counterclaim`` script starts it (desktop.cli imported first, the theme
  applied, as run_app does); both with
  the compiled bytecode an installed program has (one start of each, untimed, writes it into
  a cache of their own: with PYTHONDONTWRITEBYTECODE every start would compile the
  project's sources again, which no installed program does); start_compiling_ratio the same
  with every start compiling them (informative);
- search_ratio: the document list's search (the debounce's call) until painted, over the raw
  FTS query of the first page and the count (target <= 3); search_first_s is the first search
  until the list shows every match (the index brought up to date in the background);
- big_doc_open_ratio: opening the 200,000-span document, over a bare setPlainText of its text
  and the repaint (target <= 2); big_doc_20k_open_ratio the same for the 20,000-span one;
- paragraph_repaint_ratio: viewport repaints at scroll positions of the 2 MB paragraph, over
  the bare widget's (target <= 1.5); paragraph_key_ratio: key presses in it (as key_ratio);
- memory_ratio: the peak memory of a process showing the 200,000-span document in the
  window, each tab of the bottom dock area in front in turn, less the constant, over that of
  one holding its text in a bare QPlainTextEdit (target <= 1.5); the constant is what the
  window costs beyond the bare widget with a 2,000-character document (memory_constant_mb);
- dashboard_stall_s: the longest the event loop stood still in the 1.5 s after an edit with
  the dashboard in front (its debounced refresh begins in them), and on until that refresh
  has ended: its pair figures drawn.

--quick runs stores of 200 and 2,000 documents and a tenth of the big documents, with fewer
presses (well under a minute). The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench_store import BASELINE_SCHEMA, baseline_connection
from bench_view import make_document
from common import LABELS, generate
from PySide6.QtCore import (
    QAbstractEventDispatcher,
    QEventLoop,
    QSettings,
    Qt,
    QThreadPool,
    QTimer,
)
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from annotate.model import AnnotatedDocument, Document, Span
from annotate.offsets import OffsetMap, display_text
from annotate.query import parse
from db.dialects.sqlite import fts_query
from db.migrate import head_revision
from db.store import Store
from desktop.app import start
from desktop.main_window import MainWindow

ANNOTATOR = "amina"
CHARS, SPANS = 1_500, 20
SEARCHES = ("ambush", "Tinzaouaten spokesman", "47 July", "helicopter", "Kidal denied")
FRONTS = (("spans", None), ("dashboard", 0), ("dashboard", 1), ("dashboard", 2),
          ("review", 0), ("review", 1), ("history", None), ("ledger", None))
"""Which dock of the bottom area is in front, and which of its inner tabs."""
KINDS = ("create", "relabel", "undo", "delete")
ROUNDS = 15
"""Presses of each kind a front (and Ctrl+Down steps) in a full run: a front's ratio is a
median, and key_ratio the worst of 32 of them (8 fronts, 4 stores); with 7 a front, one
front in a run read 20-40 % above its fellows at random (Dashboard's third tab 4.59 on the
1,000-document store where it read 2.99 and 3.26 on the others, session 17), which the
worst of them then reported."""
ACTIVATION_MS = 30_000
"""How long the window may take to become active (Qt's default wait, 5 s, is short on a
loaded machine)."""
WARM_ROUNDS = 200
"""At most this many untimed rounds fill a store's WAL before the presses are timed."""
CREATED = "2026-11-21T10:00:00Z"
ROOT = Path(__file__).resolve().parents[2]


# -- the event loop ----------------------------------------------------------------------------
def settle() -> None:
    """Run the event loop until it is about to block: every posted event (the repaint among
    them) and every timer due now has run."""
    loop = QEventLoop()
    dispatcher = QAbstractEventDispatcher.instance()
    dispatcher.aboutToBlock.connect(loop.quit)
    QTimer.singleShot(0, lambda: None)  # the loop turns at least once
    loop.exec()
    dispatcher.aboutToBlock.disconnect(loop.quit)


def wait(ms: int) -> None:
    """Run the event loop for ``ms`` milliseconds, as the window's own loop runs. (QTest.qWait
    keeps the interpreter's lock while it sleeps: a worker thread, the search index's, stood
    nearly still while the benchmark waited for it.)"""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_while(busy: Callable[[], bool], limit_s: float = 60) -> None:
    """Run the event loop while ``busy()`` (checked every 20 ms), for ``limit_s`` at most."""
    deadline = time.perf_counter() + limit_s
    while busy() and time.perf_counter() < deadline:
        wait(20)


def timed(action: Callable[[], object]) -> float:
    """Seconds of ``action`` and the event loop's work after it, garbage collector held off."""
    gc.disable()
    try:
        start_at = time.perf_counter()
        action()
        settle()
        return time.perf_counter() - start_at
    finally:
        gc.enable()


def stall(seconds: float, busy: Callable[[], bool] = lambda: False) -> float:
    """The longest the event loop stood still (seconds) over the next ``seconds``, and on
    while ``busy()`` (up to a minute more)."""
    ticks = [time.perf_counter()]
    timer = QTimer(interval=5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    wait(int(seconds * 1000))
    wait_while(busy)
    timer.stop()
    ticks.append(time.perf_counter())
    return max(b - a for a, b in pairwise(ticks))


# -- stores -------------------------------------------------------------------------------------
def corpus_store(cache: Path, documents: int) -> Path:
    """The generated store of ``documents`` documents, built once through the bulk import and
    kept in ``cache`` (named by its sizes and the store's schema revision)."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"corpus-{documents}-{CHARS}-{SPANS}-{head_revision()}.sqlite"
    if not path.exists():
        building = path.with_suffix(f".{os.getpid()}.building")  # runs at once build apart
        began = time.perf_counter()
        store = Store.open(building)
        store.import_documents(generate(documents, CHARS, SPANS))
        store.close()
        os.replace(building, path)
        print(f"built {path.name} in {time.perf_counter() - began:.1f} s", flush=True)
    return path


def working_copy(source: Path, folder: Path) -> Path:
    """A fresh copy of the store ``source`` in ``folder`` (the runs edit it)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "store.sqlite"
    shutil.copyfile(source, target)
    return target


@dataclass
class BigDocuments:
    """The uids of the big documents' store."""

    path: Path
    dense: str  # 5 MB, 20,000 spans of the window's annotator
    sparse: str  # 5 MB, 60 spans
    huge: str  # 5 MB, 200,000 spans
    paragraph: str  # one 2 MB line, 5,000 spans
    huge_alone: Path  # a store of the huge document alone
    tiny_alone: Path  # a store of one small document alone (the window's constant)


def as_spans(text: str, styles: list, uid: str, annotator: str, prefix: str) -> list[Span]:
    return [Span(uid, s.start, s.end, LABELS[n % len(LABELS)], annotator, f"{prefix}{n}", {},
                 None, CREATED) for n, s in enumerate(styles) if text[s.start:s.end].strip()]


def big_store(folder: Path, scale: int) -> BigDocuments:
    """The big documents (a ``scale``-th of their sizes), in one new store."""
    folder.mkdir(parents=True, exist_ok=True)
    records, uids = [], []
    for name, chars, lines, count, seed in (("dense", 5_000_000, 50_000, 20_000, 1),
                                            ("sparse", 5_000_000, 50_000, 60, 2),
                                            ("huge", 5_000_000, 50_000, 200_000, 3),
                                            ("paragraph", 2_000_000, 1, 5_000, 4)):
        text, styles = make_document(chars // scale, max(lines // scale, 1),
                                     max(count // scale, 60), seed)
        document = Document(text, f"{name} document")
        spans = as_spans(text, styles, document.uid, ANNOTATOR, f"{name}-")
        if name == "dense":  # another annotator on every tenth span: material for the review
            spans += [Span(s.document, s.start, s.end, s.label, "bo", f"bo-{s.id}", {}, None,
                           CREATED) for s in spans[::10]]
        records.append(AnnotatedDocument(document, tuple(spans)))
        uids.append(document.uid)
    text, styles = make_document(2_000, 20, 60, 5)
    tiny = Document(text, "tiny document")
    alone = [folder / "huge.sqlite", folder / "tiny.sqlite"]
    for path, record in zip(alone, (records[2], AnnotatedDocument(
            tiny, tuple(as_spans(text, styles, tiny.uid, ANNOTATOR, "tiny-")))), strict=True):
        store = Store.open(path)
        store.import_documents([record])
        store.close()
    path = folder / "big.sqlite"
    store = Store.open(path)
    store.import_documents(records)
    store.close()
    return BigDocuments(path, *uids, *alone)


# -- the window ---------------------------------------------------------------------------------
def open_window(app: QApplication, path: Path, folder: Path) -> MainWindow:
    """The main window on the store at ``path``, as ``counterclaim --db path`` builds it."""
    settings = QSettings(str(folder / "window.ini"), QSettings.Format.IniFormat)
    settings.setValue("annotator", ANNOTATOR)
    settings.setValue("welcomed", True)
    window = start(str(path), settings)
    if window is None:
        raise SystemExit(f"{path}: the window did not start")
    window.show()
    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    window.editor.view.setFocus()
    settle()
    return window


def close_window(window: MainWindow) -> None:
    window.settings.clear()
    window.close()
    window.service.store.close()
    window.service.hub.deleteLater()  # its timers (the watch, the backups) stop with it
    window.deleteLater()
    QThreadPool.globalInstance().waitForDone()  # its jobs' stores closed: the files may go
    settle()


def bring_front(window: MainWindow, dock: str, tab: int | None) -> None:
    widget = {"spans": window.spans, "dashboard": window.dashboard, "review": window.review,
              "history": window.history, "ledger": window.ledger}[dock]
    widget.raise_()
    settle()
    if dock == "review" and tab is not None:
        window.review.tabs.setCurrentIndex(tab)
    if dock == "dashboard" and tab is not None:
        tabs = window.dashboard.widget().findChild(type(window.review.tabs))
        if tabs is not None:
            tabs.setCurrentIndex(tab)
    settle()
    working = {"ledger": lambda: window.ledger.building,
               "review": lambda: (window.review.adjudication.planning
                                  or window.review.agreement.busy),
               "dashboard": lambda: window.dashboard.busy}.get(dock, lambda: False)
    wait_while(working)  # what it shows, read in the background
    settle()


class Bare:
    """The baselines of a key press: a raw sqlite3 INSERT + COMMIT into a span table in
    ``folder``, and a bare QPlainTextEdit of the editor view's size showing the same text.

    The table's WAL is filled to its checkpoint first, as any store in use has it (see
    :func:`warm_up`)."""

    def __init__(self, folder: Path, window: MainWindow) -> None:
        self.db = baseline_connection(folder / "baseline.sqlite")
        self.db.executescript(BASELINE_SCHEMA)
        self.db.execute("INSERT INTO documents VALUES (1, 'bench', 'bench', '', 0, '{}', '')")
        self.rows = 0
        self.checkpoint_pages = self.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        while wal_pages(folder / "baseline.sqlite-wal") < self.checkpoint_pages:
            self.insert()
        self.widget = QPlainTextEdit()
        self.widget.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.widget.setWindowFlag(Qt.WindowType.WindowDoesNotAcceptFocus)
        view = window.editor.view
        self.widget.resize(view.width(), view.height())
        self.widget.show()
        activate(window)
        view.setFocus()
        self.shown = ""

    def show(self, text: str, position: int = 0) -> None:
        if text is not self.shown:
            self.shown = text
            self.widget.setPlainText(display_text(text))
        bar = self.widget.verticalScrollBar()
        bar.setValue(min(position, bar.maximum()))
        settle()

    def insert(self) -> float:
        def run() -> None:
            self.rows += 1
            self.db.execute("BEGIN")
            self.db.execute("INSERT INTO spans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (f"b{self.rows}", 1, 1, 1, self.rows, self.rows + 30, "{}", None,
                             CREATED, CREATED))
            self.db.execute("COMMIT")
        return timed(run)

    def repaint(self) -> float:
        return timed(self.widget.viewport().repaint)

    def key(self) -> float:
        """One INSERT + COMMIT plus one repaint."""
        return self.insert() + self.repaint()

    def close(self) -> None:
        self.db.close()
        self.widget.close()
        self.widget.deleteLater()


def activate(window: MainWindow) -> None:
    """Make ``window`` the active window, as a user's click would: its label keys are
    shortcuts of the window, which act only while it is active (one run on a loaded machine
    stopped with a press not repainted: Qt's default wait for the activation, 5 s, had
    passed unheeded). What the window system still has to say comes first (another window
    shown takes the activation a moment later)."""
    settle()
    if window.isActiveWindow():
        return
    window.activateWindow()
    if not QTest.qWaitForWindowActive(window, ACTIVATION_MS):
        raise SystemExit(f"the window did not become active in {ACTIVATION_MS} ms: its label "
                         "keys would not act")


@lru_cache(maxsize=2)
def offset_map(text: str) -> OffsetMap:
    """The offsets of ``text``, made once: made before each create, the map of a 5 MB text
    left the press that followed ~1 ms slower (its caches cold), which no mouse selection
    does."""
    return OffsetMap(text)


def select_words(window: MainWindow, n: int) -> None:
    """Select a few whole words near the top of what the view shows (a new place each ``n``)."""
    view = window.editor.view
    text = window.editor.text
    offsets = offset_map(text)
    top = offsets.from_qt(view.firstVisibleBlock().position())
    start = text.find(" ", top + 3 * (n % 20)) + 1
    end = text.find(" ", start + 12)
    if start <= 0 or end < 0:
        raise SystemExit("no words to select near the top of the view")
    a, b = offsets.range_to_qt(start, end)
    cursor = view.textCursor()
    cursor.setPosition(a)
    cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    activate(window)
    view.setFocus()
    settle()


def press(window: MainWindow, key: Qt.Key,
          modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> float:
    """Seconds from a real key press on the text view until the window is idle, repainted."""
    view = window.editor.view
    view.painted_span_count = -1
    seconds = timed(lambda: QTest.keyClick(view, key, modifiers))
    if view.painted_span_count < 0:
        focus = QApplication.focusWidget()
        raise SystemExit(f"the key press {key.name} ({modifiers.name}) was not repainted "
                         f"({window.service.waiting} edits waiting for the store; the window "
                         f"{'' if window.isActiveWindow() else 'not '}active, the focus in "
                         f"{type(focus).__name__ if focus else 'nothing'})")
    return seconds


@dataclass
class Keys:
    """Median seconds of each kind of key press and of the baseline, per front."""

    times: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    base: list[float] = field(default_factory=list)
    by_front: dict[str, float] = field(default_factory=dict)

    def ratio(self) -> float:
        return max(self.by_front.values())

    def worst(self) -> str:
        return max(self.by_front, key=lambda k: self.by_front[k])

    def fronts(self) -> dict[str, float]:
        """The key_ratio of each front."""
        return {front: round(ratio, 2) for front, ratio in self.by_front.items()}


def key_round(window: MainWindow, n: int) -> dict[str, float]:
    """One create, relabel, undo and delete on a selection at place ``n``: seconds of each."""
    editor = window.editor
    select_words(window, n)
    times = {"create": press(window, Qt.Key.Key_C)}
    span = editor.selected()
    if span is None or span.label != "CLAIM":
        raise SystemExit("the label key made no claim")
    times["relabel"] = press(window, Qt.Key.Key_D)
    if (editor.selected() or span).label != "DENIAL":
        raise SystemExit("the label key did not relabel the span")
    times["undo"] = press(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    if (editor.selected() or span).label != "CLAIM":
        raise SystemExit("Ctrl+Z did not undo the relabel")
    times["delete"] = press(window, Qt.Key.Key_Delete)
    if span.id in editor._spans:
        raise SystemExit("Delete did not delete the span")
    return times


def wal_pages(wal: Path) -> int:
    """The pages a WAL file holds (0 when there is none)."""
    return wal.stat().st_size // 4096 if wal.exists() else 0


def warm_up(window: MainWindow, store: Path, bare: Bare) -> None:
    """Untimed rounds of key presses until the store's WAL is filled to its checkpoint, as
    the baseline's is. A fresh WAL grows its file at each commit, which costs a commit about
    twice one into a WAL reusing its pages (0.25 against 0.12 ms, the baseline's INSERT +
    COMMIT); the window's store fills its WAL in ~25 rounds and the baseline's in ~60, so
    unwarmed, the fronts timed in between were read against a baseline ~0.13 ms higher than
    the later ones' (session 18)."""
    wal = Path(f"{store}-wal")
    for n in range(WARM_ROUNDS):
        if wal_pages(wal) >= bare.checkpoint_pages:
            return
        key_round(window, n)
    raise SystemExit(f"{WARM_ROUNDS} rounds of key presses did not fill the WAL of {store} "
                     f"to its checkpoint ({wal_pages(wal)} of {bare.checkpoint_pages} pages)")


def key_rounds(window: MainWindow, bare: Bare, rounds: int, fronts=FRONTS) -> Keys:
    """``rounds`` of create, relabel, undo, delete with each front in turn."""
    keys = Keys()
    editor = window.editor
    bare.show(editor.text, editor.view.verticalScrollBar().value())
    n = 0
    for dock, tab in fronts:
        bring_front(window, dock, tab)
        times: dict[str, list[float]] = {k: [] for k in KINDS}
        base: list[float] = []
        for _ in range(rounds):
            n += 1
            for kind, seconds in key_round(window, n).items():
                times[kind].append(seconds)
            base += [bare.key() for _ in KINDS]
        worst = max(statistics.median(t) for t in times.values())
        keys.by_front[f"{dock}{'' if tab is None else tab}"] = worst / statistics.median(base)
        for kind in KINDS:
            keys.times[kind] += times[kind]
        keys.base += base
    return keys


def dashboard_stall(window: MainWindow) -> float:
    """The longest stand-still of the event loop in the 1.5 s after an edit, the dashboard
    (its first tab) in front, and until its refresh has ended (its counts and bars drawn; its
    pair figures are computed only with its Agreement tab in front)."""
    bring_front(window, "dashboard", 0)

    def busy() -> bool:
        return window.dashboard.busy

    stall(1.5, busy)  # its refresh on being shown
    select_words(window, 99)
    press(window, Qt.Key.Key_C)
    worst = stall(1.5, busy)
    press(window, Qt.Key.Key_Delete)
    stall(1.5, busy)
    bring_front(window, "spans", None)
    return worst


def next_documents(window: MainWindow, bare: Bare, count: int) -> tuple[list[float], list[float]]:
    """Seconds of each Ctrl+Down, and of a bare setPlainText of the same texts + repaint."""
    window.documents.model.fetchMore()
    steps, base = [], []
    for _ in range(count):
        steps.append(press(window, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier))
        text = display_text(window.editor.text)
        base.append(timed(lambda t=text: (bare.widget.setPlainText(t),
                                          bare.widget.viewport().repaint())))
    bare.shown = ""
    return steps, base


def searches(window: MainWindow, path: Path) -> tuple[float, float, float]:
    """(first search, median later search, median raw FTS query) in seconds."""
    documents = window.documents

    def search(words: str) -> float:
        documents.search.setText(words)
        documents._debounce.stop()
        return timed(documents.apply_filters)

    began = time.perf_counter()
    documents.search.setText(SEARCHES[0])  # the index catches up in the background from here
    documents._debounce.stop()
    documents.apply_filters()
    while window.service.indexing:  # the list follows when it is done
        wait(5)
    settle()
    first = time.perf_counter() - began
    later = [search(words) for words in SEARCHES[1:] for _ in range(2)]
    raw = [raw_search(path, words) for words in SEARCHES[1:] for _ in range(2)]
    documents.search.setText("")
    documents._debounce.stop()
    documents.apply_filters()
    settle()
    return first, statistics.median(later), statistics.median(raw)


def raw_search(path: Path, words: str) -> float:
    """One FTS5 query for the first page of matches (id, title, length) and their count:
    the MATCH expression the window's search of ``words`` runs (the corpus stores have no
    document longer than an index part: each is one row, numbered by its id)."""
    query = fts_query(parse(words))
    conn = sqlite3.connect(path)
    try:
        def run() -> None:
            conn.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?",
                         (query,)).fetchone()
            conn.execute("SELECT id, uid, title, length FROM documents WHERE id IN (SELECT "
                         "rowid FROM documents_fts WHERE documents_fts MATCH ?) ORDER BY id "
                         "LIMIT 200", (query,)).fetchall()
        return timed(run)
    finally:
        conn.close()


# -- start-up ----------------------------------------------------------------------------------
PAINTED = """
def quit_after_first_paint(target):
    \"\"\"Once the event loop is idle after ``target``'s first paint: "painted", and quit.\"\"\"
    from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
    def painted():
        print("painted", flush=True)
        QCoreApplication.quit()
    class Painted(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                QTimer.singleShot(0, painted)
            return False
    target.installEventFilter(Painted(target))
"""
WINDOW_CHILD = PAINTED + """
import sys
sys.path.insert(0, {root!r})
from desktop.cli import main
import desktop.app
made = desktop.app.application
def application():  # run_app's first call: the window it then shows watches its text's paint
    desktop.app.application = made
    app = made()
    from PySide6.QtWidgets import QMainWindow
    show = QMainWindow.show
    def shown(window):
        QMainWindow.show = show
        quit_after_first_paint(window.editor.view.viewport())
        show(window)
    QMainWindow.show = shown
    return app
desktop.app.application = application
sys.exit(main(["--db", {store!r}]))  # as the counterclaim script runs it, settings and all
"""
BARE_CHILD = PAINTED + """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit
app = QApplication(sys.argv[:1])
window = QMainWindow(); window.resize(1500, 960)
window.setCentralWidget(QPlainTextEdit("a bare window"))
quit_after_first_paint(window.centralWidget().viewport())
window.show()
app.exec()
"""
SETTINGS = "[General]\nannotator=amina\nwelcomed=true\n"
"""The window child's settings (its user's config folder): the last session's annotator, the
welcome note dismissed."""


def start_seconds(code: str, bytecode: Path | None = None, config: Path | None = None) -> float:
    """Seconds from starting a Python process running ``code`` until it printed "painted" (not
    until it ended: at its end the window waits for its workers' jobs, the daily backup of a big
    store among them); with ``bytecode``, the process keeps its compiled modules in that folder
    (and reads them from there), else it compiles what has none and keeps nothing if the
    environment says so (PYTHONDONTWRITEBYTECODE); ``config``: its user's config folder
    (XDG_CONFIG_HOME)."""
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    if config is not None:
        env["XDG_CONFIG_HOME"] = str(config)
    if bytecode is not None:
        env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    began = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    painted = any(line == "painted\n" for line in child.stdout)
    seconds = time.perf_counter() - began
    _out, err = child.communicate(timeout=600)
    if not painted or child.returncode != 0:
        raise SystemExit(f"the window did not start:\n{err}")
    return seconds


def start_ratio(source: Path, folder: Path, runs: int,
                bytecode: Path | None = None) -> tuple[float, float]:
    """Median seconds to the first painted window on a fresh copy of ``source`` (its daily
    backup due), and a bare PySide6 window's, taken in turns; with ``bytecode``, a folder
    where one untimed start of each first writes their compiled modules."""
    window_s, bare_s = [], []
    for n in range(-1 if bytecode is not None else 0, runs):
        store = working_copy(source, folder / f"start{n}")
        config = store.parent / "config"
        (config / "Counterclaim").mkdir(parents=True)
        (config / "Counterclaim" / "Counterclaim.conf").write_text(SETTINGS)
        code = WINDOW_CHILD.format(root=str(ROOT), store=str(store))
        window = start_seconds(code, bytecode, config)
        bare = start_seconds(BARE_CHILD, bytecode)
        if n >= 0:
            window_s.append(window)
            bare_s.append(bare)
        shutil.rmtree(store.parent)
    return statistics.median(window_s), statistics.median(bare_s)


# -- memory ------------------------------------------------------------------------------------
def peak_mb() -> float:
    """This process's peak resident memory so far, in MB: Linux's VmHWM, which starts anew
    with the program (``ru_maxrss`` keeps the peak of the process it was started from)."""
    status = Path("/proc/self/status")
    if status.exists():
        for row in status.read_text().splitlines():
            if row.startswith("VmHWM:"):
                return int(row.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_child(kind: str, path: Path, folder: Path) -> float:
    """Peak MB of this process holding the one document of the store at ``path``: in the
    window (``kind`` "window"), each dock and tab of the bottom area in front in turn, their
    work in the background done; or in a bare QPlainTextEdit ("bare")."""
    app = QApplication.instance() or QApplication([])
    if kind == "bare":
        store = Store.open(path)
        text = display_text(store.document(store.list_documents()[0].uid).text)
        store.close()
        widget = QPlainTextEdit()
        widget.resize(1200, 800)
        widget.setPlainText(text)
        del text
        widget.show()
        settle()
        widget.viewport().repaint()
        return peak_mb()
    window = open_window(app, path, folder)
    for dock, tab in FRONTS:
        bring_front(window, dock, tab)
        wait(300)  # work a front starts after what bring_front waits for
        settle()
    return peak_mb()


def window_memory(big: BigDocuments, folder: Path) -> dict:
    """Peak memory of the window and of a bare QPlainTextEdit, each in a process of its own,
    holding the huge document and holding a small one (what the window costs whatever the
    document: the constant)."""
    def child(kind: str, path: Path) -> float:
        done = subprocess.run(
            [sys.executable, __file__, "--memory-child", kind, str(path), str(folder)],
            capture_output=True, text=True, env=os.environ | {"PYTHONPATH": str(ROOT)},
            timeout=900)
        if done.returncode != 0:
            raise SystemExit(f"the memory run ({kind}) failed:\n{done.stderr}")
        return float(done.stdout.strip().splitlines()[-1])

    folder.mkdir(parents=True, exist_ok=True)
    window, bare = child("window", big.huge_alone), child("bare", big.huge_alone)
    window_tiny, bare_tiny = child("window", big.tiny_alone), child("bare", big.tiny_alone)
    constant = window_tiny - bare_tiny
    return {"memory_ratio": round((window - constant) / bare, 2),
            "memory_window_mb": round(window, 1), "memory_bare_mb": round(bare, 1),
            "memory_constant_mb": round(constant, 1)}


# -- big documents -----------------------------------------------------------------------------
def open_document(window: MainWindow, bare: Bare, uid: str) -> tuple[float, float]:
    """Seconds to open document ``uid`` in the window until idle, and a bare setPlainText of
    its text with the repaint."""
    seconds = timed(lambda: window.service.open_document(uid))
    text = display_text(window.editor.text)
    bare.shown = ""
    base = timed(lambda: (bare.widget.setPlainText(text), bare.widget.viewport().repaint()))
    return seconds, base


def paragraph_repaints(window: MainWindow, bare: Bare, positions: int) -> float:
    """Median viewport repaint of the window's view over the bare one's, scroll positions
    taken in turns."""
    view = window.editor.view
    bare.show(window.editor.text)
    mine, theirs = [], []
    for n in range(positions):
        for widget, times in ((view, mine), (bare.widget, theirs)):
            bar = widget.verticalScrollBar()
            bar.setValue(bar.maximum() * n // max(positions - 1, 1))
            settle()
            times.append(min(timed(widget.viewport().repaint) for _ in range(3)))
    return statistics.median(mine) / statistics.median(theirs)


def relabels(window: MainWindow, rounds: int) -> float:
    """Median seconds of a relabel key press (the span made and deleted untimed)."""
    times = []
    for n in range(rounds):
        select_words(window, n)
        press(window, Qt.Key.Key_C)
        times.append(press(window, Qt.Key.Key_D))
        press(window, Qt.Key.Key_Delete)
    return statistics.median(times)


# -- main --------------------------------------------------------------------------------------
def measure_store(app: QApplication, path: Path, folder: Path, rounds: int,
                  figures: dict) -> Keys:
    began = time.perf_counter()
    window = open_window(app, path, folder)
    opened = time.perf_counter() - began
    bare = Bare(folder, window)
    try:
        warm_up(window, path, bare)
        keys = key_rounds(window, bare, rounds)
        stalled = dashboard_stall(window)
        steps, steps_base = next_documents(window, bare, rounds)
        first, later, raw = searches(window, path)
    finally:
        bare.close()
        close_window(window)
    figures.update(key_ratio=round(keys.ratio(), 2), worst_front=keys.worst(),
                   key_fronts=keys.fronts(),
                   **{f"{k}_ms": round(statistics.median(v) * 1e3, 2)
                      for k, v in keys.times.items()},
                   key_base_ms=round(statistics.median(keys.base) * 1e3, 3),
                   window_open_s=round(opened, 3), dashboard_stall_s=round(stalled, 3),
                   next_doc_ratio=round(statistics.median(steps) / statistics.median(steps_base),
                                        2),
                   next_doc_mean_ratio=round(statistics.fmean(steps)
                                             / statistics.fmean(steps_base), 2),
                   next_doc_ms=round(statistics.median(steps) * 1e3, 2),
                   search_first_s=round(first, 3), search_ratio=round(later / raw, 2),
                   search_ms=round(later * 1e3, 2), raw_search_ms=round(raw * 1e3, 3))
    return keys


def measure_big(app: QApplication, folder: Path, scale: int, rounds: int, figures: dict) -> None:
    began = time.perf_counter()
    big = big_store(folder / "big", scale)
    print(f"big documents built in {time.perf_counter() - began:.1f} s", flush=True)
    began = time.perf_counter()
    window = open_window(app, big.path, folder / "big")
    indexed: list[float] = []  # the presses go on meanwhile: see the module's text
    polled = QTimer(interval=10)
    polled.timeout.connect(lambda: indexed or window.service.indexing
                           or indexed.append(time.perf_counter() - began))
    polled.start()
    bare = Bare(folder / "big", window)
    try:
        open_document(window, bare, big.sparse)  # the window opened the first, the dense one
        open_20k, base_20k = open_document(window, bare, big.dense)
        warm_up(window, big.path, bare)
        keys = key_rounds(window, bare, rounds)
        dense_relabel = relabels(window, rounds)
        open_document(window, bare, big.sparse)
        sparse_relabel = relabels(window, rounds)
        open_huge, base_huge = open_document(window, bare, big.huge)
        open_document(window, bare, big.paragraph)
        paragraph = paragraph_repaints(window, bare, 10 if scale > 1 else 30)
        paragraph_keys = key_rounds(window, bare, rounds, FRONTS[:1])
        wait_while(lambda: not indexed, 600)
    finally:
        polled.stop()
        bare.close()
        close_window(window)
    figures.update(key_ratio=round(keys.ratio(), 2), worst_front=keys.worst(),
                   key_fronts=keys.fronts(),
                   **{f"{k}_ms": round(statistics.median(v) * 1e3, 2)
                      for k, v in keys.times.items()},
                   key_base_ms=round(statistics.median(keys.base) * 1e3, 3),
                   relabel_growth=round(dense_relabel / sparse_relabel, 2),
                   big_indexed_s=round(indexed[0], 2),
                   big_doc_20k_open_ratio=round(open_20k / base_20k, 2),
                   big_doc_20k_open_s=round(open_20k, 3),
                   big_doc_open_ratio=round(open_huge / base_huge, 2),
                   big_doc_open_s=round(open_huge, 3),
                   paragraph_repaint_ratio=round(paragraph, 2),
                   paragraph_key_ratio=round(paragraph_keys.ratio(), 2),
                   **window_memory(big, folder / "memory"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="stores of 200 and 2,000 documents, a tenth of the big documents")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "counterclaim-bench-window",
                        help="where the generated stores are kept between runs")
    parser.add_argument("--sizes", help="store sizes, comma-separated (default 1000,10000,"
                        "100000; --quick 200,2000)")
    parser.add_argument("--scale", type=int, help="the big documents at 1/SCALE of their "
                        "sizes (default 1; --quick 10)")
    parser.add_argument("--memory-child", nargs=3, metavar=("KIND", "STORE", "FOLDER"),
                        help=argparse.SUPPRESS)  # one run of window_memory's
    args = parser.parse_args(argv)
    if args.memory_child:
        kind, path, folder = args.memory_child
        print(memory_child(kind, Path(path), Path(folder)))
        return 0
    sizes = [int(n) for n in (args.sizes or ("200,2000" if args.quick else
                                             "1000,10000,100000")).split(",")]
    rounds = 3 if args.quick else ROUNDS
    scale = args.scale or (10 if args.quick else 1)
    app = QApplication.instance() or QApplication([])
    stores: dict[int, dict] = {}
    big: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for size in sizes:
            source = corpus_store(args.cache, size)
            stores[size] = {}
            measure_store(app, working_copy(source, folder / str(size)), folder / str(size),
                          rounds, stores[size])
            shutil.rmtree(folder / str(size))
            print(f"{size:,} documents: {json.dumps(stores[size])}", flush=True)
        measure_big(app, folder, scale, rounds, big)
        print(f"big documents: {json.dumps(big)}", flush=True)
        starts = 2 if args.quick else 3
        window_start, bare_start = start_ratio(corpus_store(args.cache, sizes[-1]), folder,
                                               starts, folder / "bytecode")
        compiling_start, compiling_bare = start_ratio(corpus_store(args.cache, sizes[-1]),
                                                      folder, starts)
    smallest, biggest = stores[sizes[0]], stores[sizes[-1]]
    result = {
        "key_ratio": max([s["key_ratio"] for s in stores.values()] + [big["key_ratio"]]),
        "key_growth": round(biggest["key_ratio"] / smallest["key_ratio"], 2),
        "next_doc_ratio": max(s["next_doc_ratio"] for s in stores.values()),
        "next_doc_mean_ratio": max(s["next_doc_mean_ratio"] for s in stores.values()),
        "start_ratio": round(window_start / bare_start, 2),
        "start_compiling_ratio": round(compiling_start / compiling_bare, 2),
        "search_ratio": max(s["search_ratio"] for s in stores.values()),
        "big_doc_open_ratio": big["big_doc_open_ratio"],
        "paragraph_repaint_ratio": big["paragraph_repaint_ratio"],
        "paragraph_key_ratio": big["paragraph_key_ratio"],
        "relabel_growth": big["relabel_growth"],
        "big_doc_20k_open_ratio": big["big_doc_20k_open_ratio"],
        "memory_ratio": big["memory_ratio"],
        "dashboard_stall_s": max(s["dashboard_stall_s"] for s in stores.values()),
        "search_first_s": max(s["search_first_s"] for s in stores.values()),
        "start_s": round(window_start, 3),
        "bare_start_s": round(bare_start, 3),
        "stores": {str(size): figures for size, figures in stores.items()},
        "big_documents": big,
        "big_scale": scale,
        "quick": args.quick,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
