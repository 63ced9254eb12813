"""The corpus search in the window: the query language typed into the document list, a plain
message for a bad search, and the hits marked in each document opened, stepped with
F3 / Shift+F3 and Enter."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotate.model import AnnotatedDocument, Document
from db.store import Store
from tests.window_helpers import open_window

TEXTS = (
    ("Ambush", "Armed forces reported an ambush near Kidal. The ambush was denied."),
    ("Raid", "The raid on Gao was denied by the spokesman.\n" + "filler line\n" * 80
     + "A second raid followed at dawn."),
    ("Both", "An ambush and a raid: the armed men fled Kidal."),
    ("Other", "Nothing of note happened in the capital."),
)


@pytest.fixture
def window(qtbot, tmp_path: Path):
    path = tmp_path / "store.sqlite"
    store = Store.open(path)
    store.import_documents(AnnotatedDocument(Document(body, title)) for title, body in TEXTS)
    store.index_for_search(len(TEXTS))  # no index job: it could queue behind other tests' jobs
    store.close()
    window = open_window(qtbot, path, tmp_path)
    yield window
    window.service.store.close()


def search(qtbot, window, query: str) -> None:
    """Type ``query`` into the corpus search box as a user would, and wait for the list."""
    box = window.documents.search
    box.clear()
    box.setFocus()
    qtbot.keyClicks(box, query)
    qtbot.waitUntil(lambda: not window.documents._debounce.isActive()
                    and not window.service.indexing)


def titles(window) -> list[str]:
    model = window.documents.model
    return [model.document_row(row).title for row in range(model.rowCount())]


def test_or_phrase_prefix_and_not_typed_into_the_list(qtbot, window):
    search(qtbot, window, "ambush OR raid")
    qtbot.waitUntil(lambda: titles(window) == ["Ambush", "Raid", "Both"])
    search(qtbot, window, '"armed forces"')
    qtbot.waitUntil(lambda: titles(window) == ["Ambush"])
    search(qtbot, window, "capit*")
    qtbot.waitUntil(lambda: titles(window) == ["Other"])
    search(qtbot, window, "kidal -raid")
    qtbot.waitUntil(lambda: titles(window) == ["Ambush"])
    assert window.documents.problem.isHidden()


def test_a_bad_search_says_why_and_keeps_the_list(qtbot, window):
    search(qtbot, window, "raid")
    qtbot.waitUntil(lambda: titles(window) == ["Raid", "Both"])
    search(qtbot, window, '"armed forces')
    problem = window.documents.problem
    qtbot.waitUntil(problem.isVisible)
    assert problem.text() == 'Cannot search: the quote at character 1 is not closed: add a "'
    assert titles(window) == ["Raid", "Both"]
    search(qtbot, window, "-raid")
    assert problem.text() == "Cannot search: -raid only excludes: add a word to look for " \
        "beside it"
    search(qtbot, window, '"armed forces"')
    qtbot.waitUntil(problem.isHidden)
    assert titles(window) == ["Ambush"]


def test_hits_marked_in_the_document_opened_and_stepped(qtbot, window):
    search(qtbot, window, "raid OR denied")
    qtbot.waitUntil(lambda: titles(window) == ["Ambush", "Raid", "Both"])
    table = window.documents.table
    table.setFocus()
    table.selectRow(1)  # opens "Raid"
    editor, bar = window.editor, window.editor.find_bar
    qtbot.waitUntil(lambda: editor.title.text() == "Raid")
    text = editor.text
    expected = [(m, m + len(w)) for w in ("raid", "denied") for m in [text.find(w)]]
    expected.append((text.rfind("raid"), text.rfind("raid") + 4))
    assert bar.isVisible() and not bar.finding
    assert bar.searched.text() == "raid OR denied"
    assert bar.hits == sorted(expected)
    assert bar.count.text() == "1 of 3"
    view = editor.view
    view.viewport().repaint()
    assert view.painted_span_count == 2  # the two hits of the first line; the third is far down
    assert view.textCursor().position() == text.find("raid")
    window.activateWindow()
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F3)
    assert view.textCursor().position() == text.find("denied")
    qtbot.keyClick(view, Qt.Key.Key_F3)
    last = text.rfind("raid")
    assert view.textCursor().position() == last and bar.count.text() == "3 of 3"
    view.viewport().repaint()
    assert view.painted_span_count == 1  # scrolled to it
    qtbot.keyClick(view, Qt.Key.Key_F3)  # round the end
    assert bar.count.text() == "1 of 3"
    qtbot.keyClick(view, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert bar.count.text() == "3 of 3" and view.textCursor().position() == last
    # the next document opened gets its own hits
    table.selectRow(2)
    qtbot.waitUntil(lambda: editor.title.text() == "Both")
    assert [editor.text[a:b] for a, b in bar.hits] == ["raid"]
    # clearing the search clears the marks
    search(qtbot, window, "")
    qtbot.waitUntil(bar.isHidden)
    view.viewport().repaint()
    assert view.painted_span_count == 0 and bar.hits == []


def test_find_in_document_steps_with_enter(qtbot, window):
    editor, bar = window.editor, window.editor.find_bar
    window.service.open_document(window.documents.model.document_row(0).uid)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert bar.isVisible() and bar.finding
    qtbot.keyClicks(bar.field, "AMBUSH")
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)  # before the debounce: finds, goes to 1st
    first, second = (editor.text.lower().find("ambush"), editor.text.lower().rfind("ambush"))
    assert bar.hits == [(first, first + 6), (second, second + 6)]
    assert editor.view.textCursor().position() == first
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert editor.view.textCursor().position() == second and bar.count.text() == "2 of 2"
    qtbot.keyClick(bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert editor.view.textCursor().position() == first
    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert bar.isHidden() and bar.hits == []
