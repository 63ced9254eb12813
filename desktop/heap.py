"""The C heap of the window's process: big blocks given back to the system when freed."""

from __future__ import annotations

import ctypes
import platform

M_MMAP_THRESHOLD = -3
"""glibc's ``mallopt`` parameter: blocks this big or bigger are mapped on their own."""
BIG_BLOCK = 128 * 1024
"""glibc's own starting threshold (bytes)."""


def give_back_big_blocks() -> bool:
    """Fix glibc's threshold over which ``malloc`` maps a block on its own, unmapped (given
    back) when freed; whether it was set (not glibc: nothing to do).

    glibc raises that threshold each time such a block is freed, up to 32 MB: once the
    Adjudication tab let go of a 200,000-span document's columns (arrays of a few MB), blocks
    of that size came from the heap, where freed memory stays the process's, and the Ledger
    built on top of it (the window's peak 285 -> 260 MB). A threshold set by ``mallopt`` no
    longer moves."""
    if platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, BIG_BLOCK))
