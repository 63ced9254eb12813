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

    def _version(self) -> int:
        if self._conn is None:
            self._conn = sqlite3.connect(f"{self._path.as_uri()}?mode=ro", uri=True,
                                         check_same_thread=False)
            self._conn.execute("PRAGMA trusted_schema=OFF")
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def outside(self) -> int:
        """How many times someone else committed since the watch began (0, 1, 2, ...)."""
        with self._lock:
            raw = self._version()
            if self._raw is not None and raw != self._raw:
                self._outside += 1
            self._raw = raw
            return self._outside

    def counted(self) -> int:
        """What :meth:`outside` said last, asked nothing: current for a transaction that
        called it holding the write lock (no one else can commit meanwhile)."""
        with self._lock:
            return self._outside

    def absorb(self, missed: Callable[[], bool]) -> None:
        """Called right after our own commit (whose transaction first called :meth:`outside`
        while holding the write lock): take the new version as seen, so our commit does not
        count as an outside one; then ``missed()`` says whether someone else committed since
        ours, which that version may hold (a worker's thread, below the GUI's, may wait long
        between its commit and this)."""
        with self._lock:
            self._raw = self._version()
            self._outside += missed()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
