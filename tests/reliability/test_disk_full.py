"""A full disk refuses an edit plainly and keeps the store whole; the window keeps what the
user typed and says why it was not saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtTest import QTest
from reliability_checks import check_whole

from annotate.commands import CreateSpan, set_note
from annotate.errors import StoreError
from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store
from desktop.main_window import MainWindow
from desktop.service import Service

BIG_NOTE = "a long note that needs new pages " * 8000  # about 260 kB


def test_full_disk_refuses_the_edit_and_keeps_the_store_whole(store_path: Path,
                                                                fill_disk) -> None:
    store = Store.open(store_path)
    uid = store.list_documents()[0].uid
    lift = fill_disk(store)
    saved: list[str] = []
    with pytest.raises(StoreError) as refused:
        for start in range(0, 5000, 3):  # small edits until the last free page is used
            span = Span(uid, start, start + 2, "PERSON", "amina")
            store.apply(CreateSpan(span), "amina")
            saved.append(span.id)
        store.apply(set_note(store.span(saved[0]), BIG_NOTE), "amina")
    assert str(refused.value) == "the disk is full: your edit was not saved"
    assert sorted(s.id for s in store.spans(uid, ["amina"])) == sorted(saved)
    model = check_whole(store_path)
    assert len(model.spans) == len(saved)
    with pytest.raises(StoreError, match="disk is full"):
        store.import_documents([AnnotatedDocument(Document(BIG_NOTE))])
    assert not store.has_document(Document(BIG_NOTE).uid)  # nothing partial
    lift()
    store.apply(set_note(store.span(saved[0]), BIG_NOTE), "amina")  # room again: it works
    assert store.span(saved[0]).note == BIG_NOTE
    assert store.undo("amina") is not None and store.span(saved[0]).note is None
    store.close()
    check_whole(store_path)


@pytest.mark.gui
def test_window_says_the_disk_is_full_and_keeps_the_note(qtbot, store_path: Path,
                                                         tmp_path: Path, fill_disk) -> None:
    QStandardPaths.setTestModeEnabled(True)
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    service = Service(Store.open(store_path), "amina")
    window = MainWindow(service, settings)
    qtbot.addWidget(window)
    window.show()
    uid = service.store.list_documents()[0].uid
    service.open_document(uid)
    span = Span(uid, 0, 5, "PERSON", "amina")
    assert service.apply(CreateSpan(span)) is not None
    window.editor.select_span(span.id)
    qtbot.waitUntil(lambda: window.inspector.span is not None)
    lift = fill_disk(service.store)
    window.inspector.note.setFocus()
    window.inspector.note.setPlainText(BIG_NOTE)
    window.inspector.save_note()
    qtbot.waitUntil(lambda: window.error_box is not None and window.error_box.isVisible())
    assert "disk is full" in window.error_box.text()
    assert window.inspector.note.toPlainText() == BIG_NOTE  # what was typed is kept
    assert service.store.span(span.id).note is None
    window.error_box.close()
    lift()
    window.inspector.save_note()  # the disk has room again: saving now works
    assert service.store.span(span.id).note == BIG_NOTE
    QTest.qWait(10)
    service.store.close()
    check_whole(store_path)
