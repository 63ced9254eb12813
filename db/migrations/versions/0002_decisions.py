"""Adjudication decisions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 23:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("gold_span_id", sa.String(length=64), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["annotators.id"],
            name=op.f("fk_decisions_decided_by_id_annotators"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_decisions_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index("ix_decisions_document_id", ["document_id"], unique=False)
        batch_op.create_index("ix_decisions_gold_span_id", ["gold_span_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_decisions_gold_span_id")
        batch_op.drop_index("ix_decisions_document_id")
    op.drop_table("decisions")
