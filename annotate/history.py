"""How a journal entry reads to a person: one line saying what an operation did, and the
place it did it (for the log and the window's History panel).

The payload is a journal row's JSON: a command's ``to_dict()``, an import's summary, or an
event's facts. Unknown shapes read as their operation's name alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from annotate.errors import InputError
from annotate.schema import LabelSchema

BATCH_NAMED = 2
"""A step of several changes names this many besides its main one, else counts them."""
NAMES_SHOWN = 3
"""An assignment names this many annotators, then an ellipsis."""


@dataclass(frozen=True, slots=True)
class Place:
    """Where an entry jumps to: a span (its id and range) or, with ``span`` None, the document."""

    span: str | None = None
    start: int | None = None
    end: int | None = None


def _range(span: dict[str, Any]) -> str:
    return f"[{span.get('start')}, {span.get('end')})"


def _update(before: dict[str, Any], after: dict[str, Any]) -> str:
    if (before.get("start"), before.get("end")) != (after.get("start"), after.get("end")):
        return f"resize {after.get('label')} {_range(before)} → {_range(after)}"
    if before.get("label") != after.get("label"):
        return f"relabel {before.get('label')} → {after.get('label')} {_range(after)}"
    if before.get("attributes") != after.get("attributes"):
        old, new = before.get("attributes") or {}, after.get("attributes") or {}
        changed = [
            f"{name}: {old.get(name)!r} → {new.get(name)!r}"
            for name in sorted(old.keys() | new.keys())
            if old.get(name) != new.get(name)
        ]
        return f"set attribute {', '.join(changed)} on {after.get('label')} {_range(after)}"
    if before.get("note") != after.get("note"):
        return f"set note on {after.get('label')} {_range(after)}"
    return f"touch {after.get('label')} {_range(after)}"


def schema_change(before: LabelSchema, after: LabelSchema, renames: dict[str, str],
                  relation_renames: dict[str, str] | None = None) -> str:
    """What a schema change did: labels added, removed and renamed, labels whose definition
    changed, relation types added, removed, renamed and changed."""
    parts = []
    renamed = {old: new for old, new in renames.items() if old != new}
    back = {new: old for old, new in renamed.items()}
    added, changed = [], []
    for label in after.labels:
        old = before.label(back.get(label.name, label.name))
        if old is None:
            added.append(label.name)
        elif replace(old, name=label.name) != label:
            changed.append(label.name)
    removed = [n for n in before.label_names if after.label(renamed.get(n, n)) is None]
    if added:
        parts.append(f"labels added: {', '.join(added)}")
    if removed:
        parts.append(f"labels removed: {', '.join(removed)}")
    if renamed:
        parts.append("renamed: " + ", ".join(f"{o} → {n}" for o, n in renamed.items()))
    if changed:
        parts.append(f"labels changed: {', '.join(changed)}")
    moved = {old: new for old, new in (relation_renames or {}).items() if old != new}
    if moved:
        parts.append("relation types renamed: "
                     + ", ".join(f"{o} → {n}" for o, n in moved.items()))
    parts += _by_name("relation types", [replace(r, name=moved.get(r.name, r.name))
                                         for r in before.relations], after.relations)
    parts += _by_name("document categories", before.documents, after.documents)
    return "; ".join(parts) or "no change"


def _by_name(kind: str, before: Iterable[Any], after: Iterable[Any]) -> list[str]:
    """What was added, removed and changed among named things (``.name``), in words."""
    old = {item.name: item for item in before}
    new = {item.name: item for item in after}
    found = (("added", [n for n in new if n not in old]),
             ("removed", [n for n in old if n not in new]),
             ("changed", [n for n in new if n in old and new[n] != old[n]]))
    return [f"{kind} {what}: {', '.join(names)}" for what, names in found if names]


def _schema(payload: dict[str, Any]) -> str:
    before, after = payload.get("before"), payload.get("after")
    if not (isinstance(before, dict) and isinstance(after, dict)):
        return "schema replaced"
    try:
        old, new = LabelSchema.from_json(before), LabelSchema.from_json(after)
    except InputError:  # a damaged row still reads as something
        return "schema replaced"
    return schema_change(old, new, {o: n for o, n in payload.get("renames", ())},
                         {o: n for o, n in payload.get("relation_renames", ())})


def _import(payload: dict[str, Any]) -> str:
    """An import's summary: new documents, and per kind what was added, changed or skipped."""
    totals: dict[str, dict[str, int]] = {}
    for kinds in (payload.get("by_annotator") or {}).values():
        for kind, outcomes in kinds.items():
            for outcome, n in outcomes.items():
                key = "skipped" if outcome.startswith("skipped") else outcome
                totals.setdefault(kind, {}).setdefault(key, 0)
                totals[kind][key] += n
    parts = [f"{payload.get('documents_added', 0)} new documents"]
    for kind, outcomes in totals.items():
        counts = ", ".join(f"{n} {o}" for o, n in outcomes.items() if n and o != "unchanged")
        if counts:
            parts.append(f"{kind}: {counts}")
    labels = payload.get("labels_added") or []
    if labels:
        parts.append(f"labels added: {', '.join(labels)}")
    lost = payload.get("not_imported")
    if isinstance(lost, dict) and lost:
        parts.append(f"not imported: {', '.join(f'{n} {what}' for what, n in lost.items())}")
    text = "; ".join(parts)
    return f"{payload['file']}: {text}" if payload.get("file") else text


