"""The Ledger dock: rows, claimant columns and conflicts as the ledger has them; a click on a
claim opens its document at the span; an edit rebuilds only the rows of its claims; the
timeline draws the current row's figures by date."""

from __future__ import annotations

from pathlib import Path

import pytest
from ledger_corpus import annotate
from window_helpers import open_window

from annotate import ledger
from annotate.commands import set_attribute
from db.store import Store

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
    qtbot.waitUntil(lambda: window.ledger.tree.topLevelItemCount() == 3)
    window.spans_by_key = spans
    yield window
    window.service.store.close()


def texts(item) -> list[str]:
    return [item.text(n) for n in range(item.columnCount())]


def test_rows_columns_and_conflicts(window) -> None:
    tree = window.ledger.tree
    assert [tree.headerItem().text(n) for n in range(tree.columnCount())] == [
        "Subject: proposition", "African Initiative", "CSP", "CSP-PSD", "Rusich", "army"]
    wagner = tree.topLevelItem(1)
    assert texts(wagner) == ["Wagner: killed  ⚠ conflicting figures", "", "84", "", "≥81",
                             "10"]
    assert wagner.childCount() == 3
    assert window.ledger.summary.text() == "3 rows, 5 claimants, 1 with conflicting figures"


def test_clicking_a_claim_opens_its_document_at_the_span(window, qtbot) -> None:
    tree = window.ledger.tree
    claim = tree.topLevelItem(1).child(0)  # the army's, published first
    tree.itemClicked.emit(claim, 0)
    army = window.spans_by_key[3, "c"]
    assert window.service.current == army.document
    qtbot.waitUntil(lambda: window.editor.view.selected_span() == army.id)


def test_an_edit_rebuilds_only_the_rows_of_its_claim(window, qtbot) -> None:
    dock = window.ledger
    untouched = dock.tree.topLevelItem(2)
    army = window.spans_by_key[3, "c"]
    window.service.apply(set_attribute(window.service.store.span(army.id), "figure_low", 82))
    qtbot.waitUntil(lambda: dock.refreshed is not None)
    assert dock.refreshed == {"Wagner: killed", "JNIM: took part"}
    assert dock.tree.topLevelItem(2) is untouched  # "Wagner Group: killed": not rebuilt
    assert texts(dock.tree.topLevelItem(1))[:1] == ["Wagner: killed"]  # no conflict now
    assert texts(dock.tree.topLevelItem(1))[5] == "≥82"


def test_the_timeline_draws_the_current_row(window) -> None:
    dock = window.ledger
    dock.tree.setCurrentItem(dock.tree.topLevelItem(1))
    drawn = {(name, low) for name, _when, low, _top in dock.timeline.drawn}
    assert drawn == {("CSP", 84), ("Rusich", 81), ("army", 10)}


def test_one_edit_rereads_and_rebuilds_only_its_claims_rows(window, qtbot, monkeypatch) -> None:
    dock, service = window.ledger, window.service
    read, built, items = [], [], []
    claim_records, row_item = service.claim_records, dock._row_item
    monkeypatch.setattr(service, "claim_records", lambda *args: read.append(args[2])
                        or claim_records(*args))
    monkeypatch.setattr(ledger, "build", lambda records, among=None: built.append(
        sorted(r.document for r in records)) or BUILD(records, among))
    monkeypatch.setattr(dock, "_row_item", lambda row: items.append(row.key) or row_item(row))
    army = window.spans_by_key[3, "c"]
    service.apply(set_attribute(service.store.span(army.id), "figure_low", 82))
    qtbot.waitUntil(lambda: dock.refreshed is not None)
    assert read == [[army.document]]  # the edited document's claims, nothing else
    wagner = [window.spans_by_key[n, "c"].document for n in (0, 1, 3)]  # CSP, Rusich, army
    jnim = [army.document, window.spans_by_key[4, "d"].document]  # army's claim, the denial
    assert built == [sorted(wagner + jnim)]  # the claims of the two rows, not African Init.'s
    assert sorted(items) == ["JNIM: took part", "Wagner: killed"]


def test_a_hidden_ledger_does_no_work_until_shown(window, qtbot, monkeypatch) -> None:
    dock, service = window.ledger, window.service
    read, items = [], []
    claim_records, row_item = service.claim_records, dock._row_item
    monkeypatch.setattr(service, "claim_records", lambda *args: read.append(args[2])
                        or claim_records(*args))
    monkeypatch.setattr(dock, "_row_item", lambda row: items.append(row.key) or row_item(row))
    window.spans.raise_()  # the ledger's tab behind the spans'
    qtbot.waitUntil(lambda: dock.visibleRegion().isEmpty())
    army = window.spans_by_key[3, "c"]
    for low in (82, 83, 84):
        service.apply(set_attribute(service.store.span(army.id), "figure_low", low))
    assert (read, items) == ([], [])
    dock.raise_()
    qtbot.waitUntil(lambda: len(items) == 3)
    assert read == [None]  # one read of the whole ledger, once shown
    assert texts(dock.tree.topLevelItem(1))[5] == "≥84"
