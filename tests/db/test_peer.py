"""A peer's store file brought in: matched by uid, idempotent, annotators mapped and clashes
reported; hostile or damaged files refused without running any of their code."""

import hashlib
import sqlite3
from pathlib import Path

import pytest

from annotate.commands import AddRelation, CreateSpan, SetStatus
from annotate.errors import InputError
from annotate.formats.base import ImportOptions
from annotate.model import AnnotatedDocument, Document, Relation, Span
from db.peer import read_peer_store
from db.store import Store
from db.transfer import import_paths, plan_import
from desktop.cli import main

SHARED = Document("The governor said the bridge was closed on Monday by the army.", "Shared")
THEIRS = Document("A spokesman denied that the convoy had crossed the river at night.", "Theirs")


def make_peer(path: Path, annotator: str = "kofi", extra_docs: int = 0) -> Path:
    """A real store file written through the Store, as a peer's program would."""
    peer = Store.open(path)
    docs = [SHARED, THEIRS] + [
        Document(f"Filler report number {i}: " + "words of a longer text " * 40)
        for i in range(extra_docs)
    ]
    peer.import_documents(AnnotatedDocument(d) for d in docs)
    claim = Span(SHARED.uid, 0, 39, "CLAIM", annotator, f"{annotator}-c")
    who = Span(SHARED.uid, 4, 12, "PERSON", annotator, f"{annotator}-p")
    denial = Span(THEIRS.uid, 0, 66, "DENIAL", annotator, f"{annotator}-d")
    for span in (claim, who, denial):
        peer.apply(CreateSpan(span), annotator)
    peer.apply(AddRelation(SHARED.uid, Relation("ABOUT", claim.id, who.id, annotator,
                                                f"{annotator}-r")), annotator)
    peer.apply(SetStatus(SHARED.uid, annotator, "done"), annotator)
    peer.close()
    return path


