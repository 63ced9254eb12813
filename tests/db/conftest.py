"""Fixtures for store tests: a fresh store per test (a file, or the test server's database:
see tests/server_store.py)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from server_store import fresh_store_location

from db.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(fresh_store_location(tmp_path))
    yield store
    store.close()
