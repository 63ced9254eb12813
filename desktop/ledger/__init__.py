"""The Ledger dock: the claims of an event side by side, and their figures over time."""

from desktop.ledger.dock import LedgerDock

__all__ = ["LedgerDock"]
