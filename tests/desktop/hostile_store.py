"""A store whose every data string is hostile: markup Qt would render (an ``<img>`` of
/dev/zero kills the process when interpreted), entities, ``&`` mnemonics, bidi controls, line
breaks, and 1,000,000-character titles, names, labels, notes, attribute and metadata values.

Free text (titles, notes, text attributes, metadata, descriptions) and names that are valid
(printable, at most 100 characters, yet full of markup) are written through the store. Names
the store refuses to write (1,000,000 characters, bidi controls, line breaks) are then put
into the file with sqlite3, as another program, an older version or a peer's file may have.

``python tests/desktop/hostile_store.py PATH`` writes one (for a look at it under Xvfb).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

from annotate.adjudication import accept_command
from annotate.model import AnnotatedDocument, DocLabel, Document, Relation, Span
from annotate.schema import AttributeDef, DocCategory, DocValue, Label, LabelSchema, RelationType
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
LONG_RELATION = "R" + "y" * (HUGE - 1)
FOREIGN = {"Rtl-annotator": RTL, "Huge-annotator": ANNOTATORS[3], "Huge-label": LONG_LABEL,
           "Huge-relation": LONG_RELATION, "Rtl-choice": RTL, "Huge-choice": "C" * HUGE}
"""Valid names the store writes, and what the file then gets in their place."""
WRITTEN = {hostile: name for name, hostile in FOREIGN.items()}
TEXT = ("<b>bold</b> &amp; <img src=\"file:///dev/zero\"> said &File the \u202egroup\u202c "
        "on Tuesday.\nMore than 80 people were killed, <i>officials</i> said. ") * 20
CHOICES = (IMG, MARKUP, RTL, "C" * HUGE)


def name(hostile: str) -> str:
    """The name the store writes for ``hostile``."""
    return WRITTEN.get(hostile, hostile)


def schema() -> LabelSchema:
    attributes = (AttributeDef(MARKUP, "text"),
                  AttributeDef("choice", "choice", tuple(map(name, CHOICES))),
                  AttributeDef("figure", "number"))
    return LabelSchema(
        labels=(Label("CLAIM", "claim", "#E69F00", "c", IMG + "M" * HUGE, attributes),
                Label(name(LONG_LABEL), "entity", "#56B4E9", "p", MARKUP, attributes),
                Label("DENIAL", "denial", "#009E73", "d", RTL)),
        relations=(RelationType(name(LONG_RELATION)), RelationType("LINK")),
        documents=(DocCategory("stance", (DocValue("pro", description=MARKUP),
                                          DocValue("con", description=RTL))),))


def documents() -> list[AnnotatedDocument]:
    """One document per hostile title (the 1,000,000-character one first, so the window opens
    it at start); every annotator has spans, a relation, a status and a document label on each,
    and a claim at the same place as the others' whose attributes differ from theirs (an item
    whose values the Adjudication tab offers to choose, under their names)."""
    records = []
    titles = ("T" * HUGE, *HOSTILE[:-1])
    for n, title in enumerate(titles):
        text = f"{n} {TEXT}"
        document = Document(text, title, {"source": HOSTILE[n % len(HOSTILE)],
                                          "url": "M" * HUGE})
        spans: list[Span] = []
        relations: list[Relation] = []
        labels: list[DocLabel] = []
        for k, annotator in enumerate(map(name, ANNOTATORS)):
            label = ("CLAIM", name(LONG_LABEL), "DENIAL")[(n + k) % 3]
            value = HOSTILE[(n + k) % len(HOSTILE)]
            choice = name(CHOICES[(n + k) % len(CHOICES)])
            attributes = {MARKUP: value, "choice": choice} if label != "DENIAL" else {}
            first = Span(document.uid, 2, 40 + k, label, annotator, attributes=attributes,
                         note=HOSTILE[(n + k + 1) % len(HOSTILE)])
            second = Span(document.uid, 50, 80, "CLAIM", annotator, note=value)
            differing = Span(document.uid, 90, 120, "CLAIM", annotator, attributes={
                MARKUP: HOSTILE[(n + k) % len(HOSTILE)], "choice": choice})
            spans += (first, second, differing)
            relations.append(Relation(name(LONG_RELATION), first.id, second.id, annotator))
            labels.append(DocLabel(document.uid, "stance", ("pro", "con")[k % 2], annotator))
        status = {who: "done" for who in map(name, ANNOTATORS[: 1 + n % len(ANNOTATORS)])}
        records.append(AnnotatedDocument(document, tuple(spans), tuple(relations), status,
                                         tuple(labels)))
    return records


def tamper(path: Path) -> None:
    """Put the names the store refuses into the file, in every column that holds them."""
    conn = sqlite3.connect(path)
    with conn:
        for written, hostile in FOREIGN.items():
            quoted = json.dumps(hostile)[1:-1]
            for table, column, value in (
                    ("annotators", "name", hostile), ("labels", "name", hostile),
                    ("relation_types", "name", hostile), ("relations", "type", hostile),
                    ("labels", "attributes", quoted), ("spans", "attributes", quoted)):
                conn.execute(f"UPDATE {table} SET {column} = replace({column}, ?, ?)",
                             (written, value))
    conn.close()


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
    tamper(path)
    return path


if __name__ == "__main__":
    print(build(Path(sys.argv[1])))
