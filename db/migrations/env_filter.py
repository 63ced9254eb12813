"""Which database objects the migrations manage (shared by env.py and the tests)."""


def include_object(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    """The full-text index (SQLite's FTS5 virtual table, PostgreSQL's table of tsvectors) is
    engine-specific: the models do not describe it."""
    return not (type_ == "table" and (name or "").startswith(("documents_fts", "document_words")))
