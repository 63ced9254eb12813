"""A team on a real PostgreSQL server: each member's role writes only its own lane, and the
server itself refuses the rest (row-level security), whatever client sends the SQL."""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Iterator

import pytest
from server_store import member_url, server_url, team_store
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from annotate.commands import Assign, CreateSpan, SetBlind, SetStatus
from annotate.errors import StoreError
from annotate.model import GOLD, AnnotatedDocument, Document, Span
from db import team
from db.store import Store
from desktop.cli import main

pytestmark = pytest.mark.skipif(server_url() is None, reason="needs $COUNTERCLAIM_TEST_DB")

TEXT = "Amina met the army in Kidal."


@pytest.fixture
def lead() -> Iterator[tuple[Store, str]]:
    """The store, set up for a team by the test server's role (its owner), and its URL."""
    with team_store([AnnotatedDocument(Document(TEXT, "r"))]) as made:
        yield made


def member(url: str, name: str, password: str) -> Store:
    """The store as the member ``name`` sees it, over TCP with their password."""
    return Store.open(member_url(url, name, password))


def uid_of(store: Store) -> str:
    return store.list_documents()[0].uid


def test_each_role_writes_its_lane_and_the_server_refuses_the_rest(lead) -> None:
    store, url = lead
    names = {role: f"tm_{role}_{secrets.token_hex(3)}" for role in ("a", "b", "r")}
    password = secrets.token_urlsafe(12)
    team.add(store, names["a"], "annotator", password)
    team.add(store, names["b"], "annotator", password)
    team.add(store, names["r"], "reviewer", password)
    assert team.members(store) == {names["a"]: "annotator", names["b"]: "annotator",
                                   names["r"]: "reviewer"}
    uid = uid_of(store)
    store.apply(CreateSpan(Span(uid, 0, 5, "PERSON", names["b"], "b-span")), names["b"])

    alice = member(url, names["a"], password)
    try:
        alice.apply(CreateSpan(Span(uid, 14, 18, "ORG", names["a"], "a-span")), names["a"])
        assert {s.id for s in alice.spans(uid)} == {"a-span", "b-span"}  # she reads all
        with alice.engine.connect() as conn:  # a modified client: SQL straight to the server
            moved = conn.execute(text("UPDATE spans SET start = 1 WHERE id = 'b-span'"))
            assert moved.rowcount == 0  # another's row is not hers to change
            gone = conn.execute(text("DELETE FROM spans WHERE id = 'b-span'"))
            assert gone.rowcount == 0
            conn.commit()
        forged = [
            "UPDATE spans SET annotator_id = (SELECT id FROM annotators WHERE name = :b) "
            "WHERE id = 'a-span'",
            "INSERT INTO spans (id, document_id, annotator_id, label_id, start, \"end\", "
            "attributes, created, updated) SELECT 'forged', d.id, a.id, 1, 0, 5, '{}', '', '' "
            "FROM documents AS d, annotators AS a WHERE a.name = :b",
            "INSERT INTO decisions (id, document_id, kind, sources, decided_by_id, at) "
            "SELECT 'x', d.id, 'accept', '[]', a.id, '' FROM documents AS d, annotators AS a "
            "WHERE a.name = :a",
            "UPDATE documents SET title = 'mine'",
            "DELETE FROM labels",
        ]
        for sql in forged:
            with alice.engine.connect() as conn, pytest.raises(DBAPIError,
                                                               match=r"security|permission"):
                conn.execute(text(sql), {"a": names["a"], "b": names["b"]})
    finally:
        alice.close()
    assert [(s.id, s.start) for s in store.spans(uid, [names["b"]])] == [("b-span", 0)]

    store.ensure_annotator(GOLD)
    gold = ("INSERT INTO spans (id, document_id, annotator_id, label_id, start, \"end\", "
            "attributes, created, updated) SELECT :id, d.id, a.id, 1, 22, 27, '{}', '', '' "
            "FROM documents AS d, annotators AS a WHERE a.name = 'gold'")
    for who, allowed in ((names["r"], True), (names["a"], False)):
        seen = member(url, who, password)
        try:
            with seen.engine.connect() as conn:
                if allowed:
                    conn.execute(text(gold), {"id": f"gold-{who}"})
                    conn.commit()
                else:
                    with pytest.raises(DBAPIError, match="row-level security"):
                        conn.execute(text(gold), {"id": f"gold-{who}"})
        finally:
            seen.close()
    assert [s.id for s in store.spans(uid, [GOLD])] == [f"gold-{names['r']}"]


