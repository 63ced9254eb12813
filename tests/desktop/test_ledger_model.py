"""What an edit of the ledger costs the view (issue 17): its claimant columns follow at the
cost of the claimants of the claims it changes (a ledger of thousands of claimants is not
walked per key press); a row whose line reads the same is not repainted (one that changed
repaints its own line)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt

from annotate import ledger
from annotate.ledger import ClaimRecord, Party
from desktop.ledger.model import LedgerModel
from desktop.ledger.tree import LedgerTree

CLAIMANTS = 1_000


class Walked(list):
    """A list that counts the walks over it."""

    walks = 0

    def __iter__(self):
        Walked.walks += 1
        return super().__iter__()


def record(n: int, claimant: str, subject: str = "Wagner") -> ClaimRecord:
    return ClaimRecord(f"c{n}", f"doc{n:05}", 0, 2, str(n), "amina", "claim",
                       claimant=Party(claimant), subject=Party(subject))


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


class Painted(QObject):
    """The rectangles of a widget's paint events."""

    def __init__(self) -> None:
        super().__init__()
        self.rects = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.rect())
        return False


def test_a_row_is_repainted_only_when_its_line_changes(qtbot) -> None:
    """A claim made past what a long row's line has room for changes nothing shown; one
    made first in it changes the line, which alone is repainted."""
    model = LedgerModel()
    model.install(ledger.build([record(n, "army", f"subject {n % 8}") for n in range(800)]))
    tree = LedgerTree()
    qtbot.addWidget(tree)
    tree.setModel(model)
    tree.resize(600, 400)
    with qtbot.waitExposed(tree):
        tree.show()
    qtbot.wait(50)  # its first paints done
    changed, painted = [], Painted()
    model.dataChanged.connect(lambda top, bottom: changed.append((top.row(), bottom.row())))
    tree.viewport().installEventFilter(painted)
    last = record(900, "army", "subject 3")  # sorts after the row's 100 others
    model.apply(model.ledger.changes([], [last], [last.id]))
    qtbot.wait(50)
    assert (changed, painted.rects) == ([], [])
    first = record(901, "army", "subject 3")
    first.document = "doc00000"  # it sorts first: its figure opens the row's line
    model.apply(model.ledger.changes([], [first], [first.id]))
    qtbot.waitUntil(lambda: bool(painted.rects))
    line = tree.visualRect(model.index(3, 0))
    assert changed == [(3, 3)] and model.index(3, 1).data().startswith("901; 3; 11; ")
    assert all(r.top() >= line.top() and r.bottom() <= line.bottom() for r in painted.rects)
