"""A small annotated corpus for ledger tests: five reports of one ambush, with claims, their
claimants and subjects, a denial of another report's claim, and resolved actors."""

from __future__ import annotations

from annotate.commands import AddRelation, Batch, CreateSpan
from annotate.model import AnnotatedDocument, Document, Relation, Span
from db.store import Store

REPORTS = [
    ("CSP said that 84 Wagner mercenaries were killed.", "2024-08-02",
     [("c", "CLAIM", "84 Wagner mercenaries were killed", {"proposition": "killed"}),
      ("who", "ORG", "CSP", {}), ("about", "ARMED_GROUP", "Wagner", {})]),
    ("Rusich wrote that more than 80 Wagner men were killed.", "2024-07-29",
     [("c", "CLAIM", "more than 80 Wagner men were killed", {"proposition": "killed"}),
      ("who", "PERSON", "Rusich", {}), ("about", "ARMED_GROUP", "Wagner", {})]),
    ("African Initiative counted at least 25 deaths in the Wagner Group.", "2024-07-30",
     [("c", "CLAIM", "at least 25 deaths", {"proposition": "killed"}),
      ("who", "ORG", "African Initiative", {}), ("about", "ARMED_GROUP", "Wagner Group", {})]),
    ("The army said 10 Wagner soldiers died and JNIM took part.", "2024-07-27",
     [("c", "CLAIM", "10 Wagner soldiers died", {"proposition": "killed"}),
      ("who", "ORG", "army", {}), ("about", "ARMED_GROUP", "Wagner", {}),
      ("c2", "CLAIM", "JNIM took part", {"proposition": "took part"}),
      ("about2", "ARMED_GROUP", "JNIM", {})]),
    ("CSP-PSD denied that JNIM fought at its side.", "2024-07-28",
     [("d", "DENIAL", "denied that JNIM fought at its side", {"proposition": "took part"}),
      ("who", "ARMED_GROUP", "CSP-PSD", {}), ("about", "ARMED_GROUP", "JNIM", {})]),
]
LINKS = {0: [("CLAIMED_BY", "c", "who"), ("ABOUT", "c", "about")],
         1: [("CLAIMED_BY", "c", "who"), ("ABOUT", "c", "about")],
         2: [("CLAIMED_BY", "c", "who"), ("ABOUT", "c", "about")],
         3: [("CLAIMED_BY", "c", "who"), ("ABOUT", "c", "about"), ("CLAIMED_BY", "c2", "who"),
             ("ABOUT", "c2", "about2")],
         4: [("DENIED_BY", "d", "who"), ("ABOUT", "d", "about")]}


def annotate(store: Store, annotator: str = "amina") -> dict[tuple[int, str], Span]:
    """Import the reports and annotate them in ``annotator``'s layer; the spans by (report,
    key)."""
    spans: dict[tuple[int, str], Span] = {}
    for number, (text, published, marks) in enumerate(REPORTS):
        document = Document(text, f"report {number}", {"published": published})
        store.import_documents([AnnotatedDocument(document)])
        commands = []
        for key, label, covered, attributes in marks:
            start = text.index(covered)
            span = Span(document.uid, start, start + len(covered), label, annotator,
                        attributes=attributes)
            spans[number, key] = span
            commands.append(CreateSpan(span))
        for kind, source, target in LINKS[number]:
            commands.append(AddRelation(document.uid, Relation(
                kind, spans[number, source].id, spans[number, target].id, annotator)))
        store.apply(Batch(tuple(commands)), annotator)
    return spans
