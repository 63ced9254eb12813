"""A standalone look at the text view: ``python -m desktop.textview [--screenshot FILE]``.

Shows the first bundled sample with marks of every category, nested and overlapping, and links
from each claim or denial to the first name inside it, so the look can be judged (or saved as a
screenshot, which also works offscreen).
"""

from __future__ import annotations

import argparse
import re
import sys
from itertools import cycle

from PySide6.QtWidgets import QApplication

from annotate.model import Relation, Span
from annotate.samples import sample_documents
from annotate.schema import default_schema
from desktop.textview.styles import LinkStyle, SpanStyle, link_style_for, style_for
from desktop.textview.view import SpanTextView

SENTENCE = re.compile(r"[^\s.!?][^.!?\n]*[.!?]")
NAME = re.compile(r"(?<=\w )[A-Z][\w-]{2,}(?: [A-Z][\w-]+)*")
NEGATION = re.compile(r"\b(?:not|no|never|deny|denies|denied)\b", re.IGNORECASE)


def demo_spans(text: str, document: str) -> list[SpanStyle]:
    """Marks found by simple patterns: sentences with a negation are denials, every third other
    sentence a claim, capitalised names inside sentences entities, cycling the entity labels."""
    schema = default_schema()
    entities = cycle([label for label in schema.labels if label.category == "entity"])
    spans: list[Span] = []
    for number, sentence in enumerate(SENTENCE.finditer(text)):
        denial = NEGATION.search(sentence.group()) is not None
        if denial or number % 3 == 0:
            spans.append(
                Span(document, sentence.start(), sentence.end(), "DENIAL" if denial else "CLAIM",
                     "demo", attributes={"certainty": "reported"})
            )
    for match in NAME.finditer(text):
        spans.append(Span(document, match.start(), match.end(), next(entities).name, "demo"))
    return [style_for(span, schema.label(span.label)) for span in spans]


def demo_links(spans: list[SpanStyle]) -> list[LinkStyle]:
    """A link from each claim (CLAIMED_BY) or denial (DENIED_BY) to the first entity in it."""
    types = [relation.name for relation in default_schema().relations]
    entities = [span for span in spans if span.category == "entity"]
    links = []
    for span in spans:
        inside = next((e for e in entities if span.start <= e.start < span.end), None)
        if inside is not None and span.category in ("claim", "denial"):
            kind = "CLAIMED_BY" if span.category == "claim" else "DENIED_BY"
            links.append(link_style_for(Relation(kind, span.id, inside.id, "demo"), types))
    return links


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop.textview", description=__doc__)
    parser.add_argument("--screenshot", metavar="FILE", help="save a PNG of the window and exit")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    document = sample_documents()[0]
    view = SpanTextView()
    view.setWindowTitle(f"Counterclaim text view: {document.title}")
    view.resize(900, 640)
    spans = demo_spans(document.text, document.uid)
    view.set_document(document.text, spans)
    view.set_links(demo_links(spans))
    view.show()
    if spans:
        view.select_span(spans[0].id)
        view.scroll_to(0)
    if args.screenshot:
        saved = view.grab().save(args.screenshot)
        view.close()  # no window left behind (it would take the mouse of later ones)
        return 0 if saved else 1
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
