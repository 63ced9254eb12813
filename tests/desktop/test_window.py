"""The main window driven offscreen: keys and clicks on the real widgets, checked against what
the store holds afterwards, and store changes checked against what the widgets show."""

from __future__ import annotations

import sqlite3
import string
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QPushButton
from window_helpers import open_window

from annotate.commands import CreateSpan
from annotate.model import AnnotatedDocument, Document, Span
from annotate.samples import sample_documents
from annotate.schema import AttributeDef, Label
from db.store import Store
from desktop import app as desktop_app
from desktop.documents import PAGE
from desktop.main_window import MainWindow
from desktop.shortcuts import shortcut_rows

pytestmark = pytest.mark.gui


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents(AnnotatedDocument(d) for d in sample_documents())
    store.close()
    return path


@pytest.fixture
def window(qtbot, store_path: Path, tmp_path: Path):
    win = open_window(qtbot, store_path, tmp_path)
    yield win
    win.service.store.close()


def select_words(window: MainWindow, words: str, occurrence: int = 0) -> tuple[int, int]:
    """Select ``words`` in the shown document with a QTextCursor; return code-point offsets."""
    view = window.editor.view
    text = view.text()
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(words, start + 1)
    end = start + len(words)
    cursor = view.textCursor()
    cursor.setPosition(len(text[:start].encode("utf-16-le")) // 2)
    cursor.setPosition(len(text[:end].encode("utf-16-le")) // 2, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    view.setFocus()
    return start, end


def stored(window: MainWindow) -> list[Span]:
    return window.service.store.spans(window.service.current)


def first_words(window: MainWindow, n: int = 3) -> str:
    """A run of ``n`` words from the middle of the shown text (whole words, one line, without
    the punctuation around them: a selection snaps past it)."""
    text = window.editor.view.text()
    line = max(text.splitlines(), key=len)
    return " ".join(line.split()[2:2 + n]).strip(string.punctuation + "“”‘’")


def test_select_text_and_press_c_creates_a_claim_then_delete_undo_redo(window, qtbot):
    words = first_words(window)
    start, end = select_words(window, words)
    qtbot.keyClick(window, Qt.Key.Key_C)
    spans = stored(window)
    assert [(s.label, s.annotator) for s in spans] == [("CLAIM", "amina")]
    text = window.service.store.document(window.service.current).text
    assert text[spans[0].start:spans[0].end] == words == text[start:end]
    assert window.editor.view.span(spans[0].id) is not None

    qtbot.keyClick(window, Qt.Key.Key_Delete)
    assert stored(window) == []
    assert window.editor.view.span(spans[0].id) is None

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [s.id for s in stored(window)] == [spans[0].id]
    assert window.editor.view.span(spans[0].id) is not None

    qtbot.keyClick(window, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert stored(window) == []
    assert window.spans.model.rowCount() == 0


def test_digit_hotkey_and_palette_click_label_the_selection(window, qtbot):
    schema = window.service.schema()
    select_words(window, first_words(window, 2))
    qtbot.keyClick(window, Qt.Key.Key_2)  # the second label of the schema
    assert [s.label for s in stored(window)] == [schema.labels[1].name]
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    select_words(window, first_words(window, 4))
    qtbot.mouseClick(window.palette_dock.buttons["LOCATION"], Qt.MouseButton.LeftButton)
    assert sorted(s.label for s in stored(window)) == sorted([schema.labels[1].name, "LOCATION"])


def test_first_edit_marks_in_progress_and_ctrl_return_marks_done(window, qtbot):
    uid = window.service.current
    assert window.service.store.status(uid, "amina") == "todo"
    select_words(window, first_words(window))
    qtbot.keyClick(window, Qt.Key.Key_C)
    assert window.service.store.status(uid, "amina") == "in_progress"
    row = window.documents.model.document_row(window.documents.model.row_of(uid))
    assert (row.status, row.span_count) == ("in_progress", 1)
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.service.store.status(uid, "amina") == "done"
    qtbot.waitUntil(lambda: not window.status.counting)  # counted in a worker
    assert window.status.progress.text().startswith("1 of 5 done · 1 spans · saved")
    # one undo step took back both the span and the automatic status
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # done -> in prog.
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(window) == []
    assert window.service.store.status(uid, "amina") == "todo"


def test_document_navigation_keys(window, qtbot):
    model = window.documents.model
    first = window.service.current
    assert model.row_of(first) == 0
    qtbot.keyClick(window, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    second = window.service.current
    assert model.row_of(second) == 1
    assert window.editor.view.text() == window.service.store.document(second).text
    window.service.set_status(model.document_row(2).uid, "done")
    qtbot.keyClick(window, Qt.Key.Key_Down,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert model.row_of(window.service.current) == 3  # row 2 is done, so skipped
    qtbot.keyClick(window, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert model.row_of(window.service.current) == 2


def test_undo_survives_closing_and_reopening_the_store(qtbot, store_path, tmp_path):
    window = open_window(qtbot, store_path, tmp_path)
    select_words(window, first_words(window))
    qtbot.keyClick(window, Qt.Key.Key_C)
    assert len(stored(window)) == 1
    window.close()
    window.service.store.close()

    again = open_window(qtbot, store_path, tmp_path)
    assert len(stored(again)) == 1
    assert again.spans.model.rowCount() == 1
    qtbot.keyClick(again, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(again) == []
    assert again.spans.model.rowCount() == 0
    again.service.store.close()


def test_change_made_through_the_store_shows_in_view_and_table(window):
    service = window.service
    uid = service.current
    text = service.store.document(uid).text
    start = text.index(first_words(window))
    span = Span(uid, start, start + 5, "PERSON", "amina")
    changes = service.store.apply(CreateSpan(span), "amina")
    assert window.editor.view.span(span.id) is None  # nothing shown before the hub says so
    service.hub.changed.emit(changes)
    shown = window.editor.view.span(span.id)
    assert (shown.start, shown.end, shown.label) == (span.start, span.end, "PERSON")
    model = window.spans.model
    row = model.row_of(span.id)
    assert model.index(row, 0).data() == "PERSON"
    assert model.index(row, 3).data() == text[span.start:span.end]


def test_tab_moves_between_spans_and_alt_arrows_resize(window, qtbot):
    select_words(window, first_words(window, 2))
    qtbot.keyClick(window, Qt.Key.Key_P)
    select_words(window, first_words(window, 5))  # overlaps, longer
    qtbot.keyClick(window, Qt.Key.Key_O)
    person = next(s for s in stored(window) if s.label == "PERSON")
    org = next(s for s in stored(window) if s.label == "ORG")
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.editor.view.selected_span() is None
    cursor = window.editor.view.textCursor()
    cursor.setPosition(0)
    window.editor.view.setTextCursor(cursor)
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Tab)
    assert window.editor.view.selected_span() in (person.id, org.id)
    window.editor.select_span(person.id)
    text = window.editor.view.text()
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    grown = window.service.store.span(person.id)
    assert grown.start == person.start and grown.end > person.end
    assert text[person.end:grown.end].strip() == text[person.end:grown.end].split()[0]
    qtbot.keyClick(window, Qt.Key.Key_Left,
                   Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.service.store.span(person.id).end == grown.end - 1
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.service.store.span(person.id).end == person.end


def test_link_flow_adds_a_relation_of_the_allowed_type(window, qtbot):
    select_words(window, first_words(window, 4))
    qtbot.keyClick(window, Qt.Key.Key_C)
    claim = stored(window)[0]
    select_words(window, first_words(window, 6).split()[-1])
    qtbot.keyClick(window, Qt.Key.Key_G)  # LOCATION: only ABOUT goes from CLAIM to it
    location = next(s for s in stored(window) if s.label == "LOCATION")
    window.editor.select_span(claim.id)
    qtbot.keyClick(window, Qt.Key.Key_L)
    assert window.editor.link_source == claim.id
    window.editor.select_span(location.id)  # what a click on it does
    relations = window.service.store.relations(window.service.current)
    assert [(r.type, r.source, r.target, r.annotator) for r in relations] == [
        ("ABOUT", claim.id, location.id, "amina")]
    window.editor.select_span(claim.id)
    assert window.inspector.links.count() == 1
    assert "ABOUT" in window.inspector.links.item(0).text()
    qtbot.mouseClick(window.inspector.remove_link, Qt.MouseButton.LeftButton)
    assert window.service.store.relations(window.service.current) == []


def test_link_with_several_types_asks_and_uses_the_answer(window, qtbot):
    select_words(window, first_words(window, 4))
    qtbot.keyClick(window, Qt.Key.Key_C)
    claim = stored(window)[0]
    select_words(window, first_words(window, 6).split()[-1])
    qtbot.keyClick(window, Qt.Key.Key_P)
    person = next(s for s in stored(window) if s.label == "PERSON")
    asked = []
    window.editor.choose_relation = lambda choices: asked.append(list(choices)) or "CLAIMED_BY"
    window.editor.select_span(person.id)  # from the person: the link is turned around
    qtbot.keyClick(window, Qt.Key.Key_L)
    window.editor.select_span(claim.id)
    assert asked == [["CLAIMED_BY", "ABOUT"]]
    relations = window.service.store.relations(window.service.current)
    assert [(r.type, r.source, r.target) for r in relations] == [
        ("CLAIMED_BY", claim.id, person.id)]


def test_inspector_attribute_widgets_write_to_the_store(window, qtbot):
    select_words(window, first_words(window))
    qtbot.keyClick(window, Qt.Key.Key_C)
    span_id = stored(window)[0].id
    inspector = window.inspector
    certainty = inspector._editors["certainty"].widget
    certainty.setFocus()
    qtbot.keyClick(certainty, Qt.Key.Key_Down)
    assert window.service.store.span(span_id).attributes == {"certainty": "asserted"}
    low = inspector._editors["figure_low"].widget
    low.setFocus()
    qtbot.keyClicks(low, "80")
    qtbot.keyClick(low, Qt.Key.Key_Return)
    assert window.service.store.span(span_id).attributes == {"certainty": "asserted",
                                                              "figure_low": 80}
    low.selectAll()
    qtbot.keyClicks(low, "eighty")
    qtbot.keyClick(low, Qt.Key.Key_Return)
    assert window.service.store.span(span_id).attributes["figure_low"] == 80
    assert low.text() == "eighty"  # the rejected input stays for the user to fix
    inspector.note.setFocus()
    qtbot.keyClicks(inspector.note, "check <b>the</b> figure")
    qtbot.waitUntil(lambda: window.service.store.span(span_id).note == "check <b>the</b> figure",
                    timeout=3000)
    row = window.spans.model.row_of(span_id)
    assert "certainty=asserted" in window.spans.model.index(row, 5).data()


def test_relabel_from_inspector_and_hotkey_on_selected_span(window, qtbot):
    select_words(window, first_words(window))
    qtbot.keyClick(window, Qt.Key.Key_C)
    span_id = stored(window)[0].id
    qtbot.keyClick(window, Qt.Key.Key_D)  # no text selected: relabels the selected span
    assert window.service.store.span(span_id).label == "DENIAL"
    combo = window.inspector.label
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Up)
    assert window.service.store.span(span_id).label == "CLAIM"


def test_annotator_switch_new_edits_carry_the_new_name(window, qtbot):
    select_words(window, first_words(window))
    qtbot.keyClick(window, Qt.Key.Key_C)
    window.service.set_annotator("bob")
    assert window.spans.model.rowCount() == 0  # bob's layer is empty
    assert "bob" in window.status.annotator.text()
    select_words(window, first_words(window, 2))
    qtbot.keyClick(window, Qt.Key.Key_D)
    by = {s.annotator: s.label for s in stored(window)}
    assert by == {"amina": "CLAIM", "bob": "DENIAL"}
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert {s.annotator for s in stored(window)} == {"amina"}  # bob undid only his own edit


def test_document_list_fetches_lazily_and_search_filters(qtbot, tmp_path):
    path = tmp_path / "big.sqlite"
    store = Store.open(path)
    docs = [Document(f"Report number {n}: fighting near post {n}." +
                     (" The zebracorn was sighted." if n == 737 else ""), f"Report {n}")
            for n in range(1000)]
    store.import_documents(AnnotatedDocument(d) for d in docs)
    store.close()
    window = open_window(qtbot, path, tmp_path)
    model = window.documents.model
    assert (model.rowCount(), model.total) == (PAGE, 1000)
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * PAGE
    window.documents.search.setText("zebracorn")
    qtbot.waitUntil(lambda: model.total == 1, timeout=3000)
    assert model.rowCount() == 1
    assert model.document_row(0).title == "Report 737"
    window.documents.search.clear()
    window.documents.status.setCurrentIndex(window.documents.status.findData("done"))
    assert model.total == 0
    window.service.store.close()


def test_schema_rename_keeps_spans_and_can_be_undone(window, qtbot):
    from desktop.schema_dialog import SchemaDialog

    select_words(window, first_words(window))
    qtbot.keyClick(window, Qt.Key.Key_C)
    dialog = SchemaDialog(window.service, window)
    qtbot.addWidget(dialog)
    dialog.hotkey.setText("d")  # CLAIM's hotkey clashing with DENIAL's
    assert dialog.save() is False
    assert "hotkey" in dialog.error.text()
    assert window.service.schema().label("CLAIM").hotkey == "c"
    dialog.hotkey.setText("c")
    dialog.name.setText("ASSERTION")
    assert dialog.save() is True
    assert [s.label for s in stored(window)] == ["ASSERTION"]
    assert "ASSERTION" in window.palette_dock.buttons
    assert window.service.schema().relation_type("ABOUT").source_labels == ("ASSERTION",
                                                                             "DENIAL")
    select_words(window, first_words(window, 2))
    qtbot.keyClick(window, Qt.Key.Key_C)  # the hotkey follows the renamed label
    assert sorted(s.label for s in stored(window)) == ["ASSERTION", "ASSERTION"]
    assert not window.service.can_undo_schema  # one stack: the span made since comes first
    window.service.undo()
    assert window.service.undo_schema()
    assert {s.label for s in stored(window)} == {"CLAIM"}
    assert window.editor.view.span(stored(window)[0].id).label == "CLAIM"


def test_shortcuts_list_comes_from_the_actions(window):
    rows = dict(shortcut_rows(window))
    assert rows["Undo"] == "Ctrl+Z"
    assert rows["Redo"] == "Ctrl+Shift+Z"
    assert rows["CLAIM"] == "C or 1"
    assert rows["Link from span…"] == "L"
    assert rows["How to…"] == "F1"


def test_text_stays_plain(qtbot, tmp_path):
    path = tmp_path / "html.sqlite"
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(Document("<b>bold</b> & <i>words</i> here.",
                                                       "<h1>Title</h1>"))])
    store.close()
    window = open_window(qtbot, path, tmp_path)
    assert window.editor.title.text() == "<h1>Title</h1>"
    assert window.editor.title.textFormat() == Qt.TextFormat.PlainText
    assert window.editor.view.toPlainText() == "<b>bold</b> & <i>words</i> here."
    tip = window.documents.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    rendered = QTextDocument()
    rendered.setHtml(tip)  # what Qt does with a tooltip it takes for rich text
    assert rendered.toPlainText() == "<h1>Title</h1>"
    window.service.store.close()


def test_corrupt_store_is_explained_not_a_crash(tmp_path, monkeypatch):
    garbage = tmp_path / "bad.sqlite"
    garbage.write_bytes(b"this is not a database at all\x00\x01" * 200)
    told = []
    monkeypatch.setattr(desktop_app, "explain", lambda title, message: told.append(message))
    assert desktop_app.run_app(str(garbage)) == 2
    assert len(told) == 1 and "bad.sqlite" in told[0]


def test_opening_a_corrupt_or_locked_store_keeps_the_current_one(window, tmp_path):
    before = window.service.location
    garbage = tmp_path / "bad.sqlite"
    garbage.write_bytes(b"garbage" * 500)
    assert window.open_store(str(garbage)) is False
    assert window.error_box is not None and "bad.sqlite" in window.error_box.text()
    assert window.service.location == before
    assert window.editor.view.text()  # still showing the document

    locked = tmp_path / "locked.sqlite"
    Store.open(locked).close()
    holder = sqlite3.connect(locked, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert window.open_store(str(locked)) is False
    finally:
        holder.rollback()
        holder.close()
    assert "locked" in window.error_box.text() or "busy" in window.error_box.text()
    assert window.service.location == before


def test_opening_another_store_brings_its_documents_and_labels(window, qtbot, tmp_path):
    other = tmp_path / "other.sqlite"
    store = Store.open(other)
    schema = store.schema()
    store.set_schema(schema.with_label(Label("RUMOR", "claim", "#CC79A7", "r")))
    store.import_documents([AnnotatedDocument(Document("Word of mouth says the bridge fell.",
                                                       "Rumour mill"))])
    store.close()
    assert window.open_store(str(other)) is True
    assert window.service.store_name == "other.sqlite"
    assert window.documents.model.total == 1
    assert window.editor.title.text() == "Rumour mill"
    assert "RUMOR" in window.palette_dock.buttons
    select_words(window, "the bridge fell")
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert [(s.label, s.start, s.end) for s in stored(window)] == [("RUMOR", 19, 34)]
    assert str(other) in window.recent_stores()[0]


def test_start_uses_the_saved_annotator_and_remembers_geometry(store_path, tmp_path, qtbot):
    settings = QSettings(str(tmp_path / "start.ini"), QSettings.Format.IniFormat)
    settings.setValue("annotator", "chidi")
    window = desktop_app.start(str(store_path), settings)
    qtbot.addWidget(window)
    assert window.service.annotator == "chidi"
    window.service.set_annotator("dana")
    assert settings.value("annotator") == "dana"
    window.spans.hide()
    window.close()
    assert settings.value("geometry") is not None
    window.service.store.close()
    reopened = desktop_app.start(str(store_path), settings)
    qtbot.addWidget(reopened)
    assert reopened.spans.isHidden()
    assert store_path.as_posix() in [Path(p).as_posix() for p in reopened.recent_stores()]
    reopened.service.store.close()


def test_schema_dialog_adds_a_label_with_a_choice_attribute(window, qtbot):
    from desktop.schema_dialog import SchemaDialog

    dialog = SchemaDialog(window.service, window)
    qtbot.addWidget(dialog)
    dialog.add_label()
    dialog.name.setText("CASUALTY")
    dialog.category.setCurrentText("claim")
    dialog.hotkey.setText("k")
    dialog._add_attribute(AttributeDef("side"))
    dialog.attributes.cellWidget(0, 1).setCurrentText("choice")
    dialog.attributes.item(0, 2).setText("army, rebels ,")
    assert dialog.save() is True
    label = window.service.store.schema().label("CASUALTY")
    assert (label.category, label.hotkey) == ("claim", "k")
    assert label.attributes == (AttributeDef("side", "choice", ("army", "rebels")),)
    select_words(window, first_words(window))
    qtbot.keyClick(window, Qt.Key.Key_K)
    span_id = stored(window)[0].id
    combo = window.inspector._editors["side"].widget
    assert [combo.itemText(i) for i in range(combo.count())] == ["", "army", "rebels"]
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_End)
    assert window.service.store.span(span_id).attributes == {"side": "rebels"}


def test_find_bar_and_welcome_note(window, qtbot):
    word = first_words(window, 1)
    expected = window.editor.view.text().lower().count(word.lower())
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.find_bar.isVisible()
    qtbot.keyClicks(window.editor.find_bar.field, word)
    assert window.editor.find_bar.search() == expected
    assert window.editor.find_bar.count.text() == f"1 of {expected}"
    qtbot.keyClick(window.editor.find_bar.field, Qt.Key.Key_Escape)
    assert not window.editor.find_bar.isVisible()
    assert window.welcome.isVisible()
    qtbot.mouseClick(window.welcome.findChild(QPushButton), Qt.MouseButton.LeftButton)
    assert not window.welcome.isVisible()
    assert window.settings.value("welcomed", False, type=bool)


def test_label_description_tooltip_is_literal(window):
    rendered = QTextDocument()
    rendered.setHtml(window.palette_dock.buttons["CLAIM"].toolTip())
    assert rendered.toPlainText() == window.service.schema().label("CLAIM").description
