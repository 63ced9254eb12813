"""The corpus search language: every form it reads, every way it refuses, and the hits."""

import pytest

from annotate.query import (
    MAX_DEPTH,
    MAX_LENGTH,
    And,
    Not,
    Or,
    QueryError,
    Term,
    describe,
    fold,
    hits,
    parse,
    wanted_terms,
)


def w(*words: str, prefix: bool = False) -> Term:
    return Term(words, prefix)


@pytest.mark.parametrize(("query", "tree"), [
    ("ambush", w("ambush")),
    ("  ambush  Kidal ", And((w("ambush"), w("Kidal")))),
    ("ambush AND Kidal", And((w("ambush"), w("Kidal")))),
    ("ambush OR raid", Or((w("ambush"), w("raid")))),
    ("a b OR c", Or((And((w("a"), w("b"))), w("c")))),
    ("a OR b OR c", Or((w("a"), w("b"), w("c")))),
    ("a OR (b OR c)", Or((w("a"), w("b"), w("c")))),
    ('"armed forces"', w("armed", "forces")),
    ('"armed for"*', w("armed", "for", prefix=True)),
    ("ambus*", w("ambus", prefix=True)),
    ("ambus**", w("ambus", prefix=True)),
    ("state-owned", w("state", "owned")),
    ("U.N.", w("U", "N")),
    ("a -b", And((w("a"), Not(w("b"))))),
    ("a NOT b", And((w("a"), Not(w("b"))))),
    ('a -"b c"', And((w("a"), Not(w("b", "c"))))),
    ("a -(b OR c)", And((w("a"), Not(Or((w("b"), w("c"))))))),
    ("a --b", And((w("a"), w("b")))),
    ("(Kidal OR Gao) raid", And((Or((w("Kidal"), w("Gao"))), w("raid")))),
    ("a (b c)", And((w("a"), w("b"), w("c")))),
    ("a - b", And((w("a"), w("b")))),  # a lone - is punctuation
    ("or and not", And((w("or"), w("and"), w("not")))),  # lower case: words
    ('"a OR b"', w("a", "OR", "b")),
    ("Kidal —", w("Kidal")),
    ('ab"cd"', And((w("ab"), w("cd")))),
    ('"" x', w("x")),
])
def test_parse(query, tree):
    assert parse(query) == tree


@pytest.mark.parametrize(("query", "message"), [
    ('"armed forces', 'the quote at character 1 is not closed: add a "'),
    ("(a OR b", "the ( at character 1 is not closed: add a )"),
    ("a)", "the ) at character 2 closes nothing"),
    ("a OR", "OR needs something to search for on both sides (at character 3)"),
    ("OR a", "OR needs something to search for on both sides (at character 1)"),
    ("a OR OR b", "OR needs something to search for on both sides (at character 3)"),
    ("a OR —", "OR needs something to search for on both sides (at character 3)"),
    ("a ()", "nothing to search for in the ( ) at character 3"),
    ("a NOT", "NOT needs a word after it (at character 3)"),
    ("a NOT OR b", "NOT needs a word after it (at character 3)"),
    ("a -(", "the ( at character 4 is not closed: add a )"),
    ("*", "a * must follow a word (at character 1)"),
    ('x ""*', "a * must follow a word (at character 3)"),
    ("", "nothing to search for: type a word (letters or digits)"),
    ("— ...", "nothing to search for: type a word (letters or digits)"),
    ("-a", "-a only excludes: add a word to look for beside it"),
    ("-a -b", "-a -b only excludes: add a word to look for beside it"),
    ("a OR -b", "-b only excludes: add a word to look for beside it"),
    ("(a OR -b) c", "-b only excludes: add a word to look for beside it"),
    ("c -(a OR -b)", "-b only excludes: add a word to look for beside it"),
    ("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1),
     f"the search nests deeper than {MAX_DEPTH} levels"),
    ("-" * 40 + "a b", f"the search nests deeper than {MAX_DEPTH} levels"),
    ("a" * (MAX_LENGTH + 1), f"the search is longer than {MAX_LENGTH:,} characters"),
])
def test_refused_with_a_plain_message(query, message):
    with pytest.raises(QueryError) as caught:
        parse(query)
    assert str(caught.value) == message


def test_deep_nesting_within_the_limit_is_read():
    query = "(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH
    assert parse(query) == w("a")


@pytest.mark.parametrize("query", [
    "ambush", "a b OR c", '"armed forces" ambus*', "(Kidal OR Gao) raid -denied",
    'a -(b OR "c d"*)', "x -(a -b)"])
def test_describe_reads_back_as_the_same_tree(query):
    tree = parse(query)
    assert parse(describe(tree)) == tree


def test_fold_ignores_case_and_diacritics():
    assert fold("Élan") == "elan"
    assert fold("ÇAĞRI") == "cagri"
    assert fold("Kidal") == "kidal"


def test_wanted_terms_leave_out_the_excluded():
    assert wanted_terms(parse('a -b (c OR "d e")')) == [w("a"), w("c"), w("d", "e")]


TEXT = "The Armed, forces of Kidal and kids. Élan: gao elan — armed men."


def spans_of(query: str, text: str = TEXT) -> list[str]:
    return [text[start:end] for start, end in hits(parse(query), text)]


def test_hits_of_words_phrases_and_prefixes():
    assert spans_of("kidal") == ["Kidal"]
    assert spans_of("kid*") == ["Kidal", "kids"]
    assert spans_of('"armed forces"') == ["Armed, forces"]
    assert spans_of('"armed for"*') == ["Armed, forces"]
    assert spans_of("elan") == ["Élan", "elan"]
    assert spans_of("élan") == ["Élan", "elan"]
    assert spans_of("armed OR gao") == ["Armed", "gao", "armed"]


def test_hits_leave_out_excluded_words_and_merge_overlaps():
    assert spans_of("kidal -gao") == ["Kidal"]
    assert spans_of('armed "armed forces"') == ["Armed, forces", "armed"]
    assert spans_of("nowhere") == []


def test_hits_do_not_run_past_a_words_end_or_into_a_longer_word():
    text = "Kidalo Kidal kidal_x"
    assert spans_of("kidal", text) == ["Kidal", "kidal"]
    assert hits(parse('"kidal kidal"'), text) == [(7, 18)]
