"""Reading CoNLL: documents, sentences, tag schemes, columns, detection, hostile lines. The
fixtures in tests/fixtures/conll are our own; the files in ../shared/interop-corpus/conll
were written by doccano, doccano-transformer and flair."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate import formats
from annotate.errors import InputError
from annotate.formats import conll
from annotate.formats.base import ImportOptions
from annotate.formats.iob import TagError, chunks, split_tag
from annotate.schema import LabelSchema, default_schema

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "conll"
CORPUS = next((up / "shared" / "interop-corpus" / "conll" for up in Path(__file__).resolve().parents
               if (up / "shared" / "interop-corpus").is_dir()), Path("no-interop-corpus"))


IDS = {"12": "L12", "13": "L13", "14": "L14"}
"""doccano-transformer's labeling.conll2003.user2 tags with doccano's label ids, which are
no label names here: a label map renames them."""


def read(path: Path, **options) -> list:
    return read_counted(path, **options)[0]


def read_counted(path: Path, **options) -> tuple[list, dict[str, int]]:
    options.setdefault("label_map", IDS)
    chosen = ImportOptions(add_labels=True, **options)
    return list(conll.read(path, LabelSchema(()), chosen)), dict(chosen.not_imported)


def token_rows(path: Path, column: int = -1) -> list[list[tuple[str, str]]]:
    """Each document's (token, tag) rows, read plainly (our own reading for the checks)."""
    documents: list[list[tuple[str, str]]] = [[]]
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t") if "\t" in line else line.split()
        if not fields:
            continue
        if fields[0] == "-DOCSTART-":
            documents.append([])
        else:
            documents[-1].append((fields[0], fields[column]))
    return [d for d in documents if d]


def spans_as_tokens(record) -> list[tuple[str, str]]:
    text = record.document.text
    return [(s.label, text[s.start:s.end]) for s in sorted(record.spans, key=lambda s: s.start)]


# -- the tags --------------------------------------------------------------------------------
def tags(*names: str) -> list:
    return [split_tag(name) for name in names]


@pytest.mark.parametrize("names,expected", [
    (("B-A", "I-A", "O", "B-A", "B-A"), [(0, 1, "A"), (3, 3, "A"), (4, 4, "A")]),  # IOB2
    (("I-A", "I-A", "B-A", "I-B", "O", "I-A"), [(0, 1, "A"), (2, 2, "A"), (3, 3, "B"),
                                                (5, 5, "A")]),  # IOB1
    (("S-A", "B-A", "I-A", "E-A", "S-A", "U-B", "B-B", "L-B"),
     [(0, 0, "A"), (1, 3, "A"), (4, 4, "A"), (5, 5, "B"), (6, 7, "B")]),  # BIOES, BILOU
    (("B-A", "I-B", "I-B"), [(0, 0, "A"), (1, 2, "B")]),
])
def test_the_three_schemes_decode_by_one_rule(names, expected):
    assert chunks(tags(*names)) == expected


@pytest.mark.parametrize("scheme,names,bad", [
    ("iob2", ("O", "I-A"), 1),
    ("iob2", ("B-A", "I-B"), 1),
    ("iob2", ("S-A",), 0),
    ("iob1", ("E-A",), 0),
    ("bioes", ("B-A", "O"), 1),
    ("bioes", ("B-A", "I-A"), 0),
    ("bioes", ("I-A",), 0),
    ("bioes", ("B-A", "S-A"), 1),
])
def test_a_chosen_scheme_refuses_tags_it_does_not_allow(scheme, names, bad):
    with pytest.raises(TagError) as caught:
        chunks(tags(*names), scheme)
    assert caught.value.index == bad
    chunks(tags(*names))  # auto reads it


@pytest.mark.parametrize("tag", ["B-", "X-A", "BA", "b-A", "o", ""])
def test_what_is_not_a_tag(tag):
    assert split_tag(tag) is None


