"""The store's tables, in SQLAlchemy Core. The Alembic migrations must equal these (tested).

Each table is a class: ``LabelModel.__table__`` is the Table, ``LabelModel.name`` one of its
columns, and the class stands for its table wherever SQLAlchemy takes one
(``select(LabelModel)``, ``insert(SpanModel)``). Core, not the ORM: the store reads and writes
rows, never mapped objects, and importing the ORM alone cost every start of the window about a
tenth of a second.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def owned_by_document(**options: Any) -> Column[int]:
    """The ``document_id`` column of rows deleted with their document."""
    return Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"),
                  **options)


class Base:
    """A table of the store (``__table__``), its columns as class attributes, the class usable
    as the table itself."""

    metadata: ClassVar[MetaData] = MetaData(naming_convention=NAMING)
    __table__: ClassVar[Table]
    __tablename__: ClassVar[str]

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls.__tablename__ = cls.__table__.name
        for column in cls.__table__.columns:
            setattr(cls, column.key, column)

    @classmethod
    def __clause_element__(cls) -> Table:
        """What SQLAlchemy uses where the class is given for a table."""
        return cls.__table__


class DocumentModel(Base):
    __table__ = Table(
        "documents", Base.metadata,
        Column("id", Integer, primary_key=True),
        Column("uid", String(64), unique=True, nullable=False),
        Column("title", Text, default="", nullable=False),
        Column("text", Text, nullable=False),
        Column("length", Integer, nullable=False),
        Column("meta", JSON, default=dict, nullable=False),
        Column("added_at", String(20), nullable=False),
    )


class AnnotatorModel(Base):
    __table__ = Table(
        "annotators", Base.metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(200), unique=True, nullable=False),
    )


class LabelModel(Base):
    __table__ = Table(
        "labels", Base.metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(200), unique=True, nullable=False),
        Column("category", String(20), nullable=False),
        Column("color", String(7), nullable=False),
        Column("hotkey", String(1)),
        Column("description", Text, default="", nullable=False),
        Column("attributes", JSON, default=list, nullable=False),
        Column("position", Integer, default=0, nullable=False),
    )


class RelationTypeModel(Base):
    __table__ = Table(
        "relation_types", Base.metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(200), unique=True, nullable=False),
        Column("source_labels", JSON, default=list, nullable=False),
        Column("target_labels", JSON, default=list, nullable=False),
        Column("position", Integer, default=0, nullable=False),
        Column("across", Boolean, default=False, server_default=false(), nullable=False),
        # Whether its relations may end at a span of another document.
    )


class DocCategoryModel(Base):
    """A document label category of the schema; ``doc_values`` lists its values (name,
    hotkey, color, description)."""

    __table__ = Table(
        "doc_categories", Base.metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(200), unique=True, nullable=False),
        Column("multi", Boolean, default=False, nullable=False),
        Column("description", Text, default="", nullable=False),
        Column("doc_values", JSON, default=list, nullable=False),
        Column("position", Integer, default=0, nullable=False),
    )


class DocLabelModel(Base):
    """A document label: one annotator gives a document a value of a document category."""

    __table__ = Table(
        "doc_labels", Base.metadata,
        owned_by_document(primary_key=True),
        Column("annotator_id", Integer, ForeignKey("annotators.id"), primary_key=True),
        Column("category", String(200), primary_key=True),
        Column("value", String(200), primary_key=True),
        Column("created", String(20), nullable=False),
    )


class SpanModel(Base):
    __table__ = Table(
        "spans", Base.metadata,
        Column("id", String(64), primary_key=True),
        owned_by_document(nullable=False),
        Column("annotator_id", Integer, ForeignKey("annotators.id"), nullable=False),
        Column("label_id", Integer, ForeignKey("labels.id"), nullable=False),
        Column("start", Integer, nullable=False),
        Column("end", Integer, nullable=False),
        Column("attributes", JSON, default=dict, nullable=False),
        Column("note", Text),
        Column("created", String(20), nullable=False),
        Column("updated", String(20), nullable=False),
        Column("fragments", JSON),  # [[start, end], ...] or NULL
        Index("ix_spans_document_start", "document_id", "start"),
        Index("ix_spans_label_id", "label_id"),
    )


class RelationModel(Base):
    __table__ = Table(
        "relations", Base.metadata,
        Column("id", String(64), primary_key=True),
        owned_by_document(nullable=False),
        Column("type", String(200), nullable=False),
        Column("source_id", String, ForeignKey("spans.id", ondelete="CASCADE"), nullable=False),
        Column("target_id", String, ForeignKey("spans.id", ondelete="CASCADE"), nullable=False),
        Column("annotator_id", Integer, ForeignKey("annotators.id"), nullable=False),
        Column("note", Text),
        Column("target_document_id", Integer),
        # The document of the target when it is not ``document_id`` (a link across documents),
        # else NULL. (No foreign key: the target's own, ``target_id``, keeps it whole, and a column
        # without one can be dropped by SQLite, as the migration tests do.)
        Index("ix_relations_document_id", "document_id"),
        Index("ix_relations_target_document_id", "target_document_id"),
        Index("ix_relations_source_id", "source_id"),
        Index("ix_relations_target_id", "target_id"),
    )


class DeletedModel(Base):
    """Tombstones: the ids of spans, relations and document labels deleted here, so that an
    import does not bring them back. A journaled delete writes them; creating the id again (the
    delete undone) removes them."""

    __table__ = Table(
        "deleted", Base.metadata,
        Column("kind", String(10), primary_key=True),  # span, relation, doclabel
        Column("id", String(64), primary_key=True),
    )


class StatusModel(Base):
    __table__ = Table(
        "document_status", Base.metadata,
        owned_by_document(primary_key=True),
        Column("annotator_id", Integer, ForeignKey("annotators.id"), primary_key=True),
        Column("state", String(20), nullable=False),
        Column("updated", String(20), nullable=False),
    )


class JournalModel(Base):
    """One committed operation: the command, its inverse, and its place in undo history.

    ``kind`` is do / undo / redo, or event (an operation that cannot be undone: an import, a
    restore, an undo refused); ``target`` is the row an undo or redo answers; ``state`` is
    active (on its annotator's undo or redo stack), undone (a do/redo that was undone), redone
    (an undo that was redone) or closed (off the stacks: an undo whose redo a later edit made
    impossible, a step an operation that cannot be undone closed, a step whose inverse no
    longer applied, and every event)."""

    __table__ = Table(
        "journal", Base.metadata,
        Column("id", Integer, primary_key=True),
        Column("at", String(20), nullable=False),
        Column("annotator_id", Integer, ForeignKey("annotators.id"), nullable=False),
        Column("op", String(40), nullable=False),
        Column("document_uid", String(64)),
        Column("payload", JSON, nullable=False),
        Column("inverse", JSON, nullable=False),
        Column("kind", String(10), default="do", nullable=False),
        Column("target", Integer, ForeignKey("journal.id")),
        Column("state", String(10), default="active", nullable=False),
        Index("ix_journal_annotator_id_state", "annotator_id", "state"),
        Index("ix_journal_document_uid", "document_uid"),
    )


class JournalDocumentModel(Base):
    """The documents of a journal entry that touched several (its ``document_uid`` is then
    NULL); an entry of one document names it in ``document_uid`` alone."""

    __table__ = Table(
        "journal_documents", Base.metadata,
        Column("journal_id", Integer, ForeignKey("journal.id", ondelete="CASCADE"),
               primary_key=True),
        Column("document_uid", String(64), primary_key=True),
        Index("ix_journal_documents_document_uid", "document_uid"),
    )


class SettingModel(Base):
    """Small key/value facts about the store (e.g. how far the search index reaches)."""

    __table__ = Table(
        "settings", Base.metadata,
        Column("key", String(100), primary_key=True),
        Column("value", Text, nullable=False),
    )


class DecisionModel(Base):
    """An adjudication decision. ``gold_span_id`` names the gold span an accept created,
    without a foreign key: a journaled delete of that span and its undo restore it under the
    same id, and the decision must find it again (SET NULL would lose the link, CASCADE the
    decision)."""

    __table__ = Table(
        "decisions", Base.metadata,
        Column("id", String(64), primary_key=True),
        owned_by_document(nullable=False),
        Column("kind", String(10), nullable=False),
        Column("sources", JSON, nullable=False),
        Column("gold_span_id", String(64)),
        Column("category", String(200)),
        # The document category a decision on document labels rules on (NULL: on spans).
        Column("gold_labels", JSON),
        # The gold document labels an accept on document labels wrote: [[category, value], …].
        Column("gold_relation_id", String(64)),
        # The gold relation an accept on relations created (no foreign key, as gold_span_id).
        Column("decided_by_id", Integer, ForeignKey("annotators.id"), nullable=False),
        Column("at", String(20), nullable=False),
        Index("ix_decisions_document_id", "document_id"),
        Index("ix_decisions_gold_span_id", "gold_span_id"),
    )


class ActorModel(Base):
    """An actor across the corpus (:class:`annotate.actors.Actor`)."""

    __table__ = Table(
        "actors", Base.metadata,
        Column("id", String(64), primary_key=True),
        Column("name", String(200), unique=True, nullable=False),
        Column("kind", String(40), nullable=False),
        Column("aliases", JSON, default=list, nullable=False),
    )


class ActorLinkModel(Base):
    """An entity span resolved to an actor. ``span_id`` has no foreign key, as a decision's
    gold span has none: a journaled delete of the span and its undo bring it back under the
    same id, and its link with it; a link whose span is gone is not read."""

    __table__ = Table(
        "actor_links", Base.metadata,
        Column("span_id", String(64), primary_key=True),
        owned_by_document(nullable=False),
        Column("actor_id", String, ForeignKey("actors.id"), nullable=False),
        Index("ix_actor_links_actor_id", "actor_id"),
    )


class EventModel(Base):
    """A named event (:class:`annotate.actors.Event`): its window's ISO dates ("" open)."""

    __table__ = Table(
        "events", Base.metadata,
        Column("id", String(64), primary_key=True),
        Column("name", String(200), unique=True, nullable=False),
        Column("start", String(10), nullable=False),
        Column("end", String(10), nullable=False),
        Column("place", Text, nullable=False),
    )


class EventDocumentModel(Base):
    """A document that reports an event (a document may serve several)."""

    __table__ = Table(
        "event_documents", Base.metadata,
        Column("event_id", String, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
        owned_by_document(primary_key=True),
        Index("ix_event_documents_document_id", "document_id"),
    )


class SuggestionModel(Base):
    """A span a pattern or a model proposes (:mod:`annotate.suggestions`): nobody's work, in a
    table of its own so that nothing counting, comparing or exporting spans sees it. ``label``
    is a name, not a foreign key: a suggestion outlives a schema change, and is accepted under
    whatever label the schema then has."""

    __table__ = Table(
        "suggestions", Base.metadata,
        Column("id", String(64), primary_key=True),
        owned_by_document(nullable=False),
        Column("start", Integer, nullable=False),
        Column("end", Integer, nullable=False),
        Column("label", String(200), nullable=False),
        Column("source", String(200), nullable=False),
        Column("score", Float, nullable=False),
        Column("created", String(20), nullable=False),
        Index("ix_suggestions_document_start", "document_id", "start"),
        Index("ix_suggestions_source", "source"),
    )


class VerdictModel(Base):
    """What an annotator made of a suggestion (accept or reject), by the suggestion's place and
    label: remembered whatever suggests it again, and read by retraining."""

    __table__ = Table(
        "verdicts", Base.metadata,
        owned_by_document(primary_key=True),
        Column("annotator_id", Integer, ForeignKey("annotators.id"), primary_key=True),
        Column("start", Integer, primary_key=True),
        Column("end", Integer, primary_key=True),
        Column("label", String(200), primary_key=True),
        Column("kind", String(10), nullable=False),
        Column("source", String(200), nullable=False),
        Column("score", Float, nullable=False),
        Column("chosen", String(200)),
        Column("at", String(20), nullable=False),
    )


class AssignmentModel(Base):
    """A document assigned to an annotator by a lead (who and when: the journal)."""

    __table__ = Table(
        "assignments", Base.metadata,
        owned_by_document(primary_key=True),
        Column("annotator_id", Integer, ForeignKey("annotators.id"), primary_key=True),
        Column("at", String(20), nullable=False),
        Index("ix_assignments_annotator_id", "annotator_id"),
    )
