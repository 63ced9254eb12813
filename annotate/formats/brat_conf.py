"""brat's ``annotation.conf``: what a corpus declares of its schema (read), and the one an
export writes. The names of what brat holds that our schema has no kind for are here too.

brat lines our model has no kind for are kept in span attributes of reserved names (the
reader makes them, the writer writes them back as the lines they were):

- an event (``E1<TAB>Type:T3 Role:T1 Role2:E2``) is a span with the attribute ``E:trigger``
  (the label of its trigger), labelled with the event type and lying where its trigger
  does; each role is a relation from it to the argument, its type the role (``Theme2``, the
  second Theme, is a ``Theme``);
- ``#`` lines other than AnnotatorNotes (notes) are the attribute ``#TYPE``, N lines the
  attribute ``N:TYPE`` (``RID:EID<TAB>text``), one line of the value for each line of the
  file;
- a ``*`` line's members hold the attribute ``*TYPE``: the number of their class.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotate.formats.base import read_utf8
from annotate.schema import AttributeDef, Label, LabelSchema, RelationType

CONF = "annotation.conf"
ANNOTATOR = "Annotator"  # the brat attribute holding each span's annotator
EVENT = "E:trigger"
"""The attribute that makes a span an event (an E line): the label of its trigger."""
COMMENT = "#"
"""Attributes named ``#TYPE`` hold a T's or E's ``#`` lines of TYPE other than AnnotatorNotes."""
NORMALISATION = "N:"
"""Attributes named ``N:TYPE`` hold a T's or E's N lines of TYPE (``RID:EID<TAB>text``)."""
EQUIVALENCE = "*"
"""Attributes named ``*TYPE`` hold the number of the ``*`` class of TYPE a T or E is in."""
RESERVED = (COMMENT, NORMALISATION, EQUIVALENCE)
TYPE = re.compile(r"\w[\w\-]*")  # a label, relation type or attribute name brat can hold
_CONF_VALUE = re.compile(r"[^\s|,]+")  # an attribute value annotation.conf can list
_REPEAT = re.compile(r"[?*+]$|\{[\d,\-]*\}$")  # Theme+, Place-Arg?, Person-Arg{2}
_ANY = ("<ENTITY>", "<ANY>")


def reserved(name: str) -> tuple[str | None, str]:
    """Which reserved attribute ``name`` is (``#``, ``N:``, ``*``: see the module) and the
    type it names; (None, name) for a plain attribute."""
    for kind in RESERVED:
        if name.startswith(kind):
            return kind, name[len(kind):]
    return None, name


# -- reading -----------------------------------------------------------------------------------
def declared_schema(path: Path, label_map: dict[str, str] | None = None) -> LabelSchema:
    """What the corpus's ``annotation.conf`` declares (none: an empty schema), names mapped by
    ``label_map``: entity types (``[entities]``, or ``[spans]`` of older brat) and event types
    as labels, an event type with the text attribute ``E:trigger``; the attributes declared on
    them (a flag as bool, one with values as a choice); relation types with the labels their
    Arg1 and Arg2 allow, and each event role as a relation type from the events that have it
    (a type declared twice, or a role of several events, allows what each line allows).
    ``<ENTITY>``, and a type the file does not declare, allow any label. Abstract types
    (``!Life``), settings (``<OVERLAP>``) and this format's own ``Annotator`` attribute are
    left out; names are checked when a definition is used."""
    conf = Path(path) / CONF
    if not conf.is_file():
        return LabelSchema()
    names = label_map or {}
    sections = _sections(read_utf8(conf))
    macros = {line.split("=", 1)[0].strip(): line.split("=", 1)[1].strip()
              for lines in sections.values() for line in lines
              if line.startswith("<") and "=" in line}
    entities = [names.get(t, t) for t in _types(sections, "entities", "spans")]
    event_lines = {names.get(t, t): rest for t, rest in _lines(sections, "events")}
    declared = {*entities, *event_lines}

    def allowed(text: str) -> tuple[str, ...] | None:
        """The labels ``text`` (``A|B``, a macro) names; None: any."""
        found: list[str] = []
        for part in macros.get(text, text).split("|"):
            part = part.strip()
            if part in _ANY:
                return None
            found += list(event_lines) if part == "<EVENT>" else [names.get(part, part)]
        found = [t for t in found if t in declared]
        return tuple(dict.fromkeys(found)) or None

    relations = _Relations()
    for name, rest in _lines(sections, "relations"):
        args = _arguments(rest)
        relations.add(names.get(name, name), allowed(args.get("Arg1", "<ENTITY>")),
                      allowed(args.get("Arg2", "<ENTITY>")))
    for event, rest in event_lines.items():
        for role, types in _arguments(rest).items():
            relations.add(names.get(_REPEAT.sub("", role), _REPEAT.sub("", role)), (event,),
                          allowed(types))
    attributes: dict[str, list[AttributeDef]] = {name: [] for name in entities}
    for event in event_lines:
        attributes[event] = [AttributeDef(EVENT, "text")]
    for name, rest in _lines(sections, "attributes"):
        args = _arguments(rest)
        if name == ANNOTATOR:
            continue
        values = tuple(v for v in args.get("Value", "").split("|") if v)
        attribute = AttributeDef(name, "choice", values) if values else AttributeDef(name, "bool")
        target = args.get("Arg", "<ENTITY>")
        on = entities if target == "<ENTITY>" else allowed(target) or entities
        for label in on:
            attributes.setdefault(label, []).append(attribute)
    labels = tuple(Label(name, attributes=tuple(attrs)) for name, attrs in attributes.items())
    return LabelSchema(labels, relations.types())


