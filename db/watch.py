"""Noticing commits made to a store file by someone else (another window, another program).

SQLite's ``PRAGMA data_version`` changes, on one connection, whenever another connection
commits. The watcher keeps one read-only connection for asking it, and is told about the
Store's own commits so they do not count: :meth:`Watcher.outside` grows only with commits
made elsewhere.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path


class Watcher:
    """Counts outside commits to the SQLite file ``path`` (thread-safe)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._raw: int | None = None
        self._outside = 0
        self._own = 0  # write transactions of ours begun and not yet absorbed or abandoned

    def _version(self) -> int:
        if self._conn is None:
            self._conn = sqlite3.connect(f"{self._path.as_uri()}?mode=ro", uri=True,
                                         check_same_thread=False)
            self._conn.execute("PRAGMA trusted_schema=OFF")
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def _count(self) -> None:
        raw = self._version()
        if self._raw is not None and raw != self._raw:
            self._outside += 1
        self._raw = raw

    def outside(self) -> int:
        """How many times someone else committed since the watch began (0, 1, 2, ...). While
        a write transaction of ours is under way (:meth:`begin`) the file is not asked: no one
        else can commit then, and our own commit is not to be read before it is absorbed."""
        with self._lock:
            if not self._own:
                self._count()
            return self._outside

    def begin(self) -> None:
        """A write transaction of ours began, holding the write lock: count the commits made
        by others before it. Until its :meth:`absorb` (or :meth:`abandon`), :meth:`outside`
        answers without asking: a worker committing as the window (:meth:`Store.commit_as`),
        its thread below the GUI's, was now and then held between its commit and the absorb,
        and the window's watch, asking meanwhile, took that commit for another program's (every
        view read the store again)."""
        with self._lock:
            self._count()
            self._own += 1

    def abandon(self) -> None:
        """The transaction begun was rolled back: nothing of ours to absorb."""
        with self._lock:
            self._own -= 1

    def counted(self) -> int:
        """What :meth:`outside` said last, asked nothing: current for a transaction that
        called it holding the write lock (no one else can commit meanwhile)."""
        with self._lock:
            return self._outside

    def absorb(self, missed: Callable[[], bool], begun: bool = True) -> None:
        """Called right after our own commit: take the new version as seen, so our commit
        does not count as an outside one; then ``missed()`` says whether someone else
        committed since ours, which that version may hold (a worker's thread, below the GUI's,
        may wait long between its commit and this). ``begun``: the transaction called
        :meth:`begin` (not so for a watch made while it was under way)."""
        with self._lock:
            try:
                self._raw = self._version()
                self._outside += missed()
            finally:
                self._own -= begun

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
