"""Links, layers and span creation in the real window: keys and clicks in, the store, the
text view's scroll position, selection and link lane out."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from window_helpers import open_window, select

from annotate.model import AnnotatedDocument, Document, Relation, Span
from db.store import Store
from desktop.main_window import MainWindow

pytestmark = pytest.mark.gui

PARAGRAPHS = [f"Paragraph {n}: the spokesman said the convoy of {n} trucks was attacked near "
              f"the border crossing at dawn, and that the drivers were safe." for n in range(120)]
TEXT = "\n\n".join(PARAGRAPHS)


def offset(paragraph: int, words: str) -> tuple[int, int]:
    start = TEXT.index(PARAGRAPHS[paragraph]) + PARAGRAPHS[paragraph].index(words)
    return start, start + len(words)


@pytest.fixture
def linked(tmp_path: Path):
    """A store with one long document: amina's claim near the top, CLAIMED_BY a person near
    the end; bo's copy of the claim."""
    document = Document(TEXT, "Long report")
    claim = Span(document.uid, *offset(2, "the convoy of 2 trucks was attacked"), "CLAIM", "amina")
    person = Span(document.uid, *offset(110, "spokesman"), "PERSON", "amina")
    bo = Span(document.uid, claim.start, claim.end, "CLAIM", "bo")
    link = Relation("CLAIMED_BY", claim.id, person.id, "amina")
    path = tmp_path / "links.sqlite"
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(document, (claim, person, bo), (link,))])
    store.close()
    return path, claim, person, link


@pytest.fixture
def window(qtbot, linked, tmp_path: Path):
    win = open_window(qtbot, linked[0], tmp_path)
    yield win
    win.service.store.close()


def in_view(window: MainWindow, code_point: int) -> bool:
    view = window.editor.view
    cursor = QTextCursor(view.document())
    cursor.setPosition(code_point)  # the text is ASCII: code points are Qt positions
    return view.viewport().rect().contains(view.cursorRect(cursor))


def test_creating_a_span_keeps_the_view_where_it_is(window, qtbot):
    view = window.editor.view
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    first = view.firstVisibleBlock().next()  # a paragraph near the top, far from the middle
    while not first.text():
        first = first.next()
    words = " ".join(first.text().split()[3:6])
    start = TEXT.index(words, first.position())
    select(window, start, start + len(words))
    before = bar.value()
    qtbot.keyClick(view, Qt.Key.Key_C)
    created = [s for s in window.service.store.spans(window.service.current)
               if s.start == start]
    assert [s.label for s in created] == ["CLAIM"]
    assert view.selected_span() == created[0].id
    assert bar.value() == before  # no jump: the new span was on screen already
    assert not view.textCursor().hasSelection()  # the next label key relabels it


def test_the_lane_shows_the_link_and_a_click_goes_to_its_far_end(window, linked, qtbot):
    _, claim, person, link = linked
    view, lane = window.editor.view, window.editor.view.lane
    window.editor.select_span(claim.id)
    assert view.lit_links == {link.id} and view.lit_spans == {claim.id, person.id}
    lane.repaint()
    (connector,) = lane.drawn
    assert connector.link.id == link.id and connector.link.type == "CLAIMED_BY"
    assert connector.target.off == 1  # the person is far below: a marker at the bottom
    x = round(lane.track_x(connector.track))
    QTest.mouseClick(lane, Qt.MouseButton.LeftButton, pos=QPoint(x, lane.height() - 3))
    assert view.selected_span() == person.id and in_view(window, person.start)
    assert window.inspector.span is not None and window.inspector.span.id == person.id


def test_double_clicking_a_link_in_the_inspector_goes_to_the_other_end(window, linked, qtbot):
    _, claim, person, _ = linked
    window.editor.select_span(claim.id)
    links = window.inspector.links
    assert links.count() == 1 and "CLAIMED_BY" in links.item(0).text()
    assert not in_view(window, person.start)
    point = links.visualItemRect(links.item(0)).center()
    qtbot.mouseClick(links.viewport(), Qt.MouseButton.LeftButton, pos=point)  # as a double
    qtbot.mouseDClick(links.viewport(), Qt.MouseButton.LeftButton, pos=point)  # click comes
    assert window.editor.view.selected_span() == person.id and in_view(window, person.start)
    assert window.inspector.span.id == person.id
    assert "CLAIMED_BY" in links.item(0).text()  # the way back


def test_a_link_made_with_l_appears_in_the_lane_and_goes_when_removed(window, linked, qtbot):
    _, claim, _, link = linked
    view = window.editor.view
    select(window, *offset(3, "border crossing"))
    qtbot.keyClick(view, Qt.Key.Key_G)  # LOCATION
    location = next(s for s in window.service.store.spans(window.service.current)
                    if s.label == "LOCATION")
    window.editor.select_span(claim.id)
    qtbot.keyClick(view, Qt.Key.Key_L)
    window.editor.select_span(location.id)
    made = next(r for r in window.service.store.relations(window.service.current)
                if r.id != link.id)
    assert made.type == "ABOUT"
    assert {link.id, made.id} <= {shown.id for shown in view.links}
    assert made.id in {c.link.id for c in view.connectors()}  # (the person is off screen)
    window.editor.select_span(claim.id)
    row = next(n for n in range(window.inspector.links.count())
               if "ABOUT" in window.inspector.links.item(n).text())
    window.inspector.links.setCurrentRow(row)
    qtbot.mouseClick(window.inspector.remove_link, Qt.MouseButton.LeftButton)
    assert made.id not in {c.link.id for c in view.connectors()}


def test_the_legend_names_each_shown_layer_and_its_links_follow_the_layers(window, linked):
    _, _, _, link = linked
    editor = window.editor
    texts = [text for _, _, text in editor.legend.entries()]
    assert "layer: amina" in texts and "claim: filled" in texts and "denial: framed" in texts
    editor.set_layers(["bo", "amina"])
    texts = [text for _, _, text in editor.legend.entries()]
    assert texts[-2:] == ["bo: solid", "amina: dashed"]
    assert editor.view.links.get(link.id).layer == 1  # amina's link, drawn with her pen
    editor.set_layers(["bo"])
    assert editor.view.links.get(link.id) is None  # amina's links are not shown
    assert not editor.legend.grab().toImage().isNull()


