"""A timer on the GUI thread that tells how long the window's event loop stood still, counting
only what this process did: the time the operating system kept the thread waiting for a CPU
(another program's load on a shared machine) is left out, so the measure means the same on a
quiet machine and a loaded one."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest

SCHEDSTAT = Path("/proc/thread-self/schedstat")
"""Linux's scheduler statistics of the thread reading it: its time on a CPU, and its time
ready to run but waiting for one (nanoseconds)."""

Clocks = tuple[float, float, float]


def clocks() -> Clocks:
    """(wall time, the calling thread's time spent waiting for a CPU, the process's CPU time)
    now, in seconds (no wait for a CPU where Linux's scheduler statistics are not kept)."""
    try:
        waited = int(SCHEDSTAT.read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        waited = 0.0
    return time.monotonic(), waited, time.process_time()


def between(then: Clocks, now: Clocks) -> tuple[float, float]:
    """(held, CPU) from ``then`` to ``now`` (both read on the same thread): the wall time less
    the thread's wait for a CPU, and the process's CPU time."""
    wall, waited, cpu = (b - a for a, b in zip(then, now, strict=True))
    return wall - waited, cpu


class Ticks:
    """A timer ticking every ``interval_ms`` on the thread that makes it (the GUI thread): how
    often it fired (:attr:`count`) and the longest stretch between two firings, measured two
    ways. :attr:`longest_held`: the stretch's wall time less the time the thread was ready to
    run but waited for a CPU (waiting on a lock, on the GIL or in a computation counts; being
    kept off the CPU by other programs does not). :attr:`longest_cpu`: the CPU time the whole
    process spent in the stretch (a computation on the GUI thread, or a worker that holds the
    GIL; not another program's load, nor sleeping)."""

    def __init__(self, interval_ms: int = 20) -> None:
        self.interval_ms = interval_ms
        self.count = 0
        self.longest_held = 0.0
        self.longest_cpu = 0.0
        self._last = clocks()
        self.timer = QTimer(interval=interval_ms)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = clocks()
        held, cpu = between(self._last, now)
        self.count += 1
        self.longest_held = max(self.longest_held, held)
        self.longest_cpu = max(self.longest_cpu, cpu)
        self._last = now

    def held_so_far(self) -> float:
        """:attr:`longest_held`, the stretch since the last tick included, after the event
        loop turned for 50 ms."""
        QTest.qWait(50)
        return max(self.longest_held, between(self._last, clocks())[0])
