"""Accept agreed over a corpus is ONE undo step (annotate.commands.AcceptAgreed): undo takes
back exactly what it wrote (the store exports byte for byte as before), redo writes it again,
and a run or an undo that fails part way writes nothing."""

import json
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import event, text

from annotate import model
from annotate.adjudication import accept_command
from annotate.commands import (
    AcceptAgreed,
    AddDecision,
    CreateSpan,
    Decision,
    command_from_dict,
)
from annotate.errors import ValidationError
from annotate.history import describe
from annotate.model import GOLD, AnnotatedDocument, Document, Relation, Span
from db import many_edits, standing
from db.review import accept_agreed, review_items
from db.store import Store, UndoRefused
from db.transfer import export
from desktop.cli import main

WHO = ("amina", "bo")


def seed(store: Store, documents: int = 12) -> list[str]:
    """Documents where amina and bo agree on two spans (one linked alike) and differ on a
    third; the last one's agreed span is a dash alone (the store keeps an imported one)."""
    records = []
    for n in range(documents):
        doc = Document(f"Report {n}: the ministry said forty people died - in town.", f"r{n}")
        u = doc.uid
        spans, relations = [], []
        for who in WHO:
            spans += [Span(u, 12, 24, "ORG", who, f"{n}{who}o"),
                      Span(u, 25, 29, "CLAIM", who, f"{n}{who}c"),
                      Span(u, 30, 35 if who == "amina" else 36, "PERSON", who, f"{n}{who}p")]
            relations.append(Relation("CLAIMED_BY", f"{n}{who}c", f"{n}{who}o", who, f"{n}{who}r"))
        records.append(AnnotatedDocument(doc, tuple(spans), tuple(relations),
                                         dict.fromkeys(WHO, "done")))
    store.import_documents(records)
    return [r.document.uid for r in records]


def native(store: Store, path: Path) -> bytes:
    export(store, path, "native")
    return path.read_bytes()


def gold_count(store: Store, uids: list[str]) -> int:
    return sum(len(store.spans(uid, [GOLD])) for uid in uids)


def test_undo_takes_back_exactly_the_step_and_redo_writes_it_again(store: Store,
                                                                   tmp_path: Path) -> None:
    uids = seed(store)
    first = review_items(store, uids[0])[0]  # decided by hand before: stays
    store.apply(accept_command(first, first.spans[0], "lead"), "lead")
    before = native(store, tmp_path / "before.json")
    assert accept_agreed(store, "judge") == 3 * len(uids) - 1  # ORG, CLAIM, link; one taken
    assert gold_count(store, uids) == 2 * len(uids)
    assert store.next_undo("judge") == "accept_agreed"
    after = native(store, tmp_path / "after.json")
    assert after != before

    changes = store.undo("judge")
    assert changes is not None and set(changes.documents) == set(uids)
    assert native(store, tmp_path / "undone.json") == before
    assert store.next_undo("judge") is None
    assert store.redo("judge") is not None
    assert native(store, tmp_path / "redone.json") == after
    assert store.undo("judge") is not None
    assert native(store, tmp_path / "undone2.json") == before
    entry = store.history("judge", limit=1)[0]
    assert entry.step[0] == "accept_agreed" and len(entry.documents) == len(uids)


def test_the_change_set_carries_the_journal_row_as_read_back(store: Store,
                                                              monkeypatch) -> None:
    """The step's payload is not parsed back from its text (AcceptAgreed.JSON_NATIVE), yet
    the change set's row is what the journal reads: its links and their decisions too."""
    uids = seed(store)
    made = []
    apply = store.apply
    monkeypatch.setattr(store, "apply", lambda command, who: made.append(
        changes := apply(command, who)) or changes)
    accept_agreed(store, "judge")
    (changes,) = made
    (entry,) = changes.journal
    assert entry.payload["commands"] and len(entry.payload["spans"]) == 2 * len(uids)
    assert [entry] == store.history("judge")


def compact(payload: dict) -> int:
    return len(json.dumps(payload, separators=(",", ":")))


