"""The label schema: labels grouped by category, their attributes, relation types, and the
document label categories (labels given to a whole document, single- or multi-choice).

The JSON form is the contract of FORMATS.md (``schema export`` / ``schema import``).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any, Literal

from annotate.errors import InputError, ValidationError
from annotate.inputs import parse_json
from annotate.model import DocLabel, Relation, Span
from annotate.strings import NAME_MAX, check_name, check_text, check_value, name_problem, shown

Category = Literal["claim", "entity", "denial", "other"]
CATEGORIES: tuple[Category, ...] = ("claim", "entity", "denial", "other")
AttributeType = Literal["choice", "text", "number", "bool"]
ATTRIBUTE_TYPES: tuple[AttributeType, ...] = ("choice", "text", "number", "bool")
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")  # "_gt_N": a CoNLL-ST 2006 relation in brat
_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
RESERVED_HOTKEYS = {"l": "links the selected span", "x": "rejects a suggestion"}
"""The keys the text keeps for itself (no label or document value may take them as hotkeys):
each, lower case, with what it does."""


def _check_hotkey_free(key: str, owner: str) -> None:
    """ValidationError when ``key`` (lower case) is one the text keeps for itself."""
    if key in RESERVED_HOTKEYS:
        raise ValidationError(f"{owner}: hotkey {key!r} is the text's own key (it "
                              f"{RESERVED_HOTKEYS[key]}): choose another")


def is_label_name(name: str) -> bool:
    """Whether ``name`` may name a label or a relation type (see :meth:`LabelSchema.validate`)."""
    return bool(_NAME.fullmatch(name)) and len(name) <= NAME_MAX


def label_spelling(name: str) -> str:
    """A spelling of ``name`` that labels and relation types may have: accents dropped, each run
    of other characters one ``_``, and ``label-`` in front of one that starts with neither a
    letter nor ``_``; a name without a Latin letter or digit is spelled by its characters'
    Unicode names ("Important Stuff" -> Important_Stuff, "12" -> label-12, "$," ->
    DOLLAR_SIGN_COMMA)."""
    if is_label_name(name):
        return name
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    if not re.search(r"[A-Za-z0-9]", plain):  # punctuation or another script: its characters' names
        plain = "_".join(unicodedata.name(char, "") for char in name)
    spelled = re.sub(r"[^A-Za-z0-9_\-]+", "_", plain).strip("_")[:NAME_MAX - 6]
    if not spelled:
        return "label"
    return spelled if _NAME.match(spelled) else f"label-{spelled}"


def fit_name(name: str, renamed: dict[str, str]) -> str:
    """``name`` if labels and relation types may have it, else its :func:`label_spelling`,
    the same for every use of ``name``: ``renamed`` (old -> new) remembers it, and a spelling
    another name was given first gets ``-2``, ``-3``... A name that breaks the rule of every
    name (a control character, too long, :mod:`annotate.strings`) is returned as it is, to be
    refused where it is checked: it is damage, not another tool's naming."""
    if is_label_name(name) or name_problem(name) is not None:
        return name
    found = renamed.get(name)
    if found is None:
        taken = set(renamed.values())
        base = found = label_spelling(name)
        n = 2
        while found in taken:
            found, n = f"{base}-{n}", n + 1
        renamed[name] = found
    return found


