"""The Ledger dock: rows, claimant columns and conflicts as the ledger has them; a click on a
claim opens its document at the span; an edit rebuilds only the rows of its claims; the
timeline draws the current row's figures by date."""

from __future__ import annotations

import builtins
from dataclasses import replace
from pathlib import Path

import pytest
from ledger_corpus import annotate
from PySide6.QtCore import QPersistentModelIndex, Qt
from PySide6.QtWidgets import QWidget
from window_helpers import open_window

from annotate import ledger
from annotate.commands import (
    CreateSpan,
    DeleteSpan,
    RemoveRelation,
    UpdateSpan,
    set_attribute,
)
from annotate.ledger import ClaimRecord, Party
from annotate.model import Span
from db.store import Store
from desktop.ledger import dock as ledger_dock
from desktop.ledger.job import LedgerJob
from desktop.ledger.model import CONFLICT_COLOUR, figures
from desktop.ledger.timeline import NOTHING_DATED, PICK, Timeline
from desktop.plain import LINE, line

pytestmark = pytest.mark.gui
BUILD = ledger.build


@pytest.fixture
def window(qtbot, tmp_path: Path):
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    spans = annotate(store)
    store.close()
    window = open_window(qtbot, path, tmp_path)
    window.ledger.show()
    window.ledger.raise_()
    qtbot.waitUntil(lambda: window.ledger.model.rowCount() == 3 and not window.ledger.building)
    window.spans_by_key = spans
    yield window
    window.service.store.close()


def texts(model, index) -> list[str]:
    return [model.index(index.row(), n, index.parent()).data()
            for n in range(model.columnCount())]


def row(dock, n: int):
    return dock.model.index(n, 0)


def expanded(dock, n: int):
    """Row ``n``, expanded: its claims are items."""
    index = row(dock, n)
    dock.tree.expand(index)
    return index


def test_rows_columns_and_conflicts(window) -> None:
    model = window.ledger.model
    assert [model.headerData(n, Qt.Orientation.Horizontal) for n in range(model.columnCount())] \
        == ["Subject: proposition", "African Initiative", "CSP", "CSP-PSD", "Rusich", "army"]
    wagner = row(window.ledger, 1)
    assert texts(model, wagner) == ["Wagner: killed  ⚠ conflicting figures", "", "84", "",
                                    "≥81", "10"]
    assert model.rowCount(wagner) == 0 and model.hasChildren(wagner)  # no items till expanded
    window.ledger.tree.expand(wagner)
    assert model.rowCount(wagner) == 3
    army = model.index(0, 5, wagner)  # the army's claim, published first, in the army's column
    assert army.data() == "10"
    assert army.data(Qt.ItemDataRole.ForegroundRole).color().name() == CONFLICT_COLOUR.lower()
    assert model.index(0, 3, wagner).data() is None  # CSP-PSD's column: not the army's claim
    assert window.ledger.summary.text() == "3 rows, 5 claimants, 1 with conflicting figures"


def test_a_denial_is_in_italics_in_its_claimants_column(window) -> None:
    model = window.ledger.model
    jnim = expanded(window.ledger, 0)
    assert model.index(jnim.row(), 0).data() == "JNIM: took part"
    denial = next(model.index(n, 3, jnim) for n in range(model.rowCount(jnim))
                  if model.index(n, 3, jnim).data())
    assert denial.data() == "denies"
    assert denial.data(Qt.ItemDataRole.FontRole).italic()


def test_clicking_a_claim_opens_its_document_at_the_span(window, qtbot) -> None:
    dock = window.ledger
    claim = dock.model.index(0, 0, expanded(dock, 1))  # the army's, published first
    dock.tree.clicked.emit(claim)
    army = window.spans_by_key[3, "c"]
    assert window.service.current == army.document
    qtbot.waitUntil(lambda: window.editor.view.selected_span() == army.id)


