"""The Span panel's attribute pages: labels whose attributes begin alike share one page, a
label showing its own rows with those past them covered (not reachable by Tab or the mouse,
not painted); a label of other attributes has a page of its own."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QWidget

from annotate.commands import UpdateSpan
from annotate.model import AnnotatedDocument, Document, Span
from annotate.schema import AttributeDef
from db.store import Store
from desktop.attribute_page import AttributePage
from desktop.attribute_widgets import make_editor
from desktop.main_window import MainWindow
from desktop.service import Service

pytestmark = pytest.mark.gui

SIDE = AttributeDef("side", "choice", ("army", "rebels"))
COUNT = AttributeDef("count", "number")
NOTE = AttributeDef("source", "text")
ME = "amina"


def shown_page(qtbot, attributes: list[AttributeDef]) -> AttributePage:
    page = AttributePage(attributes, lambda attr: make_editor(attr, lambda _value: None))
    qtbot.addWidget(page)
    page.resize(300, 200)
    with qtbot.waitExposed(page):
        page.show()
    return page


def panel_window(qtbot, tmp_path: Path, extra: dict[str, tuple[AttributeDef, ...]],
                 document: Document, spans: tuple[Span, ...]) -> tuple[MainWindow, Store]:
    """A shown window on a new store whose labels named in ``extra`` have those attributes,
    holding ``document`` with ``spans``, the document opened (the caller closes the store)."""
    store = Store.open(tmp_path / "s.sqlite")
    schema = store.schema()
    store.set_schema(replace(schema, labels=tuple(
        replace(label, attributes=extra[label.name]) if label.name in extra else label
        for label in schema.labels)))
    store.import_documents([AnnotatedDocument(document, spans)])
    window = MainWindow(Service(store, ME),
                        QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    window.service.open_document(document.uid)
    return window, store


def on_top(page: AttributePage, field: QWidget) -> QWidget:
    """The page's widget the mouse meets at ``field``'s middle."""
    return page.childAt(field.geometry().center())


def test_rows_past_a_labels_own_are_covered_and_take_no_focus(qtbot):
    page = shown_page(qtbot, [SIDE, COUNT, NOTE])
    fields = [page.editors[attr.name].widget for attr in (SIDE, COUNT, NOTE)]
    policies = [field.focusPolicy() for field in fields]
    assert all(on_top(page, field) in (field, *field.findChildren(QWidget)) for field in fields)
    assert list(page.show_rows(1)) == ["side"]
    qtbot.wait(10)
    assert [field.focusPolicy() for field in fields] == [policies[0], Qt.FocusPolicy.NoFocus,
                                                         Qt.FocusPolicy.NoFocus]
    for field in fields[1:]:
        blank = on_top(page, field)
        assert blank is not field and not field.isAncestorOf(blank)
        assert blank.geometry().bottom() == page.rect().bottom()
    grab = page.grab().toImage()
    below = fields[0].geometry().bottom() + 2
    assert len({grab.pixel(x, y) for x in range(grab.width())
                for y in range(below, grab.height())}) == 1  # the page's colour alone
    assert list(page.show_rows(3)) == ["side", "count", "source"]
    assert [field.focusPolicy() for field in fields] == policies
    assert all(on_top(page, field) in (field, *field.findChildren(QWidget)) for field in fields)


def test_rows_added_to_a_page_whose_rows_are_covered_are_covered_too(qtbot):
    page = shown_page(qtbot, [SIDE, COUNT])
    assert page.holds([SIDE]) and page.holds([]) and not page.holds([COUNT])
    assert page.begins([SIDE, COUNT, NOTE]) and not page.begins([COUNT, SIDE, NOTE])
    page.show_rows(1)
    page.extend([SIDE, COUNT, NOTE])
    qtbot.wait(10)
    added = page.editors["source"].widget
    assert added.focusPolicy() == Qt.FocusPolicy.NoFocus
    assert on_top(page, added) is not added
    assert list(page.show_rows(3)) == ["side", "count", "source"]
    assert added.focusPolicy() != Qt.FocusPolicy.NoFocus


def test_labels_share_a_page_while_their_attributes_begin_alike(qtbot, tmp_path: Path):
    """A label of fewer attributes shown first: its page is given the rows of a label whose
    attributes begin with its own; a label of other attributes gets a page of its own, and
    one of none shows no field. Tab walks the shown label's fields alone."""
    document = Document("The army denied it on Tuesday in Kidal.", "Pages")
    spans = [Span(document.uid, 4, 8, "DENIAL", ME), Span(document.uid, 9, 15, "CLAIM", ME),
             Span(document.uid, 22, 29, "DATE", ME), Span(document.uid, 33, 38, "LOCATION", ME)]
    window, store = panel_window(
        qtbot, tmp_path, {"DENIAL": (SIDE,), "CLAIM": (SIDE, COUNT), "DATE": (NOTE,)},
        document, tuple(spans))
    inspector = window.inspector
    shown = []
    for span in (*spans, spans[0]):
        window.service.hub.spanRequested.emit(span.id)
        qtbot.wait(10)
        page = inspector.attributes.currentWidget()
        shown.append((list(inspector._editors), inspector._attribute_pages.index(page)))
        fields = inspector.fields()
        fields[0].setFocus()
        walked = [fields[0]]
        for _ in fields:
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
            walked.append(QApplication.focusWidget())
        assert walked == [*fields, fields[0]]
        attribute_fields = [e.widget for e in inspector._editors.values()]
        assert fields[1:1 + len(attribute_fields)] == attribute_fields
    assert shown == [(["side"], 0), (["side", "count"], 0), (["source"], 1), ([], 1),
                     (["side"], 0)]
    assert len(inspector._attribute_pages) == 2
    store.close()


