"""Alembic environment: runs on the connection the store hands over."""

from alembic import context

from db.migrations.env_filter import include_object
from db.tables import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
