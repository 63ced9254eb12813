"""WebAnno TSV 3 import: INCEpTION's and WebAnno's own files from ../shared, our fixture in
tests/fixtures (stacked, multi-token and sub-token spans, relations, slots, chains, escapes,
UTF-16 offsets past an emoji), and malformed files refused naming line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate import formats
from annotate.errors import InputError
from annotate.formats import webannotsv
from annotate.formats.base import ImportOptions
from annotate.formats.uima import SKIP_SELF
from annotate.model import AnnotatedDocument
from annotate.schema import LabelSchema
from desktop.cli import main

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "webanno" / \
    "stacked-relations-emoji.tsv"
WEBANNO = next((up / "shared" / "interop-corpus" / "webanno"
                for up in Path(__file__).resolve().parents
                if (up / "shared" / "interop-corpus").is_dir()), Path("no-interop-corpus"))
shared = pytest.mark.skipif(not WEBANNO.is_dir(), reason="the shared interop corpus is not here")


def read(path: Path, **options) -> tuple[AnnotatedDocument, ImportOptions]:
    opts = ImportOptions(add_labels=True, **options)
    (record,) = webannotsv.read(path, LabelSchema((), ()), opts)
    return record, opts


def spans_of(record: AnnotatedDocument) -> list[tuple]:
    text = record.document.text
    return sorted((s.start, s.end, s.label, text[s.start:s.end], tuple(s.attributes.items()))
                  for s in record.spans)


@shared
def test_inceptions_stacked_multi_token_spans():
    path = WEBANNO / "testMultiTokenStackedSpanWithFeatureValue-reference.tsv"
    assert formats.detect(path) == "webanno-tsv"
    record, opts = read(path)
    assert record.document.text == "This is a test ."
    assert spans_of(record) == [(0, 16, "LOCATION", "This is a test .", ()),
                                (0, 16, "PERSON", "This is a test .", ())]
    assert not opts.not_imported


@shared
def test_webannos_pos_lemma_and_dependencies():
    record, opts = read(WEBANNO / "webanno-relationLabelTest-user1.tsv",
                        label_map={"$,": "PUNCT_COMMA", "$.": "PUNCT_STOP"})
    text = record.document.text
    assert text.startswith("Heutzutage beklagen sich viele darüber , dass")
    labels = [s.label for s in record.spans]
    assert labels.count("Lemma") == 26 and len(record.spans) == 52
    lemma = next(s for s in record.spans if s.label == "Lemma" and text[s.start:s.end] == "sich")
    assert lemma.attributes == {"value": "er|es|sie"}  # escaped pipes read back
    pos = next(s for s in record.spans if text[s.start:s.end] == "Heutzutage" and
               s.label != "Lemma")
    assert (pos.label, pos.attributes) == ("ADV", {"coarseValue": "ADV"})
    by_id = {s.id: (s.label, text[s.start:s.end]) for s in record.spans}
    relations = {(r.type, by_id[r.source], by_id[r.target]) for r in record.relations}
    assert ("ADV", ("VVFIN", "beklagen"), ("ADV", "Heutzutage")) in relations
    assert len(record.relations) == 21
    assert dict(opts.not_imported) == {
        SKIP_SELF: 5,  # S and ROOT from a token to itself
        webannotsv.SKIP_RELATION_FEATURES: 21,  # flavor=basic
    }


def test_our_fixture_reads_every_kind_of_annotation_and_counts_the_rest():
    assert formats.detect(FIXTURE) == "webanno-tsv"
    record, opts = read(FIXTURE)
    assert record.document.text == "Émile 😀 met Zoë.\nAsk\tZoë \\ now"
    # Zoë is at UTF-16 units 13-16 in the file, code points 12-15
    assert spans_of(record) == [
        (0, 7, "PER", "Émile 😀", (("certainty", "high"),)),  # over two tokens
        (12, 15, "ORG", "Zoë", (("certainty", "low|ish"),)),  # stacked, escaped pipe
        (12, 15, "PER", "Zoë", ()),
        (18, 20, "PART", "sk", ()),  # a sub-token
    ]
    (rel,) = record.relations
    by_id = {s.id: (s.label, s.start) for s in record.spans}
    assert (rel.type, by_id[rel.source], by_id[rel.target]) == ("knows", ("PER", 0),
                                                                 ("PER", 12))
    assert dict(opts.not_imported) == {webannotsv.SKIP_CHAINS: 2, webannotsv.SKIP_SLOTS: 2}


def test_the_same_file_gives_the_same_ids():
    assert read(FIXTURE)[0] == read(FIXTURE)[0]


def test_a_dry_run_shows_what_was_not_imported(tmp_path, capsys):
    assert main(["import", "--db", str(tmp_path / "s.sqlite"), "--add-labels", "--dry-run",
                 str(FIXTURE)]) == 0
    out = capsys.readouterr().out
    assert ("not imported: 2 chain (coreference) links (no place for chains); 2 slot feature "
            "links") in out


# -- malformed files ---------------------------------------------------------------------------
HEADER = "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|value\n\n\n"


@pytest.mark.parametrize(("body", "where", "words"), [
    ("#Text=ab\n1-1\t0-2\tab\n", "line 6", "expected 4 tab-separated fields"),
    # values past the declared columns were dropped unsaid (a trailing empty one is usual)
    ("#Text=ab\n1-1\t0-2\tab\tA\tB\t\n", "line 6", "expected 4 tab-separated fields "
     "(the header declares 1 columns), found 6 with 'B' beyond them"),
    ("#Text=ab\nx\t0-2\tab\tA\n", "line 6", "expected a token id"),
    ("#Text=ab\n1-1\t2-0\tab\tA\n", "line 6", "run backwards"),
    ("#Text=abc\n1-1\t0-3\tabc\tA\n\n#Text=d\n2-1\t1-2\td\t_\n", "line 9",
     "inside the text before it"),
    ("#Text=😀x\n1-1\t0-2\t😀\tA\n1-2\t1-3\t?\tB\n", "line 7, column 4", "split a character"),
    ("#Text=ab\n1-1\t0-2\tab\tA\n1-2\t5-9\tzz\tB\n", "line 7, column 4",
     "do not lie in the text"),
])
def test_a_malformed_file_is_refused_naming_line_and_column(tmp_path, body, where, words):
    path = tmp_path / "bad.tsv"
    path.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read(path)
    assert str(caught.value).startswith(f"{path}:{where}"), caught.value
    assert words in str(caught.value)


def test_a_file_that_is_not_webanno_tsv_is_refused(tmp_path):
    path = tmp_path / "other.tsv"
    path.write_text("id\tlabel\n1\tA\n", encoding="utf-8")
    assert formats.detect(path) is None
    with pytest.raises(InputError, match=r"other\.tsv:line 1: not WebAnno TSV 3"):
        read(path)


def test_a_relation_with_malformed_ids_is_refused(tmp_path):
    path = tmp_path / "rel.tsv"
    path.write_text("#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|value\n"
                    "#T_RL=webanno.custom.Rel|value|BT_webanno.custom.Span\n\n\n#Text=a b\n"
                    "1-1\t0-1\ta\tA\t_\t_\n1-2\t2-3\tb\tB\tr\t1-1[x_y]\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"rel\.tsv:line 8, column 6: expected \[source_target\]"):
        read(path)
