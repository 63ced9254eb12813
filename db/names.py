"""Ids of annotators and labels by name, cached per store and created on demand."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from annotate.errors import ValidationError
from annotate.strings import check_name
from db.engine import execute
from db.tables import AnnotatorModel


class Names:
    def __init__(self) -> None:
        self._annotators: dict[str, int] = {}
        self._labels: dict[str, int] = {}
        self._label_names: dict[int, str] = {}
        self._annotator_names: dict[int, str] = {}

    def clear(self) -> None:
        for cache in (self._annotators, self._labels, self._label_names, self._annotator_names):
            cache.clear()

    def annotator_id(self, conn: Connection, name: str, create: bool = True) -> int:
        """The annotator's id; a new name is added when ``create``, else ValidationError."""
        if name in self._annotators:
            return self._annotators[name]
        found = conn.scalar(select(AnnotatorModel.id).where(AnnotatorModel.name == name))
        if found is None:
            if not create:
                raise ValidationError(f"unknown annotator {name!r}")
            check_name(name, "annotator")
            found = conn.execute(insert(AnnotatorModel).values(name=name)).inserted_primary_key[0]
        self._annotators[name] = found
        self._annotator_names[found] = name
        return found

    def find_annotator(self, conn: Connection, name: str) -> int | None:
        try:
            return self.annotator_id(conn, name, create=False)
        except ValidationError:
            return None

    def find_label(self, conn: Connection, name: str) -> int | None:
        try:
            return self.label_id(conn, name)
        except ValidationError:
            return None

    def label_id(self, conn: Connection, name: str) -> int:
        if name not in self._labels:
            self._load_labels(conn)
            if name not in self._labels:
                raise ValidationError(f"unknown label {name!r}")
        return self._labels[name]

    def label_name(self, conn: Connection, label_id: int) -> str:
        if label_id not in self._label_names:
            self._load_labels(conn)
        return self._label_names[label_id]

    def annotator_name(self, conn: Connection, annotator_id: int) -> str:
        if annotator_id not in self._annotator_names:
            self.annotator_names(conn)
        return self._annotator_names[annotator_id]

    def label_names(self, conn: Connection) -> dict[int, str]:
        """Every label's name by id (the live cache: read, never modify)."""
        self._load_labels(conn)
        return self._label_names

    def annotator_names(self, conn: Connection) -> dict[int, str]:
        """Every annotator's name by id (the live cache: read, never modify)."""
        for annotator_id, name in execute(conn, "SELECT id, name FROM annotators"):
            self._annotators[name] = annotator_id
            self._annotator_names[annotator_id] = name
        return self._annotator_names

    def _load_labels(self, conn: Connection) -> None:
        for label_id, name in execute(conn, "SELECT id, name FROM labels"):
            self._labels[name] = label_id
            self._label_names[label_id] = name
