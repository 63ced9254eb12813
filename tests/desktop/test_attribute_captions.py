"""A label's fields (the Span panel's, the review's edit dialog's, the Adjudication tab's
attribute choices) are captioned with their names as written: an ``&`` in a name is shown,
not made a mnemonic of the window (an attribute ``R&D`` took Alt+D, the Document menu's key,
and moved the focus to its field; a screen reader read it ``RD``), and markup is not rendered
(a hostile store's ``<img src="file:///dev/zero">`` hung the window reading it)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QLabel, QTabWidget

from annotate.adjudication import Item
from annotate.model import AnnotatedDocument, Document, Span
from annotate.schema import AttributeDef, default_schema
from db.store import Store
from desktop.caption import Caption
from desktop.main_window import MainWindow
from desktop.review.attribute_choices import AttributeChoices
from desktop.review.edit_dialog import EditDialog
from desktop.service import Service

pytestmark = pytest.mark.gui

ME = "amina"
MARKED = "<b>x</b> R&D"
"""A valid name (printable, short) holding markup and an ``&``."""


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


def shown_as_written(caption: QLabel, name: str) -> bool:
    """Whether ``caption`` shows ``name`` literally: plain text, its ``&`` doubled (so
    drawn as one, no key), read so by a screen reader."""
    said = QAccessible.queryAccessibleInterface(caption).text(QAccessible.Text.Name)
    return caption.textFormat() == Qt.TextFormat.PlainText and \
        caption.text() == name.replace("&", "&&") and said == name


def test_the_review_edit_dialogs_fields_are_captioned_as_written(qtbot):
    schema = default_schema()
    schema = replace(schema, labels=tuple(
        replace(label, attributes=(*label.attributes, AttributeDef(MARKED)))
        if label.name == "CLAIM" else label for label in schema.labels))
    dialog = EditDialog("The army denied it.", [Span("d", 4, 8, "CLAIM", ME, "s1")], schema)
    qtbot.addWidget(dialog)
    field = dialog.editors[MARKED].widget
    assert shown_as_written(dialog.attributes.labelForField(field), MARKED)


def test_the_attribute_choices_are_captioned_as_written(qtbot):
    spans = (Span("d", 4, 8, "CLAIM", ME, "a1", {MARKED: "yes"}),
             Span("d", 4, 8, "CLAIM", "bo", "b1", {MARKED: "no"}))
    panel = AttributeChoices(lambda _item, _span: None)
    qtbot.addWidget(panel)
    panel.show_item(Item("d", "attributes", spans, (ME, "bo")))
    box = panel.boxes[MARKED]
    assert shown_as_written(panel._form.labelForField(box), MARKED)


def test_the_attribute_choices_captions_lie_on_their_box(qtbot):
    """The Adjudication tab's box (in a tab page, lighter than the window) shows through its
    captions: a Caption's kept picture, over the window's colour, was a darker patch."""
    spans = (Span("d", 4, 8, "CLAIM", ME, "a1", {"certainty": "yes"}),
             Span("d", 4, 8, "CLAIM", "bo", "b1", {"certainty": "no"}))
    tabs = QTabWidget()
    panel = AttributeChoices(lambda _item, _span: None)
    tabs.addTab(panel, "Adjudication")
    qtbot.addWidget(tabs)
    tabs.resize(320, 200)
    panel.show_item(Item("d", "attributes", spans, (ME, "bo")))
    tabs.show()
    qtbot.waitExposed(tabs)
    caption = panel._form.labelForField(panel.boxes["certainty"])
    picture = panel.grab().toImage()
    corner = caption.mapTo(panel, QPoint(0, 0))  # (no text there)
    assert picture.pixel(corner) == picture.pixel(corner - QPoint(2, 0))
