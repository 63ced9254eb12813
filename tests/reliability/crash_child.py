"""The writer the crash tests kill: ``python crash_child.py STORE [--gui]``.

Started once, it imports everything and then waits on stdin; each line ``go SEED`` forks a
writer that opens the store and edits until it is killed (SIGKILL, by the test). Forking from
this prepared process saves the import time per kill. The writer prints ``ready PID`` once the
store is open, then, right after each edit is committed, ``E {json}``: the committed state of
every span the edit touched (``null`` when gone) and the statuses it set. When the writer is
dead and the test sends ``reap``, this process prints ``dead PID STATUS``.

Store mode edits through :class:`db.store.Store` (create, relabel, delete, status, undo);
``--gui`` mode builds the real main window offscreen and edits through it (select text and
press a label key, Delete, Ctrl+Z, Ctrl+Return), reporting from the hub's ``changed`` signal,
which the service emits right after the store committed.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

from annotate.commands import ChangeSet, CreateSpan, DeleteSpan, SetStatus, relabel
from annotate.edges import word_bounds
from annotate.errors import ValidationError
from annotate.model import STATUSES, Span
from db.store import Store

ANNOTATOR = "crash"
LABELS = ("CLAIM", "DENIAL", "PERSON", "ORG", "LOCATION")


def report(store: Store, changes: ChangeSet, annotator: str) -> None:
    spans: dict[str, list[object] | None] = {}
    for span_id in sorted(changes.spans):
        try:
            s = store.span(span_id)
            spans[span_id] = [s.document, s.label, s.start, s.end]
        except ValidationError:  # gone: the edit deleted it
            spans[span_id] = None
    status = {uid: store.status(uid, annotator) for uid in sorted(changes.documents)} \
        if changes.status else {}
    sys.stdout.write("E " + json.dumps({"spans": spans, "status": status}) + "\n")
    sys.stdout.flush()


def store_writer(path: Path, seed: int) -> None:
    rng = random.Random(seed)
    store = Store.open(path)
    docs = [(row.uid, row.length) for row in store.list_documents()]
    words = {uid: [a for a, _ in word_bounds(store.document(uid).text) if a < length - 30]
             for uid, length in docs}
    print(f"ready {os.getpid()}", flush=True)
    while True:
        uid = rng.choice(docs)[0]
        mine = store.spans(uid, [ANNOTATOR])
        roll = rng.random()
        if roll < 0.45 or not mine:
            start = rng.choice(words[uid])  # a word's start: never punctuation alone
            command = CreateSpan(Span(uid, start, start + rng.randrange(1, 30),
                                      rng.choice(LABELS), ANNOTATOR))
        elif roll < 0.6:
            span = rng.choice(mine)
            command = relabel(span, rng.choice([x for x in LABELS if x != span.label]))
        elif roll < 0.75:
            command = DeleteSpan(rng.choice(mine))
        elif roll < 0.85:
            command = SetStatus(uid, ANNOTATOR, rng.choice(STATUSES))
        else:
            changes = store.undo(ANNOTATOR)
            if changes is not None:
                report(store, changes, ANNOTATOR)
            continue
        report(store, store.apply(command, ANNOTATOR), ANNOTATOR)


def gui_writer(path: Path, seed: int) -> None:
    from PySide6.QtCore import QSettings, Qt, QTimer
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from desktop.main_window import MainWindow
    from desktop.service import Service

    app = QApplication([])
    rng = random.Random(seed)
    settings = QSettings(str(path.parent / f"gui-{seed}.ini"), QSettings.Format.IniFormat)
    settings.setValue("welcomed", True)
    service = Service(Store.open(path), ANNOTATOR)
    window = MainWindow(service, settings)
    window.show()
    service.hub.changed.connect(lambda changes: report(service.store, changes, ANNOTATOR))
    view = window.editor.view
    uids = [row.uid for row in service.store.list_documents()]

    def step() -> None:
        if not service.current or rng.random() < 0.1:
            service.open_document(rng.choice(uids))
        text = view.text()
        roll = rng.random()
        if roll < 0.5 or not window.editor.spans():
            start = rng.randrange(0, len(text) - 30)
            end = start + rng.randrange(1, 30)
            cursor = view.textCursor()
            cursor.setPosition(len(text[:start].encode("utf-16-le")) // 2)
            cursor.setPosition(len(text[:end].encode("utf-16-le")) // 2,
                               QTextCursor.MoveMode.KeepAnchor)
            view.setTextCursor(cursor)
            QTest.keyClick(view, Qt.Key.Key_1 + rng.randrange(0, 5))
        elif roll < 0.7:
            view.select_span(rng.choice(window.editor.spans()).id)
            QTest.keyClick(view, Qt.Key.Key_Delete)
        elif roll < 0.85:
            QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        else:
            QTest.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        QTimer.singleShot(0, step)

    window.activateWindow()
    view.setFocus()
    print(f"ready {os.getpid()}", flush=True)
    QTimer.singleShot(0, step)
    app.exec()


def main() -> None:
    path, gui = Path(sys.argv[1]), "--gui" in sys.argv
    if gui:  # loaded before forking, so each writer starts fast
        import desktop.main_window  # noqa: F401
    lines = iter(sys.stdin.readline, "")
    for line in lines:
        seed = int(line.split()[1])
        pid = os.fork()
        if pid == 0:
            try:
                (gui_writer if gui else store_writer)(path, seed)
            finally:
                os._exit(3)  # a writer only ends by being killed
        next(lines)  # "reap": the test killed the writer (until reaped its pid stays taken)
        _, status = os.waitpid(pid, 0)
        print(f"dead {pid} {status}", flush=True)


if __name__ == "__main__":
    main()
