"""The search index in parts (db/dialects/index_parts.py): SQLite's FTS5 table made anew,
contentless (a row per part of a text, not a document's row of ``documents``), and both
engines' index emptied with its marks, so that the window indexes the store again in the
background (a document's parts then written a few per transaction).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 17:30:00
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

MARKS = "DELETE FROM settings WHERE key IN ('fts_indexed_up_to', 'fts_indexed_parts', 'fts_parted')"
TOKENIZER = "tokenize='unicode61 remove_diacritics 2'"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS documents_fts")
        op.execute(f"CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='', "
                   f"{TOKENIZER})")
    else:
        op.execute("DELETE FROM document_words")
    op.execute(MARKS)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS documents_fts")
        op.execute("CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, "
                   f"content='documents', content_rowid='id', {TOKENIZER})")
    else:
        op.execute("DELETE FROM document_words")
    op.execute(MARKS)