def test_a_covered_field_is_not_reached_by_the_mouse(qtbot):
    page = shown_page(qtbot, [SIDE, NOTE])
    page.show_rows(1)
    qtbot.wait(10)
    field = page.editors["source"].widget
    qtbot.mouseClick(page, Qt.MouseButton.LeftButton, pos=field.geometry().center())
    assert not field.hasFocus()
    page.show_rows(2)
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert field.hasFocus()


def test_a_field_covered_while_it_has_the_focus_gives_the_focus_up(qtbot, tmp_path: Path):
    """A claim relabelled a denial by a change from elsewhere (an undo from the menu, another
    program) while its count field has the focus: what is typed next never reaches that
    covered field, nor the span (the hidden page of before gave its focus up too)."""
    document = Document("The army denied it on Tuesday.", "Focus")
    claim = Span(document.uid, 4, 8, "CLAIM", ME)
    window, store = panel_window(qtbot, tmp_path, {"DENIAL": (SIDE,), "CLAIM": (SIDE, COUNT)},
                                 document, (claim,))
    service = window.service
    service.hub.spanRequested.emit(claim.id)
    qtbot.wait(10)
    count = window.inspector._editors["count"].widget
    count.setFocus()
    qtbot.waitUntil(count.hasFocus)
    service.apply(UpdateSpan(claim, replace(claim, label="DENIAL")))
    qtbot.wait(10)
    assert list(window.inspector._editors) == ["side"]
    assert not count.hasFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "42")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert count.text() == ""
    assert store.span(claim.id).attributes == {}
    store.close()


def test_a_screen_reader_meets_no_covered_field(qtbot, tmp_path: Path):
    """While a screen reader (an accessibility client) is active, each label has a page of
    its own, as the stack had: a covered field, drawn over but shown to Qt, would be read out
    with the value of the span shown before (and could be set from the reader)."""
    document = Document("The army denied it on Tuesday.", "Reader")
    claim = Span(document.uid, 4, 8, "CLAIM", ME, attributes={"side": "army", "count": 80})
    denial = Span(document.uid, 9, 15, "DENIAL", ME)
    window, store = panel_window(qtbot, tmp_path, {"DENIAL": (SIDE,), "CLAIM": (SIDE, COUNT)},
                                 document, (claim, denial))
    QAccessible.setActive(True)
    try:
        window.service.hub.spanRequested.emit(claim.id)
        qtbot.wait(10)
        count = window.inspector._editors["count"].widget
        window.service.hub.spanRequested.emit(denial.id)
        qtbot.wait(10)
        assert QAccessible.queryAccessibleInterface(count).state().invisible
        side = window.inspector._editors["side"].widget
        assert not QAccessible.queryAccessibleInterface(side).state().invisible
    finally:
        QAccessible.setActive(False)
    store.close()