def _sections(text: str) -> dict[str, list[str]]:
    """The lines of each ``[section]``, comments and blank lines left out."""
    sections: dict[str, list[str]] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or set(line) == {"-"}:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        else:
            sections.setdefault(section, []).append(line)
    return sections


def _lines(sections: dict[str, list[str]], *names: str) -> Iterable[tuple[str, str]]:
    """``(type, the rest of the line)`` of the sections ``names``: abstract types, macros and
    settings left out."""
    for name in names:
        for line in sections.get(name, ()):
            head, *rest = line.split(None, 1)
            if head[:1] not in ("!", "<"):
                yield head, rest[0] if rest else ""


def _types(sections: dict[str, list[str]], *names: str) -> list[str]:
    return [head for head, _ in _lines(sections, *names)]


def _arguments(rest: str) -> dict[str, str]:
    """``Arg1:A|B, Arg2:C`` as ``{"Arg1": "A|B", "Arg2": "C"}`` (settings, ``<...>:``, left
    out)."""
    return {role.strip(): kind.strip() for role, _, kind in
            (part.partition(":") for part in rest.split(",")) if role.strip()[:1] != "<"}


class _Relations:
    """Relation types met in annotation.conf, a type met twice allowing what each allows."""

    def __init__(self) -> None:
        self._ends: dict[str, tuple[list[str] | None, list[str] | None]] = {}

    def add(self, name: str, sources: tuple[str, ...] | None,
            targets: tuple[str, ...] | None) -> None:
        if name not in self._ends:
            self._ends[name] = ([], [])
        old_sources, old_targets = self._ends[name]
        self._ends[name] = (_union(old_sources, sources), _union(old_targets, targets))

    def types(self) -> tuple[RelationType, ...]:
        return tuple(RelationType(name, tuple(sources or ()), tuple(targets or ()))
                     for name, (sources, targets) in self._ends.items())


def _union(old: list[str] | None, new: tuple[str, ...] | None) -> list[str] | None:
    if old is None or new is None:
        return None
    return [*old, *(n for n in new if n not in old)]


# -- writing -----------------------------------------------------------------------------------
@dataclass
class ConfSeen:
    """Labels, relation types, events and attribute values met while writing, for
    annotation.conf."""

    labels: set[str] = field(default_factory=set)
    relations: set[str] = field(default_factory=set)
    events: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    """event type -> role -> labels of its arguments."""
    attributes: set[tuple[str, str]] = field(default_factory=set)  # (name, label) written
    values: set[tuple[str, str]] = field(default_factory=set)  # (name, value) written
    annotators: dict[str, str] = field(default_factory=dict)  # name -> its attribute value


def _words(names: Iterable[str]) -> list[str]:
    """The names brat can hold as a type (the others are left out of annotation.conf, as
    their spans, relations and attributes are left out of the .ann files)."""
    return [name for name in names if TYPE.fullmatch(name)]


def conf_text(schema: LabelSchema, seen: ConfSeen) -> str:
    """The annotation.conf of an export: the schema's types and those the files hold."""
    events = {label.name for label in schema.labels if label.attribute(EVENT)} | set(seen.events)
    labels = [*_words(schema.label_names), *sorted(seen.labels - set(schema.label_names))]
    out = ["[entities]", *(name for name in labels if name not in events), "", "[relations]"]
    for rtype in schema.relations:
        starts = set(rtype.source_labels)
        if TYPE.fullmatch(rtype.name) and not (starts and starts <= events):
            sources = "|".join(_words(rtype.source_labels)) or "<ENTITY>"
            targets = "|".join(_words(rtype.target_labels)) or "<ENTITY>"
            out.append(f"{rtype.name}\tArg1:{sources}, Arg2:{targets}")
    for name in sorted(seen.relations - {r.name for r in schema.relations}):
        out.append(f"{name}\tArg1:<ENTITY>, Arg2:<ENTITY>")
    out += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]"]
    for event in sorted(_words(events)):
        args = {role: set(found) for role, found in seen.events.get(event, {}).items()}
        for rtype in schema.relations:
            if event in rtype.source_labels and rtype.name not in args:
                args[rtype.name] = set(rtype.target_labels)
        parts = [f"{role}*:{'|'.join(sorted(_words(found))) or '<ENTITY>'}"
                 for role, found in sorted(args.items()) if TYPE.fullmatch(role)]
        out.append(f"{event}\t{', '.join(parts)}" if parts else event)
    out += ["", "[attributes]"]
    defs: dict[str, tuple[AttributeDef, set[str]]] = {}
    for label in schema.labels:
        for attr in label.attributes:
            defs.setdefault(attr.name, (attr, set()))[1].add(label.name)
    for name in sorted({name for name, _ in seen.attributes} - defs.keys()):
        defs[name] = (AttributeDef(name), set())
    defs.pop(ANNOTATOR, None)
    defs.pop(EVENT, None)
    if seen.annotators:
        names = "|".join(sorted(seen.annotators.values()))
        out.append(f"{ANNOTATOR}\tArg:<ENTITY>, Value:{names}")
    for name, (attr, on_labels) in defs.items():
        if not TYPE.fullmatch(name) or reserved(name)[0] is not None:
            continue
        on_labels |= {label for written, label in seen.attributes if written == name}
        args = "|".join(sorted(_words(on_labels))) or "<ENTITY>"
        if attr.type == "bool":
            out.append(f"{name}\tArg:{args}")
            continue
        values = attr.choices if attr.type == "choice" else sorted(
            v for written, v in seen.values if written == name)
        values = [v for v in values if _CONF_VALUE.fullmatch(v)]
        if values:
            out.append(f"{name}\tArg:{args}, Value:{'|'.join(values)}")
    return "\n".join(out) + "\n"
