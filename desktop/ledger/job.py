"""The whole ledger built off the GUI thread: the claim records of every document (of an
event, of a layer) read on the job's own store, and the rows, columns and conflicts made of
them."""

from __future__ import annotations

from annotate.ledger import Ledger, build
from db.store import Store
from desktop.jobs import Job


class LedgerJob(Job):
    """Build the ledger of ``event``'s documents and ``annotator``'s layer (None: every one)."""

    def __init__(self, location: str, event: str | None, annotator: str | None) -> None:
        super().__init__(location)
        self.event, self.annotator = event, annotator

    def work(self, store: Store) -> Ledger:
        return build(store.claim_records(self.event, self.annotator))
