"""One undo rule, checked over random histories: any sequence of edits, schema changes,
imports, undos and redos by an annotator leaves every undo and redo the store offers them
applicable (none is refused), and an undo followed by a redo gives back the same state."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from annotate.commands import CreateSpan, DeleteSpan, SetStatus, relabel
from annotate.edges import ink_problem
from annotate.errors import ValidationError
from annotate.model import AnnotatedDocument, Document, Span
from annotate.schema import Label, LabelSchema
from db.store import Store

ME, PEER = "amina", "kofi"
DOCUMENTS = tuple(Document(f"Report {n}: the army said the convoy was hit.", f"r{n}")
                  for n in range(2))
LENGTH = len(DOCUMENTS[0].text)
EXTRA = ("RUMOUR", "THREAT")

_template: Path | None = None


def template() -> Path:
    """A store holding the documents, made once and copied for each history."""
    global _template
    if _template is None:
        path = Path(tempfile.mkdtemp(prefix="undo-template-")) / "store.sqlite"
        store = Store.open(path)
        store.import_documents(AnnotatedDocument(d) for d in DOCUMENTS)
        store.close()
        _template = path
    return _template


def state(store: Store) -> tuple[object, ...]:
    """Everything an undo or redo may change: spans, statuses and the schema."""
    spans = sorted(
        (s.id, s.document, s.start, s.end, s.label, s.annotator, tuple(sorted(s.attributes)))
        for d in DOCUMENTS for s in store.spans(d.uid)
    )
    statuses = tuple(store.status(d.uid, who) for d in DOCUMENTS for who in (ME, PEER))
    return tuple(spans), statuses, store.schema()


class History(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="undo-"))
        shutil.copy(template(), self.folder / "store.sqlite")
        self.store = Store.open(self.folder / "store.sqlite")
        self.imports = 0
        self.deleted: list[Span] = []  # spans this annotator deleted: files may still hold them

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    @initialize()
    def start(self) -> None:
        assert self.store.next_undo(ME) is None

    def mine(self) -> list[Span]:
        return [s for d in DOCUMENTS for s in self.store.spans(d.uid, [ME])]

    # -- edits -------------------------------------------------------------------------------
    @rule(doc=st.sampled_from(DOCUMENTS), start=st.integers(0, LENGTH - 1),
          size=st.integers(1, 8), pick=st.integers(0, 20))
    def create(self, doc: Document, start: int, size: int, pick: int) -> None:
        labels = self.store.schema().label_names
        span = Span(doc.uid, start, min(LENGTH, start + size), labels[pick % len(labels)], ME)
        if ink_problem(doc.text[span.start:span.end]) is not None:
            with pytest.raises(ValidationError, match="only punctuation or spaces"):
                self.store.apply(CreateSpan(span), ME)  # refused, nothing written
            return
        self.store.apply(CreateSpan(span), ME)

    @precondition(lambda self: bool(self.mine()))
    @rule(pick=st.integers(0, 50), then_import=st.sampled_from((None, ME, PEER)))
    def delete(self, pick: int, then_import: str | None) -> None:
        """Delete a span; ``then_import``: then a file holding it comes in (under its own
        name, or as a colleague's copy)."""
        spans = self.mine()
        self.store.apply(DeleteSpan(spans[pick % len(spans)]), ME)
        self.deleted.append(spans[pick % len(spans)])
        if then_import is not None:
            self._import_deleted(then_import)

    @precondition(lambda self: bool(self.mine()))
    @rule(pick=st.integers(0, 50), label=st.integers(0, 20))
    def relabel(self, pick: int, label: int) -> None:
        spans = self.mine()
        labels = self.store.schema().label_names
        self.store.apply(relabel(spans[pick % len(spans)], labels[label % len(labels)]), ME)

    @rule(doc=st.sampled_from(DOCUMENTS), done=st.sampled_from(("in_progress", "done")))
    def mark(self, doc: Document, done: str) -> None:
        self.store.apply(SetStatus(doc.uid, ME, done), ME)  # type: ignore[arg-type]

    # -- schema changes ----------------------------------------------------------------------
    @rule(name=st.sampled_from(EXTRA))
    def add_label(self, name: str) -> None:
        schema = self.store.schema()
        if schema.label(name) is None:
            self.store.set_schema(schema.with_label(Label(name, "other", "#123456")), by=ME)

    @rule(pick=st.integers(0, 20))
    def remove_unused_label(self, pick: int) -> None:
        schema = self.store.schema()
        used = {s.label for d in DOCUMENTS for s in self.store.spans(d.uid)}
        free = [n for n in schema.label_names if n not in used and n in EXTRA]
        if free:
            name = free[pick % len(free)]
            kept = tuple(label for label in schema.labels if label.name != name)
            self.store.set_schema(LabelSchema(kept, schema.relations), by=ME)

    @rule(pick=st.integers(0, 20))
    def rename_label(self, pick: int) -> None:
        schema = self.store.schema()
        old = schema.labels[pick % len(schema.labels)]
        new = f"{old.name}_X" if not old.name.endswith("_X") else old.name.removesuffix("_X")
        if schema.label(new) is None:
            self.store.set_schema(schema.with_label(replace(old, name=new), old.name),
                                  {old.name: new}, by=ME)

    # -- imports -----------------------------------------------------------------------------
    @rule(doc=st.sampled_from(DOCUMENTS), start=st.integers(0, LENGTH - 4),
          again=st.booleans(), who=st.sampled_from((ME, PEER)))
    def import_spans(self, doc: Document, start: int, again: bool, who: str) -> None:
        """A file holding a new span of ``who`` and, with ``again``, copies of spans here and
        of spans deleted here (a colleague's copy of older work)."""
        self.imports += 1
        label = self.store.schema().label_names[0]
        spans = [Span(doc.uid, start, start + 3, label, who, f"import-{self.imports}")]
        if again:
            older = [*self.deleted[-2:], *self.mine()[:2]]
            spans += [s if who == ME else replace(s, annotator=who) for s in older]
        known = set(self.store.schema().label_names)
        spans = list({s.id: s for s in spans if s.label in known}.values())
        self.store.import_documents([AnnotatedDocument(doc, tuple(spans))], by=ME)

    @precondition(lambda self: bool(self.deleted))
    @rule(who=st.sampled_from((ME, PEER)))
    def import_deleted(self, who: str) -> None:
        self._import_deleted(who)

    def _import_deleted(self, who: str) -> None:
        """A file holding the span deleted last (under its own name, or a colleague's)."""
        span = self.deleted[-1]
        if self.store.schema().label(span.label) is not None:
            doc = next(d for d in DOCUMENTS if d.uid == span.document)
            copy = span if who == ME else replace(span, annotator=who)
            self.store.import_documents([AnnotatedDocument(doc, (copy,))], by=ME)

    # -- undo and redo -----------------------------------------------------------------------
    @precondition(lambda self: self.store.can_undo(ME))
    @rule(then_redo=st.booleans())
    def undo(self, then_redo: bool) -> None:
        before = state(self.store)
        assert self.store.undo(ME) is not None  # an offered undo applies (UndoRefused fails)
        if then_redo:
            assert self.store.can_redo(ME)
            assert self.store.redo(ME) is not None
            assert state(self.store) == before

    @precondition(lambda self: self.store.can_redo(ME))
    @rule()
    def redo(self) -> None:
        assert self.store.redo(ME) is not None

    @invariant()
    def schema_is_sound(self) -> None:
        self.store.schema().validate()


History.TestCase.settings = settings(
    max_examples=20, stateful_step_count=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestUndoRule = History.TestCase
