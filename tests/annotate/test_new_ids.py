"""Ids drawn many at once are random UUIDs of version 4, as one drawn alone."""

import uuid
from itertools import islice

from annotate.model import fresh_ids, new_id, new_ids


def test_new_ids_are_version_4_uuids_like_new_id() -> None:
    ids = new_ids(5000)
    assert len(set(ids)) == 5000
    for made in (*ids, new_id()):
        parsed = uuid.UUID(made)
        assert (parsed.version, parsed.variant, str(parsed)) == (4, uuid.RFC_4122, made)
    assert new_ids(0) == []


def test_fresh_ids_go_on_past_a_batch() -> None:
    drawn = list(islice(fresh_ids(batch=3), 8))
    assert len(set(drawn)) == 8 and all(uuid.UUID(i).version == 4 for i in drawn)
