"""Document labels: the schema's document categories, the labels annotators give documents,
and decisions on them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 21:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "doc_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("multi", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("doc_values", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_doc_categories")),
        sa.UniqueConstraint("name", name=op.f("uq_doc_categories_name")),
    )
    op.create_table(
        "doc_labels",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=200), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("created", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["annotator_id"], ["annotators.id"], name=op.f("fk_doc_labels_annotator_id_annotators")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_doc_labels_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "document_id", "annotator_id", "category", "value", name=op.f("pk_doc_labels")
        ),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("category", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("gold_labels", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_column("gold_labels")
        batch_op.drop_column("category")
    op.drop_table("doc_labels")
    op.drop_table("doc_categories")
