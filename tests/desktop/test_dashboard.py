"""The dashboard dock in the real window: what its charts hold, checked against the spans put
in the store and against the agreement functions, and redrawn after an edit."""

from __future__ import annotations

import random
import sqlite3
import sys
import threading
from collections import Counter
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QSettings, QThreadPool
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox

from annotate.agreement import compute_agreement, label_confusion
from annotate.commands import CreateSpan, DeleteSpan
from annotate.model import GOLD, AnnotatedDocument, Span
from annotate.samples import sample_documents
from annotate.suggestions import Suggestion
from annotate.tokenize import tokenize
from db.store import Store
from desktop.dashboard import DEBOUNCE_MS, Dashboard, compact
from desktop.dashboard_counts import CountsJob
from desktop.main_window import MainWindow
from desktop.service import Service
from desktop.theme import palette as theme_palette

pytestmark = pytest.mark.gui

LABELS = ("CLAIM", "DENIAL", "PERSON", "ORG")
DONE_ON = {("amina", 0): "2024-05-01", ("amina", 1): "2024-05-01", ("amina", 2): "2024-05-03",
           ("bo", 0): "2024-05-02", ("bo", 1): "2024-05-03"}


def two_annotators(rng: random.Random) -> list[AnnotatedDocument]:
    """amina annotates four documents; bo copies her spans with some relabelled, moved or
    left out, plus spans of his own; carla and gold add a few; amina alone puts LOCATION on
    the fifth document (so no pair counts it: its kappa is undefined)."""
    records = []
    for i, doc in enumerate(sample_documents()):
        words = [t for t in tokenize(doc.text) if t.text.isalpha()]
        spans: list[Span] = []
        if i < 4:
            for k in range(0, 40, 4):
                t = words[k]
                label = LABELS[rng.randrange(len(LABELS))]
                spans.append(Span(doc.uid, t.start, t.end, label, "amina"))
                roll = rng.random()
                if roll < 0.5:
                    spans.append(Span(doc.uid, t.start, t.end, label, "bo"))
                elif roll < 0.7:
                    spans.append(Span(doc.uid, t.start, t.end, rng.choice(LABELS), "bo"))
                elif roll < 0.85:
                    spans.append(Span(doc.uid, t.start, words[k + 1].end, label, "bo"))
            t = words[50]
            spans.append(Span(doc.uid, t.start, t.end, "DATE", "bo"))
            spans.append(Span(doc.uid, t.start, t.end, "CLAIM", "carla"))
            spans.append(Span(doc.uid, t.start, t.end, "PERSON", GOLD))
        else:
            spans.append(Span(doc.uid, words[3].start, words[3].end, "LOCATION", "amina"))
        status = {who: "done" for (who, n) in DONE_ON if n == i}
        records.append(AnnotatedDocument(doc, tuple(spans), status=status))
    return records


@pytest.fixture
def records() -> list[AnnotatedDocument]:
    return two_annotators(random.Random(11))


@pytest.fixture
def store_path(tmp_path: Path, records: list[AnnotatedDocument]) -> Path:
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents(records)
    store.close()
    with sqlite3.connect(path) as conn:  # back-date the done marks
        for (who, n), day in DONE_ON.items():
            conn.execute(
                "UPDATE document_status SET updated = ? WHERE annotator_id = (SELECT id FROM "
                "annotators WHERE name = ?) AND document_id = (SELECT id FROM documents "
                "WHERE uid = ?)", (f"{day}T12:00:00Z", who, records[n].document.uid))
    return path


@pytest.fixture
def window(qtbot, store_path: Path, tmp_path: Path):
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Service(Store.open(store_path), "amina"), settings)
    qtbot.addWidget(win)
    with qtbot.waitExposed(win):
        win.show()
    yield win
    QThreadPool.globalInstance().waitForDone(10_000)
    win.service.store.close()


def shown(qtbot, window: MainWindow) -> Dashboard:
    """Bring the dashboard, its Agreement tab in front, and wait for every chart, the pair's
    included (a tab out of sight computes no pair figures)."""
    dash = window.dashboard
    dash.raise_()
    qtbot.waitUntil(lambda: dash.showing)
    dash.tabs.setCurrentWidget(dash.agreement)
    qtbot.waitUntil(lambda: dash.showing and not dash.busy and bool(dash.confusion_labels),
                    timeout=10_000)
    return dash


def bar_heights(bars, names: list[str] | None = None) -> dict[str, float]:
    """Bar heights keyed by the tick name under each bar."""
    ticks = names if names is not None else []
    return {ticks[int(x)]: float(h) for x, h in zip(bars.opts["x"], bars.opts["height"],
                                                    strict=True)}


