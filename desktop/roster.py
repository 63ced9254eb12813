"""The roster a lead assigns documents from: who may be given documents, and whether the
window's user may give them at all.

On a file the user acts as the lead, as ``counterclaim assign`` lets anyone with the file do:
every annotator of the store may be given documents. On a team's PostgreSQL server only a
lead (or the role owning the store) may, and the team's members are who may be given them;
the server refuses anyone else's change whatever this says (:mod:`db.team`)."""

from __future__ import annotations

from dataclasses import dataclass

from annotate.model import GOLD
from db import team
from db.store import Store

REFUSAL = ("only a lead assigns documents and sets blind mode: you are connected to this "
           "server as {user}, {role}. A lead can make you one (counterclaim team add {user} "
           "--role lead).")


@dataclass(frozen=True, slots=True)
class Roster:
    """Who may be given documents (name, role: ``annotator``, ``reviewer`` or ``lead`` on a
    server, ``""`` on a file), in name order, and why the user may not assign (None: they
    may)."""

    members: tuple[tuple[str, str], ...]
    refusal: str | None = None
    server: bool = False
    """Whether the store is a team's server (else a file: anyone may be given documents)."""
    user: str = ""
    """The role the store is opened as, on a server."""

    @property
    def who(self) -> str:
        """Who the user acts as, in a sentence."""
        if not self.server:
            return ("On a file you act as the lead, as counterclaim assign lets anyone with "
                    "the file do.")
        return f"Connected to the team's server as {self.user}" + \
            (", who may assign." if self.refusal is None else ".")

    @property
    def first_checked(self) -> list[str]:
        """The members a balance goes to unless others are chosen: on a server those whose
        role is annotator (as ``counterclaim assign --balance`` takes them); on a file, where
        ``--to`` must name them, nobody until the user checks them."""
        return [name for name, role in self.members if role == "annotator"]


def read_roster(store: Store) -> Roster:
    """The roster of ``store`` as the role it is opened as sees it."""
    if not team.on_server(store):
        return Roster(tuple((name, "") for name in store.annotators() if name != GOLD))
    roles = team.members(store)
    user, lead = team.standing(store)
    role = roles.get(user)
    refusal = None if lead else REFUSAL.format(
        user=user, role=f"{'an' if role == 'annotator' else 'a'} {role}" if role
        else "not a member of the team")
    return Roster(tuple(sorted(roles.items())), refusal, server=True, user=user)
