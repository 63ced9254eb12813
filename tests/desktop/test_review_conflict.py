"""The Adjudication tab when another reviewer decided the selected item a moment before (in
another program, before the window's watch noticed): the decision is refused with who decided
first, and the list shows their decision at once."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest
from window_helpers import aligned, open_window

from annotate.adjudication import accept_command
from annotate.commands import CreateSpan
from annotate.model import GOLD, AnnotatedDocument, Document, Span
from db.review import review_items
from db.store import Store

pytestmark = pytest.mark.gui


def test_a_decision_on_an_item_decided_meanwhile_is_refused_and_theirs_shown(
        qtbot, tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with closing(Store.open(path)) as store:
        doc = Document("The ministry said 40 people died. The rebels denied any attack.", "r")
        store.import_documents([AnnotatedDocument(doc)])
        for who in ("amina", "bo"):
            store.apply(CreateSpan(Span(doc.uid, 0, 33, "CLAIM", who)), who)
    window = open_window(qtbot, path, tmp_path, annotator="rita")
    messages: list[str] = []
    window.service.hub.message.connect(messages.append)
    window.service.hub.failed.connect(lambda text, _: messages.append(text))
    try:
        window.service.open_document(doc.uid)
        window.review.open_panel()
        tab = window.review.adjudication
        window.review.tabs.setCurrentWidget(tab)
        aligned(qtbot, tab)
        tab.select(0)
        item = tab.selected()
        assert item is not None and item.status == "open"
        with closing(Store.open(path)) as other:  # rémi, in another program
            first = review_items(other, doc.uid)[0]
            other.apply(accept_command(first, first.spans[0], "rémi"), "rémi")
        assert not tab.accept(item, item.spans[1])
        assert messages[-1].startswith("rémi accepted this item already")
        aligned(qtbot, tab)
        assert [(i.status, i.decision.decided_by) for i in tab.items] == [("accepted", "rémi")]
        assert [s.annotator for s in window.service.store.spans(doc.uid, [GOLD])] == [GOLD]
    finally:
        window.service.store.close()