def tick_names(plot) -> list[str]:
    return [name for _, name in plot.getAxis("bottom")._tickLevels[0]]


def test_dashboard_is_hidden_behind_the_spans_tab_and_builds_only_when_shown(window, qtbot):
    dash = window.dashboard
    assert not dash.showing
    assert dash in window.tabifiedDockWidgets(window.spans)
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert dash.toggleViewAction() in view.actions()
    assert not hasattr(dash, "label_bars")  # nothing built (pyqtgraph not needed) yet
    shown(qtbot, window)
    assert hasattr(dash, "label_bars")


def test_span_counts_per_label_and_per_annotator(window, qtbot, records):
    dash = shown(qtbot, window)
    spans = [s for r in records for s in r.spans]
    by_label = Counter(s.label for s in spans)
    labels = [label.name for label in window.service.schema().labels]
    assert tick_names(dash.label_plot) == labels
    assert bar_heights(dash.label_bars, labels) == {name: by_label[name] for name in labels}
    colours = {label.name: label.color.lower() for label in window.service.schema().labels}
    assert [b.color().name() for b in dash.label_bars.opts["brushes"]] == \
        [colours[name] for name in labels]
    names = tick_names(dash.annotator_plot)
    assert bar_heights(dash.annotator_bars, names) == Counter(s.annotator for s in spans)


def test_done_per_day_series(window, qtbot):
    dash = shown(qtbot, window)
    assert dash.days == ["2024-05-01", "2024-05-02", "2024-05-03"]
    series = {name: curve.getData()[1].tolist() for name, curve in dash.progress_curves.items()}
    assert series == {"amina": [2, 0, 1], "bo": [0, 1, 1]}
    assert dash.progress_curves["amina"].getData()[0].tolist() == [0, 1, 2]


def test_agreement_bars_are_token_kappa_and_undefined_kappa_has_no_bar(window, qtbot, records):
    dash = shown(qtbot, window)
    assert (dash.pair_a.currentText(), dash.pair_b.currentText()) == ("amina", "bo")
    assert GOLD not in [dash.pair_a.itemText(i) for i in range(dash.pair_a.count())]
    pair = compute_agreement(records, ["amina", "bo"]).pair("amina", "bo")
    labels = tick_names(dash.kappa_plot)
    assert sorted(labels) == sorted(pair.kappa)
    kappas = {labels[round(x + 0.17)]: h for x, h in zip(dash.kappa_bars.opts["x"],
                                                         dash.kappa_bars.opts["height"],
                                                         strict=True)}
    defined = {k: m.value for k, m in pair.kappa.items() if m.value is not None}
    assert kappas == pytest.approx(defined)
    assert dash.na_labels == ["LOCATION"] == [k for k, m in pair.kappa.items() if m.value is None]
    texts = [item.textItem.toPlainText() for item in dash.kappa_plot.getPlotItem().items
             if isinstance(item, pg.TextItem)]
    assert texts.count("n/a") == 2  # LOCATION: no kappa and no F1
    for label, metric in pair.kappa.items():
        if metric.value is not None:
            assert f"{metric.value:.2f}\n{compact(metric.units)} tok" in texts, label


def test_confusion_matrix_matches_label_confusion(window, qtbot, records):
    dash = shown(qtbot, window)
    expected = label_confusion(records, "amina", "bo")
    names = dash.confusion_labels
    image = dash.confusion_image.image
    assert image.shape == (len(names), len(names))
    got = {(names[r], names[c]): int(n) for (r, c), n in np.ndenumerate(image) if n}
    assert got == expected
    assert any(a != b for a, b in got)  # the generated data has disagreements to show

    dash.pair_b.setCurrentText("carla")
    qtbot.waitUntil(lambda: not dash.busy and "carla" in dash.confusion_plot.getAxis(
        "bottom").labelText, timeout=10_000)
    names = dash.confusion_labels
    got = {(names[r], names[c]): int(n)
           for (r, c), n in np.ndenumerate(dash.confusion_image.image) if n}
    assert got == label_confusion(records, "amina", "carla")


def test_a_new_span_grows_its_bar_after_the_debounce(window, qtbot):
    dash = shown(qtbot, window)
    labels = tick_names(dash.label_plot)
    before = bar_heights(dash.label_bars, labels)
    service = window.service
    doc = service.store.document(service.current)
    word = next(t for t in tokenize(doc.text) if t.text.isalpha() and len(t.text) > 3)
    assert service.apply(CreateSpan(Span(doc.uid, word.start, word.end, "ORG", "amina")))
    assert bar_heights(dash.label_bars, labels) == before  # debounced, not yet redrawn
    qtbot.waitUntil(lambda: bar_heights(dash.label_bars, labels)["ORG"] == before["ORG"] + 1,
                    timeout=DEBOUNCE_MS + 4000)
    after = bar_heights(dash.label_bars, labels)
    assert {k: v for k, v in after.items() if k != "ORG"} == \
        {k: v for k, v in before.items() if k != "ORG"}


