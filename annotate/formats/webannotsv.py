"""WebAnno TSV 3 (3.0 to 3.3), as WebAnno and INCEpTION write it: read only.

The header declares the layers, ``#T_SP=`` span, ``#T_RL=`` relation and ``#T_CH=`` chain
layers, each with its feature columns (a relation layer's last column, ``BT_<type>``, names
its governor; a layer without features has one placeholder column). Each sentence is one or
more ``#Text=`` lines, then a row per token or sub-token: its id (``1-3``, ``1-3.1``), its
offsets, its text, and a cell per column. A cell holds ``_`` (nothing), or one value per
stacked annotation separated by ``|``, each ``*`` (no value) or an escaped value, with
``[n]`` naming an annotation that spans several tokens (or ``[m_n]`` the two ends of a
relation). The document's text is rebuilt as INCEpTION rebuilds it: each sentence's text at
its first token's offset, gaps filled with spaces. Offsets count UTF-16 units (Java's) and are
converted to code points.

Span layers become spans and relation layers relations (joining the spans of the governor's
layer at the two tokens), labels and attributes from the features as
:mod:`annotate.formats.uima` says. Counted, not imported: chain (coreference) links, slot
feature links, relation features other than the type, relations whose ends are not spans
and relations from a span to itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotate import strings
from annotate.formats.base import ImportOptions, Intake, check_text, read_utf8
from annotate.formats.uima import SKIP_SELF, short_name, tag_feature, utf16_to_code_points
from annotate.inputs import first_line
from annotate.model import AnnotatedDocument, Relation, Span
from annotate.schema import LabelSchema

FORMAT = re.compile(r"#FORMAT=WebAnno TSV 3\.(\d+)")
_STACK = re.compile(r"(?<!\\)\|")
_SLOT = re.compile(r"(?<!\\);")
_UNIT = re.compile(r"(\d+)-(\d+)(?:\.(\d+))?")
_OFFSETS = re.compile(r"(\d+)-(\d+)")
_VALUE_ESCAPES = {"\\\\": "\\", "\\[": "[", "\\]": "]", "\\|": "|", "\\_": "_", "\\->": "->",
                  "\\;": ";", "\\t": "\t", "\\n": "\n", "\\*": "*"}
_VALUE_ESCAPE = re.compile("|".join(map(re.escape, _VALUE_ESCAPES)))
_TEXT_ESCAPES = {"\\t": "\t", "\\n": "\n", "\\f": "\f", "\\r": "\r", "\\b": "\b", "\\\\": "\\",
                 **{f"\\{chr(i)}": chr(i) for i in range(32) if not 7 < i < 14}}
_TEXT_ESCAPE = re.compile("|".join(map(re.escape, _TEXT_ESCAPES)))

SKIP_CHAINS = "chain (coreference) links (no place for chains)"
SKIP_SLOTS = "slot feature links (INCEpTION link features have no place)"
SKIP_RELATION_FEATURES = "relation features besides the type (a relation has no attributes)"
SKIP_ENDS = "relations whose ends are not imported spans"


def holds(path: Path) -> bool:
    """Whether ``path`` is a WebAnno TSV 3 file (by its first line)."""
    return path.suffix.lower() == ".tsv" and first_line(path).decode(
        "utf-8", errors="replace").lstrip("\ufeff").startswith("#FORMAT=WebAnno TSV 3")


@dataclass(frozen=True, slots=True)
class _Column:
    layer: str  # the UIMA type
    kind: str  # "span", "relation", "chain"
    feature: str | None  # None: the placeholder of a layer without features
    role: str = "primitive"  # "primitive", "base", "slot role", "slot target", "chain"
    base: str = ""  # a relation layer's governor type


@dataclass
class _Annotation:
    layer: str
    unit: str  # the token or sub-token it starts at (a relation: its dependent's)
    begin: int
    end: int
    where: str
    features: dict[str, Any] = field(default_factory=dict)
    governor: tuple[str, int | None, int | None] | None = None  # unit id, source/target ids


def _unescape_value(value: str) -> str:
    return _VALUE_ESCAPE.sub(lambda m: _VALUE_ESCAPES[m.group()], value)


def _unescape_text(text: str, minor: int) -> str:
    if minor <= 1:  # 3.0 and 3.1 escape text as Java does
        return text.encode("latin-1", "backslashreplace").decode("unicode_escape")
    return _TEXT_ESCAPE.sub(lambda m: _TEXT_ESCAPES[m.group()], text)


def _columns(lines: list[str], intake: Intake) -> tuple[list[_Column], int]:
    """The columns the header declares, and the number of the first line after it."""
    columns: list[_Column] = []
    number = 2
    kinds = {"#T_SP=": "span", "#T_RL=": "relation", "#T_CH=": "chain"}
    while number <= len(lines) and lines[number - 1][:6] in kinds:
        line = lines[number - 1]
        kind = kinds[line[:6]]
        layer, *features = line[6:].split("|")
        if not layer:
            raise intake.error("a layer declaration names no type", f"line {number}")
        if not features:
            columns.append(_Column(layer, kind, None))
        previous = ""
        for name in features:
            if kind == "relation" and name.startswith("BT_"):
                columns.append(_Column(layer, kind, name, "base", name[3:]))
            elif kind == "chain":
                columns.append(_Column(layer, kind, name, "chain"))
            elif kind == "span" and name.startswith("ROLE_"):
                columns.append(_Column(layer, kind, name, "slot role"))
            elif kind == "span" and previous.startswith("ROLE_"):
                columns.append(_Column(layer, kind, name, "slot target"))
            else:
                columns.append(_Column(layer, kind, name))
            previous = name
        number += 1
    return columns, number


def read(path: Path, schema: LabelSchema, options: ImportOptions) -> Iterator[AnnotatedDocument]:
    """One record: the file's document; InputError names the line and column at fault."""
    intake = Intake(schema, options, path)
    lines = [line.removesuffix("\r")
             for line in read_utf8(path).removeprefix("\ufeff").split("\n")]
    found = FORMAT.match(lines[0])
    if found is None:
        raise intake.error("not WebAnno TSV 3 (the first line must be #FORMAT=WebAnno TSV "
                           f"3.x), got {lines[0][:40]!r}", "line 1")
    columns, first = _columns(lines, intake)
    reader = _Reader(intake, columns, int(found.group(1)))
    reader.body(lines, first)
    yield reader.record(Path(path).stem)
    intake.finish()


