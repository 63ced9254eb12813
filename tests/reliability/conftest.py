"""Fixtures of the reliability tests: a store with the sample texts, a way to make its disk
"full" (PRAGMA max_page_count on every connection), and private Qt settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from annotate.model import AnnotatedDocument
from annotate.samples import sample_documents
from db.store import Store


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "store.sqlite"
    store = Store.open(path)
    store.import_documents(AnnotatedDocument(d) for d in sample_documents())
    store.close()
    return path


@pytest.fixture
def fill_disk() -> Iterator[Callable[[Store], Callable[[], None]]]:
    """``fill_disk(store)`` caps the store file at its current size for every connection of
    ``store`` (as a full disk would); it returns a function that lifts the cap."""
    lifts: list[Callable[[], None]] = []

    def cap(store: Store) -> Callable[[], None]:
        with store.engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

        def limit(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_conn.execute(f"PRAGMA max_page_count={pages}")

        event.listen(store.engine, "connect", limit)
        store.engine.dispose()

        def lift() -> None:
            if event.contains(store.engine, "connect", limit):
                event.remove(store.engine, "connect", limit)
                store.engine.dispose()

        lifts.append(lift)
        return lift

    yield cap
    for lift in lifts:
        lift()
