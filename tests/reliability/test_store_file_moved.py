"""The store file moved, deleted or replaced while the store is open: the next write is
refused with a plain message (nothing is reported saved that is not), and the open store can
be saved elsewhere through the connection that still holds it, then worked on there."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox

from annotate.commands import CreateSpan
from annotate.errors import StoreError, StoreFileGone
from annotate.model import Span
from db.store import Store
from desktop.main_window import MainWindow
from desktop.service import Service


def moved(path: Path) -> None:
    os.rename(path, path.with_name("elsewhere.sqlite"))


def deleted(path: Path) -> None:
    path.unlink()


def replaced(path: Path) -> None:
    """Another store renamed over it (as a sync tool or "save as" of another program does)."""
    other = path.with_name("other.sqlite")
    Store.open(other).close()
    os.replace(other, path)


MISHAPS = pytest.mark.parametrize("mishap", [moved, deleted, replaced])


def spans_in(path: Path) -> int:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM spans").fetchone()[0]
    finally:
        conn.close()


def first_span(store: Store, start: int = 0) -> CreateSpan:
    uid = store.list_documents()[0].uid
    return CreateSpan(Span(uid, start, start + 4, "PERSON", "amina"))


@MISHAPS
def test_the_next_write_is_refused(store_path: Path, mishap: Callable[[Path], None]) -> None:
    store = Store.open(store_path)
    store.apply(first_span(store), "amina")
    mishap(store_path)
    with pytest.raises(StoreFileGone, match="moved, deleted or replaced") as refused:
        store.apply(first_span(store, 10), "amina")
    assert str(store_path) in str(refused.value) and "not saved" in str(refused.value)
    with pytest.raises(StoreFileGone):
        store.set_setting("marker", "x")
    assert len(store.spans(store.list_documents()[0].uid, ["amina"])) == 1  # reads go on
    store.close()
    if store_path.exists():  # replaced: the file there is the other store, untouched
        assert spans_in(store_path) == 0


@MISHAPS
def test_no_committed_edit_is_stranded_in_the_wal(store_path: Path,
                                                   mishap: Callable[[Path], None]) -> None:
    """The WAL stays at the old name: closing (or the next write) moves its edits into the
    file the store has open, and leaves nothing there for a file put in its place to take."""
    store = Store.open(store_path)
    store.apply(first_span(store), "amina")
    mishap(store_path)
    store.close()
    stale = Path(f"{store_path}-wal")
    assert not stale.exists() or stale.stat().st_size == 0
    elsewhere = store_path.with_name("elsewhere.sqlite")
    if elsewhere.exists():
        assert spans_in(elsewhere) == 1
    if store_path.exists():
        assert spans_in(store_path) == 0
    Store.open(store_path).close()  # whatever is there (or a new store) opens sound


@MISHAPS
def test_the_open_store_is_saved_elsewhere_whole(store_path: Path, tmp_path: Path,
                                                  mishap: Callable[[Path], None]) -> None:
    store = Store.open(store_path)
    for start in (0, 10, 20):
        store.apply(first_span(store, start), "amina")
    documents = store.count_documents()
    mishap(store_path)
    rescued = tmp_path / "rescued" / "kept.sqlite"
    rescued.parent.mkdir()
    store.save_copy(rescued)
    store.close()
    assert spans_in(rescued) == 3
    reopened = Store.open(rescued)
    assert reopened.count_documents() == documents
    reopened.apply(first_span(reopened, 30), "amina")  # and work goes on there
    assert reopened.span_count("amina") == 4
    reopened.close()


def test_a_copy_is_not_written_over_the_open_store_or_a_live_one(store_path: Path,
                                                                 tmp_path: Path) -> None:
    store = Store.open(store_path)
    with pytest.raises(StoreError, match="another name"):
        store.save_copy(store_path)
    busy = tmp_path / "busy.sqlite"
    other = Store.open(busy)
    other.set_setting("marker", "theirs")  # leaves busy.sqlite-wal while it is open
    with pytest.raises(StoreError, match="in use"):
        store.save_copy(busy)
    assert other.setting("marker") == "theirs"
    other.close()
    store.close()


def test_no_copy_is_taken_of_whatever_file_is_there_now(store_path: Path,
                                                        tmp_path: Path) -> None:
    """When every connection that had the store open is gone, a new one would read the file
    now at its path (or an empty one): no copy then, rather than a wrong one."""
    store = Store.open(store_path)
    store.apply(first_span(store), "amina")
    replaced(store_path)
    store.engine.dispose()  # the pool's connections are closed
    with pytest.raises(StoreError, match="no connection to the store as it was opened"):
        store.save_copy(tmp_path / "copy.sqlite")
    assert not (tmp_path / "copy.sqlite").exists()
    store.close()


def test_a_copy_that_cannot_be_written_changes_nothing(store_path: Path,
                                                      tmp_path: Path) -> None:
    store = Store.open(store_path)
    text = tmp_path / "notes.sqlite"
    text.write_text("my notes, not a database " * 100)
    with pytest.raises(StoreError, match="could not be saved"):
        store.save_copy(text)
    assert text.read_text() == "my notes, not a database " * 100
    with pytest.raises(StoreError, match="could not be saved"):
        store.save_copy(tmp_path / "no such folder" / "x.sqlite")
    assert not (tmp_path / "no such folder").exists()
    with pytest.raises(StoreError, match="could not be saved"):
        store.save_copy(tmp_path)
    store.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite", "store.sqlite"]


def test_the_service_saves_elsewhere_and_goes_on_there(store_path: Path, tmp_path: Path) -> None:
    service = Service(Store.open(store_path), "amina")
    lost: list[str] = []
    service.hub.storeLost.connect(lost.append)
    assert service.apply(first_span(service.store)) is not None
    moved(store_path)
    assert service.apply(first_span(service.store, 10)) is None
    assert len(lost) == 1 and "not saved" in lost[0]
    target = tmp_path / "saved.sqlite"
    assert service.save_store_as(str(target)) is True
    assert service.location == str(target)
    assert service.apply(first_span(service.store, 10)) is not None
    assert service.store.span_count("amina") == 2
    service.store.close()
    assert spans_in(target) == 2


@pytest.mark.gui
def test_the_window_offers_to_save_the_store_elsewhere(qtbot, store_path: Path, tmp_path: Path,
                                                       monkeypatch) -> None:
    service = Service(Store.open(store_path), "amina")
    window = MainWindow(service, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    shutil.move(store_path, tmp_path / "gone.sqlite")
    assert service.apply(first_span(service.store)) is None
    box = window.lost_box
    assert box is not None and box.isVisible() and "moved, deleted or replaced" in box.text()
    target = tmp_path / "new home.sqlite"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), ""))
    save = box.button(QMessageBox.StandardButton.Save)
    assert save is not None and "Save" in save.text()
    save.click()
    qtbot.waitUntil(lambda: service.location == str(target))
    assert "new home.sqlite" in window.windowTitle()
    assert service.apply(first_span(service.store)) is not None
    service.store.close()
    assert spans_in(target) == 1