def test_a_hidden_dashboard_waits_until_shown(window, qtbot):
    dash = shown(qtbot, window)
    labels = tick_names(dash.label_plot)
    before = bar_heights(dash.label_bars, labels)["CLAIM"]
    window.spans.raise_()
    qtbot.waitUntil(lambda: not dash.showing)
    service = window.service
    doc = service.store.document(service.current)
    word = next(t for t in tokenize(doc.text) if t.text.isalpha() and len(t.text) > 4)
    assert service.apply(CreateSpan(Span(doc.uid, word.start, word.end, "CLAIM", "amina")))
    qtbot.wait(DEBOUNCE_MS + 300)
    assert bar_heights(dash.label_bars, labels)["CLAIM"] == before
    dash.raise_()
    qtbot.waitUntil(lambda: bar_heights(dash.label_bars, labels)["CLAIM"] == before + 1,
                    timeout=DEBOUNCE_MS + 4000)


def test_an_edit_followed_behind_another_tab_walks_no_dataclass_fields(window, qtbot):
    """The counts a hidden dashboard follows an edit with are made field by field: nothing
    of :mod:`dataclasses` runs (``replace`` walked the fields by reflection, ~15 K
    instructions at each key press once the dashboard was shown)."""
    dash = shown(qtbot, window)
    window.spans.raise_()
    qtbot.waitUntil(lambda: not dash.showing)
    service = window.service
    doc = service.store.document(service.current)
    word = next(t for t in tokenize(doc.text) if t.text.isalpha() and len(t.text) > 4)
    spans = dash._counted.stats["spans"]
    called: Counter[str] = Counter()

    def profile(frame, event: str, _arg: object) -> None:
        if event == "call" and frame.f_code.co_filename.endswith("dataclasses.py"):
            called[frame.f_code.co_name] += 1

    sys.setprofile(profile)
    try:
        assert service.apply(CreateSpan(Span(doc.uid, word.start, word.end, "CLAIM", "amina")))
    finally:
        sys.setprofile(None)
    assert called == Counter()
    assert dash._counted.stats["spans"] == spans + 1  # followed, not read again


def test_an_edit_followed_asks_the_pair_choosers_nothing(window, qtbot, monkeypatch):
    """Whether an edit touches the pair is told from the pair as the choosers last said it:
    they are asked again only after a choice (two calls into Qt answering a QVariant at each
    key press before, the dashboard in front or not)."""
    dash = shown(qtbot, window)
    asked = []
    for combo in (dash.pair_a, dash.pair_b):
        monkeypatch.setattr(combo, "currentData", lambda *role, combo=combo: asked.append(
            combo) or QComboBox.currentData(combo, *role))
    service = window.service
    doc = service.store.document(service.current)
    word = next(t for t in tokenize(doc.text) if t.text.isalpha() and len(t.text) > 4)
    assert service.apply(CreateSpan(Span(doc.uid, word.start, word.end, "CLAIM", "amina")))
    assert asked == [] and "pair" in dash._due
    pair = dash.pair()
    dash.pair_b.setCurrentIndex(next(i for i in range(dash.pair_b.count())
                                     if dash.pair_b.itemData(i) not in pair))
    assert dash.pair() == (pair[0], dash.pair_b.currentData()) != pair


def test_opening_another_store_redraws_for_it(window, qtbot, tmp_path):
    dash = shown(qtbot, window)
    labels = tick_names(dash.label_plot)
    assert sum(bar_heights(dash.label_bars, labels).values()) > 0
    assert window.open_store(str(tmp_path / "empty.sqlite"))
    qtbot.waitUntil(lambda: not dash.busy and sum(bar_heights(
        dash.label_bars, tick_names(dash.label_plot)).values()) == 0, timeout=DEBOUNCE_MS + 4000)
    assert dash.progress_curves == {} and dash.days == []
    assert dash.pair() is None and dash.confusion_labels == []