def test_an_edit_changes_only_its_claim(window, qtbot) -> None:
    dock = window.ledger
    model = dock.model
    expanded(dock, 1)
    untouched = QPersistentModelIndex(model.index(1, 0, row(dock, 1)))  # CSP's claim
    before = {i: c for i, c in dock.ledger.claims.items()}
    army = window.spans_by_key[3, "c"]
    window.service.apply(set_attribute(window.service.store.span(army.id), "figure_low", 82))
    qtbot.waitUntil(lambda: dock.refreshed is not None)
    assert dock.refreshed == {"Wagner: killed"}
    assert [i for i, c in dock.ledger.claims.items() if c is not before[i]] == [army.id]
    assert untouched.isValid() and untouched.row() == 1 and dock.tree.isExpanded(row(dock, 1))
    assert texts(model, row(dock, 1))[:1] == ["Wagner: killed"]  # no conflict now
    assert texts(model, row(dock, 1))[5] == "≥82"
    assert dock.summary.text() == "3 rows, 5 claimants, 0 with conflicting figures"


def test_the_timeline_draws_the_current_row(window) -> None:
    dock = window.ledger
    dock.tree.setCurrentIndex(row(dock, 1))
    drawn = {(name, low) for name, _when, low, _top in dock.timeline.drawn}
    assert drawn == {("CSP", 84), ("Rusich", 81), ("army", 10)}


def test_one_edit_rereads_and_replaces_its_claim_alone(window, qtbot, monkeypatch) -> None:
    dock, service, model = window.ledger, window.service, window.ledger.model
    read, built, moved = [], [], []
    claim_records = service.claim_records
    monkeypatch.setattr(service, "claim_records", lambda *args: read.append(args[2:])
                        or claim_records(*args))
    monkeypatch.setattr(ledger, "build", lambda records: built.append(records) or BUILD(records))
    model.rowsInserted.connect(lambda parent, first, last: moved.append(
        ("in", parent.data(), first, last)))
    model.rowsRemoved.connect(lambda parent, first, last: moved.append(
        ("out", parent.data(), first, last)))
    army = window.spans_by_key[3, "c"]
    service.apply(set_attribute(service.store.span(army.id), "figure_low", 82))
    qtbot.waitUntil(lambda: dock.refreshed is not None)
    assert read == [(None, [army.id])]  # the edited claim, nothing else
    assert built == [] and not dock.building
    assert moved == []  # the army's claim changed in its place: no row taken or put in
    service.apply(set_attribute(service.store.span(army.id), "proposition", "wounded"))
    qtbot.waitUntil(lambda: bool(moved))  # (followed a moment after the edit)
    assert moved == [("in", None, 2, 2)]  # a row of its own (the claims of the one it left
    # are no items: it was never expanded)


def test_an_entity_span_without_links_costs_the_ledger_nothing(window, qtbot,
                                                               monkeypatch) -> None:
    dock, service = window.ledger, window.service
    read = []
    monkeypatch.setattr(service, "claim_records", lambda *args: read.append(args))
    uid = window.spans_by_key[3, "c"].document
    span = Span(uid, 0, 3, "LOCATION", "amina")
    assert service.schema().label("LOCATION").category == "entity"
    service.apply(CreateSpan(span))
    service.apply(UpdateSpan(span, replace(span, label="DATE")))
    service.apply(DeleteSpan(service.store.span(span.id)))
    qtbot.wait(2 * ledger_dock.FOLLOW_MS)
    assert read == [] and dock.refreshed is None and not dock.building
    service.apply(CreateSpan(replace(span, label="CLAIM")))  # a claim: read
    qtbot.waitUntil(lambda: bool(read))
    assert read == [(None, None, None, [span.id])]


def test_a_burst_of_edits_in_front_is_followed_once_after_it(window, qtbot, counted) -> None:
    """The ledger in front follows an edit a moment after it (``FOLLOW_MS``): the edit's
    own turn (a key press) reads no claim, and edits in a burst read their claim once (each
    edit read its claims again in its own turn)."""
    dock, service = window.ledger, window.service
    read, jobs = counted
    army = window.spans_by_key[3, "c"]
    for low in (82, 83, 84):
        service.apply(set_attribute(service.store.span(army.id), "figure_low", low))
        assert read == []
    qtbot.waitUntil(lambda: texts(dock.model, row(dock, 1))[5] == "≥84")
    assert (read, jobs) == ([(None, [army.id])], [])
    assert dock.refreshed == {"Wagner: killed"}


