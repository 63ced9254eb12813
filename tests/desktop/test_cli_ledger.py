"""The ledger's commands: actors (list, proposals, accept, merge, rename, split) and events;
bad input is a plain error, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ledger_corpus import annotate

from annotate.commands import CreateSpan
from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store
from desktop.cli import main

TEXT = ("The Permanent Strategic Framework for Peace, Security and Development (CSP-PSD) said "
        "84 Wagner fighters died. The CSP denied that Jama'at Nasr al-Islam wal-Muslimin took "
        "part; JNIM says it did. The Wagner Group said nothing.")
ENTITIES = ("Permanent Strategic Framework for Peace, Security and Development", "CSP-PSD",
            "Wagner", "CSP", "Jama'at Nasr al-Islam wal-Muslimin", "JNIM", "Wagner Group")


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    document = Document(TEXT, "t")
    store.import_documents([AnnotatedDocument(document)])
    start = 0
    for text in ENTITIES:
        start = TEXT.index(text, start)
        store.apply(CreateSpan(Span(document.uid, start, start + len(text), "ARMED_GROUP",
                                    "amina")), "amina")
    store.close()
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def actors(capsys: pytest.CaptureFixture[str], db: str) -> dict:
    code, out, _ = run(capsys, "--db", db, "actors", "--json")
    assert code == 0
    return json.loads(out)


def test_proposals_group_acronyms_and_expansions(capsys, db: str) -> None:
    listed = actors(capsys, db)
    assert listed["actors"] == []
    groups: dict[str, set[str]] = {}
    for p in listed["proposals"]:
        groups.setdefault(p["actor"], set()).add(p["text"])
    assert sorted(map(sorted, groups.values())) == sorted(map(sorted, [
        {"Permanent Strategic Framework for Peace, Security and Development", "CSP-PSD", "CSP"},
        {"Wagner", "Wagner Group"},
        {"Jama'at Nasr al-Islam wal-Muslimin", "JNIM"},
    ]))


def test_accept_then_rename_merge_split_and_undo_trail(capsys, db: str) -> None:
    assert run(capsys, "--db", db, "actors", "accept", "--by", "lead")[0] == 0
    listed = actors(capsys, db)
    assert listed["proposals"] == []
    spans = {a["name"]: a["spans"] for a in listed["actors"]}
    assert spans == {"Permanent Strategic Framework for Peace, Security and Development": 3,
                     "Wagner Group": 2, "Jama'at Nasr al-Islam wal-Muslimin": 2}
    assert run(capsys, "--db", db, "actors", "rename", "csp-psd", "CSP", "--by", "lead")[0] == 0
    assert run(capsys, "--db", db, "actors", "split", "CSP", "JNIM", "--by", "lead")[0] == 2
    code, _, err = run(capsys, "--db", db, "actors", "split", "Jama'at Nasr al-Islam "
                       "wal-Muslimin", "JNIM", "--by", "lead")
    assert code == 0, err
    assert run(capsys, "--db", db, "actors", "merge", "JNIM", "Jama'at Nasr al-Islam "
               "wal-Muslimin", "--by", "lead")[0] == 0
    named = {a["name"]: (a["aliases"], a["spans"]) for a in actors(capsys, db)["actors"]}
    assert named["CSP"][1] == 3
    assert "Permanent Strategic Framework for Peace, Security and Development" in named["CSP"][0]
    assert named["JNIM"] == (["Jama'at Nasr al-Islam wal-Muslimin"], 2)
    code, out, _ = run(capsys, "--db", db, "log", "--annotator", "lead")
    assert code == 0 and "merge" in out


@pytest.mark.parametrize("args", [
    ("actors", "rename", "Nobody", "X"),
    ("actors", "merge", "Nobody", "Else"),
    ("actors", "accept", "not a proposal"),
    ("events", "attach", "No such event", "abc"),
    ("events", "add", "Ambush", "--start", "25 July"),
])
def test_bad_input_is_a_plain_error(capsys, db: str, args: tuple[str, ...]) -> None:
    code, _, err = run(capsys, "--db", db, *args)
    assert code == 2
    assert err.startswith("error: ") and "Traceback" not in err


def test_events_add_attach_list(capsys, db: str) -> None:
    uid = Store.open(db).list_documents()[0].uid
    code, _, err = run(capsys, "--db", db, "events", "add", "Tinzaouaten ambush", "--start",
                       "2024-07-25", "--end", "2024-07-27", "--place", "Tinzaouaten",
                       "--by", "lead")
    assert code == 0, err
    assert run(capsys, "--db", db, "events", "attach", "Tinzaouaten ambush", uid[:10],
               "--by", "lead")[0] == 0
    code, out, _ = run(capsys, "--db", db, "events", "--json")
    assert json.loads(out) == [{"name": "Tinzaouaten ambush", "start": "2024-07-25",
                                "end": "2024-07-27", "place": "Tinzaouaten",
                                "documents": [uid]}]
    code, out, _ = run(capsys, "--db", db, "events")
    assert "Tinzaouaten ambush  (2024-07-25 to 2024-07-27, Tinzaouaten)  1 documents" in out


@pytest.fixture
def reports(tmp_path: Path) -> str:
    path = tmp_path / "reports.sqlite"
    store = Store.open(path)
    annotate(store)
    store.close()
    return str(path)


def test_ledger_in_every_format(capsys, reports: str) -> None:
    code, out, _ = run(capsys, "--db", reports, "ledger")
    assert code == 0
    assert "Wagner: killed  [conflict]" in out
    assert "  CSP                            84 2024-08-02 ⚡" in out
    code, out, _ = run(capsys, "--db", reports, "ledger", "--json", "--annotator", "amina")
    assert code == 0 and len(json.loads(out)["claims"]) == 6
    code, out, _ = run(capsys, "--db", reports, "ledger", "--format", "csv", "--gold")
    assert (code, out) == (0, "row,conflict\n")
    code, out, _ = run(capsys, "--db", reports, "ledger", "--format", "claimreview")
    assert code == 0 and {i["@type"] for i in json.loads(out)} == {"ClaimReview"}
    code, _, err = run(capsys, "--db", reports, "ledger", "--event", "nothing")
    assert code == 2 and err == "error: no event named 'nothing' (see `counterclaim events`)\n"
