"""The documents a journal entry touched, when it touched several (an import, a batch).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "journal_documents",
        sa.Column("journal_id", sa.Integer(), nullable=False),
        sa.Column("document_uid", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["journal_id"],
            ["journal.id"],
            name=op.f("fk_journal_documents_journal_id_journal"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("journal_id", "document_uid", name=op.f("pk_journal_documents")),
    )
    with op.batch_alter_table("journal_documents", schema=None) as batch_op:
        batch_op.create_index("ix_journal_documents_document_uid", ["document_uid"], unique=False)
    with op.batch_alter_table("journal", schema=None) as batch_op:
        batch_op.create_index("ix_journal_document_uid", ["document_uid"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("journal", schema=None) as batch_op:
        batch_op.drop_index("ix_journal_document_uid")
    with op.batch_alter_table("journal_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_journal_documents_document_uid")
    op.drop_table("journal_documents")
