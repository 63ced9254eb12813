"""A long text in the search index: its parts, and a search that matches whole documents.

Both engines index a text of more than ``PART`` characters as several rows, one per part:
PostgreSQL because a tsvector holds at most 1 MB, SQLite so that no transaction of the index
writes more than a bounded number of characters (a 50 MB document as one row held the
store's write lock 1-2 s). A search then works at the level of the document: a term, or an
OR of terms, matches a document when it matches one of its parts; an AND takes the
documents each of its wanted terms matches, less those of each NOT (:func:`documents`; on
SQLite for the long documents alone, a short one being one row).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotate.query import Query

PART = 100_000
"""Characters of a text per row of the search index, each part reading ``OVERLAP``
characters on, so that a word or phrase across a boundary is whole in one part."""
OVERLAP = 200
_RUN = re.compile(r"\S*")
"""A word's characters (whatever the engine's tokenizer makes of them: cut at white space)."""


def part_count(length: int) -> int:
    """How many parts a text of ``length`` characters is indexed as (one, at least)."""
    return max(1, -(-length // PART))


def part_text(text: str, n: int) -> str:
    """Part ``n`` of ``text``: from ``n * PART``, ``PART + OVERLAP`` characters, less a word
    cut at either end (when shorter than the overlap, it is whole in the neighbouring
    part, and its cut piece would match as a word of its own: :func:`_cut`)."""
    start, end = n * PART, (n + 1) * PART + OVERLAP
    piece = text[start:end]
    head = 0 if start == 0 else _cut(piece[:OVERLAP + 1], text[start - 1])
    tail = 0 if end >= len(text) else _cut(piece[-OVERLAP - 1:][::-1], text[end])
    return piece[head:len(piece) - tail]


def _cut(edge: str, outside: str) -> int:
    """How many of a part's characters at one end (``edge``, read from the end inwards) to
    leave out, ``outside`` the character past that end: the piece of a word cut there, up
    to white space; when there is none within ``OVERLAP`` (numbers written with commas, a
    URL), up to a character that separates words for every engine (punctuation, a symbol);
    0 if neither is near (a word longer than the overlap)."""
    if outside.isspace():
        return 0
    run = _RUN.match(edge).end()  # type: ignore[union-attr]
    if run <= OVERLAP:
        return run
    if _separates(outside):
        return 0
    return next((n for n, char in enumerate(edge) if _separates(char)), 0)


def _separates(char: str) -> bool:
    """Whether ``char`` is between words for the engines' tokenizers (a letter, digit, mark
    or private-use character may be part of one)."""
    return unicodedata.category(char)[0] in "PSZ" or unicodedata.category(char) == "Cc"


INDEXED_UP_TO = "fts_indexed_up_to"
"""The settings key of the last document whose every part is indexed (:mod:`db.search`)."""


def whole(document_id: str) -> str:
    """An SQL condition: the document of id ``document_id`` has all its parts in the index.
    The long document after :data:`INDEXED_UP_TO` has only some while the window's job adds
    the rest (a pause at a time, or in a later window): it matches nothing until then, as a
    document not yet indexed (a NOT would pass it for lack of the parts to come)."""
    return (f"{document_id} <= (SELECT CAST(value AS BIGINT) FROM settings "
            f"WHERE key = '{INDEXED_UP_TO}')")


Leaf = Callable[["Query", dict[str, str]], str]
"""An engine's SELECT of the ids (column ``id``, each once) of the documents with a part
that matches a term or an OR of terms, its words put in the dict as bind parameters."""


def documents(tree: Query, leaf: Leaf, words: dict[str, str]) -> str:
    """A SELECT of the ids (column ``id``, each once) of the documents matching ``tree`` as a
    whole, however their texts are parted: ``leaf`` for a term, or an OR of terms (matches
    in one part or another); a UNION for an OR of ANDs; an INTERSECT of the wanted parts of
    an AND, EXCEPT each NOT. Each group is a named step of one WITH, its operands leaves or
    earlier steps: the SQL nests no deeper for a deeper search (subqueries in subqueries,
    one a level, overflowed SQLite's parser from 12 levels on; the box takes 16)."""
    if _one_part(tree):
        return leaf(tree, words)
    steps: list[str] = []
    last = _operand(tree, leaf, words, steps)
    return f"WITH {', '.join(steps)} {last}"


def _one_part(tree: Query) -> bool:
    """Whether one part matching ``tree`` is all a document needs (a term, an OR of such)."""
    from annotate.query import Or, Term  # a search's: not the window's start

    return isinstance(tree, Term) or (isinstance(tree, Or)
                                      and all(_one_part(part) for part in tree.parts))


def _operand(tree: Query, leaf: Leaf, words: dict[str, str], steps: list[str]) -> str:
    """:func:`documents` of ``tree`` as one operand of a compound SELECT: a leaf's SELECT,
    or one reading the step added to ``steps`` for a group (the engines' orders of UNION,
    INTERSECT and EXCEPT differ: a group is never an operand's bare compound)."""
    from annotate.query import And, Not, Or

    if _one_part(tree):
        return leaf(tree, words)
    if isinstance(tree, Or):
        body = " UNION ".join(_operand(part, leaf, words, steps) for part in tree.parts)
    else:
        assert isinstance(tree, And), "parse() puts a Not only inside an And"
        wanted = [_operand(p, leaf, words, steps) for p in tree.parts if not isinstance(p, Not)]
        unwanted = [_operand(p.part, leaf, words, steps) for p in tree.parts
                    if isinstance(p, Not)]
        body = " INTERSECT ".join(wanted) + "".join(f" EXCEPT {u}" for u in unwanted)
    steps.append(f"g{len(steps)}(id) AS ({body})")
    return f"SELECT id FROM g{len(steps) - 1}"
