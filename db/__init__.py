"""The SQLite store: SQLAlchemy models, migrations, and the Store every caller goes through."""
