"""A store whose every data string is hostile: markup Qt would render (an ``<img>`` of
/dev/zero kills the process when interpreted), entities, ``&`` mnemonics, bidi controls, line
breaks, and 1,000,000-character titles, names, labels, notes, attribute and metadata values.

``python tests/desktop/hostile_store.py PATH`` writes one (for a look at it under Xvfb).
"""

from __future__ import annotations

import sys
from pathlib import Path

from annotate.adjudication import accept_command
from annotate.model import AnnotatedDocument, Document, Relation, Span
from annotate.schema import AttributeDef, Label, LabelSchema, RelationType
from db.review import review_items
from db.store import Store

HUGE = 1_000_000
IMG = '<img src="file:///dev/zero">'
MARKUP = f"{IMG} <b>x</b> &amp; &File"
RTL = "\u202eevil\u200f\nname\r\n<i>y</i>"
HOSTILE = (IMG, MARKUP, RTL, "&" + "&File " * 3, "M" * HUGE)
"""The strings every free-text field of the store gets (in turn)."""
ANNOTATORS = (IMG, "&File <b>x</b> &amp;", RTL, "A" * HUGE)
LONG_LABEL = "L" + "x" * (HUGE - 1)
"""Label and relation names must be ASCII words, but nothing caps their length."""
LONG_RELATION = "R" + "y" * (HUGE - 1)
TEXT = ("<b>bold</b> &amp; <img src=\"file:///dev/zero\"> said &File the \u202egroup\u202c "
        "on Tuesday.\nMore than 80 people were killed, <i>officials</i> said. ") * 20


def schema() -> LabelSchema:
    attributes = (AttributeDef(MARKUP, "text"), AttributeDef("choice", "choice", HOSTILE),
                  AttributeDef("figure", "number"))
    return LabelSchema(
        labels=(Label("CLAIM", "claim", "#E69F00", "c", IMG + "M" * HUGE, attributes),
                Label(LONG_LABEL, "entity", "#56B4E9", "p", MARKUP, attributes),
                Label("DENIAL", "denial", "#009E73", "d", RTL)),
        relations=(RelationType(LONG_RELATION), RelationType("LINK")))


def documents() -> list[AnnotatedDocument]:
    """One document per hostile title (the 1,000,000-character one first, so the window opens
    it at start); every annotator has spans, a relation and a status on each."""
    records = []
    titles = ("T" * HUGE, *HOSTILE[:-1])
    for n, title in enumerate(titles):
        text = f"{n} {TEXT}"
        document = Document(text, title, {"source": HOSTILE[n % len(HOSTILE)],
                                          "url": "M" * HUGE})
        spans: list[Span] = []
        relations: list[Relation] = []
        for k, annotator in enumerate(ANNOTATORS):
            label = ("CLAIM", LONG_LABEL, "DENIAL")[(n + k) % 3]
            value = HOSTILE[(n + k) % len(HOSTILE)]
            attributes = {MARKUP: value, "choice": value} if label != "DENIAL" else {}
            first = Span(document.uid, 2, 40 + k, label, annotator, attributes=attributes,
                         note=HOSTILE[(n + k + 1) % len(HOSTILE)])
            second = Span(document.uid, 50, 80, "CLAIM", annotator, note=value)
            spans += (first, second)
            relations.append(Relation(LONG_RELATION, first.id, second.id, annotator))
        status = {annotator: "done" for annotator in ANNOTATORS[: 1 + n % len(ANNOTATORS)]}
        records.append(AnnotatedDocument(document, tuple(spans), tuple(relations), status))
    return records


def build(path: Path) -> Path:
    """Write the hostile store at ``path``; one item of each document is accepted into gold
    by a hostile adjudicator."""
    store = Store.open(path)
    try:
        store.set_schema(schema())
        store.import_documents(documents())
        for row in store.list_documents():
            items = review_items(store, row.uid)
            store.apply(accept_command(items[0], items[0].spans[0], IMG), IMG)
    finally:
        store.close()
    return path


if __name__ == "__main__":
    print(build(Path(sys.argv[1])))
