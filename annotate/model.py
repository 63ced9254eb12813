"""Plain dataclasses of the domain: documents, spans, relations, annotators.

Offsets are Python code-point indices into ``Document.text``, end-exclusive:
``text[span.start:span.end] == span.text`` (see :mod:`annotate.offsets`).
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import Any, Literal

from annotate.errors import ValidationError

Status = Literal["todo", "in_progress", "done"]
STATUSES: tuple[Status, ...] = ("todo", "in_progress", "done")
GOLD = "gold"
"""The reserved annotator whose layer adjudication writes."""
SYSTEM = "system"
"""The reserved name that journal entries of bulk operations (imports) carry."""


def text_uid(text: str) -> str:
    """A document's identity: the sha256 hex digest of its UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def new_id() -> str:
    """A fresh span or relation id."""
    return str(uuid.uuid4())


def new_ids(count: int) -> list[str]:
    """``count`` fresh ids, as :func:`new_id` makes them (random UUIDs, version 4), drawn
    at once: their version and variant bits set, their hex digits and dashes laid out, for
    all of them in a few byte operations (a slice per id: several times faster for many)."""
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = raw[6::16].translate(_VERSION)
    raw[8::16] = raw[8::16].translate(_VARIANT)
    digits = raw.hex().encode("ascii")
    laid = bytearray(b"-" * (36 * count))
    for digit, at in enumerate(_DIGITS_AT):
        laid[at::36] = digits[digit::32]
    text = laid.decode("ascii")
    return [text[at : at + 36] for at in range(0, 36 * count, 36)]


def fresh_ids(batch: int = 512) -> Iterator[str]:
    """Fresh ids without end (:func:`new_ids`), drawn ``batch`` at a time (a few drawn for
    nothing at the end: 4,096 a batch were twice what 500 documents' accepts take); each
    ``next`` of it runs no Python frame (two per gold span of accept-agreed)."""
    return chain.from_iterable(map(new_ids, repeat(batch)))


_VERSION = bytes(byte & 0x0F | 0x40 for byte in range(256))
"""A byte with its high nibble made 4 (the version)."""
_VARIANT = bytes(byte & 0x3F | 0x80 for byte in range(256))
"""A byte with its high bits made 10 (the variant)."""
_DIGITS_AT = [at for at in range(36) if at not in (8, 13, 18, 23)]
"""Where the 32 hex digits of an id go among its 36 characters (dashes between)."""


def utc_now() -> str:
    """The current instant as ISO 8601 UTC with a Z, to the second. (``time.gmtime()``
    alone reads C's ``time()``, a coarse clock on Linux that can still give the second
    before for a few milliseconds after it turned: a stamp then came before
    ``datetime.now()`` read just ahead of it.)"""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time()))


@dataclass(frozen=True, slots=True)
class Document:
    """A source text, stored once; ``uid`` is derived from the text."""

    text: str
    title: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    uid: str = ""

    def __post_init__(self) -> None:
        if not self.uid:
            object.__setattr__(self, "uid", text_uid(self.text))


@dataclass(slots=True)
class Span:
    """A labelled range ``[start, end)`` of a document's text by one annotator.

    Treat it as a value: derive changed copies with ``dataclasses.replace`` and never
    mutate one in place. (Not frozen only because frozen construction costs 6x, and
    imports build hundreds of thousands of spans.)

    ``fragments``: a discontinuous span's pieces ``(start, end)``, in order, none empty and
    none overlapping the next, the first starting at ``start`` and the last ending at ``end``
    (a brat ``T1 Label 5 7;9 10``); empty for a contiguous span, the usual case."""

    document: str  # document uid
    start: int
    end: int
    label: str
    annotator: str
    id: str = field(default_factory=new_id)
    attributes: dict[str, Any] = field(default_factory=dict)
    note: str | None = None
    created: str = field(default_factory=utc_now)
    updated: str = ""
    fragments: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        if not self.updated:
            self.updated = self.created

    @property
    def pieces(self) -> tuple[tuple[int, int], ...]:
        """The ranges the span covers: its fragments, or its one range."""
        return self.fragments or ((self.start, self.end),)

    def text_in(self, text: str) -> str:
        """What the span covers of ``text``: a discontinuous span's fragments joined by " … "."""
        if not self.fragments:
            return text[self.start : self.end]
        return " … ".join(text[start:end] for start, end in self.fragments)

    def check_bounds(self, text: str) -> None:
        """Raise ValidationError unless ``0 <= start < end <= len(text)`` and the fragments,
        if any, are as the class says."""
        if not (0 <= self.start < self.end <= len(text)):
            raise ValidationError(
                f"span {self.id} [{self.start}, {self.end}) is outside the text "
                f"(length {len(text)})"
            )
        problem = fragments_problem(self.fragments, self.start, self.end)
        if problem:
            raise ValidationError(f"span {self.id}: {problem}")


