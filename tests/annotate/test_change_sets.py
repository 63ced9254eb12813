"""What a command says it changed (its ChangeSet), made at each edit of the window (Qt-free)."""

from annotate.commands import ChangeSet


def test_a_change_set_is_made_without_frozen_construction_and_hashed_by_its_fields():
    """Frozen construction set each of its 13 fields through ``object.__setattr__`` (6x the
    cost), and each key press made several."""
    assert not ChangeSet.__dataclass_params__.frozen  # type: ignore[attr-defined]
    one, other = ChangeSet(documents=frozenset({"d"})), ChangeSet(documents=frozenset({"d"}))
    assert one == other and hash(one) == hash(other)
    assert hash(one) != hash(ChangeSet(documents=frozenset({"e"})))
