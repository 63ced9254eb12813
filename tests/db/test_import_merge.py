"""Imports merge explicitly: each incoming span, relation and status is added, changed,
unchanged, copied into its annotator's layer or skipped with a reason, per annotator; nothing
deleted here comes back; an import is one journal row that closes the stacks it affects."""

from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from annotate.commands import CreateSpan, DeleteSpan, RemoveRelation, SetStatus, relabel
from annotate.formats import native
from annotate.formats.base import ImportOptions
from annotate.layers import copy_id
from annotate.model import AnnotatedDocument, Document, Relation, Span
from db.store import Store
from db.transfer import ExportFilter, export, import_paths
from desktop.cli import main

TEXT = "Rebels said that 80 soldiers died near Kidal; the army denied it entirely."
DOC = Document(TEXT, "Report")
EARLY, LATE = "2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z"


def span(start: int, end: int, label: str, who: str, span_id: str, when: str = EARLY) -> Span:
    return Span(DOC.uid, start, end, label, who, span_id, {}, None, when, when)


def record(*spans: Span, relations: tuple[Relation, ...] = (), status=None) -> AnnotatedDocument:
    return AnnotatedDocument(DOC, spans, relations, status or {})


CLAIM = span(0, 33, "CLAIM", "bob", "b-claim")
ARMY = span(50, 54, "ORG", "bob", "b-army")
ABOUT = Relation("ABOUT", "b-claim", "b-army", "bob", "b-rel")


def test_deleted_here_is_not_brought_back_and_undo_still_works(store: Store) -> None:
    store.import_documents([record(CLAIM, ARMY, relations=(ABOUT,))])
    store.apply(DeleteSpan(store.span("b-army")), "bob")
    summary = store.import_documents([record(CLAIM, ARMY, relations=(ABOUT,))])
    assert summary.by_annotator == {
        "bob": {
            "spans": {"unchanged": 1, "skipped: deleted here": 1},
            "relations": {"skipped: a span it joins is not here": 1},
        }
    }
    assert [s.id for s in store.spans(DOC.uid)] == ["b-claim"]
    assert store.undo("bob") is not None  # the delete is undone: span and relation are back
    assert {s.id for s in store.spans(DOC.uid)} == {"b-claim", "b-army"}
    assert [r.id for r in store.relations(DOC.uid)] == ["b-rel"]
    again = store.import_documents([record(CLAIM, ARMY, relations=(ABOUT,))])
    assert again.by_annotator == {"bob": {"spans": {"unchanged": 2}, "relations": {"unchanged": 1}}}
    store.apply(RemoveRelation(DOC.uid, ABOUT), "bob")
    removed = store.import_documents([record(CLAIM, ARMY, relations=(ABOUT,))])
    assert removed.by_annotator["bob"]["relations"] == {"skipped: deleted here": 1}
    assert store.relations(DOC.uid) == []


def test_a_peers_corrections_are_changes_counted_per_annotator(store: Store) -> None:
    store.import_documents([record(CLAIM, ARMY, status={"bob": "in_progress"})])
    corrected = (
        replace(CLAIM, attributes={"certainty": "reported"}, updated=LATE),
        replace(ARMY, label="PERSON", updated=LATE),
    )
    summary = store.import_documents([record(*corrected, status={"bob": "done"})])
    assert summary.by_annotator == {"bob": {"spans": {"changed": 2}, "statuses": {"changed": 1}}}
    assert store.spans(DOC.uid) == sorted(corrected, key=lambda s: s.start)
    assert store.status(DOC.uid, "bob") == "done"
    stale = store.import_documents([record(CLAIM, ARMY)])  # the old file again
    assert stale.by_annotator == {"bob": {"spans": {"skipped: older than the copy here": 2}}}
    assert store.spans(DOC.uid) == sorted(corrected, key=lambda s: s.start)