def fragments_problem(fragments: Any, start: int, end: int) -> str | None:
    """Why ``fragments`` are not the pieces of a discontinuous span ``[start, end)`` (see
    :class:`Span`), or None (also for no fragments)."""
    if not fragments:
        return None
    if not isinstance(fragments, tuple) or len(fragments) < 2 or not all(
        isinstance(f, tuple) and len(f) == 2 and all(type(x) is int for x in f)
        for f in fragments
    ):
        return "fragments must be two or more (start, end) pairs of integers"
    if fragments[0][0] != start or fragments[-1][1] != end:
        return f"fragments {fragments} do not run from {start} to {end}"
    previous = start
    for s, e in fragments:
        if s < previous or s >= e:
            return f"fragments {fragments} are not in order, or empty, or overlap"
        previous = e
    return None


def clipped(fragments: tuple[tuple[int, int], ...], start: int, end: int
            ) -> tuple[tuple[int, int], ...]:
    """``fragments`` cut to ``[start, end)`` (a span resized): the pieces within it, the first
    starting at ``start`` and the last ending at ``end``; no fragments when one piece (or
    none) is left."""
    kept = [[max(s, start), min(e, end)] for s, e in fragments if s < end and e > start]
    if len(kept) < 2:
        return ()
    kept[0][0], kept[-1][1] = start, end
    return tuple((s, e) for s, e in kept)


@dataclass(frozen=True, slots=True)
class Relation:
    """A typed, directed link from a span to a span of one annotator's layer.

    It belongs to the document of its ``source``. Its ``target`` lies in the same document,
    or, for a type the schema lets cross documents (:attr:`annotate.schema.RelationType.
    across`), in the document ``target_document`` (a uid; None: the source's document). Span
    ids are unique in a store, so (``target_document``, ``target``) names the target in any
    store or file, whatever order documents come in."""

    type: str
    source: str  # span id ("from" in the file formats)
    target: str  # span id ("to")
    annotator: str
    id: str = field(default_factory=new_id)
    note: str | None = None
    target_document: str | None = None  # "to_document" in the native format

    @property
    def crosses(self) -> bool:
        """Whether it links to a span of another document."""
        return self.target_document is not None


@dataclass(frozen=True, slots=True)
class DocLabel:
    """A label one annotator gives a whole document: ``value`` of the schema's document
    category ``category`` (:class:`annotate.schema.DocCategory`). Its identity is its content
    (document, annotator, category, value); ``created`` is kept, not compared."""

    document: str  # document uid
    category: str
    value: str
    annotator: str
    created: str = field(default_factory=utc_now, compare=False)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.document, self.annotator, self.category, self.value)

    @property
    def id(self) -> str:
        """A stable id of its content: what tombstones and decisions name it by."""
        return str(uuid.uuid5(_DOC_LABEL_IDS, "\x1f".join(self.key)))


_DOC_LABEL_IDS = uuid.UUID("8d7f4e0c-64c4-4f39-a3a1-0b7c4d3c5e21")


@dataclass(frozen=True, slots=True)
class AnnotatedDocument:
    """A document with its spans, relations, per-annotator status and document labels: one
    native JSONL line.
    ``origin``: where a reader found it in its file (e.g. "line 12"), for the messages of the
    checks it meets later."""

    document: Document
    spans: tuple[Span, ...] = ()
    relations: tuple[Relation, ...] = ()
    status: dict[str, Status] = field(default_factory=dict)
    doc_labels: tuple[DocLabel, ...] = ()
    origin: str | None = field(default=None, compare=False)

    def check_offsets(self) -> None:
        """Every span lies in the text and every relation starts at a span of this document
        and ends at one of them too, unless it links to another document."""
        text = self.document.text
        length = len(text)
        for span in self.spans:
            if span.fragments or not 0 <= span.start < span.end <= length:
                span.check_bounds(text)  # the common case checked here, without a call
        if not self.relations:
            return
        ids = {span.id for span in self.spans}
        for rel in self.relations:
            for end in (rel.source,) if rel.crosses else (rel.source, rel.target):
                if end not in ids:
                    raise ValidationError(f"relation {rel.id} refers to unknown span {end}")
            if rel.target_document == self.document.uid:
                raise ValidationError(f"relation {rel.id} names its own document as the "
                                      "other document")


@dataclass(frozen=True, slots=True)
class Verdict:
    """What one annotator made of a suggestion (:mod:`annotate.suggestions`): ``kind`` accept
    (``chosen``: the label it was accepted under, when not its own) or reject. Its identity is
    (document, annotator, start, end, label): a suggestion judged once stays judged however
    often it is suggested again. ``source`` and ``score`` say what suggested it, for retraining."""

    document: str  # document uid
    annotator: str
    start: int
    end: int
    label: str
    kind: Literal["accept", "reject"]
    source: str
    score: float
    chosen: str | None = None
    at: str = field(default_factory=utc_now, compare=False)

    @property
    def key(self) -> tuple[str, str, int, int, str]:
        return (self.document, self.annotator, self.start, self.end, self.label)
