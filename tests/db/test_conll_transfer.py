"""CoNLL through the store: folders of CoNLL files whatever their names, the command line's
--column and --scheme, and an export that spaCy's own converter and seqeval read."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import IOB2, Entities

from annotate.formats import native as native_format
from annotate.formats.base import ImportOptions
from annotate.model import AnnotatedDocument, Document, Span
from db.store import Store
from db.transfer import export, import_paths
from desktop.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "conll"
CORPUS = next((up / "shared" / "interop-corpus" / "conll" for up in Path(__file__).resolve().parents
               if (up / "shared" / "interop-corpus").is_dir()), Path("no-interop-corpus"))
IDS = ["12=L12", "13=L13", "14=L14"]  # doccano label ids in transformer-labeling.conll2003.user2


def test_a_folder_imports_every_conll_file_whatever_its_name(store: Store, tmp_path: Path):
    folder = tmp_path / "mixed"
    shutil.copytree(CORPUS, folder / "corpus")
    shutil.copytree(FIXTURES, folder / "ours")
    (folder / "notes.txt").write_text("Plain prose, one line.\nAnother.\n", encoding="utf-8")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    options = ImportOptions(add_labels=True, label_map=dict(i.split("=") for i in IDS))
    results = import_paths(store, [folder], options)
    formats = {r.path.relative_to(folder).as_posix(): r.format for r in results}
    assert formats == {
        "corpus/doccano-import-test-example.conll": "conll",
        "corpus/flair-fewshot-1shot.txt": "conll",
        "corpus/transformer-labeling.conll2003.user2": "conll",
        "corpus/transformer-labeling_text_label.conll2003.user0": "conll",
        "notes.txt": "source",
        "ours/bioes-tabs.txt": "conll",
        "ours/iob1-4columns.conll": "conll",
        "ours/middle-column.tsv": "conll",
        "ours/names.bio.user3": "conll",
    }
    assert all(r.error is None for r in results), [r.error for r in results]
    spans = store.stats()["spans_per_annotator"]
    assert spans == {"imported": 2 + 4 + 5 + 7 + 1, "user0": 11, "user2": 11, "user3": 3}


def test_cli_column_scheme_and_dry_run(tmp_path: Path, capsys):
    db = str(tmp_path / "s.sqlite")
    tsv = str(FIXTURES / "middle-column.tsv")
    assert main(["--db", db, "import", tsv, "--add-labels", "--column", "3", "--dry-run"]) == 0
    out = capsys.readouterr()
    assert "labels added: VEH" in out.out and "imported: spans 1 added" in out.out
    assert main(["--db", db, "import", tsv, "--add-labels", "--column", "3"]) == 0
    store = Store.open(db)
    try:
        [record] = store.iter_documents()
    finally:
        store.close()
    assert [(s.label, record.document.text[s.start:s.end]) for s in record.spans] == [
        ("VEH", "convoy")]
    iob1 = str(FIXTURES / "iob1-4columns.conll")
    assert main(["--db", db, "import", iob1, "--add-labels", "--scheme", "iob2"]) == 1
    assert "iob1-4columns.conll:line 3: I-ORG does not continue" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--db", db, "import", tsv, "--column", "1"])
    assert "column 1 holds the tokens" in capsys.readouterr().err


# -- export: what spaCy's converter and seqeval read -----------------------------------------
TEXT = ("Amina Johnson met the United Nations in Kidal. The army of Mali denied it.\n"
        "Zoë Ké said 😀 was fine.")


@pytest.fixture
def exported(store: Store, tmp_path: Path) -> tuple[Path, list[tuple[str, str]]]:
    """A store of one document, two annotators; its CoNLL export, and the (label, tokens) of
    each span the export holds, block by block."""
    doc = Document(TEXT, "t")

    def span(text: str, label: str, annotator: str, nth: int = 0) -> Span:
        start = TEXT.index(text)
        for _ in range(nth):
            start = TEXT.index(text, start + 1)
        return Span(doc.uid, start, start + len(text), label, annotator)

    spans = (span("Amina Johnson", "PERSON", "amina"), span("United Nations", "ORG", "amina"),
             span("Kidal", "LOCATION", "amina"), span("Zoë Ké", "PERSON", "amina"),
             span("The army of Mali", "ARMED_GROUP", "amina"),
             span("Mali", "LOCATION", "amina"),  # inside the armed group: one column, dropped
             span("Kidal", "LOCATION", "ben"), span("army", "ARMED_GROUP", "ben"),
             span("denied it", "DENIAL", "ben"))
    native = tmp_path / "in.jsonl"
    native_format.write([AnnotatedDocument(doc, spans)], native)
    import_paths(store, [native])
    out = tmp_path / "out.conll"
    [(_, report)] = export(store, out, "conll")
    assert report.spans == 8 and sum(report.lost.values()) == 1
    expected = [("PERSON", "Amina Johnson"), ("ORG", "United Nations"), ("LOCATION", "Kidal"),
                ("ARMED_GROUP", "The army of Mali"), ("PERSON", "Zoë Ké")], [
                ("LOCATION", "Kidal"), ("ARMED_GROUP", "army"), ("DENIAL", "denied it")]
    return out, list(expected)


def test_spacy_convert_reads_every_entity_of_the_export(exported, tmp_path: Path):
    """spaCy's own ``spacy convert -c ner``, run as a command, then its DocBin read back."""
    out, expected = exported
    target = tmp_path / "spacy"
    target.mkdir()
    run = subprocess.run([sys.executable, "-m", "spacy", "convert", str(out), str(target),
                          "-c", "ner", "-n", "0"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr + run.stdout
    import spacy
    from spacy.tokens import DocBin

    docs = list(DocBin().from_disk(target / "out.spacy").get_docs(spacy.blank("xx").vocab))
    assert [[(e.label_, e.text) for e in doc.ents] for doc in docs] == expected


def test_spacy_converter_function_and_seqeval_read_the_export(exported):
    from spacy.training.converters import conll_ner_to_docs

    out, expected = exported
    text = out.read_text(encoding="utf-8")
    docs = list(conll_ner_to_docs(text, n_sents=0, no_print=True))
    assert [[(e.label_, e.text) for e in doc.ents] for doc in docs] == expected
    blocks = [block for block in text.split("-DOCSTART- -X- O O\n") if block.strip()]
    for block, wanted in zip(blocks, expected, strict=True):
        sentences = [[row.split(" ") for row in sentence.split("\n") if row]
                     for sentence in block.split("\n\n") if sentence.strip()]
        tags = [[tag for _, tag in rows] for rows in sentences]
        words = [[word for word, _ in rows] for rows in sentences]
        strict = Entities(tags, IOB2).entities  # raises on a tag IOB2 does not allow
        assert [(e.tag, " ".join(words[e.sent_id][e.start:e.end])) for s in strict for e in s] \
            == wanted
        flat = [tag for sentence in tags for tag in sentence]
        assert [label for label, _, _ in get_entities(flat)] == [label for label, _ in wanted]


def test_category_chooses_what_shares_the_one_tag_column(exported, store: Store, tmp_path: Path,
                                                         capsys):
    out = tmp_path / "entities.conll"
    assert main(["--db", store.location, "export", str(out), "--format", "conll",
                 "--category", "entity", "--annotator", "ben"]) == 0
    assert "wrote 1 documents, 2 spans, 0 relations. Nothing lost." in capsys.readouterr().err
    rows = [line.split(" ") for line in out.read_text(encoding="utf-8").splitlines() if line]
    assert [tag for _, tag in rows[1:] if tag != "O"] == ["B-LOCATION", "B-ARMED_GROUP"]
