"""Alembic environment: runs on the connection the store hands over."""

from alembic import context

from db.tables import Base


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    # The full-text index is a virtual table the models do not describe.
    return not (type_ == "table" and name.startswith("documents_fts"))


connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  include_object=include_object)
with context.begin_transaction():
    context.run_migrations()