def _rows(payload: dict[str, Any], key: str) -> list[list[Any]]:
    return [r for r in payload.get(key) or () if isinstance(r, list) and len(r) > 1]


def _agreed(op: str, payload: dict[str, Any]) -> str:
    """An accept of the agreed items of a corpus (:class:`annotate.commands.AcceptAgreed`),
    or its withdrawal: how many changes, items (decisions) and documents."""
    spans, decisions = _rows(payload, "spans"), _rows(payload, "decisions")
    commands = [c for c in payload.get("commands") or () if isinstance(c, dict)]
    others = [c.get("decision") for c in commands if isinstance(c.get("decision"), dict)]
    listed = payload.get("documents")
    if isinstance(listed, list):  # compact: the documents once, rows naming them by index
        documents = set(map(str, listed)) | {r[1] for r in decisions if len(r) > 3}
    else:
        documents = {r[0] for r in spans} | {r[1] for r in decisions}
    documents |= {d.get("document") for d in others}
    items = len(decisions) + len(others)
    title = str(payload.get("title") or "accept agreed items")
    title = title if op == "accept_agreed" else f"withdraw {title}"
    changes = len(spans) + len(decisions) + len(commands)
    return (f"{title} ({changes} changes): {items} item{'s' * (items != 1)} in "
            f"{len(documents)} document{'s' * (len(documents) != 1)}")