class _Reader:
    def __init__(self, intake: Intake, columns: list[_Column], minor: int):
        self.intake, self.columns, self.minor = intake, columns, minor
        self.text: list[str] = []
        self.units = 0  # UTF-16 length of the text so far
        self.spans: dict[tuple[Any, ...], _Annotation] = {}
        self.at_unit: dict[tuple[str, str], list[tuple[Any, ...]]] = {}  # (layer, unit) -> keys
        self.relations: dict[tuple[Any, ...], _Annotation] = {}

    def body(self, lines: list[str], first: int) -> None:
        sentence: list[str] = []
        for number in range(first, len(lines) + 1):
            line, where = lines[number - 1], f"line {number}"
            if not line:
                continue
            if line.startswith("#Text="):
                sentence.append(_unescape_text(line[6:], self.minor) + "\n")
            elif line.startswith("#"):
                continue  # #Sentence.id= and other sentence headers
            else:
                cells = line.split("\t")
                begin, end, unit = self._unit(cells, where)
                if sentence:
                    self._place("".join(sentence), begin, where)
                    sentence = []
                self._row(cells, unit, begin, end, where)

    def _unit(self, cells: list[str], where: str) -> tuple[int, int, str]:
        wanted = 3 + len(self.columns)
        beyond = [cell for cell in cells[wanted:] if cell]  # INCEpTION ends a row with a tab
        if len(cells) < wanted or beyond:
            more = f" with {strings.shown(beyond[0])} beyond them" if beyond else ""
            raise self.intake.error(f"expected {wanted} tab-separated fields (the header "
                                    f"declares {len(self.columns)} columns), found "
                                    f"{len(cells)}{more}", where)
        unit, offsets = _UNIT.fullmatch(cells[0]), _OFFSETS.fullmatch(cells[1])
        if unit is None or offsets is None:
            raise self.intake.error(f"expected a token id like 1-2 and offsets like 0-4, got "
                                    f"{cells[0]!r} and {cells[1]!r}", where)
        begin, end = int(offsets.group(1)), int(offsets.group(2))
        if not begin <= end:
            raise self.intake.error(f"offsets {cells[1]!r} run backwards", where)
        return begin, end, cells[0]

    def _place(self, sentence: str, begin: int, where: str) -> None:
        """Put a sentence's text at its first token's offset (UTF-16 units)."""
        if self.units == begin + 1 and self.text and self.text[-1].endswith("\n"):
            self.text[-1] = self.text[-1][:-1]  # no space between the two sentences
            self.units -= 1
        if self.units > begin:
            raise self.intake.error(f"the sentence starts at {begin}, inside the text before "
                                    f"it (which ends at {self.units})", where)
        self.text.append(" " * (begin - self.units) + sentence)
        self.units = begin + len(sentence.encode("utf-16-le")) // 2

    def _row(self, cells: list[str], unit: str, begin: int, end: int, where: str) -> None:
        for index, column in enumerate(self.columns):
            cell = cells[3 + index]
            if cell == "_":
                continue
            if column.role == "chain":
                if column is next(c for c in self.columns if c.layer == column.layer):
                    self.intake.lose(SKIP_CHAINS, len(_STACK.split(cell)))
                continue
            if column.role == "slot role":
                self.intake.lose(SKIP_SLOTS, sum(v != "_" for v in _SLOT.split(cell)))
                continue
            if column.role == "slot target":
                continue
            for stack, value in enumerate(_STACK.split(cell)):
                self._value(column, unit, begin, end, stack, value, f"{where}, column {index + 4}")

    def _value(self, column: _Column, unit: str, begin: int, end: int, stack: int, value: str,
               where: str) -> None:
        ids = None
        if value.endswith("]") and not value.endswith("\\]") and "[" in value:
            value, _, ids = value[:-1].rpartition("[")
        if column.kind == "span":
            key = (column.layer, int(ids)) if ids and ids.isdigit() else (column.layer, unit,
                                                                          stack)
            found = self.spans.get(key)
            if found is None:
                found = self.spans[key] = _Annotation(column.layer, unit, begin, end, where)
            found.end = max(found.end, end)
            here = self.at_unit.setdefault((column.layer, unit), [])
            if key not in here:
                here.append(key)
            if column.feature is not None and value != "*":
                found.features[column.feature] = _unescape_value(value)
            return
        rel_key = (column.layer, unit, stack)
        found = self.relations.setdefault(rel_key,
                                          _Annotation(column.layer, unit, begin, end, where))
        if column.role == "base":
            source = target = None
            if ids:
                parts = ids.split("_")
                if len(parts) != 2 or not all(p.isdigit() for p in parts):
                    raise self.intake.error(f"expected [source_target] ids, got [{ids}]", where)
                source, target = int(parts[0]), int(parts[1])
            found.governor = (value, source, target)
            found.features["__base"] = column.base
        elif value != "*":
            found.features[column.feature or ""] = _unescape_value(value)

    def record(self, title: str) -> AnnotatedDocument:
        intake = self.intake
        text = "".join(self.text)
        if text.endswith("\n"):
            text = text[:-1]  # the line break that closes the last sentence
        text = check_text(text, intake.file, "#Text")
        table = utf16_to_code_points(text)
        doc = intake.document(text, title, {}, None)
        annotator = intake.options.annotator_for(None)
        made: dict[tuple[Any, ...], Span] = {}
        for key, found in self.spans.items():
            start, end = table.get(found.begin), table.get(found.end)
            if found.end > self.units:
                raise intake.error(f"offsets {found.begin}-{found.end} do not lie in the text "
                                   f"(its length is {self.units} UTF-16 units)", found.where)
            if start is None or end is None:
                raise intake.error(f"offsets {found.begin}-{found.end} split a character "
                                   "outside the BMP (they count UTF-16 units)", found.where)
            values = dict(found.features)
            tag = tag_feature(found.layer, values)
            label = values.pop(tag, None) if tag else None
            made[key] = intake.span(doc, start, end, label or short_name(found.layer), annotator,
                                    found.where, attributes=values)
        relations = [rel for found in self.relations.values()
                     if (rel := self._relation(found, made, annotator)) is not None]
        return AnnotatedDocument(doc, tuple(made.values()), tuple(relations))

    def _relation(self, found: _Annotation, made: dict[tuple[Any, ...], Span],
                  annotator: str) -> Relation | None:
        values = dict(found.features)
        base = values.pop("__base", "")
        if found.governor is None:
            raise self.intake.error("a relation without its governor column", found.where)
        governor, source_id, target_id = found.governor
        ends = [self._end(base, governor, source_id, made),
                self._end(base, found.unit, target_id, made)]
        if ends[0] is None or ends[1] is None:
            self.intake.lose(SKIP_ENDS)
            return None
        if ends[0] is ends[1]:
            self.intake.lose(SKIP_SELF)
            return None
        tag = tag_feature(found.layer, values)
        rtype = values.pop(tag, None) if tag else None
        self.intake.lose(SKIP_RELATION_FEATURES, len(values))
        return self.intake.relation(rtype or short_name(found.layer), ends[0], ends[1],
                                    annotator, found.where)

    def _end(self, layer: str, unit: str, ids: int | None,
             made: dict[tuple[Any, ...], Span]) -> Span | None:
        if ids is not None and (layer, ids) in made:
            return made[(layer, ids)]
        keys = self.at_unit.get((layer, unit), [])
        return made.get(keys[0]) if keys else None
