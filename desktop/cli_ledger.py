"""The ledger's commands: ``actors`` (list, accept proposals, merge, split, rename) and
``events`` (list, add, attach and detach documents). Every change is one journaled
command (one undo step of ``--by``)."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable

from annotate.actors import ACTOR_KINDS, Actor, Event, named
from annotate.commands import CreateActor, CreateEvent, SetEventDocument
from annotate.errors import InputError
from annotate.ledger import Ledger, build, shown
from annotate.model import GOLD
from annotate.resolving import accept, merge, rename, split
from db.review import resolve_uid
from db.store import Store


def _actor(store: Store, name: str) -> Actor:
    found = named(store.actors(), name)
    if found is None:
        raise InputError(f"no actor named {name!r} (see `counterclaim actors`)")
    return found


def cmd_actors(store: Store, args: argparse.Namespace) -> int:
    actors = store.actors()
    links = Counter(store.actor_links().values())
    proposals = store.actor_proposals()
    if args.json:
        print(json.dumps({
            "actors": [{"name": a.name, "kind": a.kind, "aliases": list(a.aliases),
                        "spans": links[a.id]} for a in actors],
            "proposals": [{"text": p.surface, "actor": p.actor, "kind": p.kind,
                           "new": p.new, "reason": p.reason} for p in proposals],
        }, ensure_ascii=False, indent=2))
        return 0
    for actor in actors:
        aliases = f"  (also {', '.join(actor.aliases)})" if actor.aliases else ""
        print(f"{actor.name}  [{actor.kind}]  {links[actor.id]} spans{aliases}")
    if proposals:
        print(f"proposals for unresolved entity spans ({len(proposals)}; "
              "`counterclaim actors accept` takes them):")
        for p in proposals:
            target = f"new actor {p.actor}" if p.new else p.actor
            print(f"  {p.surface!r} -> {target}  ({p.reason})")
    elif not actors:
        print("no actors, and no entity spans to propose any from")
    return 0


def cmd_accept(store: Store, args: argparse.Namespace) -> int:
    proposals = store.actor_proposals()
    if args.texts:
        wanted = set(args.texts)
        unknown = wanted - {p.surface for p in proposals}
        if unknown:
            raise InputError(f"no proposal for {', '.join(sorted(unknown))!s} "
                             "(see `counterclaim actors`)")
        proposals = [p for p in proposals if p.surface in wanted]
    command = accept(proposals, store.entity_spans(), {a.name: a for a in store.actors()})
    store.apply(command, args.by)
    created = [c for c in command.commands if isinstance(c, CreateActor)]
    linked = sum(len(c.links) for c in created) + len(command.commands) - len(created)
    print(f"{len(created)} actors created, {linked} spans linked, by {args.by}")
    return 0


def cmd_merge(store: Store, args: argparse.Namespace) -> int:
    target = _actor(store, args.name)
    others = [_actor(store, name) for name in args.others]
    store.apply(merge(target, [(o, store.actor_links_of(o.id)) for o in others]), args.by)
    print(f"merged {', '.join(o.name for o in others)} into {target.name}")
    return 0


def cmd_rename(store: Store, args: argparse.Namespace) -> int:
    actor = _actor(store, args.old)
    store.apply(rename(actor, args.new), args.by)
    print(f"renamed {actor.name} to {args.new.strip()}")
    return 0


def cmd_split(store: Store, args: argparse.Namespace) -> int:
    actor = _actor(store, args.name)
    new = Actor(args.new, args.kind or actor.kind, tuple(args.text))
    texts = {args.new, *args.text}
    spans = [s for s in store.entity_spans() if s.actor == actor.id and s.text in texts]
    store.apply(split(actor, new, spans), args.by)
    print(f"split {len(spans)} spans off {actor.name} into {new.name}")
    return 0


def _event(store: Store, name: str) -> Event:
    found = next((e for e, _ in store.events() if e.name == name), None)
    if found is None:
        raise InputError(f"no event named {name!r} (see `counterclaim events`)")
    return found


def cmd_events(store: Store, args: argparse.Namespace) -> int:
    events = store.events()
    if args.json:
        print(json.dumps([{"name": e.name, "start": e.start or None, "end": e.end or None,
                           "place": e.place or None, "documents": list(docs)}
                          for e, docs in events], ensure_ascii=False, indent=2))
        return 0
    for event, docs in events:
        window = " to ".join(d for d in (event.start, event.end) if d) or "no dates"
        place = f", {event.place}" if event.place else ""
        print(f"{event.name}  ({window}{place})  {len(docs)} documents")
    if not events:
        print("no events (`counterclaim events add NAME` makes one)")
    return 0


def cmd_event_add(store: Store, args: argparse.Namespace) -> int:
    uids = tuple(resolve_uid(store, d) for d in args.document)
    event = Event(args.name.strip(), args.start or "", args.end or "", args.place or "")
    store.apply(CreateEvent(event, uids), args.by)
    print(f"event {event.name} added with {len(uids)} documents")
    return 0


def cmd_event_member(store: Store, args: argparse.Namespace) -> int:
    event = _event(store, args.name)
    member = args.action == "attach"
    for given in args.documents:
        store.apply(SetEventDocument(event.id, resolve_uid(store, given), member), args.by)
    print(f"{len(args.documents)} documents {'attached to' if member else 'detached from'} "
          f"{event.name}")
    return 0


def cmd_ledger(store: Store, args: argparse.Namespace) -> int:
    annotator = GOLD if args.gold else args.annotator
    built = build(store.claim_records(args.event, annotator))
    if args.json or args.format == "json":
        print(json.dumps(built.to_json(), ensure_ascii=False, indent=2))
    elif args.format == "csv":
        sys.stdout.write(built.to_csv())
    elif args.format == "claimreview":
        print(json.dumps(built.to_claimreview(), ensure_ascii=False, indent=2))
    else:
        print(_table(built))
    return 0


def _table(built: Ledger) -> str:
    """The ledger as text: a block per row, a line per claimant's claims."""
    if not built.rows:
        return "no claims (annotate CLAIM spans, link them CLAIMED_BY and ABOUT)"
    lines = []
    for row in built.rows:
        lines.append(f"{row.key}{'  [conflict]' if row.conflicting else ''}")
        for name, cell in row.cells.items():
            cells = "; ".join(
                shown(c) + (f" {c.record.published}" if c.record.published else "")
                + (" ⚡" if row.conflicted(c) else "") for c in cell)
            lines.append(f"  {name:<30} {cells}")
    return "\n".join(lines)


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser,
                by: Callable[[argparse.ArgumentParser], None]) -> None:
    """The ``actors`` and ``events`` commands; ``by`` adds a changing command's ``--by``."""
    p = sub.add_parser("actors", parents=[common],
                       help="actors across documents: list, accept proposals, merge, rename")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_actors)
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    a = actions.add_parser("accept", parents=[common],
                           help="link unresolved entity spans as proposed (all, or these texts)")
    a.add_argument("texts", nargs="*", metavar="TEXT")
    by(a)
    a.set_defaults(run=cmd_accept)
    a = actions.add_parser("merge", parents=[common], help="merge OTHER actors into NAME")
    a.add_argument("name", metavar="NAME")
    a.add_argument("others", nargs="+", metavar="OTHER")
    by(a)
    a.set_defaults(run=cmd_merge)
    a = actions.add_parser("rename", parents=[common],
                           help="rename an actor (the old name stays an alias)")
    a.add_argument("old", metavar="OLD")
    a.add_argument("new", metavar="NEW")
    by(a)
    a.set_defaults(run=cmd_rename)
    a = actions.add_parser("split", parents=[common],
                           help="move the spans that say NEW (or --text) off NAME to a new actor")
    a.add_argument("name", metavar="NAME")
    a.add_argument("new", metavar="NEW")
    a.add_argument("--text", action="append", default=[], metavar="TEXT",
                   help="another span text that goes with the new actor (repeatable)")
    a.add_argument("--kind", choices=ACTOR_KINDS, help="default: NAME's kind")
    by(a)
    a.set_defaults(run=cmd_split)

    p = sub.add_parser("ledger", parents=[common],
                       help="the claims ledger: claims side by side per subject and claimant")
    p.add_argument("--event", metavar="NAME", help="only the documents of this event")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--annotator", metavar="NAME", help="only this annotator's layer")
    who.add_argument("--gold", action="store_true", help="only the gold layer")
    p.add_argument("--json", action="store_true", help="the same as --format json")
    p.add_argument("--format", choices=("text", "json", "csv", "claimreview"), default="text")
    p.set_defaults(run=cmd_ledger)

    p = sub.add_parser("events", parents=[common], help="events: list, add, attach documents")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_events)
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    a = actions.add_parser("add", parents=[common], help="add an event")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--start", metavar="YYYY-MM-DD")
    a.add_argument("--end", metavar="YYYY-MM-DD")
    a.add_argument("--place", metavar="PLACE")
    a.add_argument("--document", action="append", default=[], metavar="UID",
                   help="a document that reports it (repeatable)")
    by(a)
    a.set_defaults(run=cmd_event_add)
    for action in ("attach", "detach"):
        a = actions.add_parser(action, parents=[common],
                               help=f"{action} documents {'to' if action == 'attach' else 'from'}"
                               " an event")
        a.add_argument("name", metavar="NAME")
        a.add_argument("documents", nargs="+", metavar="UID")
        by(a)
        a.set_defaults(run=cmd_event_member)
