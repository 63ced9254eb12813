"""What the strings of the domain may hold: the one rule for names, and the rule for free text.

A *name* (label, relation type, attribute name, choice value, annotator) is at most
``NAME_MAX`` code points of printable characters (``str.isprintable``: no control, format,
private-use, unassigned or surrogate code points, no separators but the plain space), not
blank and without a space at either end. Names are written into line- and field-based formats
(brat, CoNLL, CSV) and shown in one-line widgets, so a name never carries structure.

*Free text* (a title, a note, a text attribute, document metadata) may hold anything that
is valid Unicode, line breaks included: only lone surrogates, which no file and no store
column can encode, are refused. The writers of line-based formats escape the rest. A number
in metadata or an attribute must be finite: NaN and the infinities, which the ``json`` module
reads (doccano and Label Studio files, JSONL corpora), are no JSON, and every export would
write them as null.
"""

from __future__ import annotations

import json
import math
import re
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache
from operator import attrgetter
from typing import Any

import orjson

from annotate.errors import ValidationError
from annotate.model import AnnotatedDocument, Document, Span, utc_now

NAME_MAX = 100
"""The longest name, in code points."""
KEY_MAX = 64
"""The longest id of a span or relation, in code points (a store keeps it in a column this
wide, and PostgreSQL refuses a longer value where SQLite would keep it)."""
TIME_MAX = 20
"""The longest time of creation or change, in code points (``utc_now``'s: to the second)."""
_FORM = r"(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)?"
_TIME = re.compile(_FORM, re.ASCII)
"""A time as the store keeps it (``utc_now``'s form, so that times order as strings), or none."""
_TIMES = re.compile(rf"{_FORM}(?:\n{_FORM})*", re.ASCII)
"""Such times joined by line breaks (one match for a record's times)."""
CLOCK_SLACK_S = 86_400
"""How far past this machine's clock a time read from a file may lie: other machines' clocks
drift, but a time much later would win every merge of its span (the newer wins), so a forged
or wrong one is refused."""

NESTING_MAX = 254
"""The deepest nesting of arrays and objects in metadata or an attribute's value, the value
itself the first level: as deep as orjson writes. The json module reads ~990 levels, but the
checks and writers that walk a value recursively died at ~500 with a RecursionError that named
no place ("could not be read (RecursionError …)"); real metadata nests a few levels."""

_SURROGATE = re.compile("[\ud800-\udfff]")
_SHOWN = 60  # characters of a bad string quoted in a message
_KINDS = {
    "Cc": "a control character",
    "Cf": "an invisible format character",
    "Cs": "a lone surrogate (not valid Unicode)",
    "Co": "a private-use character",
    "Cn": "an unassigned code point",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
    "Zs": "a space other than the plain space",
}


def shown(value: object) -> str:
    """``value`` quoted for a message (a string, or any value a file held): escaped (never a
    raw control character or surrogate) and cut short."""
    quoted = repr(value)
    return quoted if len(quoted) <= _SHOWN else f"{quoted[:_SHOWN]}…'"


def _character(char: str) -> str:
    kind = _KINDS.get(unicodedata.category(char), "a non-printable character")
    return f"U+{ord(char):04X}, {kind}"


@lru_cache(maxsize=4096)
def _name_problem(name: str) -> str | None:
    if not name.strip():
        return "is blank"
    if len(name) > NAME_MAX:
        return f"is {len(name)} characters long (at most {NAME_MAX})"
    if name[0] == " " or name[-1] == " ":
        return "begins or ends with a space"
    if not name.isprintable():
        bad = next(char for char in name if not char.isprintable())
        return f"holds {_character(bad)}"
    return None


def name_problem(name: Any) -> str | None:
    """Why ``name`` is not a valid name (see the module), or None if it is one."""
    if not isinstance(name, str):
        return f"is not a string but {type(name).__name__}"
    return _name_problem(name)


def listed(name: str) -> str:
    """A name read from a file, for a list in a message: as it is when printable and short
    (``CLAIM.mood``), else quoted by :func:`shown`. A name not yet checked by the name rule
    may hold a terminal's escape sequence or a line break, or run to megabytes."""
    return name if len(name) <= 2 * NAME_MAX + 1 and name.isprintable() else shown(name)


