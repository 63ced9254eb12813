"""spaCy DocBins through the command line: offered by --format spacy, detected by their
suffix alone or in a folder, doc.cats as document labels, and what they hold without a place
here counted in the summary, the journal and --dry-run."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.tokens import DocBin

from db.store import Store
from desktop.cli import main


def docbin(path: Path) -> Path:
    doc = spacy.blank("en").make_doc("Amina met the army in Kidal.")
    doc.ents = [doc.char_span(0, 5, label="PERSON", kb_id="Q1"),
                doc.char_span(22, 27, label="GPE")]
    doc.spans["sc"] = [doc.char_span(10, 18, label="ORG")]
    doc.spans["ruler"] = [doc.char_span(22, 27, label="GPE")]
    doc.cats = {"CONFLICT": 1.0}
    path.parent.mkdir(parents=True, exist_ok=True)
    DocBin(docs=[doc], store_user_data=True).to_disk(path)
    return path


NOT_IMPORTED = "  not imported: 1 knowledge-base ids of spans (kb_id)"


def test_cli_offers_spacy_and_reports_what_it_left_out(tmp_path: Path, capsys):
    db = str(tmp_path / "s.sqlite")
    path = docbin(tmp_path / "in" / "pipeline.spacy")
    assert main(["--db", db, "import", str(path), "--format", "spacy", "--add-labels",
                 "--annotator", "model", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert NOT_IMPORTED in out.splitlines()
    assert "  model: spans 3 added; doc_labels 1 added" in out
    assert "  model:ruler: spans 1 added" in out
    assert main(["--db", db, "import", str(tmp_path / "in"), "--add-labels"]) == 0  # detected
    assert NOT_IMPORTED in capsys.readouterr().out.splitlines()
    store = Store.open(db)
    try:
        assert store.stats()["spans_per_annotator"] == {"imported": 3, "imported:ruler": 1}
        [entry] = store.history(op="import")
        assert entry.payload["not_imported"] == {"knowledge-base ids of spans (kb_id)": 1}
        [record] = store.iter_documents()
        assert [(d.category, d.value) for d in record.doc_labels] == [("label", "CONFLICT")]
    finally:
        store.close()


def test_a_bad_docbin_is_named_and_the_cli_exits_1(tmp_path: Path, capsys):
    path = tmp_path / "bad.spacy"
    path.write_bytes(b"\x00garbage")
    assert main(["--db", str(tmp_path / "s.sqlite"), "import", str(path)]) == 1
    assert f"error: {path}: not a spaCy DocBin" in capsys.readouterr().err
