"""The ledger model's claimant columns follow an edit at the cost of the claimants of the claims
it changes: a ledger of thousands of claimants is not walked per key press (issue 17)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotate import ledger
from annotate.ledger import ClaimRecord, Party
from desktop.ledger.model import LedgerModel

CLAIMANTS = 1_000


class Walked(list):
    """A list that counts the walks over it."""

    walks = 0

    def __iter__(self):
        Walked.walks += 1
        return super().__iter__()


def record(n: int, claimant: str) -> ClaimRecord:
    return ClaimRecord(f"c{n}", f"doc{n}", 0, 2, str(n), "amina", "claim",
                       claimant=Party(claimant))


def test_a_claimant_column_comes_and_goes_without_the_others_walked() -> None:
    model = LedgerModel()
    model.install(ledger.build([record(n, f"party {n:05}") for n in range(CLAIMANTS)]))
    inserted, removed = [], []
    model.columnsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    model.columnsRemoved.connect(lambda _parent, first, last: removed.append((first, last)))
    model.ledger.claimants = Walked(model.ledger.claimants)
    new = record(CLAIMANTS, "party 00000a")  # the second claimant now
    model.apply(model.ledger.changes([], [new], [new.id]))
    model.apply(model.ledger.changes([], [], ["c5"]))  # party 00005's one claim
    assert Walked.walks == 0
    assert (inserted, removed) == ([(2, 2)], [(7, 7)])  # column 0: the rows' keys
    names = sorted({f"party {n:05}" for n in range(CLAIMANTS)} - {"party 00005"}
                   | {"party 00000a"})
    assert model.columns == names == list(model.ledger.claimants)
    assert [model.headerData(n, Qt.Orientation.Horizontal) for n in (1, 2, 3)] == names[:3]
