"""My queue in the window: the document list filtered to the documents assigned to the
current annotator, with how far they got; it follows their status marks, the annotator
chosen, and assignments another program makes."""

from __future__ import annotations

from pathlib import Path

import pytest
from window_helpers import open_window

from annotate.commands import Assign, SetBlind
from annotate.model import AnnotatedDocument, Document
from db.store import Store

pytestmark = pytest.mark.gui


def test_my_queue_lists_my_documents_and_my_progress(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(Document(f"Report number {i}.", f"r{i}"))
                            for i in range(5)])
    uids = [row.uid for row in store.list_documents()]
    store.apply(Assign(((uids[1], "amina"), (uids[3], "amina"), (uids[3], "ben"),
                        (uids[4], "ben"))), "lead")
    window = open_window(qtbot, path, tmp_path)
    documents, service = window.documents, window.service
    try:
        assert documents.progress.text() == "0 of 2 done"
        assert documents.model.total == 5
        documents.mine.setChecked(True)
        model = documents.model
        assert [model.document_row(r).uid for r in range(model.rowCount())] == [uids[1], uids[3]]

        service.set_status(uids[3], "done")
        assert documents.progress.text() == "1 of 2 done"
        service.set_annotator("ben")
        assert [model.document_row(r).uid for r in range(model.rowCount())] == [uids[3], uids[4]]
        assert documents.progress.text() == "0 of 2 done"
        service.set_status(uids[3], "done")
        assert documents.progress.text() == "1 of 2 done · 1 in review"

        store.apply(Assign(((uids[0], "ben"),)), "lead")  # the lead, in another program
        store.apply(SetBlind(True), "lead")
        assert service.notice_outside_changes()
        assert [model.document_row(r).uid for r in range(model.rowCount())] == [
            uids[0], uids[3], uids[4]]
        assert documents.progress.text() == "1 of 3 done · 1 in review · blind mode"
        documents.mine.setChecked(False)
        assert model.total == 5
    finally:
        store.close()
        service.store.close()
