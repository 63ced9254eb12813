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
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from annotate.collector import collector_paused
from annotate.commands import ChangeSet
from annotate.conflicts import Spread
from annotate.figures import Figure, parse_figure
from annotate.model import Span

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
    place: tuple[str, str]
    """(subject, proposition) of its row."""
    denied_by: tuple[str, ...] = ()

    @property
    def proposition(self) -> str:
        value = self.record.attributes.get("proposition")
        return value if isinstance(value, str) and value else "other"


Order = tuple[str, str, int, str]
"""Where a claim sits among a row's: (publication date, document, start, id)."""


def order(record: ClaimRecord) -> Order:
    return (record.published or "", record.document, record.start, record.id)


def _claim_order(claim: LedgerClaim) -> Order:
    return order(claim.record)


def _place(claims: list[LedgerClaim], claim: LedgerClaim) -> int:
    """Where ``claim`` goes in ``claims`` (in :func:`order`): at the end when it sorts last,
    as it does while a ledger is built in order."""
    key = order(claim.record)
    if not claims or _claim_order(claims[-1]) < key:
        return len(claims)
    return bisect_left(claims, key, key=_claim_order)


def _index(claims: list[LedgerClaim], claim: LedgerClaim) -> int:
    index = bisect_left(claims, order(claim.record), key=_claim_order)
    if index == len(claims) or claims[index].record.id != claim.record.id:
        raise KeyError(claim.record.id)
    return index


class Row:
    """One (subject, proposition) of the ledger: its claims (by publication date, document
    and place) and, by claimant (column), the cells; which of its figures conflict is read
    from a :class:`~annotate.conflicts.Spread`, so a claim comes and goes without the others
    being compared again."""

    __slots__ = ("_cells", "_spread", "claims", "key", "proposition", "subject")

    def __init__(self, subject: str, proposition: str) -> None:
        self.key = _key(subject, proposition)
        self.subject, self.proposition = subject, proposition
        self.claims: list[LedgerClaim] = []
        self._cells: dict[str, list[LedgerClaim]] = {}
        self._spread = Spread()

    @property
    def cells(self) -> dict[str, tuple[LedgerClaim, ...]]:
        """The claims of each claimant, by claimant name."""
        return {name: tuple(self._cells[name]) for name in sorted(self._cells)}

    def cell(self, claimant: str) -> Sequence[LedgerClaim]:
        return self._cells.get(claimant, ())

    def index(self, claim: LedgerClaim) -> int:
        """The claim's place among :attr:`claims` (KeyError when it is not one)."""
        return _index(self.claims, claim)

    @property
    def conflicting(self) -> bool:
        return self._spread.conflicting()

    def conflicted(self, claim: LedgerClaim) -> bool:
        """Whether the claim's figure conflicts with another of the row's."""
        return _spread_figure(claim) is not None and self._spread.conflicted(claim.figure)

    def conflicts(self, claim: LedgerClaim) -> tuple[str, ...]:
        """The ids of the row's claims whose figures conflict with the claim's."""
        return () if _spread_figure(claim) is None else self._spread.conflicts(claim.figure)

    def _add(self, claim: LedgerClaim) -> None:
        self.claims.insert(_place(self.claims, claim), claim)
        cell = self._cells.setdefault(claim.claimant, [])
        cell.insert(_place(cell, claim), claim)
        if (figure := _spread_figure(claim)) is not None:
            self._spread.add(claim.record.id, figure)

    def _remove(self, claim: LedgerClaim) -> None:
        del self.claims[_index(self.claims, claim)]
        cell = self._cells[claim.claimant]
        del cell[_index(cell, claim)]
        if not cell:
            del self._cells[claim.claimant]
        if (figure := _spread_figure(claim)) is not None:
            self._spread.remove(claim.record.id, figure)


def _spread_figure(claim: LedgerClaim) -> Figure | None:
    """The figure the claim's conflicts are judged by: a claim's (a denial has none)."""
    return claim.figure if claim.record.kind == "claim" else None


