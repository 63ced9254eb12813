"""Decisions on relations: the gold relation an accept created (issue 12 point 2).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 00:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gold_relation_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_column("gold_relation_id")
