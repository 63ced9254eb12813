"""SQLAlchemy 2.0 models of the store. The Alembic migrations must equal these (tested)."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, MetaData, String, Text, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class DocumentModel(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    length: Mapped[int]
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    added_at: Mapped[str] = mapped_column(String(20))


class AnnotatorModel(Base):
    __tablename__ = "annotators"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class LabelModel(Base):
    __tablename__ = "labels"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    category: Mapped[str] = mapped_column(String(20))
    color: Mapped[str] = mapped_column(String(7))
    hotkey: Mapped[str | None] = mapped_column(String(1))
    description: Mapped[str] = mapped_column(Text, default="")
    attributes: Mapped[list[Any]] = mapped_column(default=list)
    position: Mapped[int] = mapped_column(default=0)


class RelationTypeModel(Base):
    __tablename__ = "relation_types"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    source_labels: Mapped[list[Any]] = mapped_column(default=list)
    target_labels: Mapped[list[Any]] = mapped_column(default=list)
    position: Mapped[int] = mapped_column(default=0)
    across: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Whether its relations may end at a span of another document."""


class DocCategoryModel(Base):
    """A document label category of the schema; ``doc_values`` lists its values (name,
    hotkey, color, description)."""

    __tablename__ = "doc_categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    multi: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    doc_values: Mapped[list[Any]] = mapped_column(default=list)
    position: Mapped[int] = mapped_column(default=0)


class DocLabelModel(Base):
    """A document label: one annotator gives a document a value of a document category."""

    __tablename__ = "doc_labels"
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), primary_key=True)
    created: Mapped[str] = mapped_column(String(20))


class SpanModel(Base):
    __tablename__ = "spans"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"))
    label_id: Mapped[int] = mapped_column(ForeignKey("labels.id"))
    start: Mapped[int]
    end: Mapped[int]
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    created: Mapped[str] = mapped_column(String(20))
    updated: Mapped[str] = mapped_column(String(20))
    fragments: Mapped[list[Any] | None] = mapped_column(JSON)  # [[start, end], ...] or NULL

    __table_args__ = (
        Index("ix_spans_document_start", "document_id", "start"),
        Index("ix_spans_label_id", "label_id"),
    )


class RelationModel(Base):
    __tablename__ = "relations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(200))
    source_id: Mapped[str] = mapped_column(ForeignKey("spans.id", ondelete="CASCADE"))
    target_id: Mapped[str] = mapped_column(ForeignKey("spans.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"))
    note: Mapped[str | None] = mapped_column(Text)
    target_document_id: Mapped[int | None]
    """The document of the target when it is not ``document_id`` (a link across documents),
    else NULL. (No foreign key: the target's own, ``target_id``, keeps it whole, and a column
    without one can be dropped by SQLite, as the migration tests do.)"""

    __table_args__ = (
        Index("ix_relations_document_id", "document_id"),
        Index("ix_relations_target_document_id", "target_document_id"),
        Index("ix_relations_source_id", "source_id"),
        Index("ix_relations_target_id", "target_id"),
    )


class DeletedModel(Base):
    """Tombstones: the ids of spans, relations and document labels deleted here, so that an
    import does not bring them back. A journaled delete writes them; creating the id again (the
    delete undone) removes them."""

    __tablename__ = "deleted"
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # span, relation, doclabel
    id: Mapped[str] = mapped_column(String(64), primary_key=True)


class StatusModel(Base):
    __tablename__ = "document_status"
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"), primary_key=True)
    state: Mapped[str] = mapped_column(String(20))
    updated: Mapped[str] = mapped_column(String(20))


class JournalModel(Base):
    """One committed operation: the command, its inverse, and its place in undo history.

    ``kind`` is do / undo / redo, or event (an operation that cannot be undone: an import, a
    restore, an undo refused); ``target`` is the row an undo or redo answers; ``state`` is
    active (on its annotator's undo or redo stack), undone (a do/redo that was undone), redone
    (an undo that was redone) or closed (off the stacks: an undo whose redo a later edit made
    impossible, a step an operation that cannot be undone closed, a step whose inverse no
    longer applied, and every event)."""

    __tablename__ = "journal"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[str] = mapped_column(String(20))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"))
    op: Mapped[str] = mapped_column(String(40))
    document_uid: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    inverse: Mapped[dict[str, Any]]
    kind: Mapped[str] = mapped_column(String(10), default="do")
    target: Mapped[int | None] = mapped_column(ForeignKey("journal.id"))
    state: Mapped[str] = mapped_column(String(10), default="active")

    __table_args__ = (
        Index("ix_journal_annotator_id_state", "annotator_id", "state"),
        Index("ix_journal_document_uid", "document_uid"),
    )


