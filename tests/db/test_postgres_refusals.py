"""What a PostgreSQL store ($COUNTERCLAIM_TEST_DB) cannot hold, refused plainly: an id or a
time longer than its column is a message naming the file, the line and the field, on either
engine; a NUL character in a text column, which SQLite holds, is refused naming file, line and
field when it comes in a file, and otherwise is a plain refusal of the whole write (never a
driver's error, nothing written)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from server_store import emptied, query, server_url

from annotate.actors import Actor, Event
from annotate.commands import CreateActor, CreateEvent
from annotate.errors import StoreError, ValidationError
from db import team
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
