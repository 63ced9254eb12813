"""PostgreSQL's search folds accents as SQLite's index does (``remove_diacritics``): the
unaccent extension (in Debian's postgresql package since 15; a trusted extension, which the
store's owner may create), and the index emptied so that the next search fills it again,
folded. SQLite: nothing to do.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 04:00:00
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

EMPTIED = (
    "DELETE FROM document_words",
    "DELETE FROM settings WHERE key = 'fts_indexed_up_to'",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    for statement in EMPTIED:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in EMPTIED:
        op.execute(statement)
    op.execute("DROP EXTENSION IF EXISTS unaccent")