Change = tuple["LedgerClaim | None", "LedgerClaim | None"]
"""A claim of the ledger as it was and as it is to be (None: not there)."""
Places = dict[tuple[str, str], tuple[tuple[str, str], str]]
"""Each (subject, proposition) with its row's key, held once for the claims of the row."""


class Ledger:
    """Rows (by subject, then proposition), claimants (columns, by name) and every claim.

    Built whole by :func:`build`; :meth:`update` (or :meth:`changes` then :meth:`remove` and
    :meth:`add`, claim by claim) follows an edit in a few documents at the cost of the claims it
    touches, whatever the size of their rows."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        """In order of (subject, proposition)."""
        self.claimants: list[str] = []
        """Every claimant of a claim, sorted."""
        self.claims: dict[str, LedgerClaim] = {}
        self._rows: dict[str, Row] = {}
        self._places: list[tuple[str, str]] = []  # (subject, proposition) of each row
        self._claimed: Counter[str] = Counter()  # claims by claimant
        self._documents: dict[str, set[str]] | None = {}
        """Claim ids by document (None: not gathered yet; the first edit does)."""
        self._denials: dict[str, set[str]] = {}  # denial ids by the claim denied
        self._held: Places = {}

    def row(self, key: str) -> Row | None:
        return self._rows.get(key)

    def claimed(self, claimant: str) -> bool:
        """Whether ``claimant`` has a claim in the ledger (is among :attr:`claimants`)."""
        return self._claimed[claimant] > 0

    def row_index(self, key: str) -> int:
        """The row's place among :attr:`rows` (KeyError when none has that key)."""
        row = self._rows[key]
        return bisect_left(self._places, (row.subject, row.proposition))

    def conflicts(self, claim_id: str) -> tuple[str, ...]:
        """The ids of the claims of its row whose figures conflict with the claim's."""
        claim = self.claims[claim_id]
        return self._rows[claim.row].conflicts(claim)

    def place(self, claim: LedgerClaim) -> tuple[int, int | None, int | None]:
        """Where :meth:`add` would put ``claim``: (row, place among the row's claims or None
        when the row is new, claimant column or None when the claimant is)."""
        row = self._rows.get(claim.row)
        if row is None:
            at = bisect_left(self._places, claim.place)
            return at, None, None
        column = bisect_left(self.claimants, claim.claimant)
        known = self._claimed[claim.claimant] > 0
        return self.row_index(claim.row), _place(row.claims, claim), column if known else None

    def add(self, claim: LedgerClaim) -> None:
        """Put ``claim`` (not in the ledger) in its row, a new row if needed."""
        row = self._rows.get(claim.row)
        if row is None:
            row = self._rows[claim.row] = Row(*claim.place)
            at = bisect_left(self._places, claim.place)
            self._places.insert(at, claim.place)
            self.rows.insert(at, row)
        row._add(claim)
        if self._claimed[claim.claimant] == 0:
            insort(self.claimants, claim.claimant)
        record = claim.record
        self.claims[record.id] = claim
        self._claimed[claim.claimant] += 1
        if self._documents is not None:
            self._documents.setdefault(record.document, set()).add(record.id)
        for target in record.denies:
            self._denials.setdefault(target, set()).add(record.id)

    def remove(self, claim_id: str) -> LedgerClaim:
        """Take the claim out of its row, and the row out when it was its last."""
        claim = self.claims.pop(claim_id)
        row = self._rows[claim.row]
        row._remove(claim)
        if not row.claims:
            at = self.row_index(row.key)
            del self._places[at], self.rows[at], self._rows[row.key]
            self._held.pop(claim.place, None)
        self._claimed[claim.claimant] -= 1
        if self._claimed[claim.claimant] == 0:
            del self._claimed[claim.claimant]
            self.claimants.remove(claim.claimant)
        record = claim.record
        if self._documents is not None:
            _unindex(self._documents, record.document, claim_id)
        for target in record.denies:
            _unindex(self._denials, target, claim_id)
        return claim

    def _by_document(self) -> dict[str, set[str]]:
        if self._documents is None:
            self._documents = {}
            for claim_id, claim in self.claims.items():
                self._documents.setdefault(claim.record.document, set()).add(claim_id)
        return self._documents

    def changes(self, documents: Collection[str], fresh: Iterable[ClaimRecord],
                claims: Collection[str] = ()) -> list[Change]:
        """What becomes of the ledger's claims when those of ``documents`` and the ``claims``
        (ids) become ``fresh`` (as the store holds them now): those claims, the claims their
        denials deny (now or before), and the denials of them (whose row may follow).
        Nothing else is looked at."""
        fresh_by_id = {r.id: r for r in fresh}
        gone = {i for i in claims if i in self.claims}
        for uid in documents:
            gone |= self._by_document().get(uid, set())
        gone -= fresh_by_id.keys()

        def find(claim_id: str) -> ClaimRecord | None:
            record = fresh_by_id.get(claim_id)
            if record is None and claim_id not in gone and claim_id in self.claims:
                record = self.claims[claim_id].record
            return record

        denials: dict[str, set[str]] = {}  # the denials of the claims touched, after
        edited = gone | fresh_by_id.keys()
        targets = {t for i in edited for t in _denies(self.claims.get(i), fresh_by_id.get(i))}
        for target in targets | edited:
            ids = {i for i in self._denials.get(target, ()) if i not in edited}
            ids |= {i for i, r in fresh_by_id.items() if target in r.denies}
            denials[target] = ids
        touched = edited | targets
        for claim_id in edited:
            touched |= denials.get(claim_id, set())
        result: list[Change] = []
        for claim_id in sorted(touched):
            record = find(claim_id)
            new = None if record is None else _claim(
                record, find, denials.get(claim_id, self._denials.get(claim_id, ())),
                self._held)
            old = self.claims.get(claim_id)
            if old != new:
                result.append((old, new))
        return result

    def update(self, documents: Collection[str], fresh: Iterable[ClaimRecord],
               claims: Collection[str] = ()) -> frozenset[str]:
        """Follow the claims of ``documents`` and the ``claims`` becoming ``fresh``; the keys
        of the rows that changed (added, changed or gone)."""
        changes = self.changes(documents, fresh, claims)
        for old, _new in changes:
            if old is not None:
                self.remove(old.record.id)
        for _old, new in changes:
            if new is not None:
                self.add(new)
        return frozenset(c.row for pair in changes for c in pair if c is not None)

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
        links += [self._link(other, "conflicts") for other in self.conflicts(record.id)]
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
                    items.append(_claimreview(claim, row.conflicted(claim)))
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


