"""A store on a PostgreSQL server ($COUNTERCLAIM_TEST_DB, see tests/server_store.py), closed:
it connects to the server no more (its watch included) and refuses use plainly."""

from __future__ import annotations

import secrets

import pytest
from server_store import connections, named_url, server_url

from annotate.errors import StoreClosed
from db.store import Store

pytestmark = pytest.mark.skipif(server_url() is None, reason="needs $COUNTERCLAIM_TEST_DB")


def test_a_closed_store_refuses_use_and_its_watch_connects_no_more() -> None:
    name = f"closing_{secrets.token_hex(4)}"
    store = Store.open(named_url(name))
    store.data_version()  # the watch listens on a connection of its own
    store.setting("anything")
    assert connections(name) >= 1
    store.close()
    for use in (store.data_version, lambda: store.setting("anything"),
                lambda: store.set_setting("anything", "1")):
        with pytest.raises(StoreClosed, match="the store was closed"):
            use()
    assert connections(name) == 0
    store.close()  # again: nothing more to do
