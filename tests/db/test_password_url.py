"""A store on a PostgreSQL server ($COUNTERCLAIM_TEST_DB, see tests/server_store.py) opened
with a password in its URL: every location shown masks it, while another Store (a worker's)
reopens the store with it."""

from __future__ import annotations

from contextlib import closing

import pytest
from server_store import password_role, server_url

from annotate.model import AnnotatedDocument, Document
from db.store import Store

pytestmark = pytest.mark.skipif(server_url() is None, reason="needs $COUNTERCLAIM_TEST_DB")


def test_a_store_behind_a_password_shows_it_masked_and_reopens_with_it() -> None:
    with password_role(server_url() or "") as (url, password), closing(Store.open(url)) as store:
        store.import_documents([AnnotatedDocument(Document("The army denied it.", "a"))])
        assert password not in store.location and "***" in store.location
        with closing(Store.open(store.address)) as again:  # as a worker opens it
            assert [d.title for d in again.list_documents()] == ["a"]
            assert again.location == store.location
