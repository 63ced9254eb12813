"""Assignments: documents a lead gives annotators (issue 15 point 4).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 03:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["annotator_id"], ["annotators.id"],
            name=op.f("fk_assignments_annotator_id_annotators"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"],
            name=op.f("fk_assignments_document_id_documents"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", "annotator_id", name=op.f("pk_assignments")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index("ix_assignments_annotator_id", ["annotator_id"])


def downgrade() -> None:
    op.drop_table("assignments")
