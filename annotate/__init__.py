"""The annotation domain in plain Python: no Qt, no SQLAlchemy."""
