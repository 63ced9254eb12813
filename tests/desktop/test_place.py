"""The window reopens the last document shown from each store, at the place left (top line and
caret), across restarts."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from window_helpers import open_window

from annotate.model import AnnotatedDocument, Document
from db.store import Store
from desktop.place import store_key

pytestmark = pytest.mark.gui

PARAGRAPHS = 300


def make_store(path: Path, titles: list[str]) -> Path:
    store = Store.open(path)
    store.import_documents(AnnotatedDocument(Document(
        "\n".join(f"{title} paragraph {n}: the ministry said the bridge was safe."
                  for n in range(PARAGRAPHS)), title)) for title in titles)
    store.close()
    return path


def uid_of(window, title: str) -> str:
    model = window.documents.model
    return next(row.uid for row in (model.document_row(i) for i in range(model.rowCount()))
                if row is not None and row.title == title)


def test_the_last_document_and_place_come_back_after_a_restart(qtbot, tmp_path):
    path = make_store(tmp_path / "s.sqlite", ["Alpha", "Beta", "Gamma"])
    window = open_window(qtbot, path, tmp_path)
    assert window.editor.title.text() == "Alpha"  # nothing remembered yet: the first one
    window.service.open_document(uid_of(window, "Beta"))
    text = window.editor.text
    caret = text.index("Beta paragraph 201:") + 5
    window.editor.view.scroll_to(caret)
    top, shown_caret = window.editor.view.place()
    assert top > 0 and shown_caret == caret
    window.close()
    window.service.store.close()

    again = open_window(qtbot, path, tmp_path)
    assert again.editor.title.text() == "Beta"
    qtbot.waitUntil(lambda: again.editor.view.place() == (top, caret))
    again.service.store.close()


def test_each_store_keeps_its_own_last_document(qtbot, tmp_path):
    first = make_store(tmp_path / "first.sqlite", ["Alpha", "Beta"])
    second = make_store(tmp_path / "second.sqlite", ["Delta", "Epsilon", "Zeta"])
    window = open_window(qtbot, first, tmp_path)
    window.service.open_document(uid_of(window, "Beta"))
    assert window.open_store(str(second))
    assert window.editor.title.text() == "Delta"
    window.service.open_document(uid_of(window, "Zeta"))
    view = window.editor.view
    view.scroll_to(window.editor.text.index("Zeta paragraph 150"))
    zeta = view.place()
    assert window.open_store(str(first))
    assert window.editor.title.text() == "Beta"
    assert window.open_store(str(second))
    assert window.editor.title.text() == "Zeta"
    qtbot.waitUntil(lambda: view.place() == zeta)
    window.service.store.close()


def test_a_reload_keeps_the_place_and_an_unknown_document_falls_back_to_the_first(
        qtbot, tmp_path):
    path = make_store(tmp_path / "s.sqlite", ["Alpha", "Beta"])
    window = open_window(qtbot, path, tmp_path)
    beta = uid_of(window, "Beta")
    window.service.open_document(beta)
    view = window.editor.view
    view.scroll_to(window.editor.text.index("Beta paragraph 222"))
    before = view.place()
    window.service.hub.storeChanged.emit()  # as after an import or another program's edit
    qtbot.waitUntil(lambda: view.place() == before)
    window.close()
    window.service.store.close()
    window.settings.setValue(f"{store_key(window.service.location)}/document", "not-there")
    again = open_window(qtbot, path, tmp_path)
    assert again.editor.title.text() == "Alpha"
    again.service.store.close()


def test_stepping_through_documents_writes_the_settings_file_once_after(qtbot, tmp_path):
    """Each write of the settings replaces the whole file on disk: Ctrl+Down through documents
    notes the place and writes it once the reader has stopped a moment, not on every step."""
    path = make_store(tmp_path / "s.sqlite", ["Alpha", "Beta", "Gamma", "Delta"])
    window = open_window(qtbot, path, tmp_path)
    ini = tmp_path / "window.ini"
    # the start's own write first: the store in File > Recent, once the window has painted
    qtbot.waitUntil(lambda: bool(window.recent_stores()))
    window.settings.sync()
    written = ini.read_bytes() if ini.exists() else b""
    for _ in range(3):
        qtbot.keyClick(window.editor.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
        qtbot.wait(20)  # the settings' own write, when one was asked for
        assert (ini.read_bytes() if ini.exists() else b"") == written
    assert window.editor.title.text() == "Delta"
    gamma = uid_of(window, "Gamma")
    qtbot.waitUntil(lambda: ini.exists() and gamma.encode() in ini.read_bytes(),
                    timeout=5_000)
    window.close()
    window.service.store.close()
    again = open_window(qtbot, path, tmp_path)
    assert again.editor.title.text() == "Delta"
    again.service.store.close()


def test_the_place_at_the_top_is_found_without_a_hit_test(qtbot, monkeypatch):
    """Each document left (Ctrl+Down) has its place noted: shown from its first line, its top
    is its start, as Qt's hit test of the view's corner finds it, without that test; scrolled,
    the hit test finds it."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QPlainTextEdit

    from desktop.textview import SpanTextView

    view = SpanTextView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    with qtbot.waitExposed(view):
        view.show()
    view.set_document("\n".join(f"ré {n}: the ministry said the bridge was safe."
                                for n in range(PARAGRAPHS)))
    cursor = view.textCursor()
    cursor.setPosition(40)
    view.setTextCursor(cursor)

    hit_test = QPlainTextEdit.cursorForPosition

    def hit_tested() -> tuple[int, int]:
        top = hit_test(view, QPoint(0, 0))
        top.movePosition(QTextCursor.MoveOperation.StartOfLine)
        return top.position(), view.textCursor().position()  # (no surrogates: the same)

    tested = []
    monkeypatch.setattr(QPlainTextEdit, "cursorForPosition",
                        lambda self, point: tested.append(point) or hit_test(self, point))
    assert view.place() == hit_tested() == (0, 40)
    assert len(tested) == 0
    view.verticalScrollBar().setValue(37)
    assert view.place() == hit_tested()
    assert view.place()[0] > 0 and len(tested) == 2  # (asked twice)


def test_a_document_opened_hashes_no_store_location(qtbot, tmp_path, monkeypatch):
    """Each document opened notes the place left and finds the place arrived at under the
    store's settings group, its location's hash: made once per store, not at each."""
    import desktop.place

    path = make_store(tmp_path / "s.sqlite", ["Alpha", "Beta", "Gamma"])
    window = open_window(qtbot, path, tmp_path)
    window.service.open_document(uid_of(window, "Beta"))
    hashed: list[bytes] = []
    sha256 = desktop.place.hashlib.sha256
    monkeypatch.setattr(desktop.place.hashlib, "sha256",
                        lambda data: hashed.append(data) or sha256(data))
    for title in ("Gamma", "Alpha", "Beta"):
        window.service.open_document(uid_of(window, title))
    assert window.editor.title.text() == "Beta"
    assert hashed == []
    window.service.store.close()
