"""The corpus search on a SQLite store: each form of the query language through FTS5, and the
same logic without the index (a PostgreSQL store's tsquery: tests/db/test_postgres.py)."""

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import event, text

from annotate.commands import CreateSpan, SetStatus
from annotate.model import AnnotatedDocument, Document, Span
from annotate.query import QueryError, parse
from db import search
from db.dialects import index_parts
from db.dialects.sqlite import fts_query
from db.store import Store

TEXTS = {
    "ambush": "Armed forces reported an ambush near Kidal.",
    "raid": "The raid on Gao was denied by the spokesman.",
    "both": "An ambush and a raid: the armed men fled Kidal.",
    "accents": "L'élan des forces armées à Tinzaouaten.",
    "split": "The forces were armed; the state-owned depot burned.",
}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A store file (FTS5), whatever server the other store tests run on."""
    store = Store.open(tmp_path / "store.sqlite")
    yield store
    store.close()


@pytest.fixture
def corpus(store: Store) -> dict[str, str]:
    """The uid of each of TEXTS, imported into ``store``."""
    documents = {name: Document(body, name.title()) for name, body in TEXTS.items()}
    store.import_documents(AnnotatedDocument(doc) for doc in documents.values())
    return {name: doc.uid for name, doc in documents.items()}


def found(store: Store, corpus: dict[str, str], query: str) -> set[str]:
    uids = {row.uid for row in store.list_documents(search_text=query)}
    assert store.count_documents(search_text=query) == len(uids)
    return {name for name, uid in corpus.items() if uid in uids}


CASES = [
    ("ambush", {"ambush", "both"}),
    ("ambush kidal", {"ambush", "both"}),
    ("ambush raid", {"both"}),
    ("ambush AND raid", {"both"}),
    ("ambush OR raid", {"ambush", "raid", "both"}),
    ("gao OR ambush kidal", {"raid", "ambush", "both"}),  # (ambush kidal) OR gao
    ('"armed forces"', {"ambush"}),
    ('"forces armed"', set()),
    ("arm*", {"ambush", "both", "accents", "split"}),
    ("arm", set()),  # a word is a whole word unless it ends in *
    ('"armed for"*', {"ambush"}),
    ("ambush -raid", {"ambush"}),
    ("ambush NOT raid", {"ambush"}),
    ('forces -"were armed"', {"ambush", "accents"}),
    ("(kidal OR gao) -(raid OR ambush)", set()),
    ("(kidal OR gao) -ambush", {"raid"}),
    ("elan", {"accents"}),  # diacritics ignored
    ("ÉLAN armées", {"accents"}),
    ("state-owned", {"split"}),
    ("Raid", {"raid", "both"}),  # the title too
]
"""Each form of the query language, and the TEXTS it finds (the same on PostgreSQL:
tests/db/test_postgres_search.py)."""


@pytest.mark.parametrize(("query", "names"), CASES)
def test_each_form_through_fts5(store, corpus, query, names):
    assert found(store, corpus, query) == names


SMALL_PARTS = {"PART": 12, "OVERLAP": 14}
"""Parts that cut each of TEXTS into four or five (every word shorter than a part, every
phrase of CASES than the overlap): a term of "ambush kidal" and "(kidal OR gao) -ambush"
sits in another part than the other."""


@pytest.fixture
def parted(store: Store, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """TEXTS imported into ``store`` and indexed in SMALL_PARTS."""
    for name, value in SMALL_PARTS.items():
        monkeypatch.setattr(index_parts, name, value)
    documents = {name: Document(body, name.title()) for name, body in TEXTS.items()}
    store.import_documents(AnnotatedDocument(doc) for doc in documents.values())
    assert not store.index_for_search(len(TEXTS))
    with store.engine.connect() as conn:
        assert search.is_parted(conn)
    return {name: doc.uid for name, doc in documents.items()}


@pytest.mark.parametrize(("query", "names"), CASES)
def test_each_form_finds_whole_documents_over_parts(store, parted, query, names):
    assert found(store, parted, query) == names


def deep(levels: int) -> str:
    """A search of groups in groups ``levels`` deep, alternately an AND with a NOT in it and
    an OR: over TEXTS it finds "ambush" alone (the others with forces lack ambush, raid, gao)."""
    query = "ambush"
    for level in range(levels):
        query = (f"forces* ({query} OR gao)" if level % 2 == 0
                 else f"(raid OR -spokesman {query})")
    return query


DEEP = (deep(15), {"ambush"})
"""As deep as the search box takes (:data:`annotate.query.MAX_DEPTH`)."""


def test_a_search_as_deep_as_the_box_takes_over_parts(store, parted):
    """Each group of a search over parts was a subquery in its operand's: SQLite's parser
    overflowed its stack from 12 levels on (a StoreError saying the store could not be
    read), where the one full-text query of a store without long documents went through."""
    with pytest.raises(QueryError):
        parse(deep(17))
    assert found(store, parted, DEEP[0]) == DEEP[1]


@pytest.mark.parametrize(("query", "names"), [
    ("ambush", {"ambush", "both", "short"}),
    ("gao ambush", {"short"}),
    ('"gao ambush"', {"short"}),
    ("gao -raid", {"short"}),
    ("gao OR kidal", {"raid", "short", "ambush", "both"}),
    ("short OR fled", {"short", "both"}),  # a title, a word of a long one's last part
])
def test_a_short_document_among_long_ones(store, parted, query, names):
    """A document of one part, its row read by the one full-text query, the long ones'
    parts as wholes: both in one list, each once."""
    short = Document("Gao ambush", "Short")
    store.import_documents([AnnotatedDocument(short)])
    assert not store.index_for_search(1)
    assert found(store, parted | {"short": short.uid}, query) == names


def test_parts_end_at_whole_words_and_cover_the_text():
    """A word cut at a part's either end is left to the part next to it (its piece would
    match as a word), where it is whole; every word is in some part."""
    text = TEXTS["both"] + " " + TEXTS["split"]
    with pytest.MonkeyPatch.context() as patched:
        for name, value in SMALL_PARTS.items():
            patched.setattr(index_parts, name, value)
        parts = [index_parts.part_text(text, n)
                 for n in range(index_parts.part_count(len(text)))]
    words = set(text.split())
    assert {word for part in parts for word in part.split()} == words
    assert parts[1].split()[0] in words and parts[0].split()[-1] in words


def test_a_text_without_white_space_at_a_parts_end_is_cut_between_words(store, tmp_path):
    """Numbers written with commas across the end of a part (1,600 characters without white
    space): the part ends, and the next begins, between two of them, each whole in one
    part. The old code cut them where the part ended ("16" of "161", "2" of "162": a
    search for 2 found the document, the view no such word in it)."""
    numbers = ",".join(str(100 + n % 900) for n in range(400))
    body = "word " * ((index_parts.PART - 50) // 5) + numbers + " end"
    assert " " not in body[index_parts.PART - 40:index_parts.PART + index_parts.OVERLAP + 40]
    store.import_documents([AnnotatedDocument(Document(body, "Numbers"))])
    while store.index_for_search(10, characters=index_parts.PART):
        pass
    with closing(sqlite3.connect(tmp_path / "store.sqlite")) as vocab:
        vocab.execute("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, documents_fts, row)")
        terms = {term for (term,) in vocab.execute("SELECT term FROM temp.terms")}
    assert terms == {"numbers", "word", "end", *numbers.split(",")}
    assert store.count_documents(search_text="2") == 0


def half_indexed(store: Store) -> str:
    """The uid of a long document ("alpha" in its first part, "omega" in its last) that
    ``store``'s index holds one part of, as a window's job leaves it between two pauses
    (or closed): the rest waits."""
    words = " ".join(f"w{n % 1_000:03d}" for n in range(3 * index_parts.PART // 5))
    long = Document(f"alpha {words} omega", "Long")
    store.import_documents([AnnotatedDocument(long)])
    assert store.index_for_search(10, characters=index_parts.PART)
    with store.engine.connect() as conn:
        assert search.is_parted(conn)
    assert store.search_index_behind()
    return long.uid


def test_a_long_document_half_indexed_matches_nothing_yet(store):
    """It was matched by the parts it had: "alpha -omega" listed it, omega being in a part
    still to come."""
    uid = half_indexed(store)
    for query in ("alpha -omega", "alpha", "w001 OR nothing"):
        assert store.list_documents(search_text=query, index=False) == []
        assert store.count_documents(search_text=query, index=False) == 0
    assert [row.uid for row in store.list_documents(search_text="alpha omega")] == [uid]
    assert store.list_documents(search_text="alpha -omega") == []


def test_no_transaction_of_the_index_writes_much_more_than_its_characters(store, tmp_path):
    """A long document is indexed a part or two per transaction (the window's job asks for
    200,000 characters at a time), not in one: the tokens each transaction adds to the index
    (counted with fts5vocab) stay within that bound. The old code wrote it in one."""
    words = [f"w{n % 10_000:04d}" for n in range(250_000)]  # 5 characters a word with its space
    long_text = " ".join(["alpha", *words, "omega"])  # its first and last words a part apart
    store.import_documents([AnnotatedDocument(Document(long_text, "Long")),
                            AnnotatedDocument(Document("a short one", "Short"))])
    vocab = sqlite3.connect(tmp_path / "store.sqlite")
    vocab.execute("CREATE VIRTUAL TABLE temp.tokens USING fts5vocab(main, documents_fts, row)")

    def tokens() -> int:
        return vocab.execute("SELECT coalesce(sum(cnt), 0) FROM temp.tokens").fetchone()[0]
    added, before = [], 0
    while True:
        more = store.index_for_search(2_000, characters=200_000)
        now = tokens()
        added.append(now - before)
        before = now
        if not more:
            break
    vocab.close()
    assert max(added) <= (200_000 + 2 * index_parts.OVERLAP) // 5 + 2  # the title's word
    assert sum(added) >= len(words) + 5  # every word, the other's three, the titles'
    assert [row.title for row in store.list_documents(search_text="alpha omega")] == ["Long"]
    assert [row.title for row in store.list_documents(search_text="w0042 -omega")] == []


def test_a_long_document_is_parted_by_its_text_not_its_length_column(store, tmp_path):
    """A store file may come from anyone: a length column saying 1,000 parts of a text of
    one made the command line's search write 1,000 rows (one saying 2**60 characters,
    hung it, then ran it out of memory); the parts are those of the text read."""
    store.import_documents([AnnotatedDocument(Document("alpha beta", "Liar"))])
    with closing(sqlite3.connect(tmp_path / "store.sqlite")) as raw:
        raw.execute("UPDATE documents SET length = ?", (index_parts.PART * 1_000,))
        raw.commit()
    assert [row.title for row in store.list_documents(search_text="alpha")] == ["Liar"]
    with closing(sqlite3.connect(tmp_path / "store.sqlite")) as raw:
        assert raw.execute("SELECT count(*) FROM documents_fts").fetchone()[0] == 1


@pytest.mark.parametrize(("query", "names"), [
    ("ambush OR raid", {"ambush", "raid", "both"}),
    ("ambush -raid", {"ambush"}),
    ('"armed forces"', {"ambush"}),
    ("(kidal OR gao) -ambush", {"raid"}),
])
def test_the_same_logic_without_the_index(store, corpus, query, names):
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE documents_fts"))
    assert found(store, corpus, query) == names


@pytest.mark.parametrize("query", ['"quoted" OR', "-raid", "(kidal", "*"])
def test_a_bad_search_is_a_plain_error_not_an_fts_one(store, corpus, query):
    with pytest.raises(QueryError):
        store.list_documents(search_text=query)
    with pytest.raises(QueryError):
        store.count_documents(search_text=query)


def test_fts_syntax_in_words_is_only_words(store, corpus):
    # FTS5's own operators and column filters typed by the user are plain words
    assert found(store, corpus, "title:raid") == set()
    assert found(store, corpus, "NEAR raid") == set()
    assert found(store, corpus, "NEAR(raid gao)") == set()
    assert found(store, corpus, "raid^") == {"raid", "both"}


def test_fts_query_quotes_every_term_and_groups_explicitly():
    assert fts_query(parse('a "b c"* OR d')) == '(("a" AND "b c"*) OR "d")'
    assert fts_query(parse("a b -c -(d OR e)")) == '("a" AND "b") NOT "c" NOT ("d" OR "e")'
    assert fts_query(parse('x OR "y z"*')) == '("x" OR "y z"*)'


def test_the_count_and_first_page_agree_with_the_list_for_every_filter(store, corpus):
    """The count takes three ways (no search; a search alone, counted in the index; a search
    with other filters, joined by id): each agrees with the rows listed."""
    store.apply(SetStatus(corpus["both"], "amina", "done"), "amina")
    store.apply(CreateSpan(Span(corpus["ambush"], 0, 5, "ORG", "amina")), "amina")
    store.index_for_search(len(TEXTS))  # the page covers what is indexed (the window's job)
    for search_text, status, label, names in [
        (None, None, None, set(TEXTS)),
        (None, "done", None, {"both"}),
        ("ambush", None, None, {"ambush", "both"}),
        ("ambush", "done", None, {"both"}),
        ("ambush OR raid", "todo", None, {"ambush", "raid"}),
        ("kidal", None, "ORG", {"ambush"}),
        ("kidal", None, "NO_SUCH_LABEL", set()),
    ]:
        total, rows = store.document_page("amina", search_text, status, label, 2)
        every = store.list_documents("amina", search_text, status, label)
        assert {name for name, uid in corpus.items() if uid in {r.uid for r in every}} == names
        assert total == len(every) == store.count_documents("amina", search_text, status, label)
        assert rows == every[:2]


def test_a_page_of_the_list_is_two_statements_on_the_driver_compiled_once(store, corpus,
                                                                          monkeypatch):
    """The window's list on a new search: whether the index has parts (a settings row), its
    count and first page, run on the driver (no statement built or run by SQLAlchemy, whose
    work costs several times SQLite's running a small one), the statements compiled once
    for every search of the same form."""
    store.index_for_search(len(TEXTS))
    store.ensure_annotator("amina")  # as the window does
    store.document_page("amina", "ambush", "todo", None, 2)  # names read, statements compiled
    through_sqlalchemy: list[str] = []
    event.listen(store.engine, "before_cursor_execute",
                 lambda _conn, _cursor, sql, *_: through_sqlalchemy.append(sql))
    on_driver: list[str] = []
    real_execute = getattr(search, "execute", None)
    monkeypatch.setattr(search, "execute", lambda conn, sql, params: on_driver.append(sql)
                        or real_execute(conn, sql, params), raising=False)
    compiled: list[object] = []
    real_compiled = getattr(search, "_compiled", None)
    monkeypatch.setattr(search, "_compiled", lambda *args: compiled.append(args)
                        or real_compiled(*args), raising=False)
    pages = {words: store.document_page("amina", words, "todo", None, 2)
             for words in ("raid", "kidal", "armed")}
    assert through_sqlalchemy == []
    assert len(on_driver) == 3 * len(pages)
    assert on_driver[0] == "SELECT 1 FROM settings WHERE key = ?"
    assert compiled == []  # the form of the first search's: compiled then
    assert {words: total for words, (total, _) in pages.items()} == {
        "raid": 2, "kidal": 2, "armed": 3}
    assert [row.title for row in pages["raid"][1]] == ["Raid", "Both"]


def test_a_chunk_of_the_index_stops_once_its_texts_reach_the_characters_given(store):
    """The window's job indexes in transactions of a bounded size: documents are added until
    their texts reach the characters given (one at least, however long)."""
    lengths = (300, 300, 2_000, 10, 10)
    store.import_documents(AnnotatedDocument(Document(f"{i}w" + "w" * (n - 2), f"D{i}"))
                           for i, n in enumerate(lengths))
    indexed: list[int] = []

    def count() -> int:
        return sum(1 for n in range(len(lengths))
                   if store.list_documents(search_text=f"{n}w*", index=False))
    while store.index_for_search(100, characters=500):
        indexed.append(count())
    indexed.append(count())
    assert indexed == [2, 3, 5]  # 300 + 300; the long one alone; the two short ones