def check_name(name: Any, what: str) -> str:
    """``name`` if it is a valid name, else ValidationError naming ``what`` it is
    (e.g. ``"annotator"``)."""
    problem = name_problem(name)
    if problem is not None:
        subject = f"{what} {shown(name)}" if isinstance(name, str) else what
        raise ValidationError(f"{subject} {problem}")
    return name


def text_problem(text: str) -> str | None:
    """Why the free text ``text`` cannot be stored or written (a lone surrogate), or None."""
    if text.isascii():  # O(1): the common case costs nothing
        return None
    try:
        text.encode("utf-8")  # twice as fast as a search for one
    except UnicodeEncodeError as exc:
        return f"holds {_character(text[exc.start])} at character {exc.start}"
    return None


def check_text(text: Any, what: str) -> None:
    """ValidationError naming ``what`` unless ``text`` (None allowed) can be stored and
    written."""
    if text is None:
        return
    if not isinstance(text, str):
        raise ValidationError(f"{what} is not a string but {type(text).__name__}")
    problem = text_problem(text)
    if problem is not None:
        raise ValidationError(f"{what} {problem}")


def _leaves(value: Any, path: str) -> Iterator[tuple[str, str | float]]:
    """Every string (keys too) and float in a JSON-like value, with where it is:
    ``meta['a'][0]``."""
    if isinstance(value, str | float):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield f"{path} key {shown(key)}", key
            yield from _leaves(item, f"{path}[{shown(key) if isinstance(key, str) else key}]")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")


def check_value(value: Any, what: str) -> None:
    """ValidationError naming the place unless every string in the JSON-like ``value``
    (metadata, an attribute's value) can be stored and written, and every number is finite."""
    if _value_sound(value):  # the common case, without building any message
        return
    if _too_deep(value):
        raise ValidationError(f"{what} is nested more than {NESTING_MAX} levels deep")
    for where, leaf in _leaves(value, what):
        if isinstance(leaf, str):
            check_text(leaf, where)
        elif not math.isfinite(leaf):
            raise ValidationError(f"{where} is {json.dumps(leaf)}, a number no JSON file can "
                                  "hold (an export would write it as null)")


def _value_sound(value: Any) -> bool:
    """Whether the JSON-like ``value`` holds no lone surrogate and no NaN or infinity. orjson
    refuses a lone surrogate and writes NaN and the infinities as null (quickly, in C), so a
    value it writes without a null is sound."""
    try:
        written = orjson.dumps(value)
    except TypeError:  # a surrogate, a long integer, a key not a string, or too deep
        return (not _too_deep(value) and not _holds_surrogate(value)
                and not _holds_non_finite(value))
    return b"null" not in written or not _holds_non_finite(value)


def _too_deep(value: Any) -> bool:
    """Whether the JSON-like ``value`` nests arrays and objects more than ``NESTING_MAX``
    levels deep (counted level by level, not by recursion)."""
    level, depth = [value], 0
    while level := [item for item in level if isinstance(item, dict | list | tuple)]:
        depth += 1
        if depth > NESTING_MAX:
            return True
        level = [leaf for item in level
                 for leaf in (item.values() if isinstance(item, dict) else item)]
    return False


def _holds_non_finite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(map(_holds_non_finite, value.values()))
    if isinstance(value, list | tuple):
        return any(map(_holds_non_finite, value))
    return False


