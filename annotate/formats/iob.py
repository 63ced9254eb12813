"""Chunk tags of token-per-line formats (CoNLL): IOB1, IOB2 and BIOES (BILOU), decoded into
chunks of tokens.

A tag is ``O`` or a prefix, ``-`` and a label: ``B`` begins a chunk, ``I`` is inside one,
``E``/``L`` ends one, ``S``/``U`` is a chunk of one token. The three schemes decode by one rule,
so "auto" reads all of them: a chunk begins at ``B``/``S``/``U``, or at an ``I``/``E``/``L``
that does not continue a chunk of its label (IOB1's way to begin one); it ends before ``O``,
before a tag that begins another chunk, and after ``E``/``L``/``S``/``U``. A scheme chosen
explicitly also checks that each tag is one the scheme allows where it stands.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

SCHEMES = ("auto", "iob1", "iob2", "bioes")
_ALLOWED = {"iob1": frozenset("BI"), "iob2": frozenset("BI"), "bioes": frozenset("BIESLU")}
_ENDS = frozenset("ESLU")  # a chunk ends after these
_CONTINUES = frozenset("IEL")  # these may continue a chunk of their label

Tag = tuple[str, str]
"""A tag split: ``("O", "")`` or (prefix, label)."""
OUTSIDE: Tag = ("O", "")


class TagError(ValueError):
    """A tag that is not one, or not allowed where it stands; ``index`` is its token."""

    def __init__(self, message: str, index: int):
        super().__init__(message)
        self.index = index


@lru_cache(maxsize=4096)
def split_tag(tag: str) -> Tag | None:
    """``("O", "")`` for ``O``, (prefix, label) for ``B-PER`` and the like, else None."""
    if tag == "O":
        return OUTSIDE
    prefix, dash, label = tag[:1], tag[1:2], tag[2:]
    if dash == "-" and label and prefix in _ALLOWED["bioes"]:
        return (prefix, label)
    return None


def chunks(tags: Sequence[Tag], scheme: str = "auto") -> list[tuple[int, int, str]]:
    """The chunks of one sentence's tags as (first token, last token, label); TagError at the
    first tag ``scheme`` does not allow where it stands ("auto" allows everything)."""
    check = _checker(scheme)
    found: list[tuple[int, int, str]] = []
    first, label = -1, ""  # the open chunk, first < 0: none
    for i, (prefix, name) in enumerate(tags):
        continues = first >= 0 and name == label and prefix in _CONTINUES
        if check is not None:
            check(prefix, name, continues, label if first >= 0 else "", i)
        if first >= 0 and not continues:
            found.append((first, i - 1, label))
            first = -1
        if prefix != "O" and first < 0:
            first, label = i, name
        if prefix in _ENDS:
            found.append((first, i, label))
            first = -1
    if first >= 0:
        if check is not None and scheme == "bioes":
            raise TagError(f"the chunk of {label!r} begun here has no E- or L- end (BIOES)",
                           first)
        found.append((first, len(tags) - 1, label))
    return found


def _checker(scheme: str) -> Callable[[str, str, bool, str, int], None] | None:
    if scheme == "auto":
        return None
    if scheme not in _ALLOWED:
        raise ValueError(f"unknown tag scheme {scheme!r}; known: {', '.join(SCHEMES)}")
    allowed = _ALLOWED[scheme]

    def check(prefix: str, label: str, continues: bool, open_label: str, i: int) -> None:
        tag = f"{prefix}-{label}"
        if prefix == "O":
            if scheme == "bioes" and open_label:
                raise TagError(f"O inside the chunk of {open_label!r}: it has no E- end (BIOES)",
                               i)
            return
        if prefix not in allowed:
            raise TagError(f"{tag} is not a tag of {scheme.upper()} (its prefixes: "
                           f"{', '.join(sorted(allowed))})", i)
        if scheme == "iob2" and prefix == "I" and not continues:
            raise TagError(f"{tag} does not continue a chunk of {label!r} (IOB2 begins one "
                           "with B-; choose the scheme iob1 or auto)", i)
        if scheme == "bioes" and prefix in _CONTINUES and not continues:
            raise TagError(f"{tag} does not continue a chunk of {label!r} (BIOES)", i)
        if scheme == "bioes" and prefix in "BSU" and open_label:
            raise TagError(f"{tag} inside the chunk of {open_label!r}: it has no E- end "
                           "(BIOES)", i)

    return check
