"""Actors and events: who and what the claims of the whole corpus are about, and the matching
that proposes which entity spans name the same actor.

An :class:`Actor` lives across documents (a canonical name, a kind, aliases); entity spans
link to it. An :class:`Event` (a name, a time window, a place) gathers the documents that
report it; a document may serve several events.

Matching folds accents, case and punctuation ("Tinzaouatène" = "tinzaouatene"), and
proposes that two names are one actor when (:func:`match_reason`):

- they fold to the same text;
- one is an acronym that begins the other's hyphenated acronym ("CSP" and "CSP-PSD");
- one is the acronym of the other's words ("JNIM" and "Jama'at Nasr al-Islam wal-Muslimin",
  particles such as "al-" and small words such as "for", "and" passed over);
- a text defines one as the other's acronym in parentheses ("Permanent Strategic Framework
  for Peace, Security and Development (CSP-PSD)"), given as ``definitions``;
- one is the other with a generic word added ("Wagner" and "the Wagner Group").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from annotate.errors import ValidationError
from annotate.model import new_id
from annotate.strings import check_length, check_text, shown

ACTOR_KINDS = ("person", "organisation", "armed group", "state", "place", "other")
"""The kinds an actor may be."""

LABEL_KINDS = {"PERSON": "person", "ORG": "organisation", "ARMED_GROUP": "armed group",
               "LOCATION": "place"}
"""The kind of actor an entity span of the default schema's labels proposes."""


@dataclass(frozen=True, slots=True)
class Actor:
    """A party across the corpus: one canonical ``name``, a ``kind``, other names it goes by."""

    name: str
    kind: str = "other"
    aliases: tuple[str, ...] = ()
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", new_id())

    def names(self) -> tuple[str, ...]:
        """The canonical name and the aliases."""
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class Event:
    """A named event: ``start`` and ``end`` are ISO dates ("2024-07-25", "" when open) and
    ``place`` where it happened."""

    name: str
    start: str = ""
    end: str = ""
    place: str = ""
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", new_id())


def named(actors: Iterable[Actor], name: str) -> Actor | None:
    """The actor among ``actors`` that ``name`` names (canonical name or alias, folded)."""
    wanted = fold(name)
    return next((a for a in actors if wanted in {fold(n) for n in a.names()}), None)


NAME_WIDTH = 200
"""The longest name of an actor or event, in code points (its column's width in a store)."""
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def check_actor(actor: Actor) -> None:
    """ValidationError unless the actor has a name, a known kind, and aliases that differ
    from its name and from each other once folded."""
    if not actor.name.strip():
        raise ValidationError("an actor needs a name")
    check_length(actor.name, NAME_WIDTH, "the actor's name")
    for name in actor.names():
        check_text(name, f"actor {shown(actor.name)}: the name {shown(name)}")
    if actor.kind not in ACTOR_KINDS:
        raise ValidationError(f"actor {actor.name!r}: kind {actor.kind!r} is none of "
                              f"{', '.join(ACTOR_KINDS)}")
    folded = [fold(n) for n in actor.names()]
    if "" in folded or len(set(folded)) != len(folded):
        raise ValidationError(f"actor {actor.name!r}: its names repeat one another or are empty")


def _is_date(text: str) -> bool:
    """Whether ``text`` is a day of the calendar as YYYY-MM-DD (2026-02-30 has the form and is
    none: it was stored, and ordered the ledger's events as if it were)."""
    if not _DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def check_event(event: Event, calendar: bool = True) -> None:
    """ValidationError unless the event has a name and its window is of ISO dates, in order
    (``calendar``: days of the calendar; else of the form alone, as a store may hold from
    before, which an undo puts back as it was)."""
    if not event.name.strip():
        raise ValidationError("an event needs a name")
    check_text(event.name, "the event's name")
    check_length(event.name, NAME_WIDTH, "the event's name")
    check_text(event.place, f"event {shown(event.name)}: the place")
    for bound in (event.start, event.end):
        if bound and not (_is_date(bound) if calendar else _DATE.fullmatch(bound)):
            raise ValidationError(f"event {event.name!r}: {bound!r} is not a date (YYYY-MM-DD)")
    if event.start and event.end and event.end < event.start:
        raise ValidationError(f"event {event.name!r} ends ({event.end}) before it starts "
                              f"({event.start})")


