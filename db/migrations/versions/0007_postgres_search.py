"""PostgreSQL's full-text index: the words of each document (in parts of at most
db.dialects.index_parts.PART characters) as tsvectors, with a GIN index. SQLite keeps its FTS5
table (0001); this migration does nothing there.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 01:00:00
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE document_words ("
        "document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE, "
        "part INTEGER NOT NULL, words TSVECTOR NOT NULL, "
        "CONSTRAINT pk_document_words PRIMARY KEY (document_id, part))"
    )
    op.execute("CREATE INDEX ix_document_words_words ON document_words USING GIN (words)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE document_words")
