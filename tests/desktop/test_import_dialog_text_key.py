"""The window's import dialog: the field holding the text (doccano, Label Studio), and what a
file held that the import could not keep, in its summary."""

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QObject, Signal

from db.store import Store
from desktop.dialogs.transfer import ImportDialog

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "labelstudio"
TIMEOUT_MS = 60_000


class Hub(QObject):
    storeChanged = Signal()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "s.sqlite")
    yield store
    store.close()


def run(qtbot, store: Store, path: Path, text_key: str = "", dry_run: bool = False) -> str:
    dialog = ImportDialog(None, SimpleNamespace(store=store, annotator="ana", hub=Hub()))
    qtbot.addWidget(dialog)
    dialog.set_paths([path])
    dialog.text_key.setText(text_key)
    dialog.add_labels.setChecked(True)
    dialog.dry_run.setChecked(dry_run)
    with qtbot.waitSignal(dialog.ended, timeout=TIMEOUT_MS):
        dialog.accept()
    return dialog.summary.text()


def test_the_text_field_chosen_in_the_dialog_is_read(qtbot, store: Store) -> None:
    path = FIXTURES / "two_text_fields.json"
    assert "name it with --text-key" in run(qtbot, store, path)
    text = run(qtbot, store, path, text_key=" body ")
    assert f"{path}: 1 new documents (0 already stored)" in text
    assert [r.document.text for r in store.iter_documents()] == ["Gao is far."]


def test_the_check_lists_what_would_not_be_imported(qtbot, store: Store) -> None:
    text = run(qtbot, store, FIXTURES / "image_and_text.json", dry_run=True)
    assert "Checked 1 of 1 files: nothing was written." in text
    assert ("  not imported: 1 rectanglelabels results (no place in a text annotation); "
            "1 results on tasks with an empty text; 1 tasks with an empty text "
            "(nothing to annotate)") in text
    assert store.count_documents() == 0
