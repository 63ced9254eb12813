"""The Agreement tab's job reads the store as a stream (issue 17 point 4): the documents go to
compute_agreement one at a time, each read counted as a step, and a cancel stops the read."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate import agreement
from annotate.agreement import compute_agreement
from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store
from desktop.review.agreement_tab import AgreementJob


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    records = []
    for n in range(5):
        doc = Document(f"Report {n}: the army said the rebels fled.")
        records.append(AnnotatedDocument(doc, (
            Span(doc.uid, 0, 6, "CLAIM", "amina", id=f"a{n}"),
            Span(doc.uid, 0, 6 + n % 2, "CLAIM", "bo", id=f"b{n}"))))
    path = tmp_path / "store.sqlite"
    store = Store.open(path)
    store.import_documents(records)
    store.close()
    return path


def test_the_job_hands_the_documents_over_one_at_a_time(qtbot, store_path, monkeypatch):
    given: list[object] = []

    def spy(documents, *args, **kwargs):
        given.append(documents)
        return compute_agreement(documents, *args, **kwargs)

    monkeypatch.setattr(agreement, "compute_agreement", spy)  # the job imports it
    job = AgreementJob(str(store_path), None, None)
    steps: list[tuple[int, int]] = []
    job.report_every = 0  # every step reported
    job.signals.stepped.connect(lambda done, total: steps.append((done, total)))
    store = Store.open(store_path)
    try:
        report = job.work(store)
        expected = compute_agreement(list(store.iter_documents()))
    finally:
        store.close()
    assert not isinstance(given[0], list | tuple)  # a stream, not the corpus held whole
    assert steps[:5] == [(n, 5) for n in range(1, 6)]
    assert report is not None and report.to_json() == expected.to_json()


def test_a_cancel_stops_the_read(qtbot, store_path):
    job = AgreementJob(str(store_path), None, None)
    job.cancel()
    store = Store.open(store_path)
    try:
        assert job.work(store) is None
    finally:
        store.close()
