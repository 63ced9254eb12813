"""The corpus search language: a query typed in the search box parsed into a small tree that
any full-text engine can render (SQLite FTS5 in db/search.py; PostgreSQL's tsquery maps
one to one), and the places a tree's words occur in a text (the hits shown in the view).

    ambush Kidal        documents with both words (juxtaposition is AND; AND may be written)
    ambush OR raid      either word; OR (upper case) binds looser than juxtaposition:
                        ``a b OR c`` is ``(a b) OR c``
    "armed forces"      the words next to each other, in this order
    ambus*              any word beginning with "ambus" (also after a phrase: "armed for"*)
    -denied, NOT denied documents without the word (or phrase, or group); a search needs
                        something to look for beside what it excludes
    (Kidal OR Gao) raid grouping

Words are matched as the index splits the text: case and diacritics are ignored, and every
character that is not a letter or a digit separates words (``state-owned`` is the phrase
"state owned"). A query that cannot be understood raises :class:`QueryError` with a plain
message naming the place; the tree never reaches an engine unchecked.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from annotate.errors import CounterclaimError

MAX_LENGTH = 1_000
"""Characters of a query (a pasted page is not a search)."""
MAX_DEPTH = 16
"""Nesting of parentheses and negations."""
WORD = re.compile(r"[^\W_]+")
"""A word as the index sees it: letters and digits (FTS5 unicode61's default token characters,
but for private-use characters)."""


class QueryError(CounterclaimError):
    """A search that cannot be understood: a plain message for the search box."""


@dataclass(frozen=True)
class Term:
    """One word, or several in a row (a phrase); ``prefix``: the last may go on."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class And:
    parts: tuple[Query, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Query, ...]


@dataclass(frozen=True)
class Not:
    """What a document must not contain; only ever a part of an :class:`And` that also looks
    for something (checked by :func:`parse`)."""

    part: Query


Query = Term | And | Or | Not


# -- reading --------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Token:
    kind: str  # "term", "or", "and", "not", "(", ")"
    at: int  # 1-based character, for messages
    term: Term | None = None
    text: str = ""


def _place(at: int) -> str:
    return f"at character {at}"


def _term(text: str, prefix: bool, at: int) -> _Token:
    words = tuple(WORD.findall(text))
    if prefix and not words:
        raise QueryError(f"a * must follow a word ({_place(at)})")
    return _Token("term", at, Term(words, prefix) if words else None, text)


def _tokens(query: str) -> Iterator[_Token]:
    n, size = 0, len(query)
    while n < size:
        char = query[n]
        if char.isspace():
            n += 1
        elif char == '"':
            close = query.find('"', n + 1)
            if close < 0:
                raise QueryError(f'the quote {_place(n + 1)} is not closed: add a "')
            prefix = query.startswith("*", close + 1)
            yield _term(query[n + 1:close], prefix, n + 1)
            n = close + 1 + prefix
        elif char in "()":
            yield _Token(char, n + 1)
            n += 1
        elif char == "-" and n + 1 < size and not query[n + 1].isspace() and query[n + 1] != ")":
            yield _Token("not", n + 1, text="-")
            n += 1
        else:
            end = n
            while end < size and not query[end].isspace() and query[end] not in '"()':
                end += 1
            word = query[n:end]
            if word in ("OR", "AND", "NOT"):
                yield _Token(word.lower(), n + 1, text=word)
            else:
                bare = word.rstrip("*")
                yield _term(bare, bare != word, n + 1)
            n = end


class _Parser:
    """Recursive descent over the tokens: or := and (OR and)*; and := unary+;
    unary := (- | NOT) unary | term | ( or )."""

    def __init__(self, query: str) -> None:
        self.tokens = list(_tokens(query))
        self.n = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.n] if self.n < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.n]
        self.n += 1
        return token

    def any_of(self, depth: int) -> Query | None:
        parts = [self.all_of(depth)]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            parts.append(self.all_of(depth))
            if parts[-1] is None or parts[-2] is None:
                raise QueryError(f"OR needs something to search for on both sides "
                                 f"({_place(token.at)})")
        return parts[0] if len(parts) == 1 else Or(tuple(_flat(Or, parts)))

    def all_of(self, depth: int) -> Query | None:
        parts: list[Query] = []
        while (token := self.peek()) is not None and token.kind not in ("or", ")"):
            if token.kind == "and":
                self.take()
                continue
            part = self.unary(depth)
            if part is not None:
                parts.append(part)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else And(tuple(_flat(And, parts)))

    def unary(self, depth: int) -> Query | None:
        if depth > MAX_DEPTH:
            raise QueryError(f"the search nests deeper than {MAX_DEPTH} levels")
        token = self.take()
        if token.kind == "term":
            return token.term
        if token.kind == "not":
            following = self.peek()
            if following is None or following.kind in ("or", "and", ")"):
                raise QueryError(f"{token.text} needs a word after it ({_place(token.at)})")
            part = self.unary(depth + 1)
            if isinstance(part, Not):  # --word is the word
                return part.part
            return None if part is None else Not(part)
        # the only other token all_of hands on: a "("
        inside = self.any_of(depth + 1)
        close = self.peek()
        if close is None or close.kind != ")":
            raise QueryError(f"the ( {_place(token.at)} is not closed: add a )")
        self.take()
        if inside is None:
            raise QueryError(f"nothing to search for in the ( ) {_place(token.at)}")
        return inside

    def parse(self) -> Query:
        tree = self.any_of(0)
        token = self.peek()
        if token is not None:  # only a ")" stops the top level early
            raise QueryError(f"the ) {_place(token.at)} closes nothing")
        if tree is None:
            raise QueryError("nothing to search for: type a word (letters or digits)")
        _check(tree)
        return tree


