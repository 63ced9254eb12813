"""Links across documents (issue 13 point 4): relation types that may cross documents, and the
target's document of a relation that does.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 03:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("relation_types", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("across", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("relations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target_document_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_relations_target_document_id"), ["target_document_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("relations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_relations_target_document_id"))
        batch_op.drop_column("target_document_id")
    with op.batch_alter_table("relation_types", schema=None) as batch_op:
        batch_op.drop_column("across")
