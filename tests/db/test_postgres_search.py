"""The corpus search on a PostgreSQL store ($COUNTERCLAIM_TEST_DB): the same query language
and the same results as SQLite's index (tests/db/test_search.py), accents and case aside."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

import pytest
from server_store import emptied, server_url
from sqlalchemy import text
from test_search import CASES, DEEP, SMALL_PARTS, TEXTS, half_indexed

from annotate.model import AnnotatedDocument, Document
from db import search
from db.dialects import index_parts
from db.store import Store

pytestmark = pytest.mark.skipif(server_url() is None, reason="needs $COUNTERCLAIM_TEST_DB")

MORE = {
    "folded": "Sévaré, Ségou et Tombouctou: Œuvre d'Ibrahim Maïga",
    "quotes": "rock'n'roll \\ back\\slash",
}


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[Store, dict[str, str]]]:
    """One store of TEXTS and MORE for every case (emptying the database takes a while)."""
    with closing(Store.open(emptied(server_url() or ""))) as store:
        documents = {name: Document(body, name.title()) for name, body in
                     (TEXTS | MORE).items()}
        store.import_documents(AnnotatedDocument(doc) for doc in documents.values())
        yield store, {name: doc.uid for name, doc in documents.items()}


def found(server: tuple[Store, dict[str, str]], query: str) -> set[str]:
    store, corpus = server
    uids = {row.uid for row in store.list_documents(search_text=query)}
    assert store.count_documents(search_text=query) == len(uids)
    return {name for name, uid in corpus.items() if uid in uids}


@pytest.mark.parametrize(("query", "names"), CASES)
def test_each_form_finds_what_sqlite_finds(server, query: str, names: set[str]) -> None:
    assert found(server, query) == names


@pytest.mark.parametrize(("query", "names"), [
    ("sevare", {"folded"}),
    ("SEVARÉ segou", {"folded"}),
    ("sév*", {"folded"}),
    ('"ibrahim maiga"', {"folded"}),
    ('"ibrahim maï"*', {"folded"}),
    ("tombouctou -sevare", set()),
    ("ROCK", {"quotes"}),
    ('"rock n roll"', {"quotes"}),
    ("slash*", {"quotes"}),
])
def test_accents_and_case_are_folded_on_both_sides(server, query: str, names: set[str]) -> None:
    assert found(server, query) == names


@pytest.fixture(scope="module")
def parted(server: tuple[Store, dict[str, str]]) -> Iterator[tuple[Store, dict[str, str]]]:
    """TEXTS again, in the same store (emptying the database would take ``server``'s from
    under it), indexed in SMALL_PARTS (each text in four or five): the store's searches then
    match whole documents, the tests above (run before) each document's single row."""
    store, _ = server
    with pytest.MonkeyPatch.context() as patched:
        for name, value in SMALL_PARTS.items():
            patched.setattr(index_parts, name, value)
        documents = {name: Document(body, name.title(), uid=f"parted-{name}")  # not server's
                     for name, body in TEXTS.items()}
        store.import_documents(AnnotatedDocument(doc) for doc in documents.values())
        assert not store.index_for_search(len(TEXTS))
    with store.engine.connect() as conn:
        assert search.is_parted(conn)
    yield store, {name: doc.uid for name, doc in documents.items()}


@pytest.mark.parametrize(("query", "names"), CASES)
def test_each_form_finds_whole_documents_over_parts(parted, query: str, names: set[str]) -> None:
    """A document matches as a whole, not one part at a time (the old code's limitation:
    "ambush kidal" found no document whose two words were in different parts)."""
    assert found(parted, query) == names


@pytest.mark.parametrize(("query", "names"), [*CASES[:1], DEEP])
def test_a_search_as_deep_as_the_box_takes(server, parted, query: str, names: set[str]) -> None:
    """The same on both sides: each document's single row, and its parts."""
    assert found(server, query) == names and found(parted, query) == names


SCANNED = "options=-c%20enable_indexscan%3Doff%20-c%20enable_bitmapscan%3Doff"
"""A connection's options that make the server read a table in its own order (a planner
that finds a scan of the whole table cheaper does so on its own)."""


def test_a_document_left_half_indexed_is_finished_before_the_next_long_one(server, parted):
    """A window closed while it indexed a long document leaves its count of parts
    (``fts_indexed_parts``); the next refresh takes it up for that document, the first
    after the last indexed one. The long documents were read in the server's order, not
    by id: a row rewritten since (its tuple moved on) came after the next, which lost its
    first part (and its title) to the count."""
    store, _ = server
    with pytest.MonkeyPatch.context() as patched:
        for name, value in SMALL_PARTS.items():
            patched.setattr(index_parts, name, value)
        first, second = (Document(f"{name}head some words to fill several parts {name}tail",
                                  name.title(), uid=f"order-{name}") for name in ("one", "two"))
        store.import_documents([AnnotatedDocument(first), AnnotatedDocument(second)])
        assert store.index_for_search(10, characters=index_parts.PART)  # one part of one
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE documents SET title = title WHERE uid = :u"),
                         {"u": first.uid})
        url = server_url() or ""
        with closing(Store.open(url + ("&" if "?" in url else "?") + SCANNED)) as scanned:
            assert scanned.count_documents(search_text="onehead") == 1  # indexed, the rest
        for word in ("onehead", "onetail", "twohead", "twotail", "two"):
            assert [row.uid for row in store.list_documents(search_text=word)] == [
                first.uid if word.startswith("one") else second.uid]


def test_a_long_document_half_indexed_matches_nothing_yet(server, parted) -> None:
    """As on SQLite (tests/db/test_search.py)."""
    store, _ = server
    uid = half_indexed(store)
    assert store.list_documents(search_text="alpha -omega", index=False) == []
    assert store.count_documents(search_text="alpha", index=False) == 0
    assert [row.uid for row in store.list_documents(search_text="alpha omega")] == [uid]