class JournalDocumentModel(Base):
    """The documents of a journal entry that touched several (its ``document_uid`` is then
    NULL); an entry of one document names it in ``document_uid`` alone."""

    __tablename__ = "journal_documents"
    journal_id: Mapped[int] = mapped_column(
        ForeignKey("journal.id", ondelete="CASCADE"), primary_key=True
    )
    document_uid: Mapped[str] = mapped_column(String(64), primary_key=True)

    __table_args__ = (Index("ix_journal_documents_document_uid", "document_uid"),)


class SettingModel(Base):
    """Small key/value facts about the store (e.g. how far the search index reaches)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class DecisionModel(Base):
    """An adjudication decision. ``gold_span_id`` names the gold span an accept created,
    without a foreign key: a journaled delete of that span and its undo restore it under the
    same id, and the decision must find it again (SET NULL would lose the link, CASCADE the
    decision)."""

    __tablename__ = "decisions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    sources: Mapped[list[Any]]
    gold_span_id: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str | None] = mapped_column(String(200))
    """The document category a decision on document labels rules on (NULL: on spans)."""
    gold_labels: Mapped[list[Any] | None] = mapped_column(JSON)
    """The gold document labels an accept on document labels wrote: [[category, value], …]."""
    gold_relation_id: Mapped[str | None] = mapped_column(String(64))
    """The gold relation an accept on relations created (no foreign key, as gold_span_id)."""
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"))
    at: Mapped[str] = mapped_column(String(20))

    __table_args__ = (
        Index("ix_decisions_document_id", "document_id"),
        Index("ix_decisions_gold_span_id", "gold_span_id"),
    )


class ActorModel(Base):
    """An actor across the corpus (:class:`annotate.actors.Actor`)."""

    __tablename__ = "actors"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    aliases: Mapped[list[Any]] = mapped_column(default=list)


class ActorLinkModel(Base):
    """An entity span resolved to an actor. ``span_id`` has no foreign key, as a decision's
    gold span has none: a journaled delete of the span and its undo bring it back under the
    same id, and its link with it; a link whose span is gone is not read."""

    __tablename__ = "actor_links"
    span_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    actor_id: Mapped[str] = mapped_column(ForeignKey("actors.id"))

    __table_args__ = (Index("ix_actor_links_actor_id", "actor_id"),)


class EventModel(Base):
    """A named event (:class:`annotate.actors.Event`): its window's ISO dates ("" open)."""

    __tablename__ = "events"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    start: Mapped[str] = mapped_column(String(10))
    end: Mapped[str] = mapped_column(String(10))
    place: Mapped[str] = mapped_column(Text)


class EventDocumentModel(Base):
    """A document that reports an event (a document may serve several)."""

    __tablename__ = "event_documents"
    event_id: Mapped[str] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )

    __table_args__ = (Index("ix_event_documents_document_id", "document_id"),)
class SuggestionModel(Base):
    """A span a pattern or a model proposes (:mod:`annotate.suggestions`): nobody's work, in a
    table of its own so that nothing counting, comparing or exporting spans sees it. ``label``
    is a name, not a foreign key: a suggestion outlives a schema change, and is accepted under
    whatever label the schema then has."""

    __tablename__ = "suggestions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    start: Mapped[int]
    end: Mapped[int]
    label: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(200))
    score: Mapped[float] = mapped_column(Float)
    created: Mapped[str] = mapped_column(String(20))

    __table_args__ = (
        Index("ix_suggestions_document_start", "document_id", "start"),
        Index("ix_suggestions_source", "source"),
    )


class VerdictModel(Base):
    """What an annotator made of a suggestion (accept or reject), by the suggestion's place and
    label: remembered whatever suggests it again, and read by retraining."""

    __tablename__ = "verdicts"
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"), primary_key=True)
    start: Mapped[int] = mapped_column(primary_key=True)
    end: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(200))
    score: Mapped[float] = mapped_column(Float)
    chosen: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[str] = mapped_column(String(20))


class AssignmentModel(Base):
    """A document assigned to an annotator by a lead (who and when: the journal)."""

    __tablename__ = "assignments"
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"), primary_key=True)
    at: Mapped[str] = mapped_column(String(20))

    __table_args__ = (Index("ix_assignments_annotator_id", "annotator_id"),)