def test_team_commands_on_the_command_line(lead, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _, url = lead
    name = f"tm_l_{secrets.token_hex(3)}"
    assert main(["team", "init", url]) == 0
    assert "row-level security" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("pw-of-lead\n"))
    assert main(["team", "add", name, "--role", "lead", "--password-stdin", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "pw-of-lead" not in out and "~/.pgpass" in out
    assert main(["team", "list", "--db", url]) == 0
    assert f"{name}\tlead" in capsys.readouterr().out
    worker = f"tm_a_{secrets.token_hex(3)}"
    assert main(["team", "add", worker, "--role", "annotator", "--db", url]) == 0
    assert main(["assign", "--balance", "1", "--db", url]) == 0  # the team's annotators
    assert capsys.readouterr().out.endswith("assigned 1 (document, annotator) pairs\n")
    assert main(["assign", "--list", "--json", "--db", url]) == 0
    assert [r["annotator"] for r in json.loads(capsys.readouterr().out)["assignments"]] == [
        worker]
    with pytest.raises(SystemExit):
        main(["team", "add", name, "--role", "chief", "--db", url])
    assert "invalid choice" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert main(["team", "add", name, "--role", "lead", "--password-stdin", "--db", url]) == 2
    assert "an empty password" in capsys.readouterr().err
    assert main(["team", "init", "sqlite://"]) == 2
    assert "a team works on a PostgreSQL store" in capsys.readouterr().err


def test_members_curate_actors_and_suggestions_and_judge_only_in_their_own_name(lead) -> None:
    store, url = lead
    names = {role: f"tm_{role}_{secrets.token_hex(3)}" for role in ("a", "b")}
    password = secrets.token_urlsafe(12)
    for name in names.values():
        team.add(store, name, "annotator", password)
    alice = member(url, names["a"], password)
    allowed = [
        "INSERT INTO actors (id, name, kind, aliases) VALUES ('act', 'CSP', 'ORG', '[]')",
        "INSERT INTO events (id, name, start, \"end\", place) "
        "VALUES ('ev', 'Tinzaouaten', '2024-07-25', '2024-07-27', 'Kidal')",
        "INSERT INTO suggestions (id, document_id, start, \"end\", label, source, score, "
        "created) SELECT 'sg', d.id, 0, 5, 'PERSON', 'patterns:p', 0.5, '' FROM documents AS d",
    ]
    verdict = ("INSERT INTO verdicts (document_id, annotator_id, start, \"end\", label, kind, "
               "source, score, at) SELECT d.id, a.id, 0, 5, 'PERSON', 'reject', 'patterns:p', "
               "0.5, '' FROM documents AS d, annotators AS a WHERE a.name = :who")
    try:
        with alice.engine.connect() as conn:
            for sql in allowed:
                conn.execute(text(sql))
            conn.execute(text(verdict), {"who": names["a"]})
            conn.commit()
        with alice.engine.connect() as conn, pytest.raises(DBAPIError,
                                                           match="row-level security"):
            conn.execute(text(verdict), {"who": names["b"]})
    finally:
        alice.close()
    with store.engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM verdicts")) == 1
        assert conn.scalar(text("SELECT count(*) FROM actors WHERE name = 'CSP'")) == 1


def test_only_a_lead_assigns_and_in_blind_mode_an_annotator_reads_only_their_layer(
        lead) -> None:
    store, url = lead
    names = {role: f"tm_{role}_{secrets.token_hex(3)}" for role in ("a", "b", "r", "l")}
    password = secrets.token_urlsafe(12)
    for key, role in (("a", "annotator"), ("b", "annotator"), ("r", "reviewer"), ("l", "lead")):
        team.add(store, names[key], role, password)
    uid = uid_of(store)
    a, b = names["a"], names["b"]
    alice, chief, reviewer = (member(url, names[k], password) for k in ("a", "l", "r"))
    try:
        for command in (Assign(((uid, a),)), SetBlind(True)):
            with pytest.raises(StoreError, match="the server refused the change"):
                alice.apply(command, a)
        with alice.engine.connect() as conn, pytest.raises(DBAPIError, match="permission"):
            conn.execute(text("INSERT INTO assignments SELECT d.id, a.id, '' FROM documents "
                              "AS d, annotators AS a WHERE a.name = :a"), {"a": a})
        chief.apply(Assign(((uid, a), (uid, b))), names["l"])
        chief.apply(SetBlind(True), names["l"])
        assert alice.assignments() == [(uid, a), (uid, b)] and alice.blind()
        with pytest.raises(StoreError, match="the server refused the change"):
            alice.apply(SetBlind(False), a)  # the row is hers to read, not to delete
        assert alice.blind()

        store.apply(CreateSpan(Span(uid, 0, 5, "PERSON", b, "b-span")), b)
        alice.apply(CreateSpan(Span(uid, 14, 18, "ORG", a, "a-span")), a)
        assert [s.id for s in alice.spans(uid)] == ["a-span"]  # the server hides b's layer
        assert {e.annotator for e in alice.history()} == {a}  # and b's journal rows
        assert {s.id for s in reviewer.spans(uid)} == {"a-span", "b-span"}
        with alice.engine.connect() as conn:  # a modified client reads no more
            assert conn.scalar(text("SELECT count(*) FROM spans")) == 1

        alice.apply(SetStatus(uid, a, "done"), a)
        assert [s.id for s in alice.spans(uid)] == ["a-span"]  # b has not finished
        store.apply(SetStatus(uid, b, "done"), b)
        assert [(r.status, r.review) for r in alice.queue(a)] == [("done", True)]
        assert {s.id for s in alice.spans(uid)} == {"a-span", "b-span"}  # in review
        store.apply(SetStatus(uid, b, "in_progress"), b)
        assert [s.id for s in alice.spans(uid)] == ["a-span"]
        chief.apply(SetBlind(False), names["l"])
        assert {s.id for s in alice.spans(uid)} == {"a-span", "b-span"}
    finally:
        for opened in (alice, chief, reviewer):
            opened.close()


def test_a_table_a_later_migration_adds_is_readable_and_a_refused_read_is_plain(lead) -> None:
    store, url = lead
    name = f"tm_a_{secrets.token_hex(3)}"
    password = secrets.token_urlsafe(12)
    team.add(store, name, "annotator", password)
    with store.engine.begin() as conn:  # as a migration run by the store's owner would
        conn.execute(text("CREATE TABLE later_rows (x integer)"))
        conn.execute(text(f"REVOKE SELECT ON assignments FROM {team.groups(conn)['annotator']}"))
    alice = member(url, name, password)
    try:
        with alice.engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM later_rows")) == 0
        with pytest.raises(StoreError, match=r"refused to let your role read .* team init again"):
            alice.queue(name)
    finally:
        alice.close()