def _claimreview(claim: LedgerClaim, conflicted: bool) -> dict[str, Any]:
    record = claim.record
    rating = ("Conflicting figures" if conflicted
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



def _denies(*claims: LedgerClaim | ClaimRecord | None) -> Iterable[str]:
    for claim in claims:
        if isinstance(claim, LedgerClaim):
            yield from claim.record.denies
        elif claim is not None:
            yield from claim.denies


def _unindex(index: dict[str, set[str]], key: str, claim_id: str) -> None:
    ids = index[key]
    ids.discard(claim_id)
    if not ids:
        del index[key]


def _row_of(record: ClaimRecord, find: Callable[[str], ClaimRecord | None]) -> tuple[str, str]:
    """(subject, proposition) of a claim; a denial without a subject of its own takes those of
    the first claim it denies that ``find`` finds."""
    denied = (next((d for t in record.denies if (d := find(t)) is not None), None)
              if record.denies and record.subject is None else None)
    source = record if denied is None else denied
    proposition = source.attributes.get("proposition")
    return (source.subject.name if source.subject else NO_SUBJECT,
            proposition if isinstance(proposition, str) and proposition else "other")


def _key(subject: str, proposition: str) -> str:
    return f"{subject}: {proposition}"


def _claim(record: ClaimRecord, find: Callable[[str], ClaimRecord | None],
           denied_by: Iterable[str], held: Places) -> LedgerClaim:
    """The claim of ``record``; its row's place and key those ``held`` (added when new)."""
    claimant = record.claimant.name if record.claimant else UNATTRIBUTED
    place = _row_of(record, find)
    known = held.get(place)
    if known is None:
        known = held[place] = (place, _key(*place))
    place, key = known
    return LedgerClaim(record, figure_of(record), key, claimant, place,
                       tuple(sorted(denied_by)) if denied_by else ())


def build(records: Iterable[ClaimRecord]) -> Ledger:
    """The ledger of ``records``: rows, columns, conflicts and denials against what they
    deny."""
    with collector_paused():  # tens of thousands of claims, rows and cells, in no cycle
        return _build(sorted(records, key=order))


def _build(records: list[ClaimRecord]) -> Ledger:
    """:func:`build`, its work (the collector paused; ``records`` in :func:`order`): each row's
    claims and cells filled in order, its figures sorted once."""
    ledger = Ledger()
    by_id = {r.id: r for r in records}
    ledger._documents = None  # gathered by the first edit: a command's ledger has none
    denials = ledger._denials
    for record in records:
        for target in record.denies:
            denials.setdefault(target, set()).add(record.id)
    rows: dict[str, Row] = {}
    figured: dict[str, list[tuple[str, Figure]]] = {}
    claims = ledger.claims
    for record in records:
        claim = _claim(record, by_id.get, denials.get(record.id, ()), ledger._held)
        claims[record.id] = claim
        row = rows.get(claim.row)
        if row is None:
            row = rows[claim.row] = Row(*claim.place)
        row.claims.append(claim)
        row._cells.setdefault(claim.claimant, []).append(claim)
        if (figure := _spread_figure(claim)) is not None:
            figured.setdefault(claim.row, []).append((record.id, figure))
    for key, figures in figured.items():
        rows[key]._spread = Spread.of(figures)
    ledger.rows = sorted(rows.values(), key=lambda r: (r.subject, r.proposition))
    ledger._rows = rows
    ledger._places = [(r.subject, r.proposition) for r in ledger.rows]
    ledger._claimed.update(c.claimant for c in claims.values())
    ledger.claimants = sorted(ledger._claimed)
    return ledger


def concerns(changes: ChangeSet, category: Callable[[str], str | None]) -> bool:
    """Whether ``changes`` may change a ledger: False only when they are known to touch no
    claim, denial, link, actor or linked entity's text: spans of no claim or denial made,
    relabelled or deleted without links, statuses, document labels. ``category``: a label's
    category (None: not known)."""
    if changes.ledger or changes.schema or changes.relations:
        return True
    edited = {span.id for pair in changes.edits for span in pair if span is not None}
    if not changes.spans <= edited:
        return True  # spans changed, not said how
    if not (changes.edits or changes.status or changes.doc_labels or changes.suggestions):
        return True  # documents changed, not said how
    return any(_concerns(before, after, category) for before, after in changes.edits)


def edited_claims(changes: ChangeSet, category: Callable[[str], str | None],
                  most: int = 500) -> frozenset[str] | None:
    """The ids of the spans whose claims are all that ``changes`` change in a ledger: spans
    made, changed or deleted (at most ``most``) with no link among the changes and no entity
    moved; None when more may have changed (their documents' claims are to be read again)."""
    if changes.ledger or changes.schema or changes.relations or not changes.edits:
        return None
    edited = {span.id for pair in changes.edits for span in pair if span is not None}
    if changes.spans != edited or len(edited) > most:
        return None
    if any(_moves_entity(before, after, category) for before, after in changes.edits):
        return None
    return frozenset(edited)


def _moves_entity(before: Span | None, after: Span | None,
                  category: Callable[[str], str | None]) -> bool:
    kinds = {category(span.label) for span in (before, after) if span is not None}
    return (before is not None and after is not None and not kinds <= {"claim", "denial", "other"}
            and (before.start, before.end) != (after.start, after.end))


def _concerns(before: Span | None, after: Span | None,
              category: Callable[[str], str | None]) -> bool:
    """Whether a span edit may change a ledger: a claim or denial's (or one of a label not
    known), or an entity's moved (a link to it would read other words)."""
    kinds = {category(span.label) for span in (before, after) if span is not None}
    if not kinds <= {"entity", "other"}:
        return True
    return (before is not None and after is not None and "entity" in kinds
            and (before.start, before.end) != (after.start, after.end))