def _is_number(value: Any) -> bool:
    """A finite float or a 64-bit integer: what every JSON format reads and writes exactly."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    return isinstance(value, float) and math.isfinite(value)


@dataclass(frozen=True, slots=True)
class AttributeDef:
    name: str
    type: AttributeType = "text"
    choices: tuple[str, ...] = ()

    def check(self, value: Any) -> None:
        """Raise ValidationError unless ``value`` fits this attribute (None always fits)."""
        if value is None:
            return
        ok = {
            "choice": isinstance(value, str) and value in self.choices,
            "text": isinstance(value, str),
            "number": _is_number(value),
            "bool": isinstance(value, bool),
        }[self.type]
        if not ok:
            allowed = f" (one of {', '.join(self.choices)})" if self.type == "choice" else ""
            raise ValidationError(
                f"attribute {self.name!r} expects {self.type}{allowed}, got {shown(value)}"
            )


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    category: Category = "other"
    color: str = OKABE_ITO[0]
    hotkey: str | None = None
    description: str = ""
    attributes: tuple[AttributeDef, ...] = ()

    def attribute(self, name: str) -> AttributeDef | None:
        return next((a for a in self.attributes if a.name == name), None)

    def kept(self, attributes: Mapping[str, Any]) -> dict[str, Any]:
        """The ``attributes`` a span keeps when it takes this label: those this label defines
        whose values fit it; the rest are dropped."""
        kept = {}
        for name, value in attributes.items():
            attr = self.attribute(name)
            if attr is None:
                continue
            try:
                attr.check(value)
            except ValidationError:
                continue
            kept[name] = value
        return kept


@dataclass(frozen=True, slots=True)
class RelationType:
    name: str
    source_labels: tuple[str, ...] = ()  # "from" in the file; empty means any label
    target_labels: tuple[str, ...] = ()  # "to"
    across: bool = False
    """Whether its links may end at a span of another document ("across_documents" in the
    file): a claim repeating, contradicting or denying a claim elsewhere."""

    def starts_at(self, label: str) -> bool:
        return not self.source_labels or label in self.source_labels

    def ends_at(self, label: str) -> bool:
        return not self.target_labels or label in self.target_labels


@dataclass(frozen=True, slots=True)
class DocValue:
    """One value a document category offers (e.g. "supports" of "stance"); its hotkey, when
    the text view has the focus and nothing is selected, toggles it on the document."""

    name: str
    hotkey: str | None = None
    color: str = OKABE_ITO[1]
    description: str = ""


@dataclass(frozen=True, slots=True)
class DocCategory:
    """A set of document labels: each annotator gives a document one of its ``values``
    (``multi`` False), or any number of them (``multi`` True)."""

    name: str
    values: tuple[DocValue, ...] = ()
    multi: bool = False
    description: str = ""

    def value(self, name: str) -> DocValue | None:
        return next((v for v in self.values if v.name == name), None)

    @property
    def value_names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.values)


@dataclass(frozen=True, slots=True)
class LabelSchema:
    labels: tuple[Label, ...] = ()
    relations: tuple[RelationType, ...] = ()
    documents: tuple[DocCategory, ...] = ()
    """The document label categories."""
    _by_name: dict[str, Label] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({label.name: label for label in self.labels})

    # -- look-ups ---------------------------------------------------------------------------
    def label(self, name: str) -> Label | None:
        return self._by_name.get(name)

    def relation_type(self, name: str) -> RelationType | None:
        return next((r for r in self.relations if r.name == name), None)

    def relation_choices(self, source: str, target: str, across: bool = False) -> list[str]:
        """Names of the relation types that may go from a ``source`` label to a ``target``
        label (``across``: of another document): those :meth:`check_relation` accepts."""
        return [r.name for r in self.relations
                if r.starts_at(source) and r.ends_at(target) and (r.across or not across)]

    def doc_category(self, name: str) -> DocCategory | None:
        return next((c for c in self.documents if c.name == name), None)

    def hotkeys(self) -> set[str]:
        """Every hotkey the schema gives (labels' and document values'), lower case."""
        keys = {label.hotkey.lower() for label in self.labels if label.hotkey}
        keys.update(v.hotkey.lower() for c in self.documents for v in c.values if v.hotkey)
        return keys

    def flat_name(self, category: str, value: str) -> str:
        """The one-string name of a document label, for formats with a flat list of document
        labels (spaCy ``doc.cats``, doccano ``cats``): the value alone when no other category
        has a value of that name, else ``category:value``."""
        owners = [c for c in self.documents if c.value(value) is not None]
        return value if len(owners) <= 1 else f"{category}:{value}"

    def from_flat_name(self, name: str) -> tuple[str, str] | None:
        """The (category, value) a flat name (:meth:`flat_name`) stands for: ``category:value``,
        or a value that one category alone has; None when none or several match."""
        category, colon, value = name.partition(":")
        if colon and (found := self.doc_category(category)) and found.value(value):
            return category, value
        owners = [c.name for c in self.documents if c.value(name) is not None]
        return (owners[0], name) if len(owners) == 1 else None

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.labels)

    def by_category(self) -> dict[Category, list[Label]]:
        groups: dict[Category, list[Label]] = {c: [] for c in CATEGORIES}
        for label in self.labels:
            groups[label.category].append(label)
        return {c: labels for c, labels in groups.items() if labels}

    # -- rules ------------------------------------------------------------------------------
    def validate(self) -> None:
        """Raise ValidationError when the schema contradicts itself."""
        seen_names: set[str] = set()
        seen_keys: dict[str, str] = {}
        for label in self.labels:
            check_name(label.name, "label name")
            if not _NAME.fullmatch(label.name):
                raise ValidationError(
                    f"label name {label.name!r} must start with a letter or '_' and hold "
                    "only letters, digits, '_' or '-'"
                )
            if label.name in seen_names:
                raise ValidationError(f"label {label.name!r} is defined twice")
            seen_names.add(label.name)
            if label.category not in CATEGORIES:
                raise ValidationError(
                    f"label {label.name!r}: category {label.category!r} is not one "
                    f"of {', '.join(CATEGORIES)}"
                )
            check_text(label.description, f"label {label.name!r}: the description")
            if not isinstance(label.color, str) or not _COLOR.fullmatch(label.color):
                raise ValidationError(
                    f"label {label.name!r}: colour {label.color!r} is not #RRGGBB"
                )
            if label.hotkey is not None:
                if (not isinstance(label.hotkey, str) or len(label.hotkey) != 1
                        or not label.hotkey.isalnum()):
                    raise ValidationError(
                        f"label {label.name!r}: hotkey {label.hotkey!r} must be one letter or digit"
                    )
                key = label.hotkey.lower()
                _check_hotkey_free(key, f"label {label.name!r}")
                if key in seen_keys:
                    raise ValidationError(
                        f"hotkey {key!r} is used by {seen_keys[key]!r} and {label.name!r}"
                    )
                seen_keys[key] = label.name
            attr_names = [a.name for a in label.attributes]
            if len(set(attr_names)) != len(attr_names):
                raise ValidationError(f"label {label.name!r} defines an attribute twice")
            for attr in label.attributes:
                check_name(attr.name, f"label {label.name!r}: attribute name")
                for choice in attr.choices:
                    check_name(choice, f"label {label.name!r}: a choice of {attr.name!r}")
                if attr.type not in ATTRIBUTE_TYPES:
                    raise ValidationError(
                        f"label {label.name!r}: attribute {attr.name!r} has unknown "
                        f"type {attr.type!r}"
                    )
                if attr.type == "choice" and not attr.choices:
                    raise ValidationError(
                        f"label {label.name!r}: choice attribute {attr.name!r} has no choices"
                    )
        self._validate_documents(seen_keys)
        for rel in self.relations:
            check_name(rel.name, "relation name")
        rel_names = [r.name for r in self.relations]
        if len(set(rel_names)) != len(rel_names):
            raise ValidationError("a relation type is defined twice")
        for rel in self.relations:
            if not _NAME.fullmatch(rel.name):
                raise ValidationError(f"relation name {rel.name!r} is not a valid name")
            for name in (*rel.source_labels, *rel.target_labels):
                if not isinstance(name, str) or name not in seen_names:
                    raise ValidationError(f"relation {rel.name!r} names unknown label {name!r}")

    def _validate_documents(self, seen_keys: dict[str, str]) -> None:
        """The document categories: names as label names, values valid names once per
        category, hotkeys clashing with no label's and no other value's."""
        seen: set[str] = set()
        for category in self.documents:
            check_name(category.name, "document category name")
            if not _NAME.fullmatch(category.name):
                raise ValidationError(
                    f"document category {category.name!r} must start with a letter and hold "
                    "only letters, digits, '_' or '-'"
                )
            if category.name in seen:
                raise ValidationError(f"document category {category.name!r} is defined twice")
            seen.add(category.name)
            if not isinstance(category.multi, bool):
                raise ValidationError(f"document category {category.name!r}: multi must be "
                                      "true or false")
            check_text(category.description, f"document category {category.name!r}: "
                                              "the description")
            if not category.values:
                raise ValidationError(f"document category {category.name!r} has no values")
            names = category.value_names
            if len(set(names)) != len(names):
                raise ValidationError(f"document category {category.name!r} defines a value "
                                      "twice")
            for value in category.values:
                where = f"document category {category.name!r}: value {shown(value.name)}"
                check_name(value.name, f"document category {category.name!r}: a value")
                check_text(value.description, f"{where}: the description")
                if not isinstance(value.color, str) or not _COLOR.fullmatch(value.color):
                    raise ValidationError(f"{where}: colour {value.color!r} is not #RRGGBB")
                if value.hotkey is None:
                    continue
                if (not isinstance(value.hotkey, str) or len(value.hotkey) != 1
                        or not value.hotkey.isalnum()):
                    raise ValidationError(
                        f"{where}: hotkey {value.hotkey!r} must be one letter or digit")
                key = value.hotkey.lower()
                _check_hotkey_free(key, where)
                owner = f"{category.name}:{value.name}"
                if key in seen_keys:
                    raise ValidationError(
                        f"hotkey {key!r} is used by {seen_keys[key]!r} and {owner!r}")
                seen_keys[key] = owner

    def check_doc_label(self, label: DocLabel) -> None:
        """Raise ValidationError unless the schema has the label's category and value."""
        category = self.doc_category(label.category)
        if category is None:
            raise ValidationError(f"unknown document category {shown(label.category)}")
        if category.value(label.value) is None:
            raise ValidationError(
                f"document category {category.name!r} has no value {shown(label.value)} "
                f"(its values: {', '.join(category.value_names)})"
            )

    def check_span(self, span: Span, text: str | None = None) -> None:
        """Raise ValidationError unless the span's label and attributes fit (and, given the
        text, its bounds)."""
        label = self.label(span.label)
        if label is None:
            raise ValidationError(f"span {span.id}: unknown label {shown(span.label)}")
        if span.note is not None:
            check_text(span.note, f"span {span.id}: the note")
        if span.attributes:
            check_value(span.attributes, f"span {span.id}: attributes")
            self.check_attributes(label, span.attributes)
        if text is not None:
            span.check_bounds(text)

    def check_attributes(self, label: Label, attributes: Mapping[str, Any]) -> None:
        for name, value in attributes.items():
            attr = label.attribute(name)
            if attr is None:
                raise ValidationError(f"label {label.name!r} has no attribute {name!r}")
            attr.check(value)

    def check_relation(self, relation: Relation, source: Span, target: Span) -> None:
        rtype = self.relation_type(relation.type)
        if rtype is None:
            raise ValidationError(f"relation {relation.id}: unknown type {relation.type!r}")
        if source.document != target.document:
            if not rtype.across:
                raise ValidationError(f"relation {relation.id}: {relation.type} cannot link "
                                      "spans of two documents")
            if relation.target_document != target.document:
                raise ValidationError(f"relation {relation.id}: its target lies in document "
                                      f"{target.document}, not {relation.target_document}")
        elif relation.target_document is not None:
            raise ValidationError(f"relation {relation.id} names another document, but its "
                                  "target is in its own")
        if not rtype.starts_at(source.label):
            raise ValidationError(
                f"{relation.type} cannot start at a {source.label} span "
                f"(allowed: {', '.join(rtype.source_labels)})"
            )
        if not rtype.ends_at(target.label):
            raise ValidationError(
                f"{relation.type} cannot end at a {target.label} span "
                f"(allowed: {', '.join(rtype.target_labels)})"
            )

    # -- edits ------------------------------------------------------------------------------
    def with_label(self, label: Label, replacing: str | None = None) -> LabelSchema:
        """A copy with ``label`` added, or put in place of the label named ``replacing``.
        Relation types that named the old label follow a rename."""
        if replacing is None:
            return self.edited([*((old.name, old) for old in self.labels), (None, label)])[0]
        return self.edited(
            [(old.name, label if old.name == replacing else old) for old in self.labels]
        )[0]

    def edited(
        self, labels: Sequence[tuple[str | None, Label]]
    ) -> tuple[LabelSchema, dict[str, str]]:
        """The schema of ``labels``, each paired with the name it has here (None: a new
        label), and the renames {old: new} the store needs to keep spans. Relation types
        follow renames and forget removed labels; one left joining only removed labels goes."""
        renames = {old: label.name for old, label in labels
                   if old is not None and old != label.name}
        kept = {old for old, _ in labels if old is not None}

        def follow(names: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(renames.get(n, n) for n in names if n in kept)

        relations = []
        for rel in self.relations:
            source, target = follow(rel.source_labels), follow(rel.target_labels)
            if (rel.source_labels and not source) or (rel.target_labels and not target):
                continue
            relations.append(replace(rel, source_labels=source, target_labels=target))
        return LabelSchema(tuple(label for _, label in labels), tuple(relations),
                           self.documents), renames

    def add_labels(self, names: Iterable[str], category: Category = "other") -> LabelSchema:
        """A copy with plain labels added for each unknown name, colours from the palette."""
        schema = self
        for name in names:
            if schema.label(name) is None:
                color = OKABE_ITO[len(schema.labels) % len(OKABE_ITO)]
                schema = schema.with_label(Label(name, category, color))
        return schema

    # -- JSON -------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "labels": [
                {
                    "name": label.name,
                    "category": label.category,
                    "color": label.color,
                    "hotkey": label.hotkey,
                    "description": label.description,
                    "attributes": [
                        {
                            "name": a.name,
                            "type": a.type,
                            **({"choices": list(a.choices)} if a.type == "choice" else {}),
                        }
                        for a in label.attributes
                    ],
                }
                for label in self.labels
            ],
            "relations": [
                {"name": r.name, "from": list(r.source_labels), "to": list(r.target_labels)}
                | ({"across_documents": True} if r.across else {})
                for r in self.relations
            ],
            **({"documents": [_category_json(c) for c in self.documents]}
               if self.documents else {}),
        }

    @classmethod
    def from_json(cls, data: Any, file: str | None = None) -> LabelSchema:
        """Parse and validate; errors name the file and the label or relation at fault."""
        if not isinstance(data, dict) or not isinstance(data.get("labels"), list):
            raise InputError('a schema is an object with a "labels" list', file)
        labels = []
        for i, item in enumerate(data["labels"]):
            where = f"labels[{i}]"
            try:
                attrs = tuple(
                    AttributeDef(
                        str(a["name"]),
                        a.get("type", "text"),
                        tuple(str(c) for c in _listed(a, "choices", file, where)),
                    )
                    for a in _listed(item, "attributes", file, where)
                )
                labels.append(
                    Label(
                        str(item["name"]),
                        item.get("category", "other"),
                        item.get("color") or OKABE_ITO[i % len(OKABE_ITO)],
                        item.get("hotkey") or None,
                        item.get("description", "") or "",
                        attrs,
                    )
                )
            except (KeyError, TypeError, AttributeError) as exc:
                raise InputError(f"malformed label ({exc!r})", file, where) from None
        relations = []
        if not isinstance(data.get("relations", []), list):
            raise InputError('"relations" must be a list of relation types', file)
        for i, item in enumerate(data.get("relations", [])):
            try:
                across = item.get("across_documents", False)
                if not isinstance(across, bool):
                    raise InputError('"across_documents" must be true or false', file,
                                     f"relations[{i}]")
                where = f"relations[{i}]"
                relations.append(
                    RelationType(
                        str(item["name"]), tuple(_listed(item, "from", file, where)),
                        tuple(_listed(item, "to", file, where)), across,
                    )
                )
            except (KeyError, TypeError, AttributeError) as exc:
                raise InputError(f"malformed relation ({exc!r})", file, f"relations[{i}]") from None
        documents = data.get("documents", [])
        if not isinstance(documents, list):
            raise InputError('"documents" must be a list of document categories', file)
        categories = tuple(
            _category_from(item, file, f"documents[{i}]") for i, item in enumerate(documents)
        )
        schema = cls(tuple(labels), tuple(relations), categories)
        try:
            schema.validate()
        except ValidationError as exc:
            raise InputError(str(exc), file) from None
        return schema

    @classmethod
    def loads(cls, text: str, file: str | None = None) -> LabelSchema:
        try:
            data = parse_json(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"not JSON: {exc.msg}", file, f"line {exc.lineno}") from None
        return cls.from_json(data, file)

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"