def test_the_step_is_journaled_compactly(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """One row for the run, each gold span and span decision a short row in it (a command
    dict each, the decision holding its gold span again, took ~930 bytes per item of this
    corpus, and as much again for the inverse; a row each naming its document and times,
    ~390 per gold span and its decision, ~170 with those said once); the undo's row holds
    their ids alone. The run at one instant (the clock of ``utc_now`` stopped): on a loaded
    machine a run crossing a second gave rows their own times, 477 bytes per item."""
    instant = time.time()
    monkeypatch.setattr(model, "time",
                        SimpleNamespace(strftime=time.strftime, gmtime=time.gmtime,
                                        time=lambda: instant))
    uids = seed(store, 40)
    accepted = accept_agreed(store, "judge")
    (entry,) = store.history("judge")
    assert entry.op == "accept_agreed" and compact(entry.payload) / accepted < 450
    rows = {key: value for key, value in entry.payload.items() if key != "commands"}
    assert compact(rows) / len(entry.payload["spans"]) < 200
    store.undo("judge")
    undo = store.history("judge", limit=1)[0]
    ids = [*undo.payload["spans"], *undo.payload["decisions"]]  # the links: as commands
    assert undo.kind == "undo" and len(ids) == 4 * len(uids)
    assert all(isinstance(i, str) for i in ids)


def test_a_run_failing_part_way_writes_nothing(store: Store, tmp_path: Path,
                                                monkeypatch) -> None:
    seed(store)
    before = native(store, tmp_path / "before.json")
    add = many_edits._add_decisions

    def half_then_fail(conn, names, decisions, *rest):  # the gold spans are written by now
        add(conn, names, decisions[: len(decisions) // 2], *rest)
        raise ValidationError("the disk went away")

    monkeypatch.setattr(many_edits, "_add_decisions", half_then_fail)
    with pytest.raises(ValidationError, match="disk went away"):
        accept_agreed(store, "judge")
    assert native(store, tmp_path / "after.json") == before
    assert store.next_undo("judge") is None and store.history("judge") == []


def test_a_span_breaking_a_rule_in_the_last_document_stops_the_run(store: Store,
                                                                    tmp_path: Path) -> None:
    uids = seed(store)
    doc = Document("Dashes only: - -", "dashes")
    store.import_documents([AnnotatedDocument(doc, tuple(
        Span(doc.uid, 13, 14, "ORG", who, f"dash-{who}") for who in WHO), (),
        dict.fromkeys(WHO, "done"))])
    before = native(store, tmp_path / "before.json")
    with pytest.raises(ValidationError, match="punctuation"):
        accept_agreed(store, "judge")
    assert native(store, tmp_path / "after.json") == before
    assert gold_count(store, uids) == 0


def test_undo_of_a_step_changed_since_is_refused_and_removes_nothing(store: Store,
                                                                       tmp_path: Path) -> None:
    uids = seed(store)
    accept_agreed(store, "judge")
    decision = store.decisions(uids[3])[0]  # gone by another way than this store's
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM decisions WHERE id = :id"), {"id": decision.id})
    kept = native(store, tmp_path / "kept.json")
    with pytest.raises(UndoRefused, match="cannot undo accept_agreed: no "):
        store.undo("judge")
    assert native(store, tmp_path / "after.json") == kept
    assert store.next_undo("judge") is None  # the step is closed


def test_the_command_line_step_is_undone_as_one(tmp_path: Path, capsys) -> None:
    location = str(tmp_path / "s.sqlite")
    store = Store.open(location)
    uids = seed(store)
    before = native(store, tmp_path / "before.json")
    store.close()
    assert main(["adjudicate", "--accept-agreed", "--by", "judge", "--db", location]) == 0
    assert f"{3 * len(uids)} agreed items" in capsys.readouterr().out
    store = Store.open(location)
    assert gold_count(store, uids) == 2 * len(uids)
    assert store.undo("judge") is not None
    assert native(store, tmp_path / "after.json") == before
    store.close()


def test_the_journal_row_reads_back_as_the_step_in_either_shape(store: Store) -> None:
    """The step as its journal row says it, and as rows of earlier versions said it (each span
    with its document and times, each decision whole), is the step applied; History counts
    its changes, items and documents from either."""
    uids = seed(store, 5)
    accept_agreed(store, "judge")
    (entry,) = store.history("judge")
    step = command_from_dict(entry.payload)
    spans, decisions, rest = step.parts()
    assert len(spans) == len(decisions) == 10 and len(rest) == 10  # ORG, CLAIM; link, decision
    stored = {s.id: s for uid in uids for s in store.spans(uid, [GOLD])}
    assert spans == [stored[s.id] for s in spans]
    assert [d.gold_span for d in decisions] == spans
    assert all(d.decided_by == "judge" and d.kind == "accept" for d in decisions)
    earlier = {
        "op": "accept_agreed", "title": entry.payload["title"],
        "spans": [[s.document, s.start, s.end, s.label, s.id, s.attributes, s.note, s.created,
                   s.updated, []] for s in spans],
        "decisions": [[d.id, d.document, d.kind, list(d.sources), d.gold_span.id, d.decided_by,
                       d.at] for d in decisions],
        "commands": entry.payload["commands"],
    }
    assert command_from_dict(earlier) == step and command_from_dict(earlier).parts() == (
        spans, decisions, rest)
    said = "accept agreed items (30 changes): 15 items in 5 documents"
    assert describe(entry.op, entry.payload) == describe(entry.op, earlier) == said


def agreeing(path: Path, documents: int) -> Store:
    """A store of ``documents`` documents where amina and bo agree on two spans each."""
    store = Store.open(path)
    store.import_documents([
        AnnotatedDocument(doc := Document(f"Report {n}: the ministry said forty died.", f"r{n}"),
                          tuple(Span(doc.uid, start, start + 3, "CLAIM", who, f"{n}{who}{start}")
                                for who in WHO for start in (12, 16)),
                          (), dict.fromkeys(WHO, "done"))
        for n in range(documents)])
    return store


def test_the_run_takes_as_many_statements_for_more_documents(tmp_path: Path) -> None:
    """Besides a run of its INSERT per gold span and per decision (sqlite3's executemany),
    the statements of a run over a corpus do not grow with its documents: a few per 500 read,
    and the journal's documents written by one (a run per document before: 40 against 10)."""
    def statements(documents: int) -> list[str]:
        store = agreeing(tmp_path / f"{documents}.sqlite", documents)
        store.engine.dispose()  # the run connects anew, traced
        run: list[str] = []
        event.listen(store.engine, "connect",
                     lambda dbapi_conn, _record: dbapi_conn.set_trace_callback(run.append))
        assert accept_agreed(store, "judge") == 2 * documents
        store.close()
        return [s for s in run if not s.startswith(("INSERT INTO spans", "INSERT INTO decisions"))]

    few, more = statements(10), statements(40)
    assert len(few) == len(more) < 50, (few, more)
    assert sum(s.startswith("INSERT INTO journal_documents") for s in more) == 1


def test_an_accepted_item_takes_few_python_calls(tmp_path: Path) -> None:
    """Past what a run costs whatever its size, each item accepted (a gold span and its
    decision) enters a bounded number of Python frames (functions, comprehensions, generator
    resumes: what the interpreter's time per item goes with), counted from 40 documents to
    160: 10.3 (12.3 before the step's CreateSpan and AddDecision were made only when asked;
    37 before the ids' chain, the itemgetter maps, the decisions' rows in one pass and the
    inks' at-sight pass; 20.5 before the spans, inks, decisions and their sources were
    checked and written a whole run at a time)."""
    def entered(documents: int) -> tuple[int, int]:
        store = agreeing(tmp_path / f"{documents}.sqlite", documents)
        frames = [0]

        def count(_frame: object, event: str, _arg: object) -> None:
            frames[0] += event == "call"

        sys.setprofile(count)
        try:
            accepted = accept_agreed(store, "judge")
        finally:
            sys.setprofile(None)
        store.close()
        return frames[0], accepted

    (few, few_items), (more, more_items) = entered(40), entered(160)
    assert more_items - few_items == 240
    assert (more - few) / (more_items - few_items) <= 11.5, (few, more)


def test_a_run_makes_no_command_per_item(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The step is written from its parts (gold spans, decisions): no CreateSpan or
    AddDecision is made for an item (43,712 at 10,000 documents), and its commands, made when
    asked, are the step's."""
    store = agreeing(tmp_path / "s.sqlite", 40)
    made = []
    for kind in (CreateSpan, AddDecision):
        init = kind.__init__
        monkeypatch.setattr(kind, "__init__", lambda self, *a, _init=init, **k: (
            made.append(type(self)), _init(self, *a, **k))[1])
    assert accept_agreed(store, "judge") == 80
    assert made == []
    entry = store.history("judge", limit=1)[0]
    step = command_from_dict(entry.payload)
    assert [type(c) for c in step.commands] == [CreateSpan] * 80 + [AddDecision] * 80
    assert AcceptAgreed.made_of(step.parts(), step.title) == step
    store.close()


def test_the_open_check_takes_each_document_once(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether a decision taken meanwhile stands in the way is asked per document: the
    check is given each document's id and its decisions (40 for 40 documents), not a pair
    made per decision (80 before), and passes a document nothing stands in whole."""
    store = agreeing(tmp_path / "s.sqlite", 40)
    given: list[object] = []
    check = standing.check_open_many

    def seen(conn, names, lots):  # type: ignore[no-untyped-def]
        given.extend(lots)
        return check(conn, names, lots)

    monkeypatch.setattr(standing, "check_open_many", seen)
    assert accept_agreed(store, "judge") == 80
    assert len(given) == 40
    assert all(type(doc_id) is int and [type(d) for d in mine] == [Decision, Decision]
               for doc_id, mine in given)  # type: ignore[misc]
    store.close()


def test_done_marks_are_read_only_where_they_tell(tmp_path: Path) -> None:
    """Who marked a document done decides whether an annotator with no span in it is
    compared: a run over documents where every compared annotator has spans reads no done
    mark (a query per 500 documents before, a tenth of the read at 10,000 documents); one
    with a document where chen, done, has none reads them, and agrees nothing there."""
    def run(store: Store) -> tuple[int, list[str]]:
        store.engine.dispose()  # the run connects anew, traced
        statements: list[str] = []
        event.listen(store.engine, "connect",
                     lambda dbapi_conn, _record: dbapi_conn.set_trace_callback(statements.append))
        accepted = accept_agreed(store, "judge")
        store.close()
        return accepted, [s for s in statements if "document_status" in s]

    assert run(agreeing(tmp_path / "all.sqlite", 12)) == (24, [])
    store = agreeing(tmp_path / "chen.sqlite", 12)
    doc = Document("Report 12: the ministry said forty died.", "r12")
    store.import_documents([AnnotatedDocument(
        doc, tuple(Span(doc.uid, 12, 15, "CLAIM", who, f"12{who}") for who in WHO), (),
        dict.fromkeys((*WHO, "chen"), "done"))])
    accepted, read = run(store)
    assert accepted == 24 and len(read) == 1  # chen compared in the last document
