"""Tombstones: ids of spans and relations deleted here, which an import does not bring back.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 19:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deleted",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("kind", "id", name=op.f("pk_deleted")),
    )


def downgrade() -> None:
    op.drop_table("deleted")
