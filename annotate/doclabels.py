"""Document labels: the commands that change one annotator's labels of a document.

A document category (:class:`annotate.schema.DocCategory`) is single-choice (an annotator
gives a document at most one of its values) or multi-choice (any number). Toggling a value
adds it, or removes it when the annotator has it already; in a single-choice category adding
a value replaces the one held, as ONE undoable step (a Batch). The store checks the same
rules again (:mod:`db.edits`): the value is known, and a single-choice category never holds
two values of one annotator.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from annotate.commands import AddDocLabel, Batch, Command, RemoveDocLabel
from annotate.errors import ValidationError
from annotate.model import DocLabel
from annotate.schema import LabelSchema


def held(labels: Iterable[DocLabel], annotator: str, category: str | None = None) -> list[DocLabel]:
    """The labels of ``annotator`` (of ``category``, if given) among ``labels``."""
    return [d for d in labels
            if d.annotator == annotator and (category is None or d.category == category)]


def toggle(schema: LabelSchema, labels: Sequence[DocLabel], document: str, category: str,
           value: str, annotator: str) -> Command:
    """The command that toggles ``category``:``value`` on ``document`` for ``annotator``,
    given the document's labels now (``labels``, any annotators'). ValidationError when the
    schema has no such value."""
    wanted = DocLabel(document, category, value, annotator)
    schema.check_doc_label(wanted)
    mine = held((d for d in labels if d.document == document), annotator, category)
    present = next((d for d in mine if d.value == value), None)
    if present is not None:
        return RemoveDocLabel(present)
    found = schema.doc_category(category)
    assert found is not None  # checked above
    if found.multi or not mine:
        return AddDocLabel(wanted)
    return Batch((*(RemoveDocLabel(d) for d in mine), AddDocLabel(wanted)),
                 f"set {category} to {value}")


def check_single(schema: LabelSchema, label: DocLabel, others: Iterable[str]) -> None:
    """ValidationError when ``label`` would join ``others`` (values its annotator holds in its
    category on its document) in a single-choice category."""
    category = schema.doc_category(label.category)
    if category is None or category.multi:
        return
    rest = sorted(v for v in others if v != label.value)
    if rest:
        raise ValidationError(
            f"{label.category} takes one value per document: {label.annotator} has "
            f"{', '.join(rest)} on this document already (toggle it off, or choose "
            f"{label.value} to replace it)"
        )