def check_record(record: AnnotatedDocument) -> None:
    """ValidationError naming the field unless every name in ``record`` (labels, annotators,
    relation types, document categories and values) follows the name rule, its ids fit their
    column (``KEY_MAX``), its times are in the store's form and not from the future
    (:func:`check_time`) and all its free text (text, title,
    metadata, notes, attributes) can be stored and written. Quick for a sound record: an
    import checks every one."""
    doc = record.document
    check_text(doc.text, "the text")
    check_text(doc.title, "the title")
    check_value(doc.meta, "meta")
    spans = record.spans
    if not _sound(spans):
        for span in spans:
            place = f"span [{span.start}, {span.end})"
            check_length(span.id, KEY_MAX, f"{place}: id")
            check_time(span.created, f"{place}: created")
            check_time(span.updated, f"{place}: updated")
            check_name(span.label, f"{place}: label")
            check_name(span.annotator, f"{place}: annotator")
            check_text(span.note, f"{place}: the note")
            check_value(span.attributes, f"{place}: attributes")
    for rel in record.relations:
        check_length(rel.id, KEY_MAX, f"relation {shown(rel.id)}: id")
        if name_problem(rel.type) or name_problem(rel.annotator):
            check_name(rel.type, f"relation {rel.id}: type")
            check_name(rel.annotator, f"relation {rel.id}: annotator")
        check_text(rel.note, f"relation {rel.id}: the note")
    for annotator in record.status:
        check_name(annotator, "status annotator")
    for label in record.doc_labels:
        place = f"document label {shown(str(label.category))}:{shown(str(label.value))}"
        check_name(label.category, f"{place}: category")
        check_name(label.value, f"{place}: value")
        check_name(label.annotator, f"{place}: annotator")
        check_time(label.created, f"{place}: created")


def check_no_nul(record: AnnotatedDocument) -> None:
    """ValidationError naming the first text column of ``record`` (text, title, notes) that
    holds a NUL character (U+0000): a store on an engine whose text columns cannot hold one
    (PostgreSQL) checks this; SQLite's hold it, and metadata and attributes are stored as
    JSON, where a NUL is written escaped. Names cannot hold one (the name rule)."""
    doc = record.document
    places = [("the text", doc.text), ("the title", doc.title)]
    places += [(f"span [{s.start}, {s.end}): the note", s.note) for s in record.spans]
    places += [(f"relation {shown(r.id)}: the note", r.note) for r in record.relations]
    for what, text in places:
        if text is not None and "\x00" in text:
            raise ValidationError(f"{what} holds a NUL character (U+0000), which a PostgreSQL "
                                  "store cannot hold")


def check_length(value: str, most: int, what: str) -> None:
    """ValidationError naming ``what`` when ``value`` is not a string or is longer than
    ``most`` code points."""
    if not isinstance(value, str):
        raise ValidationError(f"{what} is not a string but {type(value).__name__}")
    if len(value) > most:
        raise ValidationError(f"{what} {shown(value)} is {len(value)} characters long "
                              f"(at most {most})")


def check_time(value: str, what: str) -> None:
    """ValidationError naming ``what`` unless ``value`` is empty or a time in the store's
    form (``2026-12-04T09:30:00Z``) no later than :data:`CLOCK_SLACK_S` past this machine's
    clock."""
    check_length(value, TIME_MAX, what)
    if not _TIME.fullmatch(value):
        raise ValidationError(f"{what} {shown(value)} is not a time of the form "
                              "2026-12-04T09:30:00Z (UTC, to the second)")
    if value > _latest():
        raise ValidationError(
            f"{what} {value} lies in the future (this machine's clock: {utc_now()}): it would "
            "win every merge of this span; the clock of the machine that wrote it is wrong, or "
            "the file was edited")


def _latest() -> str:
    """The latest time a file may hold (:data:`CLOCK_SLACK_S` past this machine's clock)."""
    return _latest_at(int(time.time()))


@lru_cache(maxsize=1)
def _latest_at(second: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second + CLOCK_SLACK_S))


_SOUND_NAMES: set[str] = set()
"""Names found to follow the rule (a pure function of the name), remembered: an import meets
the same few names in each of its records."""
_SOUND_NAMES_MAX = 100_000


def _names_sound(names: set[str]) -> bool:
    """Whether every one of ``names`` follows the name rule."""
    new = names - _SOUND_NAMES
    if any(map(name_problem, new)):
        return False
    if len(_SOUND_NAMES) + len(new) > _SOUND_NAMES_MAX:
        _SOUND_NAMES.clear()
    _SOUND_NAMES.update(new)
    return True


