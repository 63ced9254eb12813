"""The Review dock driven offscreen: annotator layers in the text view, adjudication of hand-made
disagreements into gold (checked against the store's spans and decisions), undo, and the
agreement tab against compute_agreement on the same store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication, QImage, QKeySequence, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog
from window_helpers import aligned

from annotate import layers
from annotate.agreement import compute_agreement
from annotate.model import GOLD, AnnotatedDocument, Document, Span
from db.store import Store
from desktop.main_window import MainWindow
from desktop.review.edit_dialog import EditDialog
from desktop.service import Service
from desktop.shortcuts import shortcut_rows, shortcut_table
from desktop.textview import SpanStyle
from desktop.textview.geometry import Segment
from desktop.textview.paint import FILL_ALPHA, Marks

pytestmark = pytest.mark.gui

REVIEWER = "chen"
TEXT = ("The mayor said the bridge collapsed on Monday. Officials denied any damage. "
        "Rebels claimed a victory near the river.")
OTHER = "A spokesman said the convoy arrived late. Nobody was hurt."


def at(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def span(uid: str, text: str, words: str, label: str, who: str) -> Span:
    return Span(uid, *at(text, words), label, who)


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Path, dict[str, list[Span]]]:
    """Two documents: the first with one item of each kind but partial (amina vs bo), the
    second with one agreed item. Returns the store path and the spans by document uid."""
    first, second = Document(TEXT, "Bridge"), Document(OTHER, "Convoy")
    a, b = first.uid, second.uid
    spans = {
        a: [
            span(a, TEXT, "The mayor said", "CLAIM", "amina"),  # agreed
            span(a, TEXT, "The mayor said", "CLAIM", "bo"),
            span(a, TEXT, "the bridge collapsed", "CLAIM", "amina"),  # boundary
            span(a, TEXT, "the bridge collapsed on Monday", "CLAIM", "bo"),
            span(a, TEXT, "Officials denied any damage", "DENIAL", "amina"),  # label
            span(a, TEXT, "Officials denied any damage", "CLAIM", "bo"),
            span(a, TEXT, "Rebels", "ARMED_GROUP", "bo"),  # single
        ],
        b: [
            span(b, OTHER, "the convoy arrived late", "CLAIM", "amina"),  # agreed
            span(b, OTHER, "the convoy arrived late", "CLAIM", "bo"),
        ],
    }
    path = tmp_path / "review.sqlite"
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(first, tuple(spans[a])),
                            AnnotatedDocument(second, tuple(spans[b]))])
    store.close()
    return path, spans


@pytest.fixture
def window(qtbot, corpus, tmp_path: Path):
    path, spans = corpus
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Service(Store.open(path), REVIEWER), settings)
    qtbot.addWidget(win)
    win.show()
    assert QTest.qWaitForWindowActive(win)
    win.service.open_document(next(iter(spans)))
    win.review.open_panel()
    win.review.tabs.setCurrentWidget(win.review.adjudication)
    aligned(qtbot, win.review.adjudication)
    yield win
    win.service.store.close()


def store_of(window: MainWindow) -> Store:
    return window.service.store


def row_of(tab, words: str) -> int:
    """The table row of the item whose bounds start where ``words`` starts."""
    start = TEXT.index(words)
    return next(i for i, item in enumerate(tab.items) if item.start == start)


# -- layers -----------------------------------------------------------------------------------
def test_two_layers_show_both_annotators_spans_in_their_own_layer(window, corpus):
    _, spans = corpus
    uid = window.service.current
    view = window.editor.view
    assert {view.span(s.id) is not None for s in spans[uid]} == {False}  # chen's own: none
    window.review.layers.show(["bo", "amina"])
    assert window.editor.shown_layers() == ("amina", "bo")  # store order
    for s in spans[uid]:
        assert view.span(s.id).layer == ("amina", "bo").index(s.annotator)
    stack = view.spans_at(TEXT.index("mayor"))
    assert sorted(style.layer for style in stack) == [0, 1]
    assert sorted(style.tooltip.splitlines()[0] for style in stack) == \
        ["annotator: amina", "annotator: bo"]
    assert window.review.layers_box.currentText() == "Custom (see View ▸ Layers)"


def test_layers_menu_toggles_one_annotator(window, corpus):
    _, spans = corpus
    uid = window.service.current
    menu = window.review.layers.menu(window)
    menu.aboutToShow.emit()
    next(a for a in menu.actions() if a.text() == "bo").trigger()
    shown = {s.id for s in spans[uid] if window.editor.view.span(s.id) is not None}
    assert shown == {s.id for s in spans[uid] if s.annotator == "bo"}
    assert window.editor.shown_layers() == ("bo", REVIEWER)


def test_edits_never_touch_another_annotators_layer(window, qtbot, corpus):
    _, spans = corpus
    theirs = spans[window.service.current][1]  # bo's
    window.review.layers.show_preset("annotators")
    window.editor.view.select_span(theirs.id)
    window.editor.view.setFocus()
    with qtbot.waitSignal(window.service.hub.message, timeout=2000) as said:
        qtbot.keyClick(window, Qt.Key.Key_Delete)
    assert said.args == [layers.owner_refusal("bo", REVIEWER)]  # the store's own rule
    assert store_of(window).span(theirs.id) == theirs
    assert window.inspector.span is None  # the inspector would edit it: it is not offered


def test_gold_only_shows_only_gold(window, qtbot):
    tab = window.review.adjudication
    tab.select(row_of(tab, "The mayor said"))
    qtbot.mouseClick(tab.side_buttons["amina"], Qt.MouseButton.LeftButton)
    window.review.layers.show_preset("gold")
    view, uid = window.editor.view, window.service.current
    every = store_of(window).spans(uid)
    gold = [s for s in every if s.annotator == GOLD]
    assert len(gold) == 1
    assert [s.id for s in every if view.span(s.id) is not None] == [gold[0].id]
    assert window.review.layers_box.currentText() == "Gold only"


# -- adjudication -------------------------------------------------------------------------------
def test_table_lists_each_kind_with_both_sides(window):
    tab = window.review.adjudication
    assert [(item.kind, item.status) for item in tab.items] == [
        ("agreed", "open"), ("boundary", "open"), ("label", "open"), ("single", "open")]
    model = tab.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(model.columnCount())]
    assert headers == ["Kind", "amina", "bo", "Status"]
    assert [model.index(r, 0).data().split()[-1] for r in range(model.rowCount())] == \
        ["agreed", "boundary", "label", "single"]
    boundary = row_of(tab, "the bridge collapsed")
    # both spans in the stretch they cover, the end they put apart marked ⟧ on each
    assert model.index(boundary, 1).data() == "CLAIM 15–35  [the bridge collapsed⟧ on Monday"
    assert model.index(boundary, 2).data() == "CLAIM 15–45  [the bridge collapsed on Monday⟧"
    assert model.index(row_of(tab, "Rebels"), 1).data() == "—"
    assert tab.progress_text.text() == "0 of 4 decided"


def test_accept_one_side_then_undo_removes_gold_span_and_decision(window, qtbot):
    tab = window.review.adjudication
    store, uid = store_of(window), window.service.current
    tab.select(row_of(tab, "the bridge collapsed"))
    bo = tab.selected().by_annotator()["bo"][0]
    assert tab.side_buttons["amina"].isEnabled() and tab.side_buttons["bo"].isEnabled()
    qtbot.mouseClick(tab.side_buttons["bo"], Qt.MouseButton.LeftButton)
    aligned(qtbot, tab)
    gold = store.spans(uid, [GOLD])
    assert [(g.label, g.start, g.end) for g in gold] == [(bo.label, bo.start, bo.end)]
    decisions = store.decisions(uid)
    assert [(d.kind, d.decided_by, d.gold_span.id) for d in decisions] == \
        [("accept", REVIEWER, gold[0].id)]
    assert tab.progress_text.text() == "1 of 4 decided"
    assert tab.progress_bar.value() == 1 and tab.progress_bar.maximum() == 4
    assert tab.selected().status == "accepted"  # the selection survived the refresh
    assert tab.model.index(row_of(tab, "the bridge collapsed"), 3).data() == \
        f"✔ accepted by {REVIEWER}"

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    aligned(qtbot, tab)
    assert store.spans(uid, [GOLD]) == []
    assert store.decisions(uid) == []
    assert tab.progress_text.text() == "0 of 4 decided"


def test_reject_marks_the_item_rejected(window, qtbot):
    tab = window.review.adjudication
    store, uid = store_of(window), window.service.current
    tab.select(row_of(tab, "Officials denied"))
    qtbot.mouseClick(tab.reject_button, Qt.MouseButton.LeftButton)
    aligned(qtbot, tab)
    row = row_of(tab, "Officials denied")
    assert tab.items[row].status == "rejected"
    assert tab.model.index(row, 3).data() == f"✗ rejected by {REVIEWER}"
    assert [(d.kind, d.gold_span) for d in store.decisions(uid)] == [("reject", None)]
    assert store.spans(uid, [GOLD]) == []
    assert not tab.reject_button.isEnabled()


def test_edit_and_accept_uses_the_edited_copy(window, qtbot, monkeypatch):
    tab = window.review.adjudication
    store, uid = store_of(window), window.service.current
    start, end = at(TEXT, "denied any damage")

    def fill_in(dialog: EditDialog) -> int:
        dialog.label.setCurrentText("DENIAL")
        dialog.start.setValue(start)
        dialog.end.setValue(end)
        assert dialog.preview.toPlainText() == "denied any damage"
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(EditDialog, "exec", fill_in)
    tab.select(row_of(tab, "Officials denied"))
    assert tab.edit_and_accept()
    aligned(qtbot, tab)
    assert [(g.label, g.start, g.end) for g in store.spans(uid, [GOLD])] == \
        [("DENIAL", start, end)]
    item = tab.items[row_of(tab, "Officials denied")]
    assert item.status == "accepted"
    assert store.decisions(uid)[0].sources == (item.by_annotator()["amina"][0].id,)  # edited


def test_accept_agreed_in_document_accepts_exactly_the_agreed(window, qtbot, corpus):
    _, spans = corpus
    tab = window.review.adjudication
    store, uid = store_of(window), window.service.current
    assert tab.accept_agreed() == 1
    aligned(qtbot, tab)
    assert [(g.label, g.start, g.end) for g in store.spans(uid, [GOLD])] == \
        [("CLAIM", *at(TEXT, "The mayor said"))]
    assert [item.status for item in tab.items] == ["accepted", "open", "open", "open"]
    other = next(u for u in spans if u != uid)
    assert store.spans(other, [GOLD]) == []
    assert tab.progress_text.text() == "1 of 4 decided"
    assert not tab.agreed_button.isEnabled()


def test_accept_agreed_in_corpus_runs_in_a_worker(window, qtbot, corpus):
    _, spans = corpus
    tab = window.review.adjudication
    qtbot.mouseClick(tab.corpus_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.busy, timeout=10000)
    store = store_of(window)
    agreed = {uid: [(s.label, s.start, s.end) for s in group if s.annotator == "amina"][:1]
              for uid, group in spans.items()}
    agreed[window.service.current] = [("CLAIM", *at(TEXT, "The mayor said"))]
    assert {uid: [(g.label, g.start, g.end) for g in store.spans(uid, [GOLD])]
            for uid in spans} == agreed
    assert all(d.decided_by == REVIEWER for uid in spans for d in store.decisions(uid))
    qtbot.waitUntil(lambda: tab.progress_text.text() == "1 of 4 decided", timeout=5000)
    assert window.service.undo() is not None  # one step for the whole corpus
    assert all(store.spans(uid, [GOLD]) == [] and store.decisions(uid) == [] for uid in spans)
    qtbot.waitUntil(lambda: tab.progress_text.text() == "0 of 4 decided", timeout=5000)
    assert window.service.redo() is not None
    assert {uid: [(g.label, g.start, g.end) for g in store.spans(uid, [GOLD])]
            for uid in spans} == agreed


def test_selecting_an_item_shows_it_in_the_text(window):
    tab = window.review.adjudication
    view = window.editor.view
    tab.select(row_of(tab, "Officials denied"))  # chen's layer: no span shown, text selected
    assert view.selectionRange(snap=False) == at(TEXT, "Officials denied any damage")
    window.review.layers.show_preset("annotators")
    tab.select(row_of(tab, "Rebels"))
    assert view.selected_span() == tab.selected().spans[0].id


# -- agreement --------------------------------------------------------------------------------
def test_agreement_tab_shows_compute_agreement_figures(window, qtbot):
    window.review.tabs.setCurrentWidget(window.review.agreement)
    tab = window.review.agreement
    qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.report is not None and not tab.busy, timeout=10000)
    expected = compute_agreement(store_of(window).iter_documents()).to_json()
    assert tab.report.to_json() == expected
    pair = expected["pairs"][0]
    assert tab.tree.topLevelItem(0).text(0).startswith("amina vs bo — 2 documents")
    for label in expected["labels"]:
        exact = pair["span_f1_exact"]["labels"][label]
        overlap = pair["span_f1_overlap"]["labels"][label]
        kappa = pair["token_kappa"][label]
        alpha = expected["alpha"][label]
        assert tab.cell(0, label, 1) == (f"{exact['value']:.3f}   {exact['matches']} matched of "
                                         f"{exact['a']} / {exact['b']} spans")
        assert tab.cell(0, label, 2).startswith(f"{overlap['value']:.3f}   "
                                                f"{overlap['matches']} matched")
        if kappa["value"] is None:
            assert tab.cell(0, label, 3) == f"n/a ({kappa['reason']})   {kappa['units']} tokens"
        else:
            assert tab.cell(0, label, 3) == f"{kappa['value']:.3f}   {kappa['units']} tokens"
        assert tab.cell(0, label, 4).startswith(
            "n/a" if alpha["value"] is None else f"{alpha['value']:.3f}")
    assert tab.cell(0, "relations", 1).startswith(f"n/a ({pair['relation_f1']['reason']})")
    qtbot.mouseClick(tab.copy_button, Qt.MouseButton.LeftButton)
    assert json.loads(QGuiApplication.clipboard().text()) == expected


def test_agreement_for_one_label(window, qtbot):
    tab = window.review.agreement
    window.review.tabs.setCurrentWidget(tab)
    tab.label.setCurrentIndex(tab.label.findData("DENIAL"))
    tab.compute()
    qtbot.waitUntil(lambda: tab.report is not None and not tab.busy, timeout=10000)
    assert tab.report.labels == ("DENIAL",)
    assert tab.report.to_json() == compute_agreement(
        store_of(window).iter_documents(), None, ["DENIAL"]).to_json()
    assert tab.cell(0, "DENIAL", 1).startswith("0.000   0 matched of 1 / 0 spans")


# -- how layers look ----------------------------------------------------------------------------
def draw_claim(layer: int) -> QImage:
    """One claim on annotator ``layer``, fill and line marks, on a transparent 60x18 image
    (the claim from x 5 to 55)."""
    image = QImage(60, 18, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    style = SpanStyle("s", 0, 5, "CLAIM", "claim", "#E69F00", layer)
    segments = [Segment(5.0, 0.0, 50.0, 18.0, 14.0)]
    marks = Marks()
    marks.fill(painter, style, segments)
    marks.line(painter, style, segments, 0)
    painter.end()
    return image


def test_a_later_layer_fills_inside_and_has_a_dashed_outline(qapp):
    first, second = draw_claim(0), draw_claim(1)
    assert first.pixelColor(30, 0).alpha() > 0  # layer 0: the full line height, no outline
    assert {first.pixelColor(x, 9).alpha() for x in range(8, 52)} == {FILL_ALPHA}
    assert max(first.pixelColor(x, 9).alpha() for x in range(1, 5)) == 255  # brackets just
    assert max(first.pixelColor(x, 9).alpha() for x in range(55, 59)) == 255  # outside it
    assert second.pixelColor(30, 0).alpha() == 0  # layer 1: inset from the top and bottom
    assert second.pixelColor(30, 17).alpha() == 0
    outline = [[second.pixelColor(x, y).alpha() == 255 for x in range(60)] for y in range(18)]
    edge = max(range(18), key=lambda y: sum(outline[y]))
    assert 0 < sum(outline[edge]) < 60  # dashed: opaque pen with gaps


# -- review keys --------------------------------------------------------------------------------
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def key(text: str) -> str:
    """How the shortcuts list writes the key ``text``."""
    return QKeySequence(text).toString(QKeySequence.SequenceFormat.NativeText)


def focus_table(window: MainWindow):
    tab = window.review.adjudication
    tab.table.setFocus()
    assert tab.table.hasFocus()
    return tab


def test_ctrl_shift_digit_accepts_that_annotators_span(window, qtbot):
    tab = focus_table(window)
    store, uid = store_of(window), window.service.current
    tab.select(row_of(tab, "the bridge collapsed"))
    bo = tab.selected().by_annotator()["bo"][0]  # bo is the second column: Ctrl+Shift+2
    qtbot.keyClick(tab.table, Qt.Key.Key_2, CTRL_SHIFT)
    aligned(qtbot, tab)
    gold = store.spans(uid, [GOLD])
    assert [(g.label, g.start, g.end) for g in gold] == [(bo.label, bo.start, bo.end)]
    assert tab.selected().status == "accepted"
    qtbot.keyClick(tab.table, Qt.Key.Key_1, CTRL_SHIFT)  # decided: the key does nothing
    assert len(store.spans(uid, [GOLD])) == 1

    tab.select(row_of(tab, "Rebels"))  # amina has no span here
    qtbot.keyClick(tab.table, Qt.Key.Key_1, CTRL_SHIFT)
    assert len(store.spans(uid, [GOLD])) == 1
    qtbot.keyClick(tab.table, Qt.Key.Key_R, CTRL_SHIFT)
    aligned(qtbot, tab)
    assert tab.items[row_of(tab, "Rebels")].status == "rejected"


def test_alt_down_and_up_step_through_open_items_only(window, qtbot):
    tab = focus_table(window)
    tab.select(row_of(tab, "the bridge collapsed"))
    assert tab.reject_selected()  # the boundary item is no longer open
    aligned(qtbot, tab)
    tab.table.clearSelection()
    qtbot.keyClick(tab.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert tab.selected().start == TEXT.index("The mayor said")
    qtbot.keyClick(tab.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert tab.selected().start == TEXT.index("Officials denied")  # the rejected one skipped
    qtbot.keyClick(tab.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert tab.selected().start == TEXT.index("Rebels")
    qtbot.keyClick(tab.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert tab.selected().start == TEXT.index("Rebels")  # none after: it stays
    qtbot.keyClick(tab.table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(tab.table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert tab.selected().start == TEXT.index("The mayor said")
    assert window.editor.view.selectionRange(snap=False) == at(TEXT, "The mayor said")


def test_ctrl_shift_a_accepts_agreed_and_keys_are_listed_and_in_tooltips(window, qtbot):
    tab = focus_table(window)
    store, uid = store_of(window), window.service.current
    qtbot.keyClick(tab.table, Qt.Key.Key_A, CTRL_SHIFT)
    assert [(g.start, g.end) for g in store.spans(uid, [GOLD])] == [at(TEXT, "The mayor said")]

    rows = dict(shortcut_rows(window))
    assert rows["Accept amina’s span (review)"] == key("Ctrl+Shift+1")
    assert rows["Accept bo’s span (review)"] == key("Ctrl+Shift+2")
    assert rows["Reject the review item"] == key("Ctrl+Shift+R")
    assert rows["Next open review item"] == key("Alt+Down")
    assert rows["Previous open review item"] == key("Alt+Up")
    assert rows["Accept agreed review items in document"] == key("Ctrl+Shift+A")
    every = [(row.keys, row.where) for row in shortcut_table(window) if row.keys]
    assert len(every) == len(set(every))  # no key is bound twice where it acts
    assert key("Ctrl+Shift+2") in tab.side_buttons["bo"].toolTip()
    assert key("Ctrl+Shift+R") in tab.reject_button.toolTip()
    assert key("Alt+Down") in tab.next_action.toolTip()
