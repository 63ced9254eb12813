"""``counterclaim assign``: by hand, balanced, listed (as text and JSON), taken back, blind
mode; each change a journaled step of ``--by``; bad input a plain error, never a traceback."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from annotate.model import AnnotatedDocument, Document
from db.store import Store
from desktop.cli import main


@pytest.fixture
def db(tmp_path: Path) -> tuple[str, list[str]]:
    path = tmp_path / "s.sqlite"
    store = Store.open(path)
    store.import_documents([AnnotatedDocument(Document(f"Report number {i}.", f"r{i}"))
                            for i in range(6)])
    uids = [row.uid for row in store.list_documents()]
    store.close()
    return str(path), uids


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys: pytest.CaptureFixture[str], db: str) -> dict:
    code, out, _ = run(capsys, "--db", db, "assign", "--list", "--json")
    assert code == 0
    return json.loads(out)


def test_balance_then_by_hand_then_unassign(capsys, db) -> None:
    path, uids = db
    code, out, _ = run(capsys, "--db", path, "assign", "--balance", "2", "--to", "amina", "ben",
                       "chloe", "--by", "lead")
    assert (code, out) == (0, "assigned 12 (document, annotator) pairs\n")
    rows = listed(capsys, path)["assignments"]
    per_document = Counter(r["document"] for r in rows)
    assert set(per_document) == set(uids) and set(per_document.values()) == {2}
    assert Counter(r["annotator"] for r in rows) == {"amina": 4, "ben": 4, "chloe": 4}
    assert run(capsys, "--db", path, "assign", "--balance", "2", "--to", "amina", "ben",
               "chloe")[1] == "assigned 0 (document, annotator) pairs\n"  # all there already

    first = uids[0][:8]  # a unique start of a uid will do
    holders = {r["annotator"] for r in rows if r["document"] == uids[0]}
    code, out, _ = run(capsys, "--db", path, "assign", first, "--to", "amina", "ben", "chloe",
                       "dan", "--by", "lead")
    assert (code, out) == (0, "assigned 2 (document, annotator) pairs (2 were already)\n")
    code, out, _ = run(capsys, "--db", path, "assign", first, "--to", *sorted(holders),
                       "--unassign", "--by", "lead")
    assert (code, out) == (0, "unassigned 2 (document, annotator) pairs\n")
    now = {r["annotator"] for r in listed(capsys, path)["assignments"] if r["document"] == uids[0]}
    assert now == {"amina", "ben", "chloe", "dan"} - holders

    code, out, _ = run(capsys, "--db", path, "assign", "--list", "--to", "dan")
    assert out.splitlines()[0] == "dan: 0 of 1 done" and uids[0] in out
    code, out, _ = run(capsys, "--db", path, "log", "--limit", "3")
    assert [line.split()[2:4] for line in out.splitlines()] == [
        ["lead", "unassign"], ["lead", "assign"], ["lead", "assign"]]


def test_blind_mode_on_and_off(capsys, db) -> None:
    path, _ = db
    assert listed(capsys, path)["blind"] is False
    code, out, _ = run(capsys, "--db", path, "assign", "--blind", "on", "--by", "lead")
    assert code == 0 and "only their own layer" in out
    assert listed(capsys, path)["blind"] is True
    assert run(capsys, "--db", path, "assign", "--blind", "off")[0] == 0
    assert listed(capsys, path)["blind"] is False


@pytest.mark.parametrize(("args", "message"), [
    (["--to", "amina"], "name the documents to assign (uids), or use --balance N"),
    (["nope", "--to", "amina"], "no document 'nope'"),
    (["--balance", "2"], "name the annotators with --to NAME [NAME ...]"),
    (["--balance", "3", "--to", "amina", "ben"],
     "3 annotators per document, but the team has 2: amina, ben"),
])
def test_bad_input_is_a_plain_error(capsys, db, args, message) -> None:
    code, out, err = run(capsys, "--db", db[0], "assign", *args)
    assert (code, out, err) == (2, "", f"error: {message}\n")


def test_one_action_at_a_time(capsys, db) -> None:
    with pytest.raises(SystemExit):
        main(["--db", db[0], "assign", "--to", "amina", "--unassign", "--balance", "1"])
    assert "not allowed with" in capsys.readouterr().err


def test_unassigning_what_is_not_assigned_is_refused(capsys, db) -> None:
    path, uids = db
    code, _, err = run(capsys, "--db", path, "assign", uids[1], "--to", "amina", "--unassign")
    assert code == 2 and "none of these documents is assigned to amina" in err