_LABEL, _ANNOTATOR = attrgetter("label"), attrgetter("annotator")
_ID, _CREATED, _UPDATED = attrgetter("id"), attrgetter("created"), attrgetter("updated")
_STR = frozenset((str,))


def _sound(spans: tuple[Span, ...]) -> bool:
    """Whether the spans' names, ids, times and free text pass, each distinct name checked
    once and no message built: the quick path of a sound record."""
    names = set(map(_LABEL, spans))
    names.update(map(_ANNOTATOR, spans))
    if not (_names_sound(names) and set(map(type, map(_CREATED, spans))) <= _STR
            and set(map(type, map(_UPDATED, spans))) <= _STR):
        return False
    times = {*map(_CREATED, spans), *map(_UPDATED, spans)}
    joined = "\n".join(times)  # one match for all, no time holding a line break
    return (joined.count("\n") == len(times) - 1 and _TIMES.fullmatch(joined) is not None
            and max(times, default="") <= _latest()
            and max(map(len, map(_ID, spans)), default=0) <= KEY_MAX
            and not any(text_problem(span.note) if isinstance(span.note, str) else True
                        for span in spans if span.note is not None)
            and all(_value_sound(span.attributes) for span in spans if span.attributes))


def replace_surrogates(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD, for a writer (unchanged, the
    same object, when there is none)."""
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def _replaced(value: Any) -> Any:
    """A JSON-like value with lone surrogates replaced in every string (keys too)."""
    if isinstance(value, str):
        return replace_surrogates(value)
    if isinstance(value, dict):
        return {_replaced(k): _replaced(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_replaced(item) for item in value]
    return value


def _has_surrogate(value: Any) -> bool:
    """Whether a string in the JSON-like ``value`` (keys too) holds a lone surrogate. orjson
    refuses one (quickly, in C); whatever else it refuses is looked at string by string."""
    try:
        orjson.dumps(value)
    except TypeError:
        return _holds_surrogate(value)
    return False


def _holds_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return text_problem(value) is not None
    if isinstance(value, dict):
        return any(_holds_surrogate(k) or _holds_surrogate(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(map(_holds_surrogate, value))
    return False


def without_surrogates(record: AnnotatedDocument) -> tuple[AnnotatedDocument, int]:
    """``record`` with lone surrogates (which no file can encode: a store written by an older
    version may hold them) replaced by U+FFFD, and how many strings were changed. The same
    record, and 0, when there are none (the common case, checked quickly)."""
    doc = record.document
    names = {rel.type for rel in record.relations}
    names.update(rel.annotator for rel in record.relations)
    names.update(record.status)
    for label in record.doc_labels:
        names.update((label.category, label.value, label.annotator))
    notes = [rel.note for rel in record.relations if rel.note is not None]
    if (text_problem(doc.text) is None and text_problem(doc.title) is None
            and not any(map(text_problem, notes))
            and not _has_surrogate(doc.meta) and not any(map(name_problem, names))
            and _sound(record.spans)):
        return record, 0
    return _rebuilt(record)


def _rebuilt(record: AnnotatedDocument) -> tuple[AnnotatedDocument, int]:
    changed = 0

    def fix(value: Any) -> Any:
        nonlocal changed
        new = _replaced(value)
        changed += new != value
        return new

    doc = record.document
    document = Document(fix(doc.text), fix(doc.title), fix(doc.meta), doc.uid)
    spans = tuple(
        replace(s, label=fix(s.label), annotator=fix(s.annotator), note=fix(s.note),
                attributes=fix(s.attributes))
        for s in record.spans
    )
    relations = tuple(replace(r, type=fix(r.type), annotator=fix(r.annotator), note=fix(r.note))
                      for r in record.relations)
    status = {fix(name): state for name, state in record.status.items()}
    doc_labels = tuple(replace(d, category=fix(d.category), value=fix(d.value),
                               annotator=fix(d.annotator)) for d in record.doc_labels)
    return replace(record, document=document, spans=spans, relations=relations,
                   status=status, doc_labels=doc_labels), changed
