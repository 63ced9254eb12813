"""The commands of a team on a PostgreSQL store (``team init``, ``team add``, ``team list``)
and ``copy``, which moves a whole store between a file and a server."""

from __future__ import annotations

import argparse
import getpass
import sys

from annotate.errors import InputError
from db import team
from db.copy import copy_store, same_export
from db.store import Store
from desktop.stores import open_store


def cmd_copy(args: argparse.Namespace) -> int:
    copied = copy_store(args.source, args.target)
    print(", ".join(f"{n} {table}" for table, n in copied.items()))
    if not same_export(args.source, args.target):
        print("error: the copy's native export differs from the source's", file=sys.stderr)
        return 1
    print("the copy holds every row of the source, and its native export is the same byte "
          "for byte")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    store = open_store(args.url)
    try:
        groups = team.init(store)
    finally:
        store.close()
    print(f"{store.location}: team roles {', '.join(groups)}, with row-level security on "
          "every layer; add members with: counterclaim team add NAME --role ROLE")
    return 0


def _password(args: argparse.Namespace) -> str | None:
    """The new member's password: a line of stdin, asked twice at a terminal, or None (the
    member signs in otherwise: peer or certificate authentication)."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif args.ask_password:
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            raise InputError("the two passwords differ")
    else:
        return None
    if not password:
        raise InputError("an empty password")
    return password


def cmd_add(store: Store, args: argparse.Namespace) -> int:
    team.add(store, args.name, args.role, _password(args))
    print(f"{args.name}: {args.role} of {store.location}; they keep their password in "
          "~/.pgpass (libpq's password file) and open the store by its URL without it")
    return 0


def cmd_list(store: Store, args: argparse.Namespace) -> int:
    for name, role in sorted(team.members(store).items()):
        print(f"{name}\t{role}")
    return 0


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("copy", help="copy a whole store into an empty one (file or server)")
    p.add_argument("source", metavar="SRC", help="store file or SQLAlchemy URL")
    p.add_argument("target", metavar="DST", help="store file or SQLAlchemy URL (made if new)")
    p.set_defaults(standalone=cmd_copy)

    group = sub.add_parser("team", help="members of a PostgreSQL store and their roles")
    actions = group.add_subparsers(dest="team_action", metavar="ACTION", required=True)
    p = actions.add_parser("init", help="make the team roles and row-level security")
    p.add_argument("url", metavar="URL", help="postgresql+psycopg://OWNER@HOST/DB")
    p.set_defaults(standalone=cmd_init)
    p = actions.add_parser("add", parents=[common], help="add a member (or change their role)")
    p.add_argument("name", metavar="NAME", help="their login role and annotator name")
    p.add_argument("--role", choices=team.ROLES, required=True)
    asked = p.add_mutually_exclusive_group()
    asked.add_argument("--password-stdin", action="store_true",
                       help="read their password from one line of standard input")
    asked.add_argument("--ask-password", action="store_true", help="ask for their password")
    p.set_defaults(run=cmd_add)
    p = actions.add_parser("list", parents=[common], help="members and their roles")
    p.set_defaults(run=cmd_list)