# -- our fixtures ----------------------------------------------------------------------------
def test_iob1_with_four_columns_and_docstart():
    path = FIXTURES / "iob1-4columns.conll"
    records = read(path)
    assert [r.document.text for r in records] == [
        "EU rejects German call to boycott British lamb .\nPeter Blackburn",
        "BRUSSELS 1996-08-22\nNew York Boston",
    ]
    assert [spans_as_tokens(r) for r in records] == [
        [("ORG", "EU"), ("MISC", "German"), ("MISC", "British"), ("PER", "Peter Blackburn")],
        [("LOC", "BRUSSELS"), ("LOC", "New York"), ("LOC", "Boston")],
    ]
    assert [r.document.title for r in records] == ["iob1-4columns.conll #1",
                                                   "iob1-4columns.conll #2"]
    assert {s.annotator for r in records for s in r.spans} == {"imported"}


def test_bioes_in_tabs_named_txt_keeps_code_point_offsets():
    path = FIXTURES / "bioes-tabs.txt"
    assert formats.detect(path) == "conll"
    [record] = read(path, annotator="amina")
    assert record.document.text == ("Amina Johnson met the United Nations Council in Kidal .\n"
                                    "Zoë Ké said 😀")
    assert spans_as_tokens(record) == [("PER", "Amina"), ("ORG", "United Nations Council"),
                                       ("LOC", "Kidal"), ("PER", "Zoë Ké"), ("EMOJI", "😀")]
    assert {s.annotator for s in record.spans} == {"amina"}


def test_the_annotator_comes_from_a_doccano_transformer_name():
    [record] = read(FIXTURES / "names.bio.user3", annotator="ignored")
    assert {s.annotator for s in record.spans} == {"user3"}
    assert spans_as_tokens(record) == [("PER", "Alice"), ("PER", "Bob"), ("PER", "Carol I-x")]


def test_other_columns_are_counted_not_dropped_in_silence():
    _, lost = read_counted(FIXTURES / "iob1-4columns.conll")
    assert lost == {conll.OTHER_COLUMNS: 16 + 15}  # 16 POS tags, 15 chunk tags not O
    assert read_counted(CORPUS / "transformer-labeling_text_label.conll2003.user0")[1] == {}


def test_column_chooses_the_tags():
    path = FIXTURES / "middle-column.tsv"
    assert formats.detect(path) == "conll"
    [last], lost = read_counted(path)
    assert spans_as_tokens(last) == [("ARG", "The convoy")]
    assert lost == {conll.OTHER_COLUMNS: 3 + 1}  # DET NOUN AUX, B-VEH
    [third], lost = read_counted(path, column=3)
    assert spans_as_tokens(third) == [("VEH", "convoy")]
    assert lost == {conll.OTHER_COLUMNS: 3 + 2}  # DET NOUN AUX, B-ARG I-ARG
    with pytest.raises(InputError, match=r"middle-column.tsv:line 1: 'NOUN'|line 1: 'DET'"):
        read(path, column=2)
    with pytest.raises(InputError, match=r"line 1: the tag column 5 is missing"):
        read(path, column=5)


# -- the files other tools wrote -------------------------------------------------------------
@pytest.mark.parametrize("name", ["doccano-import-test-example.conll", "flair-fewshot-1shot.txt",
                                  "transformer-labeling.conll2003.user2",
                                  "transformer-labeling_text_label.conll2003.user0"])
def test_every_corpus_file_is_detected_and_read_whole(name):
    path = CORPUS / name
    assert formats.detect(path) == "conll"
    records = read(path)
    documents = token_rows(path)
    assert len(records) == len(documents)
    for record, rows in zip(records, documents, strict=True):
        text = record.document.text
        assert text.split() == [token for token, _ in rows]
        # every chunk of B-/I- tags is a span whose text is its tokens joined by spaces
        expected, current = [], None
        for token, tag in rows:
            if tag.startswith("B-") or (tag.startswith("I-") and current is None):
                current = [IDS.get(tag[2:], tag[2:]), token]
                expected.append(current)
            elif tag.startswith("I-"):
                current[1] += " " + token
            else:
                current = None
        assert spans_as_tokens(record) == [tuple(e) for e in expected]
    annotator = name.rsplit(".", 1)[1] if ".user" in name else "imported"
    assert {s.annotator for r in records for s in r.spans} == {annotator}


def test_the_corpus_counts():
    counted = {name: sum(len(r.spans) for r in read(CORPUS / name)) for name in
               ("doccano-import-test-example.conll", "flair-fewshot-1shot.txt",
                "transformer-labeling.conll2003.user2",
                "transformer-labeling_text_label.conll2003.user0")}
    assert counted == {"doccano-import-test-example.conll": 2, "flair-fewshot-1shot.txt": 4,
                       "transformer-labeling.conll2003.user2": 11,
                       "transformer-labeling_text_label.conll2003.user0": 11}