def test_the_counts_are_read_off_the_gui_thread(window, qtbot, monkeypatch):
    """The counts scan the whole store: a job reads them, the GUI thread only draws."""
    threads: list[threading.Thread] = []
    stats = Store.stats

    def counted(store: Store):
        threads.append(threading.current_thread())
        return stats(store)

    monkeypatch.setattr(Store, "stats", counted)
    dash = shown(qtbot, window)
    assert threads and all(t is not threading.main_thread() for t in threads)
    assert dash.note.text().startswith(f"{window.service.store.count_documents()} documents")


def test_the_pair_figures_are_computed_in_a_process_of_their_own(window, qtbot, monkeypatch):
    """Reading the corpus and aligning its spans (pure Python) in a thread of the window held
    the window's GIL: its process never reads the corpus for the pair, yet draws the figures
    (those the agreement functions give: the tests above)."""
    reads = []
    real = Store.iter_documents

    def read(store: Store, *args, **kwargs):
        reads.append(threading.current_thread())
        return real(store, *args, **kwargs)

    monkeypatch.setattr(Store, "iter_documents", read)
    dash = shown(qtbot, window)
    assert dash.confusion_labels and reads == []


def test_the_model_tab_shows_the_last_models_held_out_scores(window, qtbot, records):
    dash = shown(qtbot, window)
    assert dash.model_table.rowCount() == 0
    assert "no model trained" in dash.model_note.text()
    store = window.service.store
    store.record_model("/models/m", {"PERSON": (0.5, 0.25, 1 / 3), "ORG": (1.0, 1.0, 1.0)})
    uid = records[0].document.uid
    store.put_suggestions([Suggestion(uid, 0, 3, "ORG", "model:m@1", 0.7)], "model:m@1")
    dash.refresh()
    qtbot.waitUntil(lambda: dash.model_table.rowCount() == 2, timeout=10_000)
    rows = [[dash.model_table.item(r, c).text() for c in range(4)] for r in range(2)]
    assert rows == [["PERSON", "0.500", "0.250", "0.333"], ["ORG", "1.000", "1.000", "1.000"]]
    assert "/models/m" in dash.model_note.text() and "model:m@1: 1" in dash.model_note.text()


def test_charts_follow_a_theme_change_while_shown(window, qtbot, qapp):
    dash = shown(qtbot, window)
    assert dash.label_plot.backgroundBrush().color().lightness() > 150
    before = QPalette(qapp.palette())
    try:
        qapp.setPalette(theme_palette("dark"))
        qtbot.waitUntil(lambda: dash.label_plot.backgroundBrush().color().lightness() < 60,
                        timeout=5_000)
        qtbot.waitUntil(lambda: not dash.busy and bool(dash.confusion_labels), timeout=10_000)
        assert tick_names(dash.label_plot)  # the rebuilt charts hold the data again
        assert dash.label_plot.getAxis("left").textPen().color().lightness() > 150
    finally:
        qapp.setPalette(before)


def test_an_edit_is_followed_from_its_change_set_without_reading_the_store(window, qtbot,
                                                                            monkeypatch):
    """A span made or deleted changes the counts by what its change set carries: the charts
    follow without the store being scanned again, and the pair's figures are computed again
    only when the edit touched one of the pair's layers (it read every count and figured the
    pair after every edit)."""
    dash = shown(qtbot, window)
    service = window.service
    doc = service.store.document(service.current)
    words = [t for t in tokenize(doc.text) if t.text.isalpha() and len(t.text) > 3]
    first = Span(doc.uid, words[0].start, words[0].end, "ORG", "amina")
    assert service.apply(CreateSpan(first))  # (a first edit may mark the document begun)
    qtbot.waitUntil(lambda: not dash.busy and not dash._timer.isActive(), timeout=10_000)
    labels = tick_names(dash.label_plot)
    before = bar_heights(dash.label_bars, labels)
    reads: list[str] = []
    for name in ("stats", "done_per_day", "annotators"):
        real = getattr(Store, name)
        monkeypatch.setattr(Store, name, lambda store, *a, _real=real, _name=name, **k:
                            reads.append(_name) or _real(store, *a, **k))
    pairs: list[tuple[str, str] | None] = []
    real_pair = Dashboard.start_pair_job
    monkeypatch.setattr(Dashboard, "start_pair_job",
                        lambda self: pairs.append(self.pair()) or real_pair(self))
    dash.pair_a.setCurrentText("bo")
    dash.pair_b.setCurrentText("carla")
    qtbot.waitUntil(lambda: not dash.busy, timeout=10_000)
    pairs.clear()
    second = Span(doc.uid, words[1].start, words[1].end, "DENIAL", "amina")
    assert service.apply(CreateSpan(second))  # amina: not of the pair shown
    qtbot.waitUntil(lambda: bar_heights(dash.label_bars, labels)["DENIAL"]
                    == before["DENIAL"] + 1, timeout=DEBOUNCE_MS + 4000)
    assert reads == [] and pairs == []
    assert dash.note.text().startswith(f"{window.service.store.count_documents()} documents")
    dash.pair_a.setCurrentText("amina")
    qtbot.waitUntil(lambda: not dash.busy, timeout=10_000)
    pairs.clear()
    assert service.apply(DeleteSpan(second))  # of the pair now: figured again
    qtbot.waitUntil(lambda: bool(pairs), timeout=DEBOUNCE_MS + 4000)
    qtbot.waitUntil(lambda: not dash.busy, timeout=10_000)
    assert bar_heights(dash.label_bars, labels) == before
    assert reads == [] and pairs == [("amina", "carla")]


