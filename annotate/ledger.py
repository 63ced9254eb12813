"""The claims ledger: every claim and denial of an event, side by side.

One row per (subject, proposition), e.g. "Wagner: killed"; one column per claimant; each cell
the claims that claimant made about the row, with their figure ranges, sources and publication
dates. Two claims of a row whose figures cannot both be true (:meth:`Figure.conflicts`, units
alike) are marked as conflicting; a denial that DENIES a claim sits in that claim's row.

The ledger reads the annotation by the default schema's vocabulary: a span of category "claim"
(or "denial") is a claim (a denial); its ``CLAIMED_BY`` (``DENIED_BY``) link names the
claimant, its ``ABOUT`` link the subject, and ``DENIES`` the claim a denial denies. Entity
spans resolved to an actor (:mod:`annotate.actors`) stand for that actor, others for their
text. The claim's ``proposition`` attribute is the row's proposition ("other" when not given);
its figure is read (:func:`annotate.figures.parse_figure`) from its ``figure`` attribute, else
from its text, and its ``figure_low`` / ``figure_high`` attributes, when set, correct the
bounds read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from annotate.collector import collector_paused
from annotate.figures import Figure, parse_figure

CLAIMANT_LINKS = {"claim": "CLAIMED_BY", "denial": "DENIED_BY"}
SUBJECT_LINK = "ABOUT"
DENIES_LINK = "DENIES"
CLAIM_LINKS = ("REPEATS", "CORROBORATES", "CONTRADICTS", "REVISES")
"""Links from a claim to another claim, often of another document; the ledger's JSON lists
each as kind "repeats" (and "repeated_by" on the other claim), and so on."""
_LINKED_BY = {"REPEATS": "repeated_by", "CORROBORATES": "corroborated_by",
              "CONTRADICTS": "contradicted_by", "REVISES": "revised_by"}
NO_SUBJECT = "(no subject)"
UNATTRIBUTED = "(unattributed)"


class Party(NamedTuple):
    """The far end of a claimant or subject link: an entity span's text and its actor (a
    named tuple: the store reads thousands)."""

    text: str
    actor: str | None = None

    @property
    def name(self) -> str:
        """The actor's name, else the text the span covers."""
        return self.actor or self.text


@dataclass(slots=True)
class ClaimRecord:
    """One claim or denial span as the store gives it to the ledger. Treat it as a value (not
    frozen only because frozen construction costs several times more, and a ledger builds
    tens of thousands)."""

    id: str
    document: str
    start: int
    end: int
    text: str
    annotator: str
    kind: str
    """"claim" or "denial"."""
    attributes: Mapping[str, Any] = field(default_factory=dict)
    published: str | None = None
    title: str = ""
    claimant: Party | None = None
    subject: Party | None = None
    denies: tuple[str, ...] = ()
    """The ids of the claims (spans) this denial DENIES."""
    linked: tuple[tuple[str, str], ...] = ()
    """(type, claim id) of the claims this claim REPEATS, CORROBORATES, CONTRADICTS or REVISES
    (:data:`CLAIM_LINKS`), in this document or another."""


@dataclass(slots=True)
class LedgerClaim:
    """A claim in the ledger: its record, the figure read, and its row (a value, as
    :class:`ClaimRecord`)."""

    record: ClaimRecord
    figure: Figure | None
    row: str
    claimant: str
    denied_by: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()

    @property
    def proposition(self) -> str:
        value = self.record.attributes.get("proposition")
        return value if isinstance(value, str) and value else "other"


@dataclass(frozen=True, slots=True)
class Row:
    """One (subject, proposition) of the ledger: its claims by claimant (column)."""

    key: str
    subject: str
    proposition: str
    cells: Mapping[str, tuple[LedgerClaim, ...]]

    @property
    def conflicting(self) -> bool:
        return any(c.conflicts for cell in self.cells.values() for c in cell)


