"""The actors' gazetteer: names and aliases found folded and as whole words, the longest where
they overlap, each actor under the label its linked spans carry most, else its kind's."""

from __future__ import annotations

from annotate.actors import Actor
from annotate.gazetteer import SOURCE, actor_label, from_actors
from annotate.occurrences import EXACT, FOLDED

LABELS = ("PERSON", "ORG", "ARMED_GROUP", "LOCATION")
WAGNER = Actor("Wagner Group", "armed group", ("Wagner", "Africa Corps"), "w")
KIDAL = Actor("Kidal", "place", (), "k")
MALI = Actor("Mali", "state", (), "m")
TEXT = "The wagner group left KIDAL; Wagner, the Africa-Corps, Kidals and Mali remain."


def found(actors, linked=None, text=TEXT) -> list[tuple[str, str, float]]:
    gazetteer = from_actors(actors, linked or {}, LABELS)
    return [(text[s.start:s.end], s.label, s.score)
            for s in gazetteer.suggest([("d1", text)]) if s.source == SOURCE]


def test_names_and_aliases_are_found_folded_whole_words_longest_first() -> None:
    assert found([WAGNER, KIDAL]) == [
        ("wagner group", "ARMED_GROUP", FOLDED), ("KIDAL", "LOCATION", FOLDED),
        ("Wagner", "ARMED_GROUP", EXACT), ("Africa-Corps", "ARMED_GROUP", FOLDED)]


def test_an_actor_takes_the_label_its_linked_spans_carry_most() -> None:
    assert actor_label(MALI, {}, LABELS) is None  # a state: no label of its own
    assert actor_label(MALI, {"LOCATION": 2, "ORG": 3}, LABELS) == "ORG"
    assert actor_label(MALI, {"LOCATION": 3, "ORG": 3}, LABELS) == "LOCATION"  # ties: by name
    assert actor_label(KIDAL, {"GONE": 9}, LABELS) == "LOCATION"  # not the schema's: its kind's
    assert found([MALI]) == []
    assert found([MALI], {"m": {"ORG": 1}}) == [("Mali", "ORG", EXACT)]


def test_every_document_is_searched_with_its_own_offsets() -> None:
    gazetteer = from_actors([KIDAL], {}, LABELS)
    texts = [("a", "Kidàl."), ("b", "nothing"), ("c", "🙂 In kidal")]
    assert [(s.document, s.start, s.end, s.score) for s in gazetteer.suggest(texts)] == [
        ("a", 0, 5, FOLDED), ("c", 5, 10, FOLDED)]
    assert list(from_actors([], {}, LABELS).suggest(texts)) == []