def _flat(kind: type[And] | type[Or], parts: list[Query | None]) -> Iterator[Query]:
    for part in parts:
        if isinstance(part, kind):
            yield from part.parts
        elif part is not None:
            yield part


def _check(tree: Query) -> None:
    """Every branch looks for something: an engine cannot list "every document but", nor
    an index answer it fast."""
    if isinstance(tree, Not):
        raise QueryError(f"{describe(tree)} only excludes: add a word to look for beside it")
    if isinstance(tree, And) and all(isinstance(part, Not) for part in tree.parts):
        raise QueryError(f"{describe(tree)} only excludes: add a word to look for beside it")
    if isinstance(tree, And | Or):
        for part in tree.parts:
            _check(part.part if isinstance(part, Not) and isinstance(tree, And) else part)


def parse(query: str) -> Query:
    """The tree of ``query`` (see the module's help); QueryError when it cannot be read."""
    if len(query) > MAX_LENGTH:
        raise QueryError(f"the search is longer than {MAX_LENGTH:,} characters")
    return _Parser(query).parse()


def describe(tree: Query) -> str:
    """The tree written back in the search language (grouping made explicit)."""
    if isinstance(tree, Term):
        text = " ".join(tree.words)
        text = f'"{text}"' if len(tree.words) > 1 else text
        return text + "*" * tree.prefix
    if isinstance(tree, Not):
        return f"-{_grouped(tree.part)}"
    joint = " OR " if isinstance(tree, Or) else " "
    return joint.join(_grouped(part) for part in tree.parts)


def _grouped(tree: Query) -> str:
    return f"({describe(tree)})" if isinstance(tree, And | Or) else describe(tree)


# -- hits -------------------------------------------------------------------------------------
NON_ASCII = re.compile(r"[^\x00-\x7f]")
GAP, REST, AFTER = r"[\W_]+", r"[^\W_]*", r"(?![^\W_])"
"""Pieces of a term's pattern over folded text: any run of other characters between its
words, the rest of a word after a prefix, no word character after it. (No word character
before it is checked on each match: a pattern that begins with its word is found fast.)"""


@cache
def _fold_char(char: str) -> str:
    """``char`` lower case without its diacritics, when that is one character (else as is:
    folding keeps every offset)."""
    low = char.lower()
    if len(low) != 1:
        return char
    base, *marks = unicodedata.normalize("NFD", low)
    return base if all(unicodedata.combining(mark) for mark in marks) else low


def fold(text: str) -> str:
    """``text`` as the index compares it, character for character (offsets kept): lower
    case, diacritics removed."""
    low = text.lower()
    if low.isascii():
        return low
    if len(low) != len(text):  # a letter whose lower case is longer (İ): one by one
        return "".join(map(_fold_char, text))
    return NON_ASCII.sub(lambda match: _fold_char(match.group()), low)


def wanted_terms(tree: Query) -> list[Term]:
    """The terms a document matching ``tree`` is looked for by (not those it must lack)."""
    if isinstance(tree, Term):
        return [tree]
    if isinstance(tree, Not):
        return []
    return [term for part in tree.parts for term in wanted_terms(part)]


def hits(tree: Query, text: str) -> list[tuple[int, int]]:
    """Code-point ranges (end-exclusive, in order, none overlapping) of every occurrence in
    ``text`` of a term ``tree`` looks for; a phrase is one range from its first word to its
    last."""
    folded = fold(text)
    found: list[tuple[int, int]] = []
    for term in dict.fromkeys(wanted_terms(tree)):
        words = GAP.join(re.escape(fold(word)) for word in term.words)
        pattern = words + (REST if term.prefix else AFTER)  # REST ends at a word's end
        found += [match.span() for match in re.finditer(pattern, folded)
                  if not match.start() or not folded[match.start() - 1].isalnum()]
    return _disjoint(found)


def _disjoint(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping ranges (two terms on the same words) merged."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