GAINED = {"spans": {"added": 3}, "relations": {"added": 1}, "statuses": {"added": 1}}
"""What a peer made by make_peer brings to a store that lacks its work."""
KEPT = {"spans": {"unchanged": 3}, "relations": {"unchanged": 1}, "statuses": {"unchanged": 1}}
"""What it brings again: nothing."""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def raw(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


@pytest.fixture
def ours(store: Store) -> Store:
    store.import_documents([AnnotatedDocument(SHARED)])
    return store


def test_peer_store_imports_matched_by_uid_and_reimport_changes_nothing(
    ours: Store, tmp_path: Path
) -> None:
    peer = make_peer(tmp_path / "peer.sqlite")
    before = digest(peer)
    (result,) = import_paths(ours, [peer])
    assert result.error is None and result.format == "store"
    assert result.summary.documents_added == 1 and result.summary.documents_existing == 1
    assert result.summary.by_annotator == {"kofi": GAINED}
    assert result.warnings == []
    assert ours.count_documents() == 2
    assert ours.document(THEIRS.uid).title == "Theirs"  # brought along with its spans
    assert [(s.start, s.end, s.label) for s in ours.spans(SHARED.uid, ["kofi"])] == [
        (0, 39, "CLAIM"), (4, 12, "PERSON")]
    assert [r.type for r in ours.relations(SHARED.uid)] == ["ABOUT"]
    assert ours.status(SHARED.uid, "kofi") == "done"
    stats = ours.stats()
    (again,) = import_paths(ours, [peer])
    assert again.error is None and again.summary.by_annotator == {"kofi": KEPT}
    assert ours.stats() == stats
    assert digest(peer) == before  # opened read-only: the peer's file is untouched


def test_clash_reported_and_annotator_map_separates(ours: Store, tmp_path: Path) -> None:
    ours.apply(CreateSpan(Span(SHARED.uid, 0, 12, "CLAIM", "amina", "ours-1")), "amina")
    peer = make_peer(tmp_path / "peer.db", annotator="amina")
    mapped = ImportOptions(annotator_map={"amina": "amina_peer"})
    (result,) = import_paths(ours, [peer], mapped)
    assert result.warnings == []
    assert result.summary.by_annotator == {"amina_peer": GAINED}
    assert [s.id for s in ours.spans(SHARED.uid, ["amina"])] == ["ours-1"]
    (again,) = import_paths(ours, [peer], mapped)
    assert again.summary.by_annotator == {"amina_peer": KEPT}  # mapped ids are stable
    (unmapped,) = import_paths(ours, [peer])
    assert unmapped.warnings == [
        "annotator amina exists here too; 3 of their spans are new — if they are a different "
        "person, map amina=amina_peer (--map-annotator, or the import dialog's annotator map)"
    ]


def test_dry_run_reports_what_would_come_and_writes_nothing(
    ours: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ours.apply(CreateSpan(Span(SHARED.uid, 0, 12, "CLAIM", "amina", "ours-1")), "amina")
    peer = make_peer(tmp_path / "peer.sqlite", annotator="amina")
    stats, work = ours.stats(), ours.work_by_annotator()
    (dry,) = import_paths(ours, [peer], dry_run=True)
    assert (ours.stats(), ours.work_by_annotator()) == (stats, work)
    assert dry.error is None and dry.summary.documents_added == 1
    assert dry.summary.by_annotator == {"amina": GAINED}
    assert dry.warnings and "annotator amina exists here too" in dry.warnings[0]
    (real,) = import_paths(ours, [peer])  # the dry run told the truth, and left no stale state
    assert (real.summary, real.warnings) == (dry.summary, dry.warnings)
    assert ours.count_documents() == 2

    capsys.readouterr()
    db = str(tmp_path / "cli.sqlite")
    assert main(["--db", db, "import", "--dry-run", str(peer)]) == 0
    out, err = capsys.readouterr()
    assert "2 new documents" in out
    assert "amina: spans 3 added; relations 1 added; statuses 1 added" in out
    assert "1 of 1 files would import (dry run: nothing was written)" in err
    assert Store.open(db).count_documents() == 0


def test_native_export_of_a_peer_imports_the_same_way(ours: Store, tmp_path: Path) -> None:
    peer = make_peer(tmp_path / "peer.sqlite")
    exported = tmp_path / "peer.jsonl"
    assert main(["export", str(exported), "--db", str(peer)]) == 0
    (result,) = import_paths(ours, [exported], ImportOptions(annotator_map={"kofi": "k2"}))
    assert result.format == "native"
    assert result.summary.by_annotator == {"k2": GAINED}
    assert ours.status(SHARED.uid, "k2") == "done"


def test_cli_import_prints_work_per_annotator(
    ours: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    peer = make_peer(tmp_path / "peer.sqlite")
    location = ours.location
    ours.close()
    assert main(["import", str(peer), "--map-annotator", "kofi=kofi_peer", "--db", location]) == 0
    out = capsys.readouterr().out
    assert "kofi_peer: spans 3 added; relations 1 added; statuses 1 added" in out


def refused(store: Store, path: Path, message: str) -> None:
    before = store.stats()
    (result,) = import_paths(store, [path])
    assert result.error is not None and message in result.error and str(path) in result.error
    assert store.stats() == before


def test_not_sqlite_and_foreign_sqlite_are_refused(ours: Store, tmp_path: Path) -> None:
    text = tmp_path / "notes.sqlite"
    text.write_text("just some text", encoding="utf-8")
    refused(ours, text, "not a SQLite file")
    other = tmp_path / "other.db"
    raw(other, "CREATE TABLE things (x TEXT)", "INSERT INTO things VALUES ('a')")
    refused(ours, other, "not a Counterclaim store: it has no table 'alembic_version'")
    assert plan_import([other])[0].format == "store"


def test_peer_triggers_and_views_never_run(ours: Store, tmp_path: Path) -> None:
    peer = make_peer(tmp_path / "peer.sqlite")
    raw(
        peer,
        "CREATE TRIGGER no_insert BEFORE INSERT ON spans BEGIN "
        "SELECT RAISE(ABORT, 'peer trigger ran'); END",
        "CREATE TRIGGER no_delete BEFORE DELETE ON spans BEGIN "
        "SELECT RAISE(ABORT, 'peer trigger ran'); END",
        "CREATE VIEW spans_by_label AS SELECT abs(-9223372036854775807 - 1) FROM spans",
    )
    (result,) = import_paths(ours, [peer])  # the view would overflow, the triggers abort
    assert result.error is None and result.summary.gained("kofi", "spans") == 3
    # a view where a table should be is refused, not read
    raw(peer, "DROP TRIGGER no_insert", "DROP TRIGGER no_delete",
        "ALTER TABLE document_status RENAME TO status_table",
        "CREATE VIEW document_status AS SELECT document_id, annotator_id, "
        "abs(-9223372036854775807 - 1) AS state FROM status_table")
    refused(ours, peer, "no table 'document_status' (it is a view)")


def test_corrupt_page_is_refused_and_nothing_imported(ours: Store, tmp_path: Path) -> None:
    peer = make_peer(tmp_path / "peer.sqlite", extra_docs=60)
    data = bytearray(peer.read_bytes())
    size = int.from_bytes(data[16:18], "big")  # the page size, from the header
    pages = len(data) // size
    for page in range(pages // 3, 2 * pages // 3):  # the first bytes of the middle pages
        data[page * size : page * size + 8] = b"\x07" * 8
    peer.write_bytes(bytes(data))
    before = ours.stats()
    (result,) = import_paths(ours, [peer])
    assert result.error is not None and str(peer) in result.error
    assert "the store file is damaged" in result.error
    assert ours.stats() == before


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("UPDATE alembic_version SET version_num = 'ffff'", "another version of Counterclaim"),
        ("UPDATE documents SET uid = 'abc' WHERE title = 'Theirs'", "not the sha256"),
        ('UPDATE spans SET "end" = 5000 WHERE id = \'kofi-d\'', "does not lie in the text"),
        ("UPDATE spans SET attributes = '[1' WHERE id = 'kofi-d'", "not valid JSON"),
        ("UPDATE document_status SET state = 'sure'", "not valid"),
        ("ALTER TABLE spans DROP COLUMN note", "table 'spans' lacks note"),
    ],
)
def test_bad_values_are_refused(
    ours: Store, tmp_path: Path, statement: str, message: str
) -> None:
    peer = make_peer(tmp_path / "peer.sqlite")
    raw(peer, statement)
    refused(ours, peer, message)


def test_time_limit_stops_a_long_read(tmp_path: Path) -> None:
    peer = make_peer(tmp_path / "peer.sqlite", extra_docs=200)
    with pytest.raises(InputError, match="reading took over"):
        list(read_peer_store(peer, time_limit=-1))
    assert len(list(read_peer_store(peer))) == 202
