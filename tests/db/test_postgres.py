"""The store on a real PostgreSQL server ($COUNTERCLAIM_TEST_DB, see tests/server_store.py):
search, writers at once, live updates, the command line, copies to and from a file, and what
the server cannot hold refused plainly (an id or a time longer than its column, a NUL in a text
column: file, line and field named; any other value the server refuses: a plain refusal, never
a driver's error, nothing written). Without a server these tests do not run (.ci/run starts
one and runs them)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from server_store import emptied, query, server_url

from annotate.actors import Actor, Event
from annotate.commands import CreateActor, CreateEvent, CreateSpan
from annotate.errors import StoreError, ValidationError
from annotate.model import AnnotatedDocument, Document, Span
from db import search, team
from db.copy import counts, same_export
from db.dialects.index_parts import PART
from db.store import Store
from desktop.cli import main

pytestmark = pytest.mark.skipif(server_url() is None, reason="needs $COUNTERCLAIM_TEST_DB")


@pytest.fixture
def url() -> str:
    return emptied(server_url() or "")


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    store = Store.open(url)
    yield store
    store.close()


def test_search_takes_prefixes_every_word_and_parts_of_long_texts(store: Store) -> None:
    across = "x" * (PART - 3) + " Tinzaouaten "  # the word crosses the first part's end
    long_text = across + "filler " * (PART // 7) + "Kidal"
    docs = [Document("The army denied it", "a"), Document("O'Brien's report", "b"),
            Document(long_text, "c")]
    store.import_documents(AnnotatedDocument(d) for d in docs)

    def found(words: str) -> list[str]:
        return sorted(row.title for row in store.list_documents(search_text=words))

    assert found("arm* DEN*") == ["a"]
    assert found("arm") == []  # a bare word is whole
    assert found("army report") == []
    assert found("O'Brien") == ["b"]
    assert found("kidal") == ["c"]
    assert found("tinzaouaten") == ["c"]
    assert found("a\\ & | !") == ["a"]  # operators are words, not syntax
    assert store.count_documents(search_text="report") == 1


def test_two_windows_indexing_at_once_both_succeed(url: str, store: Store) -> None:
    """Two windows open the store after an import and each brings the search index up to
    date: the second, waiting for the first's rows, skips them (it failed on their key)."""
    store.import_documents(AnnotatedDocument(Document(f"Report {n} on Kidal", f"r{n}"))
                           for n in range(4))
    other = Store.open(url)
    failures: list[BaseException] = []
    try:
        first = store.engine.connect()
        first.begin()
        search.refresh_index(first)  # the first window's transaction, not yet committed

        def index() -> None:
            try:
                other.index_for_search(100)
            except BaseException as exc:
                failures.append(exc)
        second = threading.Thread(target=index)
        second.start()
        time.sleep(0.5)  # the second waits on the first's rows
        first.commit()
        first.close()
        second.join(30)
        assert failures == []
        assert store.count_documents(search_text="kidal") == 4
    finally:
        other.close()