def describe(op: str, payload: dict[str, Any]) -> str:
    """One line saying what the operation ``op`` with this journal ``payload`` did."""
    if op in ("create_span", "delete_span") and isinstance(payload.get("span"), dict):
        span = payload["span"]
        verb = "create" if op == "create_span" else "delete"
        return f"{verb} {span.get('label')} {_range(span)}"
    if op == "update_span" and isinstance(payload.get("after"), dict):
        return _update(payload.get("before") or {}, payload["after"])
    if op in ("add_relation", "remove_relation") and isinstance(payload.get("relation"), dict):
        verb = "link" if op == "add_relation" else "unlink"
        return f"{verb} {payload['relation'].get('type')}"
    if op in ("add_doc_label", "remove_doc_label") and isinstance(payload.get("label"), dict):
        label = payload["label"]
        verb = "label document" if op == "add_doc_label" else "unlabel document"
        return f"{verb} {label.get('category')}: {label.get('value')}"
    if op in ("add_verdict", "remove_verdict") and isinstance(payload.get("verdict"), dict):
        verdict = payload["verdict"]
        verb = f"{verdict.get('kind')} suggestion"
        verb = verb if op == "add_verdict" else f"take back {verb}"
        return f"{verb} {verdict.get('label')} {_range(verdict)} ({verdict.get('source')})"
    if op == "suggest":
        return (f"{payload.get('source')}: {payload.get('suggestions')} suggestions in "
                f"{payload.get('documents')} documents")
    if op == "clear_suggestions":
        source = payload.get("source") or "every source"
        return f"{payload.get('suggestions')} suggestions of {source} removed"
    if op in ("assign", "unassign") and isinstance(payload.get("pairs"), list):
        pairs = [p for p in payload["pairs"] if isinstance(p, list | tuple) and len(p) == 2]
        who = sorted({str(name) for _, name in pairs})
        shown = ", ".join(who[:NAMES_SHOWN]) + (" …" if len(who) > NAMES_SHOWN else "")
        n = len({uid for uid, _ in pairs})
        documents = f"{n} document{'s' * (n != 1)}"
        return f"assign {documents} to {shown}" if op == "assign" else \
            f"unassign {documents} from {shown}"
    if op == "set_blind":
        return f"blind mode {'on' if payload.get('on') else 'off'}"
    if op == "set_status":
        return f"status {payload.get('previous')} → {payload.get('state')}"
    if op in ("add_decision", "remove_decision") and isinstance(payload.get("decision"), dict):
        decision = payload["decision"]
        verb = decision.get("kind") if op == "add_decision" else f"withdraw {decision.get('kind')}"
        if decision.get("category"):
            gold = ", ".join(str(d.get("value")) for d in decision.get("gold_labels") or ()
                             if isinstance(d, dict))
            return f"{verb} document {decision['category']}" + (f": {gold}" if gold else "")
        return f"{verb} {len(decision.get('sources') or ())} spans"
    if op in ("accept_agreed", "withdraw_agreed"):
        return _agreed(op, payload)
    if op == "batch":
        commands = [c for c in payload.get("commands") or () if isinstance(c, dict)]
        if not commands:
            return "no change"
        title = payload.get("title")
        ops = [c.get("op") for c in commands]
        if title and title not in ops:  # a named step, e.g. "accept agreed spans"
            return f"{title} ({len(commands)} changes)"
        main = commands[ops.index(title) if title else 0]  # e.g. the relabel that unlinks
        others = [describe(c.get("op", ""), c) for c in commands if c is not main]
        if len(others) > BATCH_NAMED:
            more = len(others)
            return f"{describe(main.get('op', ''), main)} and {more} more changes"
        return " and ".join([describe(main.get("op", ""), main), *others])
    if op == "set_schema":
        return _schema(payload)
    if op == "import":
        return _import(payload)
    if op == "restore":
        before = payload.get("pre_restore")
        return f"restored {payload.get('backup')} (the state before: {before})"
    if op.endswith("_refused"):
        what = op.removesuffix("_refused")
        return f"{what} of {payload.get('op')} refused: {payload.get('reason')}"
    return op


def operation(kind: str, op: str, state: str) -> str:
    """How an entry's operation is listed: ``op`` is the step (for an undo, the step it took
    back); an undo or redo says so, a step off the stacks is marked."""
    text = f"{kind} {op}" if kind in ("undo", "redo") else op
    if kind == "event":
        return text
    return text + {"undone": " (undone)", "closed": " (closed)"}.get(state, "")


def place(op: str, payload: dict[str, Any]) -> Place:
    """The span an entry is about (its id and range), when it is about one."""
    span: Any = None
    if op in ("create_span", "delete_span"):
        span = payload.get("span")
    elif op == "update_span":
        span = payload.get("after")
    elif op in ("add_decision", "remove_decision"):
        span = (payload.get("decision") or {}).get("gold_span")
    elif op == "batch":
        commands = [c for c in payload.get("commands") or () if isinstance(c, dict)]
        for command in commands:
            found = place(command.get("op", ""), command)
            if found.span is not None:
                return found
    if isinstance(span, dict) and isinstance(span.get("id"), str):
        return Place(span["id"], span.get("start"), span.get("end"))
    return Place()