def test_a_time_from_the_future_or_no_time_is_refused_not_merged(store: Store,
                                                                 tmp_path: Path) -> None:
    """A peer's span whose ``updated`` lies in the future, or is no time but orders after
    every time as a string ('z'), would win every later merge of that span (the newer wins):
    the file is refused naming the span, and the span here is kept (the code before changed
    it to the forged one)."""
    store.import_documents([record(CLAIM)])
    peer = tmp_path / "bob.jsonl"
    for forged, said in [("2999-01-01T00:00:00Z", "lies in the future"),
                         ("z", "is not a time of the form")]:
        native.write([record(replace(CLAIM, label="DENIAL", updated=forged))], peer)
        [result] = import_paths(store, [peer])
        assert result.error is not None
        assert f"span [0, 33): updated {forged if len(forged) > 1 else repr(forged)} {said}" \
            in result.error
        assert store.spans(DOC.uid) == [CLAIM]


def test_same_id_in_another_layer_becomes_their_own_copy(store: Store) -> None:
    store.import_documents([record(CLAIM, ARMY, relations=(ABOUT,))])
    theirs = (replace(CLAIM, annotator="cleo"), replace(ARMY, annotator="cleo", label="PERSON"))
    rel = replace(ABOUT, annotator="cleo")
    summary = store.import_documents([record(*theirs, relations=(rel,))])
    assert summary.by_annotator == {"cleo": {"spans": {"added": 2}, "relations": {"added": 1}}}
    assert [s.label for s in store.spans(DOC.uid, ["bob"])] == ["CLAIM", "ORG"]  # untouched
    copies = store.spans(DOC.uid, ["cleo"])
    assert [s.id for s in copies] == [copy_id("b-claim", "cleo"), copy_id("b-army", "cleo")]
    (relation,) = store.relations(DOC.uid, ["cleo"])
    assert (relation.source, relation.target) == (copies[0].id, copies[1].id)
    again = store.import_documents([record(*theirs, relations=(rel,))])
    assert again.by_annotator == {
        "cleo": {"spans": {"unchanged": 2}, "relations": {"unchanged": 1}}
    }


def test_a_relation_across_layers_is_skipped_with_its_reason(store: Store) -> None:
    other = span(50, 54, "ORG", "cleo", "c-army")
    across = Relation("ABOUT", "b-claim", "c-army", "bob", "x-rel")
    summary = store.import_documents([record(CLAIM, other, relations=(across,))])
    assert summary.by_annotator["bob"]["relations"] == {"skipped: joins a span of another layer": 1}
    assert store.relations(DOC.uid) == []


def test_an_import_is_one_journal_row_and_closes_the_stacks_it_changed(store: Store) -> None:
    store.import_documents([record(CLAIM)])
    store.apply(CreateSpan(span(50, 54, "ORG", "bob", "b-new")), "bob")
    store.apply(SetStatus(DOC.uid, "amina", "done"), "amina")
    before = len(store.history(limit=None))
    store.import_documents([record(replace(CLAIM, label="DENIAL", updated=LATE))])
    rows = store.history(limit=None)
    assert len(rows) == before + 1 and rows[0].op == "import"
    assert not store.can_undo("bob")  # bob's layer changed under his old steps
    assert store.can_undo("amina")  # amina's did not
    assert store.undo("amina") is not None