@pytest.fixture
def counted(window, monkeypatch) -> tuple[list, list]:
    """What the ledger dock reads from now on: (documents, span ids) of each read of claims on
    the GUI thread, and the build jobs it starts."""
    read, jobs = [], []
    claim_records = window.service.claim_records
    monkeypatch.setattr(window.service, "claim_records",
                        lambda *args: read.append(args[2:]) or claim_records(*args))
    monkeypatch.setattr(LedgerJob, "start", lambda job, start=LedgerJob.start: jobs.append(job)
                        or start(job))
    return read, jobs


def hide(window, qtbot) -> None:
    window.spans.raise_()  # the ledger's tab behind the spans'
    qtbot.waitUntil(lambda: window.ledger.visibleRegion().isEmpty())


def test_an_edit_behind_another_tab_imports_nothing_and_asks_no_visible_region(
        window, qtbot, monkeypatch) -> None:
    """A hidden ledger notes what an edit touched without an import statement (PySide's
    import hook, a Python function, ran at each key press) or Qt asked for its visible
    region (~10 K instructions); shown, it follows the edit (the test below)."""
    hide(window, qtbot)
    service = window.service
    imported, asked = [], []
    plain_import = builtins.__import__
    monkeypatch.setattr(builtins, "__import__", lambda name, *args, **kwargs:
                        imported.append(name) or plain_import(name, *args, **kwargs))
    monkeypatch.setattr(ledger_dock.LedgerDock, "visibleRegion",
                        lambda dock: asked.append(dock) or QWidget.visibleRegion(dock))
    army = window.spans_by_key[3, "c"]
    service.apply(set_attribute(service.store.span(army.id), "figure_low", 82))
    assert "annotate.ledger" not in imported and asked == []
    assert window.ledger._missed == (set(), {army.id})


def test_a_hidden_ledger_does_no_work_until_shown(window, qtbot, counted) -> None:
    """Shown again, it reads the claims edited meanwhile, once each, and builds nothing (it
    was built again whole, in a job)."""
    dock, service = window.ledger, window.service
    read, jobs = counted
    hide(window, qtbot)
    army = window.spans_by_key[3, "c"]
    for low in (82, 83, 84):
        service.apply(set_attribute(service.store.span(army.id), "figure_low", low))
    assert (read, jobs) == ([], [])
    dock.raise_()
    qtbot.waitUntil(lambda: texts(dock.model, row(dock, 1))[5] == "≥84")
    assert (read, jobs) == ([(None, [army.id])], [])
    assert dock.refreshed == {"Wagner: killed"} and not dock.building
    assert dock.summary.text() == "3 rows, 5 claimants, 0 with conflicting figures"


def test_a_layer_gone_while_hidden_is_built_again_for_every_layer(window, qtbot, counted,
                                                                    monkeypatch) -> None:
    """Shown again without the layer it showed (the choice falls back to every layer): the
    ledger is built again for what the filter now says, not followed."""
    dock, service = window.ledger, window.service
    read, jobs = counted
    dock.layer_box.setCurrentIndex(dock.layer_box.findData("amina"))
    qtbot.waitUntil(lambda: len(jobs) == 1 and not dock.building)
    hide(window, qtbot)
    army = window.spans_by_key[3, "c"]
    service.apply(set_attribute(service.store.span(army.id), "figure_low", 82))
    monkeypatch.setattr(service, "annotators", lambda: [])
    dock.raise_()
    qtbot.waitUntil(lambda: len(jobs) == 2 and not dock.building)
    assert read == [] and dock.layer_box.currentData() is None and jobs[-1].annotator is None


def test_links_edited_while_hidden_are_followed_by_their_documents(window, qtbot,
                                                                   counted) -> None:
    dock, service = window.ledger, window.service
    read, jobs = counted
    hide(window, qtbot)
    army = window.spans_by_key[3, "c"]
    [claimed_by] = [r for r in service.store.relations(army.document)
                    if r.type == "CLAIMED_BY" and r.source == army.id]
    service.apply(RemoveRelation(army.document, claimed_by))
    assert (read, jobs) == ([], [])
    dock.raise_()
    qtbot.waitUntil(lambda: bool(read))
    assert (read, jobs) == ([([army.document], None)], [])
    assert dock.ledger.claims[army.id].claimant == ledger.UNATTRIBUTED