def fold(text: str) -> str:
    """``text`` with accents, case and punctuation folded away, words single-spaced."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text)
                    if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", plain.casefold()).split())


_SMALL = {"for", "of", "and", "the", "in", "on", "to", "a", "an", "pour", "la", "le", "les",
          "de", "du", "des", "et", "wa"}
_PARTICLE = re.compile(r"^(?:al|el|wal|wa|ad|ash|as|an|ar)-", re.IGNORECASE)
_GENERIC = {"group", "movement", "forces", "force", "army", "company", "mercenaries", "militia",
            "the", "party", "front", "coalition", "alliance", "channel", "outlet"}


def _is_acronym(text: str) -> bool:
    letters = re.sub(r"[\s.-]", "", text)
    return 2 <= len(letters) <= 12 and letters.isalpha() and letters.isupper()


def _acronym_parts(text: str) -> list[str]:
    """An acronym's hyphenated parts, folded: "CSP-PSD" → ["csp", "psd"]."""
    return [fold(part).replace(" ", "") for part in re.split(r"[-/]", text) if part.strip()]


def initials(text: str) -> str:
    """The folded initials of the words of ``text``, small words passed over and particles
    ("al-", "wal-") stripped: "Jama'at Nasr al-Islam wal-Muslimin" → "jnim"."""
    words = [_PARTICLE.sub("", w) for w in re.split(r"[\s,]+", text)]
    return "".join(fold(w)[:1] for w in words if w and fold(w) and fold(w) not in _SMALL)


def _core(text: str) -> str:
    return " ".join(w for w in fold(text).split() if w not in _GENERIC)


def match_reason(first: str, second: str,
                 definitions: Mapping[str, str] | None = None) -> str | None:
    """Why ``first`` and ``second`` may name one actor (see the module's rules), or None.
    ``definitions``: acronyms defined in the texts, folded acronym → folded long form."""
    a, b = fold(first), fold(second)
    if not a or not b:
        return None
    if a == b:
        return "same name"
    for short, long in ((first, second), (second, first)):
        if _is_acronym(short):
            if _is_acronym(long):
                parts = _acronym_parts(long)
                if len(parts) > 1 and parts[0] == _acronym_parts(short)[0]:
                    return "acronym of the same name"
            elif initials(long) == fold(short).replace(" ", ""):
                return "acronym of the words"
            if definitions:
                key = fold(short).replace(" ", "")
                defined = {definitions.get(key), definitions.get(_acronym_parts(short)[0])}
                if fold(long) in defined:
                    return "acronym defined in the text"
    core_a, core_b = _core(first), _core(second)
    if core_a and core_a == core_b:
        return "same name but a generic word"
    return None


_DEFINITION = re.compile(r"((?:[A-Z][\w'’-]*[\s,]+(?:(?:for|of|and|the|de|du|des|pour|la|et)"
                         r"\s+)*){1,10})\(([A-Z][A-Z.-]{1,14})\)")


def definitions_in(texts: Iterable[str]) -> dict[str, str]:
    """Acronyms the texts define, "Long Name (ACR)": folded acronym (and its first hyphenated
    part) → folded long form; the long form is the run of capitalised words (small words
    between them allowed) just before the parenthesis."""
    found: dict[str, str] = {}
    for text in texts:
        for match in _DEFINITION.finditer(text):
            words = fold(match.group(1)).split()
            while words and words[0] in _SMALL:
                words.pop(0)
            long = " ".join(words)
            acronym = match.group(2)
            found[fold(acronym).replace(" ", "")] = long
            found.setdefault(_acronym_parts(acronym)[0], long)
    return found


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposed link: the entity text ``surface`` names ``actor`` (an existing actor's
    name, or a new one's when ``new``), for ``reason``."""

    surface: str
    actor: str
    kind: str
    reason: str
    new: bool


def propose(surfaces: Iterable[tuple[str, str]], actors: Iterable[Actor],
            definitions: Mapping[str, str] | None = None) -> list[Proposal]:
    """Proposals for entity texts not yet linked: ``surfaces`` are (text, kind) pairs. A text
    matching an existing actor's name or alias goes to it; the others are grouped with the
    texts they match, each group a new actor named by its longest text."""
    actors = list(actors)
    proposals: list[Proposal] = []
    unmatched: dict[str, str] = {}
    for surface, kind in dict.fromkeys(surfaces):
        hit = next(((actor, reason) for actor in actors for name in actor.names()
                    if (reason := match_reason(surface, name, definitions))), None)
        if hit is not None:
            proposals.append(Proposal(surface, hit[0].name, hit[0].kind, hit[1], False))
        else:
            unmatched.setdefault(surface, kind)
    groups: list[list[str]] = []
    for surface in unmatched:
        home = next((g for g in groups
                     if any(match_reason(surface, other, definitions) for other in g)), None)
        if home is None:
            groups.append([surface])
        else:
            home.append(surface)
    for group in groups:
        name = max(group, key=lambda s: (len(s), s))
        for surface in group:
            reason = "new actor" if surface == name else (
                match_reason(surface, name, definitions) or "matches another of its names")
            proposals.append(Proposal(surface, name, unmatched[name], reason, True))
    return proposals
