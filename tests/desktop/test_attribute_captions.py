"""A label's fields in the Span panel are captioned with their names as written: an ``&`` in
a name is shown, not made a mnemonic of the window (an attribute ``R&D`` took Alt+D, the
Document menu's key, and moved the focus to its field; a screen reader read it ``RD``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication

from annotate.model import AnnotatedDocument, Document, Span
from annotate.schema import AttributeDef
from db.store import Store
from desktop.caption import Caption
from desktop.main_window import MainWindow
from desktop.service import Service

pytestmark = pytest.mark.gui

ME = "amina"


def test_an_ampersand_in_a_fields_name_is_shown_and_takes_no_key(qtbot, tmp_path: Path):
    document = Document("The army denied it on Tuesday.", "Amp")
    span = Span(document.uid, 4, 8, "CLAIM", ME)
    store = Store.open(tmp_path / "s.sqlite")
    schema = store.schema()
    store.set_schema(replace(schema, labels=tuple(
        replace(label, attributes=(*label.attributes, AttributeDef("R&D")))
        if label.name == "CLAIM" else label for label in schema.labels)))
    store.import_documents([AnnotatedDocument(document, (span,))])
    window = MainWindow(Service(store, ME),
                        QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    window.service.hub.spanRequested.emit(span.id)
    field = window.inspector._editors["R&D"].widget
    caption = next(c for c in field.parentWidget().findChildren(Caption) if c.buddy() is field)
    assert caption.text() == "R&&D"  # drawn as R&D (tests/desktop/test_caption.py)
    said = QAccessible.queryAccessibleInterface(caption).text(QAccessible.Text.Name)
    assert said == "R&D"  # (a screen reader said "RD")
    view = window.editor.view
    for _ in range(2):  # (two shortcuts of one key take it in turn)
        view.setFocus()
        qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
        menu = QApplication.activePopupWidget()
        assert not field.hasFocus() and menu is not None
        menu.close()
    store.close()