def test_dry_run_and_cli_report_every_outcome_with_reasons(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store.import_documents([record(CLAIM, ARMY)])
    store.apply(DeleteSpan(store.span("b-army")), "bob")
    peer = tmp_path / "bob.jsonl"
    native.write([record(replace(CLAIM, label="DENIAL", updated=LATE), ARMY,
                         span(39, 44, "LOCATION", "bob", "b-kidal"))], peer)
    stats = store.stats()
    (dry,) = import_paths(store, [peer], dry_run=True)
    assert store.stats() == stats
    assert dry.lines()[1:] == [
        "  bob: spans 1 added, 1 changed, 1 skipped (1 deleted here)"
    ]
    location = store.location
    store.close()
    assert main(["import", str(peer), "--db", location]) == 0
    out = capsys.readouterr().out
    assert "  bob: spans 1 added, 1 changed, 1 skipped (1 deleted here)" in out


def test_round_trip_lead_hands_out_analysts_correct_files_come_back(tmp_path: Path) -> None:
    """A lead hands out a pre-annotated file; alice (through the CLI) and bob (through
    db.transfer) each correct it under their own name; their files come back twice."""
    lead = Store.open(tmp_path / "lead.sqlite")
    lead.import_documents([record(
        span(0, 33, "CLAIM", "auto", "p-claim"), span(50, 54, "ORG", "auto", "p-army"),
        relations=(Relation("ABOUT", "p-claim", "p-army", "auto", "p-rel"),),
    )])
    handout = tmp_path / "handout.jsonl"
    export(lead, handout, "native")
    lead.close()

    def correct(name: str, through_cli: bool) -> Path:
        db, out = tmp_path / f"{name}.sqlite", tmp_path / f"{name}.jsonl"
        if through_cli:
            assert main(["import", str(handout), "--map-annotator", f"auto={name}",
                         "--db", str(db)]) == 0
        else:
            with closing(Store.open(db)) as mine:
                options = ImportOptions(annotator_map={"auto": name})
                assert [r.error for r in import_paths(mine, [handout], options)] == [None]
        with closing(Store.open(db)) as mine:
            army = mine.span(copy_id("p-army", name))
            mine.apply(relabel(army, "PERSON" if name == "alice" else "ARMED_GROUP"), name)
            mine.apply(CreateSpan(span(39, 44, "LOCATION", name, f"{name}-kidal")), name)
            mine.apply(SetStatus(DOC.uid, name, "done"), name)
        if through_cli:
            assert main(["export", str(out), "--annotator", name, "--db", str(db)]) == 0
        else:
            with closing(Store.open(db)) as mine:
                export(mine, out, "native", ExportFilter([name]))
        return out

    files = [correct("alice", True), correct("bob", False)]
    gained = {"spans": {"added": 3}, "relations": {"added": 1}, "statuses": {"added": 1}}
    assert main(["import", str(files[0]), "--db", str(tmp_path / "lead.sqlite")]) == 0
    with closing(Store.open(tmp_path / "lead.sqlite")) as lead:
        (bob,) = import_paths(lead, [files[1]])
        assert bob.summary.by_annotator == {"bob": gained}
        labels = {(s.annotator, s.label) for s in lead.spans(DOC.uid) if s.start == 50}
        assert labels == {("auto", "ORG"), ("alice", "PERSON"), ("bob", "ARMED_GROUP")}
        assert [lead.status(DOC.uid, n) for n in ("alice", "bob")] == ["done", "done"]
        (again,) = import_paths(lead, files[:1])  # the same file again changes nothing
        assert again.summary.by_annotator == {
            "alice": {"spans": {"unchanged": 3}, "relations": {"unchanged": 1},
                      "statuses": {"unchanged": 1}}
        }
    with closing(Store.open(tmp_path / "alice.sqlite")) as mine:  # alice corrects once more
        army = mine.span(copy_id("p-army", "alice"))
        mine.apply(relabel(army, "ORG"), "alice")
        export(mine, files[0], "native", ExportFilter(["alice"]))
    with closing(Store.open(tmp_path / "lead.sqlite")) as lead:
        (second,) = import_paths(lead, files[:1])
        assert second.summary.by_annotator["alice"]["spans"] == {"changed": 1, "unchanged": 2}
        assert lead.span(copy_id("p-army", "alice")).label == "ORG"
        assert lead.span("p-army").label == "ORG" and lead.span(copy_id("p-army", "bob")).label \
            == "ARMED_GROUP"


def test_a_relation_changed_in_its_layer_is_a_change_and_gold_is_kept(store: Store) -> None:
    store.import_documents([record(CLAIM, ARMY, relations=(ABOUT,))])
    retyped = replace(ABOUT, type="CLAIMED_BY")
    summary = store.import_documents([record(CLAIM, ARMY, relations=(retyped,))])
    assert summary.by_annotator["bob"]["relations"] == {"changed": 1}
    assert store.relations(DOC.uid) == [retyped]
    gold = span(50, 54, "ORG", "gold", "g-army")
    assert store.import_documents([record(gold)]).by_annotator == {
        "gold": {"spans": {"added": 1}}
    }
    relabelled = replace(gold, label="PERSON", updated=LATE)
    kept = store.import_documents([record(relabelled)])
    assert kept.by_annotator == {
        "gold": {"spans": {"skipped: gold changes only by adjudication": 1}}
    }
    assert store.span("g-army").label == "ORG"
