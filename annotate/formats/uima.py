"""What INCEpTION's layers (UIMA types) mean here, for the XMI and WebAnno TSV readers.

A span layer's annotations become spans and a relation layer's relations. The label (or
relation type) is the value of the layer's *tag feature*, the first of :data:`TAG_FEATURES`
the layer has and the annotation sets (``value`` is the tag of DKPro Core's named entities and
of most custom layers, ``PosValue`` of part-of-speech tags, ``DependencyType`` of
dependencies), except in layers whose ``value`` is free text (lemmas, stems); without one it
is the layer's short name (``webanno.custom.Person``: ``Person``). Every other feature with a
value is an attribute.
"""

from __future__ import annotations

from collections.abc import Iterable

SKIP_SELF = "relations from a span to itself (a relation joins two spans)"
TAG_FEATURES = ("label", "value", "PosValue", "DependencyType")
FREE_TEXT_LAYERS = frozenset({
    "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Lemma",
    "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Stem",
})
"""DKPro Core layers whose ``value`` is free text (a lemma, a stem), not a tag."""


def short_name(type_name: str) -> str:
    """``a.b.Person`` -> ``Person``."""
    return type_name.rsplit(".", 1)[-1]


def tag_feature(layer: str, features: Iterable[str]) -> str | None:
    """The feature of ``layer`` (with ``features``) whose value is the label, or None."""
    if layer in FREE_TEXT_LAYERS:
        return None
    present = set(features)
    return next((name for name in TAG_FEATURES if name in present), None)


def utf16_to_code_points(text: str) -> dict[int, int]:
    """UTF-16 unit offset -> code point offset, at every code point boundary of ``text``
    (what Java, and so UIMA, counts)."""
    table, units = {}, 0
    for i, char in enumerate(text):
        table[units] = i
        units += 2 if ord(char) > 0xFFFF else 1
    table[units] = len(text)
    return table
