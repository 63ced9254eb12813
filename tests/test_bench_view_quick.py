"""Smoke run of the text view benchmark in --quick mode."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parent / "benchmarks" / "bench_view.py"
KEYS = {"open_ratio", "repaint_ratio", "update_ratio", "edit_ratio", "open_bare_s", "open_view_s",
        "repaint_bare_s", "repaint_view_s", "update_s", "edit_s", "edit_insert_s"}


def test_bench_view_quick():
    done = subprocess.run([sys.executable, str(BENCH), "--quick"], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result.keys() >= KEYS
    assert all(result[key] > 0 for key in KEYS)
    assert result["quick"] is True
