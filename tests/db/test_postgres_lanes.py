"""Lanes on a PostgreSQL server ($COUNTERCLAIM_TEST_DB): annotators edit their own layers at
once, while a write of anything else (schema, documents, adjudication, an undo) still has the
store to itself, and what a Store keeps of the schema is read again after such a write."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

import pytest
from server_store import emptied, server_url

from annotate.commands import CreateSpan
from annotate.errors import StoreBusy, ValidationError
from annotate.model import AnnotatedDocument, Document, Span
from db import schema_io
from db.store import Store

pytestmark = pytest.mark.skipif(server_url() is None, reason="needs $COUNTERCLAIM_TEST_DB")

DOC = Document("The army denied the report on Tuesday", "a")


@pytest.fixture
def url() -> str:
    location = emptied(server_url() or "")
    with closing(Store.open(location)) as store:
        store.import_documents([AnnotatedDocument(DOC)])
    return location


@pytest.fixture
def other(url: str) -> Iterator[Store]:
    """A second Store on the same server, as another annotator's window: it waits 300 ms at
    most for a lock before its edit is refused."""
    store = Store.open(url, patience_ms=300)
    yield store
    store.close()


def span(start: int, end: int, who: str, label: str = "CLAIM") -> CreateSpan:
    return CreateSpan(Span(DOC.uid, start, end, label, who, f"{who}-{start}"))


def test_an_edit_in_another_lane_is_saved_while_a_lane_is_writing(url: str,
                                                                 other: Store) -> None:
    with closing(Store.open(url)) as amina:
        amina.ensure_annotator("amina")
        with amina._write(lane="amina"):  # amina's edit is under way
            other.apply(span(4, 8, "ben"), "ben")  # ben's layer: no need to wait
            with pytest.raises(StoreBusy):
                other.apply(span(9, 15, "amina"), "amina")  # amina's own lane waits
            with pytest.raises(StoreBusy):
                other.set_setting("note", "x")  # a write in no lane waits for every lane
        assert [s.id for s in amina.spans(DOC.uid)] == ["ben-4"]


def test_a_lane_waits_while_a_write_in_no_lane_is_under_way(url: str, other: Store) -> None:
    with closing(Store.open(url)) as lead, lead._write(), pytest.raises(StoreBusy):
        other.apply(span(4, 8, "ben"), "ben")


def test_the_schema_is_read_again_only_after_a_write_in_no_lane(
        url: str, other: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    other.apply(span(20, 26, "ben"), "ben")
    reads: list[int] = []
    real = schema_io.read_schema
    monkeypatch.setattr("db.edits.read_schema", lambda conn: reads.append(1) or real(conn))
    with closing(Store.open(url)) as amina:
        for start in (0, 4, 9):
            amina.apply(span(start, start + 3, "amina"), "amina")
        assert len(reads) == 1
        other.apply(span(30, 37, "ben"), "ben")  # another lane: nothing to read again
        amina.apply(span(16, 19, "amina"), "amina")
        assert len(reads) == 1
        other.set_schema(other.schema().add_labels(["RUMOUR"]), by="lead")
        before = len(reads)
        amina.apply(span(27, 29, "amina", "RUMOUR"), "amina")  # the new label is known
        assert len(reads) == before + 1
        assert {s.label for s in amina.spans(DOC.uid, ["amina"])} == {"CLAIM", "RUMOUR"}
        with pytest.raises(ValidationError, match="NOPE"):
            amina.apply(span(30, 37, "amina", "NOPE"), "amina")


def test_an_undo_elsewhere_is_closed_by_the_next_edit_in_the_lane(url: str,
                                                                  other: Store) -> None:
    with closing(Store.open(url)) as amina:
        amina.apply(span(0, 3, "amina"), "amina")
        amina.apply(span(4, 8, "amina"), "amina")
        other.undo("amina")  # amina's other window takes back her last step
        assert amina.can_redo("amina")
        amina.apply(span(9, 15, "amina"), "amina")  # a new edit closes that redo
        assert not amina.can_redo("amina")
        assert not other.can_redo("amina")
        assert sorted(s.id for s in amina.spans(DOC.uid)) == ["amina-0", "amina-9"]


def test_a_lane_edit_takes_six_round_trips_to_the_server(
        url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Begin with the locks and the generation read; the text looked at; the span, its
    tombstone and its journal row; notify and commit: each round trip costs an edit its
    turn on a busy machine's cores twice (the server's and the client's)."""
    import psycopg

    sent: list[str] = []
    real = psycopg.Cursor.execute
    monkeypatch.setattr(psycopg.Cursor, "execute",
                        lambda self, query, *args, **kw: sent.append(str(query))
                        or real(self, query, *args, **kw))
    commit = psycopg.Connection.commit

    def committed(self: psycopg.Connection) -> None:  # a round trip unless nothing is open
        if self.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            sent.append("COMMIT")
        commit(self)

    monkeypatch.setattr(psycopg.Connection, "commit", committed)
    with closing(Store.open(url)) as amina:
        amina.apply(span(0, 3, "amina"), "amina")  # the first reads the schema and names
        sent.clear()
        amina.apply(span(4, 8, "amina"), "amina")
        assert len(sent) <= 6, sent
        assert [s.id for s in amina.spans(DOC.uid)] == ["amina-0", "amina-4"]