@dataclass(frozen=True, slots=True)
class Ledger:
    """Rows (by subject, then proposition), claimants (columns, by name) and every claim."""

    rows: tuple[Row, ...]
    claimants: tuple[str, ...]
    claims: Mapping[str, LedgerClaim]

    def row(self, key: str) -> Row | None:
        return next((r for r in self.rows if r.key == key), None)

    def to_json(self) -> dict[str, Any]:
        """The ledger as JSON (documented in the README): its rows and, for every claim, its
        place, text, annotator, claimant, subject, proposition, figure, publication date, the
        claims and denials linked to it, and its row."""
        incoming: dict[str, list[tuple[str, str]]] = {}  # claim id -> (type, claim linking it)
        for claim in self.claims.values():
            for kind, target in claim.record.linked:
                incoming.setdefault(target, []).append((kind, claim.record.id))
        return {
            "claimants": list(self.claimants),
            "rows": [{"row": r.key, "subject": r.subject, "proposition": r.proposition,
                      "conflict": r.conflicting,
                      "cells": {name: [c.record.id for c in cell]
                                for name, cell in r.cells.items()}} for r in self.rows],
            "claims": [self._claim_json(c, incoming) for r in self.rows
                       for cell in r.cells.values() for c in cell],
        }

    def _claim_json(self, claim: LedgerClaim,
                    incoming: Mapping[str, list[tuple[str, str]]]) -> dict[str, Any]:
        record = claim.record
        links = [self._link(target, "denies") for target in record.denies]
        links += [self._link(other, "denied_by") for other in claim.denied_by]
        links += [self._link(other, "conflicts") for other in claim.conflicts]
        links += [self._link(target, kind.lower()) for kind, target in record.linked]
        links += [self._link(other, _LINKED_BY[kind])
                  for kind, other in incoming.get(record.id, ())]
        return {
            "id": record.id, "document": record.document, "start": record.start,
            "end": record.end, "text": record.text, "annotator": record.annotator,
            "kind": record.kind,
            "claimant": record.claimant.actor if record.claimant else None,
            "claimant_text": record.claimant.text if record.claimant else None,
            "subject": record.subject.name if record.subject else None,
            "proposition": claim.proposition,
            "certainty": record.attributes.get("certainty"),
            "figure": claim.figure.to_dict() if claim.figure else None,
            "published": record.published,
            "links": [link for link in links if link is not None],
            "row": claim.row,
        }

    def _link(self, claim_id: str, kind: str) -> dict[str, Any] | None:
        other = self.claims.get(claim_id)
        if other is None:
            return None
        r = other.record
        return {"id": r.id, "document": r.document, "start": r.start, "end": r.end,
                "kind": kind}

    def to_csv(self) -> str:
        """The ledger table: one line per row, a column per claimant; each cell the figures
        (or "claims" / "denies" without one) with their publication dates, "; "-joined."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["row", "conflict", *self.claimants])
        for row in self.rows:
            writer.writerow([row.key, "yes" if row.conflicting else "",
                             *("; ".join(_cell_text(c) for c in row.cells.get(name, ()))
                               for name in self.claimants)])
        return out.getvalue()

    def to_claimreview(self) -> list[dict[str, Any]]:
        """schema.org ClaimReview items, one per claim: the claim (its text, claimant,
        date and source document) and, as the review's rating, how the ledger stands it:
        "Conflicting figures" / "Denied" / "Uncontested"."""
        items = []
        for row in self.rows:
            for cell in row.cells.values():
                for claim in cell:
                    if claim.record.kind != "claim":
                        continue
                    items.append(_claimreview(claim))
        return items


def shown(claim: LedgerClaim) -> str:
    """A claim in a cell: its figure ("84", "≥25"), or "claims"; a denial "denies", with the
    figure it denies if it names one; "(denied)" after a claim that is denied."""
    figure = claim.figure.describe() if claim.figure else ""
    text = f"denies {figure}".strip() if claim.record.kind == "denial" else figure or "claims"
    return f"{text} (denied)" if claim.denied_by else text


def _cell_text(claim: LedgerClaim) -> str:
    text = shown(claim)
    return f"{text} ({claim.record.published})" if claim.record.published else text


def _claimreview(claim: LedgerClaim) -> dict[str, Any]:
    record = claim.record
    rating = ("Conflicting figures" if claim.conflicts
              else "Denied" if claim.denied_by else "Uncontested")
    item: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": record.text,
        "itemReviewed": {
            "@type": "Claim",
            "appearance": {"@type": "CreativeWork", "identifier": record.document,
                           "name": record.title or None},
            "author": ({"@type": "Organization", "name": claim.claimant}
                       if record.claimant else None),
            "datePublished": record.published,
        },
        "reviewRating": {"@type": "Rating", "alternateName": rating},
        "author": {"@type": "Person", "name": record.annotator},
    }
    return item


def figure_of(record: ClaimRecord) -> Figure | None:
    """The claim's figure: read from its ``figure`` attribute, else its text; the
    ``figure_low`` / ``figure_high`` attributes, when set, correct the bounds (a bound read
    that the other corrected bound passes is dropped: "10" corrected to low 82 is "≥82"). Bounds
    that only repeat those read (a figure proposal accepted) correct nothing: "about 80" with
    low 80 and high 80 is still about 80."""
    attributes = record.attributes
    text = attributes.get("figure")
    figure = parse_figure(text if isinstance(text, str) and text.strip() else record.text)
    low, high = attributes.get("figure_low"), attributes.get("figure_high")
    if low is None and high is None:
        return figure
    base = figure or Figure(None, None, "corrected")
    new_low = int(low) if low is not None else base.low
    new_high = int(high) if high is not None else base.high
    if new_low is not None and new_high is not None and new_low > new_high:
        new_low, new_high = (new_low, None) if high is None else (None, new_high)
    if figure is not None and (new_low, new_high) == (figure.low, figure.high):
        return figure
    return Figure(new_low, new_high, "corrected", base.unit)


def _same_unit(a: Figure, b: Figure) -> bool:
    return not a.unit or not b.unit or a.unit == b.unit


def _row_of(record: ClaimRecord, by_id: Mapping[str, ClaimRecord]) -> tuple[str, str]:
    """(subject, proposition) of a claim; a denial without a subject of its own takes those of
    the first claim it denies that ``by_id`` holds."""
    denied = (next((by_id[t] for t in record.denies if t in by_id), None)
              if record.denies and record.subject is None else None)
    source = record if denied is None else denied
    proposition = source.attributes.get("proposition")
    return (source.subject.name if source.subject else NO_SUBJECT,
            proposition if isinstance(proposition, str) and proposition else "other")


def _key(subject: str, proposition: str) -> str:
    return f"{subject}: {proposition}"


def build(records: Iterable[ClaimRecord],
          among: Mapping[str, ClaimRecord] | None = None) -> Ledger:
    """The ledger of ``records``: rows, columns, conflicts and denials against what they
    deny. ``among``: every record by id, when ``records`` are the claims of some rows only
    (denials and the claims they deny are looked up there); by default ``records``."""
    with collector_paused():  # tens of thousands of claims, rows and cells, in no cycle
        return _build(list(records), among)


def _build(records: list[ClaimRecord], among: Mapping[str, ClaimRecord] | None) -> Ledger:
    """:func:`build`, its work (the collector paused)."""
    by_id = {r.id: r for r in records} if among is None else among
    wanted = {r.id for r in records}
    denied_by: dict[str, list[str]] = {}
    for record in by_id.values():
        for target in record.denies:
            if target in wanted:
                denied_by.setdefault(target, []).append(record.id)
    figures = {r.id: figure_of(r) for r in records}
    grouped: dict[tuple[str, str], list[ClaimRecord]] = {}
    for record in records:
        grouped.setdefault(_row_of(record, by_id), []).append(record)
    claims: dict[str, LedgerClaim] = {}
    rows = []
    for (subject, proposition), members in sorted(grouped.items()):
        key = _key(subject, proposition)
        conflicts = _conflicts(members, figures)
        cells: dict[str, list[LedgerClaim]] = {}
        for record in sorted(members, key=lambda r: (r.published or "", r.document, r.start, r.id)):
            claimant = record.claimant.name if record.claimant else UNATTRIBUTED
            claim = LedgerClaim(record, figures[record.id], key, claimant,
                                tuple(denied_by.get(record.id, ())),
                                tuple(conflicts.get(record.id, ())))
            claims[record.id] = claim
            cells.setdefault(claimant, []).append(claim)
        rows.append(Row(key, subject, proposition,
                        {name: tuple(cell) for name, cell in sorted(cells.items())}))
    claimants = sorted({c.claimant for c in claims.values()})
    return Ledger(tuple(rows), tuple(claimants), claims)


def update(ledger: Ledger, documents: Collection[str],
           fresh: Iterable[ClaimRecord]) -> tuple[Ledger, frozenset[str]]:
    """``ledger`` after the claims of ``documents`` became ``fresh`` (as the store holds them
    now), and the keys of the rows that changed: only those rows are built again."""
    fresh = list(fresh)
    records = {i: c.record for i, c in ledger.claims.items()
               if c.record.document not in documents}
    records.update((r.id, r) for r in fresh)
    keys = {c.row for c in ledger.claims.values() if c.record.document in documents}
    keys |= {_key(*_row_of(r, records)) for r in fresh}
    members = [r for r in records.values()
               if (ledger.claims[r.id].row if r.id in ledger.claims
                   and r.document not in documents else _key(*_row_of(r, records))) in keys]
    part = build(members, records)
    claims = {i: c for i, c in ledger.claims.items() if c.row not in keys}
    claims.update(part.claims)
    rows = sorted((*(r for r in ledger.rows if r.key not in keys), *part.rows),
                  key=lambda r: (r.subject, r.proposition))
    claimants = tuple(sorted({c.claimant for c in claims.values()}))
    return Ledger(tuple(rows), claimants, claims), frozenset(keys)


def _conflicts(members: Sequence[ClaimRecord],
               figures: Mapping[str, Figure | None]) -> dict[str, list[str]]:
    """For each claim of one row, the others whose figures cannot be true with its own: in
    order of lower bound, those after it that start above its top (units alike)."""
    ranged = sorted(((figure.interval(), r.id, figure) for r in members
                     if r.kind == "claim" and (figure := figures[r.id]) is not None),
                    key=lambda item: (item[0][0], item[1]))
    found: dict[str, list[str]] = {}
    for i, ((_lo, hi), first, a) in enumerate(ranged):
        if hi is None:
            continue
        for (other_lo, _hi), second, b in ranged[i + 1:]:
            if other_lo > hi and _same_unit(a, b):
                found.setdefault(first, []).append(second)
                found.setdefault(second, []).append(first)
    return found
