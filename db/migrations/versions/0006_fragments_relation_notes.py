"""Discontinuous spans (their fragments) and notes on relations (issue 14 point 2: brat).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 22:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("spans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fragments", sa.JSON(), nullable=True))
    with op.batch_alter_table("relations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("relations", schema=None) as batch_op:
        batch_op.drop_column("note")
    with op.batch_alter_table("spans", schema=None) as batch_op:
        batch_op.drop_column("fragments")
