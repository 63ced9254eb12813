"""Ids drawn many at once are random UUIDs of version 4, as one drawn alone."""

import uuid

from annotate.model import new_id, new_ids


def test_new_ids_are_version_4_uuids_like_new_id() -> None:
    ids = new_ids(5000)
    assert len(set(ids)) == 5000
    for made in (*ids, new_id()):
        parsed = uuid.UUID(made)
        assert (parsed.version, parsed.variant, str(parsed)) == (4, uuid.RFC_4122, made)
    assert new_ids(0) == []