def test_writers_at_once_lose_no_edit(url: str, store: Store) -> None:
    doc = Document("word " * 400, "shared")
    store.import_documents([AnnotatedDocument(doc)])
    failures: list[BaseException] = []

    def annotate(name: str, first: int) -> None:
        mine = Store.open(url)
        try:
            for k in range(25):
                start = (first + k) * 5
                mine.apply(CreateSpan(Span(doc.uid, start, start + 4, "CLAIM", name)), name)
        except BaseException as exc:
            failures.append(exc)
        finally:
            mine.close()

    threads = [threading.Thread(target=annotate, args=(f"ann{i}", i * 25)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert store.span_count() == 100
    assert {name: work["spans"] for name, work in store.work_by_annotator().items()} == {
        f"ann{i}": 25 for i in range(4)}
    assert len(store.history(limit=None, op="create_span")) == 100


def another_commit_seen(url: str, store: Store, doc: Document, seen: int) -> bool:
    """Whether ``store``'s watch, at ``seen``, counts one commit of another program's to
    ``doc`` within a second."""
    other = Store.open(url)
    try:
        other.apply(CreateSpan(Span(doc.uid, 4, 8, "CLAIM", "ben")), "ben")
    finally:
        other.close()
    deadline = time.monotonic() + 1.0
    while store.data_version() == seen and time.monotonic() < deadline:
        time.sleep(0.02)
    return store.data_version() == seen + 1


def test_a_commit_elsewhere_shows_in_the_watch_within_a_second(url: str, store: Store) -> None:
    doc = Document("The army denied it", "a")
    store.import_documents([AnnotatedDocument(doc)])
    seen = store.data_version()
    store.apply(CreateSpan(Span(doc.uid, 0, 3, "CLAIM", "amina")), "amina")
    assert store.data_version() == seen  # its own commit does not count
    assert another_commit_seen(url, store, doc, seen)


def test_commits_made_as_another_store_are_not_news_to_its_watch(url: str,
                                                                 store: Store) -> None:
    doc = Document("The army denied it", "a")
    store.import_documents([AnnotatedDocument(doc)])
    seen = store.data_version()
    worker = Store.open(url)
    try:
        worker.commit_as(store)
        worker.apply(CreateSpan(Span(doc.uid, 0, 3, "CLAIM", "amina")), "amina")
        time.sleep(0.3)  # a notification would have come by now
        assert store.data_version() == seen
    finally:
        worker.close()
    assert another_commit_seen(url, store, doc, seen)


def test_the_command_line_imports_and_exports_as_on_a_file(url: str, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    source = tmp_path / "in.txt"
    source.write_text("Amina met the army in Kidal.\n", encoding="utf-8")
    outputs = []
    for where in (url, str(tmp_path / "store.sqlite")):
        assert main(["import", str(source), "--db", where]) == 0
        out = tmp_path / f"out{len(outputs)}.jsonl"
        assert main(["export", str(out), "--format", "native", "--db", where]) == 0
        outputs.append(out.read_bytes())
    assert b"Kidal" in outputs[0]
    assert outputs[0] == outputs[1]
    assert main(["stats", "--db", url]) == 0
    assert "documents" in capsys.readouterr().out


def test_a_wrong_password_is_a_plain_message_that_hides_it(
        url: str, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = url.replace("postgresql+psycopg://", "postgresql+psycopg://nobody:s3cret@", 1) \
        if "@" not in url else url.replace("@", ":s3cret@", 1)
    assert main(["stats", "--db", wrong]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "cannot open the store" in err
    assert "s3cret" not in err


def test_copy_to_the_server_and_back_keeps_every_row_and_the_export(
        url: str, tmp_path: Path, two_annotator_corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / "first.sqlite"
    with closing(Store.open(first)) as store:
        records = two_annotator_corpus(12)
        store.import_documents(records)
        uid = records[0].document.uid
        store.apply(CreateSpan(Span(uid, 6, 7, "PERSON", "ann", "late")), "ann")
        store.undo("ann")
        store.list_documents(search_text="army")  # its search index is not copied
    assert main(["copy", str(first), url]) == 0
    assert "native export is the same byte for byte" in capsys.readouterr().out
    with closing(Store.open(url)) as server:
        assert [r.title for r in server.list_documents(search_text="kid*")][:1] == ["Report 0"]
        server.apply(CreateSpan(Span(uid, 6, 7, "PERSON", "ann", "later")), "ann")
        server.undo("ann")  # ids go on after the copied ones
    back = tmp_path / "back.sqlite"
    assert main(["copy", url, str(back)]) == 0
    with closing(Store.open(first)) as a, closing(Store.open(back)) as b:
        with a.engine.connect() as one, b.engine.connect() as two:
            before, after = counts(one), counts(two)
        assert after == before | {"journal": before["journal"] + 2,  # the edit and its undo
                                  "deleted": before["deleted"] + 1}  # its span's tombstone
        assert a.history(limit=None)[1:] == b.history(limit=None)[3:]
    assert same_export(str(first), str(back))
    assert main(["copy", str(first), url]) == 2
    assert "not empty (it holds documents and journal)" in capsys.readouterr().err


def test_the_team_benchmark_loses_no_edit(url: str) -> None:
    """bench_team --quick: annotator processes and a reviewer at once on the server; every
    edit reported saved is in the store (its ratios are figures, README "Benchmarks")."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).parents[1] / "benchmarks" / "bench_team.py"),
         "--quick", "--url", url], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["lost_edits"] == 0
    assert summary["saved_edits"] > 0 and summary["gold_accepted"] > 0
    assert summary["edits_per_s"] > 0 and summary["p95_edit_ms_ratio"] > 0
    assert 0 < summary["live_ms_p95"] < 1000  # an edit shows in another store within 1 s


def test_a_dropped_connection_refuses_that_edit_plainly_and_the_next_reconnects(
        url: str, store: Store) -> None:
    doc = Document("The army denied it", "a")
    store.import_documents([AnnotatedDocument(doc)])
    with store.engine.connect() as conn:  # the server drops every other connection of ours
        conn.exec_driver_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    with pytest.raises(StoreError, match=r"^the store could not be written: ") as refused:
        store.apply(CreateSpan(Span(doc.uid, 0, 3, "CLAIM", "amina", "lost")), "amina")
    assert "Traceback" not in str(refused.value)
    store.apply(CreateSpan(Span(doc.uid, 4, 8, "CLAIM", "amina", "kept")), "amina")
    with closing(Store.open(url)) as other:
        assert [s.id for s in other.spans(doc.uid)] == ["kept"]


def line(text: str = "The army denied it", title: str = "T", **span: Any) -> str:
    """A native line of one document with one span [4, 8) (``span``: its fields changed)."""
    item = {"id": "s1", "start": 4, "end": 8, "label": "ORG", "text": text[4:8],
            "annotator": "amina", "attributes": {}, "note": None,
            "created": "2026-12-05T03:46:05Z", "updated": "2026-12-05T03:46:05Z"} | span
    return json.dumps({"id": hashlib.sha256(text.encode()).hexdigest(), "title": title,
                       "meta": {}, "text": text,
                       "spans": [item], "relations": [], "status": {}})


@pytest.mark.parametrize(("bad", "said"), [
    (line(title="T\x00x"), "line 2: the title holds a NUL character (U+0000)"),
    (line("The army\x00denied it"), "line 2: the text holds a NUL character (U+0000)"),
    (line(note="n\x00"), "line 2: span [4, 8): the note holds a NUL character (U+0000)"),

    (line(id="x" * 65), "line 2: span [4, 8): id 'xxx"),
    (line(created="2026-12-05T03:46:05.123456+00:00"),
     "line 2: span [4, 8): created '2026-12-05T03:46:05.123456+00:00' is 32 characters long"),
], ids=["title", "text", "note", "long id", "long time"])
def test_a_native_line_the_server_cannot_hold_is_a_plain_error(
        url: str, store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        bad: str, said: str) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(line("Our side rejected it", "ok", id="good") + "\n" + bad + "\n",
                      encoding="utf-8")
    assert main(["import", str(source), "--format", "native", "--add-labels",
                 "--db", url]) != 0
    err = capsys.readouterr().err
    assert f"{source}:{said}" in err
    assert "Traceback" not in err and "DataError" not in err and "[SQL" not in err
    assert store.stats()["documents"] == 0  # nothing half-written: not even the good line


def test_an_actor_too_long_for_its_column_is_refused_by_the_rules(store: Store) -> None:
    with pytest.raises(ValidationError, match="201 characters long"):
        store.apply(CreateActor(Actor("F" * 201)), "amina")
    with pytest.raises(StoreError, match=r"^the store refused a value .*NUL"):
        store.apply(CreateEvent(Event("Ambush", place="Kidal\x00")), "amina")
    assert store.actors() == []


def test_a_value_no_rule_caught_is_a_plain_refusal_and_nothing_is_saved(store: Store) -> None:
    with pytest.raises(StoreError, match=r"^the store refused a value \(.*NUL.*\): nothing "
                                         r"was saved$"):
        store.set_setting("note", "a\x00b")
    assert store.setting("note") is None
    store.set_setting("note", "ab")  # the store goes on
    assert store.setting("note") == "ab"


def test_a_member_name_longer_than_a_role_name_is_refused_before_a_role_is_made(
        store: Store) -> None:
    """PostgreSQL cuts a role name at 63 bytes: the member's role would not be the annotator
    of their name, and the server would refuse them their own layer."""
    team.init(store)
    name = "é" * 32  # a name (32 characters), 64 bytes in UTF-8
    with pytest.raises(StoreError, match=f"^the member name '{name}' is 64 bytes long in "
                                         "UTF-8; a PostgreSQL role name holds at most 63$"):
        team.add(store, name, "annotator")
    assert query(store, "SELECT rolname FROM pg_roles WHERE starts_with(rolname, ?)",
                 ("éé",)) == []
