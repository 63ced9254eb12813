"""A gazetteer from the ledger's actors: their names and aliases suggested as entity spans
wherever they occur in a text (folded and as whole words, as "tag the other occurrences" finds
them: :mod:`annotate.occurrences`).

An actor's names are suggested under one label: the label its linked entity spans carry most
often (ties: the first by name), else the default schema's label for its kind (a person →
PERSON, an armed group → ARMED_GROUP, ...); an actor with neither among the schema's labels is
left out. Where names overlap the longest wins ("the Wagner Group" rather than "Wagner" in it).
A name written as the actor's is scored :data:`annotate.occurrences.EXACT`, one that matches
only once folded :data:`annotate.occurrences.FOLDED`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass

from annotate.actors import LABEL_KINDS, Actor
from annotate.occurrences import EXACT, FOLDED, fold, phrases
from annotate.suggestions import Suggestion

SOURCE = "actors"
"""The source a gazetteer's suggestions name."""
KIND_LABELS = {kind: label for label, kind in LABEL_KINDS.items()}
"""The default schema's label for each kind of actor that has one."""


def actor_label(actor: Actor, linked: Mapping[str, int], labels: Collection[str]) -> str | None:
    """The label ``actor``'s names are suggested under (see the module), given how many of its
    linked spans carry each label (``linked``) and the schema's ``labels``."""
    ranked = sorted((label for label in linked if label in labels),
                    key=lambda label: (-linked[label], label))
    if ranked:
        return ranked[0]
    fallback = KIND_LABELS.get(actor.kind)
    return fallback if fallback in labels else None


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Suggests each name of ``names`` (a name → the labels it is suggested under) where it
    occurs; a suggester like the pattern and model ones."""

    names: Mapping[str, frozenset[str]]
    source: str = SOURCE

    def suggest(self, documents: Iterable[tuple[str, str]]) -> Iterator[Suggestion]:
        """The names found in ``documents`` (uid, text), document by document, in text order."""
        labels: dict[str, set[str]] = {}
        written: dict[str, set[str]] = {}
        for name, named in self.names.items():
            key = fold(name).text.strip()
            labels.setdefault(key, set()).update(named)
            written.setdefault(key, set()).add(name)
        pattern = phrases(self.names)
        if pattern is None:
            return
        for uid, text in documents:
            folded = fold(text)
            for match in pattern.finditer(folded.text):
                start, end = folded.original(match.start(), match.end())
                key = match.group()
                score = EXACT if text[start:end] in written[key] else FOLDED
                for label in sorted(labels[key]):
                    yield Suggestion(uid, start, end, label, self.source, score)


def from_actors(actors: Iterable[Actor], linked: Mapping[str, Mapping[str, int]],
                labels: Collection[str], source: str = SOURCE) -> Gazetteer:
    """The gazetteer of ``actors``' names and aliases; ``linked`` gives, by actor id, how many
    of its linked spans carry each label; ``labels`` are the schema's."""
    names: dict[str, set[str]] = {}
    for actor in actors:
        label = actor_label(actor, linked.get(actor.id, {}), labels)
        if label is not None:
            for name in actor.names():
                names.setdefault(name, set()).add(label)
    return Gazetteer({name: frozenset(found) for name, found in names.items()}, source)