def test_a_cancelled_count_stops_at_its_next_read(store_path, monkeypatch):
    """An edit cancels the count under way (its result would be stale): the job stops at its
    next read instead of scanning the whole store on (it read on to the end, holding a core
    and the window's GIL from time to time while the key presses went on)."""
    job = CountsJob(str(store_path))
    reads: list[str] = []
    stats = Store.stats

    def cancelled_meanwhile(store: Store):
        reads.append("stats")
        job.cancel()  # an edit came while the first read ran
        return stats(store)

    monkeypatch.setattr(Store, "stats", cancelled_meanwhile)
    monkeypatch.setattr(Store, "done_per_day", lambda store: reads.append("per day"))
    ended: list[object] = []
    job.signals.finished.connect(ended.append)
    job.signals.failed.connect(ended.append)
    job.run()
    assert reads == ["stats"] and ended == ["cancelled"]


def test_the_pair_is_figured_only_with_the_agreement_tab_in_front(window, qtbot, monkeypatch):
    """The pair's figures read and align the whole corpus (a child process taking a core):
    with another tab of the dashboard in front none are computed, and bringing the Agreement
    tab in front computes them (they were computed after every count, whatever the tab)."""
    started: list[tuple[str, str] | None] = []
    real = Dashboard.start_pair_job
    monkeypatch.setattr(Dashboard, "start_pair_job",
                        lambda self: started.append(self.pair()) or real(self))
    dash = window.dashboard
    dash.raise_()
    qtbot.waitUntil(lambda: dash.showing and not dash._stale and not dash.busy
                    and bool(tick_names(dash.label_plot)), timeout=10_000)
    qtbot.wait(50)
    assert started == [] and dash.confusion_labels == []
    dash.tabs.setCurrentWidget(dash.agreement)
    qtbot.waitUntil(lambda: not dash.busy and bool(dash.confusion_labels), timeout=10_000)
    assert started == [("amina", "bo")]


def counts_shown(plot) -> dict[float, tuple[object, str]]:
    """The count above each bar of ``plot``, by the bar's place: (item, text)."""
    return {item.pos().x(): (item, item.textItem.toPlainText())
            for item in plot.getPlotItem().items if isinstance(item, pg.TextItem)}


def test_a_followed_edit_sets_again_only_the_bars_it_changed(window, qtbot):
    """An edit followed from its change set moves its bar and its count; the chart is not
    drawn anew (every bar, count, tick and the range were made again: some 20 ms of the GUI
    thread a second after each burst of key presses, on the bench's 2,000 documents)."""
    dash = shown(qtbot, window)
    service = window.service
    doc = service.store.document(service.current)
    words = [t for t in tokenize(doc.text) if t.text.isalpha() and len(t.text) > 3]
    assert service.apply(CreateSpan(Span(doc.uid, words[0].start, words[0].end, "ORG",
                                         "amina")))  # (a first edit may mark it begun)
    qtbot.waitUntil(lambda: not dash.busy and not dash._timer.isActive(), timeout=10_000)
    labels = tick_names(dash.label_plot)
    before = bar_heights(dash.label_bars, labels)
    items = list(dash.label_plot.getPlotItem().items)
    counts = counts_shown(dash.label_plot)
    assert service.apply(CreateSpan(Span(doc.uid, words[1].start, words[1].end, "DENIAL",
                                         "amina")))
    qtbot.waitUntil(lambda: bar_heights(dash.label_bars, labels)["DENIAL"]
                    == before["DENIAL"] + 1, timeout=DEBOUNCE_MS + 4000)
    assert list(dash.label_plot.getPlotItem().items) == items  # the same items, in place
    denial = labels.index("DENIAL")
    now = counts_shown(dash.label_plot)
    assert now.pop(denial) == (counts.pop(denial)[0], str(int(before["DENIAL"]) + 1))
    assert now == counts
