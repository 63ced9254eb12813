"""The dashboard's edge states (issue 12 point 6) in the real window: a pair with no shared
document draws without an error and says so, the charts recompute when data arrives (from
another program too), empty charts say "no data" instead of showing bare axes, and agreement
bars carry their score and the count of units behind it."""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QSettings, QThreadPool

from annotate.agreement import compute_agreement
from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store
from desktop.dashboard import DEBOUNCE_MS, Dashboard, compact
from desktop.main_window import MainWindow
from desktop.service import WATCH_MS, Service

pytestmark = pytest.mark.gui

FIRST = Document("Amina said the army took Kidal on Monday. Bo denied it at once.", "First")
SECOND = Document("The ministry said nothing about Kidal or about the army.", "Second")


def on(doc: Document, words: str, label: str, who: str) -> Span:
    start = doc.text.index(words)
    return Span(doc.uid, start, start + len(words), label, who)


AMINA = (on(FIRST, "Amina", "PERSON", "amina"), on(FIRST, "the army took Kidal", "CLAIM", "amina"))
BO_ELSEWHERE = (on(SECOND, "The ministry", "ORG", "bo"),)
BO_ON_FIRST = (on(FIRST, "Amina", "PERSON", "bo"), on(FIRST, "the army took", "CLAIM", "bo"))


def open_window(qtbot, path: Path, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Service(Store.open(path), "amina"), settings)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    return window


@pytest.fixture
def apart(qtbot, tmp_path: Path):
    """amina and bo each annotated a different document: no document in common."""
    path = tmp_path / "apart.sqlite"
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(FIRST, AMINA), AnnotatedDocument(SECOND,
                                                                               BO_ELSEWHERE)])
    store.close()
    window = open_window(qtbot, path, tmp_path)
    yield window, path
    QThreadPool.globalInstance().waitForDone(10_000)
    window.service.store.close()


def texts(plot: pg.PlotWidget) -> list[str]:
    return [item.textItem.toPlainText() for item in plot.getPlotItem().items
            if isinstance(item, pg.TextItem)]


def axes_shown(plot: pg.PlotWidget) -> bool:
    item = plot.getPlotItem()
    return item.getAxis("left").isVisible() and item.getAxis("bottom").isVisible()


def agreement_shown(qtbot, dash: Dashboard) -> None:
    """The dashboard, its Agreement tab in front (the pair is figured only there)."""
    dash.raise_()
    qtbot.waitUntil(lambda: dash.showing)
    dash.tabs.setCurrentWidget(dash.agreement)


def computed(qtbot, dash: Dashboard) -> None:
    """Wait for the charts: the pair figures come from a child process, which a loaded machine
    (a load of 9) took more than 10 s to start and hear from."""
    qtbot.waitUntil(lambda: dash.showing and not dash.busy and not dash._stale
                    and not dash.pair_note.text().startswith("computing"), timeout=60_000)


def test_a_pair_without_a_shared_document_draws_says_so_and_recomputes_when_data_arrives(
        apart, qtbot):
    window, path = apart
    dash = window.dashboard
    agreement_shown(qtbot, dash)
    computed(qtbot, dash)
    assert (dash.pair_a.currentText(), dash.pair_b.currentText()) == ("amina", "bo")
    assert dash.pair_note.text() == "amina and bo have no document in common"
    for plot in (dash.kappa_plot, dash.confusion_plot):
        assert texts(plot) == ["no document annotated by both amina and bo"]
        assert not axes_shown(plot)

    other = Store.open(path)  # another program (the command line) imports bo's work
    other.import_documents([AnnotatedDocument(FIRST, BO_ON_FIRST)])
    other.close()
    qtbot.waitUntil(lambda: dash.pair_note.text() == "1 document annotated by both",
                    timeout=WATCH_MS + DEBOUNCE_MS + 10_000)
    computed(qtbot, dash)
    assert axes_shown(dash.kappa_plot) and axes_shown(dash.confusion_plot)
    assert {"CLAIM", "PERSON"} <= set(dash.confusion_labels)
    assert texts(dash.kappa_plot) and "no document" not in " ".join(texts(dash.kappa_plot))


def test_agreement_bars_carry_the_score_and_the_units_behind_it(apart, qtbot):
    window, path = apart
    other = Store.open(path)
    other.import_documents([AnnotatedDocument(FIRST, BO_ON_FIRST)])
    other.close()
    window.service.notice_outside_changes()
    dash = window.dashboard
    agreement_shown(qtbot, dash)
    qtbot.waitUntil(lambda: dash.pair_note.text() == "1 document annotated by both",
                    timeout=10_000)
    records = [AnnotatedDocument(FIRST, AMINA + BO_ON_FIRST)]
    pair = compute_agreement(records, ["amina", "bo"]).pair("amina", "bo")
    shown = texts(dash.kappa_plot)
    for label, kappa in pair.kappa.items():
        f1 = pair.overlap[label]
        assert kappa.value is not None and f1.value is not None
        assert f"{kappa.value:.2f}\n{compact(kappa.units)} tok" in shown, label
        assert f"{f1.value:.2f}\n{compact(f1.a + f1.b)} spans" in shown, label


def test_empty_charts_say_no_data_instead_of_bare_axes(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path / "empty.sqlite", tmp_path)
    dash = window.dashboard
    agreement_shown(qtbot, dash)
    qtbot.waitUntil(lambda: dash.showing and not dash._stale and not dash.busy, timeout=10_000)
    assert texts(dash.label_plot) == ["no spans yet"]
    assert texts(dash.annotator_plot) == ["no spans yet"]
    assert texts(dash.progress_plot) == ["no document marked done yet"]
    assert texts(dash.kappa_plot) == texts(dash.confusion_plot) == [
        "agreement needs two annotators with spans"]
    for plot in (dash.label_plot, dash.annotator_plot, dash.progress_plot, dash.kappa_plot,
                 dash.confusion_plot):
        assert not axes_shown(plot)
    window.service.store.close()
