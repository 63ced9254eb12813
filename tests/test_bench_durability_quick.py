"""The durability benchmark runs in quick mode and ends with its JSON summary."""

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parent / "benchmarks" / "bench_durability.py"


def test_bench_durability_quick() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"full_edits_per_s", "normal_edits_per_s", "ratio"} <= set(summary)
    assert summary["edits_each"] == 120
    assert summary["full_edits_per_s"] > 0 and summary["normal_edits_per_s"] > 0
    assert summary["ratio"] > 0
    assert summary["synchronous_in_use"] == "FULL"