def test_a_hidden_ledger_is_built_again_after_a_change_of_schema(window, qtbot,
                                                                 counted) -> None:
    dock, service = window.ledger, window.service
    read, jobs = counted
    hide(window, qtbot)
    army = window.spans_by_key[3, "c"]
    service.apply(set_attribute(service.store.span(army.id), "figure_low", 82))
    service.hub.schemaChanged.emit()
    dock.raise_()
    qtbot.waitUntil(lambda: len(jobs) == 1 and not dock.building)
    assert read == [] and texts(dock.model, row(dock, 1))[5] == "≥82"


def test_a_hidden_ledger_past_its_follow_is_built_again(window, qtbot, counted,
                                                        monkeypatch) -> None:
    """More documents edited while hidden than it follows: one build when shown, no reads."""
    dock, service = window.ledger, window.service
    read, jobs = counted
    monkeypatch.setattr(ledger_dock, "FOLLOW_MOST", 0)
    hide(window, qtbot)
    army = window.spans_by_key[3, "c"]
    [claimed_by] = [r for r in service.store.relations(army.document)
                    if r.type == "CLAIMED_BY" and r.source == army.id]
    service.apply(RemoveRelation(army.document, claimed_by))
    dock.raise_()
    qtbot.waitUntil(lambda: len(jobs) == 1 and not dock.building)
    assert read == [] and dock.ledger.claims[army.id].claimant == ledger.UNATTRIBUTED


def test_a_cell_of_many_claims_shows_the_line_they_all_make() -> None:
    claims = [ledger.ClaimRecord(f"c{n}", "doc", n, n + 2, str(n), "amina", "claim")
              for n in range(5_000)]
    cell = BUILD(claims).rows[0].cell(ledger.UNATTRIBUTED)
    whole = line("; ".join(ledger.shown(c) for c in cell))
    assert figures(cell) == whole and len(whole) == LINE and whole.endswith("…")
    assert figures(cell[:3]) == "0; 1; 2"


def test_the_timeline_makes_no_chart_until_a_row_has_dated_figures(qtbot) -> None:
    """pyqtgraph (with numpy, some 40 MB) is imported only when there is a chart to draw:
    with no row, or a row without a figure with a publication date, the timeline says so in
    words (before: an empty chart, which imported pyqtgraph on the Ledger's first show)."""
    undated = ClaimRecord("u", "d1", 0, 9, "84 killed", "amina", "claim")
    dated = ClaimRecord("d", "d2", 0, 9, "90 killed", "amina", "claim",
                        published="2024-07-29", subject=Party("Wagner"))
    rows = {r.key: r for r in ledger.build([undated, dated]).rows}
    timeline = Timeline()
    qtbot.addWidget(timeline)
    timeline.show_row(None)
    assert timeline.plot is None and timeline.note.text() == PICK
    timeline.show_row(rows["(no subject): other"])
    assert timeline.plot is None and not timeline.drawn
    assert timeline.note.text() == f"(no subject): other: {NOTHING_DATED}"
    timeline.show_row(rows["Wagner: other"])
    assert timeline.plot is not None and not timeline.plot.isHidden()
    assert timeline.note.isHidden()
    assert [(name, low) for name, _when, low, _top in timeline.drawn] == [("(unattributed)", 90)]
    timeline.show_row(rows["(no subject): other"])
    assert timeline.plot.isHidden() and not timeline.note.isHidden() and not timeline.drawn


def test_a_build_that_failed_is_said_as_written(window, qtbot, monkeypatch) -> None:
    """The failure of a build quotes what failed (a store's message may quote names from the
    data): shown as written, never taken for markup (an ``<img>`` of /dev/zero in it killed
    the process as the label drew it; ``<b>`` stands for it here)."""
    from desktop.ledger import job as ledger_job

    message = "no label <b>R&amp;D</b>"

    def failing(self) -> None:  # type: ignore[no-untyped-def]
        self.signals.failed.emit(message)
    monkeypatch.setattr(ledger_job.LedgerJob, "run", failing)
    dock = window.ledger
    dock.reload()
    summary = dock.summary
    qtbot.waitUntil(lambda: message in summary.text())
    assert summary.textFormat() == Qt.TextFormat.PlainText
