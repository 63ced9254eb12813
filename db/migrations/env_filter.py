"""Which database objects the migrations manage (shared by env.py and the tests)."""


def include_object(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    """The full-text index is a virtual table the models do not describe."""
    return not (type_ == "table" and (name or "").startswith("documents_fts"))