def _category_json(category: DocCategory) -> dict[str, Any]:
    return {
        "name": category.name,
        "multi": category.multi,
        "description": category.description,
        "values": [
            {"name": v.name, "hotkey": v.hotkey, "color": v.color, "description": v.description}
            for v in category.values
        ],
    }


def _listed(item: Any, key: str, file: str | None, where: str, required: bool = False
            ) -> list[Any]:
    """The list under ``key`` of a schema file's object (empty when left out, unless
    ``required``: then KeyError, as ``item[key]``); InputError naming ``where`` when it is
    anything else. A string was read as the list of its characters ("choices": "abc" as the
    choices a, b and c) and an object as the list of its keys."""
    if key not in item and not required:
        return []
    found = item[key]
    if not isinstance(found, list):
        raise InputError(f'"{key}" must be a list, got {shown(found)}', file, where)
    return found


def _category_from(item: Any, file: str | None, where: str) -> DocCategory:
    """A document category of the JSON form (checked later by :meth:`LabelSchema.validate`)."""
    try:
        values = tuple(
            DocValue(
                v["name"],
                v.get("hotkey") or None,
                v.get("color") or OKABE_ITO[(i + 1) % len(OKABE_ITO)],
                v.get("description", "") or "",
            )
            for i, v in enumerate(_listed(item, "values", file, where, required=True))
        )
        return DocCategory(item["name"], values, item.get("multi", False),
                           item.get("description", "") or "")
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"malformed document category ({exc!r})", file, where) from None


def default_schema() -> LabelSchema:
    """The schema shipped in resources/schema.json."""
    text = resources.files("resources").joinpath("schema.json").read_text(encoding="utf-8")
    return LabelSchema.loads(text, "resources/schema.json")
