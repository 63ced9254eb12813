"""The import and export dialogs show the choices last used, across restarts: format and options
for every store, output path, annotators, labels and maps for the store they were used with."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from window_helpers import open_window

from annotate.model import AnnotatedDocument, Document
from db.store import Store
from desktop.dialogs.transfer import ExportDialog, ImportDialog, checked

pytestmark = pytest.mark.gui
TIMEOUT_MS = 30_000


def make_store(path: Path) -> Path:
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(Document("The ministry said the bridge held.",
                                                       "Bridge"))])
    store.close()
    return path


def menu_dialog(window, text: str, kind: type):
    """Open a dialog from the File menu, as a click on the entry does."""
    action = next(a for a in window.menuBar().actions()[0].menu().actions()
                  if a.text().replace("&", "") == text)
    action.trigger()
    return [d for d in window.findChildren(kind) if d.isVisible()][-1]


def restarted(qtbot, window, path: Path, tmp_path: Path):
    """Close ``window`` and open another on the store at ``path``, its settings read anew from
    the file (as after a restart)."""
    window.close()
    window.service.store.close()
    again = open_window(qtbot, path, tmp_path)
    assert isinstance(again.settings, QSettings)
    return again


def test_export_choices_come_back_after_a_restart_and_paths_stay_with_their_store(
        qtbot, tmp_path):
    path = make_store(tmp_path / "s.sqlite")
    other = make_store(tmp_path / "other.sqlite")
    window = open_window(qtbot, path, tmp_path)
    dialog = menu_dialog(window, "Export…", ExportDialog)
    out = tmp_path / "out" / "bridge.csv"
    dialog.format.setCurrentText("csv")
    dialog.out.setText(str(out))
    dialog.status.setCurrentText("done")
    dialog.seed.setValue(41)
    dialog.split.setText("0.5,0.5")
    dialog.labels.item(0).setCheckState(Qt.CheckState.Unchecked)
    unchecked = dialog.labels.item(0).text()
    with qtbot.waitSignal(dialog.ended, timeout=TIMEOUT_MS):
        dialog.accept()

    window = restarted(qtbot, window, path, tmp_path)
    dialog = menu_dialog(window, "Export…", ExportDialog)
    assert (dialog.format.currentText(), dialog.out.text()) == ("csv", str(out))
    assert (dialog.status.currentText(), dialog.seed.value(), dialog.split.text()) == \
        ("done", 41, "0.5,0.5")
    assert unchecked not in checked(dialog.labels)
    assert len(checked(dialog.labels)) == dialog.labels.count() - 1
    dialog.reject()

    assert window.open_store(str(other))
    dialog = menu_dialog(window, "Export…", ExportDialog)
    assert dialog.format.currentText() == "csv"  # a choice for every store
    assert dialog.out.text() == ""  # the other store's output is its own
    assert checked(dialog.labels) == [dialog.labels.item(i).text()
                                      for i in range(dialog.labels.count())]
    dialog.reject()
    window.service.store.close()


def test_import_choices_come_back_but_not_a_cancelled_dialogs(qtbot, tmp_path):
    path = make_store(tmp_path / "s.sqlite")
    source = tmp_path / "in.txt"
    source.write_text("A plain text to check.", encoding="utf-8")
    window = open_window(qtbot, path, tmp_path)
    dialog = menu_dialog(window, "Import…", ImportDialog)
    dialog.set_paths([source])
    dialog.format.setCurrentText("conll")
    dialog.format.setCurrentText("doccano")
    dialog.annotator.setText("bob")
    dialog.label_map.setPlainText("ARMY=ORG")
    dialog.scheme.setCurrentIndex(dialog.scheme.count() - 1)
    scheme = dialog.scheme.currentText()
    dialog.dry_run.setChecked(True)  # only checks: nothing written
    with qtbot.waitSignal(dialog.ended, timeout=TIMEOUT_MS):
        dialog.accept()
    cancelled = menu_dialog(window, "Import…", ImportDialog)
    cancelled.annotator.setText("carol")
    cancelled.reject()

    window = restarted(qtbot, window, path, tmp_path)
    dialog = menu_dialog(window, "Import…", ImportDialog)
    assert (dialog.format.currentText(), dialog.annotator.text(),
            dialog.label_map.toPlainText(), dialog.scheme.currentText()) == \
        ("doccano", "bob", "ARMY=ORG", scheme)
    assert not dialog.dry_run.isChecked()  # "only check" is chosen each time
    assert dialog.chosen_paths() == []
    dialog.reject()
    window.service.store.close()
