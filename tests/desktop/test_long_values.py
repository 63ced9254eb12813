"""Looking at data never rewrites it: a note whose line breaks Qt's text field normalises,
and a value or label description longer than a line edit holds, stay in the store as they
were; values too long to edit in place are shown cut and read-only."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store
from desktop.main_window import MainWindow
from desktop.plain import EDITABLE
from desktop.schema_dialog import SchemaDialog
from desktop.service import Service

pytestmark = pytest.mark.gui

ME = "amina"
TEXT = "Officials said more than 80 people were killed. The army denied it on Tuesday."
NOTES = ("first line\r\nsecond line", "old Mac\rline", "para\u2029graph", "N" * (EDITABLE + 1))
LONG_DESCRIPTION = "D" * 40_000
LONG_FIGURE = "9" * 40_000
"""Longer than a QLineEdit's default maximum length (32,767)."""


@pytest.fixture
def window(qtbot, tmp_path: Path):
    document = Document(TEXT, "Notes")
    spans = [Span(document.uid, 0, 9, "CLAIM", ME, note=note) for note in NOTES]
    spans.append(Span(document.uid, 10, 14, "CLAIM", ME, attributes={"figure": LONG_FIGURE}))
    store = Store.open(tmp_path / "s.sqlite")
    schema = store.schema()
    store.set_schema(replace(schema, labels=tuple(
        replace(label, description=LONG_DESCRIPTION) if label.name == "CLAIM" else label
        for label in schema.labels)))
    store.import_documents([AnnotatedDocument(document, tuple(spans))])
    win = MainWindow(Service(store, ME),
                     QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    with qtbot.waitExposed(win):
        win.show()
    yield win
    store.close()


def journal(window: MainWindow) -> int:
    return len(window.service.store.history(limit=10_000))


def select(window: MainWindow, span_id: str) -> None:
    window.service.hub.spanRequested.emit(span_id)
    assert window.inspector.span is not None and window.inspector.span.id == span_id


def test_selecting_spans_in_turn_leaves_their_notes_as_stored(window):
    before = journal(window)
    stored = {s.id: s.note for s in window.service.store.spans(window.service.current)}
    for span_id in [*stored, *stored]:
        select(window, span_id)
    window.inspector.show_span("")
    assert {s.id: s.note for s in window.service.store.spans(window.service.current)} == stored
    assert journal(window) == before


def test_a_note_too_long_to_edit_is_shown_cut_and_read_only(window):
    span = next(s for s in window.service.store.spans(window.service.current)
                if s.note == NOTES[-1])
    select(window, span.id)
    note = window.inspector.note
    assert note.isReadOnly() and len(note.toPlainText()) == EDITABLE
    assert f"{EDITABLE + 1:,} characters" in note.toolTip()
    short = next(s for s in window.service.store.spans(window.service.current)
                 if s.note == NOTES[0])
    select(window, short.id)
    assert not note.isReadOnly() and note.toolTip() == ""


def test_a_value_longer_than_a_line_edit_holds_is_not_cut_in_the_store(window, qtbot):
    span = next(s for s in window.service.store.spans(window.service.current)
                if s.attributes.get("figure"))
    select(window, span.id)
    field = window.inspector._editors["figure"].widget
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_Return)  # Return ends an edit: nothing may be written
    window.inspector.note.setFocus()
    assert window.service.store.span(span.id).attributes["figure"] == LONG_FIGURE
    assert field.isReadOnly() and field.text().endswith("…")


def test_saving_the_schema_keeps_a_description_longer_than_a_line_edit_holds(window):
    dialog = SchemaDialog(window.service, window)
    dialog.list.setCurrentRow(window.service.schema().label_names.index("CLAIM"))
    dialog.hotkey.setText("k")  # another change, saved with the label
    assert dialog.save()
    claim = window.service.store.schema().label("CLAIM")
    assert (claim.hotkey, claim.description) == ("k", LONG_DESCRIPTION)
    assert dialog.description.isReadOnly()
