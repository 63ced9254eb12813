"""The document label strip above the text, driven offscreen: value keys while the text view
has the focus, clicks on its buttons, single choice replacing, undo, and the strip following
the store (another annotator, another document, a schema without document categories)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from window_helpers import aligned, open_window

from annotate.model import AnnotatedDocument
from annotate.samples import sample_documents
from annotate.schema import DocCategory, DocValue, LabelSchema
from db.store import Store
from desktop.main_window import MainWindow

pytestmark = pytest.mark.gui

STANCE = DocCategory("stance", (DocValue("supports", "s"), DocValue("disputes", "u"),
                                DocValue("neutral", "n")))
TOPICS = DocCategory("topics", (DocValue("casualties", "k"), DocValue("aid", "i"),
                                DocValue("displacement")), multi=True)


@pytest.fixture
def window(qtbot, tmp_path: Path):
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents(AnnotatedDocument(d) for d in sample_documents()[:2])
    schema = store.schema()
    store.set_schema(LabelSchema(schema.labels, schema.relations, (STANCE, TOPICS)), by="lead")
    store.close()
    win = open_window(qtbot, path, tmp_path)
    yield win
    win.service.store.close()


def stored(win: MainWindow, who: str = "amina") -> list[str]:
    uid = win.service.current
    return [f"{d.category}:{d.value}" for d in win.service.store.doc_labels(uid, [who])]


def checked(win: MainWindow) -> list[str]:
    return sorted(f"{c}:{v}" for (c, v), b in win.editor.doc_labels.buttons.items()
                  if b.isChecked())


def test_keys_in_the_text_view_toggle_document_labels(window: MainWindow) -> None:
    view = window.editor.view
    assert window.editor.doc_labels.isVisible()
    assert view.hasFocus()
    QTest.keyClick(view, Qt.Key.Key_U)
    assert stored(window) == ["stance:disputes"] == checked(window)
    QTest.keyClick(view, Qt.Key.Key_S)  # single choice: replaces
    QTest.keyClick(view, Qt.Key.Key_K)
    QTest.keyClick(view, Qt.Key.Key_I)
    assert stored(window) == ["stance:supports", "topics:aid", "topics:casualties"]
    assert checked(window) == stored(window)
    QTest.keyClick(view, Qt.Key.Key_K)  # off again
    assert stored(window) == ["stance:supports", "topics:aid"] == checked(window)
    assert window.service.store.span_count() == 0  # no span was made by these keys
    assert window.service.status(window.service.current) == "in_progress"


def test_clicks_toggle_and_undo_takes_back_one_step(window: MainWindow) -> None:
    buttons = window.editor.doc_labels.buttons
    QTest.mouseClick(buttons[("stance", "neutral")], Qt.MouseButton.LeftButton)
    QTest.mouseClick(buttons[("topics", "displacement")], Qt.MouseButton.LeftButton)
    QTest.mouseClick(buttons[("stance", "disputes")], Qt.MouseButton.LeftButton)
    assert stored(window) == ["stance:disputes", "topics:displacement"] == checked(window)
    window.service.undo()  # the replacement, in one step
    assert stored(window) == ["stance:neutral", "topics:displacement"] == checked(window)
    QTest.mouseClick(buttons[("stance", "neutral")], Qt.MouseButton.LeftButton)
    assert stored(window) == ["topics:displacement"] == checked(window)
    entry = window.service.store.history("amina")[0]
    assert entry.op == "remove_doc_label"


def test_the_strip_shows_the_current_annotator_and_document(window: MainWindow) -> None:
    view = window.editor.view
    QTest.keyClick(view, Qt.Key.Key_U)
    first = window.service.current
    window.service.set_annotator("bob")
    assert checked(window) == []
    QTest.keyClick(window.editor.view, Qt.Key.Key_N)
    assert stored(window, "bob") == ["stance:neutral"]
    assert stored(window) == ["stance:disputes"]  # amina's own layer untouched
    second = next(r.uid for r in window.service.store.list_documents() if r.uid != first)
    window.service.open_document(second)
    assert checked(window) == []
    window.service.open_document(first)
    assert checked(window) == ["stance:neutral"]


def test_the_strip_hides_without_document_categories(window: MainWindow) -> None:
    schema = window.service.schema()
    QTest.keyClick(window.editor.view, Qt.Key.Key_U)
    QTest.keyClick(window.editor.view, Qt.Key.Key_U)  # off: nothing holds stance now
    assert window.service.set_schema(LabelSchema(schema.labels, schema.relations))
    assert not window.editor.doc_labels.isVisible()
    assert window.editor.doc_labels.buttons == {}
    QTest.keyClick(window.editor.view, Qt.Key.Key_U)  # no action for it any more
    assert stored(window) == []


def test_disagreeing_document_labels_are_adjudicated_in_the_review_dock(window: MainWindow,
                                                                        qtbot) -> None:
    from annotate.commands import AddDocLabel
    from annotate.model import GOLD, DocLabel

    uid = window.service.current
    store = window.service.store
    store.apply(AddDocLabel(DocLabel(uid, "stance", "disputes", "bob")), "bob")
    QTest.keyClick(window.editor.view, Qt.Key.Key_S)  # amina: supports
    window.review.open_panel()
    window.review.tabs.setCurrentWidget(window.review.adjudication)
    tab = aligned(qtbot, window.review.adjudication)
    panel = tab.doc_items
    assert panel.isVisible()
    assert tab.progress_text.text() == "0 of 1 decided"
    assert [(i.category, i.kind, i.status) for i in panel.items] == [("stance", "label", "open")]
    assert set(panel.buttons) == {("stance", "accept disputes"), ("stance", "accept supports"),
                                  ("stance", "reject")}
    QTest.mouseClick(panel.buttons[("stance", "accept disputes")], Qt.MouseButton.LeftButton)
    aligned(qtbot, tab)
    assert [d.value for d in store.doc_labels(uid, [GOLD])] == ["disputes"]
    assert panel.items[0].status == "accepted" and not panel.buttons
    assert tab.progress_text.text() == "1 of 1 decided"
    window.service.undo()  # the accept: gold label and decision in one step
    aligned(qtbot, tab)
    assert store.doc_labels(uid, [GOLD]) == [] and panel.items[0].status == "open"
    assert [d.value for d in store.doc_labels(uid, ["amina"])] == ["supports"]


def test_the_schema_dialog_edits_document_categories(window: MainWindow) -> None:
    from desktop.schema_dialog import SchemaDialog

    dialog = SchemaDialog(window.service, window)
    editor = dialog.documents
    assert editor.categories() == (STANCE, TOPICS)
    editor.add_category()
    editor.table.item(2, 0).setText("source")
    editor.values.item(0, 0).setText("official")
    editor.values.item(0, 1).setText("k")  # topics:casualties has it
    assert not dialog.save()
    assert "hotkey 'k' is used by 'topics:casualties' and 'source:official'" in \
        dialog.error.text()
    editor.values.item(0, 1).setText("o")  # ORG's
    assert not dialog.save()
    assert "'ORG'" in dialog.error.text()
    editor.values.item(0, 1).setText("f")
    editor.add_value()
    editor.values.item(1, 0).setText("unofficial")
    assert dialog.save()
    source = window.service.schema().doc_category("source")
    assert source is not None and source.value_names == ("official", "unofficial")
    assert ("source", "official") in window.editor.doc_labels.buttons
    QTest.keyClick(window.editor.view, Qt.Key.Key_F)
    assert stored(window) == ["source:official"]


def test_a_digit_hotkey_wins_over_a_labels_implicit_digit(window: MainWindow) -> None:
    """Labels take the digits 1-9 in schema order, unless a schema hotkey is that digit: the
    old code gave CLAIM "1" as well as a later label whose hotkey is "1", and Qt then ran
    neither (an ambiguous shortcut)."""
    from annotate.schema import Label

    schema = window.service.schema()
    labels = (*schema.labels, Label("EVENT", "other", "#0072B2", "1"))
    assert window.service.set_schema(LabelSchema(labels, schema.relations))
    view = window.editor.view
    view.setFocus()
    cursor = view.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(7, cursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    QTest.keyClick(view, Qt.Key.Key_1)
    assert [s.label for s in window.service.store.spans(window.service.current)] == ["EVENT"]


def test_a_category_name_from_a_damaged_store_is_shown_as_written(window: MainWindow,
                                                                   monkeypatch) -> None:
    """The schema checks a category's name when it is saved; a file written by another
    program may hold any: its caption is plain text, never taken for markup."""
    from PySide6.QtWidgets import QLabel

    odd = DocCategory("<b>R&amp;D</b>", (DocValue("yes"),))
    schema = window.service.schema()
    monkeypatch.setattr(window.service, "schema", lambda: LabelSchema(
        schema.labels, schema.relations, (odd,)))
    strip = window.editor.doc_labels
    strip.rebuild()
    captions = [label for label in strip.findChildren(QLabel) if "R&amp;D" in label.text()]
    assert captions and all(label.textFormat() == Qt.TextFormat.PlainText
                            for label in captions)
