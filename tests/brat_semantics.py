"""What a brat ``.ann`` file says, independent of ids and line order, parsed here without the
reader under test: the brat round-trip tests compare these."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_ROLE_NUMBER = re.compile(r"\d+$")  # brat reads Theme2 as a second Theme


@dataclass
class Meaning:
    """Every annotation of one .ann file, each id replaced by what it names."""

    entities: Counter[Any] = field(default_factory=Counter)  # (label, fragments)
    events: Counter[Any] = field(default_factory=Counter)
    relations: Counter[Any] = field(default_factory=Counter)
    attributes: Counter[Any] = field(default_factory=Counter)
    comments: Counter[Any] = field(default_factory=Counter)  # notes and other # lines
    normalisations: Counter[Any] = field(default_factory=Counter)
    equivalences: set[Any] = field(default_factory=set)  # (type, frozenset of a class)

    def counts(self) -> dict[str, int]:
        return {"T": sum(self.entities.values()), "E": sum(self.events.values()),
                "R": sum(self.relations.values()), "A": sum(self.attributes.values()),
                "#": sum(self.comments.values()), "N": sum(self.normalisations.values()),
                "*": len(self.equivalences)}


def meaning(path: Path, ignore_attributes: frozenset[str] = frozenset()) -> Meaning:
    """What ``path`` says; attributes named in ``ignore_attributes`` are left out."""
    lines = [line.removesuffix("\r").split("\t")
             for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    bounds: dict[str, tuple[Any, ...]] = {}
    events: dict[str, list[str]] = {}
    links: dict[str, list[str]] = {}
    for ident, body, *_ in lines:
        if ident[0] == "T":
            label, offsets = body.split(" ", 1)
            pieces = tuple(tuple(map(int, piece.split())) for piece in offsets.split(";"))
            bounds[ident] = ("T", label, pieces)
        elif ident[0] == "E":
            events[ident] = body.split()
        elif ident[0] == "R":
            links[ident] = body.split()
    named: dict[str, Any] = dict(bounds)

    def name(ident: str, depth: int = 0) -> Any:
        if ident in links:
            rtype, arg1, arg2 = links[ident]
            return ("R", rtype, name(arg1.split(":")[1]), name(arg2.split(":")[1]))
        if ident not in named:
            assert depth < 20, f"events nested too deep at {ident}"
            (etype, trigger), *args = (part.split(":") for part in events[ident])
            named[ident] = ("E", etype, bounds[trigger], tuple(sorted(
                (_ROLE_NUMBER.sub("", role), name(arg, depth + 1)) for role, arg in args)))
        return named[ident]

    found = Meaning()
    parent: dict[Any, Any] = {}

    def root(key: Any) -> Any:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for ident, body, *rest in lines:
        kind = ident[0]
        if kind == "T":
            found.entities[bounds[ident][1:]] += 1
        elif kind == "E":
            found.events[name(ident)] += 1
        elif kind == "R":
            found.relations[name(ident)] += 1
        elif kind in "AM":
            attr, target, *value = body.split(" ")
            if attr not in ignore_attributes:
                found.attributes[(attr, name(target), tuple(value))] += 1
        elif kind == "#":
            ctype, target = body.split(" ")
            found.comments[(ctype, name(target), rest[0] if rest else "")] += 1
        elif kind == "N":
            ntype, target, ref = body.split(" ", 2)
            found.normalisations[(ntype, name(target), ref, *rest)] += 1
        elif kind == "*":
            etype, first, *others = body.split()
            for other in others:
                parent[root((etype, name(other)))] = root((etype, name(first)))
    classes: dict[Any, set[Any]] = {}
    for key in list(parent):
        classes.setdefault(root(key), set()).add(key[1])
    found.equivalences = {(top[0], frozenset(members)) for top, members in classes.items()}
    return found


def folder_meaning(root: Path, ignore_attributes: frozenset[str] = frozenset()
                   ) -> dict[str, Meaning]:
    """Each .ann under ``root`` by the name of its .txt's text (names change on export)."""
    return {txt.read_text(encoding="utf-8"): meaning(txt.with_name(f"{txt.stem}.ann"),
                                                     ignore_attributes)
            for txt in sorted(root.rglob("*.txt"))
            if txt.with_name(f"{txt.stem}.ann").exists()}