# -- hostile and careless input --------------------------------------------------------------
@pytest.mark.parametrize("content,where,message", [
    (b"a O\nb\n", "line 2", "expected a token and its tag, got one column"),
    (b"a O\nb B-\n", "line 2", "'B-' is not a tag"),
    (b"a O\n\xff\xfe O\n", "line 2", "not UTF-8"),
    (b"a O\n\tO\n", "line 2", "the token (first column) is empty"),
    (b"a B-A\nb I-A\nc B-a b\n", "line 3", "'b' is not a tag"),
    (b"x O\n" * 3 + b"y B-\x07\n", "line 4", "holds U+0007"),
])
def test_a_bad_line_is_named(tmp_path, content, where, message):
    path = tmp_path / "bad.conll"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read(path)
    assert str(caught.value).startswith(f"{path}:{where}: ")
    assert message in str(caught.value)


def test_a_line_too_long_is_refused_before_it_is_read_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(conll, "_BLOCK", 4096)
    path = tmp_path / "long.conll"
    path.write_bytes(b"a O\n" * 100 + b"b" * (conll.LONGEST_LINE + 5000) + b" O\n")
    with pytest.raises(InputError, match=r"long.conll:line 101: line longer than the limit"):
        read(path)


def test_lines_across_blocks_keep_their_numbers(tmp_path, monkeypatch):
    monkeypatch.setattr(conll, "_BLOCK", 7)
    path = tmp_path / "blocks.conll"
    path.write_bytes("Zoë B-PER\nKé I-PER\n\nsaid O\nx B-\n".encode())
    with pytest.raises(InputError, match=r"blocks.conll:line 5: 'B-' is not a tag"):
        read(path)
    path.write_bytes("Zoë B-PER\nKé I-PER\n\nsaid O\n\xff O\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"blocks.conll:line 1: not UTF-8 \(byte 2 of the line"):
        read(path)
    path.write_bytes("Zoë B-PER\nKé I-PER\n\nsaid O\nno_newline B-X".encode())
    [record] = read(path)
    assert spans_as_tokens(record) == [("PER", "Zoë Ké"), ("X", "no_newline")]


def test_a_chosen_scheme_names_the_line(tmp_path):
    path = tmp_path / "iob1.conll"
    path.write_text("-DOCSTART- O\n\na O\nb I-X\n", encoding="utf-8")
    assert len(read(path)) == 1
    with pytest.raises(InputError, match=r"iob1.conll:line 4: I-X does not continue"):
        read(path, scheme="iob2")


def test_crlf_bom_and_blank_documents(tmp_path):
    path = tmp_path / "crlf.conll"
    path.write_bytes(b"\xef\xbb\xbf-DOCSTART- -X- O O\r\n\r\n-DOCSTART- -X- O O\r\n\r\n"
                     b"A B-X\r\nb I-X\r\n \r\nc O\r\n")
    [record] = read(path)
    assert record.document.text == "A b\nc"
    assert spans_as_tokens(record) == [("X", "A b")]


@pytest.mark.parametrize("content", [
    "Hello world, this is prose.\nIt has two lines.\n",
    "one O\n",  # a single token line: not enough to tell
    "a O\nb O\nc d e f g h i j k l m n o p q r s t u v w x y z O\n",  # too many columns
])
def test_prose_is_not_taken_for_conll(tmp_path, content):
    path = tmp_path / "prose.txt"
    path.write_text(content, encoding="utf-8")
    assert formats.detect(path) is None


def test_unreadable_file_in_a_folder_is_not_conll(tmp_path):
    assert not formats.holds_annotations(tmp_path / "missing.user1")
    assert formats.holds_annotations(FIXTURES / "names.bio.user3")


def test_an_unknown_label_without_add_labels_is_refused_together(tmp_path):
    path = FIXTURES / "iob1-4columns.conll"
    with pytest.raises(InputError, match=r"labels not in the schema: MISC \(first at line 5\)"):
        list(conll.read(path, default_schema(), ImportOptions()))
