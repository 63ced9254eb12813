"""Store queries behind the dashboard charts."""

from sqlalchemy import select, update

from annotate.commands import SetStatus
from annotate.model import AnnotatedDocument, Document, utc_now
from db.store import Store
from db.tables import DocumentModel, StatusModel


def _mark_done_on(store: Store, uid: str, annotator: str, when: str) -> None:
    """Set the annotator's status on ``uid`` to done, then back-date it to ``when``."""
    store.apply(SetStatus(uid, annotator, "done"), annotator)
    with store.engine.begin() as conn:
        doc_id = conn.scalar(select(DocumentModel.id).where(DocumentModel.uid == uid))
        who = store.names.annotator_id(conn, annotator)
        conn.execute(update(StatusModel)
                     .where(StatusModel.document_id == doc_id, StatusModel.annotator_id == who)
                     .values(updated=when))


def test_done_per_day_counts_done_marks_by_annotator_and_day(store: Store) -> None:
    docs = [Document(f"text number {i}", f"doc {i}") for i in range(6)]
    store.import_documents(AnnotatedDocument(d) for d in docs)
    uids = [d.uid for d in docs]
    _mark_done_on(store, uids[0], "amina", "2024-03-02T10:00:00Z")
    _mark_done_on(store, uids[1], "amina", "2024-03-01T23:59:59Z")
    _mark_done_on(store, uids[2], "amina", "2024-03-02T08:30:00Z")
    _mark_done_on(store, uids[0], "bo", "2024-03-05T12:00:00Z")
    # in progress and to-do marks are not counted, whatever their day
    store.apply(SetStatus(uids[3], "amina", "in_progress"), "amina")
    store.apply(SetStatus(uids[4], "bo", "todo"), "bo")

    assert store.done_per_day() == {
        "amina": [("2024-03-01", 1), ("2024-03-02", 2)],
        "bo": [("2024-03-05", 1)],
    }


def test_done_today_through_a_plain_edit_and_undone_mark_disappears(store: Store) -> None:
    doc = Document("a short text", "one")
    store.import_documents([AnnotatedDocument(doc)])
    assert store.done_per_day() == {}
    store.apply(SetStatus(doc.uid, "carla", "done"), "carla")
    assert store.done_per_day() == {"carla": [(utc_now()[:10], 1)]}
    store.undo("carla")
    assert store.done_per_day() == {}
