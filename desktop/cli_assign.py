"""``counterclaim assign``: a lead gives documents to annotators (by hand, or N annotators per
document balanced across the team), takes them back, lists who has what and how far they got,
and turns blind mode on or off. Every change is one journaled command (an undo step of
``--by``); on a team's PostgreSQL store the server lets only a lead make it."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from annotate.assignment import balance
from annotate.commands import Assign, SetBlind, Unassign
from annotate.errors import InputError
from db import team
from db.review import resolve_uid
from db.store import Store


def _documents(store: Store, given: list[str]) -> list[str]:
    """The uids ``given`` names (uids or their unique starts); all documents when none."""
    if not given:
        return [row.uid for row in store.list_documents()]
    return list(dict.fromkeys(resolve_uid(store, uid) for uid in given))


def _team(store: Store, args: argparse.Namespace) -> list[str]:
    """The annotators ``--to`` names; for ``--balance`` on a team's server without it, the
    members whose role is annotator."""
    if args.to:
        return list(dict.fromkeys(args.to))
    if args.balance is not None and team.on_server(store):
        found = sorted(name for name, role in team.members(store).items() if role == "annotator")
        if found:
            return found
    raise InputError("name the annotators with --to NAME [NAME ...]")


def cmd_assign(store: Store, args: argparse.Namespace) -> int:
    if args.blind is not None:
        store.apply(SetBlind(args.blind == "on"), args.by)
        print(f"blind mode {args.blind}: an annotator sees only their own layer of a document "
              "until every annotator assigned to it marked it done" if args.blind == "on"
              else "blind mode off: everyone sees every layer")
        return 0
    if args.list:
        return _list(store, args)
    if not args.documents and args.balance is None:
        raise InputError("name the documents to assign (uids), or use --balance N")
    members = _team(store, args)
    uids = _documents(store, args.documents)
    held = set(store.assignments(uids=uids))
    if args.unassign:
        pairs = [(uid, name) for uid in uids for name in members if (uid, name) in held]
        if not pairs:
            raise InputError("none of these documents is assigned to " + ", ".join(members))
        store.apply(Unassign(tuple(pairs)), args.by)
        print(f"unassigned {len(pairs)} (document, annotator) pairs")
        return 0
    if args.balance is not None:
        pairs = balance(uids, members, args.balance, held)
    else:
        pairs = [(uid, name) for uid in uids for name in members if (uid, name) not in held]
    if pairs:
        store.apply(Assign(tuple(pairs)), args.by)
    already = "" if args.balance is not None else \
        f" ({len(uids) * len(members) - len(pairs)} were already)"
    print(f"assigned {len(pairs)} (document, annotator) pairs{already}")
    return 0


def _list(store: Store, args: argparse.Namespace) -> int:
    names = args.to or list(dict.fromkeys(name for _, name in store.assignments()))
    rows = [(name, row) for name in names for row in store.queue(name)]
    if args.json:
        print(json.dumps({
            "blind": store.blind(),
            "assignments": [{"document": r.uid, "title": r.title, "annotator": name,
                             "status": r.status, "spans": r.spans, "review": r.review}
                            for name, r in rows],
        }, ensure_ascii=False, indent=2))
        return 0
    for name in names:
        mine = [r for who, r in rows if who == name]
        done = sum(r.status == "done" for r in mine)
        print(f"{name}: {done} of {len(mine)} done")
        for r in mine:
            review = "  in review" if r.review else ""
            print(f"  {r.uid}  {r.status:<11} {r.spans:>5} spans  {r.title}{review}")
    print(f"blind mode {'on' if store.blind() else 'off'}")
    return 0


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser,
                by: Callable[[argparse.ArgumentParser], None]) -> None:
    p = sub.add_parser("assign", parents=[common],
                       help="give documents to annotators (a lead's work), list queues")
    p.add_argument("documents", nargs="*", metavar="DOC",
                   help="document uids or their unique starts (--balance, --list: default all)")
    p.add_argument("--to", nargs="+", metavar="NAME", help="the annotators")
    action = p.add_mutually_exclusive_group()
    action.add_argument("--balance", type=int, metavar="N",
                        help="bring every document to N annotators of --to (on a team's server, "
                        "default: its annotators), balanced")
    action.add_argument("--unassign", action="store_true", help="take the documents back")
    action.add_argument("--list", action="store_true",
                        help="who has which documents, and how far they got")
    action.add_argument("--blind", choices=("on", "off"),
                        help="annotators see only their own layer until review")
    p.add_argument("--json", action="store_true", help="with --list: as JSON")
    by(p)
    p.set_defaults(run=cmd_assign)
